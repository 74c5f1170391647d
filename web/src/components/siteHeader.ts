import { el } from '../dom';
import { languageSwitcher } from './languageSwitcher';
import type { MainNav } from './mainNav';

export interface SiteHeader {
  element: HTMLElement;
  /** Folds the menu away again on a small screen (after a navigation). */
  closeMenu(): void;
}

/**
 * The page header: the Chorus name, the account area, the main menu and the
 * language switcher. On a small screen (a phone, 375 px) the account area,
 * the switcher and the menu fold behind one "Menu" button, so the page
 * starts near the top of the screen.
 */
export function siteHeader(nav: MainNav, account?: HTMLElement): SiteHeader {
  const brand = el('div', { className: 'brand' }, [
    el('a', { className: 'brand-name', text: 'app.name', attrs: { href: '/', 'data-route': '' } }),
    el('p', { className: 'brand-tagline', text: 'app.tagline' }),
  ]);
  const toggle = el('button', { className: 'button button-small menu-toggle', text: 'nav.menu', attrs: { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'header-menu site-nav' } });
  const menu = el('div', { className: 'header-menu', attrs: { id: 'header-menu' } }, [...(account ? [account] : []), languageSwitcher()]);
  const element = el('header', { className: 'site-header' }, [
    el('div', { className: 'site-header-inner' }, [brand, toggle, menu]),
    el('div', { className: 'site-nav-bar', attrs: { id: 'site-nav' } }, [nav.element]),
  ]);
  const setOpen = (open: boolean) => {
    element.classList.toggle('menu-open', open);
    toggle.setAttribute('aria-expanded', String(open));
  };
  toggle.addEventListener('click', () => setOpen(!element.classList.contains('menu-open')));
  // Escape folds an open menu and goes back to its button (the disclosure pattern).
  element.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !element.classList.contains('menu-open')) return;
    setOpen(false);
    toggle.focus();
  });
  return { element, closeMenu: () => setOpen(false) };
}
