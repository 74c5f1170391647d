// Client-side routing with the History API. Each route renders a page into
// <main>, sets document.title and, after a navigation, moves focus to the
// page's main heading so screen-reader and keyboard users land on it. The
// page it leaves is disposed first, so its sockets and timers end with it.
import { t, type MessageKey } from './i18n';

/** A page: its element and the heading that receives focus after navigation. */
export interface Page {
  element: HTMLElement;
  heading: HTMLElement;
  /** Called once when the router leaves the page: it lets go of what it holds (see Lifetime). */
  dispose?: () => void;
}

/** Values of the :name segments of a route's path. */
export type RouteParams = Readonly<Record<string, string>>;

export interface Route {
  /** "/about", or a pattern with :name segments such as "/panels/:id". */
  path: string;
  /** Catalogue key of the page name used in document.title. */
  titleKey: MessageKey;
  render: (params: RouteParams) => Page;
}

export interface RouterOptions {
  routes: readonly Route[];
  /** Rendered for any path without a route. */
  notFound: Omit<Route, 'path'>;
  /** Where pages are rendered (the <main> element). */
  outlet: HTMLElement;
  /** Called after each render with the path shown. */
  onRender?: (path: string) => void;
  window?: Window;
}

/** Normalises a path: no trailing slash except for "/"; a query string is kept. */
export function normalisePath(path: string): string {
  const q = path.search(/[?#]/);
  const [pathname, rest] = q < 0 ? [path, ''] : [path.slice(0, q), path.slice(q)];
  const trimmed = pathname.replace(/\/+$/, '');
  return (trimmed === '' ? '/' : trimmed) + rest;
}

/** Matches path (without query) against a route pattern; returns the params or null. */
export function matchPath(pattern: string, path: string): RouteParams | null {
  const want = pattern.split('/');
  const got = normalisePath(path).replace(/[?#].*$/, '').split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith(':')) {
      if (g === '') return null;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) {
      return null;
    }
  }
  return params;
}

export class Router {
  private readonly routes: readonly Route[];
  private readonly notFound: Omit<Route, 'path'>;
  private readonly outlet: HTMLElement;
  private readonly onRender?: (path: string) => void;
  private readonly win: Window;
  private current: Omit<Route, 'path'> | null = null;
  private shown: Page | null = null;
  private listening: AbortController | null = null;

  constructor(options: RouterOptions) {
    this.routes = options.routes;
    this.notFound = options.notFound;
    this.outlet = options.outlet;
    this.onRender = options.onRender;
    this.win = options.window ?? window;
  }

  /** Renders the current location and starts following links and history. */
  start(): void {
    this.stop();
    this.listening = new AbortController();
    const { signal } = this.listening;
    this.win.addEventListener('popstate', () => this.render(this.here(), { focus: true }), { signal });
    this.win.document.addEventListener('click', (event) => this.handleClick(event), { signal });
    // No focus move on first load: the first Tab must reach the skip link.
    this.render(this.here(), { focus: false });
  }

  private here(): string {
    return this.win.location.pathname + this.win.location.search;
  }

  /** Stops following links and history, and leaves the page shown. */
  stop(): void {
    this.listening?.abort();
    this.listening = null;
    this.leave();
  }

  /** Shows path, adding it to the history. */
  navigate(path: string): void {
    const target = normalisePath(path);
    if (target !== normalisePath(this.here())) {
      this.win.history.pushState(null, '', target);
    }
    this.render(target, { focus: true });
  }

  /** Finds the route for path, or the not-found route. */
  resolve(path: string): Omit<Route, 'path'> {
    return this.match(path).route;
  }

  /** Finds the route for path and the values of its :name segments. */
  match(path: string): { route: Omit<Route, 'path'>; params: RouteParams } {
    for (const route of this.routes) {
      const params = matchPath(route.path, path);
      if (params) return { route, params };
    }
    return { route: this.notFound, params: {} };
  }

  /** Renders the current location again (after signing in or out). */
  refresh(): void {
    this.render(this.here(), { focus: false });
  }

  /** Renders path into the outlet. */
  render(path: string, { focus }: { focus: boolean }): void {
    this.leave();
    const { route, params } = this.match(path);
    const page = route.render(params);
    this.current = route;
    this.shown = page;
    this.outlet.replaceChildren(page.element);
    this.updateTitle();
    this.onRender?.(normalisePath(path).replace(/[?#].*$/, ''));
    if (focus) {
      page.heading.focus();
      this.win.scrollTo?.(0, 0);
    }
  }

  /** Disposes the page shown, if any (before the next one renders, and when the app stops). */
  leave(): void {
    const page = this.shown;
    this.shown = null;
    page?.dispose?.();
  }

  /** Sets document.title for the current page in the current language. */
  updateTitle(): void {
    if (!this.current) return;
    this.win.document.title = t('document.title', { page: t(this.current.titleKey) });
  }

  private handleClick(event: MouseEvent): void {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const target = event.target instanceof Element ? event.target : null;
    const link = target?.closest<HTMLAnchorElement>('a[data-route]');
    if (!link || (link.target && link.target !== '_self')) return;
    const url = new URL(link.href, this.win.location.href);
    if (url.origin !== this.win.location.origin) return;
    event.preventDefault();
    this.navigate(url.pathname + url.search);
  }
}
