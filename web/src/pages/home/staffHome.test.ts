// A coordinator's home counts the invitations still waiting for an answer:
// the ones the server calls pending (Schemas['Invitation']['state']).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FetchLike } from '../../api';
import { mountApp } from '../../app';
import { setLanguage, translate } from '../../i18n';
import type { Invitation } from '../../people/types';
import type { Router } from '../../router';

const coordinator = {
  account: { id: 'c1', displayName: 'Camille', email: 'camille@example.org', language: 'en', createdAt: '2026-01-01T00:00:00Z' },
  band: 'adult',
  memberships: [{ role: 'coordinator', panelId: 'p1', panelName: 'Panel FR' }],
  consents: {},
  guardian: 'none',
  canEnterWorkspace: true,
};
const invitation = (id: string, state: Invitation['state']): Invitation => ({
  id, email: `${id}@example.org`, role: 'youth', panelId: 'p1', language: 'en', state, expiresAt: '2026-02-01T00:00:00Z', createdAt: '2026-01-01T00:00:00Z',
});
const answers: Record<string, unknown> = {
  'GET /api/session': { signedIn: true, me: coordinator },
  'GET /api/panels': { panels: [{ id: 'p1', name: 'Panel FR' }] },
  'GET /api/panels/p1': { panel: { id: 'p1', name: 'Panel FR' }, groups: [], members: [], invitations: [invitation('a', 'pending'), invitation('b', 'accepted'), invitation('c', 'pending'), invitation('d', 'revoked')] },
};
const fakeFetch: FetchLike = async (url, init) => {
  const body = answers[`${init.method ?? 'GET'} ${url.replace(/\?.*$/, '')}`];
  if (body === undefined) return new Response(JSON.stringify({ type: '/problems/not_found', status: 404, title: 'Not found' }), { status: 404, headers: { 'Content-Type': 'application/problem+json' } });
  return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
};

let router: Router;
beforeEach(() => {
  setLanguage('en', { remember: false });
  history.replaceState(null, '', '/');
  document.body.replaceChildren();
  const root = document.createElement('div');
  document.body.append(root);
  router = mountApp(root, window, { fetch: fakeFetch });
});
afterEach(() => {
  router.stop();
  document.body.replaceChildren();
});

describe("coordinator's home", () => {
  it('counts the pending invitations as waiting', async () => {
    await expect.poll(() => document.querySelector('#my-panels p:last-of-type')?.textContent).toBe(translate('en', 'staffHome.invitationsWaiting', { n: 2 }));
  });
});
