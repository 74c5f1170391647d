import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient, type FetchLike } from '../api';
import type { AppContext } from '../context';
import { setLanguage } from '../i18n';
import type { Session } from '../session';
import { checkWords, screenWordsPage, wordsOf, type ScreenWords } from './screenWordsPage';

let sent: { method: string; url: string; body: unknown }[] = [];
let answers: { status: number; body: unknown }[] = [];
const fakeFetch: FetchLike = async (url, init) => {
  sent.push({ method: init.method ?? 'GET', url, body: init.body ? JSON.parse(String(init.body)) : undefined });
  const a = answers.shift() ?? { status: 500, body: {} };
  return new Response(JSON.stringify(a.body), {
    status: a.status,
    headers: { 'Content-Type': a.status >= 400 ? 'application/problem+json' : 'application/json' },
  });
};

const list = (over: Partial<ScreenWords> = {}): ScreenWords => ({ words: [], version: 0, changes: [], maxWords: 5000, maxLength: 64, ...over });
let announced: string[] = [];
const ctx: AppContext = {
  api: new ApiClient({ fetch: fakeFetch, cookies: () => '' }),
  session: { ready: async () => ({ signedIn: true, me: {} }) } as unknown as Session,
  navigate: () => undefined,
  announce: (key) => announced.push(key),
};
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

beforeEach(() => {
  setLanguage('en', { remember: false });
  sent = [];
  answers = [];
  announced = [];
});
afterEach(() => document.body.replaceChildren());

describe('screening words', () => {
  it('reads one word per line and checks the limits the server sets', () => {
    expect(wordsOf(' boulet \n\n tête de nœud\n')).toEqual(['boulet', 'tête de nœud']);
    expect(checkWords(['a', 'b'], 1, 64)).toEqual({ key: 'screenWords.tooMany', params: { max: 1 } });
    expect(checkWords(['x'.repeat(65)], 10, 64)).toMatchObject({ key: 'screenWords.tooLong' });
    expect(checkWords(['1234'], 10, 64)).toEqual({ key: 'screenWords.noLetter', params: { word: '1234' } });
    expect(checkWords(['boulet'], 10, 64)).toBeNull();
  });

  it('shows the list and its history, saves with the version read, and says when it was saved', async () => {
    answers.push({ status: 200, body: list({ words: ['boulet'], version: 1, changes: [{ at: '2026-03-01T09:00:00Z', actor: 'c1', actorName: 'Claire', added: ['boulet'], removed: [], version: 1 }] }) });
    const page = screenWordsPage(ctx, { id: 'p1' });
    document.body.append(page.element);
    await settle();
    const area = page.element.querySelector('textarea') as HTMLTextAreaElement;
    expect(page.element.querySelector(`label[for="${area.id}"]`)?.textContent).toBe('Words and phrases, one per line');
    expect(area.value).toBe('boulet');
    expect(page.element.querySelector('.change-who')?.textContent).toBe('Changed by Claire');
    area.value = 'boulet\n 123 ';
    page.element.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(sent.length).toBe(1); // nothing sent: a line without a letter
    expect(page.element.querySelector('.field-error:not([hidden])')?.textContent).toBe('“123” has no letter.');
    expect(area.getAttribute('aria-invalid')).toBe('true');
    area.value = 'boulet\ntocard';
    answers.push({ status: 200, body: list({ words: ['boulet', 'tocard'], version: 2 }) });
    page.element.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(sent[1]).toEqual({ method: 'PUT', url: '/api/panels/p1/screen-words', body: { version: 1, words: ['boulet', 'tocard'] } });
    expect(announced).toEqual(['screenWords.saved']);
    answers.push({ status: 409, body: { type: '/problems/conflict', title: 'Conflict', status: 409, detail: 'Someone else changed this list just now.' } });
    page.element.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(sent[2]?.body).toEqual({ version: 2, words: ['boulet', 'tocard'] });
    expect(page.element.querySelector('[role=alert]')?.textContent).toContain('Someone else changed this list in the meantime.');
  });
});
