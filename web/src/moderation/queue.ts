// The moderation queue without the DOM: the query for the filters, how old
// a case is in words, the counts worth showing, which live events mean "a
// new case", and which panels a person moderates.
import type { Me } from '../people/types';
import { categoryLabel, statusLabel, type Label } from './labels';
import { caseCategories, caseStatuses, type QueueSummary } from './types';

export interface QueueFilter {
  panelId?: string;
  kind?: string;
  category?: string;
  /** Empty: the cases waiting for a moderator (open or escalated). */
  status?: string;
  /** The cursor of the next page. */
  after?: string;
}

/** Builds a query string from the values that are set, in a stable order ("" when none). */
export function queryString(values: Readonly<Record<string, string | undefined>>): string {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value) q.set(name, value);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function queuePath(f: QueueFilter): string {
  return `/api/moderation/queue${queryString({ panelId: f.panelId, kind: f.kind, category: f.category, status: f.status, after: f.after })}`;
}

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

/** How long ago something happened, in words: "just now", "5 min ago", "3 h ago", "2 d ago". */
export function ageLabel(ageMs: number): Label {
  if (!Number.isFinite(ageMs) || ageMs < minute) return { key: 'age.justNow' };
  if (ageMs < hour) return { key: 'age.minutes', params: { n: Math.floor(ageMs / minute) } };
  if (ageMs < 2 * day) return { key: 'age.hours', params: { n: Math.floor(ageMs / hour) } };
  return { key: 'age.days', params: { n: Math.floor(ageMs / day) } };
}

/** A time the server sent as unix milliseconds or an ISO string, as unix ms (null when absent or unreadable). */
export function millis(value: string | number | null | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : null;
  if (typeof value !== 'string' || value === '' || value.startsWith('0001-')) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * How long the oldest waiting case has waited, in ms, or null when nothing
 * waits: the server's own age (its clock opened the case).
 */
export function oldestAgeMs(summary: QueueSummary | undefined): number | null {
  if (!summary || summary.waiting === 0) return null;
  return summary.oldestAgeSeconds * 1000;
}

export interface CountLine {
  code: string;
  label: Label;
  n: number;
}

/** Counts above zero, in the order the app lists categories (unknown ones last, by name). */
export function categoryCounts(byCategory: Readonly<Record<string, number>> | undefined): CountLine[] {
  return ordered(byCategory, caseCategories).map(([code, n]) => ({ code, label: categoryLabel(code), n }));
}

/** Counts above zero per status, in the life-cycle order. */
export function statusCounts(byStatus: Readonly<Record<string, number>> | undefined): CountLine[] {
  return ordered(byStatus, caseStatuses).map(([code, n]) => ({ code, label: statusLabel(code), n }));
}

function ordered(counts: Readonly<Record<string, number>> | undefined, order: readonly string[]): [string, number][] {
  const entries = Object.entries(counts ?? {}).filter(([, n]) => typeof n === 'number' && n > 0);
  const rank = (code: string) => {
    const i = order.indexOf(code);
    return i < 0 ? order.length : i;
  };
  return entries.sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Events on a moderation topic that put something new in front of moderators. */
const newCaseEvents = new Set(['moderation.opened', 'moderation.report', 'moderation.resubmitted']);

export function isNewCaseEvent(event: string): boolean {
  return newCaseEvents.has(event);
}

export interface PanelRef {
  id: string;
  name: string;
}

/** The panels where me is a moderator or coordinator, once each, in membership order. */
export function moderatedPanels(me: Me | null): PanelRef[] {
  const out: PanelRef[] = [];
  for (const m of me?.memberships ?? []) {
    if ((m.role === 'moderator' || m.role === 'coordinator') && m.panelId && !out.some((p) => p.id === m.panelId)) {
      out.push({ id: m.panelId, name: m.panelName ?? m.panelId });
    }
  }
  return out;
}

/** The excerpt to show in a list: at most max characters, on one line. */
export function shortExcerpt(text: string | undefined, max = 140): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}
