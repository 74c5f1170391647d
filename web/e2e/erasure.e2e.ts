// Browser journey of issue 14 (GDPR Art. 12(3), 17): a guardian asks
// through their link to delete their child's data; the coordinator opens the
// deletion requests from their home, sees the due date, is refused without
// a reason, erases the account on the guardian's behalf and sees the list
// empty; the child's comment keeps its place without its words. axe runs in
// every language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './browser';
import { axeInEveryLanguage } from './languages';
import { en, startHarness, type Harness } from './pledgeHarness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

describe('deletion requests (issue 14)', () => {
  it('a coordinator carries out a guardian’s deletion request; axe-clean', async () => {
    const { groupId, youthA, youthB, coordinator } = await h.setUp();
    // Ana (17) names her guardian, who consents through the link.
    await h.api(youthA, 'POST', '/api/me/guardian', { email: 'parent@example.org' });
    const token = (await h.mailLink('parent@example.org', '/guardian/')).replace('/guardian/', '');
    const guardian = await h.newContext('guardian');
    await h.api(guardian, 'POST', `/api/guardian/${token}/confirm`, { guardianName: 'Pia Berg', grants: { video_publish: true } });
    const manage = (await h.mailLink('parent@example.org', '/guardian/manage/')).replace('/guardian/manage/', '');
    const { pledge } = await h.api<{ pledge: { id: string } }>(youthB, 'POST', `/api/groups/${groupId}/pledges`, { title: 'Words', language: 'en' });
    const { item } = await h.api<{ item: { id: string } }>(youthB, 'POST', `/api/pledges/${pledge.id}/items`, { heading: 'Words', text: 'Plain words.' });
    await h.api(youthA, 'POST', `/api/pledges/${pledge.id}/items/${item.id}/comments`, { text: 'My little brother uses this app' });
    // The guardian asks on their page and is told by when it will be done.
    const g = await h.openPage(guardian, 'guardian');
    await g.goto(h.url(`/guardian/manage/${manage}`));
    await g.getByRole('button', { name: en('manage.deletion') }).click();
    await g.getByRole('dialog').getByRole('button', { name: en('manage.deletionConfirm') }).click();
    let dueAt = '';
    await expect
      .poll(async () => {
        const { requests } = await h.api<{ requests: { dueAt: string }[] }>(coordinator, 'GET', '/api/deletion-requests');
        dueAt = requests[0]?.dueAt ?? '';
        return dueAt;
      })
      .not.toBe('');
    const dueDay = new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(new Date(dueAt)); // as the app writes dates
    await expect.poll(() => g.locator('#status').textContent()).toContain(dueDay);

    const c = await h.openPage(coordinator, 'Claire Coordinator');
    await c.goto(h.url('/'));
    await c.getByRole('link', { name: en('staffHome.deletionsLink') }).click();
    await expect.poll(() => c.locator('h1').textContent()).toBe(en('deletionRequests.heading'));
    const request = c.locator('.deletion-request');
    await expect.poll(() => request.locator('h2').textContent()).toBe('Ana Berg');
    expect(await request.locator(`time[datetime="${dueAt}"]`).count()).toBe(1);
    await axeInEveryLanguage(c, 'the deletion requests page', { selector: 'h1', key: 'deletionRequests.heading' });

    // No reason: refused before anything is sent.
    await c.getByRole('button', { name: en('deletionRequests.erase') }).click();
    await expect.poll(() => c.locator('.field-error:not([hidden])').textContent()).toBe(en('deletionRequests.reasonRequired'));
    await c.getByLabel(en('deletionRequests.reason')).fill('The guardian asked on the consent page');
    await c.getByRole('button', { name: en('deletionRequests.erase') }).click();
    const dialog = c.getByRole('dialog');
    await expect.poll(() => dialog.locator('h2').textContent()).toBe(en('deletionRequests.confirmHeading', { name: 'Ana Berg' }));
    expect(await axeViolations(c)).toEqual([]);
    // Escape says no: the dialog goes, focus is back on the button, nothing is erased.
    await c.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    const erase = c.getByRole('button', { name: en('deletionRequests.erase') });
    expect(await erase.evaluate((b) => b === document.activeElement)).toBe(true);
    expect(await request.locator('h2').textContent()).toBe('Ana Berg');
    await erase.click();
    await dialog.getByRole('button', { name: en('deletionRequests.confirm') }).click();
    await expect.poll(() => c.locator('#status').textContent()).toBe(en('deletionRequests.done', { name: 'Ana Berg' }));
    await expect.poll(() => c.locator('.page-body .none').textContent()).toBe(en('deletionRequests.none'));

    // Ben's pledge keeps Ana's comment in its place, without her words.
    const { comments } = await h.api<{ comments: { erased?: boolean; text: string }[] }>(youthB, 'GET', `/api/pledges/${pledge.id}/items/${item.id}/comments`);
    expect(comments.map((x) => [x.erased, x.text])).toEqual([[true, '']]);
    expect(h.unexpectedProblems()).toEqual([]);
  }, 60_000);
});
