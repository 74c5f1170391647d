import { describe, expect, it } from 'vitest';
import { stateFromEvent, type SessionState } from './types';

describe('stateFromEvent', () => {
  const live: SessionState = { status: 'live', present: 2, needed: 2 };

  it('pauses with the counts the event gives', () => {
    expect(stateFromEvent('session.paused', { reason: 'not_enough_moderators', present: 1, needed: 2 }, live)).toEqual({
      status: 'paused',
      present: 1,
      needed: 2,
      reason: 'not_enough_moderators',
    });
  });

  it('resumes, keeping counts the event leaves out', () => {
    expect(stateFromEvent('session.resumed', {}, { status: 'paused', present: 0, needed: 2 })).toEqual({ status: 'live', present: 0, needed: 2 });
  });

  it('ignores other events', () => {
    expect(stateFromEvent('session.message_posted', { id: 'm1' }, live)).toBeNull();
  });
});
