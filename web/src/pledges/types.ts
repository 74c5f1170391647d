// What the pledge API sends (server/httpapi/openapi/pledges.json).
import type { Watcher } from '../people/types';
import type { DiffOp } from './text';

export type PledgeState = 'draft' | 'in_review' | 'published' | 'in_round' | 'closed';
export type ItemField = 'heading' | 'text' | 'summary';
export const itemFields: readonly ItemField[] = ['heading', 'text', 'summary'];

export interface Pledge {
  id: string;
  panelId: string;
  groupId: string;
  title: string;
  language: 'en' | 'fr' | 'de' | string;
  state: PledgeState;
  itemIds: string[];
  publishedVersions: number[];
  reviewVersion?: number;
  /** What a moderator asked the group to change when they sent it back to draft. */
  changesRequested?: { message: string; version: number; at: string };
  createdBy: string;
}

export interface PledgeSummary {
  id: string;
  title: string;
  language: string;
  state: PledgeState;
  publishedVersions: number[];
  items: number;
}

export interface PledgeItem {
  id: string;
  pledgeId: string;
  heading: string;
  text: string;
  summary: string;
  version: number;
  removed?: boolean;
  updatedBy?: string;
  /**
   * What screening finds in the item's texts now, by field (a clean field is
   * absent), as UTF-8 byte offsets into that field's text. Items are not held,
   * but a pledge with hits goes neither to review nor to partners.
   */
  hits?: Partial<Record<ItemField, ScreeningHit[]>>;
}

/** Which controls to show: the server checks every action again. */
export interface Abilities {
  edit?: boolean;
  comment?: boolean;
  amend?: boolean;
  amendment_decide?: boolean;
  endorse?: boolean;
  submit_review?: boolean;
  request_changes?: boolean;
  publish?: boolean;
  open_round?: boolean;
  close?: boolean;
  export?: boolean;
}

export interface PledgeDetail {
  pledge: Pledge;
  items: PledgeItem[];
  endorsements?: { endorsedByMe?: boolean };
  watchers: Watcher[];
  can: Abilities;
  /** Whether the group has a moderator member: only then can anyone write here (rule 1). */
  hasModerator?: boolean;
}

export interface Anchor {
  version: number;
  start: number;
  end: number;
  quote?: string;
}

export interface PledgeComment {
  id: string;
  itemId: string;
  threadId?: string;
  author: string;
  text: string;
  anchor?: Anchor;
  currentAnchor?: Anchor;
  anchorLost?: boolean;
  at: string;
  /** Screening or a moderator holds it: only its author and moderators get it (rule 5). */
  held?: boolean;
  /** A moderator hid it. */
  hidden?: boolean;
  /** What screening found, as UTF-8 byte offsets into text. */
  hits?: ScreeningHit[];
  /** Why it is held, in plain words, already in the reader's language. */
  reasons?: string[];
  /** For its author: what a moderator asked to change. */
  changesMessage?: string;
  edited?: boolean;
}

export interface ScreeningHit {
  kind: string;
  start: number;
  end: number;
  reason: string;
}

export interface Amendment {
  id: string;
  itemId: string;
  field: ItemField;
  baseText: string;
  text: string;
  reason?: string;
  author: string;
  state: 'open' | 'accepted' | 'declined';
  at: string;
  diff?: DiffOp[];
  /** Screening or a moderator holds it: only its author and moderators get it, and it cannot be accepted. */
  held?: boolean;
  /** A moderator hid it. */
  hidden?: boolean;
  /** What screening found in text and in reason (UTF-8 byte offsets). */
  hits?: ScreeningHit[];
  reasonHits?: ScreeningHit[];
  /** Why it is held, in plain words, already in the reader's language. */
  reasons?: string[];
  /** For its author: what a moderator asked to change. */
  changesMessage?: string;
  edited?: boolean;
}

export interface Revision {
  id: string;
  version: number;
  kind: string;
  field?: string;
  heading: string;
  text: string;
  summary: string;
  removed?: boolean;
  author: string;
  at: string;
}

export interface ReadabilityReport {
  score: number;
  band: string;
  longSentences: { start: number; end: number; words?: number }[];
  rareWords: { start: number; end: number; text: string }[];
}
