// The read-only parts of a case: the facts, the content in its context,
// the reports and the history (who, when, why).
import { el, plain } from '../../dom';
import { bandLabel, categoryLabel, entryLabel, kindLabel, statusLabel, type Label } from '../../moderation/labels';
import { ageLabel } from '../../moderation/queue';
import type { CaseContent, CaseReport, ModerationCase } from '../../moderation/types';
import { timeEl } from '../people/common';

const label = (tag: 'span' | 'dd' | 'li', l: Label, className?: string) => el(tag, { text: l.key, params: l.params, className });

/** Names the people in a case: "Automatic screening" for the system, a name when known, else "Someone". */
export type NameOf = (accountId: string) => Node;

function when(ms: number): HTMLTimeElement {
  const iso = new Date(ms).toISOString();
  return timeEl(iso);
}

export function factsView(c: ModerationCase, content: CaseContent | null, now: number): HTMLElement {
  const fact = (
    term: 'case.factKind' | 'case.factCategory' | 'case.factStatus' | 'case.factOpened' | 'case.factAuthor' | 'case.factBand' | 'case.factGroup' | 'case.factTitle' | 'case.factHits' | 'case.factHidden',
    value: HTMLElement,
  ) => [
    el('dt', { text: term }),
    value,
  ];
  const age = ageLabel(now - c.openedAt);
  // Reported content stays visible until hidden; held content (screening, approvals) until approved.
  const held = c.kind !== 'report' && c.status !== 'approved' && c.status !== 'closed';
  const hidden = c.hiddenByModerator || c.hiddenByReports || held;
  return el('dl', { className: 'facts case-facts-list' }, [
    ...fact('case.factStatus', label('dd', statusLabel(c.status), 'case-status')),
    ...fact('case.factCategory', label('dd', categoryLabel(c.category))),
    ...fact('case.factKind', label('dd', kindLabel(c.kind))),
    ...fact('case.factOpened', el('dd', {}, [when(c.openedAt), document.createTextNode(' ('), label('span', age), document.createTextNode(')')])),
    ...(content?.title ? fact('case.factTitle', plain('dd', content.title)) : []),
    ...(content?.groupName ? fact('case.factGroup', plain('dd', content.groupName)) : []),
    ...(content?.authorName ? fact('case.factAuthor', plain('dd', content.authorName)) : []),
    // Group content (a pledge going to partners) has a group, not an author with an age.
    ...(c.content.ownerId ? fact('case.factBand', label('dd', bandLabel(content?.authorBand ?? c.authorBand))) : []),
    ...(c.hits?.length ? fact('case.factHits', el('dd', {}, [el('ul', { className: 'inline-list' }, c.hits.map((h) => label('li', categoryLabel(h))))])) : []),
    ...fact('case.factHidden', el('dd', { text: hidden ? 'case.hiddenYes' : 'case.hiddenNo' })),
  ]);
}

export function contentView(c: ModerationCase, content: CaseContent | null): HTMLElement[] {
  const lang: Record<string, string> = content?.language ? { lang: content.language } : {};
  const out: HTMLElement[] = [];
  if (!content || content.gone) {
    out.push(el('p', { text: 'case.contentGone' }));
    const kept = content?.text || c.content.excerpt;
    if (kept) out.push(plain('blockquote', kept, { className: 'case-text' }));
    return out;
  }
  if (content.context) {
    out.push(el('p', { className: 'case-context-label', text: 'case.contextLabel' }), plain('blockquote', content.context, { className: 'case-context', attrs: lang }));
  }
  out.push(plain('blockquote', content.text, { className: 'case-text', attrs: lang }));
  if (content.link && content.link.startsWith('/')) out.push(el('p', {}, [el('a', { text: 'case.openInContext', attrs: { href: content.link, 'data-route': '' } })]));
  if (c.changesMessage && c.status === 'changes_requested') {
    out.push(el('p', { text: 'case.changesMessageLabel' }), plain('blockquote', c.changesMessage, { className: 'case-changes-message' }));
  }
  return out;
}

export function reportsView(reports: readonly CaseReport[]): HTMLElement {
  if (reports.length === 0) return el('p', { className: 'empty', text: 'case.noReports' });
  return el(
    'ul',
    { className: 'case-reports-list' },
    reports.map((r) =>
      el('li', {}, [
        el('p', {}, [label('span', categoryLabel(r.category), `badge badge-category${r.category === 'safeguarding' ? ' badge-urgent' : ''}`), document.createTextNode(' · '), when(r.at)]),
        ...(r.text ? [plain('p', r.text, { className: 'case-report-text' })] : []),
      ]),
    ),
  );
}

export function historyView(c: ModerationCase, nameOf: NameOf): HTMLElement {
  return el(
    'ol',
    { className: 'case-history-list' },
    (c.history ?? []).map((e) =>
      el('li', { attrs: { 'data-action': e.action } }, [
        el('p', {}, [label('span', entryLabel(e.action), 'case-entry-what'), document.createTextNode(' · '), nameOf(e.actor), document.createTextNode(' · '), when(e.at)]),
        ...(e.reason ? [el('p', {}, [el('span', { text: 'case.historyReason' }), document.createTextNode(' '), plain('span', e.reason)])] : []),
        ...(e.message ? [el('p', {}, [el('span', { text: 'case.historyMessage' }), document.createTextNode(' '), plain('span', e.message)])] : []),
      ]),
    ),
  );
}
