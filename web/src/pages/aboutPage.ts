import { el } from '../dom';
import type { Page } from '../router';
import { pageHeading } from './pageHeading';

/** About Chorus: where it comes from, your rights, accessibility. */
export function aboutPage(): Page {
  const heading = pageHeading('about.heading');
  const element = el('div', { className: 'page about-page' }, [
    heading,
    el('p', { className: 'lead', text: 'about.intro' }),
    el('p', { text: 'about.story' }),
    el('p', { text: 'about.place' }),
    el('h2', { text: 'about.rights.heading' }),
    el('p', { text: 'about.rights.text' }),
    el('h2', { text: 'about.access.heading' }),
    el('p', { text: 'about.access.text' }),
  ]);
  return { element, heading };
}
