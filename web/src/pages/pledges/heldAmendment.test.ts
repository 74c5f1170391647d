import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLanguage, translate } from '../../i18n';
import type { Amendment } from '../../pledges/types';
import { amendmentNeedsNote, heldAmendmentNote, mayAccept } from './heldAmendment';

const amendment = (more: Partial<Amendment> = {}): Amendment => ({
  id: 'a1',
  pledgeId: 'p1',
  itemId: 'i1',
  baseVersion: 1,
  diff: [],
  atMs: 0,
  field: 'text',
  baseText: 'Apps explain.',
  text: 'Apps explain. Write to ana@example.org',
  reason: 'More ways to reach us',
  author: 'ana',
  state: 'open',
  at: '2026-01-01T10:00:00Z',
  held: true,
  reasons: ['It looks like an e-mail address.'],
  ...more,
});

beforeEach(() => setLanguage('en', { remember: false }));
afterEach(() => document.body.replaceChildren());

describe('which amendments get a note and an Accept button', () => {
  it('notes held or hidden ones, and never offers them for acceptance', () => {
    expect(amendmentNeedsNote(amendment())).toBe(true);
    expect(amendmentNeedsNote(amendment({ held: false, hidden: true }))).toBe(true);
    expect(amendmentNeedsNote(amendment({ held: false }))).toBe(false);
    expect(mayAccept(amendment())).toBe(false);
    expect(mayAccept(amendment({ held: false, hidden: true }))).toBe(false);
    expect(mayAccept(amendment({ held: false }))).toBe(true);
    expect(mayAccept(amendment({ held: false, state: 'declined' }))).toBe(false);
  });
});

describe('heldAmendmentNote', () => {
  const save = vi.fn(async () => undefined);

  it('tells the author it waits, who can see it, and why, without a form until a moderator asks', () => {
    const note = heldAmendmentNote({ amendment: amendment(), mine: true, sentBack: false, language: 'en', save });
    expect(note.querySelector('.held-badge')?.textContent).toBe(translate('en', 'heldComment.badge'));
    expect(note.textContent).toContain(translate('en', 'heldAmendment.explain'));
    expect([...note.querySelectorAll('.held-reasons li')].map((li) => li.textContent)).toEqual(['It looks like an e-mail address.']);
    expect(note.querySelector('form')).toBeNull();
  });

  it('shows the moderator’s message and a labelled form that sends the new text and reason', async () => {
    const note = heldAmendmentNote({ amendment: amendment({ changesMessage: 'Please take the address out.' }), mine: true, sentBack: false, language: 'fr', save });
    document.body.append(note);
    expect(note.querySelector('.moderator-message blockquote')?.textContent).toBe('Please take the address out.');
    const area = note.querySelector('textarea') as HTMLTextAreaElement;
    const reason = note.querySelector('input') as HTMLInputElement;
    expect(note.querySelector(`label[for="${area.id}"]`)?.textContent).toBe(translate('en', 'heldAmendment.editText'));
    expect(note.querySelector(`label[for="${reason.id}"]`)?.textContent).toBe(translate('en', 'heldAmendment.editReason'));
    expect(area.value).toBe('Apps explain. Write to ana@example.org');
    expect(area.getAttribute('lang')).toBe('fr');
    expect(reason.value).toBe('More ways to reach us');
    area.value = 'Apps explain. Ask us in the group.';
    reason.value = ' No address now ';
    note.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(save).toHaveBeenCalledWith('Apps explain. Ask us in the group.', 'No address now');
  });

  it('shows a failed save in the form', async () => {
    const failing = vi.fn(async () => {
      throw new Error('offline');
    });
    const note = heldAmendmentNote({ amendment: amendment({ changesMessage: 'x' }), mine: true, sentBack: false, language: 'en', save: failing });
    note.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(note.querySelector('[role=alert]')?.textContent).not.toBe(''));
  });

  it('says a changed amendment went back to the moderator', () => {
    const note = heldAmendmentNote({ amendment: amendment(), mine: true, sentBack: true, language: 'en', save });
    expect(note.querySelector('.held-sent-back')?.textContent).toBe(translate('en', 'heldComment.sentBack'));
  });

  it('tells a moderator it is held and cannot be accepted yet, with a way to the queue and no edit form', () => {
    const note = heldAmendmentNote({ amendment: amendment({ changesMessage: 'x' }), mine: false, sentBack: false, language: 'en', save });
    expect(note.textContent).toContain(translate('en', 'heldAmendment.explainModerator'));
    expect(note.querySelector('a')?.getAttribute('href')).toBe('/moderation');
    expect(note.querySelector('form')).toBeNull();
  });

  it('says when a moderator hid it', () => {
    const note = heldAmendmentNote({ amendment: amendment({ held: false, hidden: true }), mine: true, sentBack: false, language: 'en', save });
    expect(note.textContent).toBe(translate('en', 'heldAmendment.hidden'));
  });
});
