// Live sessions of a panel: /panels/:id/sessions lists the sessions the
// caller may see (partners: those their organisation is invited to), each
// linking to /sessions/:id; moderators and coordinators of the panel also get
// a form to schedule one (title, date and time in their own time zone,
// partner organisations to invite). /sessions (the menu entry) lists the
// caller's panels with their sessions.
import { ApiError, apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain, setText } from '../../dom';
import type { MessageKey } from '../../i18n';
import { byStart, checkStart, checkTitle, maxTitle, scheduleRequest } from '../../livesession/schedule';
import type { LiveSession } from '../../livesession/types';
import type { Schemas } from '../../openapi/types';
import type { Me, Panel, PanelDetail } from '../../people/types';
import { hasRole } from '../../session';
import type { Page, RouteParams } from '../../router';
import { field, form, type Field } from '../../ui/form';
import { asyncPage, fill, routeLink, section, showProblem, signedInOrPrompt, timeEl } from '../people/common';

/** A panel's sessions the caller may see; for whoever may schedule, every partner organisation they may invite. */
export type SessionList = Schemas['LiveSessionList'];

/** Young people are spoken to as "tu"/"du", adults as "vous"/"Sie". */
const leadKey = (me: Me): MessageKey => (hasRole(me, 'youth', 'ambassador') ? 'sessions.lead' : 'sessions.leadAdult');

const sessionPath = (id: string) => `/sessions/${encodeURIComponent(id)}`;
const panelSessionsPath = (panelId: string) => `/panels/${encodeURIComponent(panelId)}/sessions`;

/** One session: its title as a link, when it starts, the partners invited. */
function sessionItem(s: LiveSession): HTMLLIElement {
  const parts: Node[] = [
    el('p', { className: 'entry-title' }, [plain('a', s.title, { attrs: { href: sessionPath(s.id), 'data-route': '' } })]),
    el('p', {}, [el('span', { text: 'session.startsAt' }), document.createTextNode(' '), timeEl(s.startsAt)]),
  ];
  if (s.organisations.length) {
    parts.push(el('p', {}, [el('span', { text: 'sessions.partners' }), document.createTextNode(' '), plain('span', s.organisations.map((o) => o.name).join(', '))]));
  }
  return el('li', { className: 'card session-card', attrs: { 'data-id': s.id } }, parts);
}

/** The list of sessions, earliest first, or a line saying there are none. */
export function sessionList(sessions: readonly LiveSession[], labelledBy: string): HTMLElement {
  if (sessions.length === 0) return el('p', { className: 'sessions-none', text: 'sessions.none' });
  return el('ul', { className: 'card-list session-list', attrs: { 'aria-labelledby': labelledBy } }, byStart(sessions).map(sessionItem));
}

function scheduleSection(
  ctx: AppContext,
  panelId: string,
  orgs: { id: string; name: string }[],
  scheduled: (s: LiveSession) => void,
): HTMLElement {
  const title = field(
    { name: 'title', label: 'sessions.titleLabel', hint: 'sessions.titleHint', hintParams: { n: maxTitle }, check: checkTitle, attrs: { maxlength: String(maxTitle) } },
    'new-session-',
  );
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  const when = field(
    { name: 'when', label: 'sessions.whenLabel', type: 'datetime-local', hint: zone ? 'sessions.whenHintZone' : 'sessions.whenHint', hintParams: { zone }, check: (v) => checkStart(v) },
    'new-session-',
  );
  const boxes: Field[] = orgs.map((o) =>
    field({ name: `org-${o.id}`, labelText: o.name, type: 'checkbox', attrs: { value: o.id } }, 'new-session-'),
  );
  const partnerParts: Node[] = [el('legend', { text: 'sessions.partnersLegend' })];
  if (boxes.length === 0) partnerParts.push(el('p', { className: 'field-hint', text: 'sessions.partnersNone' }));
  partnerParts.push(...boxes.map((b) => b.element));
  const partners = el('fieldset', { className: 'field-group' }, partnerParts);

  const done = el('div', { className: 'entry-box entry-ready session-scheduled', attrs: { id: 'session-scheduled', tabindex: '-1', hidden: '' } });
  const f = form({
    id: 'schedule-session-form',
    fields: [title, when],
    submit: 'sessions.schedule',
    onSubmit: async () => {
      const request = scheduleRequest({ title: title.value, when: when.value, organisationIds: boxes.filter((b) => b.checked).map((b) => b.control.value) });
      if (!request.ok) {
        title.showError(request.errors.title);
        when.showError(request.errors.when);
        (request.errors.title ? title : when).control.focus();
        return;
      }
      const { session } = await ctx.api.post<{ session: LiveSession }>(apiPath`/api/panels/${panelId}/sessions`, request.body);
      scheduled(session);
      for (const input of [title.control, when.control]) input.value = '';
      for (const b of boxes) if (b.control instanceof HTMLInputElement) b.control.checked = false;
      done.replaceChildren(
        el('p', { text: 'sessions.scheduled', params: { title: session.title } }),
        el('p', {}, [el('a', { text: 'sessions.openNew', params: { title: session.title }, attrs: { href: sessionPath(session.id), 'data-route': '' } })]),
      );
      done.hidden = false;
      done.focus();
    },
  });
  f.element.insertBefore(partners, f.element.querySelector('.form-error'));
  return section('schedule-session', 'sessions.scheduleHeading', [done, f.element]);
}

export function panelSessionsPage(ctx: AppContext, params: RouteParams): Page {
  const page = asyncPage('sessions.heading', 'panel-sessions-page');
  const panelId = params.id ?? '';
  const load = async () => {
    const me = await signedInOrPrompt(ctx, page);
    if (!me) return;
    const [detail, list] = await Promise.all([
      ctx.api.get<PanelDetail>(apiPath`/api/panels/${panelId}`),
      ctx.api.get<SessionList>(apiPath`/api/panels/${panelId}/sessions`),
    ]);
    const sessions = [...list.sessions];
    const canSchedule = list.can.schedule;
    const choices = canSchedule ? [...(list.invitable ?? [])].sort((a, b) => a.name.localeCompare(b.name)) : null;
    setText(page.heading, 'sessions.headingPanel', { panel: detail.panel.name });
    const listSection = section('session-list', 'sessions.listHeading', [sessionList(sessions, 'session-list-heading')]);
    const showList = () => {
      listSection.replaceChildren(...[...listSection.children].slice(0, 1), sessionList(sessions, 'session-list-heading'));
    };
    const parts: Node[] = [
      el('p', { className: 'lead', text: canSchedule ? 'sessions.leadStaff' : leadKey(me) }),
      listSection,
    ];
    if (choices) {
      parts.push(
        scheduleSection(ctx, panelId, choices, (s) => {
          sessions.push(s);
          showList();
        }),
      );
    }
    parts.push(el('p', {}, [routeLink(`/panels/${encodeURIComponent(panelId)}`, 'sessions.backToPanel', { panel: detail.panel.name })]));
    fill(page.body, parts);
  };
  void load().catch((error: unknown) => showProblem(page, error, { link: 'panel.notFoundHint', forbidden: 'sessions.forbiddenHint' }));
  return page;
}

/** /sessions: every panel of mine with the sessions I may join. */
export function mySessionsPage(ctx: AppContext): Page {
  const page = asyncPage('sessions.heading', 'my-sessions-page');
  const load = async () => {
    const me = await signedInOrPrompt(ctx, page);
    if (!me) return;
    const { panels } = await ctx.api.get<{ panels: Panel[] }>('/api/panels');
    if (panels.length === 0) {
      fill(page.body, [el('p', { className: 'lead', text: 'sessions.noPanels' })]);
      return;
    }
    const lists = await Promise.all(
      panels.map((p) =>
        ctx.api.get<SessionList>(apiPath`/api/panels/${p.id}/sessions`).catch((error: unknown) => {
          if (error instanceof ApiError && error.kind === 'forbidden') return null;
          throw error;
        }),
      ),
    );
    const parts: Node[] = [el('p', { className: 'lead', text: leadKey(me) })];
    panels.forEach((p, i) => {
      const list = lists[i];
      if (!list) return;
      const id = `panel-sessions-${i}`;
      const heading = plain('h2', p.name, { attrs: { id: `${id}-heading`, tabindex: '-1' } });
      const more = routeLink(panelSessionsPath(p.id), list.can.schedule ? 'sessions.scheduleLink' : 'sessions.panelLink', { panel: p.name });
      parts.push(el('section', { className: 'section panel-sessions', attrs: { id, 'aria-labelledby': heading.id } }, [heading, sessionList(list.sessions, heading.id), el('p', {}, [more])]));
    });
    fill(page.body, parts);
  };
  void load().catch((error: unknown) => showProblem(page, error));
  return page;
}
