// Issue 15: "My account" follows the chosen language, and the account's
// language can be changed there. On the demo, Jonas (15, Germany, account in
// German) opens his account: consent cards, scope names and the dates of his
// history are German; he picks French in the menu and every one of them is
// French at once, without a reload, and stays French after one; he saves
// Italian as his account's language and the page is Italian at once; a new
// browser, told nothing, opens in Italian after he signs in.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './browser';
import { tr, type Lang } from './catalogues';
import { demo, demoPassword, startDemo, type DemoHarness } from './demoHarness';
import { switchLanguage } from './languages';

let h: DemoHarness;

beforeAll(async () => {
  h = await startDemo();
}, 60_000);

afterAll(async () => {
  await h?.close();
});

/** The consent registry's texts, as the server sends them. */
const registry = JSON.parse(readFileSync(new URL('../../consent/data/scopes.json', import.meta.url), 'utf8')) as {
  scopes: { code: string; shortName: Record<Lang, string>; youthText: Record<Lang, string> }[];
};
const scope = (code: string) => registry.scopes.find((s) => s.code === code)!;

/** What the consent cards say now: each card's name and text. */
const cards = (page: Page) =>
  page.locator('#consents .scope-card').evaluateAll((list) => list.map((c) => [c.querySelector('h3')?.textContent ?? '', c.querySelector('h3 ~ p:not(.scope-state)')?.textContent ?? '']));

/** The consent cards as they should read in lang. */
const cardsIn = (lang: Lang, codes: string[]) => codes.map((code) => [scope(code).shortName[lang], scope(code).youthText[lang]]);

/** Every date of the history, with what Intl writes for it in lang (the app's medium date and short time). */
const historyDates = (page: Page, lang: Lang) =>
  page.locator('#history time').evaluateAll(
    (times, l) =>
      times.map((t) => [t.textContent, new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(t.getAttribute('datetime') ?? ''))]),
    lang,
  );

/** Checks that the account page speaks lang everywhere: heading, consent cards, history dates and scope names. */
async function speaks(page: Page, lang: Lang, codes: string[]): Promise<void> {
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(lang);
  await expect.poll(() => page.locator('main h1').textContent()).toBe(tr(lang, 'me.heading'));
  await expect.poll(() => cards(page), { message: `consent cards in ${lang}` }).toEqual(cardsIn(lang, codes));
  const dates = await historyDates(page, lang);
  expect(dates.length, 'dates in the history').toBeGreaterThan(0);
  for (const [shown, want] of dates) expect(shown, `a history date in ${lang}`).toBe(want);
  // The history names the scopes in the same language ("… took part in the panel").
  expect(await page.locator('#history').textContent()).toContain(scope('participate').shortName[lang]);
}

describe('the account’s language', () => {
  it('consent cards, names and dates follow the chosen language at once; the account’s language is changed on My account', async () => {
    const jonas = await h.open('Jonas', { email: demo.jonas });
    await jonas.goto(h.url('/me'));
    await jonas.locator('#consents .scope-card').first().waitFor();
    const codes = await jonas.locator('#consents .scope-card').evaluateAll((list) => list.map((c) => c.getAttribute('data-scope') ?? ''));
    expect(codes).toContain('participate');
    // Nobody chose a language in this browser: Chorus speaks the account's (German).
    await speaks(jonas, 'de', codes);
    expect(await jonas.inputValue('#me-language')).toBe('de');

    // French from the menu: everything at once, in the same document.
    await jonas.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    await switchLanguage(jonas, 'fr');
    await speaks(jonas, 'fr', codes);
    expect(await jonas.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument), 'no reload').toBe(true);
    // ...and after a reload too (the consent texts used to fall back to the account's language).
    await jonas.reload();
    await speaks(jonas, 'fr', codes);

    // Italian as the account's language: saved, and the page speaks it at once.
    await jonas.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    await jonas.selectOption('#me-language', 'it');
    await jonas.getByRole('button', { name: tr('fr', 'me.languageSave') }).click();
    await speaks(jonas, 'it', codes);
    await expect.poll(() => jonas.locator('#status').textContent()).toContain(tr('it', 'me.languageSaved'));
    expect(await jonas.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument), 'no reload').toBe(true);
    const { me } = await h.api<{ me: { account: { language: string } } }>(jonas, 'GET', '/api/session');
    expect(me.account.language).toBe('it');
    expect(await axeViolations(jonas), 'axe on My account in Italian').toEqual([]);

    // A new browser, told nothing: after signing in, Chorus opens in the account's language.
    const fresh = await h.open('Jonas (new browser)');
    await fresh.goto(h.url('/signin'));
    await fresh.fill('#signin-email', demo.jonas);
    await fresh.fill('#signin-password', demoPassword);
    await fresh.getByRole('button', { name: tr('en', 'signin.submit') }).click();
    await expect.poll(() => fresh.locator('html').getAttribute('lang')).toBe('it');
    await fresh.goto(h.url('/me'));
    await speaks(fresh, 'it', codes);
    expect(h.unexpectedProblems()).toEqual([]);
  }, 120_000);
});
