// The demo workspace (`chorus demo`) in the browser: the real server seeded
// with the sample panel, its people and a draft pledge; a browser context
// per person, signed in over the API; their page problems recorded.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, watchPage, type PageProblems } from './browser';
import { locales, type Lang } from './catalogues';
import { startChorus, type ChorusServer } from './chorusServer';

/** The password of every demo account (server/demo.go). */
export const demoPassword = 'chorus-demo-2026';

/** The demo's accounts by what they are. */
export const demo = {
  coordinator: 'coordinator@demo.chorus',
  moderator: 'moderator@demo.chorus',
  moderator2: 'moderator2@demo.chorus',
  lea: 'lea@demo.chorus', // 13, France: waiting for her guardian
  jonas: 'jonas@demo.chorus', // 15, Germany: guardian said yes
  giulia: 'giulia@demo.chorus', // 17, Italy, ambassador: agreed herself
  partner: 'sam@demo.chorus',
} as const;

export interface DemoHarness {
  server: ChorusServer;
  url(path: string): string;
  /** A fresh browser context with lang's locale (signed in as email when given) and one page in it. */
  open(who: string, opts?: { email?: string; lang?: Lang; width?: number }): Promise<Page>;
  /** A JSON request in page's context, with the CSRF header. */
  api<T = unknown>(page: Page, method: string, path: string, body?: unknown): Promise<T>;
  /** Console errors, page errors and CSP violations, except 4xx fetches the journeys cause on purpose. */
  unexpectedProblems(): string[];
  close(): Promise<void>;
}

export async function startDemo(): Promise<DemoHarness> {
  const server = await startChorus(['demo']);
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await server.stop();
    throw error;
  }
  const opened: { context: BrowserContext; problems: PageProblems; who: string }[] = [];
  const url = (path: string) => server.url + path;

  const api = async <T = unknown>(page: Page, method: string, path: string, body?: unknown): Promise<T> => {
    const context = page.context();
    let csrf = (await context.cookies(server.url)).find((c) => c.name === 'chorus_csrf')?.value;
    if (!csrf) {
      await context.request.get(url('/api/session'));
      csrf = (await context.cookies(server.url)).find((c) => c.name === 'chorus_csrf')?.value;
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (csrf) headers['X-CSRF-Token'] = decodeURIComponent(csrf);
    const response = await context.request.fetch(url(path), { method, headers, data: body === undefined ? undefined : body });
    const raw = await response.text();
    if (!response.ok()) throw new Error(`${method} ${path} -> ${response.status()}: ${raw}`);
    return (raw ? JSON.parse(raw) : undefined) as T;
  };

  const open = async (who: string, opts: { email?: string; lang?: Lang; width?: number } = {}): Promise<Page> => {
    const context = await browser.newContext({ locale: locales[opts.lang ?? 'en'] ?? 'en-GB', viewport: { width: opts.width ?? 1280, height: 900 } });
    context.setDefaultTimeout(8_000);
    const page = await context.newPage();
    opened.push({ context, problems: await watchPage(page), who });
    if (opts.email) await api(page, 'POST', '/api/auth/login', { email: opts.email, password: demoPassword });
    return page;
  };

  return {
    server,
    url,
    open,
    api,
    unexpectedProblems: () =>
      opened.flatMap((o) =>
        o.problems
          .list()
          .filter((p) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(p))
          .map((p) => `${o.who}: ${p}`),
      ),
    close: async () => {
      await Promise.all(opened.map((o) => o.context.close()));
      await browser.close();
      await server.stop();
    },
  };
}
