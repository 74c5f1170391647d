import { el } from '../dom';
import type { MessageKey } from '../i18n';

export interface NavItem {
  path: string;
  label: MessageKey;
}

export interface MainNav {
  element: HTMLElement;
  /** Marks the link for path as the current page. */
  setCurrent(path: string): void;
}

/** The main menu: Home, Pledges, Videos, Feedback rounds, About. */
export function mainNav(items: readonly NavItem[]): MainNav {
  const links = items.map((item) =>
    el('a', { text: item.label, attrs: { href: item.path, 'data-route': '' } }),
  );
  const element = el('nav', { className: 'main-nav', i18nAttrs: { 'aria-label': 'nav.label' } }, [
    el('ul', {}, links.map((link) => el('li', {}, [link]))),
  ]);
  return {
    element,
    setCurrent(path) {
      for (const link of links) {
        if (link.getAttribute('href') === path) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
    },
  };
}
