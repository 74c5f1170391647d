import { el } from '../dom';
import type { MessageKey } from '../i18n';
import type { Me, Role } from '../people/types';

export interface NavItem {
  path: string;
  label: MessageKey;
  /** Shown only to people who hold one of these roles (the server checks again). */
  roles?: readonly Role[];
  /** Catalogue key of "{n} waiting" beside the label, when setCount gives a number above 0. */
  count?: MessageKey;
}

export interface MainNav {
  element: HTMLElement;
  /** Marks the link for path as the current page. */
  setCurrent(path: string): void;
  /** Shows the entries the signed-in person (or nobody, null) may use. */
  setPerson(me: Me | null): void;
  /** Shows how many things wait behind the entry for path (0 hides the count). */
  setCount(path: string, n: number): void;
}

/** The main menu: Home, Pledges, Videos, Feedback rounds, About; Moderation for moderators and coordinators. */
export function mainNav(items: readonly NavItem[]): MainNav {
  const entries = items.map((item) => ({
    item,
    li: el('li', {}, [el('a', { attrs: { href: item.path, 'data-route': '' } }, [el('span', { text: item.label })])]),
  }));
  const list = el('ul');
  const element = el('nav', { className: 'main-nav', i18nAttrs: { 'aria-label': 'nav.label' } }, [list]);
  let current = '';
  const setCurrent = (path: string) => {
    current = path;
    for (const { item, li } of entries) {
      const link = li.querySelector('a');
      // A section's link stays current on its inner pages (/moderation/cases/…).
      const here = item.path === path || (item.roles !== undefined && path.startsWith(`${item.path}/`));
      if (here) link?.setAttribute('aria-current', 'page');
      else link?.removeAttribute('aria-current');
    }
  };
  const setPerson = (me: Me | null) => {
    // Entries for roles are left out of the document (not only hidden), so the menu reads the same to everyone it shows.
    list.replaceChildren(...entries.filter(({ item }) => !item.roles || !!me?.memberships.some((m) => item.roles?.includes(m.role))).map((e) => e.li));
    setCurrent(current);
  };
  const setCount = (path: string, n: number) => {
    const entry = entries.find((e) => e.item.path === path);
    const link = entry?.li.querySelector('a');
    if (!entry?.item.count || !link) return;
    link.querySelector('.nav-count')?.remove();
    // Part of the link's text, so a screen reader hears "Moderation, 3 waiting".
    if (n > 0) link.append(el('span', { className: 'nav-count', text: entry.item.count, params: { n } }));
  };
  setPerson(null);
  return { element, setCurrent, setPerson, setCount };
}
