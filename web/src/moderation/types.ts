// What the moderation API sends (moderation/*.go json tags): cases, their
// history and reports, the queue with its summary, the audit trail, and
// what a report leads to.
import type { Schemas } from '../openapi/types';
import type { Band } from '../people/types';

export type CaseKind = Schemas['ModerationCase']['kind'];
export const caseKinds: readonly CaseKind[] = ['screening', 'report', 'publication', 'partner_text'];

export type CaseStatus = Schemas['ModerationCase']['status'];
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

export type ContentRef = Schemas['ContentRef'];

/** One step of a case's history; from and to are statuses. */
export type CaseEntry = ModerationCase['history'][number];

export type ModerationCase = Schemas['ModerationCase'];

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

export type AuditEntry = Schemas['AuditEntry'];

export interface AuditAnswer {
  entries: AuditEntry[] | null;
  next?: string;
}

/** A child helpline: the national number first, 116 111 beside it where it differs (EU member states). */
export type Helpline = Schemas['Helpline'];

export interface ReportAnswer {
  report: { id: string; category: ReportCategory };
  hidden: boolean;
  helpline?: Helpline | null;
}
