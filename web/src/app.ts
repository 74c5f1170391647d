// The app shell: skip link, header with menu, account area and language
// switcher, the status live region, <main> (where the router renders pages)
// and footer. The session is loaded once at start.
import { ApiClient, type FetchLike } from './api';
import { accountBar } from './components/accountBar';
import { mainNav } from './components/mainNav';
import { siteFooter } from './components/siteFooter';
import { siteHeader } from './components/siteHeader';
import { skipLink } from './components/skipLink';
import type { AppContext } from './context';
import { translateTree } from './dom';
import { getLanguage, isLang, onLanguageChange, rememberedLanguage, setLanguage } from './i18n';
import { Router } from './router';
import { createRoutes, navItems, notFound } from './routes';
import { hasRole, Session } from './session';
import type { QueueAnswer } from './moderation/types';
import { statusRegion } from './ui/status';

const mainId = 'main';

export interface MountOptions {
  /** The fetch the API client uses (a fake in unit tests). */
  fetch?: FetchLike;
}

/** Builds the shell into root and starts the router; returns the router. */
export function mountApp(root: HTMLElement, win: Window = window, options: MountOptions = {}): Router {
  let session: Session | null = null;
  const api = new ApiClient({
    fetch: options.fetch ?? ((input, init) => win.fetch(input, init)),
    language: getLanguage,
    onSessionEnded: () => session?.ended(),
  });
  session = new Session(api);
  const status = statusRegion();
  let router: Router | null = null;
  const ctx: AppContext = {
    api,
    session,
    navigate: (path) => router?.navigate(path),
    announce: (key, params) => status.announce(key, params),
  };

  const nav = mainNav(navItems);
  const main = document.createElement('main');
  main.id = mainId;
  main.tabIndex = -1;
  // The status region sits inside <main> (every text belongs to a landmark), above the page.
  const outlet = document.createElement('div');
  outlet.className = 'outlet';
  main.append(status.element, outlet);

  const header = siteHeader(nav, accountBar(ctx));
  root.replaceChildren(skipLink(mainId), header.element, main, siteFooter());

  router = new Router({
    routes: createRoutes(ctx),
    notFound,
    outlet,
    onRender: (path) => {
      nav.setCurrent(path);
      header.closeMenu();
      status.clear();
      refreshCounts();
    },
    window: win,
  });
  onLanguageChange(() => {
    // Texts change in place; nothing moves and nothing is announced.
    translateTree(root);
    router?.updateTitle();
  });
  nav.setPerson(session.me);
  session.onChange((state) => nav.setPerson(state.signedIn ? state.me : null));
  // The moderation entry says how many cases wait, looked at again on every page.
  const refreshCounts = () => {
    if (!hasRole(session?.me ?? null, 'moderator', 'coordinator')) return;
    api
      .get<QueueAnswer>('/api/moderation/queue?limit=1')
      .then((q) => nav.setCount('/moderation', q.summary?.waiting ?? 0))
      .catch(() => undefined);
  };
  session.onChange(refreshCounts);
  // Signed in, Chorus speaks the account's language unless this browser was told another one.
  session.onChange((state) => {
    if (state.signedIn && !rememberedLanguage() && isLang(state.me.account.language) && state.me.account.language !== getLanguage()) {
      setLanguage(state.me.account.language, { remember: false });
    }
  });
  void session.load();
  router.start();
  return router;
}
