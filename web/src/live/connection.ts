// The live connection of a page to one topic over /ws (realtime/messages.go):
// subscribe (resuming after the last event seen), events, presence, typing,
// refetch, and edits (answered by ack or refused). It reconnects by itself with a growing wait, refreshes the
// session when the server closes for an expired token, and says how it is
// doing (connecting, live, reconnecting) so the page can show it. Every page
// that goes live uses it, owned by the page's Lifetime, so leaving the page
// closes the socket and any reconnect timer.
import { ApiError } from '../api';

/** A domain event pushed on a topic. */
export interface LiveEvent {
  type: 'event';
  topic: string;
  id: number;
  /** The event's kind, e.g. "pledge.item_edited". */
  event: string;
  actor: string;
  time?: string;
  data?: Record<string, unknown>;
}

export interface PresenceMember {
  accountId: string;
  itemId?: string;
}

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'ended';

/** An edit sent on the socket (realtime/messages.go `edit`). */
export interface LiveEdit {
  itemId: string;
  field: string;
  base: number;
  op: unknown;
  client: string;
  seq: number;
}

export interface LiveHandlers {
  onEvent(event: LiveEvent): void;
  onPresence?(members: PresenceMember[]): void;
  onTyping?(accountId: string, itemId: string): void;
  /** What was missed is too old to replay (or the first subscribe): reload over HTTP. */
  onRefetch?(): void;
  onStatus?(status: LiveStatus): void;
  /** The server refused or ended the subscription (no longer allowed). */
  onEnded?(reason: string): void;
}

/** The WebSocket the client needs (the browser's, or a fake in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface LiveOptions {
  topic: string;
  handlers: LiveHandlers;
  /** Opens a socket (default: a WebSocket to /ws on this origin). */
  open?: () => SocketLike;
  /** Asks for a new session when the server closed for an expired token; false: signed out. */
  refresh?: () => Promise<boolean>;
  /** First wait before reconnecting, in ms (doubles up to maxDelayMs). */
  minDelayMs?: number;
  maxDelayMs?: number;
}

const closeSessionExpired = 4001;

/** HTTP statuses of the fault codes a refused edit names (as server/httpapi/problem.go maps them). */
const statusOf: Record<string, number> = { invalid: 400, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409, too_large: 413, rate_limited: 429, unavailable: 503, internal: 500 };
const openState = 1;

export function wsUrl(loc: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}

/** How many delivered event ids a connection remembers to drop repeats (as the server hub does). */
const recentIds = 64;

export class LiveConnection {
  private socket: SocketLike | null = null;
  private lastId: number | null = null;
  /** Ids of the newest events delivered: several processes may publish out of id order, so an older id can still be new. */
  private recent: number[] = [];
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** Set by stop: a connection stopped for good never opens again. */
  private closed = false;
  private status: LiveStatus = 'connecting';
  private presenceItem = '';
  /** Edits sent, waiting for their ack or refusal, by client and seq. */
  private readonly edits = new Map<string, { resolve(version: number): void; reject(error: unknown): void }>();
  private readonly opts: LiveOptions;

  constructor(opts: LiveOptions) {
    this.opts = opts;
  }

  /** Opens the connection (and keeps it open until stop); after stop it does nothing. */
  start(): void {
    if (this.closed) return;
    this.stopped = false;
    this.connect();
  }

  /** Closes for good: the socket, any reconnect waiting, the edits waiting for an answer. */
  stop(): void {
    this.closed = true;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = null;
      s.close(1000, 'page left');
    }
    this.failEdits();
    this.setStatus('ended');
  }

  get isLive(): boolean {
    return this.status === 'live';
  }

  /** The newest event id seen (for resuming). */
  get lastEventId(): number | null {
    return this.lastId;
  }

  /** Says which item I am on ("" for none); repeated after every reconnect. */
  presence(itemId: string): void {
    this.presenceItem = itemId;
    this.sendRaw({ type: 'presence', topic: this.opts.topic, itemId });
  }

  /** Says I am typing in an item (callers throttle). */
  typing(itemId: string): void {
    this.sendRaw({ type: 'typing', topic: this.opts.topic, itemId });
  }

  /**
   * Sends an edit; resolves with the version the server made of it. Fails
   * with a network error (status 0: send again later) when not live or
   * when the socket closes first, and with the server's refusal otherwise.
   */
  edit(e: LiveEdit): Promise<number> {
    if (this.status !== 'live' || !this.socket || this.socket.readyState !== openState) return Promise.reject(new ApiError(0, null));
    const key = `${e.client}:${e.seq}`;
    const answer = new Promise<number>((resolve, reject) => this.edits.set(key, { resolve, reject }));
    this.socket.send(JSON.stringify({ type: 'edit', topic: this.opts.topic, ...e }));
    return answer;
  }

  private settle(msg: Record<string, unknown>, error: unknown): void {
    const key = `${String(msg.client ?? '')}:${String(msg.seq ?? '')}`;
    const waiting = this.edits.get(key);
    if (!waiting) return;
    this.edits.delete(key);
    if (error === null) waiting.resolve(typeof msg.version === 'number' ? msg.version : 0);
    else waiting.reject(error);
  }

  /** Every edit still waiting fails as "no connection": it is sent again later. */
  private failEdits(): void {
    for (const w of this.edits.values()) w.reject(new ApiError(0, null));
    this.edits.clear();
  }

  private sendRaw(message: object): void {
    if (this.status !== 'live' || !this.socket || this.socket.readyState !== openState) return;
    this.socket.send(JSON.stringify(message));
  }

  private setStatus(status: LiveStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.opts.handlers.onStatus?.(status);
  }

  private connect(): void {
    if (this.stopped) return;
    let socket: SocketLike;
    try {
      socket = this.opts.open ? this.opts.open() : (new WebSocket(wsUrl()) as unknown as SocketLike);
    } catch {
      this.retry(0);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      const subscribe: Record<string, unknown> = { type: 'subscribe', topic: this.opts.topic };
      if (this.lastId !== null) subscribe.after = this.lastId;
      socket.send(JSON.stringify(subscribe));
    };
    socket.onmessage = (ev) => {
      // A busy server sends what waited in one frame, one message per line.
      if (typeof ev.data === 'string') for (const line of ev.data.split('\n')) this.receive(line);
    };
    socket.onerror = () => undefined; // onclose follows and decides
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.failEdits();
      if (this.stopped) return;
      this.retry(ev.code);
    };
  }

  private retry(code: number): void {
    this.setStatus('reconnecting');
    const min = this.opts.minDelayMs ?? 500;
    const max = this.opts.maxDelayMs ?? 10_000;
    const delay = Math.min(max, min * 2 ** this.attempts) * (0.8 + Math.random() * 0.4);
    this.attempts++;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (code === closeSessionExpired && this.opts.refresh) {
        void this.opts.refresh().then((ok) => {
          if (ok) this.connect();
          else {
            this.setStatus('ended');
            this.opts.handlers.onEnded?.('session');
          }
        });
      } else {
        this.connect();
      }
    }, this.attempts === 1 && code === closeSessionExpired ? 0 : delay);
  }

  private receive(raw: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return;
    }
    const h = this.opts.handlers;
    if (msg.topic !== undefined && msg.topic !== this.opts.topic) return;
    switch (msg.type) {
      case 'subscribed': {
        const first = this.lastId === null;
        const last = typeof msg.last === 'number' ? msg.last : 0;
        if (this.lastId === null || last > this.lastId) this.lastId = last;
        this.attempts = 0;
        this.setStatus('live');
        if (this.presenceItem !== '') this.presence(this.presenceItem);
        // Without a resume point, whatever happened between loading and subscribing is fetched again.
        if (first) h.onRefetch?.();
        break;
      }
      case 'event': {
        const ev = msg as unknown as LiveEvent;
        if (typeof ev.id === 'number') {
          if (this.recent.includes(ev.id)) return;
          this.recent.push(ev.id);
          if (this.recent.length > recentIds) this.recent.shift();
          if (this.lastId === null || ev.id > this.lastId) this.lastId = ev.id;
        }
        h.onEvent(ev);
        break;
      }
      case 'presence':
        h.onPresence?.(Array.isArray(msg.members) ? (msg.members as PresenceMember[]) : []);
        break;
      case 'typing':
        if (typeof msg.accountId === 'string' && typeof msg.itemId === 'string') h.onTyping?.(msg.accountId, msg.itemId);
        break;
      case 'refetch':
        h.onRefetch?.();
        break;
      case 'ack':
        this.settle(msg, null);
        break;
      case 'refused': {
        const code = typeof msg.code === 'string' ? msg.code : 'invalid';
        this.settle(msg, new ApiError(statusOf[code] ?? 400, { type: `/problems/${code}`, status: statusOf[code] ?? 400, detail: typeof msg.message === 'string' ? msg.message : undefined }));
        break;
      }
      case 'unsubscribed':
        this.stopped = true;
        this.socket?.close(1000, 'unsubscribed');
        this.setStatus('ended');
        h.onEnded?.(typeof msg.reason === 'string' ? msg.reason : '');
        break;
      case 'error':
        // A refused subscribe names our topic: there is nothing live to show.
        if (msg.topic === this.opts.topic && this.status !== 'live') {
          this.stopped = true;
          this.socket?.close(1000, 'refused');
          this.setStatus('ended');
          h.onEnded?.(typeof msg.message === 'string' ? msg.message : '');
        }
        break;
      default:
        break;
    }
  }
}
