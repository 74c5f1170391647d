import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api';
import { FieldSync, type ServerText } from './fieldSync';

/** A fake server that merges like the real one: the change from the base version applied to the newest text. */
function fakeServer(initial: string) {
  const versions: string[] = ['', initial];
  const requests: { text: string; base: number }[] = [];
  let offline = false;
  return {
    requests,
    versions,
    setOffline(value: boolean) {
      offline = value;
    },
    get current(): ServerText {
      return { text: versions[versions.length - 1] ?? '', version: versions.length - 1 };
    },
    /** Someone else's edit, stored as the next version. */
    other(text: string): ServerText {
      versions.push(text);
      return this.current;
    },
    async send(text: string, base: number, rebase: (b: string, l: string, r: string) => string): Promise<ServerText> {
      requests.push({ text, base });
      if (offline) throw new ApiError(0, { type: '/problems/network', status: 0 });
      versions.push(rebase(versions[base] ?? '', text, this.current.text));
      return this.current;
    },
  };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

async function settle() {
  await vi.advanceTimersByTimeAsync(0);
}

describe('FieldSync', async () => {
  const { rebase } = await import('./text');

  function make(server: ReturnType<typeof fakeServer>) {
    const shown: string[] = [];
    const sync = new FieldSync({
      initial: server.current,
      send: (text, base) => server.send(text, base, rebase),
      onChange: (_before, after) => shown.push(after),
      debounceMs: 400,
      retryMs: 1000,
    });
    return { sync, shown };
  }

  it('sends once, 400 ms after typing stops, with the version it was based on', async () => {
    const server = fakeServer('Apps');
    const { sync } = make(server);
    sync.input('Apps a');
    await vi.advanceTimersByTimeAsync(300);
    sync.input('Apps ar');
    await vi.advanceTimersByTimeAsync(300);
    sync.input('Apps are');
    await vi.advanceTimersByTimeAsync(399);
    expect(server.requests).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(server.requests).toEqual([{ text: 'Apps are', base: 1 }]);
    expect(sync.confirmed).toEqual({ text: 'Apps are', version: 2 });
    expect(sync.pending).toBe(false);
  });

  it('sends at once on flush (blur)', async () => {
    const server = fakeServer('x');
    const { sync } = make(server);
    sync.input('xy');
    sync.flush();
    await settle();
    expect(server.requests).toHaveLength(1);
  });

  it('rebases unsent typing onto a remote edit, and sends both', async () => {
    const server = fakeServer('Apps are safe.');
    const { sync, shown } = make(server);
    sync.input('Good apps are safe.');
    sync.remote(server.other('Apps are safe and clear.'));
    expect(sync.value).toBe('Good apps are safe and clear.');
    expect(shown).toEqual(['Good apps are safe and clear.']);
    await vi.advanceTimersByTimeAsync(400);
    expect(server.requests[0]).toEqual({ text: 'Good apps are safe and clear.', base: 2 });
    expect(server.current.text).toBe('Good apps are safe and clear.');
  });

  it('keeps typing done while a request is out, and applies only newer remote edits after the answer', async () => {
    const server = fakeServer('one two');
    const gate: { release: (() => void) | null } = { release: null };
    const shown: string[] = [];
    const sync = new FieldSync({
      initial: server.current,
      send: async (text, base) => {
        await new Promise<void>((r) => (gate.release = r));
        return server.send(text, base, rebase);
      },
      onChange: (_b, a) => shown.push(a),
    });
    sync.input('zero one two');
    sync.flush();
    await settle();
    // Meanwhile: someone else edits (version 2), and I keep typing.
    const other = server.other('one two three');
    sync.remote(other);
    sync.input('zero one two!');
    gate.release?.();
    await settle();
    // Server merged mine onto version 2 -> version 3; my newer "!" stays on top.
    expect(server.current).toEqual({ text: 'zero one two three', version: 3 });
    // Both "!" and " three" were added at the end of "two": either order keeps both.
    expect(['zero one two three!', 'zero one two! three']).toContain(sync.value);
    // The event of version 2 that waited is older than the answer: not applied twice.
    expect(sync.value.match(/three/g)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(400);
    gate.release?.();
    await settle();
    expect(server.current.text).toBe(sync.value);
    expect(sync.pending).toBe(false);
  });

  it('queues edits while offline and sends them when the connection is back', async () => {
    const server = fakeServer('abc');
    const { sync } = make(server);
    server.setOffline(true);
    sync.input('abcd');
    await vi.advanceTimersByTimeAsync(400);
    expect(server.requests).toHaveLength(1);
    sync.input('abcde');
    expect(sync.pending).toBe(true);
    await vi.advanceTimersByTimeAsync(400); // typing reschedules: tries again, still offline
    expect(server.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1000); // first retry after 1 s
    expect(server.requests).toHaveLength(3);
    server.setOffline(false);
    await vi.advanceTimersByTimeAsync(2000); // the next retry waits twice as long
    expect(server.requests).toHaveLength(4);
    expect(server.current.text).toBe('abcde');
    expect(sync.pending).toBe(false);
  });

  it('ignores remote versions it already has (its own echo)', async () => {
    const server = fakeServer('a');
    const { sync, shown } = make(server);
    sync.input('ab');
    sync.flush();
    await settle();
    sync.remote({ text: 'ab', version: 2 });
    expect(shown).toEqual([]);
    expect(sync.value).toBe('ab');
  });
});
