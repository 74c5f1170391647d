// What the video API answers (server/httpapi/video_routes.go, review_routes.go).

export type VersionState = 'processing' | 'ready' | 'failed' | 'unavailable';

export interface Asset {
  url: string;
  contentType: string;
  size: number;
  width?: number;
  height?: number;
  count?: number;
  interval?: number;
}

export interface CaptionInfo {
  language: string;
  cues: number;
  url: string;
  updatedAt: string;
}

export interface Version {
  id: string;
  number: number;
  state: VersionState;
  step?: string;
  progress: number;
  problem?: string;
  uploadedBy: string;
  createdAt: string;
  filename: string;
  size: number;
  duration?: number;
  poster?: Asset;
  thumbnails?: Asset;
  rendition?: Asset;
  captions: CaptionInfo[];
}

export interface Video {
  id: string;
  groupId: string;
  title: string;
  scriptId?: string;
  versions: number;
  createdAt: string;
  latest?: Version;
  all?: Version[];
}

export interface Tag {
  accountId: string;
  name: string;
  confirmed: boolean;
  taggedBy: string;
}

export type Audience = 'group' | 'panel' | 'partners' | 'event';

export interface AudienceState {
  audience: Audience;
  allowed: boolean;
  reasons: string[];
}

export interface Share {
  id: string;
  version: number;
  audience: Audience;
  orgId?: string;
  orgName?: string;
  label?: string;
  expiresAt?: string;
  state: 'active' | 'revoked' | 'withdrawn' | 'expired';
  reasons?: string[];
  createdAt: string;
}

export interface Sharing {
  audiences: AudienceState[];
  partners: { id: string; name: string }[];
  shares: Share[];
  workingLanguage: string;
  canShare: boolean;
}

export interface Review {
  approvals: { accountId: string; name: string; at: string }[];
  request: { state: 'waiting' | 'approved' | 'changes_requested' | 'hidden'; panel: boolean; partners: string[] } | null;
}

export interface VideoComment {
  id: string;
  threadId?: string;
  author: string;
  name: string;
  at: number;
  text: string;
  held?: boolean;
  hidden?: boolean;
  resolved?: boolean;
  /** Its author's account was erased: the words are gone, the place in the thread stays. */
  erased?: boolean;
  reasons?: string[];
  createdAt: string;
}

export interface SharedVideo {
  id: string;
  title: string;
  version: number;
  audience: Audience;
  duration?: number;
  poster?: string;
  rendition?: string;
  captions: { language: string; url: string }[];
  expiresAt?: string;
}
