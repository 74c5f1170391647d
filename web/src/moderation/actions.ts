// Which decisions a case allows now (moderation/actions.go's transitions,
// mirrored so the page offers only buttons that can work; the server
// checks again) and the checks on a decision before it is sent.
import type { MessageKey, Params } from '../i18n';
import { maxReason, type CaseAbilities, type CaseStatus, type ModerationAction, type ModerationCase } from './types';

const from: Readonly<Record<ModerationAction, readonly CaseStatus[]>> = {
  approve: ['open', 'changes_requested', 'escalated'],
  request_changes: ['open', 'escalated', 'hidden'],
  hide: ['open', 'changes_requested', 'escalated', 'approved'],
  restore: ['open', 'changes_requested', 'escalated', 'hidden'],
  escalate: ['open', 'changes_requested', 'hidden'],
};

const order: readonly ModerationAction[] = ['approve', 'request_changes', 'hide', 'restore', 'escalate'];

/**
 * The actions the case's status allows, in a fixed order; restore only for
 * hidden content. With can (from the server), only those the person may
 * take: approving may need more than the other actions (rule 2).
 */
export function allowedActions(c: Pick<ModerationCase, 'status' | 'hiddenByModerator' | 'hiddenByReports'>, can?: Partial<CaseAbilities>): ModerationAction[] {
  const may = (a: ModerationAction) => !can || (a === 'approve' ? can.approve : a === 'restore' ? (can.restore ?? can.act) : can.act) !== false;
  return order.filter((a) => from[a].includes(c.status) && (a !== 'restore' || c.hiddenByModerator || c.hiddenByReports) && may(a));
}

export interface ActionProblem {
  field: 'reason' | 'message';
  key: MessageKey;
  params?: Params;
}

/** Checks a decision: a reason always, a message to the author for request_changes, each at most maxReason characters. */
export function checkAction(action: ModerationAction, reason: string, message: string): ActionProblem[] {
  const problems: ActionProblem[] = [];
  const length = (s: string) => [...s.trim()].length;
  if (!reason.trim()) problems.push({ field: 'reason', key: 'case.reasonRequired' });
  else if (length(reason) > maxReason) problems.push({ field: 'reason', key: 'case.tooLong', params: { max: maxReason } });
  if (action === 'request_changes') {
    if (!message.trim()) problems.push({ field: 'message', key: 'case.messageRequired' });
    else if (length(message) > maxReason) problems.push({ field: 'message', key: 'case.tooLong', params: { max: maxReason } });
  }
  return problems;
}

/** The body of POST /api/moderation/cases/:id/actions. */
export function actionBody(action: ModerationAction, reason: string, message: string): { action: ModerationAction; reason: string; message?: string } {
  return action === 'request_changes' ? { action, reason: reason.trim(), message: message.trim() } : { action, reason: reason.trim() };
}
