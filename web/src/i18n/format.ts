// Dates, numbers, relative times and language names in a given language,
// through Intl (so a new language needs no formatting code). Formatters are
// cached per language and style: pages format many times per render.
import type { Lang } from '.';

/** How a time is shown: date and time, the date only, or "3 minutes ago". */
export type TimeStyle = 'datetime' | 'date' | 'relative';

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat | Intl.DisplayNames | null>();

function cached<T>(key: string, make: () => T): T | null {
  if (!cache.has(key)) {
    try {
      cache.set(key, make() as never);
    } catch {
      cache.set(key, null); // a language the browser's Intl does not know
    }
  }
  return cache.get(key) as T | null;
}

/** An ISO time (or unix ms) for people, in lang; "" when absent, the input itself when unreadable. */
export function formatTime(value: string | number | undefined, lang: Lang, style: TimeStyle = 'datetime', now: number = Date.now()): string {
  if (value === undefined || value === '') return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  if (style === 'relative') return formatRelative(date.getTime() - now, lang);
  const f = cached(`dt:${lang}:${style}`, () =>
    new Intl.DateTimeFormat(lang, style === 'date' ? { dateStyle: 'medium' } : { dateStyle: 'medium', timeStyle: 'short' }),
  );
  return f ? f.format(date) : date.toISOString();
}

const units: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['week', 7 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
];

/** A span of time from now (negative: in the past) as "3 minutes ago" / "in 2 days", in lang. */
export function formatRelative(deltaMs: number, lang: Lang): string {
  const f = cached(`rt:${lang}`, () => new Intl.RelativeTimeFormat(lang, { numeric: 'auto' }));
  const abs = Math.abs(deltaMs);
  const [unit, size] = units.find(([, ms]) => abs >= ms) ?? ['second', 1000];
  const amount = unit === 'second' ? 0 : Math.trunc(deltaMs / size);
  return f ? f.format(amount, unit) : String(amount);
}

/** A number the way lang writes it (1,234 / 1 234 / 1.234). */
export function formatNumber(n: number, lang: Lang): string {
  const f = cached(`n:${lang}`, () => new Intl.NumberFormat(lang));
  return f ? f.format(n) : String(n);
}

/** The name of a language (by its code) in lang: languageName('fr', 'de') is "Französisch". */
export function languageName(code: string, lang: Lang): string {
  const f = cached(`ln:${lang}`, () => new Intl.DisplayNames([lang], { type: 'language' }));
  const name = f?.of(code) ?? code;
  // Intl writes some names in lower case ("français"); a name on its own starts with a capital.
  return name.charAt(0).toLocaleUpperCase(lang) + name.slice(1);
}
