// One editable text of a pledge item (heading, text or summary) kept in step
// with the server while several people type in it.
//
// The local copy is always "the newest server text I know + my unsent
// typing". Typing is sent 400 ms after it stops (or at once on blur), one
// request at a time, with the version it was based on; the server merges and
// answers with the merged text. Remote edits (socket events) are applied by
// rebasing the unsent typing onto them. While a request is out, remote
// edits wait: the answer says which version our change became, and only
// newer remote edits still need applying. A request that fails for lack of
// a connection is sent again later: nothing typed is lost.
import { ApiError } from '../api';
import { rebase } from './text';

/** The server's text of the field at an item version. */
export interface ServerText {
  text: string;
  version: number;
}

export interface FieldSyncOptions {
  /** The server's text and the item version it is from. */
  initial: ServerText;
  /** Sends the local text, based on baseVersion; resolves with the merged text and its version. */
  send(text: string, baseVersion: number): Promise<ServerText>;
  /** The local text changed because of someone else (or the merge): show after instead of before. */
  onChange(before: string, after: string): void;
  /** A request failed for good (not for lack of a connection). */
  onError?(error: unknown): void;
  /** Whether anything is waiting to be sent or confirmed changed. */
  onPendingChange?(pending: boolean): void;
  /** Milliseconds of quiet after typing before sending. */
  debounceMs?: number;
  /** First wait before sending again after a network failure (doubles, up to 10 s). */
  retryMs?: number;
}

/** Whether an error means "no connection right now" (worth trying again later). */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  return error.status === 0 || error.status === 429 || error.status === 502 || error.status === 503 || error.status === 504;
}

export class FieldSync {
  private local: string;
  private server: ServerText;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: { sent: string } | null = null;
  /** Remote edits that came while a request was out. */
  private waiting: ServerText[] = [];
  private retryDelay: number;
  private failures = 0;
  private readonly opts: FieldSyncOptions;
  private readonly debounceMs: number;
  private lastPending = false;
  private stopped = false;

  constructor(opts: FieldSyncOptions) {
    this.opts = opts;
    this.local = opts.initial.text;
    this.server = { ...opts.initial };
    this.debounceMs = opts.debounceMs ?? 400;
    this.retryDelay = opts.retryMs ?? 1000;
  }

  /** What the person sees (server text + unsent typing). */
  get value(): string {
    return this.local;
  }

  /** The newest server state known. */
  get confirmed(): ServerText {
    return { ...this.server };
  }

  /** Whether typing is waiting to be sent or confirmed. */
  get pending(): boolean {
    return this.local !== this.server.text || this.inFlight !== null;
  }

  /** The person typed: value is the whole new text. Sends after a quiet moment. */
  input(value: string): void {
    this.local = value;
    this.failures = 0;
    this.schedule(this.debounceMs);
    this.notePending();
  }

  /** Sends now (the field lost focus, or the connection came back). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.sendNow();
  }

  /** Someone else's edit (a socket event, or a reload): newer versions replace the base of the unsent typing. */
  remote(next: ServerText): void {
    if (this.inFlight) {
      this.waiting.push(next);
      return;
    }
    this.applyRemote(next);
  }

  /** Stops timers (the page is left). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private applyRemote(next: ServerText): void {
    if (next.version <= this.server.version) return;
    const before = this.local;
    this.local = rebase(this.server.text, this.local, next.text);
    this.server = { ...next };
    if (this.local !== before) this.opts.onChange(before, this.local);
    this.notePending();
    // Typing that survived the rebase still has to reach the server.
    if (this.local !== this.server.text && !this.timer) this.schedule(this.debounceMs);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.sendNow();
    }, ms);
  }

  private async sendNow(): Promise<void> {
    if (this.stopped || this.inFlight || this.local === this.server.text) {
      this.notePending();
      return;
    }
    const sent = this.local;
    this.inFlight = { sent };
    this.notePending();
    try {
      const merged = await this.opts.send(sent, this.server.version);
      this.failures = 0;
      this.inFlight = null;
      if (merged.version > this.server.version) {
        const before = this.local;
        // What was typed while the request was out goes on top of the merged text.
        this.local = rebase(sent, this.local, merged.text);
        this.server = { ...merged };
        if (this.local !== before) this.opts.onChange(before, this.local);
      }
      const waiting = this.waiting;
      this.waiting = [];
      for (const next of waiting) this.applyRemote(next);
      if (this.local !== this.server.text) this.schedule(this.debounceMs);
    } catch (error) {
      this.inFlight = null;
      const waiting = this.waiting;
      this.waiting = [];
      for (const next of waiting) this.applyRemote(next);
      if (isTransient(error)) {
        this.failures++;
        this.schedule(Math.min(10_000, this.retryDelay * 2 ** (this.failures - 1)));
      } else {
        this.opts.onError?.(error);
      }
    } finally {
      this.notePending();
    }
  }

  private notePending(): void {
    const now = this.pending;
    if (now !== this.lastPending) {
      this.lastPending = now;
      this.opts.onPendingChange?.(now);
    }
  }
}

/** A function that runs at most once every ms milliseconds (the first call at once). */
export function throttle(fn: () => void, ms: number): () => void {
  let last = -Infinity;
  return () => {
    const now = Date.now();
    if (now - last >= ms) {
      last = now;
      fn();
    }
  };
}
