// How the queue looks: the summary (what waits, since when, per category
// and status) and the table of cases, kept in the server's order.
import { el, plain } from '../../dom';
import { bandLabel, categoryLabel, kindLabel, statusLabel, type Label } from '../../moderation/labels';
import { ageLabel, categoryCounts, oldestAgeMs, shortExcerpt, statusCounts, type CountLine } from '../../moderation/queue';
import type { ModerationCase, QueueSummary } from '../../moderation/types';

const label = (tag: 'span' | 'dt' | 'td', l: Label, className?: string) => el(tag, { text: l.key, params: l.params, className });

/** The counts and the age of the oldest waiting case. */
export function summaryView(summary: QueueSummary | undefined): HTMLElement[] {
  const waiting = summary?.waiting ?? 0;
  const out: HTMLElement[] = [el('p', { className: 'queue-waiting', text: waiting > 0 ? 'queue.waiting' : 'queue.nothingWaiting', params: { n: waiting } })];
  const age = oldestAgeMs(summary);
  if (age !== null) {
    // Label and age are two translated parts, so both follow a language switch.
    out.push(el('p', { className: 'queue-oldest' }, [el('span', { text: 'queue.oldest' }), document.createTextNode(' '), label('span', ageLabel(age), 'queue-oldest-age')]));
  }
  const counts = (id: string, heading: 'queue.byCategoryLabel' | 'queue.byStatusLabel', lines: CountLine[]) =>
    lines.length
      ? [
          el('h3', { text: heading, attrs: { id } }),
          el(
            'dl',
            { className: 'queue-counts', attrs: { 'aria-labelledby': id } },
            lines.flatMap((line) => [label('dt', line.label), plain('dd', String(line.n), { attrs: { 'data-code': line.code } })]),
          ),
        ]
      : [];
  out.push(...counts('queue-by-category', 'queue.byCategoryLabel', categoryCounts(summary?.byCategory)));
  out.push(...counts('queue-by-status', 'queue.byStatusLabel', statusCounts(summary?.byStatus)));
  return out;
}

export interface CasesTable {
  element: HTMLElement;
  tbody: HTMLElement;
  /** The first new row's link (focus goes there after "Show more"). */
  first: HTMLAnchorElement | null;
}

/** The cases as a table; with rows, appends to an existing table's body instead. */
export function casesTable(cases: readonly ModerationCase[], now: number, rows?: HTMLElement): CasesTable {
  const tbody = rows ?? el('tbody');
  const made = cases.map((c) => caseRow(c, now));
  tbody.append(...made);
  const head = (['queue.colCategory', 'queue.colKind', 'queue.colContent', 'queue.colAuthor', 'queue.colStatus', 'queue.colAge'] as const).map((k) =>
    el('th', { text: k, attrs: { scope: 'col' } }),
  );
  const table = el('table', { className: 'table queue-table' }, [el('caption', { text: 'queue.listCaption' }), el('thead', {}, [el('tr', {}, head)]), tbody]);
  const element = el('div', { className: 'table-scroll', attrs: { tabindex: '0', role: 'group', 'aria-labelledby': 'queue-cases-heading' } }, [table]);
  return { element, tbody, first: made[0]?.querySelector('a') ?? null };
}

function caseRow(c: ModerationCase, now: number): HTMLTableRowElement {
  const excerpt = shortExcerpt(c.content?.excerpt);
  const link = excerpt
    ? plain('a', excerpt, { attrs: { href: `/moderation/cases/${encodeURIComponent(c.id)}`, 'data-route': '' } })
    : el('a', { text: 'queue.noExcerpt', attrs: { href: `/moderation/cases/${encodeURIComponent(c.id)}`, 'data-route': '' } });
  const age = ageLabel(now - c.openedAt);
  const category = categoryLabel(c.category);
  return el('tr', { className: `queue-row priority-${c.priority}`, attrs: { 'data-case': c.id, 'data-category': c.category } }, [
    el('td', {}, [label('span', category, `badge badge-category${c.category === 'safeguarding' ? ' badge-urgent' : ''}`)]),
    label('td', kindLabel(c.kind)),
    el('td', { className: 'queue-excerpt' }, [link]),
    label('td', bandLabel(c.authorBand)),
    label('td', statusLabel(c.status)),
    el('td', {}, [el('time', { text: age.key, params: age.params, attrs: { datetime: new Date(c.openedAt).toISOString() } })]),
  ]);
}
