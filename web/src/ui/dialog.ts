// A confirm step as a modal <dialog>: the second of the "two clicks" that
// withdrawing a consent, revoking or erasing takes, or a short text asked
// for. Escape or Cancel says no.
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

/** What a dialog puts in the shell: controls between its text and its buttons, the yes button, and what gets focus first. */
interface Inside {
  controls?: HTMLElement[];
  yes: HTMLElement;
  focus?: HTMLElement;
}

let counter = 0;

/**
 * The shell every dialog here shares: a modal dialog in the host, labelled
 * by its heading and described by its text, the yes button from fill and
 * Cancel after it. It resolves what fill answered (answer closes it), or
 * no for Cancel and Escape, and gives focus back where it was.
 */
function modal<T>(prefix: string, opts: ConfirmOptions, no: T, fill: (id: string, answer: (value: T) => void) => Inside): Promise<T> {
  const id = `${prefix}-${++counter}`;
  let result = no;
  const dialog = el('dialog', { className: 'confirm-dialog', attrs: { 'aria-labelledby': `${id}-heading`, 'aria-describedby': `${id}-text` } });
  const inside = fill(id, (value) => {
    result = value;
    dialog.close();
  });
  const cancel = button(opts.cancel ?? 'dialog.cancel', () => dialog.close(), { className: 'button' });
  dialog.append(
    el('h2', { text: opts.heading, params: opts.params, attrs: { id: `${id}-heading` } }),
    el('p', { text: opts.text, params: opts.params, attrs: { id: `${id}-text` } }),
    ...(inside.controls ?? []),
    el('div', { className: 'form-actions' }, [inside.yes, cancel]),
  );
  return showDialog(dialog, opts.host, inside.focus ?? cancel).then(() => result);
}

/**
 * Shows dialog modally in host with focus on first, and settles once it
 * closed (by Escape too, also where showModal is missing, as in test
 * DOMs): the dialog is gone and focus is back where it was, if that is
 * still on the page. Every dialog of the app opens through here.
 */
export function showDialog(dialog: HTMLDialogElement, host: HTMLElement, first: HTMLElement | undefined): Promise<void> {
  const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  return new Promise((resolve) => {
    dialog.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        dialog.close();
      }
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (returnTo?.isConnected) returnTo.focus();
      resolve();
    });
    host.append(dialog);
    if (typeof dialog.showModal === 'function') dialog.showModal();
    else dialog.setAttribute('open', '');
    first?.focus();
  });
}

/** Asks a yes/no question in a modal dialog; resolves true for yes. Focus starts on Cancel and returns where it was. */
export function confirmDialog(opts: ConfirmOptions): Promise<boolean> {
  return modal('confirm', opts, false, (_, answer) => ({ yes: button(opts.confirm, () => answer(true), { className: 'button button-danger' }) }));
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
  return modal<string | null>('message', opts, null, (id, answer) => {
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
      answer(text);
    }, { className: 'button button-primary' });
    return { controls: [el('label', { text: opts.label, attrs: { for: `${id}-text-input` } }), area, error], yes, focus: area };
  });
}
