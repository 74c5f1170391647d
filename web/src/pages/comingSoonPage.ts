import { el } from '../dom';
import type { MessageKey } from '../i18n';
import type { Page } from '../router';
import { pageHeading } from './pageHeading';

/** The texts of a section that is not built yet. */
export interface ComingSoon {
  heading: MessageKey;
  text: MessageKey;
}

/** A friendly "coming soon" page for a section that is not built yet. */
export function comingSoonPage({ heading: headingKey, text }: ComingSoon): Page {
  const heading = pageHeading(headingKey);
  const element = el('div', { className: 'page coming-soon-page' }, [
    heading,
    el('p', { className: 'lead', text }),
    el('p', { text: 'soon.text' }),
    el('p', {}, [el('a', { text: 'soon.back', attrs: { href: '/', 'data-route': '' } })]),
  ]);
  return { element, heading };
}
