// One comment in the side panel: who and when, what it is about, its text;
// under a held or hidden one, what moderation says about it (heldComment);
// under someone else's, "Report".
import { el, plain } from '../../dom';
import type { PledgeComment } from '../../pledges/types';
import { timeEl } from '../people/common';
import { heldNote, needsNote } from './heldComment';

export interface CommentViewOptions {
  /** The signed-in person's account id. */
  me: string;
  /** The pledge's language. */
  language: string;
  nameOf(accountId: string): string;
  /** The author already sent a changed text back. */
  sentBack: boolean;
  save(text: string): Promise<void>;
  report(): void;
}

export function commentView(c: PledgeComment, opts: CommentViewOptions): HTMLElement {
  const mine = c.author === opts.me;
  const meta: Node[] = [plain('strong', opts.nameOf(c.author)), document.createTextNode(' · '), timeEl(c.at)];
  if (c.edited) meta.push(document.createTextNode(' '), el('span', { className: 'comment-edited', text: 'heldComment.edited' }));
  const parts: HTMLElement[] = [el('p', { className: 'comment-meta' }, meta)];
  if (c.anchorLost) parts.push(el('p', { className: 'anchor-lost', text: 'pledge.anchorLost' }));
  else if (c.anchor?.quote) parts.push(el('p', { className: 'comment-about' }, [el('span', { text: 'pledge.commentAbout' }), document.createTextNode(' '), plain('q', c.currentAnchor?.quote ?? c.anchor.quote, { attrs: { lang: opts.language } })]));
  parts.push(c.erased ? el('p', { className: 'comment-text comment-erased', text: 'pledge.commentErased' }) : plain('p', c.text, { className: 'comment-text' }));
  const held = needsNote(c);
  if (held) parts.push(heldNote({ comment: c, mine, sentBack: opts.sentBack, language: opts.language, save: opts.save }));
  else if (!mine) parts.push(el('div', { className: 'comment-tools' }, [reportButton(opts.nameOf(c.author), opts.report)]));
  return el('article', { className: `comment${held ? ' comment-held' : ''}`, attrs: { 'data-comment': c.id, 'data-held': String(held) } }, parts);
}

/** "Report", named with whose comment it is (several are on screen). */
function reportButton(name: string, report: () => void): HTMLButtonElement {
  const node = el('button', { className: 'button button-small report-button', attrs: { type: 'button' } }, [
    el('span', { text: 'report.button' }),
    document.createTextNode(' '),
    el('span', { className: 'visually-hidden', text: 'report.buttonWho', params: { name } }),
  ]);
  node.addEventListener('click', report);
  return node;
}
