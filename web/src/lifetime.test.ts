import { describe, expect, it } from 'vitest';
import { Lifetime } from './lifetime';

describe('Lifetime', () => {
  it('runs every cleanup once, newest first, and aborts its signal', () => {
    const life = new Lifetime();
    const ran: string[] = [];
    life.onDispose(() => ran.push('listener'));
    life.own({ stop: () => ran.push('socket') });
    expect(life.disposed).toBe(false);
    life.dispose();
    life.dispose();
    expect(ran).toEqual(['socket', 'listener']);
    expect(life.signal.aborted).toBe(true);
    expect(life.disposed).toBe(true);
  });

  it('stops at once what is handed to it after the page was left', () => {
    const life = new Lifetime();
    life.dispose();
    let stopped = false;
    const thing = life.own({ stop: () => (stopped = true) });
    expect(stopped).toBe(true);
    expect(thing.stop).toBeTypeOf('function');
  });

  it('a failing cleanup does not keep the others from running, and its error is not lost', () => {
    const life = new Lifetime();
    const ran: string[] = [];
    life.onDispose(() => ran.push('first'));
    life.onDispose(() => {
      throw new Error('boom');
    });
    life.onDispose(() => ran.push('last'));
    expect(() => life.dispose()).toThrow('boom');
    expect(ran).toEqual(['last', 'first']);
  });
});
