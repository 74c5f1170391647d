// /pledges: the pledges of every group I belong to, with "New pledge" in
// each; signed out, an invitation to sign in.
import type { AppContext } from '../../context';
import { el } from '../../dom';
import type { Page } from '../../router';
import { asyncPage, fill, routeLink, section, showProblem } from '../people/common';
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
    const groups = state.me.memberships.filter((m) => m.groupId);
    if (groups.length === 0) {
      fill(page.body, [el('p', { className: 'lead', text: 'pledges.noGroup' })]);
      return;
    }
    fill(
      page.body,
      groups.map((m) => section(`pledges-${m.groupId ?? ''}`, 'pledges.groupHeading', [groupPledges(ctx, m.groupId ?? '')], { group: m.groupName ?? '' })),
    );
  };
  void load().catch((error: unknown) => showProblem(page, error));
  return page;
}
