import { describe, expect, it } from 'vitest';
import type { Me } from '../people/types';
import {
  ageLabel,
  categoryCounts,
  isNewCaseEvent,
  millis,
  moderatedPanels,
  oldestAgeMs,
  queryString,
  queuePath,
  shortExcerpt,
  statusCounts,
} from './queue';

describe('queue query', () => {
  it('leaves out filters that are not set and keeps a stable order', () => {
    expect(queuePath({})).toBe('/api/moderation/queue');
    expect(queuePath({ panelId: '', kind: 'report', category: 'safeguarding', status: '' })).toBe('/api/moderation/queue?kind=report&category=safeguarding');
    expect(queuePath({ panelId: 'p 1', after: 'c&x' })).toBe('/api/moderation/queue?panelId=p+1&after=c%26x');
  });

  it('builds nothing from nothing', () => {
    expect(queryString({ a: undefined, b: '' })).toBe('');
  });
});

describe('ageLabel', () => {
  it.each([
    [0, 'age.justNow', undefined],
    [59_000, 'age.justNow', undefined],
    [60_000, 'age.minutes', 1],
    [59 * 60_000, 'age.minutes', 59],
    [3 * 3_600_000, 'age.hours', 3],
    [47 * 3_600_000, 'age.hours', 47],
    [3 * 86_400_000, 'age.days', 3],
  ])('%i ms reads %s', (ms, key, n) => {
    const got = ageLabel(ms);
    expect(got.key).toBe(key);
    expect(got.params?.n).toBe(n);
  });

  it('treats a time in the future (a clock ahead) as just now', () => {
    expect(ageLabel(-5_000).key).toBe('age.justNow');
  });
});

describe('times from the server', () => {
  it('reads unix ms and ISO strings, and nothing else', () => {
    expect(millis(1_700_000_000_000)).toBe(1_700_000_000_000);
    expect(millis('2026-03-01T09:00:00Z')).toBe(Date.UTC(2026, 2, 1, 9));
    expect(millis('0001-01-01T00:00:00Z')).toBeNull();
    expect(millis(0)).toBeNull();
    expect(millis('soon')).toBeNull();
    expect(millis(undefined)).toBeNull();
  });

  it('takes the server’s age of the oldest case, none when nothing waits', () => {
    const summary = { byCategory: {}, byStatus: {} };
    expect(oldestAgeMs({ ...summary, waiting: 0, oldestAgeSeconds: 0 })).toBeNull();
    expect(oldestAgeMs({ ...summary, waiting: 2, oldestAgeSeconds: 90, oldestOpenedAt: 1 })).toBe(90_000);
    expect(oldestAgeMs(undefined)).toBeNull();
  });
});

describe('counts', () => {
  it('lists categories above zero in the app’s order, unknown ones last', () => {
    const lines = categoryCounts({ phone: 2, zzz: 1, safeguarding: 1, bullying: 0, email: 3 });
    expect(lines.map((l) => l.code)).toEqual(['safeguarding', 'email', 'phone', 'zzz']);
    expect(lines[0]?.label.key).toBe('category.safeguarding');
    expect(lines[3]?.label).toEqual({ key: 'category.unknown', params: { code: 'zzz' } });
    expect(categoryCounts(undefined)).toEqual([]);
  });

  it('lists statuses in life-cycle order', () => {
    expect(statusCounts({ escalated: 1, open: 4, hidden: 2 }).map((l) => [l.code, l.n])).toEqual([
      ['open', 4],
      ['hidden', 2],
      ['escalated', 1],
    ]);
  });
});

describe('live events', () => {
  it('calls opened, reported and resubmitted cases new; decisions are not', () => {
    expect(isNewCaseEvent('moderation.opened')).toBe(true);
    expect(isNewCaseEvent('moderation.report')).toBe(true);
    expect(isNewCaseEvent('moderation.resubmitted')).toBe(true);
    expect(isNewCaseEvent('moderation.approve')).toBe(false);
  });
});

describe('moderatedPanels', () => {
  const me = (memberships: Me['memberships']): Me => ({
    account: { id: 'a', displayName: 'A', email: 'a@x', language: 'en', createdAt: '2026-01-01T00:00:00Z' },
    band: 'adult',
    memberships,
    consents: {},
    guardian: 'none',
    canEnterWorkspace: true,
  });

  it('keeps the panels where the person moderates or coordinates, once each', () => {
    const got = moderatedPanels(
      me([
        { panelId: 'p1', panelName: 'One', groupId: 'g1', role: 'moderator' },
        { panelId: 'p1', panelName: 'One', groupId: 'g2', role: 'moderator' },
        { panelId: 'p2', panelName: 'Two', role: 'youth' },
        { panelId: 'p3', role: 'coordinator' },
        { orgId: 'o1', role: 'coordinator' },
      ]),
    );
    expect(got).toEqual([
      { id: 'p1', name: 'One' },
      { id: 'p3', name: 'p3' },
    ]);
    expect(moderatedPanels(null)).toEqual([]);
  });
});

describe('shortExcerpt', () => {
  it('puts text on one line and cuts it with an ellipsis', () => {
    expect(shortExcerpt('  a\n\nb  ')).toBe('a b');
    expect(shortExcerpt('abcdef', 4)).toBe('abc…');
    expect(shortExcerpt('😀😀😀😀😀', 3)).toBe('😀😀…');
    expect(shortExcerpt(undefined)).toBe('');
  });
});
