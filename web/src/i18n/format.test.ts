// Dates, numbers and relative times are written the way each language
// writes them (Intl with the current language), and a page's times and
// numbers follow a language switch in place (issue 15).
import { afterEach, describe, expect, it } from 'vitest';
import { el, translateTree } from '../dom';
import { setLanguage, t } from '.';
import { formatNumber, formatRelative, formatTime } from './format';

const minute = 60_000;
const day = 24 * 60 * minute;

afterEach(() => {
  void setLanguage('en', { remember: false });
});

describe('formatting by language', () => {
  it('writes numbers as each language does', () => {
    expect(formatNumber(12345, 'en')).toBe('12,345');
    expect(formatNumber(12345, 'de')).toBe('12.345');
    expect(formatNumber(12345, 'fr')).toBe('12\u202f345');
    expect(formatNumber(12345, 'es')).toBe('12.345');
    expect(formatNumber(12345, 'it')).toBe('12.345');
  });

  it('writes a span of time from now in words of the language, in the largest unit that fits', () => {
    expect(formatRelative(-3 * minute, 'en')).toBe('3 minutes ago');
    expect(formatRelative(-3 * minute, 'fr')).toBe('il y a 3 minutes');
    expect(formatRelative(-3 * minute, 'de')).toBe('vor 3 Minuten');
    expect(formatRelative(2 * day, 'it')).toBe('dopodomani');
    expect(formatRelative(-day, 'es')).toBe('ayer');
    expect(formatRelative(-10_000, 'en')).toBe('now');
  });

  it('writes dates in the language, and leaves what is not a date as it came', () => {
    const iso = '2026-03-05T09:30:00Z';
    expect(formatTime(iso, 'en', 'date')).toBe(new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(new Date(iso)));
    expect(formatTime(iso, 'fr', 'date')).toBe('5 mars 2026');
    expect(formatTime(iso, 'de', 'date')).toBe('05.03.2026');
    expect(formatTime(iso, 'fr', 'relative', Date.parse(iso) + 2 * 3600_000)).toBe('il y a 2 heures');
    expect(formatTime(undefined, 'fr')).toBe('');
    expect(formatTime('soon', 'fr')).toBe('soon');
  });
});

describe('a page’s times and numbers follow a language switch', () => {
  it('re-writes a time and a number in place when the language changes', async () => {
    const iso = '2026-03-05T09:30:00Z';
    const root = el('div', {}, [el('time', { time: iso, timeStyle: 'date', attrs: { datetime: iso } }), el('p', { text: 'queue.waiting', params: { n: 1200 } })]);
    await setLanguage('fr', { remember: false });
    translateTree(root);
    expect(root.querySelector('time')?.textContent).toBe('5 mars 2026');
    expect(root.querySelector('p')?.textContent).toBe(t('queue.waiting', { n: 1200 }));
    expect(root.querySelector('p')?.textContent).toContain('1\u202f200');
    await setLanguage('de', { remember: false });
    translateTree(root);
    expect(root.querySelector('time')?.textContent).toBe('05.03.2026');
    expect(root.querySelector('p')?.textContent).toContain('1.200');
  });
});
