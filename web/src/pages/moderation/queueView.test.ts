import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setLanguage } from '../../i18n';
import type { ModerationCase } from '../../moderation/types';
import { casesTable, summaryView } from './queueView';

const now = Date.UTC(2026, 0, 1, 12);
const kase = (id: string, more: Partial<ModerationCase> = {}): ModerationCase => ({
  id,
  panelId: 'p1',
  kind: 'screening',
  content: { type: 'pledge_comment', id: `c-${id}`, excerpt: `text of ${id}` },
  category: 'phone',
  priority: 2,
  status: 'open',
  openedAt: now - 5 * 60_000,
  updatedAt: now,
  authorBand: 'minor_at_consent_age',
  hiddenByReports: false,
  hiddenByModerator: false,
  history: [],
  ...more,
});

beforeEach(() => setLanguage('en', { remember: false }));
afterEach(() => document.body.replaceChildren());

describe('summaryView', () => {
  it('says how many wait, since when, per category and status', () => {
    const nodes = summaryView({ waiting: 3, byCategory: { phone: 2, safeguarding: 1 }, byStatus: { open: 3, hidden: 1 }, oldestAgeSeconds: 7200 });
    const box = document.createElement('div');
    box.append(...nodes);
    expect(box.querySelector('.queue-waiting')?.textContent).toBe('Cases waiting for a moderator: 3');
    expect(box.querySelector('.queue-oldest')?.textContent).toBe('Oldest waiting case opened: 2 h ago');
    const dls = box.querySelectorAll('dl');
    expect([...(dls[0]?.querySelectorAll('dt') ?? [])].map((d) => d.textContent)).toEqual(['Safeguarding', 'Phone number']);
    expect([...(dls[0]?.querySelectorAll('dd') ?? [])].map((d) => d.textContent)).toEqual(['1', '2']);
    expect([...(dls[1]?.querySelectorAll('dt') ?? [])].map((d) => d.textContent)).toEqual(['Open', 'Hidden']);
  });

  it('says when nothing waits', () => {
    const box = document.createElement('div');
    box.append(...summaryView({ waiting: 0, byCategory: {}, byStatus: {}, oldestAgeSeconds: 0 }));
    expect(box.textContent).toBe('No case is waiting for a moderator.');
  });
});

describe('casesTable', () => {
  it('keeps the server’s order and shows category, kind, excerpt, age band, status and age', () => {
    const cases = [kase('s', { category: 'safeguarding', kind: 'report', priority: 4 }), kase('a'), kase('b', { openedAt: now - 3 * 86_400_000, content: { type: 't', id: 'x' } })];
    const table = casesTable(cases, now);
    const rows = [...table.tbody.querySelectorAll('tr')];
    expect(rows.map((r) => r.dataset.case)).toEqual(['s', 'a', 'b']);
    expect([...(rows[1]?.querySelectorAll('td') ?? [])].map((td) => td.textContent)).toEqual([
      'Phone number',
      'Held by screening',
      'text of a',
      'Minor, old enough to consent',
      'Open',
      '5 min ago',
    ]);
    expect(rows[0]?.querySelector('.badge-urgent')?.textContent).toBe('Safeguarding');
    expect(rows[1]?.querySelector('a')?.getAttribute('href')).toBe('/moderation/cases/a');
    expect(rows[2]?.querySelector('a')?.textContent).toBe('(no text)');
    expect(table.element.querySelector('caption')?.textContent).toBe('Cases, most urgent first');
    expect([...table.element.querySelectorAll('th')].every((th) => th.getAttribute('scope') === 'col')).toBe(true);
    expect(table.first).toBe(rows[0]?.querySelector('a'));
  });

  it('appends a further page to the same table body', () => {
    const first = casesTable([kase('a')], now);
    const more = casesTable([kase('b')], now, first.tbody);
    expect([...first.tbody.querySelectorAll('tr')].map((r) => r.dataset.case)).toEqual(['a', 'b']);
    expect(more.first?.getAttribute('href')).toBe('/moderation/cases/b');
  });
});
