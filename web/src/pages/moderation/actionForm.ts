// The decision part of a case: one button per action the case allows; a
// button opens a short form asking why (always) and, to ask for changes,
// what to tell the author. Errors from the server (problem+json) show in
// the form's alert, in the server's words.
import { apiPath, type ApiClient } from '../../api';
import { el, setText } from '../../dom';
import { actionBody, allowedActions, checkAction } from '../../moderation/actions';
import { actionKey } from '../../moderation/labels';
import { maxReason, type CaseAbilities, type ModerationAction, type ModerationCase } from '../../moderation/types';
import { button, errorParagraphs } from '../../ui/form';

export interface ActionsOptions {
  api: ApiClient;
  case: ModerationCase;
  can?: CaseAbilities;
  /** Called with the case as the server left it after a decision. */
  done(updated: ModerationCase, action: ModerationAction): void;
}

export interface ActionsView {
  element: HTMLElement;
  /** Whether a form is open with something typed in it (a live reload would lose it). */
  readonly busy: boolean;
}

export function actionsView(opts: ActionsOptions): ActionsView {
  const allowed = allowedActions(opts.case, opts.can);
  const slot = el('div', { className: 'case-action-form' });
  let open: { action: ModerationAction; reason: HTMLTextAreaElement; message: HTMLTextAreaElement | null } | null = null;
  const buttons = allowed.map((action) => {
    const b = button(actionKey[action], () => show(action), { className: `button${action === 'approve' ? ' button-primary' : action === 'hide' ? ' button-danger' : ''}` });
    b.dataset.action = action;
    b.setAttribute('aria-expanded', 'false');
    b.setAttribute('aria-controls', 'case-action-form');
    return b;
  });
  slot.id = 'case-action-form';

  const close = (focus: HTMLElement | null) => {
    open = null;
    slot.replaceChildren();
    for (const b of buttons) b.setAttribute('aria-expanded', 'false');
    focus?.focus();
  };

  const show = (action: ModerationAction) => {
    const opener = buttons.find((b) => b.dataset.action === action) ?? null;
    for (const b of buttons) b.setAttribute('aria-expanded', String(b === opener));
    const area = (id: string, label: 'case.reasonLabel' | 'case.messageLabel', hint: 'case.reasonHint' | 'case.messageHint') => {
      const control = el('textarea', { attrs: { id, name: id, rows: '3', required: '', maxlength: String(maxReason), 'aria-describedby': `${id}-hint` } });
      const error = el('p', { className: 'field-error', attrs: { id: `${id}-error`, hidden: '' } });
      const wrap = el('div', { className: 'field' }, [
        el('label', { text: label, attrs: { for: id } }),
        el('p', { className: 'field-hint', text: hint, params: { max: maxReason }, attrs: { id: `${id}-hint` } }),
        error,
        control,
      ]);
      // A message about a missing reason goes once something is typed.
      control.addEventListener('input', () => {
        if (error.hidden || control.value.trim() === '') return;
        error.hidden = true;
        control.removeAttribute('aria-invalid');
        control.setAttribute('aria-describedby', `${id}-hint`);
      });
      return { control, error, wrap };
    };
    const reason = area('case-reason', 'case.reasonLabel', 'case.reasonHint');
    const message = action === 'request_changes' ? area('case-message', 'case.messageLabel', 'case.messageHint') : null;
    const alert = el('div', { className: 'form-error', attrs: { role: 'alert', id: 'case-action-alert' } });
    const submit = button('case.confirm', undefined, { type: 'submit', className: 'button button-primary' });
    const form = el('form', { className: 'form', attrs: { novalidate: '', 'aria-labelledby': 'case-action-heading' } }, [
      el('h3', { text: actionKey[action], attrs: { id: 'case-action-heading', 'data-action': action } }),
      reason.wrap,
      ...(message ? [message.wrap] : []),
      alert,
      el('div', { className: 'form-actions' }, [submit, button('dialog.cancel', () => close(opener))]),
    ]);
    let sending = false;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (sending) return;
      const problems = checkAction(action, reason.control.value, message?.control.value ?? '');
      for (const f of [reason, message]) {
        if (!f) continue;
        const p = problems.find((x) => (f === reason ? x.field === 'reason' : x.field === 'message'));
        f.error.hidden = !p;
        if (p) setText(f.error, p.key, p.params);
        f.control.setAttribute('aria-describedby', [`${f.control.id}-hint`, p ? f.error.id : ''].filter(Boolean).join(' '));
        if (p) f.control.setAttribute('aria-invalid', 'true');
        else f.control.removeAttribute('aria-invalid');
      }
      if (problems.length) {
        (problems[0]?.field === 'message' ? message?.control : reason.control)?.focus();
        return;
      }
      sending = true;
      submit.setAttribute('aria-disabled', 'true');
      alert.replaceChildren();
      opts.api
        .post<{ case: ModerationCase }>(apiPath`/api/moderation/cases/${opts.case.id}/actions`, actionBody(action, reason.control.value, message?.control.value ?? ''))
        .then((got) => {
          open = null;
          opts.done(got.case, action);
        })
        .catch((error: unknown) => alert.replaceChildren(...errorParagraphs(error)))
        .finally(() => {
          sending = false;
          submit.removeAttribute('aria-disabled');
        });
    });
    open = { action, reason: reason.control, message: message?.control ?? null };
    slot.replaceChildren(form);
    reason.control.focus();
  };

  const element = el('div', { className: 'case-actions' }, [
    ...(allowed.length
      ? [el('p', { text: 'case.actionsLead' }), el('div', { className: 'form-actions case-action-buttons' }, buttons), slot]
      : [el('p', { text: 'case.noActions' })]),
  ]);
  return {
    element,
    get busy() {
      return open !== null && (open.reason.value.trim() !== '' || (open.message?.value.trim() ?? '') !== '');
    },
  };
}
