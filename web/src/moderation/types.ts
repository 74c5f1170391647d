// What the moderation API sends (server/httpapi/openapi/moderation.json,
// generated in src/openapi): cases, their history and reports, the queue with
// its summary, the audit trail, and what a report leads to.
import type { Reply, Schemas } from '../openapi/types';

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

/** The queue's counts; times are unix ms. */
export type QueueSummary = Schemas['ModerationSummary'];

export type QueueAnswer = Reply<'/api/moderation/queue', 'get'>;

export type CaseReport = Schemas['ModerationReport'];

/** The content of a case as the moderator may read it; gone when it no longer exists. */
export type CaseContent = Schemas['ModeratedContent'];

/** What the caller may do with a case (the server checks again). */
export type CaseAbilities = CaseDetail['can'];

export type CaseDetail = Reply<'/api/moderation/cases/{id}', 'get'>;

export type AuditEntry = Schemas['AuditEntry'];

export type AuditAnswer = Reply<'/api/moderation/audit', 'get'>;

/** A child helpline: the national number first, 116 111 beside it where it differs (EU member states). */
export type Helpline = Schemas['Helpline'];

export type ReportAnswer = Reply<'/api/reports', 'post'>;
