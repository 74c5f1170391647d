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
    await coordinator.fill('#settings-reportsToHide', '4');
    await coordinator.check('#settings-partnerPostModeration');
    await coordinator.getByRole('button', { name: en('settings.save') }).click();
    await expect.poll(() => coordinator.locator('#status').textContent()).toContain(en('settings.saved'));
    type Settings = { moderatorsRequired: number; safeguardingLeadId?: string; reportsToHide?: number; partnerPostModeration?: boolean };
    const { panel } = await h.api<{ panel: { settings: Settings } }>(coordinator, 'GET', `/api/panels/${panelId}`);
    expect(panel.settings).toMatchObject({ moderatorsRequired: 2, reportsToHide: 4, partnerPostModeration: true });
    expect(panel.settings.safeguardingLeadId).toBeTruthy();
    await axeInEveryLanguage(coordinator, 'the panel settings', { selector: '#panel-settings-heading', key: 'settings.heading' });
    // Back to the safe default: a moderator approves partners' messages first.
    await coordinator.uncheck('#settings-partnerPostModeration');
    await coordinator.getByRole('button', { name: en('settings.save') }).click();
    await expect.poll(async () => (await h.api<{ panel: { settings: Settings } }>(coordinator, 'GET', `/api/panels/${panelId}`)).panel.settings.partnerPostModeration ?? false).toBe(false);

    // The changes are in the audit trail: who changed which setting (the lead: about whom), and when.
    await coordinator.goto(h.url('/moderation/audit?action=panel.setting_changed'));
    const rows = coordinator.locator('.audit-table tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    const seen = await rows.evaluateAll((list) => list.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent ?? '')));
    expect(seen.every((cells) => cells[0] === en('auditAction.settingChanged') && cells[1] === 'Camille Coordinator')).toBe(true);
    expect(seen.map((cells) => [cells[2], cells[4], cells[5]]).sort()).toEqual(
      [
        ['', en('auditSetting.postModerationOff'), ''],
        ['', en('auditSetting.postModerationOn'), ''],
        ['', en('settings.reportsLabel'), '3 → 4'],
        ['Mo Moderator', en('settings.leadLabel'), ''],
      ].sort(),
    );

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
    expect((await sendButton.getAttribute('aria-describedby'))?.split(' ')).toContain('session-chat-form-why');
    // Ask, on the question board, the same.
    const askButton = giulia.locator('#session-ask-form').getByRole('button', { name: en('session.ask') });
    expect(await askButton.isDisabled()).toBe(true);
    expect(await giulia.locator('#session-ask-form-why').isVisible()).toBe(true);
    expect((await askButton.getAttribute('aria-describedby'))?.split(' ')).toContain('session-ask-form-why');

    // The second demo moderator joins: the session opens and the message goes through.
    const max = await h.open('Max', { email: demo.moderator2 });
    await max.goto(h.url(path));
    await expect.poll(() => status(giulia), { timeout: 8_000 }).toBe('live');
    expect(await sendButton.isDisabled()).toBe(false);
    expect(await giulia.locator('#session-chat-form-why').isVisible()).toBe(false);
    expect(await askButton.isDisabled()).toBe(false);
    await giulia.fill('#session-chat-form-text', 'Hello from Italy!');
    await sendButton.click();
    await mo.locator('.session-chat-list .session-text', { hasText: 'Hello from Italy!' }).waitFor();
    expect(h.unexpectedProblems()).toEqual([]);
  }, 120_000);
});
