// A partner's answer without the DOM: the checks the server makes too (so
// the form says what is wrong next to the field before anything is sent),
// and how stances, reactions and statuses are named and marked. A stance is
// always its word and an icon, never a colour alone.
import type { MessageKey, Params } from '../i18n';
import type { AnswerBody, CommitmentStatus, Rating, Reaction, Stance } from './types';

export const limits = { explanation: 4000, actions: 10, actionText: 500, evidence: 10, link: 500, followUp: 500, reply: 2000, note: 2000, reason: 500, question: 500 } as const;

export const stanceKey: Record<Stance, MessageKey> = {
  commit: 'stance.commit',
  partly: 'stance.partly',
  exploring: 'stance.exploring',
  decline: 'stance.decline',
};
/** A shape per stance (shown beside its word, hidden from screen readers, which read the word). */
export const stanceIcon: Record<Stance, string> = { commit: '✔', partly: '◐', exploring: '?', decline: '✖' };

export const reactionKey: Record<Reaction, MessageKey> = { clear: 'roundYouth.reactClear', not_clear: 'roundYouth.reactNotClear', want_more: 'roundYouth.reactWantMore' };
export const statusKey: Record<CommitmentStatus, MessageKey> = {
  planned: 'commitment.planned',
  in_progress: 'commitment.inProgress',
  done: 'commitment.done',
  dropped: 'commitment.dropped',
};
export const statusIcon: Record<CommitmentStatus, string> = { planned: '○', in_progress: '◐', done: '✔', dropped: '✖' };
export const ratingKey: Record<Rating, MessageKey> = { kept: 'roundYouth.rateKept', partly: 'roundYouth.ratePartly', not_yet: 'roundYouth.rateNotYet' };

/** A problem with one part of an answer: which part (for the field), and what to say. */
export interface AnswerProblem {
  /** "stance", "explanation", "action-<i>-text", "action-<i>-due", "evidence-<i>", "actions", "evidence". */
  field: string;
  key: MessageKey;
  params?: Params;
}

/** Whether s is an https URL with a host (javascript:, data:, http: are not). */
export function isHttpsUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' && u.hostname !== '' && s.length <= limits.link;
  } catch {
    return false;
  }
}

/** today as YYYY-MM-DD in local time. */
export function localDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The latest due date accepted: five years from today. */
export function latestDue(now: Date): string {
  const d = new Date(now);
  d.setFullYear(d.getFullYear() + 5);
  return localDate(d);
}

/**
 * What is wrong with body, to submit it (submit: true) or to keep it as a
 * draft (only limits: a draft may be unfinished).
 */
export function answerProblems(body: AnswerBody, submit: boolean, now: Date = new Date()): AnswerProblem[] {
  const out: AnswerProblem[] = [];
  if (submit && !body.stance) out.push({ field: 'stance', key: 'roundPartner.stanceRequired' });
  const explanation = body.explanation.trim();
  if (submit && !explanation) out.push({ field: 'explanation', key: 'roundPartner.explanationRequired' });
  if ([...body.explanation].length > limits.explanation) out.push({ field: 'explanation', key: 'roundPartner.tooLong', params: { max: limits.explanation } });
  if (body.actions.length > limits.actions) out.push({ field: 'actions', key: 'roundPartner.tooManyActions', params: { max: limits.actions } });
  const today = localDate(now);
  const latest = latestDue(now);
  body.actions.forEach((a, i) => {
    if (!a.text.trim()) {
      if (submit) out.push({ field: `action-${i}-text`, key: 'roundPartner.actionTextRequired' });
    } else if ([...a.text].length > limits.actionText) out.push({ field: `action-${i}-text`, key: 'roundPartner.tooLong', params: { max: limits.actionText } });
    if (!a.dueDate) {
      if (submit) out.push({ field: `action-${i}-due`, key: 'roundPartner.dueRequired' });
    } else if (!/^\d{4}-\d{2}-\d{2}$/.test(a.dueDate) || a.dueDate <= today) out.push({ field: `action-${i}-due`, key: 'roundPartner.dueAfterToday' });
    else if (a.dueDate > latest) out.push({ field: `action-${i}-due`, key: 'roundPartner.dueTooLate' });
  });
  if (body.evidence.length > limits.evidence) out.push({ field: 'evidence', key: 'roundPartner.tooManyLinks', params: { max: limits.evidence } });
  body.evidence.forEach((link, i) => {
    if (link.trim() && !isHttpsUrl(link.trim())) out.push({ field: `evidence-${i}`, key: 'roundPartner.httpsOnly' });
  });
  return out;
}

/** The body as sent: trimmed, empty links and empty actions (in a draft) left out. */
export function cleanBody(body: AnswerBody): AnswerBody {
  return {
    stance: body.stance,
    explanation: body.explanation.trim(),
    actions: body.actions.map((a) => ({ text: a.text.trim(), dueDate: a.dueDate })).filter((a) => a.text || a.dueDate),
    evidence: body.evidence.map((l) => l.trim()).filter(Boolean),
  };
}

/** Whether a deadline has passed at now. */
export function isPast(iso: string, now: Date = new Date()): boolean {
  return Date.parse(iso) <= now.getTime();
}
