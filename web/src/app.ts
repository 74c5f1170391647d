// The app shell: skip link, header with menu and language switcher, <main>
// (where the router renders pages) and footer.
import { mainNav } from './components/mainNav';
import { siteFooter } from './components/siteFooter';
import { siteHeader } from './components/siteHeader';
import { skipLink } from './components/skipLink';
import { translateTree } from './dom';
import { onLanguageChange } from './i18n';
import { Router } from './router';
import { navItems, notFound, routes } from './routes';

const mainId = 'main';

/** Builds the shell into root and starts the router; returns the router. */
export function mountApp(root: HTMLElement, win: Window = window): Router {
  const nav = mainNav(navItems);
  const main = document.createElement('main');
  main.id = mainId;
  main.tabIndex = -1;

  root.replaceChildren(skipLink(mainId), siteHeader(nav), main, siteFooter());

  const router = new Router({
    routes,
    notFound,
    outlet: main,
    onRender: (path) => nav.setCurrent(path),
    window: win,
  });
  onLanguageChange(() => {
    // Texts change in place; nothing moves and nothing is announced.
    translateTree(root);
    router.updateTitle();
  });
  router.start();
  return router;
}
