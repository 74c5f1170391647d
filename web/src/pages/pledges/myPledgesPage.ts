// /pledges: the pledges of every group I belong to, with "New pledge" in
// each; signed out, an invitation to sign in.
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el } from '../../dom';
import { pledgeLanguage } from '../../people/languageDefaults';
import type { GroupDetail } from '../../people/types';
import type { PublishedPledge } from '../../pledges/types';
import { hasRole } from '../../session';
import type { Page } from '../../router';
import { asyncPage, fill, routeLink, section, showProblem } from '../people/common';
import { pledgeList } from '../home/partnerHome';
import { groupPledges } from './groupPledges';

export function myPledgesPage(ctx: AppContext): Page {
  const page = asyncPage('pledges.heading', 'pledges-page');
  const load = async () => {
    const state = await ctx.session.ready();
    if (!state.signedIn) {
      fill(page.body, [
        el('p', { className: 'lead', text: 'pledges.text' }),
        el('p', {}, [routeLink('/signin?next=%2Fpledges', 'signin.link', undefined, 'button button-primary')]),
      ]);
      return;
    }
    const me = state.me;
    const groups = me.memberships.filter((m) => m.groupId && m.role !== 'partner');
    if (groups.length === 0 && hasRole(me, 'partner')) {
      // Partners write no pledges: they read the ones published to them (issue 12).
      const { pledges } = await ctx.api.get<{ pledges: PublishedPledge[] }>('/api/published-pledges');
      fill(page.body, [section('partner-pledges', 'partnerHome.pledgesHeading', [pledgeList(pledges ?? [])])]);
      return;
    }
    if (groups.length === 0) {
      fill(page.body, [el('p', { className: 'lead', text: 'pledges.noGroup' })]);
      return;
    }
    if (hasRole(me, 'youth', 'ambassador') && !me.canEnterWorkspace) {
      // One clear state: not yet, and where to see what is missing (no form that cannot work).
      fill(page.body, [
        el('p', { className: 'lead', text: 'pledges.notYet' }),
        el('p', {}, [routeLink('/me', 'group.toMe', undefined, 'button button-primary')]),
      ]);
      return;
    }
    const sections = await Promise.all(
      groups.map(async (m) => {
        const groupId = m.groupId ?? '';
        // The panel's languages come with the group; without them the person's own language.
        const detail = await ctx.api.get<GroupDetail>(apiPath`/api/groups/${groupId}`).catch(() => null);
        const start = pledgeLanguage(detail?.panelLanguages, me.account.language);
        return section(`pledges-${groupId}`, 'pledges.groupHeading', [groupPledges(ctx, groupId, start)], { group: m.groupName ?? '' });
      }),
    );
    fill(page.body, sections);
  };
  void load().catch((error: unknown) => showProblem(page, error));
  return page;
}
