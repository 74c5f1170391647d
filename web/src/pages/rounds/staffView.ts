// What coordinators and moderators see of a round: the item × partner
// matrix (stance as word and icon, never colour alone), who is late, the
// count per stance, follow-ups waiting for a reply, the CSV and the
// printable report; coordinators also extend a deadline per organisation,
// close the round, and open a progress review.
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain } from '../../dom';
import { stanceIcon, stanceKey } from '../../rounds/answer';
import { stances, type Matrix, type Round } from '../../rounds/types';
import { confirmDialog } from '../../ui/dialog';
import { button, field, form } from '../../ui/form';
import { section, timeEl } from '../people/common';
import { stanceBadge, textStatusKey } from './marks';
import { localToRfc3339 } from '../../livesession/schedule';

export function matrixTable(m: Matrix, language: string): HTMLTableElement {
  const cell = (itemId: string, orgId: string) => m.cells.find((c) => c.itemId === itemId && c.organisationId === orgId);
  return el('table', { className: 'round-matrix' }, [
    el('caption', { text: 'roundStaff.matrixCaption' }),
    el('thead', {}, [
      el('tr', {}, [
        el('th', { text: 'roundStaff.itemColumn', attrs: { scope: 'col' } }),
        ...m.organisations.map((o) =>
          el('th', { attrs: { scope: 'col' } }, [plain('span', o.name), ...(o.late ? [document.createTextNode(' '), el('span', { className: 'badge badge-late', text: 'roundStaff.late' })] : [])]),
        ),
      ]),
    ]),
    el(
      'tbody',
      {},
      m.items.map((item, i) =>
        el('tr', {}, [
          plain('th', `${i + 1}. ${item.heading}`, { attrs: { scope: 'row', lang: language } }),
          ...m.organisations.map((o) => {
            const c = cell(item.id, o.id);
            const parts: Node[] = [c?.answered && c.stance ? stanceBadge(c.stance) : el('span', { className: 'stance stance-none', text: 'roundStaff.noAnswer' })];
            if (c?.late) parts.push(el('span', { className: 'badge badge-late', text: 'roundStaff.late' }));
            if (c?.answered && c.status && c.status !== 'approved') parts.push(el('span', { className: 'cell-note', text: textStatusKey[c.status] }));
            if (c?.followUpsWaiting) parts.push(el('span', { className: 'cell-note', text: 'roundStaff.cellFollowUps', params: { n: c.followUpsWaiting } }));
            // Separate words for screen readers: "Commit, Late", not "CommitLate".
            return el('td', { attrs: { 'data-org': o.id, 'data-item': item.id } }, parts.flatMap((n, i) => (i ? [document.createTextNode(' '), n] : [n])));
          }),
        ]),
      ),
    ),
  ]);
}

/** What changes as answers arrive: the matrix, the counts, the downloads. */
export function staffView(round: Round, matrix: Matrix): HTMLElement[] {
  const late = matrix.organisations.filter((o) => o.late);
  const parts: HTMLElement[] = [
    section('round-matrix', 'roundStaff.matrixHeading', [el('div', { className: 'table-scroll', attrs: { tabindex: '0', role: 'group', 'aria-labelledby': 'round-matrix-heading' } }, [matrixTable(matrix, round.language)])]),
    section('round-counts', 'roundStaff.countsHeading', [
      el('ul', { className: 'stance-counts' }, [
        ...stances.map((s) =>
          el('li', { attrs: { 'data-stance': s } }, [
            plain('span', stanceIcon[s], { className: 'stance-icon', attrs: { 'aria-hidden': 'true' } }),
            document.createTextNode(' '),
            el('span', { text: stanceKey[s] }),
            document.createTextNode(': '),
            plain('strong', String(matrix.counts[s] ?? 0)),
          ]),
        ),
        el('li', { attrs: { 'data-stance': 'unanswered' } }, [el('span', { text: 'roundStaff.unansweredCount', params: { n: matrix.counts.unanswered ?? 0 } })]),
      ]),
      el('p', { className: 'late-list', text: late.length ? 'roundStaff.lateList' : 'roundStaff.noneLate', params: { names: late.map((o) => o.name).join(', ') } }),
      el('p', { className: 'followups-waiting', text: 'roundStaff.followUpsWaiting', params: { n: matrix.followUpsWaiting } }),
    ]),
    section('round-downloads', 'roundStaff.downloadsHeading', [
      el('ul', { className: 'export-links' }, [
        el('li', {}, [el('a', { text: 'roundStaff.csv', attrs: { href: apiPath`/api/rounds/${round.id}/export.csv`, download: '' } })]),
        el('li', {}, [el('a', { text: 'roundStaff.report', attrs: { href: apiPath`/api/rounds/${round.id}/report`, download: '' } })]),
      ]),
    ]),
  ];
  return parts;
}

/** What a coordinator does with the round (built once per state of the round, so live updates never reset a form). */
export function staffForms(ctx: AppContext, round: Round, reload: () => void): HTMLElement[] {
  if (round.state === 'open') return [extendSection(ctx, round, reload), closeSection(ctx, round, reload)];
  if (!round.review) return [reviewSection(ctx, round, reload)];
  return [];
}

function extendSection(ctx: AppContext, round: Round, reload: () => void): HTMLElement {
  const org = field({ name: 'extend-org', label: 'roundStaff.extendOrg', type: 'select', options: round.organisations.map((o) => ({ value: o.id, text: o.name })) });
  const when = field({ name: 'extend-deadline', label: 'roundStaff.extendDeadline', type: 'datetime-local', check: (v) => (v ? null : 'roundStaff.deadlineRequired') });
  const f = form({
    id: 'extend-form',
    fields: [org, when],
    submit: 'roundStaff.extend',
    onSubmit: async () => {
      await ctx.api.post(apiPath`/api/rounds/${round.id}/extensions`, { organisationId: org.value, deadline: localToRfc3339(when.value) });
      ctx.announce('roundStaff.extended', { name: round.organisations.find((o) => o.id === org.value)?.name ?? '' });
      reload();
    },
  });
  return section('round-extend', 'roundStaff.extendHeading', [
    el('ul', { className: 'org-deadlines' }, round.organisations.map((o) => el('li', {}, [plain('span', o.name), document.createTextNode(' · '), timeEl(o.deadline), ...(o.extended ? [document.createTextNode(' · '), el('span', { text: 'roundStaff.extendedMark' })] : [])]))),
    f.element,
  ]);
}

function closeSection(ctx: AppContext, round: Round, reload: () => void): HTMLElement {
  const host = el('div');
  const b = button('roundStaff.close', () => {
    void confirmDialog({ heading: 'roundStaff.closeConfirmHeading', text: 'roundStaff.closeConfirmText', confirm: 'roundStaff.closeConfirm', host }).then(async (yes) => {
      if (!yes) return;
      await ctx.api.post(apiPath`/api/rounds/${round.id}/close`);
      ctx.announce('roundStaff.closed');
      reload();
    });
  });
  return section('round-close', 'roundStaff.closeHeading', [el('p', { text: 'roundStaff.closeLead' }), b, host]);
}

function reviewSection(ctx: AppContext, round: Round, reload: () => void): HTMLElement {
  const due = field({ name: 'review-due', label: 'roundStaff.reviewDue', type: 'datetime-local', check: (v) => (v ? null : 'roundStaff.deadlineRequired') });
  const f = form({
    id: 'review-form',
    fields: [due],
    submit: 'roundStaff.openReview',
    onSubmit: async () => {
      await ctx.api.post(apiPath`/api/rounds/${round.id}/review`, { dueAt: localToRfc3339(due.value) });
      ctx.announce('roundStaff.reviewOpened');
      reload();
    },
  });
  return section('round-review', 'roundStaff.reviewHeading', [el('p', { text: 'roundStaff.reviewLead' }), f.element]);
}
