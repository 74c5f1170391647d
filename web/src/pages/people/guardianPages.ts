// The guardian's pages, reached from links in e-mails, without an account:
// /guardian/:token to decide for the first time, /guardian/manage/:token to
// change any decision later, see the history, export the child's data and
// ask for deletion. The page speaks the child's language (from the API).
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain, setText } from '../../dom';
import { getLanguage, isLang, setLanguage } from '../../i18n';
import { formatTime } from '../../i18n/format';
import { guardianStateKey, stateTone } from '../../people/consentText';
import type { GuardianScope, GuardianView } from '../../people/types';
import * as v from '../../people/validation';
import type { Page, RouteParams } from '../../router';
import { confirmDialog } from '../../ui/dialog';
import { saveBlob } from '../../ui/download';
import { button, errorParagraphs, field, form } from '../../ui/form';
import { asyncPage, fill, section, showProblem, timeEl, type AsyncPage } from './common';

/** Lists may come as null when empty. */
function normalise(view: GuardianView): GuardianView {
  return { ...view, scopes: view.scopes ?? [], history: view.history ?? [] };
}

function useChildLanguage(view: GuardianView): void {
  if (isLang(view.language) && view.language !== getLanguage()) setLanguage(view.language, { remember: false });
}

const intro = (): HTMLElement[] => [
  el('p', { className: 'lead', text: 'guardianPage.intro' }),
  el('p', { text: 'guardianPage.safety' }),
  el('p', { text: 'guardianPage.choose' }),
];

export function guardianPage(ctx: AppContext, params: RouteParams): Page {
  const page = asyncPage('guardianPage.heading', 'guardian-page');
  const token = params.token ?? '';
  ctx.api
    .get<GuardianView>(apiPath`/api/guardian/${token}`)
    .then((got) => {
      const view = normalise(got);
      useChildLanguage(view);
      renderConsentForm(ctx, page, token, view);
    })
    .catch((error: unknown) => showProblem(page, error, { link: 'guardianPage.linkHint', other: 'guardianPage.linkHint' }));
  return page;
}

function renderConsentForm(ctx: AppContext, page: AsyncPage, token: string, view: GuardianView): void {
  const child = view.childFirstName;
  setText(page.heading, 'guardianPage.heading', { child });
  const lang = view.language;
  const boxes = view.scopes
    .filter((s) => s.state !== 'not_allowed')
    .map((s) => ({
      scope: s,
      box: field({ name: `scope-${s.scope}`, labelText: s.name, hintText: s.guardianText, textLang: lang, type: 'checkbox', attrs: { value: s.scope } }, 'g-'),
    }));
  for (const { scope, box } of boxes) {
    if (scope.state === 'granted' && box.control instanceof HTMLInputElement) box.control.checked = true;
  }
  const name = field({ name: 'guardianName', label: 'guardianPage.yourName', autocomplete: 'name', check: v.name, hint: 'guardianPage.yourNameHint', attrs: { maxlength: String(v.maxNameLength) } }, 'g-');
  const choices = el('fieldset', { className: 'field-group scope-choices' }, [
    el('legend', { text: 'guardianPage.choicesLegend', params: { child } }),
    ...boxes.map((b) => b.box.element),
  ]);
  const f = form({
    id: 'guardian-consent-form',
    fields: [name],
    submit: 'guardianPage.confirm',
    before: [choices],
    onSubmit: async () => {
      const grants: Record<string, boolean> = {};
      for (const { scope, box } of boxes) grants[scope.scope] = box.checked;
      try {
        await ctx.api.post(apiPath`/api/guardian/${token}/confirm`, { guardianName: name.value.trim(), grants });
      } catch (error) {
        const kind = (error as { kind?: string }).kind;
        if (kind === 'not_found' || kind === 'gone' || kind === 'conflict') {
          showProblem(page, error, { link: 'guardianPage.linkHint' });
          return;
        }
        throw error;
      }
      setText(page.heading, 'guardianPage.thanksHeading');
      fill(page.body, [el('p', { className: 'lead', text: 'guardianPage.thanks', params: { child } }), el('p', { text: 'guardianPage.thanksManage' })]);
      page.heading.focus();
      ctx.announce('guardianPage.saved');
    },
  });
  fill(page.body, [...intro(), f.element, aboutTheData(view)]);
}

const recipientKeys = { group: 'guardianPage.toGroup', panel: 'guardianPage.toPanel', partners: 'guardianPage.toPartners' } as const;

/** What GDPR Art. 13 asks a guardian be told: who is responsible, and for each item why and who receives it. */
function aboutTheData(view: GuardianView): HTMLElement {
  const lang = view.language;
  const items = view.scopes
    .filter((s) => s.state !== 'not_allowed' && s.purpose)
    .map((s) =>
      el('li', {}, [
        plain('strong', s.name, { attrs: { lang } }),
        plain('p', s.purpose, { attrs: { lang } }),
        el('p', {}, [
          el('span', { text: recipientKeys[s.recipients] }),
          ...(s.partners.length ? [document.createTextNode(' '), plain('span', s.partners.join(', '))] : []),
        ]),
      ]),
    );
  const c = view.controller;
  return section('about-data', 'guardianPage.dataHeading', [
    el('p', { text: c.party_contact ? 'guardianPage.controllerWithContact' : 'guardianPage.controller', params: { name: c.party_name, contact: c.party_contact ?? '' } }),
    el('ul', { className: 'data-purposes' }, items),
    el('p', { text: 'guardianPage.rights' }),
  ]);
}

export function guardianManagePage(ctx: AppContext, params: RouteParams): Page {
  const page = asyncPage('manage.heading', 'guardian-manage-page');
  const token = params.token ?? '';
  const base = apiPath`/api/guardian/manage/${token}`;
  const load = async (focusId?: string) => {
    const view = normalise(await ctx.api.get<GuardianView>(base));
    useChildLanguage(view);
    renderManage(ctx, page, base, view, load);
    if (focusId) document.getElementById(focusId)?.focus();
  };
  void load().catch((error: unknown) => showProblem(page, error, { link: 'manage.linkHint', other: 'manage.linkHint' }));
  return page;
}

type Reload = (focusId?: string) => Promise<void>;

function renderManage(ctx: AppContext, page: AsyncPage, base: string, view: GuardianView, reload: Reload): void {
  const child = view.childFirstName;
  setText(page.heading, 'manage.heading', { child });
  const names = new Map(view.scopes.map((s) => [s.scope, s.name]));
  const cards = view.scopes.map((s) => manageCard(ctx, page, base, s, child, view.language, reload));
  const history = el(
    'ul',
    { className: 'history' },
    [...view.history]
      .sort((a, b) => Date.parse(b.time) - Date.parse(a.time))
      .map((r) =>
        el('li', {}, [
          timeEl(r.time),
          document.createTextNode(' '),
          el('span', {
            text: r.actor === 'guardian' ? (r.action === 'granted' ? 'manage.historyYouGranted' : 'manage.historyYouWithdrew') : r.action === 'granted' ? 'manage.historyChildGranted' : 'manage.historyChildWithdrew',
            params: { scope: names.get(r.scope) ?? r.scope, child },
          }),
        ]),
      ),
  );
  const alert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
  const exportButton = button('manage.export', () => {
    alert.replaceChildren();
    ctx.api
      .download(`${base}/export`)
      .then(({ blob, fileName }) => {
        saveBlob(blob, fileName ?? 'chorus-consent-record.json');
        ctx.announce('data.downloaded');
      })
      .catch((error: unknown) => alert.replaceChildren(...errorParagraphs(error)));
  });
  const deleteButton = button('manage.deletion', () => {
    void confirmDialog({ host: page.element, heading: 'manage.deletionHeading', text: 'manage.deletionText', params: { child }, confirm: 'manage.deletionConfirm' }).then(async (yes) => {
      if (!yes) return;
      alert.replaceChildren();
      try {
        const { dueAt } = await ctx.api.post<{ dueAt: string }>(`${base}/deletion-request`);
        ctx.announce('manage.deletionSent', { child, due: formatTime(dueAt, getLanguage(), 'date') });
      } catch (error) {
        alert.replaceChildren(...errorParagraphs(error));
      }
    });
  }, { className: 'button button-danger' });
  fill(page.body, [
    el('p', { className: 'lead', text: 'manage.intro', params: { child } }),
    el('ul', { className: 'scope-list' }, cards),
    section('manage-history', 'manage.historyHeading', [view.history.length ? history : el('p', { text: 'manage.historyNone' })]),
    section('manage-data', 'manage.dataHeading', [
      el('p', { text: 'manage.dataLead', params: { child } }),
      el('div', { className: 'form-actions' }, [exportButton, deleteButton]),
      alert,
    ]),
  ]);
}

function manageCard(ctx: AppContext, page: AsyncPage, base: string, scope: GuardianScope, child: string, lang: string, reload: Reload): HTMLElement {
  const headingId = `scope-${scope.scope}`;
  const alert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
  const act = async (action: 'grant' | 'withdraw') => {
    alert.replaceChildren();
    try {
      await ctx.api.post(`${base}/scopes/${encodeURIComponent(scope.scope)}/${action}`);
    } catch (error) {
      alert.replaceChildren(...errorParagraphs(error));
      return;
    }
    await reload(headingId);
    ctx.announce(action === 'grant' ? 'manage.granted' : 'manage.withdrawn', { scope: scope.name });
  };
  const held = scope.state === 'granted' || scope.state === 'needs_verification' || scope.state === 'partial';
  const actions: HTMLElement[] = [];
  if (scope.state !== 'not_allowed') {
    const b = held
      ? button('manage.withdraw', () => {
          void confirmDialog({ host: page.element, heading: 'manage.withdrawHeading', text: 'manage.withdrawText', params: { scope: scope.name, child }, confirm: 'manage.withdrawConfirm' }).then((yes) =>
            yes ? act('withdraw') : undefined,
          );
        })
      : button('manage.grant', () => void act('grant'), { className: 'button button-primary' });
    b.setAttribute('aria-describedby', headingId);
    actions.push(b);
  }
  return el('li', { className: 'scope-card', attrs: { 'data-scope': scope.scope } }, [
    plain('h2', scope.name, { attrs: { id: headingId, tabindex: '-1', lang } }),
    el('p', { className: 'scope-state' }, [el('span', { className: `badge badge-${stateTone(scope.state)}`, text: guardianStateKey(scope.state) })]),
    plain('p', scope.guardianText, { attrs: { lang } }),
    alert,
    ...(actions.length ? [el('div', { className: 'form-actions' }, actions)] : []),
  ]);
}
