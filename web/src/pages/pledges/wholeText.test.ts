import DiffMatchPatch from 'diff-match-patch';
import { type as textType, type TextOp } from 'ot-text-unicode';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../../api';
import { setLanguage } from '../../i18n';
import { itemFields, type ItemField, type PledgeItem } from '../../pledges/types';
import { applyItemEvent, ItemView } from './itemView';

// Whole-text changes (a restore from history, an accepted amendment) while
// someone has typing on its way: the page learns of them from the live
// event alone and must end with the server's text, the typing kept.

type Texts = Record<ItemField, string>;

interface Logged {
  v: number;
  field: ItemField;
  op: TextOp;
  client?: string;
  seq?: number;
}

/** The server's operation for a whole-text change: diff-match-patch cleaned up to words, as pledge.opFromTexts makes it. */
function serverOp(from: string, to: string): TextOp {
  const dmp = new DiffMatchPatch();
  dmp.Diff_Timeout = 0;
  const diffs = dmp.diff_main(from, to, false);
  dmp.diff_cleanupSemantic(diffs);
  const op: TextOp = [];
  for (const [kind, text] of diffs) op.push(kind === 0 ? Array.from(text).length : kind === 1 ? text : { d: text });
  return textType.normalize(op);
}

/**
 * One item on a fake server that works like the real one: one version for
 * the whole item; an edit of a field made on version base is transformed
 * against that field's operations since; a restore or an accepted
 * amendment is the difference of the whole texts, stored and sent as an
 * operation like any other; every change is an event.
 */
function itemServer(start: Texts) {
  let texts = { ...start };
  let version = 1;
  const log: Logged[] = [];
  const revisions = new Map<number, Texts>([[1, { ...texts }]]);
  /** The versions after since, as GET .../history?since= lists them: the texts, and the operation of each field that changed, with who sent it. */
  const history = (since = 0): Record<string, unknown>[] =>
    [...revisions].filter(([v]) => v > since).map(([v, t]) => {
      const made = log.filter((l) => l.v === v);
      return { version: v, kind: v === 1 ? 'created' : 'edited', ...t, ...(v > 1 ? { ops: Object.fromEntries(made.map((l) => [l.field, l.op])) } : {}), client: made[0]?.client, seq: made[0]?.seq };
    });
  const events: { type: string; data: Record<string, unknown> }[] = [];
  const item = (): PledgeItem => ({ id: 'i1', pledgeId: 'p1', ...texts, version, updatedBy: 'bea', updatedAt: '' });
  const since = (field: ItemField, base: number) => log.filter((l) => l.v > base && l.field === field);
  const edit = (field: ItemField, op: TextOp, base: number, client?: string, seq?: number): number => {
    for (const l of since(field, base)) {
      if (client && l.client === client && l.seq === seq) return l.v;
      op = textType.transform(op, l.op, 'left');
    }
    texts = { ...texts, [field]: textType.apply(texts[field], op) };
    version++;
    revisions.set(version, { ...texts });
    log.push({ v: version, field, op, client, seq });
    events.push({ type: 'pledge.item_edited', data: { itemId: 'i1', field, version, baseVersion: base, ops: [{ v: version, op, client, seq }], hits: [] } });
    return version;
  };
  return {
    events,
    history,
    get texts() {
      return texts;
    },
    item,
    edit,
    /** A whole new text of a field made on version base (an accepted amendment, an edit over HTTP without operations). */
    editText(field: ItemField, base: number, text: string): number {
      return edit(field, serverOp(revisions.get(base)![field], text), base);
    },
    restore(from: number): void {
      const target = revisions.get(from)!;
      version++;
      const fields: Record<string, unknown>[] = [];
      for (const f of itemFields) {
        if (texts[f] === target[f]) continue;
        const op = serverOp(texts[f], target[f]);
        log.push({ v: version, field: f, op });
        fields.push({ itemId: 'i1', field: f, version, baseVersion: version - 1, ops: [{ v: version, op }], hits: [] });
      }
      texts = { ...target };
      revisions.set(version, { ...texts });
      events.push({ type: 'pledge.item_restored', data: { item: item(), fromVersion: from, version, author: 'bea', fields } });
    },
  };
}

type Server = ReturnType<typeof itemServer>;

interface Sent {
  e: { field: ItemField; base: number; op: TextOp; client: string; seq: number };
  resolve(v: number): void;
}

/** The revisions GET path asks for, as the real route reads it: since absent is 0; anything but a whole number 0 or more is refused. */
function historyOf(server: Server, path: string): { revisions: Record<string, unknown>[] } {
  const url = new URL(path, 'http://chorus.test');
  if (url.pathname !== '/api/pledges/p1/items/i1/history') throw new Error(path);
  const since = url.searchParams.get('since') ?? '0';
  if (!/^\d+$/.test(since)) throw new Error(`since ${since}: a 400 problem`);
  return { revisions: server.history(Number(since)) };
}

/** A person's page on the item: edits wait on their way until delivered; events arrive when fed; every GET is kept in asked. */
function person(server: Server) {
  const outbox: Sent[] = [];
  const asked: string[] = [];
  let fed = server.events.length;
  const api = {
    post: async () => ({ score: 80, band: 'easy', longSentences: [], rareWords: [] }),
    get: async (path: string) => {
      asked.push(path);
      return historyOf(server, path);
    },
  } as unknown as ApiClient;
  const v = new ItemView({
    api,
    pledgeId: 'p1',
    language: 'en',
    item: server.item(),
    editable: true,
    edit: (e) => new Promise<number>((resolve) => outbox.push({ e, resolve })),
    onFocus: () => undefined,
    onTyping: () => undefined,
    onMove: () => undefined,
    onRemove: () => undefined,
    onTool: () => undefined,
    onError: () => undefined,
  });
  document.body.append(v.element);
  return {
    v,
    outbox,
    asked,
    /** The edits on their way reach the server; their answers come back. */
    deliver(): void {
      for (const s of outbox.splice(0)) s.resolve(server.edit(s.e.field, s.e.op, s.e.base, s.e.client, s.e.seq));
    },
    /** The events so far never arrive (a server that died before sending them). */
    lose(): void {
      fed = server.events.length;
    },
    feed(): void {
      for (const ev of server.events.slice(fed)) applyItemEvent(v, ev.type, ev.data);
      fed = server.events.length;
    },
    /** Types: the field now reads value, the caret after the first `after` in it. */
    type(field: ItemField, value: string, after: string): void {
      const area = v.area(field)!;
      area.focus();
      area.value = value;
      const caret = value.indexOf(after) + after.length;
      area.setSelectionRange(caret, caret);
      area.dispatchEvent(new Event('input'));
    },
  };
}

type Person = ReturnType<typeof person>;

beforeEach(() => {
  setLanguage('en', { remember: false });
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

/** Version 3: B changed the text in two places, then the heading. */
function changedTwice(): Server {
  const server = itemServer({ heading: 'Plain words', text: 'Apps should talk to us in plain words', summary: 'Say it simply' });
  server.editText('text', 1, 'Apps must talk to us in plain words, always');
  server.editText('heading', 2, 'Plain words, always');
  return server;
}

/** Everyone and the server hold the same texts, and nothing waits. */
async function settle(server: Server, people: Person[]): Promise<void> {
  for (let round = 0; round < 5; round++) {
    await vi.advanceTimersByTimeAsync(300);
    for (const p of people) p.deliver();
    await vi.advanceTimersByTimeAsync(0);
    for (const p of people) p.feed();
  }
  for (const p of people) {
    expect(p.v.pending).toBe(false);
    for (const f of itemFields) expect(p.v.value(f), f).toBe(server.texts[f]);
  }
}

/** A types "kindly " (sent, on its way) then "really " (waiting behind it). */
async function typeTwice(a: Person): Promise<void> {
  a.type('text', 'Apps must kindly talk to us in plain words, always', 'kindly ');
  await vi.advanceTimersByTimeAsync(300);
  expect(a.outbox).toHaveLength(1);
  a.type('text', 'Apps must kindly talk to us in really plain words, always', 'really ');
  await vi.advanceTimersByTimeAsync(300);
  expect(a.outbox).toHaveLength(1);
}

/**
 * A types twice; the server applies A's first edit but its answer is slow
 * and its event lost; B changes the heading; A's page reads the item again.
 * Returns A's edit on its way and the version it made, to answer it later.
 */
async function reloadWhileMyEditIsOnItsWay(server: Server, a: Person, b: Person) {
  await typeTwice(a);
  const [sent] = a.outbox.splice(0);
  const v = server.edit(sent!.e.field, sent!.e.op, sent!.e.base, sent!.e.client, sent!.e.seq);
  b.type('heading', 'Plain words, always!', '!');
  await vi.advanceTimersByTimeAsync(300);
  b.deliver();
  b.feed();
  a.lose();
  await a.v.reloaded(server.item());
  return { sent: sent!, v };
}

describe('a whole-text change while typing is on its way', () => {
  it('restore: everyone ends with the server text, the typing kept where it was made, the caret with it, and undo still takes back only mine', async () => {
    const server = changedTwice();
    const a = person(server);
    const b = person(server);
    await typeTwice(a);
    server.restore(1); // B restores version 1 before A's edit arrives
    a.feed();
    b.feed();
    const area = a.v.area('text')!;
    expect(area.value.slice(0, area.selectionStart)).toMatch(/really $/);
    await settle(server, [a, b]);
    expect(server.texts.text).toBe('Apps should kindly talk to us in really plain words');
    expect(server.texts.heading).toBe('Plain words');
    expect(area.value.slice(0, area.selectionStart)).toBe('Apps should kindly talk to us in really ');
    // Undo takes back A's own typing, newest first; B's restore stays.
    expect(a.v.undo('text')).toBe(true);
    await settle(server, [a, b]);
    expect(server.texts.text).toBe('Apps should kindly talk to us in plain words');
    expect(a.v.undo('text')).toBe(true);
    await settle(server, [a, b]);
    expect(server.texts.text).toBe('Apps should talk to us in plain words');
    expect(a.v.undo('text')).toBe(false);
    a.v.stop();
    b.v.stop();
  });

  it('restore after the edit was applied: the answer comes late, the typing waiting is kept', async () => {
    const server = changedTwice();
    const a = person(server);
    const b = person(server);
    await typeTwice(a);
    const [sent] = a.outbox.splice(0);
    const v = server.edit(sent!.e.field, sent!.e.op, sent!.e.base, sent!.e.client, sent!.e.seq);
    server.restore(1);
    a.feed();
    b.feed();
    sent!.resolve(v); // the answer comes after the restore
    await settle(server, [a, b]);
    expect(server.texts.text).toBe('Apps should talk to us in really plain words');
  });

  it('accepted amendment: the same, through its operation', async () => {
    const server = changedTwice();
    const a = person(server);
    const b = person(server);
    await typeTwice(a);
    server.editText('text', 3, 'Apps must talk with us in plain words, always');
    a.feed();
    b.feed();
    await settle(server, [a, b]);
    expect(server.texts.text).toBe('Apps must kindly talk with us in really plain words, always');
  });

  it('a reload while my edit is on its way and its event was lost: nothing doubled, nothing lost', async () => {
    const server = changedTwice();
    const a = person(server);
    const b = person(server);
    const { sent, v } = await reloadWhileMyEditIsOnItsWay(server, a, b);
    sent.resolve(v);
    await settle(server, [a, b]);
    expect(server.texts.text).toBe('Apps must kindly talk to us in really plain words, always');
    expect(server.texts.heading).toBe('Plain words, always!');
  });

  it('a reload reads only the revisions after the version the page has, and applies them', async () => {
    const server = changedTwice();
    const a = person(server);
    const b = person(server);
    for (let i = 0; i < 20; i++) server.editText('summary', server.item().version, `Say it simply ${i}`); // a long history A has seen
    a.feed();
    b.feed();
    const known = server.item().version; // 23
    const { sent, v } = await reloadWhileMyEditIsOnItsWay(server, a, b);
    expect(a.asked).toEqual([`/api/pledges/p1/items/i1/history?since=${known}`]);
    // The two revisions after it (A's own typing, B's heading) were applied, not diffed: nothing doubled.
    expect(a.v.value('text')).toBe('Apps must kindly talk to us in really plain words, always');
    expect(a.v.value('heading')).toBe('Plain words, always!');
    expect(a.v.confirmed('text')?.version).toBe(known + 2);
    sent.resolve(v);
    await settle(server, [a, b]);
    expect(server.texts.text).toBe('Apps must kindly talk to us in really plain words, always');
    expect(server.texts.summary).toBe('Say it simply 19');
  });

  it('an edit of another field moves every field to the item version, so none waits for a version it will never see', async () => {
    const server = changedTwice();
    const a = person(server);
    const b = person(server);
    b.type('heading', 'Plain words, always!', '!');
    await vi.advanceTimersByTimeAsync(300);
    b.deliver();
    a.type('text', 'Apps must talk to us in plain words, always.', '.');
    await vi.advanceTimersByTimeAsync(300);
    a.deliver();
    await vi.advanceTimersByTimeAsync(0);
    a.feed();
    b.feed();
    expect(a.v.pending).toBe(false);
    expect(b.v.confirmed('summary')?.version).toBe(5);
    await settle(server, [a, b]);
  });
});
