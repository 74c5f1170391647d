// Shared set-up of the pledge browser journeys: the real server, one
// Chromium, browser contexts per person (their problems recorded), a JSON
// API helper with the CSRF header, the catalogue texts, and a group with a
// moderator member and two youth who take part (16 and 17, from Denmark,
// where the digital age of consent is 13), all made over the API.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchChromium, watchPage, type PageProblems } from './browser';
import { startChorus, type ChorusServer } from './chorusServer';

import { tr, type Lang } from './catalogues';

export { tr, type Lang };
export const en = (key: string, params: Record<string, string | number> = {}) => tr('en', key, params);

/** The text field of the first item on the pledge editor. */
export const itemText = (page: Page) => page.locator('.pledge-item').first().locator('textarea[data-field="text"]');

export interface PledgeSetup {
  panelId: string;
  groupId: string;
  youthA: BrowserContext;
  youthB: BrowserContext;
  /** Mona Moderator, the group's moderator member (an adult). */
  moderator: BrowserContext;
  coordinator: BrowserContext;
}

export interface Harness {
  server: ChorusServer;
  browser: Browser;
  url(path: string): string;
  newContext(who: string): Promise<BrowserContext>;
  openPage(context: BrowserContext, who: string): Promise<Page>;
  api<T = unknown>(context: BrowserContext, method: string, path: string, body?: unknown): Promise<T>;
  /** The newest link path starting with prefix in mail to `to`, as the recipient gets it. */
  mailLink(to: string, prefix: string): Promise<string>;
  /** Coordinator, panel, group, a moderator member and two youth who take part: all over the API. */
  setUp(): Promise<PledgeSetup>;
  /** Console errors, page errors and CSP violations, except 4xx resource loads (and those matching also). */
  unexpectedProblems(also?: RegExp): string[];
  close(): Promise<void>;
}

function birthDateYearsAgo(years: number, daysMore: number): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() - daysMore);
  return d.toISOString().slice(0, 10);
}

export async function startHarness(): Promise<Harness> {
  const server = await startChorus();
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await server.stop();
    throw error;
  }
  const opened: { context: BrowserContext; problems: PageProblems | null; who: string }[] = [];
  const url = (path: string) => server.url + path;

  const newContext = async (who: string): Promise<BrowserContext> => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(8_000);
    opened.push({ context, problems: null, who });
    return context;
  };

  const openPage = async (context: BrowserContext, who: string): Promise<Page> => {
    const page = await context.newPage();
    const entry = opened.find((o) => o.context === context);
    const problems = await watchPage(page);
    if (entry) entry.problems = problems;
    else opened.push({ context, problems, who });
    return page;
  };

  const api = async <T = unknown>(context: BrowserContext, method: string, path: string, body?: unknown): Promise<T> => {
    const cookies = await context.cookies(server.url);
    const csrf = cookies.find((c) => c.name === 'chorus_csrf')?.value;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (csrf) headers['X-CSRF-Token'] = decodeURIComponent(csrf);
    const response = await context.request.fetch(url(path), { method, headers, data: body === undefined ? undefined : body });
    const raw = await response.text();
    if (!response.ok()) throw new Error(`${method} ${path} ${JSON.stringify(body ?? null)} -> ${response.status()}: ${raw}`);
    const json = (response.headers()['content-type'] ?? '').includes('json');
    return (raw && json ? JSON.parse(raw) : undefined) as T;
  };

  const mailLink = (to: string, prefix: string): Promise<string> => {
    if (!server.mail) throw new Error('this server keeps mail in its outbox');
    return server.mail.linkTo(to, prefix);
  };

  const setUp = async (): Promise<PledgeSetup> => {
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
    const contexts: BrowserContext[] = [];
    for (const p of people) {
      const invite = (await mailLink(p.email, '/invite/')).replace('/invite/', '');
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
    const [moderator, youthA, youthB] = contexts;
    if (!moderator || !youthA || !youthB) throw new Error('set-up incomplete');
    return { panelId: panel.id, groupId: group.id, youthA, youthB, moderator, coordinator };
  };

  const unexpectedProblems = (also?: RegExp) =>
    opened.flatMap((o) =>
      (o.problems?.list() ?? [])
        .filter((p) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(p) && !(also && also.test(p)))
        .map((p) => `${o.who}: ${p}`),
    );

  const close = async () => {
    await Promise.all(opened.map((o) => o.context.close()));
    await browser.close();
    await server.stop();
  };

  return { server, browser, url, newContext, openPage, api, mailLink, setUp, unexpectedProblems, close };
}

/**
 * Youth A starts a pledge from the group page (at baseUrl, the server's or
 * a proxy's) with one item "Clear words" whose text is initialText, and
 * waits until it is saved; returns the editor's path.
 */
export async function startPledgeWithItem(a: Page, baseUrl: string, groupId: string, title: string, initialText: string): Promise<string> {
  await a.goto(`${baseUrl}/groups/${groupId}`);
  await a.locator('#new-pledge-title').waitFor();
  await a.fill('#new-pledge-title', title);
  await a.selectOption('#new-pledge-language', 'en');
  await a.getByRole('button', { name: en('pledgeList.create') }).click();
  await a.waitForURL(/\/pledges\/[^/]+$/);
  const pledgePath = new URL(a.url()).pathname;
  await expect.poll(() => a.locator('main h1').textContent()).toBe(title);
  await expect.poll(() => a.locator('#live-status').getAttribute('data-status')).toBe('live');
  await a.fill('#new-item-heading', 'Clear words');
  await a.getByRole('button', { name: en('pledge.addItem') }).click();
  await itemText(a).waitFor();
  await expect.poll(() => a.evaluate(() => document.activeElement?.getAttribute('data-field'))).toBe('text');
  await a.keyboard.type(initialText);
  await expect.poll(() => a.locator('.saved-note').first().textContent(), { timeout: 5_000 }).toBe(en('pledge.saved'));
  return pledgePath;
}
