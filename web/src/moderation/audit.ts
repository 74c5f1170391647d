// The audit search without the DOM: from the form's values (dates as the
// date inputs give them) to the API's query, shared by the table and the
// CSV download so both show the same entries.
import { queryString } from './queue';

export interface AuditSearch {
  panelId?: string;
  /** Part of a name (any case) or an account id. */
  person?: string;
  /** Words of a pledge's or a session's title. */
  content?: string;
  contentId?: string;
  action?: string;
  /** yyyy-mm-dd, from the start of that day (local time). */
  from?: string;
  /** yyyy-mm-dd, up to the end of that day (local time): the API's "to" is exclusive. */
  to?: string;
}

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

/** The start of a local day as RFC 3339 in UTC, without milliseconds; null for anything but yyyy-mm-dd. */
export function dayStart(date: string, plusDays = 0): string | null {
  if (!dateOnly.test(date)) return null;
  const [y, m, d] = date.split('-').map(Number);
  const local = new Date(y ?? 0, (m ?? 1) - 1, (d ?? 1) + plusDays);
  if (Number.isNaN(local.getTime())) return null;
  return local.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The query values the API takes, with the dates as instants. */
export function auditParams(s: AuditSearch): Record<string, string | undefined> {
  return {
    panelId: s.panelId?.trim(),
    person: s.person?.trim(),
    content: s.content?.trim(),
    contentId: s.contentId?.trim(),
    action: s.action,
    from: s.from ? (dayStart(s.from) ?? undefined) : undefined,
    to: s.to ? (dayStart(s.to, 1) ?? undefined) : undefined,
  };
}

export function auditPath(s: AuditSearch, after?: string): string {
  return `/api/moderation/audit${queryString({ ...auditParams(s), after })}`;
}

export function auditCsvPath(s: AuditSearch): string {
  return `/api/moderation/audit.csv${queryString(auditParams(s))}`;
}

/** The page's own address for a search (dates kept as typed, so the form can show them again). */
export function auditPagePath(s: AuditSearch): string {
  return `/moderation/audit${queryString({ panelId: s.panelId, person: s.person, content: s.content, contentId: s.contentId, action: s.action, from: s.from, to: s.to })}`;
}

export function auditSearchFrom(query: string): AuditSearch {
  const q = new URLSearchParams(query);
  const get = (name: string) => q.get(name) ?? '';
  return { panelId: get('panelId'), person: get('person'), content: get('content'), contentId: get('contentId'), action: get('action'), from: get('from'), to: get('to') };
}
