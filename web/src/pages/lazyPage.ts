// A page whose code loads when it is first opened (the video pages and
// their upload client), so the script every page needs stays small. Until
// then it shows its heading and "Loading…"; the loaded page then takes its
// place, and focus moves to the loaded page's heading if it was on this one.
import { el } from '../dom';
import type { MessageKey } from '../i18n';
import type { Page } from '../router';
import { pageHeading } from './pageHeading';

export function lazyPage(heading: MessageKey, load: () => Promise<Page>): Page {
  const h1 = pageHeading(heading);
  const element = el('div', { className: 'lazy-page' }, [h1, el('p', { className: 'loading', text: 'common.loading' })]);
  void load()
    .then((page) => {
      const hadFocus = document.activeElement === h1;
      element.replaceChildren(page.element);
      if (hadFocus) page.heading.focus();
    })
    .catch(() => element.replaceChildren(h1, el('p', { text: 'error.network', attrs: { role: 'alert' } })));
  return { element, heading: h1 };
}
