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

export interface MessageOptions extends ConfirmOptions {
  /** The label of the text the person writes. */
  label: MessageKey;
  /** What an empty text is told. */
  empty: MessageKey;
  maxLength?: number;
}

/** Asks for a short text in a modal dialog; resolves the text, or null when cancelled. Focus returns where it was. */
export function messageDialog(opts: MessageOptions): Promise<string | null> {
  const id = `message-${++counter}`;
  const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  return new Promise((resolve) => {
    let answer: string | null = null;
    const area = el('textarea', { attrs: { id: `${id}-text-input`, rows: '4', maxlength: String(opts.maxLength ?? 1000), 'aria-describedby': `${id}-text ${id}-error` } });
    const error = el('p', { className: 'form-error', attrs: { id: `${id}-error`, role: 'alert' } });
    const yes = button(opts.confirm, () => {
      const text = area.value.trim();
      if (!text) {
        error.replaceChildren(el('span', { text: opts.empty }));
        area.setAttribute('aria-invalid', 'true');
        area.focus();
        return;
      }
      answer = text;
      dialog.close();
    }, { className: 'button button-primary' });
    const no = button(opts.cancel ?? 'dialog.cancel', () => dialog.close(), { className: 'button' });
    const dialog = el('dialog', { className: 'confirm-dialog', attrs: { 'aria-labelledby': `${id}-heading`, 'aria-describedby': `${id}-text` } }, [
      el('h2', { text: opts.heading, params: opts.params, attrs: { id: `${id}-heading` } }),
      el('p', { text: opts.text, params: opts.params, attrs: { id: `${id}-text` } }),
      el('label', { text: opts.label, attrs: { for: `${id}-text-input` } }),
      area,
      error,
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
    area.focus();
  });
}
