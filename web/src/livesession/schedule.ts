// Scheduling a live session without the DOM: the form's checks and the
// conversion of a datetime-local value (the browser's wall-clock time) to
// RFC 3339 with the browser's UTC offset, as POST /api/panels/:id/sessions wants.
import type { MessageKey } from '../i18n';
import type { LiveSession } from './types';

/** The server's livesession.MaxTitle, counted in code points. */
export const maxTitle = 120;
/** The server refuses a start more than an hour in the past. */
export const pastSlackMs = 60 * 60 * 1000;

export type Check = MessageKey | null;

export function checkTitle(value: string): Check {
  const v = value.trim();
  if (v === '') return 'sessions.titleRequired';
  if ([...v].length > maxTitle) return 'sessions.titleLong';
  return null;
}

const localPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;

/** The local Date a datetime-local value names, or null when it is not a real date and time. */
export function parseLocal(value: string): Date | null {
  const m = localPattern.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x))) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const date = new Date(y, mo - 1, d, h, mi, s);
  // 31 February rolls over into March: refuse it. (A time skipped by a clock change moves by the gap, and is kept.)
  if (Number.isNaN(date.getTime()) || date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return null;
  return date;
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/**
 * RFC 3339 for date in local time with its UTC offset, e.g. 2030-05-01T14:30:00+02:00.
 * offsetMinutes is east of UTC (the opposite of getTimezoneOffset); by default the browser's for that date.
 */
export function toRfc3339(date: Date, offsetMinutes = -date.getTimezoneOffset()): string {
  const shifted = new Date(date.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const off = Math.abs(offsetMinutes);
  return (
    `${pad(shifted.getUTCFullYear(), 4)}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}` +
    `T${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(off / 60))}:${pad(off % 60)}`
  );
}

/** A datetime-local value as RFC 3339 with the browser's offset, or null when it is not a real date and time. */
export function localToRfc3339(value: string): string | null {
  const date = parseLocal(value);
  return date ? toRfc3339(date) : null;
}

export function checkStart(value: string, now: Date = new Date()): Check {
  if (value.trim() === '') return 'sessions.whenRequired';
  const date = parseLocal(value);
  if (!date) return 'sessions.whenInvalid';
  if (date.getTime() < now.getTime() - pastSlackMs) return 'sessions.whenPast';
  return null;
}

/** The body of POST /api/panels/:id/sessions, or the first problem per field. */
export function scheduleRequest(
  input: { title: string; when: string; organisationIds: readonly string[] },
  now: Date = new Date(),
): { ok: true; body: { title: string; startsAt: string; organisationIds: string[] } } | { ok: false; errors: { title: Check; when: Check } } {
  const errors = { title: checkTitle(input.title), when: checkStart(input.when, now) };
  const startsAt = localToRfc3339(input.when);
  if (errors.title || errors.when || !startsAt) return { ok: false, errors };
  return { ok: true, body: { title: input.title.trim(), startsAt, organisationIds: [...new Set(input.organisationIds)] } };
}

/** Sessions by start time, earliest first (then by title). */
export function byStart(sessions: readonly LiveSession[]): LiveSession[] {
  return [...sessions].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || a.title.localeCompare(b.title));
}
