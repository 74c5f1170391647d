// Pages whose code loads when they are first opened (feedback rounds,
// videos and their upload client), so the script every page needs stays
// small. Their heading and "Loading…" show at once, so focus lands where it
// should.
import { el } from '../dom';
import type { MessageKey } from '../i18n';
import type { Page } from '../router';
import { pageHeading } from './pageHeading';
import { asyncPage, showProblem, type AsyncPage } from './people/common';

/** The loaded module fills this same page (an AsyncPage, with its lifetime). */
export function lazyPage(heading: MessageKey, className: string, load: (page: AsyncPage) => Promise<unknown>): Page {
  const page = asyncPage(heading, className);
  load(page).catch((error: unknown) => showProblem(page, error));
  return page;
}

/**
 * The loaded module makes its own page, which then takes this one's place;
 * focus moves to its heading if it was on this one, and leaving disposes it.
 */
export function lazyModulePage(heading: MessageKey, load: () => Promise<Page>): Page {
  const h1 = pageHeading(heading);
  const element = el('div', { className: 'lazy-page' }, [h1, el('p', { className: 'loading', text: 'common.loading' })]);
  let left = false;
  let loaded: Page | null = null;
  void load()
    .then((page) => {
      if (left) {
        page.dispose?.();
        return;
      }
      loaded = page;
      const hadFocus = document.activeElement === h1;
      element.replaceChildren(page.element);
      if (hadFocus) page.heading.focus();
    })
    .catch(() => element.replaceChildren(h1, el('p', { text: 'error.network', attrs: { role: 'alert' } })));
  return {
    element,
    heading: h1,
    dispose: () => {
      left = true;
      loaded?.dispose?.();
    },
  };
}
