// A partner's home (issue 12): the pledges published to their organisation,
// each a link to its published version; the live sessions.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient, type FetchLike } from '../../api';
import type { AppContext } from '../../context';
import { setLanguage } from '../../i18n';
import type { Me } from '../../people/types';
import type { Session } from '../../session';
import { asyncPage } from '../people/common';
import { myPledgesPage } from '../pledges/myPledgesPage';
import { partnerHome } from './partnerHome';

let sent: string[] = [];
let answers: Record<string, { status: number; body: unknown }> = {};
const fakeFetch: FetchLike = async (url) => {
  sent.push(url);
  const a = answers[url] ?? { status: 404, body: { type: '/problems/not_found', title: 'Not found', status: 404, detail: 'Not found.' } };
  return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'Content-Type': a.status >= 400 ? 'application/problem+json' : 'application/json' } });
};
const me = { account: { id: 'a1', displayName: 'Pat Partner' }, memberships: [{ role: 'partner', panelId: 'p1', orgId: 'o1' }], canEnterWorkspace: true } as unknown as Me;
const ctx: AppContext = {
  api: new ApiClient({ fetch: fakeFetch, cookies: () => '' }),
  session: { ready: async () => ({ signedIn: true, me }) } as unknown as Session,
  navigate: () => undefined,
  announce: () => undefined,
};
const settle = async () => {
  for (let i = 0; i < 8; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

beforeEach(() => {
  setLanguage('en', { remember: false });
  sent = [];
  answers = {};
});
afterEach(() => document.body.replaceChildren());

describe('the partner’s home', () => {
  it('lists the pledges published to them, each linking to its published version', async () => {
    answers['/api/published-pledges'] = {
      status: 200,
      body: { pledges: [{ id: 'pl 1', title: 'Youth Pledge', language: 'fr', version: 2, items: 5, publishedAt: '2026-11-02T10:00:00Z', panelId: 'p1', panelName: 'Panel France' }] },
    };
    const page = asyncPage('home.heading', 'home-page');
    document.body.append(page.element);
    partnerHome(ctx, page, me);
    await settle();
    expect(page.body.getAttribute('aria-busy')).toBeNull();
    const link = page.element.querySelector<HTMLAnchorElement>('#partner-pledges a');
    expect(link?.textContent).toBe('Youth Pledge');
    expect(link?.getAttribute('href')).toBe('/pledges/pl%201');
    expect(link?.getAttribute('lang')).toBe('fr');
    expect(page.element.querySelector('#partner-pledges li')?.textContent).toContain('Version 2 · 5 items · Panel France');
    expect(page.element.querySelector('#partner-pledges-heading')?.textContent).toBe('Pledges published to your organisation');
    expect(page.element.querySelector('#live-sessions a')?.getAttribute('href')).toBe('/sessions');
  });

  it('says so when nothing was published yet, and when the list cannot be read', async () => {
    answers['/api/published-pledges'] = { status: 200, body: { pledges: [] } };
    const page = asyncPage('home.heading', 'home-page');
    partnerHome(ctx, page, me);
    await settle();
    expect(page.element.querySelector('#partner-pledges p')?.textContent).toBe('No pledge has been published to your organisation yet.');
    answers = {};
    const failed = asyncPage('home.heading', 'home-page');
    partnerHome(ctx, failed, me);
    await settle();
    expect(failed.element.querySelector('#partner-pledges [role=alert]')?.textContent).toContain('Not found.');
  });

  it('/pledges lists the same published pledges for a partner, not “you are not in a group”', async () => {
    answers['/api/published-pledges'] = { status: 200, body: { pledges: [{ id: 'pl1', title: 'Youth Pledge', language: 'en', version: 1, items: 2, panelId: 'p1', panelName: 'Panel France' }] } };
    const page = myPledgesPage(ctx);
    document.body.append(page.element);
    await settle();
    expect(page.element.querySelector('#partner-pledges a')?.getAttribute('href')).toBe('/pledges/pl1');
    expect(page.element.textContent).not.toContain('not in a group');
  });
});
