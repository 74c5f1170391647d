// What the moderation API sends (moderation/*.go json tags): cases, their
// history and reports, the queue with its summary, the audit trail, and
// what a report leads to.
import type { Band } from '../people/types';

export type CaseKind = 'screening' | 'report' | 'publication' | 'partner_text';
export const caseKinds: readonly CaseKind[] = ['screening', 'report', 'publication', 'partner_text'];

export type CaseStatus = 'open' | 'changes_requested' | 'approved' | 'hidden' | 'escalated' | 'closed';
export const caseStatuses: readonly CaseStatus[] = ['open', 'changes_requested', 'approved', 'hidden', 'escalated', 'closed'];

export type ReportCategory = 'bullying' | 'personal_data' | 'inappropriate' | 'safeguarding' | 'other';
/** In the order the report dialog offers them. */
export const reportCategories: readonly ReportCategory[] = ['bullying', 'personal_data', 'inappropriate', 'safeguarding', 'other'];
export const screeningCategories = ['email', 'phone', 'address', 'handle', 'link', 'word'] as const;
/** Every category a case may have: report categories, screening hits, approval kinds. */
export const caseCategories: readonly string[] = [...reportCategories, ...screeningCategories, 'publication', 'partner_text'];

export type ModerationAction = 'approve' | 'request_changes' | 'hide' | 'restore' | 'escalate';
export const moderationActions: readonly ModerationAction[] = ['approve', 'request_changes', 'hide', 'restore', 'escalate'];

/** The longest reason the server takes (moderation.MaxReason). */
export const maxReason = 1000;

export interface ContentRef {
  type: string;
  id: string;
  ownerId?: string;
  excerpt?: string;
}

export interface CaseEntry {
  action: string;
  actor: string;
  /** Unix milliseconds. */
  at: number;
  reason?: string;
  message?: string;
  category?: string;
  from?: CaseStatus;
  to?: CaseStatus;
}

export interface ModerationCase {
  id: string;
  panelId: string;
  groupId?: string;
  kind: CaseKind;
  content: ContentRef;
  category: string;
  hits?: string[];
  priority: number;
  status: CaseStatus;
  /** Unix milliseconds. */
  openedAt: number;
  updatedAt: number;
  authorBand?: Band | string;
  authorConsents?: string[];
  reporters?: string[];
  hiddenByReports: boolean;
  hiddenByModerator: boolean;
  changesMessage?: string;
  history: CaseEntry[];
}

/** The queue's counts as the server sends them; times may be ISO strings or unix ms. */
export interface QueueSummary {
  waiting?: number;
  byCategory?: Record<string, number>;
  byStatus?: Partial<Record<CaseStatus, number>>;
  oldestOpenedAt?: string | number | null;
  /** How long the oldest waiting case has waited: seconds, or a Go duration string. */
  oldestAge?: number | string | null;
  oldestAgeSeconds?: number | null;
}

export interface QueueAnswer {
  cases: ModerationCase[] | null;
  next?: string;
  summary?: QueueSummary;
}

export interface CaseReport {
  id: string;
  caseId: string;
  reporter: string;
  category: ReportCategory;
  text?: string;
  at: number;
}

export interface CaseContent {
  type: string;
  id: string;
  text: string;
  context?: string;
  link?: string;
  authorName?: string;
  authorBand?: Band | string;
  language?: string;
  /** What it belongs to: the pledge's or the session's title. */
  title?: string;
  /** The group whose space it is in. */
  groupName?: string;
  /** The content no longer exists; text is what the case kept of it. */
  gone?: boolean;
}

/** What the caller may do with a case (the server checks again). */
export interface CaseAbilities {
  approve?: boolean;
  act?: boolean;
}

export interface CaseDetail {
  case: ModerationCase;
  reports: CaseReport[] | null;
  content: CaseContent | null;
  can?: CaseAbilities;
}

export interface AuditEntry {
  id: string;
  eventId?: number;
  at: number;
  panelId: string;
  action: string;
  actor: string;
  /** The actor's name, when the server adds it. */
  actorName?: string;
  person?: string;
  personName?: string;
  caseId?: string;
  sanctionId?: string;
  contentType?: string;
  contentId?: string;
  /** What the content belongs to, by name (a pledge's or a session's title); absent once it is erased. */
  contentTitle?: string;
  /** Where the app shows the content. */
  contentLink?: string;
  category?: string;
  reason?: string;
}

export interface AuditAnswer {
  entries: AuditEntry[] | null;
  next?: string;
}

export interface Helpline {
  name: string;
  url?: string;
  /** The national number, shown first. */
  phone?: string;
  /** 116 111, shown beside a national number that differs (EU member states). */
  european?: string;
}

export interface ReportAnswer {
  report: { id: string; category: ReportCategory };
  hidden: boolean;
  helpline?: Helpline | null;
}
