import { describe, expect, it } from 'vitest';
import { byStart, checkStart, checkTitle, localToRfc3339, maxTitle, parseLocal, scheduleRequest, toRfc3339 } from './schedule';
import type { LiveSession } from './types';

describe('toRfc3339', () => {
  const instant = new Date(Date.UTC(2030, 4, 1, 12, 30, 0)); // 12:30 UTC

  it('writes the wall-clock time with an offset east of UTC', () => {
    expect(toRfc3339(instant, 120)).toBe('2030-05-01T14:30:00+02:00');
  });

  it('writes a negative and a half-hour offset', () => {
    expect(toRfc3339(instant, -300)).toBe('2030-05-01T07:30:00-05:00');
    expect(toRfc3339(instant, 330)).toBe('2030-05-01T18:00:00+05:30');
    expect(toRfc3339(instant, -150)).toBe('2030-05-01T10:00:00-02:30');
    expect(toRfc3339(instant, 0)).toBe('2030-05-01T12:30:00+00:00');
  });

  it('crosses midnight and the year', () => {
    expect(toRfc3339(new Date(Date.UTC(2030, 11, 31, 23, 15)), 60)).toBe('2031-01-01T00:15:00+01:00');
  });

  it('always names the same instant', () => {
    for (const offset of [-720, -210, 0, 60, 345, 840]) expect(Date.parse(toRfc3339(instant, offset))).toBe(instant.getTime());
  });
});

describe('localToRfc3339', () => {
  it("keeps the typed wall-clock time and adds the browser's offset for that date", () => {
    const out = localToRfc3339('2030-05-01T14:30');
    expect(out).toMatch(/^2030-05-01T14:30:00[+-]\d{2}:\d{2}$/);
    expect(Date.parse(out ?? '')).toBe(new Date(2030, 4, 1, 14, 30).getTime());
    const winter = localToRfc3339('2030-01-15T09:05:30');
    expect(winter).toMatch(/^2030-01-15T09:05:30[+-]\d{2}:\d{2}$/);
    expect(Date.parse(winter ?? '')).toBe(new Date(2030, 0, 15, 9, 5, 30).getTime());
  });

  it('refuses what is not a real date and time', () => {
    for (const bad of ['', '2030-05-01', '14:30', '2030-02-31T10:00', '2030-13-01T10:00', '2030-05-01T24:00', '2030-05-01T10:60', 'tomorrow']) {
      expect(localToRfc3339(bad), bad).toBeNull();
      expect(parseLocal(bad), bad).toBeNull();
    }
  });
});

describe('the schedule form checks', () => {
  const now = new Date(2030, 4, 1, 12, 0);

  it('wants a title of at most 120 characters, counted as the server does', () => {
    expect(checkTitle('')).toBe('sessions.titleRequired');
    expect(checkTitle('   ')).toBe('sessions.titleRequired');
    expect(checkTitle('Ask AppCo')).toBeNull();
    expect(checkTitle('x'.repeat(maxTitle))).toBeNull();
    expect(checkTitle('x'.repeat(maxTitle + 1))).toBe('sessions.titleLong');
    expect(checkTitle('😀'.repeat(maxTitle))).toBeNull(); // 240 UTF-16 units, 120 code points
  });

  it('wants a real start, not more than an hour ago', () => {
    expect(checkStart('', now)).toBe('sessions.whenRequired');
    expect(checkStart('2030-02-30T10:00', now)).toBe('sessions.whenInvalid');
    expect(checkStart('2030-05-01T10:30', now)).toBe('sessions.whenPast');
    expect(checkStart('2030-05-01T11:30', now)).toBeNull();
    expect(checkStart('2030-05-02T18:00', now)).toBeNull();
  });

  it('builds the request body, or says what is wrong with each field', () => {
    const ok = scheduleRequest({ title: '  Ask AppCo ', when: '2030-05-02T18:00', organisationIds: ['o1', 'o2', 'o1'] }, now);
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      expect(ok.body.title).toBe('Ask AppCo');
      expect(ok.body.organisationIds).toEqual(['o1', 'o2']);
      expect(Date.parse(ok.body.startsAt)).toBe(new Date(2030, 4, 2, 18, 0).getTime());
    }
    expect(scheduleRequest({ title: '', when: '', organisationIds: [] }, now)).toEqual({
      ok: false,
      errors: { title: 'sessions.titleRequired', when: 'sessions.whenRequired' },
    });
  });
});

describe('byStart', () => {
  const s = (id: string, startsAt: string, title = id): LiveSession => ({ id, panelId: 'p', title, startsAt, organisations: [], minModerators: 1, partnerPostModeration: false, topic: `session:${id}` });
  it('puts the earliest first', () => {
    const list = [s('b', '2030-05-02T10:00:00Z'), s('a', '2030-05-01T10:00:00Z', 'B second'), s('c', '2030-05-01T10:00:00Z', 'A first')];
    expect(byStart(list).map((x) => x.id)).toEqual(['c', 'a', 'b']);
  });
});
