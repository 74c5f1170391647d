// One partner's answer to an item as the panel reads it: who answered, the
// stance (word and icon), why, what they will do and by when, their proof
// links, and the follow-up questions with the partner's replies. For young
// people, the reactions (only their own is ever shown: rule 7) and a box
// to ask a follow-up; for the answering partner, a reply box per question.
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain } from '../../dom';
import type { MessageKey, Params } from '../../i18n';
import { limits, reactionKey } from '../../rounds/answer';
import { reactions, type Answer, type FollowUp, type Reaction } from '../../rounds/types';
import { button, errorParagraphs } from '../../ui/form';
import { timeEl } from '../people/common';
import { dueEl, stanceBadge, textStatusKey } from './marks';

export interface AnswerViewOptions {
  ctx: AppContext;
  roundId: string;
  language: string;
  /** Young people react and ask. */
  youth: boolean;
  /** The answering organisation replies to approved questions. */
  canReply: boolean;
}

let counter = 0;

export function answerView(a: Answer, o: AnswerViewOptions): HTMLElement {
  const id = `ans-${++counter}`;
  const lang = o.language;
  const parts: Node[] = [
    plain('h5', a.organisation.name, { attrs: { id: `${id}-org` } }),
    el('p', { className: 'answer-stance' }, [
      el('span', { text: 'roundYouth.stanceLabel' }),
      document.createTextNode(' '),
      stanceBadge(a.stance),
      ...(a.late ? [document.createTextNode(' '), el('span', { className: 'badge badge-late', text: 'roundYouth.late' })] : []),
    ]),
    plain('p', a.explanation, { className: 'answer-explanation', attrs: { lang } }),
  ];
  if (a.actions.length) {
    parts.push(
      el('h6', { text: 'roundYouth.actionsHeading' }),
      el('ul', { className: 'action-list' }, a.actions.map((x) => el('li', {}, [plain('span', x.text, { attrs: { lang } }), document.createTextNode(' '), el('span', { text: 'roundYouth.by' }), document.createTextNode(' '), dueEl(x.dueDate)]))),
    );
  }
  if (a.evidence.length) {
    parts.push(
      el('h6', { text: 'roundYouth.evidenceHeading' }),
      el('ul', { className: 'evidence-list' }, a.evidence.map((href) => el('li', {}, [plain('a', href, { attrs: { href, rel: 'noopener noreferrer nofollow', target: '_blank' } })]))),
    );
  }
  if (o.youth) parts.push(reactionBar(a, o, id));
  parts.push(followUps(a, o, id));
  return el('article', { className: 'round-answer', attrs: { 'aria-labelledby': `${id}-org`, 'data-answer': a.id } }, parts);
}

/** Three buttons; the pressed one is mine. Pressing it again takes it back. */
function reactionBar(a: Answer, o: AnswerViewOptions, id: string): HTMLElement {
  let mine: Reaction | undefined = a.myReaction;
  const alert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
  const buttons = new Map<Reaction, HTMLButtonElement>();
  const paint = () => {
    for (const [r, b] of buttons) b.setAttribute('aria-pressed', String(r === mine));
  };
  for (const r of reactions) {
    const b = button(reactionKey[r], () => {
      alert.replaceChildren();
      const path = apiPath`/api/rounds/${o.roundId}/answers/${a.id}/reaction`;
      const before = mine;
      mine = mine === r ? undefined : r;
      paint();
      const req = mine ? o.ctx.api.put(path, { reaction: mine }) : o.ctx.api.delete(path);
      req.catch((error: unknown) => {
        mine = before;
        paint();
        alert.replaceChildren(...errorParagraphs(error));
      });
    }, { className: 'button reaction' });
    buttons.set(r, b);
  }
  paint();
  return el('div', { className: 'reaction-bar' }, [
    el('p', { text: 'roundYouth.reactQuestion', attrs: { id: `${id}-react` } }),
    el('div', { className: 'reaction-buttons', attrs: { role: 'group', 'aria-labelledby': `${id}-react` } }, [...buttons.values()]),
    el('p', { className: 'field-hint', text: 'roundYouth.reactPrivate' }),
    alert,
  ]);
}

function followUps(a: Answer, o: AnswerViewOptions, id: string): HTMLElement {
  const list = el('ul', { className: 'followup-list' }, (a.followUps ?? []).map((f) => followUpView(f, o)));
  const none = el('p', { className: 'hint', text: 'roundYouth.noFollowUps' });
  none.hidden = (a.followUps ?? []).length > 0;
  const children: Node[] = [el('h6', { text: 'roundYouth.followUpsHeading' }), none, list];
  if (o.youth) children.push(askForm(a, o, id, list, none));
  return el('div', { className: 'followups' }, children);
}

function followUpView(f: FollowUp, o: AnswerViewOptions): HTMLLIElement {
  const replies = el('ul', { className: 'reply-list' }, f.replies.map((r) => el('li', { className: 'reply' }, [plain('strong', r.organisation), document.createTextNode(': '), plain('span', r.text, { attrs: { lang: o.language } }), ...(r.status !== 'approved' ? [document.createTextNode(' '), el('span', { className: 'badge badge-wait', text: textStatusKey[r.status] })] : [])])));
  const parts: Node[] = [
    el('p', { className: 'followup-text' }, [plain('strong', f.author), document.createTextNode(': '), plain('span', f.text), document.createTextNode(' · '), timeEl(f.at, 'relative')]),
  ];
  if (f.status !== 'approved') parts.push(el('p', { className: 'badge badge-wait', text: f.mine ? 'roundYouth.followUpWaiting' : textStatusKey[f.status] }));
  parts.push(replies);
  if (o.canReply && f.status === 'approved') parts.push(replyForm(f, o, replies));
  return el('li', { className: 'followup', attrs: { 'data-followup': f.id } }, parts);
}

let boxes = 0;

/** A labelled text box with a send button and an alert. */
function textForm(opts: { label: MessageKey; params?: Params; submit: MessageKey; max: number; send: (text: string) => Promise<void>; className: string }): HTMLFormElement {
  const n = ++boxes;
  const box = el('textarea', { attrs: { id: `${opts.className}-${n}`, rows: '2', maxlength: String(opts.max) } });
  const alert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
  const form = el('form', { className: `form ${opts.className}`, attrs: { novalidate: '' } }, [
    el('label', { text: opts.label, params: opts.params, attrs: { for: box.id } }),
    box,
    alert,
    el('div', { className: 'form-actions' }, [button(opts.submit, undefined, { type: 'submit', className: 'button button-primary' })]),
  ]);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    alert.replaceChildren();
    const text = box.value.trim();
    if (!text) {
      alert.replaceChildren(el('p', { text: 'roundYouth.empty' }));
      box.focus();
      return;
    }
    opts
      .send(text)
      .then(() => {
        box.value = '';
      })
      .catch((error: unknown) => alert.replaceChildren(...errorParagraphs(error)));
  });
  return form;
}

function askForm(a: Answer, o: AnswerViewOptions, _id: string, list: HTMLUListElement, none: HTMLElement): HTMLFormElement {
  return textForm({
    label: 'roundYouth.askLabel',
    params: { org: a.organisation.name },
    submit: 'roundYouth.ask',
    max: limits.followUp,
    className: 'ask-form',
    send: async (text) => {
      const r = await o.ctx.api.post<{ followUp: FollowUp }>(apiPath`/api/rounds/${o.roundId}/answers/${a.id}/followups`, { text });
      list.append(followUpView({ ...r.followUp, mine: true }, o));
      none.hidden = true;
      o.ctx.announce('roundYouth.asked');
    },
  });
}

function replyForm(f: FollowUp, o: AnswerViewOptions, replies: HTMLUListElement): HTMLFormElement {
  return textForm({
    label: 'roundPartner.replyLabel',
    params: { name: f.author },
    submit: 'roundPartner.reply',
    max: limits.reply,
    className: 'reply-form',
    send: async (text) => {
      const r = await o.ctx.api.post<{ reply: FollowUp['replies'][number] }>(apiPath`/api/rounds/${o.roundId}/followups/${f.id}/replies`, { text });
      replies.append(el('li', { className: 'reply' }, [plain('strong', r.reply.organisation), document.createTextNode(': '), plain('span', r.reply.text, { attrs: { lang: o.language } }), document.createTextNode(' '), el('span', { className: 'badge badge-wait', text: textStatusKey[r.reply.status] })]));
      o.ctx.announce('roundPartner.replied');
    },
  });
}
