// Browser journey of screening in the pledge editor against the real server:
// youth A types an e-mail address into an item; a plain warning appears
// under the field (for A and, live, for youth B), the pledge cannot be sent
// for review (the server's reason shows beside the button), and the warning
// goes when A takes the address out. Youth B proposes a change with a phone
// number: it is held, B sees why, A does not see it, the moderator is not
// offered "Accept"; the moderator asks for a change and B rewrites it. Then
// the pledge goes to review. axe runs on the warning and on the held
// amendment in en, fr and de.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en, itemText, startHarness, startPledgeWithItem, type Harness } from './pledgeHarness';
import { axeInEveryLanguage } from './languages';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  if (process.env.CHORUS_SCREENSHOTS) await page.screenshot({ path: join(process.env.CHORUS_SCREENSHOTS, `screening-${name}.png`), fullPage: true });
}

const textWarning = (page: Page) => page.locator('.pledge-item').first().locator('[id$="-text-screen"]');

const openAmendments = async (page: Page) => {
  await page.locator('.pledge-item').first().getByRole('button', { name: en('pledge.amendments') }).click();
  await expect.poll(() => page.locator('#side-panel-heading').textContent()).toBe(en('pledge.amendmentsHeading', { n: 1 }));
};

describe('screening in the pledge editor', () => {
  it('warns about an e-mail address in an item until it is gone, blocks review meanwhile, and holds a proposed change with a phone number; axe-clean in en/fr/de', async () => {
    const { groupId, youthA, youthB, moderator } = await h.setUp();
    const clean = 'Apps say what they do with our data.';

    const a = await h.openPage(youthA, 'Ana Berg');
    const pledgePath = await startPledgeWithItem(a, h.server.url, groupId, 'Apps that explain', clean);
    const b = await h.openPage(youthB, 'Ben Holm');
    await b.goto(h.url(pledgePath));
    await expect.poll(() => b.locator('#live-status').getAttribute('data-status')).toBe('live');
    const m = await h.openPage(moderator, 'Mona Moderator');
    await m.goto(h.url(pledgePath));
    await expect.poll(() => m.locator('#live-status').getAttribute('data-status')).toBe('live');

    // --- No warning while the item is clean (the live region waits, empty).
    expect(await textWarning(a).textContent()).toBe('');
    expect(await textWarning(a).locator('[aria-live="polite"]').count()).toBe(1);
    const warningId = (await textWarning(a).getAttribute('id')) ?? '';
    expect((await itemText(a).getAttribute('aria-describedby'))?.split(' ')).toContain(warningId);

    // --- A types an e-mail address: the warning shows, for A and live for B.
    await itemText(a).click();
    await a.keyboard.press('End');
    await a.keyboard.type(' Write to ana.berg@example.org');
    const lineA = textWarning(a).locator('.screen-warning-line');
    await expect.poll(() => lineA.allTextContents(), { timeout: 8_000 }).toEqual([en('itemScreen.email')]);
    expect(await textWarning(a).locator('q').allTextContents()).toEqual(['ana.berg@example.org']);
    await expect.poll(() => textWarning(b).locator('.screen-warning-line').allTextContents(), { timeout: 8_000 }).toEqual([en('itemScreen.email')]);
    await shot(a, 'item-warning');
    await axeInEveryLanguage(a, 'the item with a screening warning', { selector: '.screen-warning-line', key: 'itemScreen.email' });

    // --- Meanwhile the pledge cannot go to review: the server's reason shows beside the button.
    await m.getByRole('button', { name: en('pledge.submitReview') }).click();
    await m.getByRole('dialog').getByRole('button', { name: en('pledge.submitReview') }).click();
    await expect.poll(() => m.locator('#lifecycle-alert').textContent(), { timeout: 8_000 }).toMatch(/Item 1/);
    expect(await m.locator('.pledge-meta .badge').textContent()).toBe(en('pledgeState.draft'));

    // --- A takes the address out: the warning goes, for A and for B.
    await itemText(a).fill(clean);
    await expect.poll(() => lineA.count(), { timeout: 8_000 }).toBe(0);
    expect(await textWarning(a).textContent()).toBe('');
    await expect.poll(() => textWarning(b).locator('.screen-warning-line').count(), { timeout: 8_000 }).toBe(0);
    await expect.poll(() => a.locator('.saved-note').first().textContent()).toBe(en('pledge.saved'));

    // --- B proposes a change with a phone number: it is held, and B sees why.
    await openAmendments(b);
    await b.fill('#amend-text', `${clean} Call me on 06 12 34 56 78.`);
    await b.fill('#amend-reason', 'So people can ask');
    await b.getByRole('button', { name: en('pledge.propose'), exact: true }).click();
    const heldB = b.locator('.side-panel .amendment-held');
    await heldB.waitFor();
    await expect.poll(() => b.locator('#status').textContent()).toContain(en('heldAmendment.announce'));
    expect(await heldB.locator('.held-badge').textContent()).toBe(en('heldComment.badge'));
    expect(await heldB.textContent()).toContain(en('heldAmendment.explain'));
    expect(await heldB.locator('.held-reasons li').first().textContent()).toMatch(/phone number/i);
    const amendmentId = (await heldB.getAttribute('data-amendment')) ?? '';

    // A does not see it; the moderator does, without "Accept".
    await openAmendments(a);
    await a.locator('.side-panel .empty').waitFor();
    await openAmendments(m);
    const heldM = m.locator(`.side-panel [data-amendment="${amendmentId}"]`);
    await heldM.waitFor();
    expect(await heldM.textContent()).toContain(en('heldAmendment.explainModerator'));
    expect(await heldM.getByRole('button', { name: en('pledge.accept') }).count()).toBe(0);
    expect(await heldM.getByRole('button', { name: en('pledge.decline') }).count()).toBe(1);

    // --- The moderator asks for a change (through the queue's API); B reads it and rewrites the proposal.
    // The moderator's page shows the amendment held; the queue is read until its case is there too.
    let theCase: { id: string; content: { id: string } } | undefined;
    await expect
      .poll(async () => {
        const { cases } = await h.api<{ cases: { id: string; content: { id: string } }[] }>(moderator, 'GET', '/api/moderation/queue');
        theCase = cases.find((c) => c.content.id === amendmentId);
        return theCase;
      }, { message: 'a moderation case for the held amendment' })
      .toBeTruthy();
    await h.api(moderator, 'POST', `/api/moderation/cases/${theCase?.id}/actions`, {
      action: 'request_changes',
      reason: 'Phone numbers stay private.',
      message: 'Please take out your phone number.',
    });
    const message = heldB.locator('.moderator-message');
    await message.waitFor({ timeout: 20_000 });
    expect(await message.textContent()).toContain('Please take out your phone number.');
    await shot(b, 'held-amendment');
    // The badge no longer says it waits for a moderator: it waits for B.
    expect(await b.locator('.side-panel .held-badge').textContent()).toBe(en('heldComment.badgeChangeMine'));
    await axeInEveryLanguage(b, 'the held amendment with the moderator’s message', { selector: '.side-panel .held-badge', key: 'heldComment.badgeChangeMine' });
    await b.getByLabel(en('heldAmendment.editText')).fill(`${clean} Ask us in the group.`);
    await b.getByRole('button', { name: en('heldComment.save'), exact: true }).click();
    await expect.poll(() => b.locator('#status').textContent()).toContain(en('heldComment.sentBack'));
    await b.locator('.side-panel .held-sent-back').waitFor();
    expect(await b.locator('.side-panel .amendment .diff').first().textContent()).toContain('Ask us in the group.');

    // --- With a clean item, the pledge goes to review.
    await m.getByRole('button', { name: en('pledge.submitReview') }).click();
    await m.getByRole('dialog').getByRole('button', { name: en('pledge.submitReview') }).click();
    await expect.poll(() => m.locator('.pledge-meta .badge').textContent(), { timeout: 8_000 }).toBe(en('pledgeState.inReview'));
    expect(await m.locator('#lifecycle-alert').textContent()).toBe('');

    // B's screen, open all along, locks at once: no Add, Move or Remove, read-only fields, and why in plain words.
    await expect.poll(() => b.locator('#lock-note').textContent(), { timeout: 8_000 }).toBe(en('pledge.lockedReview'));
    expect(await b.locator('#lock-note').isVisible()).toBe(true);
    expect(await b.locator('#add-item').isVisible()).toBe(false);
    expect(await b.getByRole('button', { name: en('pledge.remove') }).count()).toBe(0);
    expect(await b.getByRole('button', { name: en('pledge.moveDown') }).count()).toBe(0);
    expect(await b.locator('.pledge-item textarea').first().getAttribute('readonly')).not.toBeNull();
    await expect.poll(() => b.locator('#status').textContent()).toContain(en('pledge.lockedReview'));

    expect(h.unexpectedProblems(), `server output:\n${h.server.output().slice(-4000)}`).toEqual([]);
  }, 120_000);
});
