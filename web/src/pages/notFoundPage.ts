import { el } from '../dom';
import type { Page } from '../router';
import { pageHeading } from './pageHeading';

/** Shown for a path Chorus does not know. */
export function notFoundPage(): Page {
  const heading = pageHeading('notFound.heading');
  const element = el('div', { className: 'page not-found-page' }, [
    heading,
    el('p', { className: 'lead', text: 'notFound.text' }),
    el('p', {}, [el('a', { text: 'soon.back', attrs: { href: '/', 'data-route': '' } })]),
  ]);
  return { element, heading };
}
