import { el } from '../dom';

/** "Skip to content": the first focusable element; moves focus to <main>. */
export function skipLink(mainId: string): HTMLAnchorElement {
  const link = el('a', { className: 'skip-link', text: 'skip.link', attrs: { href: `#${mainId}` } });
  link.addEventListener('click', (event) => {
    const main = document.getElementById(mainId);
    if (!main) return; // let the browser follow the fragment
    event.preventDefault();
    main.focus();
  });
  return link;
}
