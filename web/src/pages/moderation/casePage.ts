// /moderation/cases/:id: one case. What it is about (the content in its
// context), its reports and history, and the decisions it allows, each with
// a reason. It follows the panel's moderation topic, so a decision another
// moderator takes meanwhile shows up (unless this one is typing a reason).
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain } from '../../dom';
import { t } from '../../i18n';
import { statusLabel } from '../../moderation/labels';
import type { CaseDetail, ModerationCase } from '../../moderation/types';
import type { PanelDetail } from '../../people/types';
import { LiveConnection } from '../../live/connection';
import type { Page, RouteParams } from '../../router';
import { asyncPage, fill, routeLink, section, showProblem, signedInOrPrompt } from '../people/common';
import { actionsView, type ActionsView } from './actionForm';
import { contentView, factsView, historyView, reportsView, type NameOf } from './caseView';

export function moderationCasePage(ctx: AppContext, params: RouteParams): Page {
  const page = asyncPage('case.heading', 'moderation-case-page');
  const id = params.id ?? '';
  const names = new Map<string, string>();
  let actions: ActionsView | null = null;
  let pending = false;

  const nameOf: NameOf = (accountId) => {
    if (accountId === 'system') return el('span', { text: 'case.system' });
    const name = names.get(accountId);
    return name ? plain('span', name) : el('span', { text: 'case.someone' });
  };

  const render = (detail: CaseDetail, focus?: 'actions') => {
    const c = detail.case;
    if (detail.content?.authorName && c.content.ownerId) names.set(c.content.ownerId, detail.content.authorName);
    actions = actionsView({ api: ctx.api, case: c, can: detail.can, done: (updated) => void decided(updated) });
    fill(page.body, [
      el('p', {}, [routeLink('/moderation', 'case.back')]),
      section('case-facts', 'case.factsHeading', [factsView(c, detail.content, Date.now())]),
      section('case-content', 'case.contentHeading', contentView(c, detail.content)),
      section('case-reports', 'case.reportsHeading', [reportsView(detail.reports ?? [])]),
      section('case-history', 'case.historyHeading', [historyView(c, nameOf)]),
      section('case-actions', 'case.actionsHeading', [actions.element]),
    ]);
    if (focus) document.getElementById('case-actions-heading')?.focus();
  };

  const reload = async (focus?: 'actions') => {
    pending = false;
    const detail = await ctx.api.get<CaseDetail>(apiPath`/api/moderation/cases/${id}`);
    if (!page.life.disposed) render(detail, focus);
    return detail;
  };

  const decided = async (updated: ModerationCase) => {
    ctx.announce('case.done', { status: t(statusLabel(updated.status).key, statusLabel(updated.status).params) });
    await reload('actions').catch((error: unknown) => showProblem(page, error));
  };

  const follow = (panelId: string) => {
    const live = page.life.own(new LiveConnection({
      topic: `moderation:${panelId}`,
      refresh: () => ctx.api.refresh(),
      handlers: {
        onEvent: (ev) => {
          if (ev.data?.caseId !== id) return;
          // Someone else decided: show it, but never throw away a reason being typed.
          if (actions?.busy) pending = true;
          else void reload().catch(() => undefined);
        },
      },
    }));
    live.start();
  };

  const load = async () => {
    const me = await signedInOrPrompt(ctx, page);
    if (!me) return;
    names.set(me.account.id, me.account.displayName);
    const detail = await ctx.api.get<CaseDetail>(apiPath`/api/moderation/cases/${id}`);
    try {
      const panel = await ctx.api.get<PanelDetail>(apiPath`/api/panels/${detail.case.panelId}`);
      for (const m of panel.members ?? []) if (!names.has(m.accountId)) names.set(m.accountId, m.name);
    } catch {
      // Names are a help, not a need: unknown people read "Someone".
    }
    if (page.life.disposed) return;
    render(detail);
    follow(detail.case.panelId);
  };
  void load().catch((error: unknown) => showProblem(page, error, { forbidden: 'queue.notModerator' }));
  page.element.addEventListener('focusout', () => {
    if (pending && !actions?.busy) {
      pending = false;
      void reload().catch(() => undefined);
    }
  });
  return page;
}
