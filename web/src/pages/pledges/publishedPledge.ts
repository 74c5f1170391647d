// A published version of a pledge, read-only: what a partner reads of a
// pledge (issue 12) and anyone who may see only published versions. Each
// item shows its child-friendly summary beside its text; nothing else of
// the panel is shown (no group, no drafting, no comments: rules 2 and 4).
import { apiPath } from '../../api';
import { el, plain, setPlainText } from '../../dom';
import type { PledgeVersion, VersionItem } from '../../pledges/types';
import { fill, routeLink, timeEl, type AsyncPage } from '../people/common';

/** Fills page with version v of pledge pledgeId. */
export function showPublishedPledge(page: AsyncPage, pledgeId: string, v: PledgeVersion): void {
  setPlainText(page.heading, v.title);
  page.heading.setAttribute('lang', v.language);
  const exportBase = apiPath`/api/pledges/${pledgeId}/export`;
  const meta = el('p', { className: 'lead pledge-meta' }, [
    el('span', { text: 'published.version', params: { n: v.number } }),
    ...(v.publishedAt ? [document.createTextNode(' · '), el('span', { text: 'published.on' }), document.createTextNode(' '), timeEl(v.publishedAt, 'date')] : []),
    document.createTextNode(' · '),
    el('span', { text: 'published.language' }),
    document.createTextNode(' '),
    el('span', { languageOf: v.language }),
  ]);
  fill(page.body, [
    meta,
    el('p', { text: 'published.lead' }),
    el('section', { className: 'section published-items-section', attrs: { 'aria-labelledby': 'published-items-heading' } }, [
      el('h2', { text: 'published.itemsHeading', attrs: { id: 'published-items-heading', tabindex: '-1' } }),
      el('ol', { className: 'published-items' }, v.items.map((item, i) => itemView(item, i + 1, v.language))),
    ]),
    el('section', { className: 'section published-export', attrs: { 'aria-labelledby': 'published-export-heading' } }, [
      el('h2', { text: 'published.exportHeading', attrs: { id: 'published-export-heading' } }),
      el('ul', { className: 'export-links' }, [
        el('li', {}, [el('a', { text: 'published.exportHtml', attrs: { href: `${exportBase}?format=html&version=${v.number}`, download: '' } })]),
        el('li', {}, [el('a', { text: 'published.exportMd', attrs: { href: `${exportBase}?format=md&version=${v.number}`, download: '' } })]),
      ]),
    ]),
    el('p', {}, [routeLink('/', 'published.backHome')]),
  ]);
}

function itemView(item: VersionItem, n: number, language: string): HTMLLIElement {
  const headingId = `published-item-${n}`;
  return el('li', { className: 'published-item', attrs: { 'aria-labelledby': headingId } }, [
    plain('h3', `${n}. ${item.heading}`, { attrs: { id: headingId, lang: language } }),
    el('div', { className: 'published-item-body' }, [
      plain('p', item.text, { className: 'published-text', attrs: { lang: language } }),
      el('div', { className: 'published-summary' }, [
        el('h4', { text: 'published.summaryHeading' }),
        item.summary.trim() ? plain('p', item.summary, { attrs: { lang: language } }) : el('p', { className: 'hint', text: 'published.noSummary' }),
      ]),
    ]),
  ]);
}
