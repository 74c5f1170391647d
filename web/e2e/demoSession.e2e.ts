// Issue 15: a live session can open in the demo. The coordinator sees the
// panel's safeguarding settings and saves them through the form (the
// audit trail says who changed which); a
// moderator schedules a session; with one moderator connected it stays
// paused and Send is disabled with the reason beside it; when the second
// demo moderator joins it opens and the ambassador's message goes through.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from './catalogues';
import { demo, startDemo, type DemoHarness } from './demoHarness';
import { axeInEveryLanguage } from './languages';

let h: DemoHarness;
const en = (key: string, params: Record<string, string | number> = {}) => tr('en', key, params);

beforeAll(async () => {
  h = await startDemo();
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const status = (page: Page) => page.locator('#session-state').getAttribute('data-status');

describe('a live session in the demo', () => {
  it('opens once the two demo moderators are there', async () => {
    const coordinator = await h.open('coordinator', { email: demo.coordinator });
    const { panels } = await h.api<{ panels: { id: string }[] }>(coordinator, 'GET', '/api/panels');
    const panelId = panels[0]?.id ?? '';

    // The settings form: bad input is refused beside the field; then the two-adults rule is saved.
    await coordinator.goto(h.url(`/panels/${panelId}`));
    await coordinator.locator('#settings-form').waitFor();
    expect(await coordinator.inputValue('#settings-moderatorsRequired')).toBe('2');
    await coordinator.fill('#settings-moderatorsRequired', '0');
    await coordinator.getByRole('button', { name: en('settings.save') }).click();
    await expect.poll(() => coordinator.locator('#settings-moderatorsRequired-error').textContent()).toBe(en('settings.moderatorsInvalid'));
    await coordinator.fill('#settings-moderatorsRequired', '2');
    await coordinator.selectOption('#settings-safeguardingLeadId', { label: `Mo Moderator (${en('role.moderator')})` });
    await coordinator.getByRole('button', { name: en('settings.save') }).click();
    await expect.poll(() => coordinator.locator('#status').textContent()).toContain(en('settings.saved'));
    const { panel } = await h.api<{ panel: { settings: { moderatorsRequired: number; safeguardingLeadId?: string } } }>(coordinator, 'GET', `/api/panels/${panelId}`);
    expect(panel.settings.moderatorsRequired).toBe(2);
    expect(panel.settings.safeguardingLeadId).toBeTruthy();
    await axeInEveryLanguage(coordinator, 'the panel settings', { selector: '#panel-settings-heading', key: 'settings.heading' });
    // The change is in the audit trail: who made Mo the safeguarding lead, and when.
    await coordinator.goto(h.url('/moderation/audit?action=panel.setting_changed'));
    const row = coordinator.locator('.audit-table tbody tr');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('td').evaluateAll((cells) => cells.slice(0, 3).concat(cells.slice(4, 5)).map((c) => c.textContent))).toEqual([
      en('auditAction.settingChanged'),
      'Camille Coordinator',
      'Mo Moderator',
      en('settings.leadLabel'),
    ]);

    const mo = await h.open('Mo', { email: demo.moderator });
    const { session } = await h.api<{ session: { id: string } }>(mo, 'POST', `/api/panels/${panelId}/sessions`, { title: 'Ask PixelApps', startsAt: new Date(Date.now() + 60_000).toISOString() });
    const path = `/sessions/${session.id}`;
    await mo.goto(h.url(path));
    const giulia = await h.open('Giulia', { email: demo.giulia });
    await giulia.goto(h.url(path));

    // One moderator of the two needed: paused, and Send says why it cannot be used.
    await expect.poll(() => status(giulia)).toBe('paused');
    const sendButton = giulia.locator('#session-chat-form').getByRole('button', { name: en('session.send') });
    expect(await sendButton.isDisabled()).toBe(true);
    expect(await giulia.locator('#session-chat-form-why').isVisible()).toBe(true);
    expect(await giulia.locator('#session-chat-form-why').textContent()).toBe(en('session.sendPaused'));

    // The second demo moderator joins: the session opens and the message goes through.
    const max = await h.open('Max', { email: demo.moderator2 });
    await max.goto(h.url(path));
    await expect.poll(() => status(giulia), { timeout: 8_000 }).toBe('live');
    expect(await sendButton.isDisabled()).toBe(false);
    expect(await giulia.locator('#session-chat-form-why').isVisible()).toBe(false);
    await giulia.fill('#session-chat-form-text', 'Hello from Italy!');
    await sendButton.click();
    await mo.locator('.session-chat-list .session-text', { hasText: 'Hello from Italy!' }).waitFor();
    expect(h.unexpectedProblems()).toEqual([]);
  }, 120_000);
});
