// Form checks that run before anything is sent. Each returns the catalogue
// key of the message to show next to the field, or null when the value is
// fine. The server checks everything again; these only save a round trip.
import type { MessageKey } from '../i18n';
import { isCountry } from './countries';

/** Passwords: at least this many characters (the server's auth.MinPasswordLength). */
export const minPasswordLength = 10;
/** Passwords: at most this many bytes of UTF-8 (the server's auth.MaxPasswordBytes). */
export const maxPasswordBytes = 256;
/** Names and other short texts. */
export const maxNameLength = 80;
export const maxEmailLength = 254;

export type Check = MessageKey | null;

export function required(value: string): Check {
  return value.trim() === '' ? 'form.error.required' : null;
}

export function email(value: string): Check {
  const v = value.trim();
  if (v === '') return 'form.error.emailRequired';
  if (v.length > maxEmailLength || !/^[^\s@]+@[^\s@]+\.[^\s@.]+$/.test(v)) return 'form.error.email';
  return null;
}

export function password(value: string): Check {
  if (value === '') return 'form.error.passwordRequired';
  if ([...value].length < minPasswordLength) return 'form.error.passwordShort';
  if (new TextEncoder().encode(value).length > maxPasswordBytes) return 'form.error.passwordLong';
  return null;
}

export function name(value: string): Check {
  const v = value.trim();
  if (v === '') return 'form.error.nameRequired';
  if ([...v].length > maxNameLength) return 'form.error.nameLong';
  return null;
}

export function country(value: string): Check {
  if (value === '') return 'form.error.countryRequired';
  return isCountry(value) ? null : 'form.error.country';
}

/** Parses "YYYY-MM-DD" into a UTC date; null when it is not a real calendar day. */
export function parseDay(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? date : null;
}

/** Whole years from birth to today (both "YYYY-MM-DD" days in UTC). */
export function ageOn(birth: Date, today: Date): number {
  let age = today.getUTCFullYear() - birth.getUTCFullYear();
  const beforeBirthday =
    today.getUTCMonth() < birth.getUTCMonth() ||
    (today.getUTCMonth() === birth.getUTCMonth() && today.getUTCDate() < birth.getUTCDate());
  if (beforeBirthday) age--;
  return age;
}

/** Youngest and oldest plausible ages for a member of a youth panel (12–25, with room either side). */
export const youngestAge = 8;
export const oldestAge = 30;

/** A date of birth: a real day, not in the future, and a plausible age for a youth panel. */
export function birthDate(value: string, today: Date = new Date()): Check {
  if (value.trim() === '') return 'form.error.birthDateRequired';
  const birth = parseDay(value.trim());
  if (!birth) return 'form.error.birthDate';
  const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  if (birth.getTime() > day.getTime()) return 'form.error.birthDateFuture';
  const age = ageOn(birth, day);
  if (age < youngestAge || age > oldestAge) return 'form.error.birthDateImplausible';
  return null;
}

/** The repeated password must match. */
export function sameAs(first: string): (value: string) => Check {
  return (value) => (value === first ? null : 'form.error.passwordsDiffer');
}
