// One editable text of a pledge item (heading, text or summary) kept in step
// with the server while several people type in it, by operational
// transformation (ot-text-unicode, the same type the server implements in
// Go, counted in Unicode code points).
//
// The classic client of a central OT server, in three states:
//   - synchronised: nothing unsent;
//   - awaiting: one operation sent (inflight), its acknowledgement awaited;
//   - awaiting with a buffer: typed since, composed into one operation that
//     goes when the inflight one is acknowledged.
// What the person sees is the newest server text known, then inflight, then
// buffer. An operation of someone else that arrives is transformed against
// inflight and buffer (and they against it), so both sides end with the
// same text. Our own operation comes back in the live feed (by client id and
// seq) or as the answer to the send: that is its acknowledgement. A send
// that fails for lack of a connection is sent again with the same seq (the
// server applies it once); one that is refused drops what was not saved.
import { type as textType, type TextOp } from 'ot-text-unicode';
import { ApiError } from '../api';
import { opBetween } from './text';

/** The server's text of the field at an item version. */
export interface ServerText {
  text: string;
  version: number;
}

/** An operation the server applied, as a pledge.item_edited event lists it. */
export interface AppliedOp {
  v: number;
  op: TextOp;
  client?: string;
  seq?: number;
}

export interface FieldSyncOptions {
  /** The server's text and the item version it is from. */
  initial: ServerText;
  /** Names this editor's operations (unique per page and field). */
  client: string;
  /** Sends op, made on baseVersion; resolves with the version the server made of it. */
  send(op: TextOp, baseVersion: number, seq: number): Promise<number>;
  /** The shown text changed because of someone else: op (code points) turned before into after. */
  onChange(before: string, after: string, op: TextOp): void;
  /** A send was refused for good (not for lack of a connection): what was not saved is gone. */
  onError?(error: unknown): void;
  /** Whether anything is waiting to be sent or acknowledged changed. */
  onPendingChange?(pending: boolean): void;
  /** Operations wait behind a missing one (an event lost, e.g. while a server died): read the item again (reset). */
  onGap?(): void;
  /** How long operations may wait for a missing one (it may only be late) before onGap. */
  gapMs?: number;
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

const undoLimit = 200;

export class FieldSync {
  private server: ServerText;
  private local: string;
  private inflight: { op: TextOp; seq: number; sending: boolean } | null = null;
  private buffer: TextOp | null = null;
  /** Inverses of my own operations, newest last, kept transformed to apply to the text shown. */
  private undoStack: TextOp[] = [];
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Others' operations past a missing version, by version: events can arrive out of order. */
  private readonly ahead = new Map<number, AppliedOp>();
  private gapTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private lastPending = false;
  private stopped = false;
  private readonly opts: FieldSyncOptions;
  private readonly debounceMs: number;
  private readonly retryMs: number;

  constructor(opts: FieldSyncOptions) {
    this.opts = opts;
    this.server = { ...opts.initial };
    this.local = opts.initial.text;
    this.debounceMs = opts.debounceMs ?? 200;
    this.retryMs = opts.retryMs ?? 1000;
  }

  /** What the person sees. */
  get value(): string {
    return this.local;
  }

  /** The newest server text known. */
  get confirmed(): ServerText {
    return { ...this.server };
  }

  /** Whether typing is waiting to be sent or acknowledged. */
  get pending(): boolean {
    return this.inflight !== null || this.buffer !== null;
  }

  /** Whether there is something of mine to undo. */
  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  /** The person typed: value is the whole new text, caret where the caret is now (code points, when known). Sends after a quiet moment. */
  input(value: string, caret?: number): void {
    const op = opBetween(this.local, value, caret);
    if (op.length === 0) return;
    this.pushUndo(op);
    this.applyLocal(op);
  }

  /** Undoes my newest change still standing (others' changes since stay). */
  undo(): boolean {
    const inverse = this.undoStack.pop();
    if (!inverse) return false;
    const before = this.local;
    this.applyLocal(inverse);
    this.opts.onChange(before, this.local, inverse);
    return true;
  }

  /** Sends now (the field lost focus, or the connection came back). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.sendNow();
  }

  /** Operations the server applied (a live event), in version order: others' are applied, mine acknowledged. */
  remote(ops: readonly AppliedOp[]): void {
    for (const o of ops) if (o.v > this.server.version) this.ahead.set(o.v, o);
    this.drain();
    this.notePending();
  }

  /** Applies the waiting operations that follow the server version, in order; watches for one that is missing. */
  private drain(): void {
    for (const v of [...this.ahead.keys()]) if (v <= this.server.version) this.ahead.delete(v);
    for (let o = this.ahead.get(this.server.version + 1); o; o = this.ahead.get(this.server.version + 1)) {
      this.ahead.delete(o.v);
      if (this.inflight && o.client === this.opts.client && o.seq === this.inflight.seq) this.acknowledge(o.v);
      else this.applyRemote(o.op, o.v);
    }
    if (this.ahead.size === 0) {
      if (this.gapTimer) clearTimeout(this.gapTimer);
      this.gapTimer = null;
    } else if (!this.gapTimer && !this.stopped) {
      this.gapTimer = setTimeout(() => {
        this.gapTimer = null;
        if (this.ahead.size > 0) this.opts.onGap?.();
      }, this.opts.gapMs ?? 1000);
    }
  }

  /** The field as reloaded (or restored): its change since the version known is applied as someone else's. */
  reset(next: ServerText): void {
    if (next.version <= this.server.version) return;
    this.applyRemote(opBetween(this.server.text, next.text), next.version);
    this.drain();
    this.notePending();
  }

  /** Stops timers (the page is left). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.timer = this.gapTimer = null;
  }

  private pushUndo(op: TextOp): void {
    this.undoStack.push(textType.invert!(op));
    if (this.undoStack.length > undoLimit) this.undoStack.shift();
  }

  /** A change of mine (typing or undo), on the text shown. */
  private applyLocal(op: TextOp): void {
    this.local = textType.apply(this.local, op);
    this.buffer = this.buffer ? textType.compose(this.buffer, op) : op;
    if (this.buffer.length === 0) this.buffer = null;
    this.failures = 0;
    this.schedule(this.debounceMs);
    this.notePending();
  }

  private applyRemote(op: TextOp, version: number): void {
    this.server = { text: textType.apply(this.server.text, op), version };
    let r = op;
    if (this.inflight) {
      const mine = this.inflight.op;
      this.inflight.op = textType.transform(mine, r, 'left');
      r = textType.transform(r, mine, 'right');
    }
    if (this.buffer) {
      const mine = this.buffer;
      this.buffer = textType.transform(mine, r, 'left');
      r = textType.transform(r, mine, 'right');
    }
    // r is now what op does to the text shown; my undo steps move past it.
    let u = r;
    for (let i = this.undoStack.length - 1; i >= 0; i--) {
      const step = this.undoStack[i] as TextOp;
      this.undoStack[i] = textType.transform(step, u, 'left');
      u = textType.transform(u, step, 'right');
    }
    this.undoStack = this.undoStack.filter((step) => step.length > 0);
    if (r.length === 0) return;
    const before = this.local;
    this.local = textType.apply(this.local, r);
    this.opts.onChange(before, this.local, r);
  }

  private acknowledge(version: number): void {
    if (!this.inflight) return;
    this.server = { text: textType.apply(this.server.text, this.inflight.op), version };
    this.inflight = null;
    if (this.buffer) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.sendNow();
    }, ms);
  }

  private sendNow(): void {
    if (this.stopped) return;
    if (!this.inflight) {
      if (!this.buffer) return;
      this.inflight = { op: this.buffer, seq: ++this.seq, sending: false };
      this.buffer = null;
    }
    const sent = this.inflight;
    if (sent.sending) return;
    sent.sending = true;
    this.notePending();
    // The op as sent: a remote op arriving meanwhile transforms inflight, not what is on its way.
    this.opts.send(sent.op, this.server.version, sent.seq).then(
      (version) => {
        sent.sending = false;
        this.failures = 0;
        // Acknowledged here only when nothing came in between; otherwise the live feed brings the ops before it, then it.
        if (this.inflight === sent && version === this.server.version + 1) {
          this.acknowledge(version);
          this.drain(); // others' operations that came after mine
        }
        this.notePending();
      },
      (error: unknown) => {
        sent.sending = false;
        if (this.inflight !== sent) return;
        if (isTransient(error)) {
          this.failures++;
          this.schedule(Math.min(10_000, this.retryMs * 2 ** (this.failures - 1)));
        } else {
          // Refused for good: what was not saved goes, the text shown is the server's again.
          const before = this.local;
          this.inflight = null;
          this.buffer = null;
          this.undoStack = [];
          this.local = this.server.text;
          if (before !== this.local) this.opts.onChange(before, this.local, opBetween(before, this.local));
          this.opts.onError?.(error);
        }
        this.notePending();
      },
    );
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
