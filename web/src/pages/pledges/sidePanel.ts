// The side panel of the editor: for one item at a time, its comments (in
// threads, optionally about a part of the text), the proposed changes
// (amendments, with a diff and accept/decline for those who may decide) and
// the history (diffs between any two versions, and restore). Held comments
// and held amendments show their author why and what a moderator asked to
// change (heldComment, heldAmendment); a held amendment is never offered for
// acceptance; comments by others can be reported (reportDialog).
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain, setText } from '../../dom';
import type { MessageKey } from '../../i18n';
import { codePointToUtf16, utf16ToCodePoint, type DiffOp } from '../../pledges/text';
import type { Abilities, Amendment, ItemField, PledgeComment, Revision } from '../../pledges/types';
import { confirmDialog } from '../../ui/dialog';
import { button, errorParagraphs } from '../../ui/form';
import { reportDialog } from '../moderation/reportDialog';
import { timeEl } from '../people/common';
import { commentView } from './commentView';
import { amendmentNeedsNote, heldAmendmentNote, mayAccept } from './heldAmendment';
import { HeldWatch } from './heldWatch';
import type { ItemView } from './itemView';

export type Tool = 'comments' | 'amendments' | 'history';

const toolHeading: Record<Tool, MessageKey> = {
  comments: 'pledge.commentsHeading',
  amendments: 'pledge.amendmentsHeading',
  history: 'pledge.historyHeading',
};

export interface SidePanelOptions {
  ctx: AppContext;
  pledgeId: string;
  /** The signed-in person's account id. */
  me: string;
  language: string;
  can: () => Abilities;
  editable: () => boolean;
  nameOf(accountId: string): string;
  /** Where dialogs go. */
  host: HTMLElement;
  /** How often to look again while my comment waits for a moderator, in ms (no event tells its author). */
  heldPollMs?: number;
}

/** A diff shown with words, not only colour: added and removed parts are named for screen readers. */
export function diffView(ops: readonly DiffOp[], lang: string): HTMLElement {
  return el(
    'p',
    { className: 'diff', attrs: { lang } },
    ops.map((o) => {
      if (o.op === 'equal') return document.createTextNode(o.text);
      const tag = o.op === 'insert' ? 'ins' : 'del';
      return el(tag, {}, [el('span', { className: 'visually-hidden', text: o.op === 'insert' ? 'diff.added' : 'diff.removed' }), document.createTextNode(o.text)]);
    }),
  );
}

export class SidePanel {
  readonly element: HTMLElement;
  private readonly heading: HTMLHeadingElement;
  private readonly body: HTMLElement;
  private tool: Tool | null = null;
  private item: ItemView | null = null;
  private seq = 0;
  /** Comments and amendments whose author sent a changed text back (shown as such until a moderator answers). */
  private readonly sentBack = new Set<string>();
  private readonly held: HeldWatch;

  constructor(private readonly opts: SidePanelOptions) {
    this.held = new HeldWatch(opts.me, opts.heldPollMs ?? 10_000);
    this.heading = el('h2', { text: 'pledge.panelHeading', attrs: { id: 'side-panel-heading', tabindex: '-1' } });
    this.body = el('div', { className: 'side-panel-body' }, [el('p', { text: 'pledge.panelEmpty' })]);
    this.element = el('aside', { className: 'side-panel', attrs: { 'aria-labelledby': 'side-panel-heading', id: 'side-panel' } }, [this.heading, this.body]);
  }

  get current(): { tool: Tool; itemId: string } | null {
    return this.tool && this.item ? { tool: this.tool, itemId: this.item.id } : null;
  }

  /** Opens a tool for an item and moves focus to the panel's heading. */
  async open(tool: Tool, item: ItemView): Promise<void> {
    this.tool = tool;
    this.item = item;
    setText(this.heading, toolHeading[tool], { n: item.position });
    this.heading.focus();
    await this.reload();
  }

  /** The item is gone: say so. */
  itemRemoved(itemId: string): void {
    if (this.item?.id !== itemId) return;
    this.tool = null;
    this.item = null;
    setText(this.heading, 'pledge.panelHeading');
    this.body.replaceChildren(el('p', { text: 'pledge.panelItemRemoved' }));
  }

  /** Stops looking for moderators' answers (the page is left). */
  stop(): void {
    this.held.stop();
    this.tool = null;
  }

  /** Whether this item's comments are on screen. */
  showsComments(itemId: string): boolean {
    return this.tool === 'comments' && this.item?.id === itemId;
  }

  /**
   * A comment arrived live (new, or approved by a moderator): shown when this
   * item's comments are open; one shown as held is replaced.
   */
  commentAdded(comment: PledgeComment): void {
    if (!this.showsComments(comment.itemId)) return;
    const shown = this.body.querySelector<HTMLElement>(`[data-comment="${CSS.escape(comment.id)}"]`);
    if (shown && shown.dataset.held !== 'true') return;
    this.sentBack.delete(comment.id);
    void this.reload();
  }

  /** A moderator hid a comment: it leaves the list at once (with its answers, for a first comment). */
  commentRemoved(commentId: string, itemId: string): boolean {
    if (!this.showsComments(itemId)) return false;
    const shown = this.body.querySelector<HTMLElement>(`[data-comment="${CSS.escape(commentId)}"]`);
    if (!shown) return false;
    const gone = shown.closest<HTMLElement>('.comment-thread > .comment') === shown ? shown.closest<HTMLElement>('.comment-thread') : shown.closest('li');
    const hadFocus = gone?.contains(document.activeElement) ?? false;
    (gone ?? shown).remove();
    if (!this.body.querySelector('.comment-thread')) this.body.querySelector('.comment-threads')?.replaceWith(el('p', { className: 'empty', text: 'pledge.noComments' }));
    if (hadFocus) this.heading.focus();
    return true;
  }

  /** Amendments changed live (a moderator's answer about a held one among them). */
  amendmentsChanged(itemId: string, amendmentId?: string): void {
    if (amendmentId) this.sentBack.delete(amendmentId);
    if (this.showsAmendments(itemId)) void this.reload();
  }

  /** Whether this item's proposed changes are on screen. */
  showsAmendments(itemId: string): boolean {
    return this.tool === 'amendments' && this.item?.id === itemId;
  }

  async reload(): Promise<void> {
    const tool = this.tool;
    const item = this.item;
    if (!tool || !item) return;
    const mine = ++this.seq;
    this.held.stop();
    this.body.setAttribute('aria-busy', 'true');
    try {
      const content = tool === 'comments' ? await this.comments(item) : tool === 'amendments' ? await this.amendments(item) : await this.history(item);
      if (mine !== this.seq) return;
      this.body.replaceChildren(...content);
    } catch (error) {
      if (mine === this.seq) this.body.replaceChildren(el('div', { className: 'problem', attrs: { role: 'alert' } }, errorParagraphs(error)));
    } finally {
      if (mine === this.seq) this.body.removeAttribute('aria-busy');
    }
  }

  private base(item: ItemView): string {
    return apiPath`/api/pledges/${this.opts.pledgeId}/items/${item.id}`;
  }

  // --- comments ---

  private async fetchComments(item: ItemView): Promise<PledgeComment[]> {
    const { comments } = await this.opts.ctx.api.get<{ comments: PledgeComment[] | null }>(`${this.base(item)}/comments`);
    return comments ?? [];
  }

  private async comments(item: ItemView): Promise<HTMLElement[]> {
    const comments = await this.fetchComments(item);
    const seq = this.seq;
    this.held.watch(comments, () => this.fetchComments(item), (fresh) => {
      if (seq !== this.seq || !this.showsComments(item.id)) return 'stale';
      // Never throw away what someone is typing in the panel.
      const active = document.activeElement;
      if (active instanceof HTMLTextAreaElement && this.body.contains(active) && active.value.trim() !== '') return 'busy';
      this.body.replaceChildren(...this.commentList(item, fresh));
      return 'done';
    });
    return this.commentList(item, comments);
  }

  private commentList(item: ItemView, comments: readonly PledgeComment[]): HTMLElement[] {
    const threads = comments.filter((c) => !c.threadId);
    const list = el(
      'ul',
      { className: 'comment-threads' },
      threads.map((t) =>
        el('li', { className: 'comment-thread' }, [
          this.comment(item, t),
          el('ul', { className: 'comment-replies' }, comments.filter((c) => c.threadId === t.id).map((c) => el('li', {}, [this.comment(item, c)]))),
          ...(this.opts.can().comment ? [this.commentForm(item, t)] : []),
        ]),
      ),
    );
    return [
      ...(threads.length ? [list] : [el('p', { className: 'empty', text: 'pledge.noComments' })]),
      ...(this.opts.can().comment ? [this.commentForm(item, null)] : [el('p', { className: 'hint', text: 'pledge.commentsClosed' })]),
    ];
  }

  private comment(item: ItemView, c: PledgeComment): HTMLElement {
    return commentView(c, {
      me: this.opts.me,
      language: this.opts.language,
      nameOf: (id) => this.opts.nameOf(id),
      sentBack: this.sentBack.has(c.id),
      save: (text) => this.saveEdit(item, c, text),
      report: () => {
        void reportDialog({ api: this.opts.ctx.api, host: this.opts.host, contentType: 'pledge_comment', contentId: c.id, quote: c.text, quoteLang: this.opts.language }).then((answer) => {
          // Enough reports hide it from everyone but moderators: the list follows.
          if (answer?.hidden) void this.reload();
        });
      },
    });
  }

  /** The author changed a held comment: it goes back to the moderator. */
  private async saveEdit(item: ItemView, c: PledgeComment, text: string): Promise<void> {
    await this.opts.ctx.api.request<{ comment: PledgeComment }>('PATCH', apiPath`/api/pledges/${this.opts.pledgeId}/comments/${c.id}`, { body: { text } });
    this.sentBack.add(c.id);
    this.opts.ctx.announce('heldComment.sentBack');
    if (this.showsComments(item.id)) await this.reload();
    // The form is gone: focus goes to the comment's note, which now says it was sent back.
    this.body.querySelector<HTMLElement>(`[data-comment="${CSS.escape(c.id)}"] .held-note`)?.focus();
  }

  private commentForm(item: ItemView, thread: PledgeComment | null): HTMLElement {
    const id = thread ? `reply-${thread.id}` : `comment-new-${item.id}`;
    const area = el('textarea', { attrs: { id, rows: thread ? '2' : '3', maxlength: '2000' } });
    const alert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
    // A new thread may be about the text selected in the item.
    const sel = thread ? null : anchorOf(item);
    const anchorBox = sel ? el('input', { attrs: { type: 'checkbox', id: `${id}-anchor`, checked: '' } }) : null;
    const submit = button(thread ? 'pledge.reply' : 'pledge.addComment', undefined, { type: 'submit', className: 'button button-primary' });
    const form = el('form', { className: 'comment-form', attrs: { novalidate: '' } }, [
      el('label', { text: thread ? 'pledge.replyLabel' : 'pledge.commentLabel', params: { name: thread ? this.opts.nameOf(thread.author) : '' }, attrs: { for: id } }),
      area,
      ...(sel && anchorBox
        ? [el('div', { className: 'checkbox' }, [anchorBox, el('label', { attrs: { for: anchorBox.id } }, [el('span', { text: 'pledge.anchorTo' }), document.createTextNode(' '), plain('q', sel.quote, { attrs: { lang: this.opts.language } })])])]
        : []),
      alert,
      el('div', { className: 'form-actions' }, [submit]),
    ]);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = area.value.trim();
      if (!text) {
        alert.replaceChildren(el('p', { text: 'pledge.commentEmpty' }));
        area.focus();
        return;
      }
      const body: Record<string, unknown> = { text };
      if (thread) body.threadId = thread.id;
      if (sel && anchorBox?.checked) body.anchor = { version: sel.version, start: sel.start, end: sel.end };
      submit.setAttribute('aria-disabled', 'true');
      this.opts.ctx.api
        .post<{ comment: PledgeComment }>(`${this.base(item)}/comments`, body)
        .then(async ({ comment }) => {
          // A held comment is said to be waiting, in the status live region, so screen readers hear it.
          this.opts.ctx.announce(comment?.held ? 'heldComment.announce' : 'pledge.commentSent');
          await this.reload();
          this.body.querySelector<HTMLTextAreaElement>(`#comment-new-${CSS.escape(item.id)}`)?.focus();
        })
        .catch((error: unknown) => alert.replaceChildren(...errorParagraphs(error)))
        .finally(() => submit.removeAttribute('aria-disabled'));
    });
    return form;
  }

  // --- amendments ---

  private async fetchAmendments(item: ItemView): Promise<Amendment[]> {
    const { amendments } = await this.opts.ctx.api.get<{ amendments: Amendment[] | null }>(`${this.base(item)}/amendments`);
    return amendments ?? [];
  }

  private async amendments(item: ItemView): Promise<HTMLElement[]> {
    const amendments = await this.fetchAmendments(item);
    const seq = this.seq;
    // A moderator's request for changes sends no event to the author: look again while mine waits.
    this.held.watch(amendments, () => this.fetchAmendments(item), (fresh) => {
      if (seq !== this.seq || !this.showsAmendments(item.id)) return 'stale';
      const active = document.activeElement;
      if ((active instanceof HTMLTextAreaElement || active instanceof HTMLInputElement) && this.body.contains(active) && active.value.trim() !== '') return 'busy';
      this.body.replaceChildren(...this.amendmentList(item, fresh));
      return 'done';
    });
    return this.amendmentList(item, amendments);
  }

  private amendmentList(item: ItemView, amendments: readonly Amendment[]): HTMLElement[] {
    const can = this.opts.can();
    const list = el('ul', { className: 'amendment-list' }, amendments.map((a) => this.amendment(item, a)));
    return [amendments.length ? list : el('p', { className: 'empty', text: 'pledge.noAmendments' }), ...(can.amend && this.opts.editable() ? [this.amendForm(item)] : [])];
  }

  private amendment(item: ItemView, a: Amendment): HTMLElement {
    const can = this.opts.can();
    const held = amendmentNeedsNote(a);
    const mine = a.author === this.opts.me;
    const controls: HTMLElement[] = [];
    if (a.state === 'open' && can.amendment_decide) {
      // A held amendment cannot be accepted (the server says 409): only declined.
      controls.push(
        el('div', { className: 'form-actions' }, [
          ...(mayAccept(a) ? [button('pledge.accept', () => void this.decide(a, true), { className: 'button button-primary' })] : []),
          button('pledge.decline', () => void this.decide(a, false)),
        ]),
      );
    }
    return el('li', { className: `amendment${held ? ' amendment-held' : ''}`, attrs: { 'data-amendment': a.id, 'data-held': String(held) } }, [
      el('p', { className: 'amendment-meta' }, [
        plain('strong', this.opts.nameOf(a.author)),
        document.createTextNode(' · '),
        el('span', { text: fieldKey(a.field) }),
        document.createTextNode(' · '),
        el('span', { className: `badge badge-${a.state}`, text: amendmentStateKey(a.state) }),
        ...(a.edited ? [document.createTextNode(' '), el('span', { className: 'comment-edited', text: 'heldComment.edited' })] : []),
      ]),
      ...(a.reason ? [plain('p', a.reason, { className: 'amendment-reason' })] : []),
      diffView(a.diff ?? [{ op: 'delete', text: a.baseText }, { op: 'insert', text: a.text }], this.opts.language),
      ...(held ? [heldAmendmentNote({ amendment: a, mine, sentBack: this.sentBack.has(a.id), language: this.opts.language, save: (text, reason) => this.saveAmendmentEdit(item, a, text, reason) })] : []),
      ...controls,
    ]);
  }

  /** The author rewrote a held amendment: it goes back to the moderator. */
  private async saveAmendmentEdit(item: ItemView, a: Amendment, text: string, reason: string): Promise<void> {
    await this.opts.ctx.api.request<{ amendment: Amendment }>('PATCH', apiPath`/api/pledges/${this.opts.pledgeId}/amendments/${a.id}`, { body: { text, reason } });
    this.sentBack.add(a.id);
    this.opts.ctx.announce('heldComment.sentBack');
    if (this.showsAmendments(item.id)) await this.reload();
    this.body.querySelector<HTMLElement>(`[data-amendment="${CSS.escape(a.id)}"] .held-note`)?.focus();
  }

  private async decide(a: Amendment, accept: boolean): Promise<void> {
    try {
      await this.opts.ctx.api.post(apiPath`/api/pledges/${this.opts.pledgeId}/amendments/${a.id}/decision`, { accept });
      this.opts.ctx.announce(accept ? 'pledge.accepted' : 'pledge.declined');
      await this.reload();
    } catch (error) {
      this.body.prepend(el('div', { className: 'problem', attrs: { role: 'alert' } }, errorParagraphs(error)));
    }
  }

  private amendForm(item: ItemView): HTMLElement {
    const fieldSel = el('select', { attrs: { id: 'amend-field' } }, (['text', 'summary', 'heading'] as const).map((f) => el('option', { text: fieldKey(f), attrs: { value: f } })));
    const area = el('textarea', { attrs: { id: 'amend-text', rows: '4', lang: this.opts.language } });
    area.value = item.value('text');
    fieldSel.addEventListener('change', () => (area.value = item.value(fieldSel.value as ItemField)));
    const reason = el('input', { attrs: { id: 'amend-reason', type: 'text', maxlength: '500' } });
    const alert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
    const form = el('form', { className: 'amend-form', attrs: { novalidate: '' } }, [
      el('h3', { text: 'pledge.proposeHeading' }),
      el('label', { text: 'pledge.amendField', attrs: { for: 'amend-field' } }),
      fieldSel,
      el('label', { text: 'pledge.amendText', attrs: { for: 'amend-text' } }),
      area,
      el('label', { text: 'pledge.amendReason', attrs: { for: 'amend-reason' } }),
      reason,
      alert,
      el('div', { className: 'form-actions' }, [button('pledge.propose', undefined, { type: 'submit', className: 'button button-primary' })]),
    ]);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.opts.ctx.api
        .post<{ amendment?: Amendment }>(`${this.base(item)}/amendments`, { field: fieldSel.value, text: area.value, reason: reason.value })
        .then((answer) => {
          // A held proposal is said to be waiting, in the status live region.
          this.opts.ctx.announce(answer?.amendment?.held ? 'heldAmendment.announce' : 'pledge.proposed');
          return this.reload();
        })
        .catch((error: unknown) => alert.replaceChildren(...errorParagraphs(error)));
    });
    return form;
  }

  // --- history ---

  private async history(item: ItemView): Promise<HTMLElement[]> {
    const { revisions } = await this.opts.ctx.api.get<{ revisions: Revision[] }>(`${this.base(item)}/history`);
    const versions = revisions.map((r) => r.version);
    const newest = versions.length ? Math.max(...versions) : 1;
    const pick = (id: string, label: MessageKey, value: number) => {
      const select = el(
        'select',
        { attrs: { id } },
        revisions.map((r) => el('option', { text: 'pledge.versionOption', params: { v: r.version, who: this.opts.nameOf(r.author) }, attrs: { value: String(r.version) } })),
      );
      select.value = String(value);
      return { select, label: el('label', { text: label, attrs: { for: id } }) };
    };
    const from = pick('history-from', 'pledge.compareFrom', Math.max(1, newest - 1));
    const to = pick('history-to', 'pledge.compareTo', newest);
    const fieldSel = el('select', { attrs: { id: 'history-field' } }, (['text', 'heading', 'summary'] as const).map((f) => el('option', { text: fieldKey(f), attrs: { value: f } })));
    const out = el('div', { className: 'history-diff', attrs: { 'aria-live': 'polite' } });
    const compare = el('form', { className: 'history-compare', attrs: { novalidate: '' } }, [
      el('div', { className: 'compare-row' }, [
        el('div', {}, [from.label, from.select]),
        el('div', {}, [to.label, to.select]),
        el('div', {}, [el('label', { text: 'pledge.compareField', attrs: { for: 'history-field' } }), fieldSel]),
      ]),
      el('div', { className: 'form-actions' }, [button('pledge.compare', undefined, { type: 'submit', className: 'button button-primary' })]),
      out,
    ]);
    compare.addEventListener('submit', (event) => {
      event.preventDefault();
      const q = `?field=${encodeURIComponent(fieldSel.value)}&from=${from.select.value}&to=${to.select.value}`;
      this.opts.ctx.api
        .get<{ diff: { ops: DiffOp[] } }>(`${this.base(item)}/diff${q}`)
        .then(({ diff }) => out.replaceChildren(diffView(diff.ops, this.opts.language)))
        .catch((error: unknown) => out.replaceChildren(...errorParagraphs(error)));
    });
    const list = el(
      'ol',
      { className: 'revision-list', attrs: { reversed: '' } },
      [...revisions].reverse().map((r) =>
        el('li', { attrs: { 'data-version': String(r.version) } }, [
          el('p', {}, [
            el('span', { text: 'pledge.versionLine', params: { v: r.version, who: this.opts.nameOf(r.author) } }),
            document.createTextNode(' · '),
            timeEl(r.at),
          ]),
          ...(this.opts.can().edit && this.opts.editable() && r.version !== newest && !r.removed
            ? [button('pledge.restore', () => void this.restore(item, r), { params: { v: r.version } })]
            : []),
        ]),
      ),
    );
    return [compare, el('h3', { text: 'pledge.versionsHeading' }), list];
  }

  private async restore(item: ItemView, r: Revision): Promise<void> {
    const yes = await confirmDialog({ heading: 'pledge.restoreHeading', text: 'pledge.restoreText', params: { v: r.version }, confirm: 'pledge.restoreConfirm', host: this.opts.host });
    if (!yes) return;
    try {
      await this.opts.ctx.api.post(`${this.base(item)}/restore`, { version: r.version });
      this.opts.ctx.announce('pledge.restored', { v: r.version });
      await this.reload();
    } catch (error) {
      this.body.prepend(el('div', { className: 'problem', attrs: { role: 'alert' } }, errorParagraphs(error)));
    }
  }
}

function fieldKey(f: ItemField): MessageKey {
  return f === 'heading' ? 'pledge.fieldNameHeading' : f === 'summary' ? 'pledge.fieldNameSummary' : 'pledge.fieldNameText';
}

function amendmentStateKey(state: Amendment['state']): MessageKey {
  return state === 'accepted' ? 'pledge.amendmentAccepted' : state === 'declined' ? 'pledge.amendmentDeclined' : 'pledge.amendmentOpen';
}

/** The text selected in an item, as an anchor on the server's version (code points), when it can be one. */
function anchorOf(item: ItemView): { version: number; start: number; end: number; quote: string } | null {
  const sel = item.selection;
  const confirmed = item.confirmed('text');
  if (!sel || !confirmed) return null;
  const shown = item.value('text');
  const quote = shown.slice(sel.start, sel.end);
  if (!quote.trim()) return null;
  // Unsent typing may have shifted the text: find the quote in the server's version.
  let start = shown === confirmed.text ? sel.start : confirmed.text.indexOf(quote);
  if (start < 0) return null;
  if (confirmed.text.slice(start, start + quote.length) !== quote) start = confirmed.text.indexOf(quote);
  if (start < 0) return null;
  const cpStart = utf16ToCodePoint(confirmed.text, start);
  const cpEnd = utf16ToCodePoint(confirmed.text, start + quote.length);
  // Sanity: the code points name the same text.
  if (confirmed.text.slice(codePointToUtf16(confirmed.text, cpStart), codePointToUtf16(confirmed.text, cpEnd)) !== quote) return null;
  return { version: confirmed.version, start: cpStart, end: cpEnd, quote };
}
