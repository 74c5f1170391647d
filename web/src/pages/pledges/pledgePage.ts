// /pledges/:id: the pledge editor. Items are edited live with everyone else
// in the group (the pledge:<id> topic over /ws): remote edits appear in
// place, presence and typing show per item, the connection status is
// visible and polite, and nothing typed is lost while reconnecting. Beside
// the items: who can see this pledge (rule 8), the life cycle, export, and a
// side panel with each item's comments, proposed changes and history.
import { ApiError, apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain, setPlainText, setText } from '../../dom';
import { t, type MessageKey } from '../../i18n';
import { watcherNamedLines } from '../../people/consentText';
import type { GroupDetail } from '../../people/types';
import { LiveConnection, type LiveEvent, type LiveStatus, type PresenceMember } from '../../live/connection';
import type { Abilities, ItemField, PledgeComment, PledgeDetail, PledgeItem, PledgeState, PublishedDetail } from '../../pledges/types';
import type { Page, RouteParams } from '../../router';
import { confirmDialog, messageDialog } from '../../ui/dialog';
import { button, errorParagraphs } from '../../ui/form';
import { asyncPage, fill, routeLink, section, showProblem, signedInOrPrompt } from '../people/common';
import { applyItemEvent, ItemView } from './itemView';
import { showPublishedPledge } from './publishedPledge';
import { SidePanel } from './sidePanel';

export const stateKey: Record<PledgeState, MessageKey> = {
  draft: 'pledgeState.draft',
  in_review: 'pledgeState.inReview',
  published: 'pledgeState.published',
  in_round: 'pledgeState.inRound',
  closed: 'pledgeState.closed',
};

const statusKey: Record<LiveStatus, MessageKey> = {
  connecting: 'live.connecting',
  live: 'live.live',
  reconnecting: 'live.reconnecting',
  ended: 'live.ended',
};

/** A script's scene: who speaks, what happens and is said, and the same in plain words. */
const scriptLabels: Record<ItemField, MessageKey> = {
  heading: 'script.fieldSpeaker',
  text: 'script.fieldText',
  summary: 'script.fieldSummary',
};

export function pledgePage(ctx: AppContext, params: RouteParams): Page {
  const page = asyncPage('pledge.heading', 'pledge-page');
  const id = params.id ?? '';
  const load = async () => {
    const me = await signedInOrPrompt(ctx, page);
    if (!me) return;
    let detail: PledgeDetail | PublishedDetail;
    try {
      detail = await ctx.api.get<PledgeDetail | PublishedDetail>(apiPath`/api/pledges/${id}`);
    } catch (error) {
      showProblem(page, error, { link: 'pledge.notFoundHint' });
      return;
    }
    if (!('pledge' in detail) || !detail.pledge) {
      // Someone who may see only published versions (a partner): the newest one, read-only.
      if ('published' in detail && detail.published) showPublishedPledge(page, id, detail.published);
      else showProblem(page, new ApiError(403, null), {});
      return;
    }
    const names = new Map<string, string>();
    try {
      const group = await ctx.api.get<GroupDetail>(apiPath`/api/groups/${detail.pledge.groupId}`);
      for (const m of group.members) names.set(m.accountId, m.name);
    } catch {
      // Names are a nicety: without them people show as "someone".
    }
    names.set(me.account.id, me.account.displayName);
    if (page.life.disposed) return;
    const editor = page.life.own(new PledgeEditor(ctx, page.heading, page.body, detail, me.account.id, names));
    editor.start();
  };
  void load().catch((error: unknown) => showProblem(page, error));
  return page;
}

class PledgeEditor {
  private detail: PledgeDetail;
  private readonly views = new Map<string, ItemView>();
  private readonly list: HTMLOListElement;
  private readonly status: HTMLParagraphElement;
  private readonly hereNow: HTMLUListElement;
  private readonly stateEl: HTMLSpanElement;
  /** "Add item", shown only while the pledge may change. */
  private readonly addForm: HTMLElement;
  /** Why nothing can change now (with a moderator, with partners). */
  private readonly lockNote: HTMLElement;
  private readonly lifecycle: HTMLElement;
  private readonly panel: SidePanel;
  private readonly live: LiveConnection;
  private readonly errorBox: HTMLElement;
  /** Why a move of the life cycle failed (a pledge with personal data in its items cannot go to review), beside its buttons. */
  private readonly lifecycleError: HTMLElement;
  private presence: PresenceMember[] = [];
  private readonly typing = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly announced = new Map<string, number>();
  private refetching = false;
  /** A group video's script: scenes rather than items, and no life cycle. */
  private get script(): boolean {
    return this.detail.pledge.kind === 'script';
  }
  /** When the moderator's request for changes shown now was made ('' none; undefined: not drawn yet). */
  private changesSeen: string | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly heading: HTMLElement,
    private readonly body: HTMLElement,
    detail: PledgeDetail,
    private readonly me: string,
    private readonly names: Map<string, string>,
  ) {
    this.detail = detail;
    const p = detail.pledge;
    setPlainText(heading, p.title);
    heading.setAttribute('lang', p.language);
    this.status = el('p', { className: 'live-status', text: 'live.connecting', attrs: { role: 'status', id: 'live-status', 'data-status': 'connecting' } });
    this.hereNow = el('ul', { className: 'here-now' });
    this.stateEl = el('span', { className: 'badge', text: stateKey[p.state] });
    this.addForm = this.addItemForm();
    this.lockNote = el('p', { className: 'lock-note', attrs: { id: 'lock-note' } });
    this.showLock();
    this.lifecycle = el('div', { className: 'lifecycle' });
    this.errorBox = el('div', { className: 'form-error', attrs: { role: 'alert', id: 'editor-alert' } });
    this.lifecycleError = el('div', { className: 'form-error', attrs: { role: 'alert', id: 'lifecycle-alert' } });
    this.list = el('ol', { className: 'pledge-items', attrs: { 'aria-labelledby': 'items-heading' } });
    this.panel = new SidePanel({
      ctx,
      pledgeId: p.id,
      me,
      language: p.language,
      can: () => this.detail.can,
      editable: () => this.editable,
      nameOf: (accountId) => this.nameOf(accountId),
      host: body,
    });
    for (const item of detail.items) this.addView(item);
    this.renumber();

    const watchers = watcherNamedLines(detail.watchers);
    fill(body, [
      el('p', { className: 'lead pledge-meta' }, [
        el('span', { text: 'pledge.stateLabel' }),
        document.createTextNode(' '),
        this.stateEl,
        document.createTextNode(' · '),
        el('span', { text: 'pledge.languageLabel' }),
        document.createTextNode(' '),
        el('span', { languageOf: p.language }),
        document.createTextNode(' · '),
        routeLink(apiPath`/groups/${p.groupId}`, 'pledge.backToGroup'),
      ]),
      this.status,
      section('pledge-who-can-see', 'pledge.watchersHeading', [
        el('p', { text: 'pledge.watchersLead' }),
        el(
          'ul',
          { className: 'watcher-list' },
          watchers.length ? watchers.map((w) => el('li', { text: w.key, params: w.params })) : [el('li', { text: 'group.watchersOnlyGroup' })],
        ),
      ]),
      section('pledge-here', 'pledge.hereHeading', [this.hereNow]),
      this.errorBox,
      el('div', { className: 'editor-layout' }, [
        el('section', { className: 'items-column', attrs: { 'aria-labelledby': 'items-heading' } }, [
          el('h2', { text: this.script ? 'script.scenesHeading' : 'pledge.itemsHeading', attrs: { id: 'items-heading', tabindex: '-1' } }),
          el('p', { className: 'hint', text: this.script ? 'script.scenesHint' : 'pledge.itemsHint' }),
          this.lockNote,
          this.list,
          this.addForm,
        ]),
        this.panel.element,
      ]),
      // A script stays with its group: no review, no publishing.
      ...(this.script ? [] : [section('pledge-lifecycle', 'pledge.lifecycleHeading', [this.lifecycle, this.lifecycleError])]),
    ]);
    this.renderLifecycle();
    this.renderPresence();

    this.live = new LiveConnection({
      topic: `pledge:${p.id}`,
      refresh: () => ctx.api.refresh(),
      handlers: {
        onEvent: (ev) => this.onEvent(ev),
        onPresence: (members) => {
          this.presence = members;
          this.renderPresence();
        },
        onTyping: (accountId, itemId) => this.onTyping(accountId, itemId),
        onRefetch: () => void this.refetch(),
        onStatus: (s) => this.onStatus(s),
        onEnded: () => this.onStatus('ended'),
      },
    });
  }

  start(): void {
    this.live.start();
  }

  stop(): void {
    this.live.stop();
    this.panel.stop();
    for (const v of this.views.values()) v.stop();
    for (const t of this.typing.values()) clearTimeout(t);
  }

  private get editable(): boolean {
    const s = this.detail.pledge.state;
    return Boolean(this.detail.can.edit) && (s === 'draft' || s === 'published');
  }

  private nameOf(accountId: string): string {
    return this.names.get(accountId) ?? t('pledge.someone');
  }

  private addView(item: PledgeItem, at?: number): ItemView {
    const view = new ItemView({
      api: this.ctx.api,
      pledgeId: this.detail.pledge.id,
      language: this.detail.pledge.language,
      item,
      editable: this.editable,
      labels: this.script ? scriptLabels : undefined,
      edit: (e) => this.live.edit(e),
      onFocus: (itemId) => this.live.presence(itemId),
      onTyping: (itemId) => this.live.typing(itemId),
      onMove: (v, by) => void this.move(v, by),
      onRemove: (v) => void this.remove(v),
      onTool: (v, tool) => void this.panel.open(tool, v),
      onError: (error) => this.showError(error),
      onGap: () => void this.refetch(),
    });
    this.views.set(item.id, view);
    const before = at === undefined ? null : this.list.children[at] ?? null;
    this.list.insertBefore(view.element, before);
    return view;
  }

  private renumber(): void {
    const items = [...this.list.querySelectorAll<HTMLLIElement>(':scope > li')];
    items.forEach((li, i) => this.views.get(li.dataset.item ?? '')?.setPosition(i + 1, i === items.length - 1));
  }

  private order(ids: readonly string[]): void {
    const active = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    for (const itemId of ids) {
      const v = this.views.get(itemId);
      if (v) this.list.append(v.element);
    }
    this.renumber();
    if (active && active !== document.activeElement && active.isConnected) {
      if (active instanceof HTMLButtonElement && active.disabled) {
        const li = active.closest('li');
        li?.querySelector<HTMLButtonElement>('.item-tools button:not(:disabled)')?.focus();
      } else active.focus();
    }
  }

  private showError(error: unknown): void {
    this.errorBox.replaceChildren(...(error === null ? [] : errorParagraphs(error)));
  }

  // --- live ---

  private onStatus(s: LiveStatus): void {
    this.status.dataset.status = s;
    setText(this.status, statusKey[s]);
    if (s === 'live') for (const v of this.views.values()) v.flush();
    if (s !== 'live') {
      this.presence = [];
      this.renderPresence();
    }
  }

  private onEvent(ev: LiveEvent): void {
    const data = ev.data ?? {};
    const mine = ev.actor === this.me;
    switch (ev.event) {
      case 'pledge.item_edited': {
        const v = this.views.get(String(data.itemId));
        if (v && applyItemEvent(v, ev.event, data) && !mine) this.say(`edit:${v.id}:${ev.actor}`, 'pledge.announceEdited', { name: this.nameOf(ev.actor), n: v.position });
        break;
      }
      case 'pledge.item_added': {
        const item = data.item as PledgeItem | undefined;
        if (item && !this.views.has(item.id)) {
          this.addView(item);
          this.renumber();
          if (!mine) this.say(`add:${item.id}`, 'pledge.announceAdded', { name: this.nameOf(ev.actor) });
        }
        break;
      }
      case 'pledge.item_removed': {
        const v = this.views.get(String(data.itemId));
        if (v) {
          this.dropView(v);
          if (!mine) this.say(`rm:${v.id}`, 'pledge.announceRemoved', { name: this.nameOf(ev.actor) });
        }
        break;
      }
      case 'pledge.item_moved':
        if (Array.isArray(data.order)) this.order(data.order as string[]);
        break;
      case 'pledge.item_restored': {
        const item = data.item as PledgeItem | undefined;
        const v = item ? this.views.get(item.id) : undefined;
        if (v) applyItemEvent(v, ev.event, data);
        else if (item && !item.removed) void this.refetch();
        break;
      }
      case 'pledge.comment_added': {
        const c = data.comment as PledgeComment | undefined;
        if (c) {
          this.panel.commentAdded(c);
          const v = this.views.get(c.itemId);
          // A moderator who approves a held comment sends it out: it is still its author's comment.
          if (v && ev.actor !== c.author) this.say(`comment:${c.id}`, 'heldComment.approvedAnnounce', { n: v.position });
          else if (!mine && v) this.say(`comment:${c.id}`, 'pledge.announceComment', { name: this.nameOf(c.author), n: v.position });
        }
        break;
      }
      case 'pledge.comment_removed': {
        const v = this.views.get(String(data.itemId));
        if (this.panel.commentRemoved(String(data.commentId), String(data.itemId)) && v) {
          this.say(`comment-removed:${String(data.commentId)}`, 'heldComment.removedAnnounce', { n: v.position });
        }
        break;
      }
      case 'pledge.amendment_proposed':
      case 'pledge.amendment_decided':
      case 'pledge.amendment_removed': {
        const a = (data.amendment as { id?: string; itemId?: string } | undefined) ?? { id: data.amendmentId as string | undefined, itemId: data.itemId as string | undefined };
        this.panel.amendmentsChanged(String(a.itemId ?? ''), a.id);
        break;
      }
      case 'pledge.state_changed':
      case 'pledge.renamed':
        void this.refetch();
        break;
      default:
        break;
    }
  }

  /** Announces a remote change politely, at most once in 5 s for the same thing. */
  private say(key: string, message: MessageKey, params: Record<string, string | number>): void {
    const now = Date.now();
    if ((this.announced.get(key) ?? 0) > now - 5000) return;
    this.announced.set(key, now);
    this.ctx.announce(message, params);
  }

  private onTyping(accountId: string, itemId: string): void {
    if (accountId === this.me) return;
    const key = `${accountId}|${itemId}`;
    const old = this.typing.get(key);
    if (old) clearTimeout(old);
    this.typing.set(
      key,
      setTimeout(() => {
        this.typing.delete(key);
        this.renderPresence();
      }, 3000),
    );
    this.renderPresence();
  }

  private renderPresence(): void {
    const others = new Map<string, Set<string>>();
    for (const m of this.presence) {
      if (m.accountId === this.me) continue;
      const items = others.get(m.accountId) ?? new Set<string>();
      if (m.itemId) items.add(m.itemId);
      others.set(m.accountId, items);
    }
    for (const key of this.typing.keys()) {
      const [acc, item] = key.split('|');
      if (acc && item) others.set(acc, (others.get(acc) ?? new Set<string>()).add(item));
    }
    for (const v of this.views.values()) {
      const people: { name: string; typing: boolean }[] = [];
      for (const [acc, items] of others) {
        if (items.has(v.id)) people.push({ name: this.nameOf(acc), typing: this.typing.has(`${acc}|${v.id}`) });
      }
      v.setPresence(people);
    }
    const lines = [...others.keys()].map((acc) => plain('li', this.nameOf(acc)));
    this.hereNow.replaceChildren(...(lines.length ? lines : [el('li', { text: 'pledge.hereOnlyYou' })]));
  }

  /** Reloads the pledge over HTTP and brings every item in step (after a gap the socket could not replay). */
  private async refetch(): Promise<void> {
    if (this.refetching) return;
    this.refetching = true;
    try {
      const detail = await this.ctx.api.get<PledgeDetail>(apiPath`/api/pledges/${this.detail.pledge.id}`);
      if (!detail.pledge) return;
      const wasEditable = this.editable;
      this.detail = detail;
      setPlainText(this.heading, detail.pledge.title);
      setText(this.stateEl, stateKey[detail.pledge.state]);
      const ids = new Set(detail.items.map((i) => i.id));
      for (const v of [...this.views.values()]) if (!ids.has(v.id)) this.dropView(v);
      for (const item of detail.items) {
        const v = this.views.get(item.id);
        if (v) void v.reloaded(item);
        else this.addView(item);
      }
      this.order(detail.pledge.itemIds);
      this.renderLifecycle();
      if (wasEditable !== this.editable) {
        // Everything that changes the pledge locks together, live, on every open screen.
        for (const v of this.views.values()) v.setEditable(this.editable);
        this.addForm.hidden = !this.editable;
        this.showLock();
        if (!this.editable && detail.pledge.state === 'in_review') this.ctx.announce('pledge.lockedReview');
      }
    } catch {
      // The next event or reconnect tries again.
    } finally {
      this.refetching = false;
    }
  }

  private dropView(v: ItemView): void {
    const hadFocus = v.element.contains(document.activeElement);
    v.stop();
    v.element.remove();
    this.views.delete(v.id);
    this.panel.itemRemoved(v.id);
    this.renumber();
    if (hadFocus) document.getElementById('items-heading')?.focus();
  }

  /** Says in plain words why the pledge cannot change now, or nothing while it can. */
  private showLock(): void {
    const s = this.detail.pledge.state;
    const noModerator = this.detail.hasModerator === false;
    this.lockNote.hidden = (this.editable || !this.detail.can.edit) && !noModerator;
    if (noModerator) setText(this.lockNote, 'pledge.noModerator');
    else if (s === 'in_review') setText(this.lockNote, 'pledge.lockedReview');
    else setText(this.lockNote, stateTextKey(s));
  }

  // --- item actions ---

  private addItemForm(): HTMLElement {
    const input = el('input', { attrs: { id: 'new-item-heading', type: 'text', maxlength: '200', lang: this.detail.pledge.language } });
    const alert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
    const form = el('form', { className: 'add-item', attrs: { novalidate: '', id: 'add-item' } }, [
      el('label', { text: this.script ? 'script.newScene' : 'pledge.newItemHeading', attrs: { for: 'new-item-heading' } }),
      input,
      alert,
      el('div', { className: 'form-actions' }, [button(this.script ? 'script.addScene' : 'pledge.addItem', undefined, { type: 'submit', className: 'button button-primary' })]),
    ]);
    form.hidden = !this.editable;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const headingText = input.value.trim();
      if (!headingText) {
        alert.replaceChildren(el('p', { text: 'pledge.newItemEmpty' }));
        input.focus();
        return;
      }
      alert.replaceChildren();
      this.ctx.api
        .post<{ item: PledgeItem }>(apiPath`/api/pledges/${this.detail.pledge.id}/items`, { heading: headingText, text: '', summary: '' })
        .then(({ item }) => {
          input.value = '';
          const v = this.views.get(item.id) ?? this.addView(item);
          this.renumber();
          this.ctx.announce('pledge.itemAdded', { n: v.position });
          v.area('text')?.focus();
        })
        .catch((error: unknown) => alert.replaceChildren(...errorParagraphs(error)));
    });
    return form;
  }

  private async move(v: ItemView, by: -1 | 1): Promise<void> {
    const to = v.position - 1 + by;
    try {
      const { pledge } = await this.ctx.api.post<{ pledge: PledgeDetail['pledge'] }>(apiPath`/api/pledges/${this.detail.pledge.id}/items/${v.id}/move`, { position: to });
      this.order(pledge.itemIds);
      this.ctx.announce('pledge.moved', { n: v.position });
    } catch (error) {
      this.showError(error);
    }
  }

  private async remove(v: ItemView): Promise<void> {
    const yes = await confirmDialog({ heading: 'pledge.removeHeading', text: 'pledge.removeText', params: { n: v.position }, confirm: 'pledge.removeConfirm', host: this.body });
    if (!yes) return;
    try {
      await this.ctx.api.delete(apiPath`/api/pledges/${this.detail.pledge.id}/items/${v.id}`);
      const n = v.position;
      if (this.views.has(v.id)) this.dropView(v);
      document.getElementById('items-heading')?.focus();
      this.ctx.announce('pledge.removed', { n });
    } catch (error) {
      this.showError(error);
    }
  }

  // --- life cycle, export, endorsement ---

  private renderLifecycle(): void {
    const { pledge: p, can } = this.detail;
    const moves: { to: PledgeState; allowed: boolean | undefined; label: MessageKey; heading: MessageKey; text: MessageKey }[] = [
      { to: 'in_review', allowed: can.submit_review && p.state === 'draft', label: 'pledge.submitReview', heading: 'pledge.submitReviewHeading', text: 'pledge.submitReviewText' },
      { to: 'draft', allowed: can.request_changes && p.state === 'in_review', label: 'pledge.requestChanges', heading: 'pledge.requestChangesHeading', text: 'pledge.requestChangesText' },
      { to: 'published', allowed: can.publish && p.state === 'in_review', label: 'pledge.publish', heading: 'pledge.publishHeading', text: 'pledge.publishText' },
    ];
    const buttons = moves
      .filter((m) => m.allowed)
      .map((m) =>
        button(m.label, () => {
          // Sending back asks what to change: the group reads it on the pledge.
          const asked: Promise<string | null> =
            m.to === 'draft'
              ? messageDialog({ heading: m.heading, text: m.text, label: 'pledge.requestChangesLabel', empty: 'pledge.requestChangesEmpty', confirm: m.label, host: this.body })
              : confirmDialog({ heading: m.heading, text: m.text, confirm: m.label, host: this.body }).then((yes) => (yes ? '' : null));
          void asked.then(async (message) => {
            if (message === null) return;
            this.lifecycleError.replaceChildren();
            try {
              await this.ctx.api.post(apiPath`/api/pledges/${p.id}/transitions`, message ? { to: m.to, message } : { to: m.to });
              this.ctx.announce('pledge.stateChanged', {});
              await this.refetch();
            } catch (error) {
              // The server's detail says which items have personal data in them (409), next to the button.
              this.lifecycleError.replaceChildren(...errorParagraphs(error));
            }
          });
        }, { className: 'button button-primary' }),
      );
    const parts: HTMLElement[] = [el('p', { text: stateTextKey(p.state) })];
    const changes = p.state === 'draft' ? p.changesRequested : undefined;
    if (changes) {
      // What the moderator asked the group to change, until it goes to review again.
      parts.push(
        el('div', { className: 'changes-requested', attrs: { id: 'changes-requested', role: 'note', 'aria-labelledby': 'changes-requested-heading' } }, [
          el('h3', { text: 'pledge.changesRequestedHeading', attrs: { id: 'changes-requested-heading' } }),
          plain('p', changes.message, { className: 'changes-message' }),
        ]),
      );
    }
    if (changes && changes.at !== this.changesSeen && this.changesSeen !== undefined) this.ctx.announce('pledge.changesRequestedLive');
    this.changesSeen = changes?.at ?? '';
    if (buttons.length) parts.push(el('div', { className: 'form-actions' }, buttons));
    // Coordinators open a feedback round on the published version (issue 12).
    if (can.open_round && p.publishedVersions.length > 0) parts.push(el('p', {}, [routeLink(apiPath`/pledges/${p.id}/rounds/new`, 'roundList.openHeading', undefined, 'button')]));
    if (can.endorse) {
      const mine = Boolean(this.detail.endorsements?.endorsedByMe);
      const toggle = button('pledge.endorse', () => {
        const on = toggle.getAttribute('aria-pressed') !== 'true';
        const path = apiPath`/api/pledges/${p.id}/endorsements/me`;
        (on ? this.ctx.api.request('PUT', path) : this.ctx.api.delete(path))
          .then(() => {
            toggle.setAttribute('aria-pressed', String(on));
            this.detail.endorsements = { endorsedByMe: on };
            this.ctx.announce(on ? 'pledge.endorsed' : 'pledge.unendorsed');
          })
          .catch((error: unknown) => this.showError(error));
      });
      toggle.setAttribute('aria-pressed', String(mine));
      parts.push(el('p', {}, [toggle]));
    }
    if (can.export) {
      const base = apiPath`/api/pledges/${p.id}/export`;
      parts.push(
        el('ul', { className: 'export-links' }, [
          el('li', {}, [el('a', { text: 'pledge.exportMd', attrs: { href: `${base}?format=md`, download: '' } })]),
          el('li', {}, [el('a', { text: 'pledge.exportHtml', attrs: { href: `${base}?format=html`, download: '' } })]),
        ]),
      );
    }
    this.lifecycle.replaceChildren(...parts);
  }
}

function stateTextKey(s: PledgeState): MessageKey {
  switch (s) {
    case 'draft':
      return 'pledgeState.draftText';
    case 'in_review':
      return 'pledgeState.inReviewText';
    case 'published':
      return 'pledgeState.publishedText';
    case 'in_round':
      return 'pledgeState.inRoundText';
    default:
      return 'pledgeState.closedText';
  }
}

export type { Abilities };
