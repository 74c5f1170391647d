// Browser journeys of issue 10 against the real server, one per hole an
// outside audit found:
//  1. a group without a moderator: nobody can start a pledge there, and the
//     page says why (rule 1);
//  2. typing and presence carry only what the server checked: a
//     coordinator who may read a pledge but not write in it, sending
//     "typing" with free text over their own socket, shows nothing on a
//     youth's screen (rules 1 and 3);
//  4. a moderator sends a pledge back with a message: the group sees it on
//     the pledge, live, without reloading.
// Every screen is axe-clean.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './browser';
import { en, itemText, startHarness, startPledgeWithItem, type Harness, type PledgeSetup } from './pledgeHarness';

let h: Harness;
let s: PledgeSetup;

beforeAll(async () => {
  h = await startHarness();
  s = await h.setUp();
});

afterAll(async () => {
  await h?.close();
});

/** Opens a socket from the page (with its own cookie), subscribes to topic and sends each message; resolves what came back. */
async function sendOverOwnSocket(page: Page, topic: string, messages: object[]): Promise<string[]> {
  return page.evaluate(
    async ({ topic, messages }) => {
      const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws');
      const got: string[] = [];
      await new Promise<void>((resolve, reject) => {
        ws.onerror = () => reject(new Error('socket error'));
        ws.onmessage = (ev) => {
          const text = String(ev.data);
          got.push(...text.split('\n')); // a busy server sends several messages per frame
          if (text.includes('"subscribed"') || text.includes('"error"')) resolve();
        };
        ws.onopen = () => ws.send(JSON.stringify({ type: 'subscribe', topic }));
      });
      for (const m of messages) ws.send(JSON.stringify(m));
      await new Promise((r) => setTimeout(r, 800));
      ws.close();
      return got;
    },
    { topic, messages },
  );
}

describe('safeguarding holes of issue 10, in the browser', () => {
  it('1: no pledge can be started in a group without a moderator, and the page says why', async () => {
    const { panelId, coordinator } = s;
    // A second group, with Ana in it but no moderator.
    const { group } = await h.api<{ group: { id: string } }>(coordinator, 'POST', `/api/panels/${panelId}/groups`, { name: 'No moderator yet' });
    await h.api(coordinator, 'POST', `/api/panels/${panelId}/invitations`, { email: 'ana.two@example.org', role: 'youth', groupId: group.id, language: 'en' });
    const invite = (await h.mailLink('ana.two@example.org', '/invite/')).replace('/invite/', '');
    const lone = await h.newContext('Ana in a group without moderator');
    const birth = new Date(Date.now() - 17 * 365.25 * 864e5).toISOString().slice(0, 10);
    await h.api(lone, 'POST', `/api/invitations/by-token/${invite}/accept`, { displayName: 'Ana Two', password: 'purple tiger runs', birthDate: birth, country: 'DK', language: 'en' });
    await h.api(lone, 'POST', '/api/me/consents/participate/grant');

    const page = await h.openPage(lone, 'Ana Two');
    await page.goto(h.url(`/groups/${group.id}`));
    await expect.poll(() => page.locator('main h1').textContent()).toBe('No moderator yet');
    await expect.poll(() => page.locator('#no-moderator').textContent()).toBe(en('pledgeList.noModerator'));
    expect(await page.locator('#new-pledge-title').isVisible()).toBe(false);
    expect(await axeViolations(page), 'axe on /groups/:id without a moderator').toEqual([]);

    expect(h.unexpectedProblems(), `server output:\n${h.server.output().slice(-4000)}`).toEqual([]);
  }, 60_000);

  let pledgePath = '';
  let pledgeId = '';

  it('2: typing carries no free text, and nothing from who may not write there', async () => {
    const { groupId, youthA, coordinator } = s;
    const a = await h.openPage(youthA, 'Ana Berg');
    pledgePath = await startPledgeWithItem(a, h.server.url, groupId, 'Clear apps', 'Apps explain privacy.');
    pledgeId = pledgePath.split('/').pop() ?? '';

    // --- Hole 2: the coordinator reads the pledge but may not write in it.
    const c = await h.openPage(coordinator, 'Claire Coordinator');
    await c.goto(h.url(pledgePath));
    await expect.poll(() => c.locator('#live-status').getAttribute('data-status')).toBe('live');
    const items = await h.api<{ items: { id: string }[] }>(youthA, 'GET', `/api/pledges/${pledgeId}`);
    const itemId = items.items[0]?.id ?? '';
    const answers = await sendOverOwnSocket(c, `pledge:${pledgeId}`, [
      { type: 'typing', topic: `pledge:${pledgeId}`, itemId: 'hi, add me on insta @paula' },
      { type: 'typing', topic: `pledge:${pledgeId}`, itemId },
      { type: 'presence', topic: `pledge:${pledgeId}`, itemId },
    ]);
    expect(answers.filter((m) => m.includes('"error"')).length, `answers: ${answers.join('\n')}`).toBeGreaterThanOrEqual(3);
    // Ana's screen shows nothing of it: no one typing, not the coordinator here.
    await a.waitForTimeout(500);
    const onItem = (await a.locator('.pledge-item .presence-list').first().textContent()) ?? '';
    expect(onItem).not.toContain('insta');
    expect(onItem).not.toContain('Claire');
    expect((await a.locator('#pledge-here').textContent()) ?? '').not.toContain('Claire');
    // Ana's own free text in place of an item is refused too.
    const own = await sendOverOwnSocket(a, `pledge:${pledgeId}`, [{ type: 'typing', topic: `pledge:${pledgeId}`, itemId: 'meet me on Saturday' }]);
    expect(own.some((m) => m.includes('"error"') && m.includes('"invalid"')), `answers: ${own.join('\n')}`).toBe(true);
    expect(h.unexpectedProblems(/WebSocket/), `server output:\n${h.server.output().slice(-4000)}`).toEqual([]);
  }, 60_000);

  it('4: a request for changes, with its message, reaches the group on the pledge, live', async () => {
    const { youthB, moderator } = s;

    // --- Hole 4: it goes for review; the moderator sends it back with a message.
    await h.api(moderator, 'POST', `/api/pledges/${pledgeId}/transitions`, { to: 'in_review' });
    const b = await h.openPage(youthB, 'Ben Holm');
    await b.goto(h.url(pledgePath));
    await expect.poll(() => b.locator('#live-status').getAttribute('data-status')).toBe('live');
    const m = await h.openPage(moderator, 'Mona Moderator');
    await m.goto(h.url(pledgePath));
    await m.getByRole('button', { name: en('pledge.requestChanges') }).click();
    const dialog = m.locator('dialog[open]');
    await dialog.waitFor();
    expect(await axeViolations(m), 'axe on the request-changes dialog').toEqual([]);
    await dialog.getByRole('button', { name: en('pledge.requestChanges') }).click();
    await expect.poll(() => dialog.locator('.form-error').textContent()).toBe(en('pledge.requestChangesEmpty'));
    await dialog.getByLabel(en('pledge.requestChangesLabel')).fill('Please say who the pledge is for in the first item.');
    await dialog.getByRole('button', { name: en('pledge.requestChanges') }).click();

    // Ben, who did nothing, sees the message on the pledge, live, and can edit again.
    await expect.poll(() => b.locator('#changes-requested .changes-message').textContent(), { timeout: 8_000 }).toBe('Please say who the pledge is for in the first item.');
    expect(await b.locator('#changes-requested-heading').textContent()).toBe(en('pledge.changesRequestedHeading'));
    await expect.poll(() => b.locator('#status').textContent()).toContain(en('pledge.changesRequestedLive'));
    await expect.poll(() => itemText(b).isEditable()).toBe(true);
    expect(await axeViolations(b), 'axe on /pledges/:id with the moderator message').toEqual([]);

    expect(h.unexpectedProblems(/WebSocket/), `server output:\n${h.server.output().slice(-4000)}`).toEqual([]);
  }, 90_000);
});
