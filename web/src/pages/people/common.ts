// Building blocks shared by the people pages: a page with a body that fills
// in once data arrives, the "please sign in" and error states, sections.
import { ApiError } from '../../api';
import type { AppContext } from '../../context';
import { el, setText } from '../../dom';
import type { MessageKey, Params } from '../../i18n';
import type { TimeStyle } from '../../i18n/format';
import { Lifetime } from '../../lifetime';
import type { Me } from '../../people/types';
import type { Page } from '../../router';
import { errorParagraphs } from '../../ui/form';
import { pageHeading } from '../pageHeading';

export interface AsyncPage extends Page {
  /** Where the page's content goes. */
  body: HTMLElement;
  /** What the page holds while shown (sockets, listeners); the router's dispose ends it. */
  life: Lifetime;
  dispose: () => void;
}

/** A page with its heading and an empty body showing "Loading…". */
export function asyncPage(heading: MessageKey, className: string, params?: Params): AsyncPage {
  const h1 = pageHeading(heading);
  if (params) setText(h1, heading, params);
  const body = el('div', { className: 'page-body', attrs: { 'aria-busy': 'true' } }, [el('p', { className: 'loading', text: 'common.loading' })]);
  const element = el('div', { className: `page ${className}` }, [h1, body]);
  const life = new Lifetime();
  return { element, heading: h1, body, life, dispose: () => life.dispose() };
}

/** Replaces the body's content and marks it ready. */
export function fill(body: HTMLElement, children: readonly Node[]): void {
  body.replaceChildren(...children);
  body.removeAttribute('aria-busy');
}

/** A link handled by the router. */
export function routeLink(path: string, text: MessageKey, params?: Params, className?: string): HTMLAnchorElement {
  return el('a', { text, params, className, attrs: { href: path, 'data-route': '' } });
}

/** A titled section. */
export function section(id: string, heading: MessageKey, children: readonly Node[], params?: Params): HTMLElement {
  return el('section', { className: `section ${id}`, attrs: { id, 'aria-labelledby': `${id}-heading` } }, [
    el('h2', { text: heading, params, attrs: { id: `${id}-heading`, tabindex: '-1' } }),
    ...children,
  ]);
}

/**
 * Waits for the session; when nobody is signed in, shows "sign in to see
 * this page" with a link back here, and resolves null.
 */
export async function signedInOrPrompt(ctx: AppContext, page: AsyncPage): Promise<Me | null> {
  const state = await ctx.session.ready();
  if (state.signedIn) return state.me;
  const next = window.location.pathname + window.location.search;
  setText(page.heading, 'signin.neededHeading');
  fill(page.body, [
    el('p', { className: 'lead', text: 'signin.needed' }),
    el('p', {}, [routeLink(`/signin?next=${encodeURIComponent(next)}`, 'signin.link', undefined, 'button button-primary')]),
  ]);
  return null;
}

/** What to do after an error, per kind of page. */
export interface ProblemHints {
  heading?: MessageKey;
  /** Shown for links that are expired, used, revoked or unknown (404/410/409). */
  link?: MessageKey;
  /** Shown for 403. */
  forbidden?: MessageKey;
  /** Shown otherwise. */
  other?: MessageKey;
}

/** Turns the page into a clear error page: what happened (the server's words), and what to do. */
export function showProblem(page: AsyncPage, error: unknown, hints: ProblemHints = {}): void {
  const kind = error instanceof ApiError ? error.kind : 'other';
  const isLink = kind === 'not_found' || kind === 'gone' || kind === 'conflict' || kind === 'invalid';
  const heading: MessageKey =
    hints.heading ?? (kind === 'forbidden' ? 'problem.forbiddenHeading' : isLink ? 'problem.linkHeading' : 'problem.heading');
  const hint = kind === 'forbidden' ? hints.forbidden : isLink ? hints.link : hints.other;
  setText(page.heading, heading);
  fill(page.body, [
    el('div', { className: 'problem' }, [
      ...errorParagraphs(error),
      ...(hint ? [el('p', { className: 'problem-hint', text: hint })] : []),
      el('p', {}, [routeLink('/', 'soon.back')]),
    ]),
  ]);
}

/** A time element (machine-readable datetime, readable text that follows the UI language). */
export function timeEl(iso: string | undefined, style: TimeStyle = 'datetime'): HTMLTimeElement {
  if (!iso) return el('time');
  return el('time', { attrs: { datetime: iso }, time: iso, timeStyle: style });
}
