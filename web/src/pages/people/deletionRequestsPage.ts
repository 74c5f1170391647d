// /deletion-requests (coordinators): the open deletion requests guardians
// made for young people in the coordinator's panels, the one due first
// first, with the date the law sets (one month), and the erasure on the
// guardian's behalf, which needs a reason kept in the audit trail.
import { apiPath } from '../../api';
import type { Reply, Schemas } from '../../openapi/types';
import type { AppContext } from '../../context';
import { el, plain } from '../../dom';
import type { Page } from '../../router';
import { confirmDialog } from '../../ui/dialog';
import { field, form } from '../../ui/form';
import { asyncPage, fill, showProblem, signedInOrPrompt, timeEl } from './common';

export type DeletionRequest = Schemas['DeletionRequest'];

/** Whole days from now until iso (negative once past). */
export function daysUntil(iso: string, now: Date = new Date()): number {
  return Math.ceil((Date.parse(iso) - now.getTime()) / 86_400_000);
}

function requestItem(ctx: AppContext, page: Page, r: DeletionRequest, onErased: () => void): HTMLElement {
  const days = daysUntil(r.dueAt);
  const reason = field(
    {
      name: `reason-${r.id}`,
      label: 'deletionRequests.reason',
      hint: 'deletionRequests.reasonHint',
      attrs: { maxlength: '1000' },
      value: '',
      check: (x) => (x.trim() === '' ? 'deletionRequests.reasonRequired' : null),
    },
    '',
  );
  const f = form({
    id: `erase-${r.id}`,
    fields: [reason],
    submit: 'deletionRequests.erase',
    className: 'danger-zone',
    onSubmit: async () => {
      const yes = await confirmDialog({
        host: page.element,
        heading: 'deletionRequests.confirmHeading',
        text: 'deletionRequests.confirmText',
        params: { name: r.name },
        confirm: 'deletionRequests.confirm',
      });
      if (!yes) return;
      await ctx.api.post(apiPath`/api/accounts/${r.accountId}/erase`, { reason: reason.value.trim() });
      ctx.announce('deletionRequests.done', { name: r.name });
      onErased();
    },
  });
  return el('li', { className: 'deletion-request', attrs: { 'data-account': r.accountId } }, [
    plain('h2', r.name),
    el('dl', { className: 'facts' }, [
      el('dt', { text: 'deletionRequests.panel' }),
      plain('dd', r.panelName),
      el('dt', { text: 'deletionRequests.requested' }),
      el('dd', {}, [timeEl(r.requestedAt)]),
      el('dt', { text: 'deletionRequests.due' }),
      el('dd', {}, [
        timeEl(r.dueAt, 'date'),
        document.createTextNode(' '),
        el('strong', {
          className: r.overdue ? 'badge badge-no' : 'badge badge-wait',
          text: r.overdue ? 'deletionRequests.overdue' : 'deletionRequests.daysLeft',
          params: { n: Math.max(days, 0) },
        }),
      ]),
      el('dt', { text: 'deletionRequests.reminder' }),
      r.remindedAt ? el('dd', {}, [timeEl(r.remindedAt)]) : el('dd', { text: 'deletionRequests.noReminderYet' }),
    ]),
    f.element,
  ]);
}

export function deletionRequestsPage(ctx: AppContext): Page {
  const page = asyncPage('deletionRequests.heading', 'deletion-requests-page');
  const load = async (): Promise<void> => {
    if (!(await signedInOrPrompt(ctx, page))) return;
    const { requests } = await ctx.api.get<Reply<'/api/deletion-requests', 'get'>>('/api/deletion-requests');
    fill(page.body, [
      el('p', { className: 'lead', text: 'deletionRequests.lead' }),
      requests.length
        ? el(
            'ul',
            { className: 'deletion-requests' },
            requests.map((r) => requestItem(ctx, page, r, () => void load().catch((error: unknown) => showProblem(page, error)))),
          )
        : el('p', { className: 'none', text: 'deletionRequests.none' }),
    ]);
  };
  void load().catch((error: unknown) => showProblem(page, error, { forbidden: 'deletionRequests.forbiddenHint' }));
  return page;
}
