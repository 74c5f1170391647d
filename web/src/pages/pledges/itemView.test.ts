import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../../api';
import { setLanguage, translate } from '../../i18n';
import { utf16ToByte } from '../../pledges/text';
import type { PledgeItem, ScreeningHit } from '../../pledges/types';
import { ItemView } from './itemView';

const hitOn = (kind: string, text: string, part: string): ScreeningHit => {
  const i = text.indexOf(part);
  return { kind, start: utf16ToByte(text, i), end: utf16ToByte(text, i + part.length), reason: `screen.reason.${kind}` };
};

const item = (more: Partial<PledgeItem> = {}): PledgeItem => ({ id: 'i1', pledgeId: 'p1', heading: 'Clear words', text: 'Apps explain.', summary: '', version: 1, ...more });

function view(start: PledgeItem, edit: (body: { field: string; text: string; baseVersion: number }) => PledgeItem) {
  const post = vi.fn(async (path: string, body: unknown) => {
    if (path === '/api/readability') return { score: 80, band: 'easy', longSentences: [], rareWords: [] };
    return { item: edit(body as { field: string; text: string; baseVersion: number }) };
  });
  const api = { post } as unknown as ApiClient;
  const v = new ItemView({
    api,
    pledgeId: 'p1',
    language: 'en',
    item: start,
    editable: true,
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

  it('follows the answer to my own edit, and events from others, newest version first', async () => {
    let version = 1;
    const { v } = view(item(), (body) => {
      version++;
      const text = body.text;
      const hits = text.includes('@') ? { [body.field]: [hitOn('email', text, text.slice(text.indexOf('@') - 3))] } : undefined;
      return item({ [body.field]: text, version, hits });
    });
    const area = v.area('text') as HTMLTextAreaElement;
    area.value = 'Apps explain. ana@ex.org';
    area.dispatchEvent(new Event('input'));
    await vi.advanceTimersByTimeAsync(3000);
    expect(v.warnings('text')).toEqual(['email']);
    // The pledge.item_edited event of the same version agrees; an older one changes nothing.
    v.setHits('text', 'Apps explain.', [], 1);
    expect(v.warnings('text')).toEqual(['email']);
    // Someone else took it out.
    v.remote('text', 'Apps explain.', 3);
    v.setHits('text', 'Apps explain.', [], 3);
    expect(v.warnings('text')).toEqual([]);
    expect(v.element.querySelector('#item-i1-text-screen')?.textContent).toBe('');
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
