// Every page that goes live closes what it opened when the router leaves
// it: its sockets, and any reconnect it was waiting for. Each page is shown
// through the real app shell against a fake API and a fake WebSocket.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FetchLike } from '../api';
import { mountApp } from '../app';
import { setLanguage } from '../i18n';
import type { Router } from '../router';

class FakeWebSocket {
  static all: FakeWebSocket[] = [];
  readyState = 0;
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {
    FakeWebSocket.all.push(this);
  }
  send(data: string): void {
    const msg = JSON.parse(data) as { type: string; topic: string };
    // The server confirms every subscription at once.
    if (msg.type === 'subscribe') queueMicrotask(() => this.onmessage?.({ data: JSON.stringify({ type: 'subscribed', topic: msg.topic, last: 1 }) }));
  }
  close(): void {
    this.closed = true;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  /** The network drops the connection: the client plans a reconnect. */
  drop(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }
}

const moderator = {
  account: { id: 'm1', displayName: 'Mo Staff', email: 'mo@example.org', language: 'en' },
  band: 'adult',
  memberships: [{ role: 'moderator', panelId: 'p1', panelName: 'Panel FR', groupId: 'g1', groupName: 'Group A' }],
  consents: {},
  canEnterWorkspace: true,
};

const moderationCase = {
  id: 'c1', panelId: 'p1', groupId: 'g1', kind: 'comment', content: { type: 'comment', id: 'cm1', ownerId: 'y1', groupId: 'g1' },
  category: 'screening', priority: 1, status: 'open', openedAt: 1, updatedAt: 1, hiddenByReports: false, hiddenByModerator: false, history: [],
};

const pledge = { id: 'pl1', groupId: 'g1', panelId: 'p1', title: 'Our pledge', language: 'en', state: 'draft', itemIds: [], publishedVersions: [], createdBy: 'm1' };

type Answer = { status?: number; body?: unknown };
const answers: Record<string, Answer> = {
  'GET /api/session': { body: { signedIn: true, me: moderator } },
  'GET /api/moderation/queue': { body: { cases: [moderationCase], summary: { waiting: 1 } } },
  'GET /api/moderation/cases/c1': { body: { case: moderationCase, reports: [], content: null, can: {} } },
  'GET /api/panels/p1': { body: { panel: { id: 'p1', name: 'Panel FR' }, members: [] } },
  'GET /api/sessions/s1': {
    body: {
      session: { id: 's1', panelId: 'p1', title: 'Q&A', startsAt: '2026-01-01T10:00:00Z', organisations: [], minModerators: 2, partnerPostModeration: false, topic: 'session:s1' },
      state: { status: 'paused', present: 1, needed: 2, reason: 'not_enough_moderators' },
      chat: [], questions: [], watchers: [],
      can: { post: false, ask: false, answer: false, moderate: true, transcript: false },
    },
  },
  'GET /api/pledges/pl1': { body: { pledge, items: [], watchers: [], can: { edit: true, comment: true } } },
  'GET /api/groups/g1': { body: { group: { id: 'g1', panelId: 'p1', name: 'Group A' }, members: [], watchers: [] } },
};

const fakeFetch: FetchLike = async (url, init) => {
  const path = url.replace(/\?.*$/, '');
  const answer = answers[`${init.method ?? 'GET'} ${url}`] ?? answers[`${init.method ?? 'GET'} ${path}`] ?? { status: 404, body: { type: '/problems/not_found', status: 404, detail: 'Not found.' } };
  const status = answer.status ?? 200;
  return new Response(JSON.stringify(answer.body ?? {}), { status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' } });
};

let router: Router;

beforeEach(() => {
  setLanguage('en', { remember: false });
  FakeWebSocket.all = [];
  vi.stubGlobal('WebSocket', FakeWebSocket);
  history.replaceState(null, '', '/about');
  document.body.replaceChildren();
  const root = document.createElement('div');
  document.body.append(root);
  router = mountApp(root, window, { fetch: fakeFetch });
});

afterEach(() => {
  router.stop();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  document.body.replaceChildren();
});

/** Lets the page's requests answer and its sockets subscribe. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('pages that go live', () => {
  for (const [name, path, topic] of [
    ['moderation queue', '/moderation', 'moderation:p1'],
    ['moderation case', '/moderation/cases/c1', 'moderation:p1'],
    ['live session', '/sessions/s1', 'session:s1'],
    ['pledge', '/pledges/pl1', 'pledge:pl1'],
  ] as const) {
    it(`${name}: leaving closes its socket and cancels its reconnect`, async () => {
      router.navigate(path);
      await settle();
      const sockets = FakeWebSocket.all;
      expect(sockets.length, `${path} opened no socket`).toBeGreaterThan(0);
      for (const s of sockets) s.open();
      await settle();
      expect(document.querySelector('main')?.textContent).not.toContain('Not found');

      // One connection drops and waits to reconnect; another stays open.
      vi.useFakeTimers();
      const dropped = sockets[0]!;
      dropped.drop();
      const opened = FakeWebSocket.all.length;

      router.navigate('/about');
      expect(FakeWebSocket.all.filter((s) => s !== dropped && !s.closed)).toEqual([]);
      vi.advanceTimersByTime(60_000);
      expect(FakeWebSocket.all.length, 'a socket opened after the page was left').toBe(opened);
      expect(vi.getTimerCount(), 'timers still waiting after the page was left').toBe(0);
      void topic;
    });
  }
});
