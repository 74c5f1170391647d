// The live session API (server/httpapi/openapi/livesession.json).
import type { Schemas } from '../openapi/types';
import type { Watcher } from '../people/types';

export interface LiveSession {
  id: string;
  panelId: string;
  title: string;
  startsAt: string;
  organisations: { id: string; name: string }[];
  minModerators: number;
  partnerPostModeration: boolean;
  /** The websocket topic: being subscribed is being present. */
  topic: string;
}

export interface SessionState {
  status: 'live' | 'paused';
  present: number;
  needed: number;
  reason?: string;
  message?: string;
}

export type SessionMessage = Schemas['LiveSessionMessage'];

export interface SessionQuestion extends SessionMessage {
  answers: SessionMessage[];
}

export interface SessionPage {
  session: LiveSession;
  state: SessionState;
  chat: SessionMessage[];
  questions: SessionQuestion[];
  watchers: Watcher[];
  can: { post: boolean; ask: boolean; answer: boolean; moderate: boolean; transcript: boolean };
}

/** The state a session.paused / session.resumed event announces. */
export function stateFromEvent(event: string, data: Record<string, unknown> | undefined, before: SessionState): SessionState | null {
  const present = typeof data?.present === 'number' ? data.present : before.present;
  const needed = typeof data?.needed === 'number' ? data.needed : before.needed;
  if (event === 'session.paused') return { status: 'paused', present, needed, reason: String(data?.reason ?? 'not_enough_moderators') };
  if (event === 'session.resumed') return { status: 'live', present, needed };
  return null;
}
