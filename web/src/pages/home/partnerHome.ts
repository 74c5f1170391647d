// A partner's home. The feedback rounds (issue 12) put here what waits for
// an answer; until then: where partners meet young people, the supervised
// live sessions.
import type { AppContext } from '../../context';
import { el } from '../../dom';
import type { Me } from '../../people/types';
import { fill, routeLink, section, type AsyncPage } from '../people/common';

export function partnerHome(_ctx: AppContext, page: AsyncPage, _me: Me): void {
  fill(page.body, [
    // Feedback rounds to answer go here (issue 12).
    section('partner-rounds', 'partnerHome.roundsHeading', [el('p', { text: 'partnerHome.roundsSoon' })]),
    section('live-sessions', 'staffHome.sessionsHeading', [el('p', {}, [routeLink('/sessions', 'staffHome.sessionsLink')])]),
  ]);
}
