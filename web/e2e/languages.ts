// Switching the app's language and running axe in every language: what
// every journey does on the pages it checks.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { axeViolations } from './browser';
import { languages, tr, type Lang } from './catalogues';

/** Picks lang in the language menu and waits until the page speaks it. */
export async function switchLanguage(page: Page, lang: Lang): Promise<void> {
  await page.locator('#language-select').selectOption(lang);
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(lang);
}

/** axe in every language on what page shows now (ending in English), with a check that the texts did switch. */
export async function axeInEveryLanguage(page: Page, what: string, probe: { selector: string; key: string }): Promise<void> {
  for (const lang of languages) {
    if (lang !== 'en') await switchLanguage(page, lang);
    await expect.poll(() => page.locator(probe.selector).first().textContent()).toBe(tr(lang, probe.key));
    expect(await axeViolations(page), `axe on ${what} in ${lang}`).toEqual([]);
  }
  await switchLanguage(page, 'en');
}
