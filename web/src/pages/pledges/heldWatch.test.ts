import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Amendment, PledgeComment } from '../../pledges/types';
import { HeldWatch, heldSignature, waitsForModerator } from './heldWatch';

const c = (more: Partial<PledgeComment> = {}): PledgeComment => ({ id: 'c1', pledgeId: 'p1', itemId: 'i1', author: 'me', text: 'call 06 12 34 56 78', at: '', atMs: 0, held: true, ...more });
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('waitsForModerator', () => {
  it('is true only for my held comments without an answer yet', () => {
    expect(waitsForModerator([c()], 'me')).toBe(true);
    expect(waitsForModerator([c()], 'someone else')).toBe(false);
    expect(waitsForModerator([c({ changesMessage: 'please change' })], 'me')).toBe(false);
    expect(waitsForModerator([c({ held: false })], 'me')).toBe(false);
    expect(waitsForModerator([c({ hidden: true })], 'me')).toBe(false);
  });

  it('works for held amendments too, whose reason counts as what the author wrote', () => {
    const a: Amendment = { id: 'a1', pledgeId: 'p1', itemId: 'i1', field: 'text', baseVersion: 1, baseText: '', text: 'mail a@b.org', diff: [], reason: 'why', author: 'me', state: 'open', at: '', atMs: 0, held: true };
    expect(waitsForModerator([a], 'me')).toBe(true);
    expect(waitsForModerator([{ ...a, changesMessage: 'change it' }], 'me')).toBe(false);
    expect(heldSignature([a])).not.toBe(heldSignature([{ ...a, reason: 'another why' }]));
  });

  it('sees a change in what moderation says, not in other fields', () => {
    expect(heldSignature([c()])).toBe(heldSignature([c({ at: 'later' })]));
    expect(heldSignature([c()])).not.toBe(heldSignature([c({ changesMessage: 'x' })]));
  });
});

describe('HeldWatch', () => {
  it('looks again until the moderator answers, then redraws once and stops', async () => {
    const answers = [[c()], [c({ changesMessage: 'Take the number out.' })]];
    const fetch = vi.fn(async () => answers.shift() ?? []);
    const redraw = vi.fn(() => 'done' as const);
    const w = new HeldWatch('me', 1000);
    w.watch([c()], fetch, redraw);
    await vi.advanceTimersByTimeAsync(1000);
    await flush();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(redraw).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    await flush();
    expect(redraw).toHaveBeenCalledWith([c({ changesMessage: 'Take the number out.' })]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('waits while the person is typing, and stops when the panel moved on', async () => {
    const fetch = vi.fn(async () => [c({ changesMessage: 'x' })]);
    const redraw = vi.fn<() => 'busy' | 'stale'>().mockReturnValueOnce('busy').mockReturnValueOnce('stale');
    const w = new HeldWatch('me', 1000);
    w.watch([c()], fetch, redraw);
    await vi.advanceTimersByTimeAsync(1000);
    await flush();
    await vi.advanceTimersByTimeAsync(1000);
    await flush();
    expect(redraw).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(5000);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('does nothing when nothing of mine waits, and stop ends it', async () => {
    const fetch = vi.fn(async () => [c()]);
    const w = new HeldWatch('me', 1000);
    w.watch([c({ author: 'other' })], fetch, () => 'done');
    await vi.advanceTimersByTimeAsync(3000);
    expect(fetch).not.toHaveBeenCalled();
    w.watch([c()], fetch, () => 'done');
    w.stop();
    await vi.advanceTimersByTimeAsync(3000);
    expect(fetch).not.toHaveBeenCalled();
  });
});
