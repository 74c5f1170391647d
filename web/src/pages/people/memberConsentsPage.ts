// /panels/:id/consents (moderators and coordinators): each young person of
// the panel with every consent's state and what it still waits for ("the
// guardian, asked 3 days ago; reminder sent"), and, for coordinators, the
// form to record a signed consent form they checked: the only way scopes
// that need strong verification can be completed.
import { apiPath } from '../../api';
import type { Reply, Schemas } from '../../openapi/types';
import type { AppContext } from '../../context';
import { el, plain, setText } from '../../dom';
import type { MessageKey } from '../../i18n';
import type { Page, RouteParams } from '../../router';
import { button, errorParagraphs } from '../../ui/form';
import { asyncPage, fill, section, showProblem, signedInOrPrompt, timeEl, type AsyncPage } from './common';
import { stateTone } from '../../people/consentText';
import type { Panel } from '../../people/types';

/** One young person's consent: every scope's state and what it waits for, and the guardian request. */
export type MemberConsent = Schemas['MemberConsent'];
export type ScopeProgress = MemberConsent['scopes'][number];

const scopeKeys: Readonly<Record<string, MessageKey>> = {
  participate: 'memberConsents.scope.participate',
  video_appear: 'memberConsents.scope.videoAppear',
  video_publish: 'memberConsents.scope.videoPublish',
  name_visible_to_partners: 'memberConsents.scope.nameVisible',
};

const stateKeys: Readonly<Record<string, MessageKey>> = {
  granted: 'memberConsents.state.granted',
  not_granted: 'memberConsents.state.notGranted',
  withdrawn: 'memberConsents.state.withdrawn',
  needs_verification: 'memberConsents.state.needsVerification',
  not_allowed: 'memberConsents.state.notAllowed',
  partial: 'memberConsents.state.partial',
};

const missingKeys: Readonly<Record<string, MessageKey>> = {
  child: 'memberConsents.missing.child',
  guardian: 'memberConsents.missing.guardian',
  guardian_request: 'memberConsents.missing.guardianRequest',
  signed_form: 'memberConsents.missing.signedForm',
  withdrawn: 'memberConsents.missing.withdrawn',
};

/** The scope's name for staff. */
export function scopeLabel(scope: string): MessageKey {
  return scopeKeys[scope] ?? 'memberConsents.scope.other';
}

/** What the scope waits for, in words; null when nothing. */
export function missingLabel(missing: string | undefined): MessageKey | null {
  return missing ? (missingKeys[missing] ?? 'memberConsents.missing.other') : null;
}

/** The guardian request in one line: "asked …, reminder sent …", or why not. */
function guardianLine(g: MemberConsent['guardian']): HTMLElement {
  const parts: Node[] = [];
  switch (g.status) {
    case 'waiting':
      parts.push(el('span', { text: 'memberConsents.guardian.waiting', params: { domain: g.guardianDomain ?? '' } }), document.createTextNode(' '), timeEl(g.requestedAt, 'relative'));
      parts.push(document.createTextNode(' · '));
      parts.push(g.remindedAt ? el('span', { text: 'memberConsents.guardian.reminded' }) : el('span', { text: 'memberConsents.guardian.notReminded' }));
      if (g.remindedAt) parts.push(document.createTextNode(' '), timeEl(g.remindedAt, 'relative'));
      break;
    case 'expired':
      parts.push(el('span', { text: 'memberConsents.guardian.expired' }), document.createTextNode(' '), timeEl(g.expiresAt, 'relative'));
      break;
    case 'approved':
      parts.push(el('span', { text: 'memberConsents.guardian.approved' }));
      break;
    case 'declined':
      parts.push(el('span', { text: 'memberConsents.guardian.declined' }));
      break;
    default:
      parts.push(el('span', { text: 'memberConsents.guardian.none' }));
  }
  return el('p', { className: 'guardian-line' }, [el('strong', { text: 'memberConsents.guardian.label' }), document.createTextNode(' '), ...parts]);
}

/** The coordinator's form: which scope, the scanned form, and the upload. */
function signedFormForm(ctx: AppContext, m: MemberConsent, reload: () => void): HTMLElement | null {
  const waiting = m.scopes.filter((s) => s.missing === 'signed_form');
  if (!m.canRecordForms || waiting.length === 0) return null;
  const id = `form-${m.accountId}`;
  const scope = el(
    'select',
    { attrs: { id: `${id}-scope`, name: 'scope' } },
    waiting.map((s) => el('option', { text: scopeLabel(s.scope), attrs: { value: s.scope } })),
  );
  const file = el('input', { attrs: { id: `${id}-file`, name: 'file', type: 'file', accept: 'application/pdf,image/jpeg,image/png', 'aria-describedby': `${id}-hint`, required: '' } });
  const alert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
  const submit = button('memberConsents.form.submit', undefined, { type: 'submit', className: 'button button-primary' });
  const f = el('form', { className: 'form signed-form', attrs: { id, novalidate: '' } }, [
    el('h3', { text: 'memberConsents.form.heading', params: { name: m.name } }),
    el('div', { className: 'field' }, [el('label', { text: 'memberConsents.form.scope', attrs: { for: `${id}-scope` } }), scope]),
    el('div', { className: 'field' }, [
      el('label', { text: 'memberConsents.form.file', attrs: { for: `${id}-file` } }),
      el('p', { className: 'hint', text: 'memberConsents.form.fileHint', attrs: { id: `${id}-hint` } }),
      file,
    ]),
    alert,
    el('div', { className: 'form-actions' }, [submit]),
  ]);
  f.addEventListener('submit', (event) => {
    event.preventDefault();
    alert.replaceChildren();
    const chosen = file.files?.[0];
    if (!chosen) {
      alert.replaceChildren(el('p', { text: 'memberConsents.form.fileRequired' }));
      file.focus();
      return;
    }
    const body = new FormData();
    body.append('scope', scope.value);
    body.append('file', chosen, chosen.name);
    ctx.api
      .post(apiPath`/api/accounts/${m.accountId}/consent-forms`, body)
      .then(() => {
        ctx.announce('memberConsents.form.done', { name: m.name });
        reload();
      })
      .catch((error: unknown) => alert.replaceChildren(...errorParagraphs(error)));
  });
  return f;
}

function memberCard(ctx: AppContext, m: MemberConsent, reload: () => void): HTMLElement {
  const rows = m.scopes.map((s) => {
    const missing = missingLabel(s.missing);
    return el('tr', { attrs: { 'data-scope': s.scope } }, [
      el('th', { text: scopeLabel(s.scope), attrs: { scope: 'row' } }),
      el('td', {}, [el('span', { className: `badge badge-${stateTone(s.state)}`, text: stateKeys[s.state] ?? 'memberConsents.state.unknown' })]),
      missing ? el('td', { className: 'missing', text: missing }) : el('td', { className: 'missing', text: 'memberConsents.missing.nothing' }),
    ]);
  });
  const headingId = `member-${m.accountId}`;
  const form = signedFormForm(ctx, m, reload);
  return el('li', { className: 'member-consent', attrs: { 'data-account': m.accountId, 'aria-labelledby': headingId } }, [
    plain('h2', m.name, { attrs: { id: headingId } }),
    guardianLine(m.guardian),
    el('table', { className: 'table consent-table' }, [
      el('caption', { className: 'visually-hidden', text: 'memberConsents.caption', params: { name: m.name } }),
      el('thead', {}, [
        el('tr', {}, [
          el('th', { text: 'memberConsents.colScope', attrs: { scope: 'col' } }),
          el('th', { text: 'memberConsents.colState', attrs: { scope: 'col' } }),
          el('th', { text: 'memberConsents.colMissing', attrs: { scope: 'col' } }),
        ]),
      ]),
      el('tbody', {}, rows),
    ]),
    ...(form ? [form] : []),
  ]);
}

export function memberConsentsPage(ctx: AppContext, params: RouteParams): Page {
  const panelId = params.id ?? '';
  const page: AsyncPage = asyncPage('memberConsents.heading', 'member-consents-page');
  const load = async (): Promise<void> => {
    if (!(await signedInOrPrompt(ctx, page))) return;
    const [{ panel }, { members }] = await Promise.all([
      ctx.api.get<{ panel: Panel }>(apiPath`/api/panels/${panelId}`),
      ctx.api.get<Reply<'/api/panels/{panelId}/consents', 'get'>>(apiPath`/api/panels/${panelId}/consents`),
    ]);
    const reload = () => void load().catch((error: unknown) => showProblem(page, error));
    setText(page.heading, 'memberConsents.headingOf', { panel: panel.name });
    fill(page.body, [
      el('p', { className: 'lead', text: 'memberConsents.lead' }),
      members.length
        ? el('ul', { className: 'member-consents' }, members.map((m) => memberCard(ctx, m, reload)))
        : section('no-members', 'memberConsents.noneHeading', [el('p', { text: 'memberConsents.none' })]),
    ]);
  };
  void load().catch((error: unknown) => showProblem(page, error, { forbidden: 'memberConsents.forbiddenHint' }));
  return page;
}
