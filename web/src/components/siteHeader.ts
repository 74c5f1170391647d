import { el } from '../dom';
import { languageSwitcher } from './languageSwitcher';
import type { MainNav } from './mainNav';

/** The page header: the Chorus name, the account area, the main menu and the language switcher. */
export function siteHeader(nav: MainNav, account?: HTMLElement): HTMLElement {
  const brand = el('div', { className: 'brand' }, [
    el('a', { className: 'brand-name', text: 'app.name', attrs: { href: '/', 'data-route': '' } }),
    el('p', { className: 'brand-tagline', text: 'app.tagline' }),
  ]);
  return el('header', { className: 'site-header' }, [
    el('div', { className: 'site-header-inner' }, [brand, ...(account ? [account] : []), languageSwitcher()]),
    el('div', { className: 'site-nav-bar' }, [nav.element]),
  ]);
}
