// Browser journey of issue 4 against the real server: a coordinator sets up
// a panel and a group with a moderator member and two youth (16 and 17, from
// Denmark, where the digital age of consent is 13, so they grant
// `participate` themselves) over the API; youth A starts a pledge with one
// item in the UI; youth B opens it in a second browser; both type into the
// same item at the same time (A at the start, B at the end, several times),
// see each other's presence and typing, and end with the same text holding
// both contributions. A comments; B sees it appear live. axe runs on the
// editor in en, fr and de.
import { languages } from './catalogues';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './browser';
import { en, itemText, startHarness, startPledgeWithItem, tr, type Harness } from './pledgeHarness';
import { switchLanguage } from './languages';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

describe('live pledge co-drafting (issue 4)', () => {
  it('two youth edit the same item at once, see each other, converge; a comment arrives live; axe-clean in en/fr/de', async () => {
    const { groupId, youthA, youthB } = await h.setUp();

    // --- Youth A starts a pledge from the group page and adds one item.
    const a = await h.openPage(youthA, 'Ana Berg');
    const pledgePath = await startPledgeWithItem(a, h.server.url, groupId, 'Clear apps for everyone', 'Apps explain privacy.');
    // Rule 8: who can see this pledge.
    const watchers = await a.locator('#pledge-who-can-see .watcher-list').textContent();
    expect(watchers).toContain(en('watchers.coordinatorsOf', { centre: 'Safer Internet Centre Denmark' }));
    expect(watchers).toContain(en('watchers.moderatorsNamed', { names: 'Mona Moderator', centre: 'Safer Internet Centre Denmark' }));

    // --- Youth B opens the same pledge in a second browser.
    const b = await h.openPage(youthB, 'Ben Holm');
    await b.goto(h.url(pledgePath));
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
    for (const lang of languages) {
      if (lang !== 'en') await switchLanguage(b, lang);
      await expect.poll(() => b.locator('#live-status').textContent()).toBe(tr(lang, 'live.live'));
      const found = await axeViolations(b);
      expect(found, `axe on /pledges/:id in ${lang}`).toEqual([]);
    }
    expect(await axeViolations(a), 'axe on /pledges/:id (en, with the comment form)').toEqual([]);

    expect(h.unexpectedProblems(), `server output:\n${h.server.output().slice(-4000)}`).toEqual([]);
  }, 60_000);
});
