// What a held or hidden proposed change (amendment) says about itself, as
// a held comment does (heldComment): to its author, that it waits for a
// moderator, who can see it, why (the server's reasons, in plain words) and
// what a moderator asked to change, with a form to rewrite the text and the
// reason; to a moderator, that it is held, cannot be accepted yet, and
// where the queue is. A held amendment is never offered for acceptance.
import { el } from '../../dom';
import type { Amendment } from '../../pledges/types';
import { button, errorParagraphs } from '../../ui/form';
import { moderationNote } from './heldComment';

export interface HeldAmendmentOptions {
  amendment: Amendment;
  /** The viewer proposed it. */
  mine: boolean;
  /** The author already sent a changed text back (shown until the moderator answers). */
  sentBack: boolean;
  /** The pledge's language, for the edit fields. */
  language: string;
  /** Sends the changed text and reason (PATCH); a thrown error is shown in the form. */
  save(text: string, reason: string): Promise<void>;
}

/** Reports whether an amendment needs a note: only held or hidden ones do. */
export function amendmentNeedsNote(a: Amendment): boolean {
  return Boolean(a.held || a.hidden);
}

/** Whether someone who may decide amendments is offered "Accept": never for a held or hidden one, nor a decided one. */
export function mayAccept(a: Amendment): boolean {
  return a.state === 'open' && !amendmentNeedsNote(a);
}

/** The note under a held or hidden amendment. */
export function heldAmendmentNote(opts: HeldAmendmentOptions): HTMLElement {
  return moderationNote(opts.amendment, opts, {
    hidden: 'heldAmendment.hidden',
    hiddenModerator: 'heldAmendment.hiddenModerator',
    explain: 'heldAmendment.explain',
    explainModerator: 'heldAmendment.explainModerator',
    editForm: () => editForm(opts),
  });
}

function editForm(opts: HeldAmendmentOptions): HTMLFormElement {
  const a = opts.amendment;
  const textId = `amend-edit-${a.id}`;
  const reasonId = `amend-edit-reason-${a.id}`;
  const area = el('textarea', { attrs: { id: textId, rows: '4', lang: opts.language } });
  area.value = a.text;
  const reason = el('input', { attrs: { id: reasonId, type: 'text', maxlength: '500', lang: opts.language } });
  reason.value = a.reason ?? '';
  const alert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
  const save = button('heldComment.save', undefined, { type: 'submit', className: 'button button-primary' });
  const form = el('form', { className: 'amend-form held-edit', attrs: { novalidate: '' } }, [
    el('label', { text: 'heldAmendment.editText', attrs: { for: textId } }),
    area,
    el('label', { text: 'heldAmendment.editReason', attrs: { for: reasonId } }),
    reason,
    alert,
    el('div', { className: 'form-actions' }, [save]),
  ]);
  let busy = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    save.setAttribute('aria-disabled', 'true');
    alert.replaceChildren();
    opts
      .save(area.value, reason.value.trim())
      .catch((error: unknown) => alert.replaceChildren(...errorParagraphs(error)))
      .finally(() => {
        busy = false;
        save.removeAttribute('aria-disabled');
      });
  });
  return form;
}
