// /outbox (coordinators): mail held by the embedded outbox when Chorus runs
// without SMTP, for the people of the coordinator's own panels. A held link
// works for whoever reads it, so the page shows that a mail waits (its
// kind, the recipient's domain, the time) and, only in the demo, the mail
// itself with its links.
import type { AppContext } from '../../context';
import { el, plain } from '../../dom';
import type { Reply } from '../../openapi/types';
import type { Page } from '../../router';
import { asyncPage, fill, showProblem, signedInOrPrompt, timeEl } from './common';

/** Paths of this app that mails link to; shown as links on this site, whatever PUBLIC_URL says. */
const appLink = /^\/(invite|guardian|reset|setup)\//;

/** Splits text into text and links; links to this app's pages become same-site links. */
export function linkify(text: string): Node[] {
  const nodes: Node[] = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"')\]]+/g)) {
    const url = match[0].replace(/[.,;:!?]+$/, '');
    const index = match.index ?? 0;
    if (index > last) nodes.push(document.createTextNode(text.slice(last, index)));
    let href = url;
    try {
      const parsed = new URL(url);
      if (appLink.test(parsed.pathname)) href = parsed.pathname + parsed.search;
    } catch {
      // not a URL after all: keep the text as it is
    }
    const link = plain('a', url, { attrs: { href } });
    if (href !== url) link.setAttribute('data-route', '');
    nodes.push(link);
    last = index + url.length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

export function outboxPage(ctx: AppContext): Page {
  const page = asyncPage('outbox.heading', 'outbox-page');
  const load = async () => {
    if (!(await signedInOrPrompt(ctx, page))) return;
    const { messages, revealed } = await ctx.api.get<Reply<'/api/outbox', 'get'>>('/api/outbox');
    const items = [...messages]
      .sort((a, b) => Date.parse(b.time) - Date.parse(a.time))
      .map((m) =>
        el('li', { className: 'mail', attrs: { 'data-kind': m.kind, 'data-domain': m.toDomain, ...(m.to ? { 'data-to': m.to } : {}) } }, [
          ...(m.subject ? [plain('h2', m.subject, { className: 'mail-subject' })] : []),
          el('dl', { className: 'facts mail-meta' }, [
            el('dt', { text: 'outbox.kind' }),
            el('dd', {}, [plain('code', m.kind)]),
            ...(m.to ? [el('dt', { text: 'outbox.to' }), plain('dd', m.to)] : [el('dt', { text: 'outbox.toDomain' }), plain('dd', m.toDomain)]),
            el('dt', { text: 'outbox.time' }),
            el('dd', {}, [timeEl(m.time)]),
          ]),
          ...(m.text ? [el('div', { className: 'mail-text' }, linkify(m.text))] : []),
        ]),
      );
    fill(page.body, [
      el('p', { className: 'lead', text: 'outbox.lead' }),
      ...(revealed ? [el('p', { text: 'outbox.leadRevealed' })] : []),
      messages.length ? el('ul', { className: 'mail-list' }, items) : el('p', { text: 'outbox.none' }),
    ]);
  };
  void load().catch((error: unknown) => showProblem(page, error, { forbidden: 'outbox.forbiddenHint' }));
  return page;
}
