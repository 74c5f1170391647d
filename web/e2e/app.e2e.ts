// Browser tests against the real Chorus server (CHORUS_BIN) in headless Chromium.
import { catalogue, languages, locales, type Lang } from './catalogues';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchChromium, watchPage, type PageProblems } from './browser';
import { startChorus, type ChorusServer } from './chorusServer';

const langs = languages;
const titleOf = (lang: Lang, pageKey: string) => `${catalogue(lang)[pageKey]} · Chorus`;

let server: ChorusServer;
let browser: Browser;
const open: { context: BrowserContext; problems: PageProblems }[] = [];

beforeAll(async () => {
  server = await startChorus();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Opens a fresh page (own context: own localStorage) in the given browser language. */
async function openPage(lang: Lang, options: BrowserContextOptions = {}): Promise<Page> {
  return (await openWatchedPage(lang, options)).page;
}

async function openWatchedPage(
  lang: Lang,
  options: BrowserContextOptions = {},
): Promise<{ page: Page; problems: PageProblems }> {
  const context = await browser.newContext({ locale: locales[lang], ...options });
  context.setDefaultTimeout(5_000); // fail fast rather than at the test timeout
  const page = await context.newPage();
  const problems = await watchPage(page);
  open.push({ context, problems });
  return { page, problems };
}

// Every test: no console errors, no uncaught errors, no CSP violations.
afterEach(async () => {
  const pages = open.splice(0);
  const problems = pages.flatMap((p) => p.problems.list());
  await Promise.all(pages.map((p) => p.context.close()));
  expect(problems, `server output:\n${server.output()}`).toEqual([]);
});

const h1 = (page: Page) => page.locator('main h1').textContent();
const activeElement = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el?.tagName ?? '', id: el?.id ?? '', text: el?.textContent?.trim() ?? '', href: el?.getAttribute('href') ?? '' };
  });

describe('landing page and languages', () => {
  it('renders in English with a skip link, menu and footer', async () => {
    const page = await openPage('en');
    const response = await page.goto(server.url + '/');
    expect(response?.status()).toBe(200);
    expect(await h1(page)).toBe(catalogue('en')['home.heading']);
    expect(await page.title()).toBe(titleOf('en', 'home.title'));
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('.skip-link').textContent()).toBe(catalogue('en')['skip.link']);
    expect(await page.getByRole('navigation', { name: catalogue('en')['nav.label'] }).getByRole('link').allTextContents()).toEqual(
      ['nav.home', 'nav.pledges', 'nav.videos', 'nav.rounds', 'nav.about'].map((key) => catalogue('en')[key]),
    );
    for (const key of ['home.who.heading', 'home.safety.heading', 'home.who.guardians.name', 'home.safety.consent.name']) {
      await expect(page.getByText(catalogue('en')[key] ?? key, { exact: true }).count()).resolves.toBeGreaterThan(0);
    }
    if (process.env.CHORUS_SCREENSHOTS) {
      await page.screenshot({ path: join(process.env.CHORUS_SCREENSHOTS, 'chorus-home.png'), fullPage: true });
    }
  });

  it('switches to every language without reload, and remembers the choice', async () => {
    const page = await openPage('en');
    await page.goto(server.url + '/about');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    const select = page.getByLabel(catalogue('en')['language.label'] ?? '');
    expect(await select.count()).toBe(1); // the <select> has its visible label

    for (const lang of languages.filter((l) => l !== 'en')) {
      await page.locator('#language-select').selectOption(lang);
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(lang);
      expect(await h1(page)).toBe(catalogue(lang)['about.heading']);
      expect(await page.title()).toBe(titleOf(lang, 'about.title'));
      expect(await page.locator('.skip-link').textContent()).toBe(catalogue(lang)['skip.link']);
      expect(await page.getByRole('navigation').getAttribute('aria-label')).toBe(catalogue(lang)['nav.label']);
      expect(await page.locator('label[for="language-select"]').textContent()).toBe(catalogue(lang)['language.label']);
    }
    // Same document: no reload happened.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

    await page.reload();
    const last = languages[languages.length - 1] ?? 'en'; // the last one chosen is remembered
    expect(await page.locator('html').getAttribute('lang')).toBe(last);
    expect(await h1(page)).toBe(catalogue(last)['about.heading']);
  });

  it('picks the language from the browser', async () => {
    const page = await openPage('fr');
    await page.goto(server.url + '/');
    // The French catalogue may still be on its way when the page first draws.
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('fr');
    await expect.poll(() => h1(page)).toBe(catalogue('fr')['home.heading']);
    await expect.poll(() => page.title()).toBe(titleOf('fr', 'home.title'));
  });
});

describe('accessibility (axe-core)', () => {
  const pages: readonly [string, string][] = [
    ['/', 'home.heading'],
    ['/about', 'about.heading'],
    ['/videos', 'videos.pageHeading'],
  ];
  const viewports = [
    { name: 'desktop', size: { width: 1280, height: 900 } },
    { name: '320px', size: { width: 320, height: 640 } },
  ];

  it('the axe check itself finds a planted violation', async () => {
    const page = await openPage('en');
    await page.goto(server.url + '/about');
    await page.evaluate(() => document.querySelector('main')?.append(document.createElement('img')));
    expect((await axeViolations(page)).join('\n')).toMatch(/^image-alt/m);
  });

  for (const viewport of viewports) {
    it.each(langs)(`no violations on home, about and the videos page in %s (${viewport.name})`, async (lang) => {
      const page = await openPage(lang, { viewport: viewport.size });
      const found: string[] = [];
      for (const [path, headingKey] of pages) {
        await page.goto(server.url + path);
        expect(await h1(page)).toBe(catalogue(lang)[headingKey]);
        found.push(...(await axeViolations(page)).map((v) => `${path}: ${v}`));
        // Nothing wider than the screen (no sideways scrolling).
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
      }
      expect(found).toEqual([]);
    });
  }
});

describe('keyboard', () => {
  it('first Tab focuses the skip link, Enter moves focus to main', async () => {
    const page = await openPage('en');
    await page.goto(server.url + '/');
    await page.keyboard.press('Tab');
    const first = await activeElement(page);
    expect(first).toMatchObject({ tag: 'A', text: catalogue('en')['skip.link'], href: '#main' });
    // The skip link is on screen and visibly focused while it has focus.
    // (polled: it slides in with a short transition unless motion is reduced)
    await expect.poll(async () => (await page.locator('.skip-link').boundingBox())?.y ?? -1).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    expect((await activeElement(page)).id).toBe('main');
  });

  it('reaches and operates the menu by keyboard; focus moves to the new heading', async () => {
    const page = await openPage('en');
    await page.goto(server.url + '/');
    const aboutLabel = catalogue('en')['nav.about'];
    let reached = false;
    for (let i = 0; i < 15 && !reached; i++) {
      await page.keyboard.press('Tab');
      const el = await activeElement(page);
      reached = el.tag === 'A' && el.text === aboutLabel && el.href === '/about';
    }
    expect(reached, 'Tab reaches the About link in the menu').toBe(true);
    const outline = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement as Element);
      return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    });
    expect(outline.style).not.toBe('none');
    expect(outline.width).toBeGreaterThanOrEqual(2);

    await page.keyboard.press('Enter');
    await page.waitForURL(server.url + '/about');
    expect(await h1(page)).toBe(catalogue('en')['about.heading']);
    expect(await page.title()).toBe(titleOf('en', 'about.title'));
    expect(await activeElement(page)).toMatchObject({ tag: 'H1', text: catalogue('en')['about.heading'] });
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe(aboutLabel);

    await page.goBack();
    expect(await h1(page)).toBe(catalogue('en')['home.heading']);
    expect(await page.title()).toBe(titleOf('en', 'home.title'));
  });

  it('the language switcher works by keyboard', async () => {
    const page = await openPage('en');
    await page.goto(server.url + '/');
    await page.locator('#language-select').focus();
    const next = languages[1] ?? 'en'; // the switcher lists English, then the others by their own names
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(next);
    expect(await h1(page)).toBe(catalogue(next)['home.heading']);
    expect((await activeElement(page)).id).toBe('language-select');
  });
});

describe('server and routes', () => {
  it('serves index.html with no-cache and hashed assets as immutable', async () => {
    const index = await fetch(server.url + '/');
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control') ?? '').toMatch(/no-cache/);
    const html = await index.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(html).not.toMatch(/<style|\sstyle=/); // no inline style
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets.some((path) => path.endsWith('.js'))).toBe(true);
    for (const path of assets) {
      expect(path).toMatch(/-[A-Za-z0-9_-]{8,}\.\w+$/); // content hash in the name
      const asset = await fetch(server.url + path);
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get('cache-control') ?? '', path).toMatch(/immutable/);
    }
  });

  it.each([
    ['/pledges', 'pledges.heading', 'pledges.title'],
    ['/rounds', 'signin.neededHeading', 'rounds.title'], // rounds are for signed-in people: the page asks to sign in
    ['/no/such/page', 'notFound.heading', 'notFound.title'],
  ])('a direct visit to %s renders the app', async (path, headingKey, titleKey) => {
    const page = await openPage('en');
    const response = await page.goto(server.url + path);
    expect(response?.status()).toBe(200);
    expect(await h1(page)).toBe(catalogue('en')[headingKey]);
    expect(await page.title()).toBe(titleOf('en', titleKey));
    expect(await page.locator('header nav').count()).toBe(1);
  });

  it('the server sends a CSP, and the page watcher catches inline scripts it blocks', async () => {
    const { page, problems } = await openWatchedPage('en');
    const response = await page.goto(server.url + '/');
    expect(response?.headers()['content-security-policy'] ?? '').toMatch(/script-src 'self'/);
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'void 0';
      document.body.append(script);
    });
    await expect.poll(() => problems.list().join('\n')).toMatch(/CSP violation: script-src/);
    problems.clear();
  });

  it('respects prefers-reduced-motion', async () => {
    const page = await openPage('en', { reducedMotion: 'reduce' });
    await page.goto(server.url + '/');
    const duration = await page.locator('.skip-link').evaluate((el) => getComputedStyle(el).transitionDuration);
    expect(parseFloat(duration)).toBeLessThan(0.01);
  });
});
