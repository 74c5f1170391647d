// While a comment (or a proposed change) of mine waits for a moderator, the
// side panel looks again now and then: a moderator's request for changes
// sends no event to its author (only approval and hiding go out on the
// pledge's topic).

/** What moderation may hold: a comment or an amendment. */
export interface Moderated {
  id: string;
  author: string;
  text: string;
  reason?: string;
  held?: boolean;
  hidden?: boolean;
  changesMessage?: string;
}

/** What of a list matters for what its author sees about moderation. */
export function heldSignature(list: readonly Moderated[]): string {
  return JSON.stringify(list.map((c) => [c.id, c.held ?? false, c.hidden ?? false, c.changesMessage ?? '', c.text, c.reason ?? '']));
}

/** Whether me has something in list that waits for a moderator's answer. */
export function waitsForModerator(list: readonly Moderated[], me: string): boolean {
  return list.some((c) => c.author === me && c.held && !c.hidden && !c.changesMessage);
}

/** What a redraw did: done; not now (the person is typing); or stale (the panel shows something else). */
export type Redraw = 'done' | 'busy' | 'stale';

export class HeldWatch {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly me: string,
    private readonly everyMs: number,
  ) {}

  /**
   * Starts watching the comments (or amendments) just shown: every everyMs, fetch them
   * again and, when something changed, redraw them (which may say "not
   * now"). Watching ends when nothing of mine waits any more, on stop, or
   * when the redraw says the panel moved on.
   */
  watch<T extends Moderated>(shown: readonly T[], fetch: () => Promise<T[]>, redraw: (fresh: T[]) => Redraw): void {
    this.stop();
    if (!waitsForModerator(shown, this.me)) return;
    const before = heldSignature(shown);
    this.timer = setTimeout(() => {
      this.timer = null;
      void fetch()
        .then((fresh) => {
          if (heldSignature(fresh) === before) return this.watch(fresh, fetch, redraw);
          const did = redraw(fresh);
          if (did === 'done') this.watch(fresh, fetch, redraw);
          else if (did === 'busy') this.watch(shown, fetch, redraw);
        })
        .catch(() => this.watch(shown, fetch, redraw));
    }, this.everyMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
