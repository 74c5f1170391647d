// What a page holds while it is shown (live connections, timers, listeners
// outside its own element) and lets go of when the router leaves it: the
// router calls the page's dispose before it renders the next one, and
// dispose releases everything the page registered here, once.

/** Anything that can be stopped for good: a LiveConnection, a watch. */
export interface Stoppable {
  stop(): void;
}

export class Lifetime {
  private readonly controller = new AbortController();
  private cleanups: (() => void)[] = [];

  /** Aborted on dispose: give it to addEventListener or fetch. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the page has been left; work that finishes later checks it. */
  get disposed(): boolean {
    return this.controller.signal.aborted;
  }

  /** Runs cleanup on dispose, at once when the page is already left. */
  onDispose(cleanup: () => void): void {
    if (this.disposed) cleanup();
    else this.cleanups.push(cleanup);
  }

  /** Stops thing on dispose and returns it (at once when already left). */
  own<T extends Stoppable>(thing: T): T {
    this.onDispose(() => thing.stop());
    return thing;
  }

  /** Releases everything, newest first; a failing cleanup does not keep the others from running. */
  dispose(): void {
    if (this.disposed) return;
    this.controller.abort();
    const cleanups = this.cleanups.reverse();
    this.cleanups = [];
    let failure: unknown = null;
    for (const cleanup of cleanups) {
      try {
        cleanup();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== null) throw failure;
  }
}
