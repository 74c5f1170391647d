// The small marks every round page and the partner's home share: a stance
// or a commitment's status as a word with its icon (never colour alone), a
// due date, a round in a list. Kept apart from the pages, which load only
// when opened.
import { apiPath } from '../../api';
import { el, plain } from '../../dom';
import type { MessageKey } from '../../i18n';
import { stanceIcon, stanceKey, statusIcon, statusKey } from '../../rounds/answer';
import type { Answer, Commitment, Round, TextStatus } from '../../rounds/types';
import { timeEl } from '../people/common';

export const textStatusKey: Record<TextStatus, MessageKey> = {
  approved: 'roundPartner.statusApproved',
  pending: 'roundPartner.statusPending',
  held: 'roundPartner.statusHeld',
  changes_requested: 'roundPartner.statusChanges',
  hidden: 'roundPartner.statusHidden',
};

/** A stance as a word with its icon (never colour alone). */
export function stanceBadge(stance: Answer['stance'] | ''): HTMLElement {
  if (!stance) return el('span', { className: 'stance stance-none', text: 'stance.none' });
  return el('span', { className: `stance stance-${stance}` }, [
    plain('span', stanceIcon[stance], { className: 'stance-icon', attrs: { 'aria-hidden': 'true' } }),
    document.createTextNode(' '),
    el('span', { text: stanceKey[stance] }),
  ]);
}

/** A due date (YYYY-MM-DD) shown as a date in the current language. */
export function dueEl(date: string): HTMLTimeElement {
  return el('time', { attrs: { datetime: date }, time: `${date}T12:00:00`, timeStyle: 'date' });
}

export function statusBadge(s: Commitment['status']): HTMLElement {
  return el('span', { className: `commitment-status status-${s}` }, [
    plain('span', statusIcon[s], { className: 'stance-icon', attrs: { 'aria-hidden': 'true' } }),
    document.createTextNode(' '),
    el('span', { text: statusKey[s] }),
  ]);
}

/** One round in a list: its title (a link), state, deadline, and for partners what is still to answer. */
export function roundLine(r: Round, partner: boolean): HTMLLIElement {
  const deadline = partner && r.me?.deadline ? r.me.deadline : r.deadline;
  const parts: Node[] = [
    plain('a', r.title, { attrs: { href: apiPath`/rounds/${r.id}`, 'data-route': '', lang: r.language } }),
    document.createTextNode(' · '),
    el('span', { className: 'badge', text: r.state === 'open' ? 'round.stateOpen' : 'round.stateClosed' }),
  ];
  if (r.state === 'open') parts.push(document.createTextNode(' · '), el('span', { text: 'round.deadline' }), document.createTextNode(' '), timeEl(deadline));
  if (partner && r.state === 'open' && r.me?.unanswered !== undefined) parts.push(document.createTextNode(' · '), el('span', { text: 'roundPartner.unanswered', params: { n: r.me.unanswered } }));
  if (r.review) parts.push(document.createTextNode(' · '), el('span', { text: 'roundCommon.reviewDue' }), document.createTextNode(' '), timeEl(r.review.dueAt));
  return el('li', { className: 'round-line' }, parts);
}

