import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TextOp } from 'ot-text-unicode';
import { ApiError, type ApiClient } from '../../api';
import { setLanguage, translate } from '../../i18n';
import { utf16ToByte } from '../../pledges/text';
import type { PledgeItem, ScreeningHit } from '../../pledges/types';
import { ItemView } from './itemView';

const hitOn = (kind: ScreeningHit['kind'], text: string, part: string): ScreeningHit => {
  const i = text.indexOf(part);
  return { kind, start: utf16ToByte(text, i), end: utf16ToByte(text, i + part.length), reason: `screen.reason.${kind}` };
};

const item = (more: Partial<PledgeItem> = {}): PledgeItem => ({ id: 'i1', pledgeId: 'p1', heading: 'Clear words', text: 'Apps explain.', summary: '', version: 1, updatedBy: 'ana', updatedAt: '', ...more });

function view(start: PledgeItem, edit: (body: { field: string; op: TextOp; baseVersion: number }) => PledgeItem) {
  const post = vi.fn(async (path: string, body: unknown) => {
    if (path === '/api/readability') return { score: 80, band: 'easy', longSentences: [], rareWords: [] };
    const it = edit(body as { field: string; op: TextOp; baseVersion: number });
    return { item: it, version: it.version };
  });
  const api = { post } as unknown as ApiClient;
  const v = new ItemView({
    api,
    pledgeId: 'p1',
    language: 'en',
    item: start,
    editable: true,
    // Not live: edits go over HTTP.
    edit: () => Promise.reject(new ApiError(0, null)),
    onFocus: () => undefined,
    onTyping: () => undefined,
    onMove: () => undefined,
    onRemove: () => undefined,
    onTool: () => undefined,
    onError: () => undefined,
  });
  document.body.append(v.element);
  v.setPosition(1, true);
  return { v, post };
}

const warningLines = (v: ItemView, f: string) => [...v.element.querySelectorAll(`#item-i1-${f}-screen .screen-warning-line`)].map((p) => p.textContent);

beforeEach(() => {
  setLanguage('en', { remember: false });
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

describe('ItemView and screening', () => {
  it('warns under a field with hits as loaded, described by the field', () => {
    const text = 'Write to ana@example.org';
    const { v } = view(item({ text, hits: { text: [hitOn('email', text, 'ana@example.org')] } }), () => item());
    expect(warningLines(v, 'text')).toEqual([translate('en', 'itemScreen.email')]);
    expect(warningLines(v, 'summary')).toEqual([]);
    expect(v.area('text')?.getAttribute('aria-describedby')?.split(' ')).toEqual(['item-i1-text-screen', 'item-i1-text-check']);
    expect(v.area('heading')?.getAttribute('aria-describedby')).toBe('item-i1-heading-screen');
    v.stop();
  });

  it('follows the hits the live events bring, at the version their ops make', async () => {
    const { v, post } = view(item(), () => item({ version: 2 }));
    const text = 'Apps explain. ana@ex.org';
    v.remote('text', [{ v: 2, op: [13, ' ana@ex.org'], client: 'someone', seq: 1 }], [hitOn('email', text, 'ana@ex.org')], 2);
    expect(v.value('text')).toBe(text);
    expect(v.warnings('text')).toEqual(['email']);
    // An event this field has seen already is not applied twice.
    v.remote('text', [{ v: 2, op: [13, ' ana@ex.org'], client: 'someone', seq: 1 }], [hitOn('email', text, 'ana@ex.org')], 2);
    expect(v.value('text')).toBe(text);
    expect(v.warnings('text')).toEqual(['email']);
    // Someone else took it out.
    v.remote('text', [{ v: 3, op: [13, { d: 11 }], client: 'someone', seq: 2 }], [], 3);
    expect(v.value('text')).toBe('Apps explain.');
    expect(v.warnings('text')).toEqual([]);
    expect(v.element.querySelector('#item-i1-text-screen')?.textContent).toBe('');
    // My own typing goes as an op on the version I know (over HTTP here: not live).
    const area = v.area('text') as HTMLTextAreaElement;
    area.value = 'Apps explain!';
    area.setSelectionRange(13, 13);
    area.dispatchEvent(new Event('input'));
    await vi.advanceTimersByTimeAsync(1000);
    const sent = post.mock.calls.find(([path]) => String(path).endsWith('/edits'))?.[1] as { op: TextOp; baseVersion: number; field: string } | undefined;
    expect(sent).toMatchObject({ field: 'text', baseVersion: 3, op: [12, { d: '.' }, '!'] });
    v.stop();
  });

  it('takes the hits of an item as reloaded or restored', () => {
    const { v } = view(item(), () => item());
    const summary = 'Call 06 12 34 56 78';
    v.remoteItem(item({ summary, version: 4, hits: { summary: [hitOn('phone', summary, '06 12 34 56 78')] } }));
    expect(warningLines(v, 'summary')).toEqual([translate('en', 'itemScreen.phone')]);
    v.remoteItem(item({ summary: 'Call us', version: 5 }));
    expect(warningLines(v, 'summary')).toEqual([]);
    v.stop();
  });
});
