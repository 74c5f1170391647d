// A confirm step as a modal <dialog>: the second of the "two clicks" that
// withdrawing a consent, revoking or erasing takes. Escape or Cancel says no.
import { el } from '../dom';
import type { MessageKey, Params } from '../i18n';
import { button } from './form';

export interface ConfirmOptions {
  heading: MessageKey;
  text: MessageKey;
  params?: Params;
  confirm: MessageKey;
  cancel?: MessageKey;
  /** Where the dialog is placed (inside <main>, so it belongs to a landmark). */
  host: HTMLElement;
}

let counter = 0;

/** Asks a yes/no question in a modal dialog; resolves true for yes. Focus returns where it was. */
export function confirmDialog(opts: ConfirmOptions): Promise<boolean> {
  const id = `confirm-${++counter}`;
  const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  return new Promise((resolve) => {
    let answer = false;
    const yes = button(opts.confirm, () => {
      answer = true;
      dialog.close();
    }, { className: 'button button-danger' });
    const no = button(opts.cancel ?? 'dialog.cancel', () => dialog.close(), { className: 'button' });
    const dialog = el('dialog', { className: 'confirm-dialog', attrs: { 'aria-labelledby': `${id}-heading`, 'aria-describedby': `${id}-text` } }, [
      el('h2', { text: opts.heading, params: opts.params, attrs: { id: `${id}-heading` } }),
      el('p', { text: opts.text, params: opts.params, attrs: { id: `${id}-text` } }),
      el('div', { className: 'form-actions' }, [yes, no]),
    ]);
    dialog.addEventListener('close', () => {
      dialog.remove();
      returnTo?.focus();
      resolve(answer);
    });
    opts.host.append(dialog);
    if (typeof dialog.showModal === 'function') dialog.showModal();
    else dialog.setAttribute('open', '');
    no.focus();
  });
}
