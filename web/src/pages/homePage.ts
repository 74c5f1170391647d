import { el } from '../dom';
import type { MessageKey } from '../i18n';
import type { Page } from '../router';
import { pageHeading } from './pageHeading';
import { helpBox } from './helpBox';

interface Card {
  name: MessageKey;
  text: MessageKey;
}

const audiences: readonly Card[] = [
  { name: 'home.who.youth.name', text: 'home.who.youth.text' },
  { name: 'home.who.moderators.name', text: 'home.who.moderators.text' },
  { name: 'home.who.partners.name', text: 'home.who.partners.text' },
  { name: 'home.who.coordinators.name', text: 'home.who.coordinators.text' },
  { name: 'home.who.guardians.name', text: 'home.who.guardians.text' },
];

const safeguards: readonly Card[] = [
  { name: 'home.safety.moderators.name', text: 'home.safety.moderators.text' },
  { name: 'home.safety.consent.name', text: 'home.safety.consent.text' },
  { name: 'home.safety.privacy.name', text: 'home.safety.privacy.text' },
];

const activities: readonly { path: string; text: MessageKey }[] = [
  { path: '/pledges', text: 'home.do.pledges' },
  { path: '/videos', text: 'home.do.videos' },
  { path: '/rounds', text: 'home.do.rounds' },
];

function section(id: string, heading: MessageKey, content: Node[]): HTMLElement {
  const headingId = `${id}-heading`;
  return el('section', { className: `home-section ${id}`, attrs: { 'aria-labelledby': headingId } }, [
    el('h2', { text: heading, attrs: { id: headingId } }),
    ...content,
  ]);
}

function cardList(cards: readonly Card[], className: string): HTMLUListElement {
  return el(
    'ul',
    { className: `card-list ${className}` },
    cards.map((card) =>
      el('li', { className: 'card' }, [el('h3', { text: card.name }), el('p', { text: card.text })]),
    ),
  );
}

/** The landing page: what Chorus is, for whom, and how it keeps young people safe. */
export function homePage(): Page {
  const heading = pageHeading('home.heading');
  const element = el('div', { className: 'page home-page' }, [
    el('div', { className: 'hero' }, [heading, el('p', { className: 'lead', text: 'home.lead' })]),
    section('who', 'home.who.heading', [cardList(audiences, 'audiences')]),
    section('safety', 'home.safety.heading', [cardList(safeguards, 'safeguards')]),
    section('activities', 'home.do.heading', [
      el(
        'ul',
        { className: 'activity-list' },
        activities.map((activity) =>
          el('li', {}, [el('a', { text: activity.text, attrs: { href: activity.path, 'data-route': '' } })]),
        ),
      ),
    ]),
    helpBox(),
  ]);
  return { element, heading };
}
