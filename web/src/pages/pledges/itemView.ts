// One pledge item in the editor: its heading, text and child-friendly
// summary as labelled text areas kept live with the server (FieldSync), who
// else is on it or typing, the plain-language check, what screening found
// (screenWarning), and its tools.
import { ApiError, apiPath, type ApiClient } from '../../api';
import { el, plain, setText } from '../../dom';
import type { MessageKey } from '../../i18n';
import { type as textType, type TextOp } from 'ot-text-unicode';
import { FieldSync, throttle, type AppliedOp } from '../../pledges/fieldSync';
import { byteToUtf16, mapThrough, utf16ToCodePoint } from '../../pledges/text';
import { itemFields, type ItemField, type PledgeItem, type ReadabilityReport, type Revision, type ScreeningHit } from '../../pledges/types';
import { button } from '../../ui/form';
import { ScreenWarning } from './screenWarning';

/** Names this page's editors, so that each field's operations are told apart from everyone else's. */
const editorId = Math.random().toString(36).slice(2, 10) + Date.now().toString(36);

const fieldLabel: Record<ItemField, MessageKey> = {
  heading: 'pledge.fieldHeading',
  text: 'pledge.fieldText',
  summary: 'pledge.fieldSummary',
};

const bandKey: Record<string, MessageKey> = {
  very_easy: 'readability.veryEasy',
  easy: 'readability.easy',
  fairly_easy: 'readability.fairlyEasy',
  standard: 'readability.standard',
  fairly_difficult: 'readability.fairlyDifficult',
  difficult: 'readability.difficult',
  very_difficult: 'readability.veryDifficult',
  no_text: 'readability.noText',
};

export interface ItemViewOptions {
  api: ApiClient;
  pledgeId: string;
  language: string;
  item: PledgeItem;
  editable: boolean;
  /** The fields' labels ({n}: the item's number); a pledge's by default, a script's scenes have their own. */
  labels?: Record<ItemField, MessageKey>;
  /**
   * Sends an edit over the live socket; rejects with a network error when
   * it is not live (then the edit goes over HTTP).
   */
  edit(e: { itemId: string; field: ItemField; base: number; op: TextOp; client: string; seq: number }): Promise<number>;
  /** The person moved into this item (focus). */
  onFocus(itemId: string): void;
  /** The person typed in this item. */
  onTyping(itemId: string): void;
  onMove(view: ItemView, by: -1 | 1): void;
  onRemove(view: ItemView): void;
  onTool(view: ItemView, tool: 'comments' | 'amendments' | 'history'): void;
  onError(error: unknown): void;
  /** An edit of this item is missing from the live feed: read the pledge again. */
  onGap?(): void;
}

interface FieldView {
  area: HTMLTextAreaElement;
  sync: FieldSync;
  check?: ReadabilityCheck;
  warning: ScreenWarning;
}

export class ItemView {
  readonly id: string;
  readonly element: HTMLLIElement;
  readonly headingEl: HTMLHeadingElement;
  readonly moveUp: HTMLButtonElement;
  /** Move up, Move down and Remove: only while the pledge may change. */
  private readonly editTools: HTMLButtonElement[];
  readonly moveDown: HTMLButtonElement;
  private readonly fields = new Map<ItemField, FieldView>();
  private readonly presence: HTMLUListElement;
  private readonly savedNote: HTMLParagraphElement;
  private number = 0;
  private readonly labels: Record<ItemField, MessageKey>;
  private title = '';
  private readonly api: ApiClient;
  private readonly pledgeId: string;
  /** The last selection in the text field (UTF-16 indices), for anchoring a comment. */
  selection: { start: number; end: number } | null = null;

  constructor(opts: ItemViewOptions) {
    const item = opts.item;
    this.labels = opts.labels ?? fieldLabel;
    this.id = item.id;
    this.api = opts.api;
    this.pledgeId = opts.pledgeId;
    const base = `item-${item.id}`;
    this.headingEl = el('h3', { className: 'item-title', attrs: { id: `${base}-title`, tabindex: '-1' } });
    this.presence = el('ul', { className: 'presence-list', attrs: { 'aria-label': '' }, i18nAttrs: { 'aria-label': 'pledge.presenceLabel' } });
    this.savedNote = el('p', { className: 'saved-note', text: 'pledge.saved' });
    const typing = throttle(() => opts.onTyping(this.id), 1500);
    const parts: HTMLElement[] = [];
    for (const f of itemFields) {
      const id = `${base}-${f}`;
      const area = el('textarea', {
        className: `item-field item-${f}`,
        attrs: { id, name: f, rows: f === 'heading' ? '1' : f === 'text' ? '5' : '3', lang: opts.language, 'data-field': f },
      });
      area.value = item[f];
      if (!opts.editable) area.readOnly = true;
      const client = `${editorId}-${item.id}-${f}`;
      const sync = new FieldSync({
        initial: { text: item[f], version: item.version },
        client,
        send: async (op, base, seq) => {
          try {
            return await opts.edit({ itemId: item.id, field: f, base, op, client, seq });
          } catch (error) {
            if (!(error instanceof ApiError) || error.status !== 0) throw error;
          }
          // No live socket: the same edit over HTTP (the server applies it once, by client and seq).
          const res = await opts.api.post<{ item: PledgeItem; version: number }>(apiPath`/api/pledges/${opts.pledgeId}/items/${item.id}/edits`, { field: f, baseVersion: base, op, client, seq });
          return res.version;
        },
        onChange: (before, after, op) => this.show(area, before, after, op),
        onError: (error) => opts.onError(error),
        onGap: () => opts.onGap?.(),
        onPendingChange: () => this.updateSaved(),
      });
      const warning = new ScreenWarning(`${id}-screen`, opts.language);
      warning.update(item[f], item.hits?.[f], item.version);
      const fv: FieldView = { area, sync, warning };
      const wrap = el('div', { className: 'item-field-wrap' }, [el('label', { text: this.labels[f], attrs: { for: id } }), area, warning.element]);
      const described = [warning.element.id];
      if (f !== 'heading') {
        fv.check = new ReadabilityCheck(opts.api, opts.language, `${id}-check`);
        described.push(`${id}-check`);
        wrap.append(fv.check.element);
        fv.check.run(item[f]);
      }
      area.setAttribute('aria-describedby', described.join(' '));
      // Undo takes back my own last change, not someone else's (the browser's own undo knows nothing of them).
      area.addEventListener('beforeinput', (event) => {
        if (event.inputType !== 'historyUndo') return;
        event.preventDefault();
        sync.undo();
      });
      area.addEventListener('input', () => {
        sync.input(area.value, utf16ToCodePoint(area.value, area.selectionEnd));
        if (f === 'heading') this.setHeadingText(area.value);
        fv.check?.run(area.value);
        typing();
      });
      area.addEventListener('focus', () => opts.onFocus(this.id));
      area.addEventListener('blur', () => sync.flush());
      if (f === 'text') {
        const remember = () => {
          this.selection = area.selectionEnd > area.selectionStart ? { start: area.selectionStart, end: area.selectionEnd } : null;
        };
        area.addEventListener('select', remember);
        area.addEventListener('keyup', remember);
        area.addEventListener('mouseup', remember);
      }
      this.fields.set(f, fv);
      parts.push(wrap);
    }
    this.moveUp = button('pledge.moveUp', () => opts.onMove(this, -1));
    this.moveDown = button('pledge.moveDown', () => opts.onMove(this, 1));
    this.editTools = [this.moveUp, this.moveDown, button('pledge.remove', () => opts.onRemove(this), { className: 'button button-danger' })];
    const tools = el('div', { className: 'item-tools' }, [
      button('pledge.comments', () => opts.onTool(this, 'comments')),
      button('pledge.amendments', () => opts.onTool(this, 'amendments')),
      button('pledge.history', () => opts.onTool(this, 'history')),
      ...this.editTools,
    ]);
    for (const b of this.editTools) b.hidden = !opts.editable;
    this.element = el('li', { className: 'pledge-item', attrs: { 'data-item': item.id } }, [
      el('section', { attrs: { 'aria-labelledby': `${base}-title` } }, [this.headingEl, this.presence, ...parts, this.savedNote, tools]),
    ]);
    this.title = item.heading;
    this.updateHeading();
  }

  /**
   * Locks or unlocks the item when the pledge changes stage (sent for
   * review, sent back): the fields become read-only and Move and Remove go.
   */
  setEditable(editable: boolean): void {
    for (const f of this.fields.values()) f.area.readOnly = !editable;
    for (const b of this.editTools) b.hidden = !editable;
  }

  /** Position in the list (1-based) and whether it is first or last. */
  setPosition(n: number, last: boolean): void {
    this.number = n;
    this.moveUp.disabled = n === 1;
    this.moveDown.disabled = last;
    this.updateHeading();
    for (const [f, fv] of this.fields) {
      // Labels name the item, so several items do not read the same.
      const label = this.element.querySelector<HTMLLabelElement>(`label[for="${fv.area.id}"]`);
      if (label) setText(label, this.labels[f], { n });
    }
  }

  get position(): number {
    return this.number;
  }

  get name(): string {
    return this.title;
  }

  private setHeadingText(heading: string): void {
    this.title = heading;
    this.updateHeading();
  }

  private updateHeading(): void {
    if (this.title.trim()) setText(this.headingEl, 'pledge.itemTitled', { n: this.number, heading: this.title.trim() });
    else setText(this.headingEl, 'pledge.itemNumber', { n: this.number });
  }

  /** The text field's area (for tests and anchors). */
  area(f: ItemField): HTMLTextAreaElement | undefined {
    return this.fields.get(f)?.area;
  }

  /** The server's text and version of a field, as known. */
  confirmed(f: ItemField): { text: string; version: number } | undefined {
    return this.fields.get(f)?.sync.confirmed;
  }

  /** What the field shows now. */
  value(f: ItemField): string {
    return this.fields.get(f)?.sync.value ?? '';
  }

  /** Operations the server applied to a field (a live event), then what screening finds in it at version. */
  remote(f: ItemField, ops: readonly AppliedOp[], hits?: readonly ScreeningHit[] | null, version?: number): void {
    this.changes([{ field: f, ops, hits, version: version ?? Math.max(0, ...ops.map((o) => o.v)) }]);
  }

  /**
   * What the server did to the item's fields (one live event): each field's
   * operations, then what screening finds in it at their version. The item
   * has one version for all its fields, so a version that changed one field
   * (or none: `version`) moves the others on with nothing to apply; were it
   * skipped, they would wait for it for ever.
   */
  changes(list: readonly FieldOps[], version?: number): void {
    const versions = new Set(list.flatMap((c) => c.ops.map((o) => o.v)));
    if (version !== undefined) versions.add(version);
    for (const [f, fv] of this.fields) {
      const own = list.filter((c) => c.field === f).flatMap((c) => c.ops);
      const at = new Set(own.map((o) => o.v));
      fv.sync.remote([...own, ...[...versions].filter((v) => !at.has(v)).map((v): AppliedOp => ({ v, op: [] }))]);
    }
    for (const c of list) {
      const now = this.fields.get(c.field)?.sync.confirmed;
      if (c.hits !== undefined && now?.version === c.version) this.setHits(c.field, now.text, c.hits, c.version);
    }
  }

  /** Undoes my own last change of a field; false when there is none. */
  undo(f: ItemField): boolean {
    return this.fields.get(f)?.sync.undo() ?? false;
  }

  /**
   * The item as the page read it again (an event was lost): every field
   * brought in step with it. Whether typing of mine on its way is in it
   * already, its texts cannot tell (taken as someone else's change, it
   * would show twice and wait for ever); the item's revisions since the
   * version known can: they hold the operations the server applied, mine
   * among them by client and seq, and are applied like events. Only the
   * revisions after the oldest version a field has are read, not the
   * whole history. Without typing waiting, or when the revisions do not
   * make the texts (stored before operations were), the texts are taken
   * as they are.
   */
  async reloaded(item: PledgeItem): Promise<void> {
    const since = Math.min(...itemFields.map((f) => this.fields.get(f)?.sync.confirmed.version ?? item.version));
    if (this.pending && since < item.version) {
      try {
        const res = await this.api.get<{ revisions: Revision[] }>(apiPath`/api/pledges/${this.pledgeId}/items/${this.id}/history?since=${since}`);
        if (this.replay(res.revisions, item)) return;
      } catch {
        // taken as it is
      }
    }
    this.remoteItem(item);
  }

  /** Applies the revisions after each field's version as events; false (nothing applied) when they do not make the texts they list. */
  private replay(revisions: readonly Revision[], item: PledgeItem): boolean {
    const list: FieldOps[] = [];
    for (const [f, fv] of this.fields) {
      let { text, version } = fv.sync.confirmed;
      const ops: AppliedOp[] = [];
      for (const r of revisions) {
        if (r.version <= version) continue;
        if (r.version !== version + 1) return false;
        const op = (r.ops?.[f] ?? []) as TextOp;
        try {
          text = textType.apply(text, op);
        } catch {
          return false;
        }
        if (text !== r[f]) return false;
        ops.push({ v: r.version, op, client: r.client, seq: r.seq });
        version = r.version;
      }
      if (version < item.version) return false;
      list.push({ field: f, version, ops, hits: version === item.version ? (item.hits?.[f] ?? []) : undefined });
    }
    this.changes(list);
    return true;
  }

  /** Every field of an item as reloaded or restored, with what screening finds in it. */
  remoteItem(item: PledgeItem): void {
    for (const f of itemFields) {
      this.fields.get(f)?.sync.reset({ text: item[f], version: item.version });
      this.setHits(f, item[f], item.hits?.[f], item.version);
    }
  }

  /** What screening found in a field's text at version (none: the warning goes). */
  setHits(f: ItemField, text: string, hits: readonly ScreeningHit[] | null | undefined, version: number): void {
    this.fields.get(f)?.warning.update(text, hits, version);
  }

  /** The kinds of thing a field is warned about now (for tests). */
  warnings(f: ItemField): string[] {
    return this.fields.get(f)?.warning.shown ?? [];
  }

  /** Sends unsent typing now (the connection came back). */
  flush(): void {
    for (const fv of this.fields.values()) if (fv.sync.pending) fv.sync.flush();
  }

  get pending(): boolean {
    return [...this.fields.values()].some((fv) => fv.sync.pending);
  }

  stop(): void {
    for (const fv of this.fields.values()) {
      fv.sync.stop();
      fv.check?.stop();
    }
  }

  /** Who is on this item: names of people here, some of them typing. */
  setPresence(people: { name: string; typing: boolean }[]): void {
    this.presence.replaceChildren(
      ...people.map((p) => el('li', { className: p.typing ? 'typing' : 'here', text: p.typing ? 'pledge.isTyping' : 'pledge.isHere', params: { name: p.name } })),
    );
  }

  private updateSaved(): void {
    setText(this.savedNote, this.pending ? 'pledge.saving' : 'pledge.saved');
  }

  /** Shows a text that changed because of someone else (op), keeping the caret where it belongs. */
  private show(area: HTMLTextAreaElement, before: string, after: string, op: TextOp): void {
    const focused = document.activeElement === area;
    const start = area.selectionStart;
    const end = area.selectionEnd;
    area.value = after;
    if (focused) area.setSelectionRange(mapThrough(before, after, op, start), mapThrough(before, after, op, end));
    if (area.dataset.field === 'heading') this.setHeadingText(after);
    const f = area.dataset.field as ItemField;
    this.fields.get(f)?.check?.run(after);
  }
}

/** What a live event says the server did to one field: pledge.item_edited, or one of the `fields` of pledge.item_restored. */
export interface FieldOps {
  field: ItemField;
  /** The item version the operations made (the last one's). */
  version: number;
  ops: readonly AppliedOp[];
  /** What screening finds in the field at version (empty: it is clean). */
  hits?: readonly ScreeningHit[] | null;
}

function fieldOps(data: unknown): FieldOps | null {
  const d = (data ?? {}) as Record<string, unknown>;
  const f = d.field as ItemField;
  if (!itemFields.includes(f) || !Array.isArray(d.ops) || typeof d.version !== 'number') return null;
  return { field: f, version: d.version, ops: d.ops as AppliedOp[], hits: Array.isArray(d.hits) ? (d.hits as ScreeningHit[]) : undefined };
}

/**
 * Applies a live event that changed the fields of the item on view v
 * (pledge.item_edited, pledge.item_restored) through the operations it
 * carries, the ones the server stored: the same path for everyone's edits
 * and for whole-text changes, so that unsent typing, the caret and undo are
 * transformed as the server transformed them. False when the event says
 * nothing it can apply.
 */
export function applyItemEvent(v: ItemView, type: string, data: Record<string, unknown>): boolean {
  if (type === 'pledge.item_edited') {
    const c = fieldOps(data);
    if (!c || String(data.itemId) !== v.id) return false;
    v.changes([c]);
    return true;
  }
  if (type === 'pledge.item_restored') {
    const item = data.item as PledgeItem | undefined;
    if (!item || item.id !== v.id) return false;
    if (!Array.isArray(data.fields) || typeof data.version !== 'number') {
      v.remoteItem(item); // an event from before restores carried their operations (replayed on resume)
      return true;
    }
    const list = data.fields.map(fieldOps).filter((c): c is FieldOps => c !== null);
    v.changes(list, data.version);
    for (const f of itemFields) {
      const now = v.confirmed(f);
      if (now?.version === data.version) v.setHits(f, now.text, item.hits?.[f], data.version);
    }
    return true;
  }
  return false;
}

/** The plain-language check beside a field: the band in words, long sentences and rare words. */
class ReadabilityCheck {
  readonly element: HTMLElement;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private seq = 0;
  private readonly band: HTMLParagraphElement;
  private readonly details: HTMLElement;

  constructor(
    private readonly api: ApiClient,
    private readonly language: string,
    id: string,
  ) {
    this.band = el('p', { className: 'readability-band', text: 'readability.checking' });
    this.details = el('div', { className: 'readability-details' });
    this.element = el('div', { className: 'readability', attrs: { id } }, [el('p', { className: 'readability-title', text: 'readability.title' }), this.band, this.details]);
  }

  run(text: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(text), 700);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.seq++;
  }

  private async check(text: string): Promise<void> {
    const mine = ++this.seq;
    try {
      const report = await this.api.post<ReadabilityReport>('/api/readability', { text, language: this.language });
      if (mine !== this.seq) return;
      this.band.dataset.band = report.band;
      setText(this.band, bandKey[report.band] ?? 'readability.standard');
      const parts: HTMLElement[] = [];
      if (report.longSentences.length) {
        parts.push(
          el('p', { className: 'readability-sub', text: 'readability.longSentences' }),
          el('ul', {}, report.longSentences.slice(0, 5).map((s) => plain('li', excerpt(text.slice(byteToUtf16(text, s.start), byteToUtf16(text, s.end))), { attrs: { lang: this.language } }))),
        );
      }
      if (report.rareWords.length) {
        parts.push(
          el('p', { className: 'readability-sub', text: 'readability.rareWords' }),
          el('ul', { className: 'rare-words' }, report.rareWords.slice(0, 10).map((w) => plain('li', text.slice(byteToUtf16(text, w.start), byteToUtf16(text, w.end)) || w.text, { attrs: { lang: this.language } }))),
        );
      }
      this.details.replaceChildren(...parts);
    } catch {
      if (mine === this.seq) setText(this.band, 'readability.unavailable');
    }
  }
}

function excerpt(sentence: string): string {
  const s = sentence.trim();
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
