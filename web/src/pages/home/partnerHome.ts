// A partner's home (issue 12): the pledges published to their
// organisation, each opening its published version; where partners meet
// young people, the supervised live sessions. Partners see nothing else of
// a panel (rules 2 and 4).
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain } from '../../dom';
import type { Me } from '../../people/types';
import type { PublishedPledge } from '../../pledges/types';
import { errorParagraphs } from '../../ui/form';
import { fill, routeLink, section, timeEl, type AsyncPage } from '../people/common';

export function partnerHome(ctx: AppContext, page: AsyncPage, _me: Me): void {
  void ctx.api
    .get<{ pledges: PublishedPledge[] }>('/api/published-pledges')
    .then((r) => ({ pledges: r.pledges ?? [], error: null as unknown }))
    .catch((error: unknown) => ({ pledges: [] as PublishedPledge[], error }))
    .then(({ pledges, error }) => {
      fill(page.body, [
        section('partner-pledges', 'partnerHome.pledgesHeading', [pledgeList(pledges, error)]),
        // Feedback rounds to answer go here (issue 12).
        section('partner-rounds', 'partnerHome.roundsHeading', [el('p', { text: 'partnerHome.roundsSoon' })]),
        section('live-sessions', 'staffHome.sessionsHeading', [el('p', {}, [routeLink('/sessions', 'staffHome.sessionsLink')])]),
      ]);
    });
}

function pledgeList(pledges: readonly PublishedPledge[], error: unknown): HTMLElement {
  if (error) return el('div', { className: 'form-error', attrs: { role: 'alert' } }, errorParagraphs(error));
  if (pledges.length === 0) return el('p', { text: 'partnerHome.noPledges' });
  return el(
    'ul',
    { className: 'link-list published-pledges' },
    pledges.map((p) =>
      el('li', {}, [
        plain('a', p.title, { attrs: { href: apiPath`/pledges/${p.id}`, 'data-route': '', lang: p.language } }),
        document.createTextNode(' · '),
        el('span', { text: 'partnerHome.pledgeFacts', params: { n: p.version, items: p.items, panel: p.panelName } }),
        ...(p.publishedAt ? [document.createTextNode(' · '), timeEl(p.publishedAt, 'date')] : []),
      ]),
    ),
  );
}
