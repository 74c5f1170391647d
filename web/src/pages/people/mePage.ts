// /me: my account. For young people: what is still missing before they can
// join their group, each consent with its state and a plain explanation,
// yes / take back (two clicks), the guardian section, the history; for
// everyone: export, sign out everywhere, erase the account.
import { ApiError } from '../../api';
import type { AppContext } from '../../context';
import { el, plain } from '../../dom';
import { getLanguage, isLang, onLanguageChange, setLanguage } from '../../i18n';
import {
  guardianStatusKey,
  managedByKey,
  missingSteps,
  needsGuardianSection,
  stateKey,
  stateTone,
  youthActions,
} from '../../people/consentText';
import type { ConsentRecord, Me, MyConsents, YouthScope } from '../../people/types';
import { hasRole } from '../../session';
import type { Page } from '../../router';
import { confirmDialog } from '../../ui/dialog';
import { saveBlob } from '../../ui/download';
import { button, errorParagraphs, field, form } from '../../ui/form';
import { asyncPage, fill, routeLink, section, showProblem, signedInOrPrompt, timeEl, type AsyncPage } from './common';
import { emailField, languageOptions } from './fields';

export function mePage(ctx: AppContext): Page {
  const page = asyncPage('me.heading', 'me-page');
  const load = async (focusId?: string) => {
    const me = await signedInOrPrompt(ctx, page);
    if (!me) return;
    let consents: MyConsents | null = null;
    try {
      const got = await ctx.api.get<MyConsents>('/api/me/consents');
      // An empty list may come as null.
      consents = { ...got, scopes: got.scopes ?? [], history: got.history ?? [] };
    } catch (error) {
      if (error instanceof ApiError && error.kind === 'unauthorized') {
        ctx.session.ended();
        await signedInOrPrompt(ctx, page);
        return;
      }
      if (!(error instanceof ApiError) || (error.kind !== 'forbidden' && error.kind !== 'not_found')) throw error;
    }
    render(ctx, page, me, consents, reload);
    if (focusId) document.getElementById(focusId)?.focus();
  };
  const reload = async (focusId?: string) => {
    // Me (canEnterWorkspace, guardian status) changes with every consent.
    await ctx.session.load();
    await load(focusId);
  };
  const fail = (error: unknown) => showProblem(page, error, { other: 'me.errorHint' });
  void load().catch(fail);
  // Scope names and texts come from the server in the UI language: fetch them again after a switch.
  page.life.onDispose(onLanguageChange(() => void load().catch(fail)));
  return page;
}

type Reload = (focusId?: string) => Promise<void>;

function render(ctx: AppContext, page: AsyncPage, me: Me, consents: MyConsents | null, reload: Reload): void {
  const youth = hasRole(me, 'youth', 'ambassador') || me.band !== 'adult';
  const parts: Node[] = [];
  if (youth) parts.push(entryBox(me, consents));
  parts.push(aboutMe(me), languageSection(ctx));
  // Consent cards speak to young people ("You join a youth panel…"): staff accounts have none to give.
  if (youth && consents && consents.scopes.length > 0) parts.push(consentSection(ctx, page, consents, reload));
  if (needsGuardianSection(me) || (consents && consents.guardian !== 'none')) parts.push(guardianSection(ctx, consents?.guardian ?? me.guardian, reload));
  if (consents && consents.history.length > 0) parts.push(historySection(consents));
  parts.push(dataSection(ctx), signOutSection(ctx), eraseSection(ctx, page));
  fill(page.body, parts);
}

/** "You can join your group" or "Before you can join your group" with the steps. */
function entryBox(me: Me, consents: MyConsents | null): HTMLElement {
  const steps = missingSteps(me, consents);
  if (steps.length === 0) {
    const group = me.memberships.find((m) => m.groupId);
    return el('div', { className: 'entry-box entry-ready', attrs: { id: 'entry' } }, [
      el('p', { className: 'entry-title', text: 'me.ready' }),
      ...(group?.groupId
        ? [el('p', {}, [routeLink(`/groups/${encodeURIComponent(group.groupId)}`, 'me.goToGroup', { group: group.groupName ?? '' }, 'button button-primary')])]
        : []),
    ]);
  }
  return section('missing', 'missing.heading', [
    el('p', { text: 'missing.lead' }),
    el('ul', { className: 'steps' }, steps.map((key) => el('li', { text: key }))),
  ]);
}

function aboutMe(me: Me): HTMLElement {
  return section('about-me', 'me.aboutHeading', [
    el('dl', { className: 'facts' }, [
      el('dt', { text: 'form.name' }),
      plain('dd', me.account.displayName),
      el('dt', { text: 'form.email' }),
      plain('dd', me.account.email),
      ...(me.account.country ? [el('dt', { text: 'form.country' }), el('dd', { region: me.account.country })] : []),
    ]),
  ]);
}

/** The account's language: e-mails, and what Chorus opens in after sign-in. Saving switches the page too. */
function languageSection(ctx: AppContext): HTMLElement {
  const me = ctx.session.me;
  const language = field(
    { name: 'language', label: 'me.languageLabel', type: 'select', options: languageOptions(), value: me && isLang(me.account.language) ? me.account.language : getLanguage(), hint: 'me.languageHint' },
    'me-',
  );
  const f = form({
    id: 'language-form',
    fields: [language],
    submit: 'me.languageSave',
    onSubmit: async () => {
      const { me: updated } = await ctx.api.put<{ me: Me }>('/api/me/language', { language: language.value });
      ctx.session.signedIn(updated);
      if (isLang(language.value)) setLanguage(language.value);
      ctx.announce('me.languageSaved');
    },
  });
  return section('account-language', 'me.languageHeading', [f.element]);
}

function consentSection(ctx: AppContext, page: AsyncPage, consents: MyConsents, reload: Reload): HTMLElement {
  const cards = consents.scopes.map((scope) => scopeCard(ctx, page, scope, consents.history, reload));
  return section('consents', 'consent.heading', [el('p', { text: 'consent.lead' }), el('ul', { className: 'scope-list' }, cards)]);
}

function scopeCard(ctx: AppContext, page: AsyncPage, scope: YouthScope, history: readonly ConsentRecord[], reload: Reload): HTMLElement {
  const headingId = `scope-${scope.scope}`;
  const actions = youthActions(scope, history);
  const alert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
  const act = async (action: 'grant' | 'withdraw') => {
    alert.replaceChildren();
    try {
      await ctx.api.post(`/api/me/consents/${encodeURIComponent(scope.scope)}/${action}`);
    } catch (error) {
      alert.replaceChildren(...errorParagraphs(error));
      return;
    }
    await reload(headingId);
    ctx.announce(action === 'grant' ? 'consent.granted' : 'consent.withdrawn', { scope: scope.name });
  };
  const buttons: HTMLElement[] = [];
  if (actions.grant) {
    const b = button('consent.grant', () => void act('grant'), { className: 'button button-primary' });
    b.setAttribute('aria-describedby', headingId);
    buttons.push(b);
  }
  if (actions.withdraw) {
    const b = button('consent.withdraw', () => {
      void confirmDialog({
        host: page.element,
        heading: 'consent.withdrawHeading',
        text: 'consent.withdrawText',
        params: { scope: scope.name },
        confirm: 'consent.withdrawConfirm',
      }).then((yes) => (yes ? act('withdraw') : undefined));
    });
    b.setAttribute('aria-describedby', headingId);
    buttons.push(b);
  }
  return el('li', { className: 'scope-card', attrs: { 'data-scope': scope.scope } }, [
    plain('h3', scope.name, { attrs: { id: headingId, tabindex: '-1' } }),
    el('p', { className: 'scope-state' }, [
      el('span', { className: `badge badge-${stateTone(scope.state)}`, text: stateKey(scope.state) }),
      el('span', { className: 'scope-manager', text: managedByKey(scope.managedBy) }),
    ]),
    plain('p', scope.youthText),
    alert,
    ...(buttons.length ? [el('div', { className: 'form-actions' }, buttons)] : []),
  ]);
}

function guardianSection(ctx: AppContext, status: string, reload: Reload): HTMLElement {
  const state = el('p', { className: `guardian-status guardian-${status}`, text: guardianStatusKey(status), attrs: { id: 'guardian-status' } });
  const children: Node[] = [state, el('p', { text: 'guardian.youthExplain' })];
  if (status !== 'approved') {
    const email = emailField('guardian-', { label: 'guardian.emailLabel', autocomplete: 'off' });
    const f = form({
      id: 'guardian-form',
      fields: [email],
      submit: status === 'none' ? 'guardian.send' : 'guardian.sendAgain',
      onSubmit: async () => {
        await ctx.api.post('/api/me/guardian', { email: email.value.trim() });
        await reload('guardian-status');
        ctx.announce('guardian.sent');
      },
    });
    children.push(f.element);
  }
  return section('guardian', 'guardian.heading', children);
}

function historySection(consents: MyConsents): HTMLElement {
  const names = new Map(consents.scopes.map((s) => [s.scope, s.name]));
  const items = [...consents.history]
    .sort((a, b) => Date.parse(b.time) - Date.parse(a.time))
    .map((record) =>
      el('li', {}, [
        timeEl(record.time),
        document.createTextNode(' '),
        el('span', {
          text: historyKey(record),
          params: { scope: names.get(record.scope) ?? record.scope },
        }),
      ]),
    );
  return section('history', 'history.heading', [el('ul', { className: 'history' }, items)]);
}

/** "You said yes to …", "Your parent or carer took back …". */
export function historyKey(record: Pick<ConsentRecord, 'action' | 'actor'>): 'history.selfGranted' | 'history.selfWithdrawn' | 'history.guardianGranted' | 'history.guardianWithdrawn' {
  if (record.actor === 'guardian') return record.action === 'granted' ? 'history.guardianGranted' : 'history.guardianWithdrawn';
  return record.action === 'granted' ? 'history.selfGranted' : 'history.selfWithdrawn';
}

function dataSection(ctx: AppContext): HTMLElement {
  const alert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
  const get = async (path: string, fallbackName: string) => {
    alert.replaceChildren();
    try {
      const { blob, fileName } = await ctx.api.download(path);
      saveBlob(blob, fileName ?? fallbackName);
      ctx.announce('data.downloaded');
    } catch (error) {
      alert.replaceChildren(...errorParagraphs(error));
    }
  };
  return section('my-data', 'data.heading', [
    el('p', { text: 'data.lead' }),
    el('div', { className: 'form-actions' }, [
      button('data.exportConsents', () => void get('/api/me/consents/export', 'chorus-consent-record.json')),
      button('data.exportAll', () => void get('/api/me/export', 'chorus-my-data.zip')),
    ]),
    alert,
  ]);
}

function signOutSection(ctx: AppContext): HTMLElement {
  const alert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
  return section('sign-out-all', 'signOutAll.heading', [
    el('p', { text: 'signOutAll.lead' }),
    el('div', { className: 'form-actions' }, [
      button('signOutAll.button', () => {
        ctx.session
          .signOutEverywhere()
          .then(() => {
            ctx.navigate('/signin');
            ctx.announce('signOutAll.done');
          })
          .catch((error: unknown) => alert.replaceChildren(...errorParagraphs(error)));
      }),
    ]),
    alert,
  ]);
}

function eraseSection(ctx: AppContext, page: AsyncPage): HTMLElement {
  const password = field(
    { name: 'password', label: 'erase.password', type: 'password', autocomplete: 'current-password', check: (x) => (x === '' ? 'form.error.passwordRequired' : null) },
    'erase-',
  );
  const f = form({
    id: 'erase-form',
    fields: [password],
    submit: 'erase.button',
    className: 'danger-zone',
    onSubmit: async () => {
      const yes = await confirmDialog({ host: page.element, heading: 'erase.confirmHeading', text: 'erase.confirmText', confirm: 'erase.confirm' });
      if (!yes) return;
      await ctx.api.post('/api/me/erase', { password: password.value });
      ctx.session.ended();
      ctx.navigate('/');
      ctx.announce('erase.done');
    },
  });
  return section('erase', 'erase.heading', [el('p', { text: 'erase.lead' }), f.element]);
}

