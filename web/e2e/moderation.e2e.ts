// Browser journey of issue 5 against the real server: youth A writes a
// comment with a phone number; screening holds it and A sees why (only A
// and the moderators see it). The moderator, in a browser of their own,
// sees the case arrive live in /moderation, opens it and asks for a change
// with a reason and a message; A reads the message and edits the comment;
// the moderator approves; youth B, who had the comments open, sees it
// appear. B then reports it as a safeguarding concern and is shown the
// helpline. axe runs on the queue, the case view and the held comment in
// en, fr and de.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './browser';
import { en, startHarness, startPledgeWithItem, type Harness } from './pledgeHarness';
import { axeInEveryLanguage } from './languages';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

/** Saves a screenshot when CHORUS_SCREENSHOTS names a directory (for looking at the pages, not for asserting). */
async function shot(page: Page, name: string): Promise<void> {
  if (process.env.CHORUS_SCREENSHOTS) await page.screenshot({ path: join(process.env.CHORUS_SCREENSHOTS, `moderation-${name}.png`), fullPage: true });
}

const openComments = async (page: Page) => {
  await page.locator('.pledge-item').first().getByRole('button', { name: en('pledge.comments') }).click();
  await expect.poll(() => page.locator('#side-panel-heading').textContent()).toBe(en('pledge.commentsHeading', { n: 1 }));
};

describe('moderation of held comments (issue 5)', () => {
  it('a held comment goes through the queue: change requested, edited, approved; reported with the helpline; axe-clean in en/fr/de', async () => {
    const { groupId, youthA, youthB, moderator, coordinator } = await h.setUp();

    // --- The moderator has the queue open before anything happens.
    const m = await h.openPage(moderator, 'Mona Moderator');
    await m.goto(h.url('/'));
    await m.locator('nav.main-nav a', { hasText: en('nav.moderation') }).click();
    await m.waitForURL(/\/moderation$/);
    await expect.poll(() => m.locator('#queue-live').textContent()).toBe(en('queue.liveOn'));
    await expect.poll(() => m.locator('.queue-waiting').textContent()).toBe(en('queue.nothingWaiting'));

    // --- Youth A starts a pledge; youth B opens its comments.
    const a = await h.openPage(youthA, 'Ana Berg');
    const pledgePath = await startPledgeWithItem(a, h.server.url, groupId, 'Apps that explain', 'Apps say what they do with our data.');
    // Youth do not get the moderation menu entry.
    expect(await a.locator('nav.main-nav a', { hasText: en('nav.moderation') }).count()).toBe(0);
    const b = await h.openPage(youthB, 'Ben Holm');
    await b.goto(h.url(pledgePath));
    await expect.poll(() => b.locator('#live-status').getAttribute('data-status')).toBe('live');
    await openComments(b);
    await b.locator('.side-panel .empty').waitFor();

    // --- A writes a comment with a phone number: it is held, and A sees why.
    await openComments(a);
    const phoneText = 'Text me on 06 12 34 56 78 and we can talk about it.';
    await a.locator('.side-panel textarea').last().fill(phoneText);
    await a.getByRole('button', { name: en('pledge.addComment') }).click();
    const held = a.locator('.side-panel .comment-held', { hasText: '06 12 34 56 78' });
    await held.waitFor();
    expect(await held.locator('.held-badge').textContent()).toBe(en('heldComment.badge'));
    expect(await held.textContent()).toContain(en('heldComment.explain'));
    expect(await held.locator('.held-reasons li').first().textContent()).toMatch(/phone number/i);
    await expect.poll(() => a.locator('#status').textContent()).toContain(en('heldComment.announce'));
    // B does not see it.
    await b.waitForTimeout(500);
    expect(await b.locator('.side-panel .comment-text').count()).toBe(0);

    // --- The moderator sees the case arrive without reloading.
    const row = m.locator('tr[data-category="phone"]');
    await row.waitFor({ timeout: 8_000 });
    await expect.poll(() => m.locator('#status').textContent()).toContain(en('queue.newCase'));
    expect(await row.textContent()).toContain('06 12 34 56 78');
    expect(await row.textContent()).toContain(en('band.minorAtConsentAge'));
    expect(await m.locator('.queue-waiting').textContent()).toBe(en('queue.waiting', { n: 1 }));
    await shot(m, 'queue');
    await axeInEveryLanguage(m, '/moderation', { selector: '#queue-summary-heading', key: 'queue.summaryHeading' });

    // --- The moderator opens the case and asks for a change.
    await row.getByRole('link').click();
    await m.waitForURL(/\/moderation\/cases\/[^/]+$/);
    await m.locator('.case-text', { hasText: '06 12 34 56 78' }).waitFor();
    expect(await m.locator('.case-context').textContent()).toBe('Apps say what they do with our data.');
    expect(await m.locator('.case-facts-list').textContent()).toContain('Ana Berg');
    await axeInEveryLanguage(m, '/moderation/cases/:id', { selector: '#case-history-heading', key: 'case.historyHeading' });
    await m.getByRole('button', { name: en('action.requestChanges') }).click();
    await expect.poll(() => m.evaluate(() => document.activeElement?.id)).toBe('case-reason');
    // A reason is required.
    await m.getByRole('button', { name: en('case.confirm') }).click();
    await expect.poll(() => m.locator('#case-reason-error').textContent()).toBe(en('case.reasonRequired'));
    await m.fill('#case-reason', 'Phone numbers stay private in groups.');
    await m.fill('#case-message', 'Please take out your phone number. You can talk with people here instead.');
    expect(await axeViolations(m), 'axe on the case view with the decision form').toEqual([]);
    await shot(m, 'case');
    await m.getByRole('button', { name: en('case.confirm') }).click();
    await expect.poll(() => m.locator('.case-status').textContent()).toBe(en('caseStatus.changesRequested'));
    await expect.poll(() => m.locator('#status').textContent()).toContain(en('case.done', { status: en('caseStatus.changesRequested') }));
    expect(await m.locator('.case-history-list').textContent()).toContain('Phone numbers stay private in groups.');

    // --- A sees the moderator's message (the panel looks again while a comment waits) and edits the comment.
    const message = a.locator('.side-panel .moderator-message');
    await message.waitFor({ timeout: 20_000 });
    expect(await message.textContent()).toContain('Please take out your phone number.');
    await shot(a, 'held-comment');
    await axeInEveryLanguage(a, 'the held comment with the moderator’s message', { selector: '.side-panel .held-badge', key: 'heldComment.badgeChangeMine' });
    const edit = a.getByLabel(en('heldComment.editLabel'));
    await edit.fill('Can we talk about it at the next meeting?');
    await a.getByRole('button', { name: en('heldComment.save') }).click();
    await expect.poll(() => a.locator('#status').textContent()).toContain(en('heldComment.sentBack'));
    await a.locator('.side-panel .held-sent-back').waitFor();
    expect(await a.locator('.side-panel .comment-text').first().textContent()).toBe('Can we talk about it at the next meeting?');

    // --- The moderator sees the new text (live) and approves.
    await m.locator('.case-text', { hasText: 'next meeting' }).waitFor({ timeout: 8_000 });
    await expect.poll(() => m.locator('.case-status').textContent()).toBe(en('caseStatus.open'));
    await m.getByRole('button', { name: en('action.approve') }).click();
    await m.fill('#case-reason', 'No personal data any more.');
    await m.getByRole('button', { name: en('case.confirm') }).click();
    await expect.poll(() => m.locator('.case-status').textContent()).toBe(en('caseStatus.approved'));

    // --- B sees the comment in the group; A sees it is no longer held.
    const shown = b.locator('.side-panel .comment', { hasText: 'next meeting' });
    await shown.waitFor({ timeout: 8_000 });
    expect(await shown.locator('.comment-meta').textContent()).toContain('Ana Berg');
    await expect.poll(() => a.locator('.side-panel .comment-held').count()).toBe(0);
    await a.locator('.side-panel .comment', { hasText: 'next meeting' }).waitFor();

    // --- B reports it as a safeguarding concern and is shown where to get help.
    await shown.getByRole('button', { name: new RegExp(`^${en('report.button')}`) }).click();
    const dialog = b.getByRole('dialog', { name: en('report.heading') });
    await dialog.waitFor();
    await expect.poll(() => b.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('radio');
    expect(await axeViolations(b), 'axe on the report dialog').toEqual([]);
    await dialog.getByRole('button', { name: en('report.send') }).click();
    await expect.poll(() => dialog.locator('.field-error').first().textContent()).toBe(en('report.pickCategory'));
    await dialog.getByLabel(en('report.catSafeguarding')).check();
    await dialog.getByRole('button', { name: en('report.send') }).click();
    await dialog.locator('.report-thanks').waitFor();
    expect(await dialog.locator('.report-thanks').textContent()).toBe(en('report.thanks'));
    expect(await dialog.locator('.helpline-name').textContent()).toBe('BørneTelefonen');
    expect(await dialog.locator('.helpline-phone').getAttribute('href')).toBe('tel:116111');
    expect(await axeViolations(b), 'axe on the report dialog with the helpline').toEqual([]);
    await shot(b, 'report-helpline');
    await b.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);

    // The safeguarding report tops the moderator's queue.
    await m.goto(h.url('/moderation'));
    await expect.poll(() => m.locator('.queue-table tbody tr').first().getAttribute('data-category')).toBe('safeguarding');
    await shot(m, 'queue-safeguarding');

    // --- The coordinator reads the audit trail: who did what, when and why; the same search as CSV.
    const c = await h.openPage(coordinator, 'Claire Coordinator');
    await c.goto(h.url('/moderation'));
    await c.getByRole('link', { name: en('queue.auditLink') }).click();
    await c.waitForURL(/\/moderation\/audit$/);
    await c.locator('.audit-table').waitFor();
    const actions = await c.locator('.audit-table tbody tr td:nth-child(2)').allTextContents();
    for (const key of ['auditAction.opened', 'auditAction.requestChanges', 'auditAction.resubmitted', 'auditAction.approve', 'auditAction.report']) {
      expect(actions, key).toContain(en(key));
    }
    await c.selectOption('#audit-action', 'moderation.request_changes');
    await c.getByRole('button', { name: en('audit.search') }).click();
    await expect.poll(() => c.locator('.audit-table tbody tr').count()).toBe(1);
    const entry = c.locator('.audit-table tbody tr').first();
    expect(await entry.textContent()).toContain('Phone numbers stay private in groups.');
    expect(await entry.textContent()).toContain('Mona Moderator');
    const csvHref = (await c.locator('#audit-csv').getAttribute('href')) ?? '';
    expect(csvHref).toBe('/api/moderation/audit.csv?action=moderation.request_changes');
    const csv = await (await coordinator.request.get(h.url(csvHref))).text();
    expect(csv.split('\n')[1]).toContain('Phone numbers stay private in groups.');
    await shot(c, 'audit');
    await axeInEveryLanguage(c, '/moderation/audit', { selector: '#audit-entries-heading', key: 'audit.resultsHeading' });

    expect(h.unexpectedProblems(), `server output:\n${h.server.output().slice(-4000)}`).toEqual([]);
  }, 120_000);
});
