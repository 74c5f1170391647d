import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveConnection, type LiveStatus, type SocketLike } from './connection';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  push(...msgs: object[]) {
    this.onmessage?.({ data: msgs.map((m) => JSON.stringify(m)).join('\n') });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('LiveConnection', () => {
  it('subscribes, reports live, resumes after the last event id when it reconnects, and repeats presence', async () => {
    const sockets: FakeSocket[] = [];
    const statuses: LiveStatus[] = [];
    const events: number[] = [];
    let refetches = 0;
    const live = new LiveConnection({
      topic: 'pledge:p1',
      open: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      minDelayMs: 100,
      handlers: { onEvent: (e) => events.push(e.id), onStatus: (s) => statuses.push(s), onRefetch: () => refetches++ },
    });
    live.start();
    const first = sockets[0]!;
    first.open();
    expect(first.sent[0]).toEqual({ type: 'subscribe', topic: 'pledge:p1' });
    first.push({ type: 'subscribed', topic: 'pledge:p1', last: 0 });
    expect(statuses).toEqual(['live']);
    expect(refetches).toBe(1); // the gap between loading and subscribing
    live.presence('item-1');
    expect(first.sent[1]).toEqual({ type: 'presence', topic: 'pledge:p1', itemId: 'item-1' });
    first.push({ type: 'event', topic: 'pledge:p1', id: 7, event: 'pledge.item_edited', actor: 'a', data: {} });
    first.push({ type: 'event', topic: 'pledge:p1', id: 7, event: 'pledge.item_edited', actor: 'a', data: {} });
    expect(events).toEqual([7]);

    first.drop();
    expect(statuses.at(-1)).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(200);
    const second = sockets[1]!;
    second.open();
    expect(second.sent[0]).toEqual({ type: 'subscribe', topic: 'pledge:p1', after: 7 });
    second.push({ type: 'subscribed', topic: 'pledge:p1', last: 7 });
    expect(statuses.at(-1)).toBe('live');
    expect(refetches).toBe(1);
    expect(second.sent[1]).toEqual({ type: 'presence', topic: 'pledge:p1', itemId: 'item-1' });
    second.push({ type: 'refetch', topic: 'pledge:p1' });
    expect(refetches).toBe(2);
    live.stop();
  });

  it('reads every message of a frame that holds several, one per line', () => {
    const sockets: FakeSocket[] = [];
    const events: number[] = [];
    const live = new LiveConnection({
      topic: 'pledge:p1',
      open: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      handlers: { onEvent: (e) => events.push(e.id) },
    });
    live.start();
    const s = sockets[0]!;
    s.open();
    s.push(
      { type: 'subscribed', topic: 'pledge:p1', last: 0 },
      { type: 'event', topic: 'pledge:p1', id: 1, event: 'pledge.item_edited', actor: 'a', data: { text: 'one\ntwo' } },
      { type: 'event', topic: 'pledge:p1', id: 2, event: 'pledge.item_edited', actor: 'b', data: {} },
    );
    expect(events).toEqual([1, 2]);
    live.stop();
  });

  it('delivers an event that arrives after a newer one (two processes publish out of order), and each only once', () => {
    const sockets: FakeSocket[] = [];
    const events: number[] = [];
    const live = new LiveConnection({
      topic: 'pledge:p1',
      open: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      handlers: { onEvent: (e) => events.push(e.id) },
    });
    live.start();
    const s = sockets[0]!;
    s.open();
    const ev = (id: number) => ({ type: 'event', topic: 'pledge:p1', id, event: 'pledge.comment_added', actor: 'a', data: {} });
    s.push({ type: 'subscribed', topic: 'pledge:p1', last: 0 }, ev(5), ev(4), ev(5), ev(4), ev(6));
    expect(events).toEqual([5, 4, 6]);
    expect(live.lastEventId).toBe(6);
    live.stop();
  });

  it('refreshes the session before reconnecting after close code 4001', async () => {
    const sockets: FakeSocket[] = [];
    let refreshed = 0;
    const live = new LiveConnection({
      topic: 'pledge:p1',
      open: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      refresh: async () => {
        refreshed++;
        return true;
      },
      handlers: { onEvent: () => undefined },
    });
    live.start();
    sockets[0]!.open();
    sockets[0]!.drop(4001);
    await vi.advanceTimersByTimeAsync(1);
    expect(refreshed).toBe(1);
    expect(sockets).toHaveLength(2);
    live.stop();
  });

  it('stop is for good: the socket closes, a planned reconnect never happens, start does nothing, waiting edits fail', async () => {
    const sockets: FakeSocket[] = [];
    const live = new LiveConnection({
      topic: 'pledge:p1',
      open: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      minDelayMs: 100,
      handlers: { onEvent: () => undefined },
    });
    live.start();
    sockets[0]!.open();
    sockets[0]!.push({ type: 'subscribed', topic: 'pledge:p1', last: 0 });
    const edit = live.edit({ itemId: 'i1', field: 'text', base: 1, op: [], client: 'c', seq: 1 });
    sockets[0]!.drop();
    await expect(edit).rejects.toMatchObject({ status: 0 });
    expect(vi.getTimerCount()).toBe(1); // the reconnect
    live.stop();
    expect(vi.getTimerCount()).toBe(0);
    live.start();
    vi.advanceTimersByTime(60_000);
    expect(sockets.length).toBe(1);

    const second = new LiveConnection({
      topic: 'pledge:p1',
      open: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      handlers: { onEvent: () => undefined },
    });
    second.start();
    second.stop();
    expect(sockets[1]!.readyState).toBe(3);
  });
});
