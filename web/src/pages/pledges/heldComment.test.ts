import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLanguage } from '../../i18n';
import type { PledgeComment } from '../../pledges/types';
import { heldNote, needsNote } from './heldComment';

const comment = (more: Partial<PledgeComment> = {}): PledgeComment => ({
  id: 'c1',
  pledgeId: 'p1',
  itemId: 'i1',
  atMs: 0,
  author: 'ana',
  text: 'Call me on 06 12 34 56 78',
  at: '2026-01-01T10:00:00Z',
  held: true,
  reasons: ['It looks like a phone number.'],
  ...more,
});

beforeEach(() => setLanguage('en', { remember: false }));
afterEach(() => document.body.replaceChildren());

describe('needsNote', () => {
  it('is only for held or hidden comments', () => {
    expect(needsNote(comment())).toBe(true);
    expect(needsNote(comment({ held: false, hidden: true }))).toBe(true);
    expect(needsNote(comment({ held: false }))).toBe(false);
  });
});

describe('heldNote', () => {
  const save = vi.fn(async () => undefined);

  it('tells the author it waits, who can see it, and why', () => {
    const note = heldNote({ comment: comment(), mine: true, sentBack: false, language: 'en', save });
    expect(note.querySelector('.held-badge')?.textContent).toBe('Waiting for a moderator');
    expect(note.textContent).toContain('Only you and the moderators can see this for now.');
    expect([...note.querySelectorAll('.held-reasons li')].map((li) => li.textContent)).toEqual(['It looks like a phone number.']);
    expect(note.querySelector('form')).toBeNull();
  });

  it('shows the moderator’s message and a labelled edit form that saves the new text', async () => {
    const note = heldNote({ comment: comment({ changesMessage: 'Please take the number out.' }), mine: true, sentBack: false, language: 'en', save });
    document.body.append(note);
    expect(note.querySelector('.moderator-message blockquote')?.textContent).toBe('Please take the number out.');
    const area = note.querySelector('textarea') as HTMLTextAreaElement;
    expect(note.querySelector(`label[for="${area.id}"]`)?.textContent).toBe('Edit your comment');
    expect(area.value).toBe('Call me on 06 12 34 56 78');
    area.value = '  ';
    note.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(save).not.toHaveBeenCalled();
    expect(note.querySelector('[role=alert]')?.textContent).toBe('Write something first.');
    area.value = ' Let us talk here. ';
    note.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(save).toHaveBeenCalledWith('Let us talk here.');
  });

  it('says a changed comment went back to the moderator', () => {
    const note = heldNote({ comment: comment(), mine: true, sentBack: true, language: 'en', save });
    expect(note.querySelector('.held-sent-back')?.textContent).toBe('Sent back to the moderator.');
  });

  it('tells a moderator it is held, with a way to the queue, and no edit form', () => {
    const note = heldNote({ comment: comment({ changesMessage: 'x' }), mine: false, sentBack: false, language: 'en', save });
    expect(note.textContent).toContain('Only its author and the moderators see it.');
    expect(note.querySelector('a')?.getAttribute('href')).toBe('/moderation');
    expect(note.querySelector('form')).toBeNull();
  });

  it('says when a moderator hid it', () => {
    const note = heldNote({ comment: comment({ held: false, hidden: true }), mine: true, sentBack: false, language: 'en', save });
    expect(note.textContent).toBe('A moderator hid this comment. Only you and the moderators can see it.');
  });
});
