import { el } from '../dom';

/** The page footer: what Chorus is, the safety promise and the free helpline. */
export function siteFooter(): HTMLElement {
  return el('footer', { className: 'site-footer' }, [
    el('div', { className: 'site-footer-inner' }, [
      el('p', { text: 'footer.about' }),
      el('p', { text: 'footer.safety' }),
      el('p', { text: 'footer.help' }),
    ]),
  ]);
}
