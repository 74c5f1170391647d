// /rounds: the feedback rounds one takes part in. Partners: the rounds
// their organisation is asked to answer, with what is due and when.
// Everyone else: the rounds of their panels; coordinators also open a new
// round on a published pledge from here.
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain } from '../../dom';
import type { PublishedPledge } from '../../pledges/types';
import type { PartnerHome, Round } from '../../rounds/types';
import type { Page } from '../../router';
import { hasRole } from '../../session';
import { asyncPage, fill, routeLink, section, showProblem, signedInOrPrompt, timeEl } from '../people/common';

/** One round in a list: its title (a link), state, deadline, and for partners what is still to answer. */
export function roundLine(r: Round, partner: boolean): HTMLLIElement {
  const deadline = partner && r.me?.deadline ? r.me.deadline : r.deadline;
  const parts: Node[] = [
    plain('a', r.title, { attrs: { href: apiPath`/rounds/${r.id}`, 'data-route': '', lang: r.language } }),
    document.createTextNode(' · '),
    el('span', { className: 'badge', text: r.state === 'open' ? 'round.stateOpen' : 'round.stateClosed' }),
  ];
  if (r.state === 'open') parts.push(document.createTextNode(' · '), el('span', { text: 'round.deadline' }), document.createTextNode(' '), timeEl(deadline));
  if (partner && r.state === 'open' && r.me?.unanswered !== undefined) parts.push(document.createTextNode(' · '), el('span', { text: 'roundPartner.unanswered', params: { n: r.me.unanswered } }));
  if (r.review) parts.push(document.createTextNode(' · '), el('span', { text: 'roundCommon.reviewDue' }), document.createTextNode(' '), timeEl(r.review.dueAt));
  return el('li', { className: 'round-line' }, parts);
}

export function roundsPage(ctx: AppContext): Page {
  const page = asyncPage('roundList.heading', 'rounds-page');
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
