// The live session API (server/httpapi/openapi/livesession.json).
import type { Schemas } from '../openapi/types';

export type LiveSession = Schemas['LiveSession'];

/** Whether the session accepts posts now, and why not (rule 3). */
export type SessionState = Schemas['LiveSessionState'];

export type SessionMessage = Schemas['LiveSessionMessage'];

/** Who is here and what they may do, the chat, and the questions with their answers. */
export type SessionPage = Schemas['LiveSessionPage'];

export type SessionQuestion = SessionPage['questions'][number];

/** The state a session.paused / session.resumed event announces. */
export function stateFromEvent(event: string, data: Record<string, unknown> | undefined, before: SessionState): SessionState | null {
  const present = typeof data?.present === 'number' ? data.present : before.present;
  const needed = typeof data?.needed === 'number' ? data.needed : before.needed;
  // Too few moderators is the one reason a session pauses (rule 3).
  if (event === 'session.paused') return { status: 'paused', present, needed, reason: 'not_enough_moderators' };
  if (event === 'session.resumed') return { status: 'live', present, needed };
  return null;
}
