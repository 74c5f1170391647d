// /rounds: the feedback rounds one takes part in. Partners: the rounds
// their organisation is asked to answer, with what is due and when.
// Everyone else: the rounds of their panels; coordinators also open a new
// round on a published pledge from here.
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el } from '../../dom';
import { roundLine } from './marks';
import type { PublishedPledge } from '../../pledges/types';
import type { PartnerHome, Round } from '../../rounds/types';
import type { Page } from '../../router';
import { hasRole } from '../../session';
import { asyncPage, fill, routeLink, section, showProblem, signedInOrPrompt, type AsyncPage } from '../people/common';

export function roundsPage(ctx: AppContext, page: AsyncPage = asyncPage('roundList.heading', 'rounds-page')): Page {
  const load = async () => {
    const me = await signedInOrPrompt(ctx, page);
    if (!me) return;
    const partner = hasRole(me, 'partner') && !hasRole(me, 'youth', 'ambassador', 'moderator', 'coordinator');
    let rounds: Round[];
    if (partner) rounds = (await ctx.api.get<PartnerHome>('/api/partner/home')).rounds ?? [];
    else {
      const panels = [...new Set(me.memberships.map((m) => m.panelId).filter((p): p is string => !!p))];
      rounds = (await Promise.all(panels.map((p) => ctx.api.get<{ rounds: Round[] }>(apiPath`/api/panels/${p}/rounds`).then((r) => r.rounds ?? [])))).flat();
    }
    const parts: Node[] = [
      el('p', { className: 'lead', text: partner ? 'roundList.leadPartner' : 'roundList.lead' }),
      section('round-list', 'roundList.listHeading', [rounds.length ? el('ul', { className: 'link-list round-list' }, rounds.map((r) => roundLine(r, partner))) : el('p', { text: 'roundList.none' })]),
    ];
    if (hasRole(me, 'coordinator')) {
      const published = await ctx.api.get<{ pledges: PublishedPledge[] }>('/api/published-pledges').then((r) => r.pledges ?? []).catch(() => [] as PublishedPledge[]);
      parts.push(
        section('round-new', 'roundList.openHeading', [
          published.length
            ? el('ul', { className: 'link-list' }, published.map((p) => el('li', {}, [routeLink(apiPath`/pledges/${p.id}/rounds/new`, 'roundList.openFor', { title: p.title })])))
            : el('p', { text: 'roundList.nothingPublished' }),
        ]),
      );
    }
    fill(page.body, parts);
  };
  void load().catch((error: unknown) => showProblem(page, error));
  return page;
}
