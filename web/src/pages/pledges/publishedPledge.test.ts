// A partner opens a pledge published to them (issue 12): the server answers
// with the newest published version only; the page shows it, each item with
// its child-friendly summary beside it, and nothing else of the panel.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient, type FetchLike } from '../../api';
import type { AppContext } from '../../context';
import { setLanguage } from '../../i18n';
import type { Session } from '../../session';
import { pledgePage } from './pledgePage';

let sent: string[] = [];
let answers: { status: number; body: unknown }[] = [];
const fakeFetch: FetchLike = async (url) => {
  sent.push(url);
  const a = answers.shift() ?? { status: 500, body: {} };
  return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'Content-Type': a.status >= 400 ? 'application/problem+json' : 'application/json' } });
};
const partner = { account: { id: 'a1', displayName: 'Pat Partner' }, memberships: [{ role: 'partner', panelId: 'p1', orgId: 'o1' }], canEnterWorkspace: true };
const ctx: AppContext = {
  api: new ApiClient({ fetch: fakeFetch, cookies: () => '' }),
  session: { ready: async () => ({ signedIn: true, me: partner }) } as unknown as Session,
  navigate: () => undefined,
  announce: () => undefined,
};
const settle = async () => {
  for (let i = 0; i < 8; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};
const published = {
  published: {
    id: 'pl1:v0001',
    pledgeId: 'pl1',
    number: 2,
    title: 'Youth Pledge',
    language: 'en',
    status: 'published',
    publishedAt: '2026-11-02T10:00:00Z',
    items: [
      { id: 'i1', heading: 'Plain words', text: 'Apps should explain their rules in plain language.', summary: 'Say it simply.', itemVersion: 3 },
      { id: 'i2', heading: 'Safe defaults', text: 'Accounts of minors are private by default.', summary: '', itemVersion: 1 },
    ],
  },
  watchers: [],
};

beforeEach(() => {
  setLanguage('en', { remember: false });
  sent = [];
  answers = [];
});
afterEach(() => document.body.replaceChildren());

describe('a published pledge, as a partner reads it', () => {
  it('shows the published version with each item’s summary beside it, not “You can’t open this page”', async () => {
    answers.push({ status: 200, body: published });
    const page = pledgePage(ctx, { id: 'pl1' });
    document.body.append(page.element);
    await settle();
    const text = page.element.textContent ?? '';
    expect(text).not.toContain("You can't open this page");
    expect(page.heading.textContent).toBe('Youth Pledge');
    expect(page.heading.getAttribute('lang')).toBe('en');
    expect(text).toContain('Published version 2');
    const items = [...page.element.querySelectorAll('.published-item')];
    expect(items.map((i) => i.querySelector('h3')?.textContent)).toEqual(['1. Plain words', '2. Safe defaults']);
    const first = items[0];
    expect(first?.querySelector('.published-text')?.textContent).toBe('Apps should explain their rules in plain language.');
    // The summary sits beside the text, named for what it is.
    const summary = first?.querySelector('.published-summary');
    expect(summary?.querySelector('h4')?.textContent).toBe('In plain words');
    expect(summary?.textContent).toContain('Say it simply.');
    expect(items[1]?.querySelector('.published-summary')?.textContent).toContain('No plain-language summary');
    // Nothing of the panel: no group, no editing, no comments, no live drafting.
    expect(page.element.querySelector('a[href^="/groups/"]')).toBeNull();
    expect(page.element.querySelector('textarea, input, .side-panel, #live-status')).toBeNull();
    // The printable copy is a download of the same version.
    const download = page.element.querySelector<HTMLAnchorElement>('a[download]');
    expect(download?.getAttribute('href')).toBe('/api/pledges/pl1/export?format=html&version=2');
    // It asked for nothing else: no group members, no socket ticket.
    expect(sent).toEqual(['/api/pledges/pl1']);
  });
});
