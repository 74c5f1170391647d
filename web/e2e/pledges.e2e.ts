// Browser journey of issue 4 against the real server: a coordinator sets up
// a panel and a group with a moderator member and two youth (16 and 17, from
// Denmark, where the digital age of consent is 13, so they grant
// `participate` themselves) over the API; youth A starts a pledge with one
// item in the UI; youth B opens it in a second browser; both type into the
// same item at the same time (A at the start, B at the end, several times),
// see each other's presence and typing, and end with the same text holding
// both contributions. A comments; B sees it appear live. axe runs on the
// editor in en, fr and de.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchChromium, watchPage, type PageProblems } from './browser';
import { startChorus, type ChorusServer } from './chorusServer';

type Lang = 'en' | 'fr' | 'de';
const text = Object.fromEntries(
  (['en', 'fr', 'de'] as const).map((lang) => [
    lang,
    JSON.parse(readFileSync(fileURLToPath(new URL(`../src/i18n/${lang}.json`, import.meta.url)), 'utf8')) as Record<string, string>,
  ]),
) as Record<Lang, Record<string, string>>;
const tr = (lang: Lang, key: string, params: Record<string, string | number> = {}) =>
  (text[lang][key] ?? key).replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
const en = (key: string, params: Record<string, string | number> = {}) => tr('en', key, params);

let server: ChorusServer;
let browser: Browser;
const opened: { context: BrowserContext; problems: PageProblems | null; who: string }[] = [];

beforeAll(async () => {
  server = await startChorus();
  browser = await launchChromium();
});

afterAll(async () => {
  await Promise.all(opened.map((o) => o.context.close()));
  await browser?.close();
  await server?.stop();
});

const url = (path: string) => server.url + path;

async function newContext(who: string): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(8_000);
  opened.push({ context, problems: null, who });
  return context;
}

async function openPage(context: BrowserContext, who: string): Promise<Page> {
  const page = await context.newPage();
  const entry = opened.find((o) => o.context === context);
  const problems = await watchPage(page);
  if (entry) entry.problems = problems;
  else opened.push({ context, problems, who });
  return page;
}

function unexpectedProblems(): string[] {
  return opened.flatMap((o) =>
    (o.problems?.list() ?? []).filter((p) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(p)).map((p) => `${o.who}: ${p}`),
  );
}

/** A JSON request in a browser context (its cookies, the CSRF header from its cookie). */
async function api<T = unknown>(context: BrowserContext, method: string, path: string, body?: unknown): Promise<T> {
  const cookies = await context.cookies(server.url);
  const csrf = cookies.find((c) => c.name === 'chorus_csrf')?.value;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (csrf) headers['X-CSRF-Token'] = decodeURIComponent(csrf);
  const response = await context.request.fetch(url(path), { method, headers, data: body === undefined ? undefined : body });
  const raw = await response.text();
  if (!response.ok()) throw new Error(`${method} ${path} ${JSON.stringify(body ?? null)} -> ${response.status()}: ${raw}`);
  return (raw ? JSON.parse(raw) : undefined) as T;
}

function birthDateYearsAgo(years: number, daysMore: number): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() - daysMore);
  return d.toISOString().slice(0, 10);
}

interface Setup {
  groupId: string;
  youthA: BrowserContext;
  youthB: BrowserContext;
}

/** Coordinator, panel, group, a moderator member and two youth who take part: all over the API. */
async function setUp(): Promise<Setup> {
  const logged = /"msg":"first-run set-up".*?"url":"([^"]+)"/.exec(server.output());
  expect(logged, `the server logs the first-run set-up link:\n${server.output()}`).not.toBeNull();
  const token = new URL(logged?.[1] ?? '').pathname.split('/').pop() ?? '';
  const coordinator = await newContext('coordinator');
  await api(coordinator, 'POST', '/api/setup', {
    token,
    orgName: 'Safer Internet Centre Denmark',
    country: 'DK',
    displayName: 'Claire Coordinator',
    email: 'claire@example.org',
    password: 'correct horse battery',
    language: 'en',
  });
  const { organisations } = await api<{ organisations: { id: string }[] }>(coordinator, 'GET', '/api/organisations');
  const orgId = organisations[0]?.id ?? '';
  const { panel } = await api<{ panel: { id: string } }>(coordinator, 'POST', '/api/panels', { orgId, name: 'Panel Denmark', country: 'DK', languages: ['en'] });
  const { group } = await api<{ group: { id: string } }>(coordinator, 'POST', `/api/panels/${panel.id}/groups`, { name: 'Group Live' });
  const people = [
    { email: 'mo@example.org', role: 'moderator', name: 'Mona Moderator', years: 35 },
    { email: 'ana@example.org', role: 'youth', name: 'Ana Berg', years: 17 },
    { email: 'ben@example.org', role: 'youth', name: 'Ben Holm', years: 16 },
  ];
  for (const p of people) {
    await api(coordinator, 'POST', `/api/panels/${panel.id}/invitations`, { email: p.email, role: p.role, groupId: group.id, language: 'en' });
  }
  const { messages } = await api<{ messages: { to: string; text: string }[] }>(coordinator, 'GET', '/api/outbox');
  const contexts: BrowserContext[] = [];
  for (const p of people) {
    const mail = messages.find((m) => m.to === p.email && /\/invite\//.test(m.text));
    const invite = /\/invite\/([A-Za-z0-9_.-]+)/.exec(mail?.text ?? '')?.[1];
    expect(invite, `an invitation mail to ${p.email}`).toBeTruthy();
    const context = await newContext(p.name);
    const info = await api<{ needsBirthDate: boolean }>(context, 'GET', `/api/invitations/by-token/${invite}`);
    await api(context, 'POST', `/api/invitations/by-token/${invite}/accept`, {
      displayName: p.name,
      password: 'purple tiger runs',
      ...(info.needsBirthDate ? { birthDate: birthDateYearsAgo(p.years, 30), country: 'DK' } : {}),
      language: 'en',
    });
    if (p.role === 'youth') await api(context, 'POST', '/api/me/consents/participate/grant');
    contexts.push(context);
  }
  const [, youthA, youthB] = contexts;
  if (!youthA || !youthB) throw new Error('set-up incomplete');
  return { groupId: group.id, youthA, youthB };
}

const itemText = (page: Page) => page.locator('.pledge-item').first().locator('textarea[data-field="text"]');

async function switchLanguage(page: Page, lang: Lang): Promise<void> {
  await page.locator('#language-select').selectOption(lang);
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(lang);
}

describe('live pledge co-drafting (issue 4)', () => {
  it('two youth edit the same item at once, see each other, converge; a comment arrives live; axe-clean in en/fr/de', async () => {
    const { groupId, youthA, youthB } = await setUp();

    // --- Youth A starts a pledge from the group page and adds one item.
    const a = await openPage(youthA, 'Ana Berg');
    await a.goto(url(`/groups/${groupId}`));
    await a.locator('#new-pledge-title').waitFor();
    await a.fill('#new-pledge-title', 'Clear apps for everyone');
    await a.selectOption('#new-pledge-language', 'en');
    await a.getByRole('button', { name: en('pledgeList.create') }).click();
    await a.waitForURL(/\/pledges\/[^/]+$/);
    const pledgePath = new URL(a.url()).pathname;
    await expect.poll(() => a.locator('main h1').textContent()).toBe('Clear apps for everyone');
    await expect.poll(() => a.locator('#live-status').getAttribute('data-status')).toBe('live');
    await a.fill('#new-item-heading', 'Clear words');
    await a.getByRole('button', { name: en('pledge.addItem') }).click();
    await itemText(a).waitFor();
    await expect.poll(() => a.evaluate(() => document.activeElement?.getAttribute('data-field'))).toBe('text');
    await a.keyboard.type('Apps explain privacy.');
    await expect.poll(() => a.locator('.saved-note').first().textContent(), { timeout: 5_000 }).toBe(en('pledge.saved'));
    // Rule 8: who can see this pledge.
    const watchers = await a.locator('#pledge-who-can-see .watcher-list').textContent();
    expect(watchers).toContain(en('watchers.coordinator'));

    // --- Youth B opens the same pledge in a second browser.
    const b = await openPage(youthB, 'Ben Holm');
    await b.goto(url(pledgePath));
    await expect.poll(() => b.locator('#live-status').getAttribute('data-status')).toBe('live');
    await expect.poll(() => itemText(b).inputValue()).toBe('Apps explain privacy.');

    // Both go to the item: each sees the other there.
    await itemText(a).click();
    await itemText(b).click();
    await expect.poll(() => a.locator('.pledge-item .presence-list').first().textContent()).toContain(en('pledge.isHere', { name: 'Ben Holm' }));
    await expect.poll(() => b.locator('.pledge-item .presence-list').first().textContent()).toContain(en('pledge.isHere', { name: 'Ana Berg' }));

    // --- Both type at the same time: A at the start, B at the end, three times each.
    const rounds = 3;
    const typeRounds = async (page: Page, who: 'A' | 'B') => {
      for (let i = 1; i <= rounds; i++) {
        await itemText(page).focus();
        await page.keyboard.press(who === 'A' ? 'Control+Home' : 'Control+End');
        await page.keyboard.type(who === 'A' ? `<A${i}> ` : ` <B${i}>`, { delay: 40 });
        await page.waitForTimeout(150 + Math.floor(Math.random() * 250));
      }
    };
    const sawTyping = async (page: Page, name: string) => {
      await expect
        .poll(() => page.locator('.pledge-item .presence-list li.typing').allTextContents(), { timeout: 6_000, interval: 100 })
        .toContain(en('pledge.isTyping', { name }));
    };
    await Promise.all([typeRounds(a, 'A'), typeRounds(b, 'B'), sawTyping(a, 'Ben Holm'), sawTyping(b, 'Ana Berg')]);
    // Leaving the field sends at once.
    await a.locator('main h1').click();
    await b.locator('main h1').click();

    // --- Both screens converge on one text with every contribution exactly once.
    const markers = Array.from({ length: rounds }, (_, i) => [`<A${i + 1}>`, `<B${i + 1}>`]).flat();
    await expect
      .poll(
        async () => {
          const [ta, tb] = await Promise.all([itemText(a).inputValue(), itemText(b).inputValue()]);
          return ta === tb && markers.every((m) => ta.split(m).length === 2) && ta.includes('Apps explain privacy.');
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe(true);
    const final = await itemText(a).inputValue();
    expect(await itemText(b).inputValue()).toBe(final);
    // A's markers went in at the start, B's at the end.
    expect(final.indexOf('<A1>')).toBeLessThan(final.indexOf('Apps explain privacy.'));
    expect(final.indexOf('<B1>')).toBeGreaterThan(final.indexOf('Apps explain privacy.'));
    // A reload shows what the server holds: the same text.
    await expect.poll(() => a.locator('.saved-note').first().textContent()).toBe(en('pledge.saved'));
    await expect.poll(() => b.locator('.saved-note').first().textContent()).toBe(en('pledge.saved'));

    // --- B opens the item's comments; A comments; B sees it without reloading.
    await b.locator('.pledge-item').first().getByRole('button', { name: en('pledge.comments') }).click();
    await expect.poll(() => b.locator('#side-panel-heading').textContent()).toBe(en('pledge.commentsHeading', { n: 1 }));
    await b.locator('.side-panel .empty').waitFor();
    await a.locator('.pledge-item').first().getByRole('button', { name: en('pledge.comments') }).click();
    const commentBox = a.locator('.side-panel textarea').last();
    await commentBox.waitFor();
    await commentBox.fill('Can we say “data” instead of “personal information”?');
    await a.getByRole('button', { name: en('pledge.addComment') }).click();
    await a.locator('.side-panel .comment-text', { hasText: 'Can we say' }).waitFor();
    await b.locator('.side-panel .comment-text', { hasText: 'Can we say' }).waitFor({ timeout: 5_000 });
    expect(await b.locator('.side-panel .comment-meta').first().textContent()).toContain('Ana Berg');
    await expect.poll(() => b.locator('#status').textContent()).toContain(en('pledge.announceComment', { name: 'Ana Berg', n: 1 }));

    // --- axe on the editor: en, then fr and de.
    for (const lang of ['en', 'fr', 'de'] as const) {
      if (lang !== 'en') await switchLanguage(b, lang);
      await expect.poll(() => b.locator('#live-status').textContent()).toBe(tr(lang, 'live.live'));
      const found = await axeViolations(b);
      expect(found, `axe on /pledges/:id in ${lang}`).toEqual([]);
    }
    expect(await axeViolations(a), 'axe on /pledges/:id (en, with the comment form)').toEqual([]);

    expect(unexpectedProblems(), `server output:\n${server.output().slice(-4000)}`).toEqual([]);
  }, 60_000);
});
