// The live session API (server/httpapi/openapi/livesession.json).
import type { Role, Watcher } from '../people/types';

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

export interface SessionMessage {
  id: string;
  kind: 'chat' | 'question' | 'answer';
  questionId?: string;
  text: string;
  at: string;
  author: { id?: string; name: string; role: Role; organisation?: string };
  mine: boolean;
  status: 'visible' | 'held' | 'hidden';
  heldFor?: 'screening' | 'approval' | 'changes';
  reasons?: string[];
  forPartners?: boolean;
  /** Its author erased their account: the words are gone. */
  erased?: boolean;
}

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
