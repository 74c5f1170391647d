import { type as textType, type TextOp } from 'ot-text-unicode';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api';
import { FieldSync, type AppliedOp } from './fieldSync';

/**
 * A fake server that works like the real one: an op made on version base is
 * transformed against the ops accepted since, applied, and listed in the
 * live feed with its version, client and seq; an op sent again is applied
 * once.
 */
function fakeServer(initial: string) {
  let text = initial;
  const log: AppliedOp[] = [];
  let offline = false;
  const version = () => 1 + log.length;
  return {
    log,
    get text() {
      return text;
    },
    get version() {
      return version();
    },
    setOffline(v: boolean) {
      offline = v;
    },
    submit(op: TextOp, base: number, client: string, seq: number): number {
      if (offline) throw new ApiError(0, null);
      for (const o of log.slice(base - 1)) {
        if (o.client === client && o.seq === seq) return o.v;
        op = textType.transform(op, o.op, 'left');
      }
      text = textType.apply(text, op);
      log.push({ v: version() + 1, op, client, seq });
      return version();
    },
    /** What the live feed sends after version v (the ops of v+1 on). */
    since(v: number): AppliedOp[] {
      return log.slice(v - 1);
    },
  };
}

type Server = ReturnType<typeof fakeServer>;

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function make(server: Server, client = 'me', debounceMs = 200) {
  const shown: string[] = [];
  const sends: { op: TextOp; base: number; seq: number }[] = [];
  const errors: unknown[] = [];
  const sync = new FieldSync({
    initial: { text: server.text, version: server.version },
    client,
    send: async (op, base, seq) => {
      sends.push({ op, base, seq });
      return server.submit(op, base, client, seq);
    },
    onChange: (_before, after) => shown.push(after),
    onError: (e) => errors.push(e),
    debounceMs,
    retryMs: 1000,
  });
  return { sync, shown, sends, errors };
}

describe('FieldSync', () => {
  it('sends one op, after typing stops, made on the version it knows', async () => {
    const server = fakeServer('Apps');
    const { sync, sends } = make(server);
    sync.input('Apps a');
    await vi.advanceTimersByTimeAsync(100);
    sync.input('Apps are');
    await vi.advanceTimersByTimeAsync(199);
    expect(sends).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sends).toEqual([{ op: [4, ' are'], base: 1, seq: 1 }]);
    expect(sync.confirmed).toEqual({ text: 'Apps are', version: 2 });
    expect(sync.pending).toBe(false);
  });

  it('transforms unsent typing against a remote op, and the server ends with both', async () => {
    const server = fakeServer('Apps are safe.');
    const other = make(server, 'other');
    const { sync, shown } = make(server);
    sync.input('Good apps are safe.');
    other.sync.input('Apps are safe and clear.');
    other.sync.flush();
    await vi.advanceTimersByTimeAsync(0);
    sync.remote(server.since(1));
    expect(sync.value).toBe('Good apps are safe and clear.');
    expect(shown).toEqual(['Good apps are safe and clear.']);
    await vi.advanceTimersByTimeAsync(200);
    expect(server.text).toBe('Good apps are safe and clear.');
    sync.remote(server.since(1)); // my own op comes back in the feed: nothing changes
    expect(sync.value).toBe(server.text);
    expect(sync.confirmed.version).toBe(3);
  });

  it('keeps typing done while an op is out (awaiting with a buffer) and sends it after the acknowledgement', async () => {
    const server = fakeServer('one two');
    const gate: { open: (() => void) | null } = { open: null };
    const sends: TextOp[] = [];
    const sync = new FieldSync({
      initial: { text: server.text, version: 1 },
      client: 'me',
      send: async (op, base, seq) => {
        sends.push(op);
        await new Promise<void>((r) => (gate.open = r));
        return server.submit(op, base, 'me', seq);
      },
      onChange: () => undefined,
    });
    sync.input('zero one two');
    sync.flush();
    await vi.advanceTimersByTimeAsync(0);
    sync.input('zero one two!');
    server.submit([7, ' three'], 1, 'other', 1); // someone else, version 2
    sync.remote(server.since(1));
    gate.open?.();
    await vi.advanceTimersByTimeAsync(0);
    // The answer (version 3) follows version 2, which we had: acknowledged.
    expect(server.text).toBe('zero one two three');
    await vi.advanceTimersByTimeAsync(300);
    gate.open?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(sends).toHaveLength(2);
    expect(server.text).toBe(sync.value);
    expect(sync.value.match(/three/g)).toHaveLength(1);
    expect(sync.pending).toBe(false);
  });

  it('sends the same op again (same seq) after a network failure, and the server applies it once', async () => {
    const server = fakeServer('abc');
    const { sync, sends } = make(server);
    server.setOffline(true);
    sync.input('abcd');
    await vi.advanceTimersByTimeAsync(200);
    sync.input('abcde');
    await vi.advanceTimersByTimeAsync(1000);
    expect(sends.map((s) => s.seq)).toEqual([1, 1]);
    expect(sync.pending).toBe(true);
    server.setOffline(false);
    await vi.advanceTimersByTimeAsync(2000);
    expect(server.text).toBe('abcde');
    expect(sync.pending).toBe(false);
    // An answer lost on the way: sent again, the server says what it did the first time.
    expect(server.submit(sends[0]!.op, sends[0]!.base, 'me', 1)).toBe(2);
    expect(server.text).toBe('abcde');
  });

  it('drops what was not saved when the server refuses it, and says so', async () => {
    const server = fakeServer('abc');
    const refused = new ApiError(403, { type: '/problems/forbidden', status: 403, detail: 'No.' });
    const errors: unknown[] = [];
    const sync = new FieldSync({ initial: { text: 'abc', version: 1 }, client: 'me', send: () => Promise.reject(refused), onChange: () => undefined, onError: (e) => errors.push(e) });
    sync.input('abcX');
    await vi.advanceTimersByTimeAsync(200);
    expect(errors).toEqual([refused]);
    expect(sync.value).toBe(server.text);
    expect(sync.pending).toBe(false);
  });

  it('undoes my own last change and leaves what others wrote since', async () => {
    const server = fakeServer('Apps explain.');
    const { sync } = make(server);
    sync.input('Apps explain rules.');
    await vi.advanceTimersByTimeAsync(200);
    server.submit(['Good '], 1, 'other', 1);
    sync.remote(server.since(1));
    expect(sync.value).toBe('Good Apps explain rules.');
    expect(sync.undo()).toBe(true);
    expect(sync.value).toBe('Good Apps explain.');
    await vi.advanceTimersByTimeAsync(200);
    expect(server.text).toBe('Good Apps explain.');
    expect(sync.undo()).toBe(false);
  });

  it('takes a reloaded text as someone else\u2019s change', () => {
    const server = fakeServer('abc');
    const { sync } = make(server);
    sync.input('abcd');
    sync.reset({ text: 'Xabc', version: 5 });
    expect(sync.value).toBe('Xabcd');
    expect(sync.confirmed).toEqual({ text: 'Xabc', version: 5 });
  });
});

// The marker-and-delete property of issue 11, for the browser's client:
// editors with random delays on both ways insert unique markers and delete
// whole markers next to others'; every editor ends with the server's text,
// every marker nobody deleted is there exactly once, no deleted one is back.
describe('FieldSync with many editors', () => {
  it('converges, keeps every marker nobody deleted and brings no deleted one back (200 seeded cases)', async () => {
    for (let seed = 1; seed <= 200; seed++) await convergeCase(seed);
  }, 60_000); // about a second alone; a busy machine takes several
});

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const markerRe = /\[[a-z]\d{3}\]/g;
const cps = (s: string) => Array.from(s).length;

async function convergeCase(seed: number): Promise<void> {
  const r = rng(seed);
  const server = fakeServer('[a000][a001][a002]');
  const inserted = new Set(server.text.match(markerRe));
  const deleted = new Set<string>();
  let next = 0;
  const editors = Array.from({ length: 4 }, (_, i) => {
    const client = `e${i}`;
    let fed = 1; // versions of the feed this editor has had
    const sync = new FieldSync({
      initial: { text: server.text, version: 1 },
      client,
      // Each send reaches the server after a random delay.
      send: (op, base, seq) => new Promise<number>((resolve) => setTimeout(() => resolve(server.submit(op, base, client, seq)), Math.floor(r() * 30))),
      onChange: () => undefined,
      debounceMs: Math.floor(r() * 20),
    });
    // The live feed comes with a random delay too.
    const feed = () => {
      const ops = server.since(fed);
      fed = server.version;
      sync.remote(ops);
    };
    return { sync, feed, letter: String.fromCharCode(98 + i) };
  });
  for (let step = 0; step < 40; step++) {
    const e = editors[Math.floor(r() * editors.length)]!;
    const units = e.sync.value.match(markerRe) ?? [];
    if (units.length === 0 || r() < 0.5) {
      const m = `[${e.letter}${String(next++).padStart(3, '0')}]`;
      const at = Math.floor(r() * (units.length + 1));
      inserted.add(m);
      e.sync.input(units.slice(0, at).join('') + m + units.slice(at).join(''), cps(units.slice(0, at).join('') + m));
    } else {
      const from = Math.floor(r() * units.length);
      const to = Math.min(units.length, from + 1 + Math.floor(r() * 2));
      for (const u of units.slice(from, to)) deleted.add(u);
      e.sync.input(units.slice(0, from).join('') + units.slice(to).join(''), cps(units.slice(0, from).join('')));
    }
    if (r() < 0.5) editors[Math.floor(r() * editors.length)]!.feed();
    await vi.advanceTimersByTimeAsync(Math.floor(r() * 15));
  }
  for (let round = 0; round < 20; round++) {
    for (const e of editors) {
      e.sync.flush();
      e.feed();
    }
    await vi.advanceTimersByTimeAsync(50);
  }
  for (const e of editors) {
    expect(e.sync.pending, `seed ${seed}: still pending`).toBe(false);
    expect(e.sync.value, `seed ${seed}`).toBe(server.text);
  }
  expect(server.text.replace(markerRe, ''), `seed ${seed}: scrambled`).toBe('');
  const count = new Map<string, number>();
  for (const m of server.text.match(markerRe) ?? []) count.set(m, (count.get(m) ?? 0) + 1);
  for (const m of inserted) {
    if (deleted.has(m)) expect(count.get(m) ?? 0, `seed ${seed}: ${m} deleted and back`).toBe(0);
    else expect(count.get(m), `seed ${seed}: ${m}`).toBe(1);
  }
}
