// What a held or hidden comment says about itself (safeguarding rule 5 and
// rule 8, monitoring is visible): to its author, that it waits for a
// moderator, who can see it, why (the server's reasons, already in plain
// words), and what a moderator asked to change, with a form to change it;
// to a moderator, that it is held and where the queue is.
import { el, plain } from '../../dom';
import type { MessageKey } from '../../i18n';
import type { PledgeComment } from '../../pledges/types';
import { button, errorParagraphs } from '../../ui/form';

export interface HeldNoteOptions {
  comment: PledgeComment;
  /** The viewer wrote it. */
  mine: boolean;
  /** The author already sent a changed text back (shown until the moderator answers). */
  sentBack: boolean;
  /** The pledge's language, for the edit field. */
  language: string;
  /** Sends the changed text (PATCH); a thrown error is shown in the form. */
  save(text: string): Promise<void>;
}

/** Reports whether a comment needs a note: only held or hidden ones do. */
export function needsNote(c: PledgeComment): boolean {
  return Boolean(c.held || c.hidden);
}

/** The note under a held or hidden comment. */
export function heldNote(opts: HeldNoteOptions): HTMLElement {
  return moderationNote(opts.comment, opts, {
    hidden: 'heldComment.hidden',
    hiddenModerator: 'heldComment.hiddenModerator',
    explain: 'heldComment.explain',
    explainModerator: 'heldComment.explainModerator',
    editForm: () => editForm(opts),
  });
}

/** What differs between the notes of held comments and held amendments. */
export interface NoteTexts {
  hidden: MessageKey;
  hiddenModerator: MessageKey;
  explain: MessageKey;
  explainModerator: MessageKey;
  /** The author's form to rewrite it, shown once a moderator asked for changes. */
  editForm(): HTMLFormElement;
}

/** The note under held or hidden content: the same shape for comments and amendments. */
export function moderationNote(
  item: { hidden?: boolean; reasons?: string[]; changesMessage?: string },
  who: { mine: boolean; sentBack: boolean },
  texts: NoteTexts,
): HTMLElement {
  if (item.hidden) {
    return el('div', { className: 'held-note held-note-hidden' }, [el('p', { text: who.mine ? texts.hidden : texts.hiddenModerator })]);
  }
  const parts: HTMLElement[] = [
    // After a moderator asked for a change it no longer waits for them: it waits for its author.
    el('p', { className: 'badge badge-wait held-badge', text: !item.changesMessage ? 'heldComment.badge' : who.mine ? 'heldComment.badgeChangeMine' : 'caseStatus.changesRequested' }),
    el('p', { text: who.mine ? texts.explain : texts.explainModerator }),
  ];
  const reasons = item.reasons ?? [];
  if (reasons.length) {
    parts.push(el('p', { className: 'held-why', text: 'heldComment.why' }), el('ul', { className: 'held-reasons' }, reasons.map((r) => plain('li', r))));
  }
  if (who.mine && who.sentBack && !item.changesMessage) parts.push(el('p', { className: 'held-sent-back', text: 'heldComment.sentBack' }));
  if (who.mine && item.changesMessage) {
    parts.push(
      el('div', { className: 'moderator-message' }, [el('p', { text: 'heldComment.moderatorSays' }), plain('blockquote', item.changesMessage)]),
      texts.editForm(),
    );
  }
  if (!who.mine) parts.push(el('p', {}, [el('a', { text: 'heldComment.openCase', attrs: { href: '/moderation', 'data-route': '' } })]));
  // Focusable by script: after an edit, focus lands here rather than on the page's start.
  return el('div', { className: 'held-note', attrs: { tabindex: '-1' } }, parts);
}

function editForm(opts: HeldNoteOptions): HTMLFormElement {
  const id = `edit-${opts.comment.id}`;
  const area = el('textarea', { attrs: { id, rows: '3', maxlength: '2000', lang: opts.language } });
  area.value = opts.comment.text;
  const alert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
  const save = button('heldComment.save', undefined, { type: 'submit', className: 'button button-primary' });
  const form = el('form', { className: 'comment-form held-edit', attrs: { novalidate: '' } }, [
    el('label', { text: 'heldComment.editLabel', attrs: { for: id } }),
    area,
    alert,
    el('div', { className: 'form-actions' }, [save]),
  ]);
  let busy = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    const text = area.value.trim();
    if (!text) {
      alert.replaceChildren(el('p', { text: 'pledge.commentEmpty' }));
      area.focus();
      return;
    }
    busy = true;
    save.setAttribute('aria-disabled', 'true');
    alert.replaceChildren();
    opts
      .save(text)
      .catch((error: unknown) => alert.replaceChildren(...errorParagraphs(error)))
      .finally(() => {
        busy = false;
        save.removeAttribute('aria-disabled');
      });
  });
  return form;
}
