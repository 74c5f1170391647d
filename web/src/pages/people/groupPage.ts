// /groups/:id: the entry to a group's workspace: its name, members and who
// can see the space (safeguarding rule 8). A young person without the
// consent to take part is refused by the server; the page says why, kindly,
// and what to do.
import { ApiError, apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain, setPlainText, setText } from '../../dom';
import { roleKey, watcherNamedLines } from '../../people/consentText';
import { pledgeLanguage } from '../../people/languageDefaults';
import type { GroupDetail } from '../../people/types';
import { hasRole } from '../../session';
import type { Page, RouteParams } from '../../router';
import { errorParagraphs } from '../../ui/form';
import { groupPledges } from '../pledges/groupPledges';
import { asyncPage, fill, routeLink, section, showProblem, signedInOrPrompt, type AsyncPage } from './common';

export function groupPage(ctx: AppContext, params: RouteParams): Page {
  const page = asyncPage('group.heading', 'group-page');
  const id = params.id ?? '';
  const load = async () => {
    const me = await signedInOrPrompt(ctx, page);
    if (!me) return;
    try {
      const detail = await ctx.api.get<GroupDetail>(apiPath`/api/groups/${id}`);
      renderGroup(ctx, page, detail, pledgeLanguage(detail.panelLanguages, me.account.language));
    } catch (error) {
      if (error instanceof ApiError && error.kind === 'forbidden') {
        refused(page, error, hasRole(me, 'youth', 'ambassador') || me.band !== 'adult');
        // Me may be out of date (a guardian just withdrew): the header and /me follow the server.
        void ctx.session.load();
        return;
      }
      showProblem(page, error, { link: 'group.notFoundHint' });
    }
  };
  void load().catch((error: unknown) => showProblem(page, error));
  return page;
}

/** The kind refusal: the server's own explanation, then what to do. */
function refused(page: AsyncPage, error: ApiError, youth: boolean): void {
  setText(page.heading, 'group.refusedHeading');
  fill(page.body, [
    el('div', { className: 'problem refused' }, [
      ...errorParagraphs(error),
      el('p', { className: 'problem-hint', text: youth ? 'group.refusedYouth' : 'group.refusedAdult' }),
      el('p', {}, [youth ? routeLink('/me', 'group.toMe', undefined, 'button button-primary') : routeLink('/', 'soon.back')]),
    ]),
  ]);
}

function renderGroup(ctx: AppContext, page: AsyncPage, detail: GroupDetail, startLanguage: string): void {
  setPlainText(page.heading, detail.group.name);
  const members = el(
    'ul',
    { className: 'member-list' },
    detail.members.map((m) => el('li', {}, [plain('span', m.name, { className: 'member-name' }), document.createTextNode(' · '), el('span', { text: roleKey(m.role) })])),
  );
  const watchers = watcherNamedLines(detail.watchers);
  fill(page.body, [
    el('p', { className: 'lead' }, [el('span', { text: 'group.panel' }), document.createTextNode(' '), plain('span', detail.panelName)]),
    section('who-can-see', 'group.watchersHeading', [
      el('p', { text: 'group.watchersLead' }),
      el(
        'ul',
        { className: 'watcher-list' },
        watchers.length ? watchers.map((w) => el('li', { text: w.key, params: w.params })) : [el('li', { text: 'group.watchersOnlyGroup' })],
      ),
    ]),
    section('group-members', 'group.membersHeading', [members]),
    groupPledges(ctx, detail.group.id, startLanguage, { canStart: detail.can?.startPledge !== false, hasModerator: detail.hasModerator !== false }),
  ]);
}
