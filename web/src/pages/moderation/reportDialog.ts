// "Report" on something someone else wrote: a small modal dialog (focus
// moves in, Escape closes, focus comes back) with child-friendly choices and
// an optional text. After sending it thanks the reporter and, for a
// safeguarding report, shows their country's helpline first thing
// (safeguarding rule 6), because the reporter may be the one at risk.
import type { ApiClient } from '../../api';
import { el, plain } from '../../dom';
import type { MessageKey } from '../../i18n';
import { reportChoiceKey } from '../../moderation/labels';
import { reportCategories, type Helpline, type ReportAnswer, type ReportCategory } from '../../moderation/types';
import { showDialog } from '../../ui/dialog';
import { button, errorParagraphs } from '../../ui/form';

/** The longest report text the server takes (moderation.MaxReport). */
export const maxReportText = 1000;

export interface ReportDialogOptions {
  api: ApiClient;
  /** Where the dialog goes (inside <main>, so it belongs to a landmark). */
  host: HTMLElement;
  contentType: string;
  contentId: string;
  /** The reported text, shown so the reporter knows what they report. */
  quote?: string;
  /** What is reported, for the heading: a comment (the default) or a message in a live session. */
  what?: 'comment' | 'message';
  quoteLang?: string;
}

export type ReportCheck = { ok: true; body: Record<string, string> } | { ok: false; field: 'category' | 'text'; key: MessageKey };

/** Checks the choices before sending: a category is needed, and words for "something else". */
export function checkReport(contentType: string, contentId: string, category: string, text: string): ReportCheck {
  if (!(reportCategories as readonly string[]).includes(category)) return { ok: false, field: 'category', key: 'report.pickCategory' };
  const words = text.trim();
  if (category === 'other' && !words) return { ok: false, field: 'text', key: 'report.needText' };
  const body: Record<string, string> = { contentType, contentId, category };
  if (words) body.text = words;
  return { ok: true, body };
}

let counter = 0;

/** Opens the dialog; resolves with what the report led to, or null when it was closed without sending. */
export function reportDialog(opts: ReportDialogOptions): Promise<ReportAnswer | null> {
  const id = `report-${++counter}`;
  let answer: ReportAnswer | null = null;

  const radios = reportCategories.map((category) => choice(id, category));
  const categoryError = el('p', { className: 'field-error', attrs: { id: `${id}-category-error`, hidden: '' } });
  const fieldset = el('fieldset', { className: 'field-group report-choices' }, [
    el('legend', { text: 'report.categoryLegend' }),
    categoryError,
    ...radios.map((r) => r.element),
  ]);
  const text = el('textarea', { attrs: { id: `${id}-text`, rows: '3', maxlength: String(maxReportText), 'aria-describedby': `${id}-text-hint` } });
  const textError = el('p', { className: 'field-error', attrs: { id: `${id}-text-error`, hidden: '' } });
  const alert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
  const send = button('report.send', undefined, { type: 'submit', className: 'button button-primary' });
  const form = el('form', { className: 'report-form', attrs: { novalidate: '' } }, [
    fieldset,
    el('div', { className: 'field' }, [
      el('label', { text: 'report.textLabel', attrs: { for: text.id } }),
      el('p', { className: 'field-hint', text: 'report.textHint', attrs: { id: `${id}-text-hint` } }),
      textError,
      text,
    ]),
    alert,
    el('div', { className: 'form-actions' }, [send, button('dialog.cancel', () => dialog.close())]),
  ]);
  const intro: HTMLElement[] = [el('p', { text: 'report.lead' })];
  if (opts.quote) {
    intro.push(el('p', { className: 'report-quote' }, [el('span', { text: opts.what === 'message' ? 'report.quoteMessage' : 'report.quote' }), document.createTextNode(' '), plain('q', opts.quote, { attrs: opts.quoteLang ? { lang: opts.quoteLang } : {} })]));
  }
  const dialog = el('dialog', { className: 'confirm-dialog report-dialog', attrs: { 'aria-labelledby': `${id}-heading` } }, [
    el('h2', { text: opts.what === 'message' ? 'report.headingMessage' : 'report.heading', attrs: { id: `${id}-heading` } }),
    ...intro,
    form,
  ]);

  // Each message sits next to what it is about and is tied to it by aria-describedby.
  const showError = (node: HTMLElement, key: MessageKey | null) => {
    node.replaceChildren(...(key ? [el('span', { text: key })] : []));
    node.hidden = !key;
  };
  const describe = (target: HTMLElement, ids: readonly string[]) => {
    const list = ids.filter(Boolean).join(' ');
    if (list) target.setAttribute('aria-describedby', list);
    else target.removeAttribute('aria-describedby');
  };
  let busy = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    const picked = radios.find((r) => r.input.checked)?.input.value ?? '';
    const check = checkReport(opts.contentType, opts.contentId, picked, text.value);
    showError(categoryError, check.ok || check.field !== 'category' ? null : check.key);
    showError(textError, check.ok || check.field !== 'text' ? null : check.key);
    describe(fieldset, [categoryError.hidden ? '' : categoryError.id]);
    describe(text, [`${id}-text-hint`, textError.hidden ? '' : textError.id]);
    if (textError.hidden) text.removeAttribute('aria-invalid');
    else text.setAttribute('aria-invalid', 'true');
    if (!check.ok) {
      (check.field === 'category' ? radios[0]?.input : text)?.focus();
      return;
    }
    busy = true;
    send.setAttribute('aria-disabled', 'true');
    alert.replaceChildren();
    opts.api
      .post<ReportAnswer>('/api/reports', check.body)
      .then((got) => {
        answer = got;
        showDone(dialog, got, () => dialog.close());
      })
      .catch((error: unknown) => alert.replaceChildren(...errorParagraphs(error)))
      .finally(() => {
        busy = false;
        send.removeAttribute('aria-disabled');
      });
  });
  return showDialog(dialog, opts.host, radios[0]?.input).then(() => answer);
}

function choice(id: string, category: ReportCategory): { element: HTMLElement; input: HTMLInputElement } {
  const inputId = `${id}-${category}`;
  const input = el('input', { attrs: { type: 'radio', name: `${id}-category`, id: inputId, value: category } });
  return { input, element: el('div', { className: 'field-checkbox report-choice' }, [input, el('label', { text: reportChoiceKey[category], attrs: { for: inputId } })]) };
}

/** Replaces the form by the thanks (and the helpline), and moves focus there so it is read out. */
function showDone(dialog: HTMLDialogElement, got: ReportAnswer, close: () => void): void {
  const done = el('div', { className: 'report-done', attrs: { tabindex: '-1' } }, [
    el('p', { className: 'report-thanks', text: 'report.thanks' }),
    ...(got.hidden ? [el('p', { text: 'report.hiddenNow' })] : []),
    ...(got.helpline ? [helplineBox(got.helpline)] : []),
  ]);
  const heading = dialog.querySelector('h2');
  dialog.replaceChildren(...(heading ? [heading] : []), done, el('div', { className: 'form-actions' }, [button('report.close', close, { className: 'button button-primary' })]));
  done.focus();
}

/** The helpline, prominent: its name, its national number first, 116 111 beside it, and its website. */
export function helplineBox(h: Helpline): HTMLElement {
  const dial = (h.phone ?? '').replace(/[^\d+]/g, '');
  const euDial = (h.european ?? '').replace(/[^\d+]/g, '');
  return el('div', { className: 'helpline' }, [
    el('p', { className: 'helpline-lead', text: 'report.helplineLead' }),
    plain('p', h.name, { className: 'helpline-name' }),
    ...(h.phone && dial ? [el('p', {}, [el('a', { className: 'helpline-phone', text: 'report.helplineCall', params: { phone: h.phone }, attrs: { href: `tel:${dial}` } })])] : []),
    ...(h.european && euDial
      ? [el('p', {}, [el('a', { className: 'helpline-european', text: 'report.helplineEuropean', params: { phone: h.european }, attrs: { href: `tel:${euDial}` } })])]
      : []),
    ...(h.url && /^https:\/\//.test(h.url)
      ? [el('p', {}, [el('a', { className: 'helpline-site', text: 'report.helplineSite', params: { name: h.name }, attrs: { href: h.url, rel: 'noopener noreferrer', target: '_blank' } })])]
      : []),
    el('p', { text: 'report.helplineFree' }),
  ]);
}
