// The round pages' parts against a fake API: a partner's answer (draft kept
// as they type, checks next to the fields, submit, history), a youth's
// reactions and follow-up, and the coordinator's matrix (words and icons).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, type FetchLike } from '../../api';
import type { AppContext } from '../../context';
import { setLanguage } from '../../i18n';
import type { Answer, Matrix } from '../../rounds/types';
import type { Session } from '../../session';
import { AnswerEditor } from './answerEditor';
import { answerView } from './answerView';
import { matrixTable } from './staffView';

let sent: { method: string; url: string; body: unknown }[] = [];
let answers: { status: number; body: unknown }[] = [];
const fakeFetch: FetchLike = async (url, init) => {
  sent.push({ method: init.method ?? 'GET', url, body: init.body ? JSON.parse(String(init.body)) : undefined });
  const a = answers.shift() ?? { status: 200, body: {} };
  return new Response(a.status === 204 ? null : JSON.stringify(a.body), { status: a.status, headers: { 'Content-Type': a.status >= 400 ? 'application/problem+json' : 'application/json' } });
};
let announced: string[] = [];
const ctx: AppContext = {
  api: new ApiClient({ fetch: fakeFetch, cookies: () => '' }),
  session: { ready: async () => ({ signedIn: false }) } as unknown as Session,
  navigate: () => undefined,
  announce: (key) => announced.push(key),
};
const settle = async () => {
  for (let i = 0; i < 8; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};
const now = () => new Date(2026, 11, 3, 12, 0, 0);
const type = (el: HTMLInputElement | HTMLTextAreaElement, value: string) => {
  el.value = value;
  el.dispatchEvent(new Event('input'));
};

beforeEach(() => {
  setLanguage('en', { remember: false });
  sent = [];
  answers = [];
  announced = [];
});
afterEach(() => {
  document.body.replaceChildren();
  vi.useRealTimers();
});

const answer = (over: Partial<Answer> = {}): Answer => ({
  id: 'r1_o1_i1',
  itemId: 'i1',
  organisation: { id: 'o1', name: 'AppCo' },
  stance: 'commit',
  explanation: 'We will.',
  actions: [{ id: 'x1', text: 'Publish a summary', dueDate: '2027-03-03' }],
  evidence: ['https://appco.example/terms'],
  revision: 1,
  late: false,
  submittedAt: '2026-12-03T10:00:00Z',
  status: 'approved',
  history: [],
  followUps: [],
  ...over,
});

describe('a partner’s answer to an item', () => {
  const editor = () => {
    const e = new AnswerEditor({ ctx, roundId: 'r1', itemId: 'i1', n: 1, canAnswer: true, language: 'en', draftDelayMs: 50, now });
    document.body.append(e.element);
    e.show({ itemId: 'i1', draft: null, answer: null });
    return e;
  };

  it('keeps what is typed as the organisation’s draft a moment later, once', async () => {
    const e = editor();
    (e.element.querySelector('#answer-1-stance-partly') as HTMLInputElement).click();
    type(e.element.querySelector('#answer-1-explanation') as HTMLTextAreaElement, 'We are on it');
    type(e.element.querySelector('#answer-1-explanation') as HTMLTextAreaElement, 'We are on it.');
    expect(sent).toEqual([]);
    answers.push({ status: 200, body: { draftAt: '2026-12-03T11:00:00Z', draftBy: 'Pat' } });
    await new Promise((r) => setTimeout(r, 80));
    await settle();
    expect(sent).toEqual([{ method: 'PUT', url: '/api/rounds/r1/items/i1/draft', body: { stance: 'partly', explanation: 'We are on it.', actions: [], evidence: [] } }]);
    expect(e.element.querySelector('#answer-1-saved')?.textContent).toContain('Draft saved, only for your organisation:');
  });

  it('says what is wrong next to each field and sends nothing; then submits and shows the answer', async () => {
    const e = editor();
    e.element.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(sent).toEqual([]);
    expect(e.element.querySelector('#answer-1-stance-error')?.textContent).toBe('Choose your stance.');
    expect(e.element.querySelector('#answer-1-explanation-error')?.textContent).toBe('Write your explanation.');
    expect(e.element.querySelector('#answer-1-explanation')?.getAttribute('aria-invalid')).toBe('true');
    expect(e.element.querySelector('#answer-1-explanation')?.getAttribute('aria-describedby')).toContain('answer-1-explanation-error');
    expect(document.activeElement?.id).toBe('answer-1-stance-commit');

    (e.element.querySelector('#answer-1-stance-commit') as HTMLInputElement).click();
    type(e.element.querySelector('#answer-1-explanation') as HTMLTextAreaElement, 'We will.');
    [...e.element.querySelectorAll('button')].find((b) => b.textContent === 'Add an action')?.click();
    expect(document.activeElement?.id).toBe('answer-1-action-0-text');
    type(e.element.querySelector('#answer-1-action-0-text') as HTMLInputElement, 'Publish a summary');
    type(e.element.querySelector('#answer-1-action-0-due') as HTMLInputElement, '2026-12-03');
    [...e.element.querySelectorAll('button')].find((b) => b.textContent === 'Add a link')?.click();
    type(e.element.querySelector('#answer-1-evidence-0') as HTMLInputElement, 'data:text/html,hi');
    e.element.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(sent.filter((s) => s.method === 'POST')).toEqual([]);
    expect(e.element.querySelector('#answer-1-action-0-due-error')?.textContent).toBe('The due date must be after today.');
    expect(e.element.querySelector('#answer-1-evidence-0-error')?.textContent).toBe('Only https:// links to a web page are accepted.');

    type(e.element.querySelector('#answer-1-action-0-due') as HTMLInputElement, '2027-03-03');
    type(e.element.querySelector('#answer-1-evidence-0') as HTMLInputElement, 'https://appco.example/terms');
    answers.push({ status: 201, body: { answer: answer({ status: 'pending', history: [{ revision: 1, stance: 'commit', explanation: 'We will.', actions: [], evidence: [], submittedAt: '2026-12-03T10:00:00Z', late: false, status: 'pending', by: 'Pat' }] }) } });
    e.element.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    const post = sent.find((s) => s.method === 'POST');
    expect(post).toEqual({ method: 'POST', url: '/api/rounds/r1/items/i1/answer', body: { stance: 'commit', explanation: 'We will.', actions: [{ text: 'Publish a summary', dueDate: '2027-03-03' }], evidence: ['https://appco.example/terms'] } });
    expect(e.element.querySelector('.answer-state')?.textContent).toContain('Waiting for a moderator');
    expect(e.element.querySelector('.revision-history summary')?.textContent).toBe('Every revision (1)');
    expect([...e.element.querySelectorAll('button')].some((b) => b.textContent === 'Submit a new revision')).toBe(true);
    expect(announced).toEqual(['roundPartner.submittedAnnounce']);
    e.stop();
  });

  it('after the deadline shows why the answer cannot change, without a form', () => {
    const e = new AnswerEditor({ ctx, roundId: 'r1', itemId: 'i1', n: 1, canAnswer: false, language: 'en' });
    expect(e.element.querySelector('.lock-note')?.textContent).toContain('The deadline for your organisation has passed');
    expect((e.element.querySelector('form') as HTMLFormElement).hidden).toBe(true);
  });
});

describe('an answer as a youth reads it', () => {
  it('shows the stance in words, the actions with their date, and only my reaction, which I can take back', async () => {
    const view = answerView(answer({ myReaction: 'clear' }), { ctx, roundId: 'r1', language: 'en', youth: true, canReply: false });
    document.body.append(view);
    expect(view.querySelector('.answer-stance')?.textContent).toBe('Their answer: ✔ Commit');
    expect(view.querySelector('.stance-icon')?.getAttribute('aria-hidden')).toBe('true');
    expect(view.querySelector('.action-list li')?.textContent).toMatch(/^Publish a summary by .*2027/);
    expect(view.textContent).not.toMatch(/\d+ (clear|people)/i); // no counts (rule 7)
    const [clear, notClear] = [...view.querySelectorAll<HTMLButtonElement>('.reaction')];
    expect(clear?.getAttribute('aria-pressed')).toBe('true');
    answers.push({ status: 200, body: { reaction: 'not_clear' } });
    notClear?.click();
    await settle();
    expect(notClear?.getAttribute('aria-pressed')).toBe('true');
    expect(clear?.getAttribute('aria-pressed')).toBe('false');
    expect(sent[0]).toEqual({ method: 'PUT', url: '/api/rounds/r1/answers/r1_o1_i1/reaction', body: { reaction: 'not_clear' } });
    answers.push({ status: 204, body: null });
    notClear?.click();
    await settle();
    expect(sent[1]?.method).toBe('DELETE');
    expect(notClear?.getAttribute('aria-pressed')).toBe('false');
  });

  it('asks a follow-up, which waits for a moderator', async () => {
    const view = answerView(answer(), { ctx, roundId: 'r1', language: 'en', youth: true, canReply: false });
    document.body.append(view);
    const box = view.querySelector('.ask-form textarea') as HTMLTextAreaElement;
    expect(view.querySelector(`label[for="${box.id}"]`)?.textContent).toBe('Ask AppCo a question');
    box.value = 'When?';
    answers.push({ status: 201, body: { followUp: { id: 'f1', answerId: 'r1_o1_i1', itemId: 'i1', organisationId: 'o1', text: 'When?', author: 'Ana (DK)', at: '2026-12-03T11:00:00Z', status: 'pending', replies: [] } } });
    view.querySelector('.ask-form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(sent[0]).toEqual({ method: 'POST', url: '/api/rounds/r1/answers/r1_o1_i1/followups', body: { text: 'When?' } });
    expect(view.querySelector('.followup')?.textContent).toContain('Waiting for a moderator');
    expect(box.value).toBe('');
  });
});

describe('the coordinator’s matrix', () => {
  it('shows each stance as a word with an icon, who is late, and what is unanswered', () => {
    const m: Matrix = {
      items: [{ id: 'i1', heading: 'Plain words' }, { id: 'i2', heading: 'No ads' }],
      organisations: [{ id: 'o1', name: 'AppCo', deadline: '2026-12-04T10:00:00Z', late: false, unanswered: 0 }, { id: 'o2', name: 'BetterApps', deadline: '2026-12-04T10:00:00Z', late: true, unanswered: 1 }],
      cells: [
        { itemId: 'i1', organisationId: 'o1', stance: 'commit', answered: true, late: false, status: 'approved', followUpsWaiting: 1 },
        { itemId: 'i2', organisationId: 'o1', stance: 'decline', answered: true, late: false, status: 'pending', followUpsWaiting: 0 },
        { itemId: 'i1', organisationId: 'o2', stance: 'partly', answered: true, late: true, status: 'approved', followUpsWaiting: 0 },
      ],
      counts: { commit: 1, partly: 1, decline: 1, unanswered: 1 },
      followUpsWaiting: 1,
    };
    const table = matrixTable(m, 'en');
    const cell = (org: string, item: string) => table.querySelector(`td[data-org="${org}"][data-item="${item}"]`)?.textContent;
    expect(table.querySelector('caption')?.textContent).toBe('Stance of each partner on each item');
    expect([...table.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual(['Item', 'AppCo', 'BetterApps Late']);
    expect(cell('o1', 'i1')).toBe('✔ Commit Questions waiting for a reply: 1');
    expect(cell('o1', 'i2')).toBe('✖ Decline Waiting for a moderator');
    expect(cell('o2', 'i1')).toBe('◐ Partly Late');
    expect(cell('o2', 'i2')).toBe('No answer yet');
    expect(table.querySelectorAll('tbody th[scope="row"]')).toHaveLength(2);
  });
});
