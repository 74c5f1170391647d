import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient, type FetchLike } from '../../api';
import { setLanguage } from '../../i18n';
import { checkReport, reportDialog } from './reportDialog';

let sent: { url: string; body: unknown }[] = [];
let answer: { status: number; body: unknown } = { status: 201, body: {} };
const fakeFetch: FetchLike = async (url, init) => {
  sent.push({ url, body: init.body ? JSON.parse(String(init.body)) : undefined });
  return new Response(JSON.stringify(answer.body), {
    status: answer.status,
    headers: { 'Content-Type': answer.status >= 400 ? 'application/problem+json' : 'application/json' },
  });
};
const api = new ApiClient({ fetch: fakeFetch, cookies: () => '' });

let host: HTMLElement;
let opener: HTMLButtonElement;

beforeEach(() => {
  setLanguage('en', { remember: false });
  sent = [];
  document.body.replaceChildren();
  host = document.createElement('main');
  opener = document.createElement('button');
  opener.textContent = 'Report';
  host.append(opener);
  document.body.append(host);
  opener.focus();
});

afterEach(() => document.body.replaceChildren());

const open = () => reportDialog({ api, host, contentType: 'pledge_comment', contentId: 'c1', quote: 'hello', quoteLang: 'en' });
const dialog = () => document.querySelector('dialog') as HTMLDialogElement;
const submit = () => dialog().querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('checkReport', () => {
  it('needs a category, and words for "something else"', () => {
    expect(checkReport('t', 'id', '', '')).toEqual({ ok: false, field: 'category', key: 'report.pickCategory' });
    expect(checkReport('t', 'id', 'spam', '')).toMatchObject({ ok: false, field: 'category' });
    expect(checkReport('t', 'id', 'other', '  ')).toEqual({ ok: false, field: 'text', key: 'report.needText' });
    expect(checkReport('t', 'id', 'bullying', '  ')).toEqual({ ok: true, body: { contentType: 't', contentId: 'id', category: 'bullying' } });
    expect(checkReport('t', 'id', 'other', ' rude ')).toEqual({ ok: true, body: { contentType: 't', contentId: 'id', category: 'other', text: 'rude' } });
  });
});

describe('report dialog', () => {
  it('is a labelled dialog with the five choices, and focus moves in', () => {
    void open();
    const d = dialog();
    const heading = d.querySelector(`#${d.getAttribute('aria-labelledby')}`);
    expect(heading?.textContent).toBe('Report this comment');
    const labels = [...d.querySelectorAll('input[type=radio]')].map((r) => d.querySelector(`label[for="${r.id}"]`)?.textContent);
    expect(labels).toEqual([
      'It is mean, or it is bullying',
      'It shares private details, like a phone number or an address',
      'It is rude or not OK here',
      'Someone may be in danger or need help',
      'Something else',
    ]);
    expect(d.querySelector('legend')?.textContent).toBe('What is wrong?');
    expect(document.activeElement).toBe(d.querySelector('input[type=radio]'));
    expect(d.querySelector('q')?.textContent).toBe('hello');
  });

  it('says what is missing before sending anything', async () => {
    void open();
    submit();
    await settle();
    expect(sent).toEqual([]);
    const error = dialog().querySelector('.field-error:not([hidden])');
    expect(error?.textContent).toBe('Choose what is wrong.');
    expect(dialog().querySelector('fieldset')?.getAttribute('aria-describedby')).toBe(error?.id);
    (dialog().querySelector('input[value=other]') as HTMLInputElement).checked = true;
    submit();
    await settle();
    expect(sent).toEqual([]);
    expect(document.activeElement?.tagName).toBe('TEXTAREA');
    expect(dialog().querySelector('.field-error:not([hidden])')?.textContent).toBe('Say in a few words what is wrong.');
  });

  it('sends the report, thanks, shows the helpline, and gives focus back when closed with Escape', async () => {
    answer = { status: 201, body: { report: { id: 'r1', category: 'safeguarding' }, hidden: false, helpline: { name: 'BørneTelefonen', url: 'https://bornsvilkar.dk', phone: '116 111' } } };
    const done = open();
    (dialog().querySelector('input[value=safeguarding]') as HTMLInputElement).checked = true;
    (dialog().querySelector('textarea') as HTMLTextAreaElement).value = ' I am worried ';
    submit();
    await settle();
    await settle();
    expect(sent).toEqual([{ url: '/api/reports', body: { contentType: 'pledge_comment', contentId: 'c1', category: 'safeguarding', text: 'I am worried' } }]);
    const d = dialog();
    expect(d.querySelector('.report-thanks')?.textContent).toBe('Thanks, a moderator will look at it.');
    expect(d.querySelector('.helpline-lead')?.textContent).toBe('If you need to talk to someone now:');
    expect(d.querySelector('.helpline-name')?.textContent).toBe('BørneTelefonen');
    expect(d.querySelector('.helpline-phone')?.getAttribute('href')).toBe('tel:116111');
    expect(d.querySelector('.helpline-phone')?.textContent).toBe('Call 116 111');
    expect(d.querySelector('.helpline-site')?.getAttribute('href')).toBe('https://bornsvilkar.dk');
    expect(document.activeElement).toBe(d.querySelector('.report-done'));
    d.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(await done).toMatchObject({ hidden: false });
    expect(document.querySelector('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('shows the national number first and 116 111 beside it', async () => {
    answer = { status: 201, body: { report: { id: 'r1', category: 'safeguarding' }, hidden: false, helpline: { name: 'Linha Internet Segura (APAV)', phone: '800 21 90 90', european: '116 111' } } };
    void open();
    (dialog().querySelector('input[value=safeguarding]') as HTMLInputElement).checked = true;
    submit();
    await settle();
    await settle();
    const links = [...dialog().querySelectorAll('.helpline a')].map((a) => [a.className, a.getAttribute('href'), a.textContent]);
    expect(links).toEqual([
      ['helpline-phone', 'tel:800219090', 'Call 800 21 90 90'],
      ['helpline-european', 'tel:116111', 'Or call 116 111, the free helpline for children all over Europe.'],
    ]);
  });

  it('shows no helpline when the server sends none, and says when the comment is hidden now', async () => {
    answer = { status: 201, body: { report: { id: 'r1', category: 'bullying' }, hidden: true } };
    void open();
    (dialog().querySelector('input[value=bullying]') as HTMLInputElement).checked = true;
    submit();
    await settle();
    await settle();
    expect(dialog().querySelector('.helpline')).toBeNull();
    expect(dialog().textContent).toContain('The comment is hidden until a moderator has looked at it.');
  });

  it('shows the server’s words when the report is refused, and Cancel resolves with nothing', async () => {
    answer = { status: 409, body: { type: '/problems/conflict', status: 409, detail: 'You already reported this. Thank you! A moderator will look at it.' } };
    const done = open();
    (dialog().querySelector('input[value=inappropriate]') as HTMLInputElement).checked = true;
    submit();
    await settle();
    await settle();
    expect(dialog().querySelector('[role=alert]')?.textContent).toBe('You already reported this. Thank you! A moderator will look at it.');
    const cancel = [...dialog().querySelectorAll('button')].find((b) => b.textContent === 'Cancel');
    cancel?.click();
    expect(await done).toBeNull();
  });
});
