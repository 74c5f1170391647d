// Issue 12's first finding, as a partner meets it: a coordinator invites two
// members of a partner organisation through the panel page; a pledge is
// published; a partner accepts the invitation in the browser and lands on
// their home (not on an empty panel page), which lists the pledge; opening
// it shows the published version with each item's child-friendly summary
// beside it, and nothing else of the panel (no "You can't open this page").
// A colleague of the same organisation finds the same pledge. axe on the
// home and the pledge in every language.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeInEveryLanguage } from './languages';
import { en, startHarness, type Harness } from './pledgeHarness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const h1 = (page: Page) => page.locator('main h1');

describe('a partner reads what was published to them', () => {
  it('lands on their home, opens the published pledge with its summaries, sees nothing else of the panel; axe-clean', async () => {
    const { panelId, groupId, youthA, moderator, coordinator } = await h.setUp();
    await h.api(coordinator, 'POST', '/api/organisations', { name: 'AppCo', kind: 'partner', country: 'IE' });

    // The coordinator invites two members of AppCo, one after the other, through the form.
    const c = await h.openPage(coordinator, 'Claire Coordinator');
    await c.goto(h.url(`/panels/${panelId}`));
    for (const email of ['pat@appco.example', 'lou@appco.example']) {
      await c.fill('#inv-email', email);
      await c.selectOption('#inv-role', 'partner');
      expect(await c.locator('#inv-groupId').isVisible()).toBe(false); // partners join no group
      await c.locator('#inv-orgId').selectOption({ label: 'AppCo' });
      await c.getByRole('button', { name: en('invitations.send') }).click();
      await expect.poll(() => c.locator('#status').textContent()).toBe(en('invitations.sent', { email }));
    }
    await expect.poll(() => c.locator('.invitations-table tbody tr', { hasText: 'appco.example' }).count()).toBe(2);

    // A pledge with two items, one without a summary, goes through review and is published.
    const { pledge } = await h.api<{ pledge: { id: string } }>(youthA, 'POST', `/api/groups/${groupId}/pledges`, { title: 'Youth Pledge', language: 'en' });
    await h.api(youthA, 'POST', `/api/pledges/${pledge.id}/items`, { heading: 'Plain words', text: 'Apps explain their rules in plain language.', summary: 'Rules you can understand.' });
    await h.api(youthA, 'POST', `/api/pledges/${pledge.id}/items`, { heading: 'Safe defaults', text: 'Accounts of minors are private by default.', summary: '' });
    await h.api(moderator, 'POST', `/api/pledges/${pledge.id}/transitions`, { to: 'in_review' });
    await h.api(moderator, 'POST', `/api/pledges/${pledge.id}/transitions`, { to: 'published' });
    // A second pledge stays a draft: it is nowhere on the partner's pages (rule 2).
    await h.api(youthA, 'POST', `/api/groups/${groupId}/pledges`, { title: 'Secret draft', language: 'en' });

    // Pat accepts in the browser and lands on the home.
    const pat = await h.newContext('Pat Partner');
    const p = await h.openPage(pat, 'Pat Partner');
    await p.goto(h.url(await h.mailLink('pat@appco.example', '/invite/')));
    await expect.poll(() => h1(p).textContent()).toBe(en('invite.heading'));
    await p.fill('#invite-displayName', 'Pat Partner');
    await p.fill('#invite-password', 'blue ocean waves');
    await p.getByRole('button', { name: en('invite.submit') }).click();
    await p.waitForURL(h.url('/'));
    await expect.poll(() => h1(p).textContent()).toBe(en('roleHome.heading', { name: 'Pat Partner' }));
    const link = p.locator('#partner-pledges a', { hasText: 'Youth Pledge' });
    await link.waitFor();
    expect(await p.locator('#partner-pledges li').textContent()).toContain(en('partnerHome.pledgeFacts', { n: 1, items: 2, panel: 'Panel Denmark' }));
    expect(await p.locator('main').textContent()).not.toContain('Secret draft');
    await axeInEveryLanguage(p, 'the partner’s home', { selector: '#partner-pledges-heading', key: 'partnerHome.pledgesHeading' });

    // Opening it by keyboard: the published version, each summary beside its item.
    await link.focus();
    await p.keyboard.press('Enter');
    await p.waitForURL(h.url(`/pledges/${pledge.id}`));
    await expect.poll(() => h1(p).textContent()).toBe('Youth Pledge');
    const main = (await p.locator('main').textContent()) ?? '';
    expect(main).not.toContain(en('problem.forbiddenHeading'));
    const items = p.locator('.published-item');
    expect(await items.locator('h3').allTextContents()).toEqual(['1. Plain words', '2. Safe defaults']);
    expect(await items.first().locator('.published-summary').textContent()).toBe(en('published.summaryHeading') + 'Rules you can understand.');
    expect(await items.nth(1).locator('.published-summary').textContent()).toContain(en('published.noSummary'));
    // Beside, not below, on a wide screen.
    const [text, summary] = await Promise.all([items.first().locator('.published-text').boundingBox(), items.first().locator('.published-summary').boundingBox()]);
    expect(summary?.x ?? 0).toBeGreaterThan((text?.x ?? 0) + (text?.width ?? 0) - 1);
    // Nothing else of the panel: no group, no editor, no comments, no live drafting.
    expect(await p.locator('main a[href^="/groups/"], main textarea, #live-status, .side-panel').count()).toBe(0);
    const html = await p.locator('main a[download]').first().getAttribute('href');
    expect(html).toBe(`/api/pledges/${pledge.id}/export?format=html&version=1`);
    await axeInEveryLanguage(p, 'the published pledge', { selector: '.published-summary h4', key: 'published.summaryHeading' });

    // The colleague of the same organisation finds the same pledge on their home.
    const lou = await h.newContext('Lou Partner');
    const invite = (await h.mailLink('lou@appco.example', '/invite/')).replace('/invite/', '');
    await h.api(lou, 'POST', `/api/invitations/by-token/${invite}/accept`, { displayName: 'Lou Partner', password: 'purple tiger runs', language: 'en' });
    const l = await h.openPage(lou, 'Lou Partner');
    await l.goto(h.url('/'));
    await l.locator('#partner-pledges a', { hasText: 'Youth Pledge' }).waitFor();

    expect(h.unexpectedProblems()).toEqual([]);
  }, 90_000);
});
