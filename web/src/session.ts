// Who is signed in: loaded once from GET /api/session, updated by sign-in,
// set-up, accepting an invitation and signing out; listeners (the header,
// pages) follow it.
import type { ApiClient } from './api';
import type { Me, Membership, SessionInfo } from './people/types';

type Listener = (state: SessionInfo) => void;

const signedOut: SessionInfo = { signedIn: false, setupNeeded: false };

export class Session {
  private state: SessionInfo | null = null;
  private loading: Promise<SessionInfo> | null = null;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly api: ApiClient) {}

  /** The current state, or null while the first load is under way. */
  get current(): SessionInfo | null {
    return this.state;
  }

  /** The signed-in person, or null. */
  get me(): Me | null {
    return this.state?.signedIn ? this.state.me : null;
  }

  /** Resolves with the state, loading it first if needed. */
  ready(): Promise<SessionInfo> {
    if (this.state) return Promise.resolve(this.state);
    return this.load();
  }

  /** Asks the server who is signed in. An error counts as signed out. */
  load(): Promise<SessionInfo> {
    if (!this.loading) {
      this.loading = this.api
        .get<SessionInfo>('/api/session')
        .catch(() => signedOut)
        .then((state) => {
          this.set(state && typeof state === 'object' && 'signedIn' in state ? state : signedOut);
          return this.state ?? signedOut;
        })
        .finally(() => {
          this.loading = null;
        });
    }
    return this.loading;
  }

  /** Records a fresh Me (after sign-in, set-up, accepting an invitation). */
  signedIn(me: Me): void {
    this.set({ signedIn: true, me });
  }

  /** Forgets the person (after sign-out, erasure, or a session that ended). */
  ended(): void {
    if (this.state?.signedIn === false) return;
    this.set(signedOut);
  }

  /** Signs out on this device. */
  async signOut(): Promise<void> {
    try {
      await this.api.post('/api/auth/logout', undefined, { refresh: false });
    } finally {
      this.ended();
    }
  }

  /** Signs out on every device. */
  async signOutEverywhere(): Promise<void> {
    await this.api.post('/api/auth/logout-all');
    this.ended();
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(state: SessionInfo): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}

/** Reports whether me holds role in any membership. */
export function hasRole(me: Me | null, ...roles: Membership['role'][]): boolean {
  return !!me?.memberships.some((m) => roles.includes(m.role));
}

/** Whether me coordinates a whole Safer Internet Centre (a membership without a panel): only they create panels and organisations. */
export function coordinatesCentre(me: Me | null): boolean {
  return !!me?.memberships.some((m) => m.role === 'coordinator' && !m.panelId && !!m.orgId);
}

/**
 * Where a person lands after signing in: young people who cannot enter the
 * workspace yet see /me (which says what is missing); coordinators their
 * panels; partners their home (what was published to them, their rounds);
 * everyone else their group, or their panel.
 */
export function landingPath(me: Me, next?: string | null): string {
  const youth = hasRole(me, 'youth', 'ambassador');
  if (youth && !me.canEnterWorkspace) return '/me';
  if (next && isSafeNext(next)) return next;
  if (hasRole(me, 'coordinator')) return '/panels';
  // Partners never enter group spaces or the panel's pages (they see
  // published, moderated content only): their home lists what is theirs.
  if (hasRole(me, 'partner') && !hasRole(me, 'youth', 'ambassador', 'moderator')) return '/';
  const group = me.memberships.find((m) => m.groupId && m.role !== 'partner');
  if (group?.groupId) return `/groups/${encodeURIComponent(group.groupId)}`;
  const panel = me.memberships.find((m) => m.panelId);
  if (panel?.panelId) return `/panels/${encodeURIComponent(panel.panelId)}`;
  return '/me';
}

/**
 * Where a person lands after signing in: ?next= when it is on this site;
 * young people who cannot take part yet, /me (where they say yes or ask a
 * guardian); everyone else their home, which says what to do next.
 */
export function signInPath(me: Me, next?: string | null): string {
  if (next && isSafeNext(next) && !(hasRole(me, 'youth', 'ambassador') && !me.canEnterWorkspace)) return next;
  if (hasRole(me, 'youth', 'ambassador') && !me.canEnterWorkspace) return '/me';
  return '/';
}

/** Only paths on this site: "/x", never "//evil.example" or "https://…". */
export function isSafeNext(next: string): boolean {
  return /^\/(?![/\\])/.test(next) && !/[\r\n]/.test(next);
}
