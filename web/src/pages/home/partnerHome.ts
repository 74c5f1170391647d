// A partner's home (issue 12): the rounds their organisation is in with
// what is due and when, the pledges published to them (each opening its
// published version), their commitments and their status, and where
// partners meet young people, the supervised live sessions. Partners see
// nothing else of a panel (rules 2 and 4).
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain } from '../../dom';
import type { Me } from '../../people/types';
import type { PublishedPledge } from '../../pledges/types';
import { errorParagraphs } from '../../ui/form';
import type { Commitment, PartnerHome } from '../../rounds/types';
import { fill, routeLink, section, timeEl, type AsyncPage } from '../people/common';
import { dueEl, roundLine, statusBadge } from '../rounds/marks';

export function partnerHome(ctx: AppContext, page: AsyncPage, _me: Me): void {
  const settle = <T>(p: Promise<T>) => p.then((value) => ({ value, error: null as unknown })).catch((error: unknown) => ({ value: null, error }));
  void Promise.all([settle(ctx.api.get<{ pledges: PublishedPledge[] }>('/api/published-pledges')), settle(ctx.api.get<PartnerHome>('/api/partner/home'))]).then(([pledges, home]) => {
    const rounds = home.value?.rounds ?? [];
    const commitments = home.value?.commitments ?? [];
    fill(page.body, [
      section('partner-rounds', 'partnerHome.roundsHeading', [
        home.error ? problemBox(home.error) : rounds.length ? el('ul', { className: 'link-list round-list' }, rounds.map((r) => roundLine(r, true))) : el('p', { text: 'partnerHome.noRounds' }),
      ]),
      section('partner-pledges', 'partnerHome.pledgesHeading', [pledges.error ? problemBox(pledges.error) : pledgeList(pledges.value?.pledges ?? [])]),
      ...(commitments.length ? [section('partner-commitments', 'partnerHome.commitmentsHeading', [commitmentList(commitments)])] : []),
      section('live-sessions', 'staffHome.sessionsHeading', [el('p', {}, [routeLink('/sessions', 'staffHome.sessionsLink')])]),
    ]);
  });
}

function problemBox(error: unknown): HTMLElement {
  return el('div', { className: 'form-error', attrs: { role: 'alert' } }, errorParagraphs(error));
}

/** Each commitment with its status and due date, linking to its round. */
function commitmentList(list: readonly Commitment[]): HTMLElement {
  return el(
    'ul',
    { className: 'link-list commitment-summaries' },
    list.map((c) =>
      el('li', {}, [
        plain('a', c.text, { attrs: { href: apiPath`/rounds/${c.roundId}`, 'data-route': '' } }),
        document.createTextNode(' · '),
        statusBadge(c.status),
        document.createTextNode(' · '),
        el('span', { text: 'roundCommon.due' }),
        document.createTextNode(' '),
        dueEl(c.dueDate),
      ]),
    ),
  );
}

/** The published pledges one may read, each a link to its published version. */
export function pledgeList(pledges: readonly PublishedPledge[]): HTMLElement {
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
