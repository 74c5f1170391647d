// The outbox page (issue 9) on a server that keeps its mail instead of
// sending it: a coordinator sees that mail waits for the people of their
// panel (its kind, the recipient's domain, when) and never a link that
// would open someone else's invitation or guardian page; a password reset
// is not kept at all. axe runs on the page.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchChromium, watchPage } from './browser';
import { startChorus, type ChorusServer } from './chorusServer';

const en = JSON.parse(readFileSync(fileURLToPath(new URL('../src/i18n/en.json', import.meta.url)), 'utf8')) as Record<string, string>;

let server: ChorusServer;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  server = await startChorus([], { outbox: true });
  browser = await launchChromium();
  context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(8_000);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
});

async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const csrf = (await context.cookies(server.url)).find((c) => c.name === 'chorus_csrf')?.value;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (csrf) headers['X-CSRF-Token'] = decodeURIComponent(csrf);
  const response = await context.request.fetch(server.url + path, { method, headers, data: body });
  const raw = await response.text();
  if (!response.ok()) throw new Error(`${method} ${path} -> ${response.status()}: ${raw}`);
  const json = (response.headers()['content-type'] ?? '').startsWith('application/json');
  return (json && raw ? JSON.parse(raw) : undefined) as T;
}

describe('the outbox (issue 9)', () => {
  it('shows a coordinator that mail waits, never its links', async () => {
    const logged = /"msg":"first-run set-up".*?"url":"([^"]+)"/.exec(server.output());
    expect(logged, server.output()).not.toBeNull();
    await api('GET', '/api/session');
    await api('POST', '/api/setup', {
      token: new URL(logged?.[1] ?? '').pathname.split('/').pop(),
      orgName: 'Safer Internet Centre Ireland',
      country: 'IE',
      displayName: 'Claire Coordinator',
      email: 'claire@example.org',
      password: 'correct horse battery',
      language: 'en',
    });
    const { panel } = await api<{ panel: { id: string } }>('POST', '/api/panels', { name: 'Panel Ireland', country: 'IE', languages: ['en'] });
    await api('POST', `/api/panels/${panel.id}/invitations`, { email: 'aoife@school.example', role: 'youth', language: 'en' });
    await api('POST', '/api/auth/password-reset', { email: 'claire@example.org' });

    const page = await context.newPage();
    const problems = await watchPage(page);
    await page.goto(server.url + '/outbox');
    const mail = page.locator('li.mail[data-kind="identity.invitation"][data-domain="school.example"]');
    await mail.waitFor();
    expect(await page.locator('main h1').textContent()).toBe(en['outbox.heading']);
    expect(await page.locator('li.mail').count(), 'only the invitation: a password reset is never kept').toBe(1);
    expect(await page.locator('main').textContent()).toContain(en['outbox.lead']);
    const main = (await page.locator('main').innerHTML()) ?? '';
    expect(main, 'no link to an invitation, guardian or reset page').not.toMatch(/\/(invite|guardian|reset)\//);
    expect(main, 'not the whole address either').not.toContain('aoife@');
    expect(await axeViolations(page)).toEqual([]);
    expect(problems.list()).toEqual([]);
  });
});
