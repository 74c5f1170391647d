// Browser journey of issue 5's live sessions against the real server: a
// session of a panel that needs one moderator, with a youth, a partner and
// the moderator on the session page. The moderator leaves: posting pauses
// for both the youth and the partner, and the banner (a live region) says
// why; the moderator returns: posting resumes. axe runs on the paused page
// in en, fr and de.
import { languages } from './catalogues';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './browser';
import { en, startHarness, tr, type Harness } from './pledgeHarness';
import { switchLanguage } from './languages';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const banner = (page: Page) => page.locator('#session-state');

async function waitForStatus(page: Page, status: 'live' | 'paused'): Promise<void> {
  await expect.poll(() => banner(page).getAttribute('data-status'), { timeout: 8_000 }).toBe(status);
}

/** A partner of a new organisation, invited into the panel and signed in (over the API). */
async function partnerOf(coordinator: BrowserContext, panelId: string): Promise<{ context: BrowserContext; orgId: string }> {
  const { organisation } = await h.api<{ organisation: { id: string } }>(coordinator, 'POST', '/api/organisations', { name: 'AppCo', kind: 'partner', country: 'IE' });
  await h.api(coordinator, 'POST', `/api/panels/${panelId}/invitations`, { email: 'pat@example.org', role: 'partner', orgId: organisation.id, language: 'en' });
  const invite = (await h.mailLink('pat@example.org', '/invite/')).replace('/invite/', '');
  const context = await h.newContext('Pat Partner');
  await h.api(context, 'POST', `/api/invitations/by-token/${invite}/accept`, { displayName: 'Pat Partner', password: 'purple tiger runs', language: 'en' });
  return { context, orgId: organisation.id };
}

async function send(page: Page, text: string): Promise<void> {
  await page.fill('#session-chat-form-text', text);
  await page.locator('#session-chat-form').getByRole('button', { name: en('session.send') }).click();
}

describe('supervised live session (issue 5)', () => {
  it('pauses for youth and partner when the moderator leaves, resumes when they return; axe-clean in en/fr/de', async () => {
    const { panelId, youthA, moderator, coordinator } = await h.setUp();
    await h.api(coordinator, 'PATCH', `/api/panels/${panelId}/settings`, { moderatorsRequired: 1 });
    const partner = await partnerOf(coordinator, panelId);
    const { session } = await h.api<{ session: { id: string } }>(moderator, 'POST', `/api/panels/${panelId}/sessions`, {
      title: 'Ask AppCo',
      startsAt: new Date().toISOString(),
      organisationIds: [partner.orgId],
    });
    const path = `/sessions/${session.id}`;

    // The youth and the partner open the session before the moderator: paused, and it says why.
    const y = await h.openPage(youthA, 'Ana Berg');
    await y.goto(h.url(path));
    await expect.poll(() => y.locator('main h1').textContent()).toBe(en('session.heading', { title: 'Ask AppCo' }));
    await waitForStatus(y, 'paused');
    expect(await banner(y).getAttribute('role')).toBe('status');
    expect(await banner(y).textContent()).toContain(en('session.paused'));
    expect(await y.locator('#session-chat-form button[type="submit"]').isDisabled()).toBe(true);
    const p = await h.openPage(partner.context, 'Pat Partner');
    await p.goto(h.url(path));
    await waitForStatus(p, 'paused');

    // The moderator arrives: live for both, and the youth's message goes out.
    let m = await h.openPage(moderator, 'Mona Moderator');
    await m.goto(h.url(path));
    await waitForStatus(m, 'live');
    await waitForStatus(y, 'live');
    await waitForStatus(p, 'live');
    expect(await banner(y).textContent()).toContain(en('session.liveCount', { present: 1, needed: 1 }));
    await send(y, 'Hello, I have a question about privacy settings.');
    await y.locator('.session-chat-list .session-text', { hasText: 'question about privacy' }).waitFor();
    await expect.poll(() => y.locator('#status').textContent()).toContain(en('session.sent'));
    // The moderator sees it live (events carry no text: the page fetches it).
    await m.locator('.session-chat-list .session-text', { hasText: 'question about privacy' }).waitFor();

    // The moderator leaves: both pages pause at once, and posting is refused.
    await m.close();
    await waitForStatus(y, 'paused');
    await waitForStatus(p, 'paused');
    for (const page of [y, p]) {
      expect(await banner(page).textContent()).toContain(en('session.paused'));
      expect(await banner(page).textContent()).toContain(en('session.pausedCount', { present: 0, needed: 1 }));
      expect(await page.locator('#session-chat-form button[type="submit"]').isDisabled()).toBe(true);
    }
    await expect(h.api(youthA, 'POST', `/api/sessions/${session.id}/messages`, { text: 'Anyone?' })).rejects.toThrow(/409/);
    await expect(h.api(partner.context, 'POST', `/api/sessions/${session.id}/messages`, { text: 'Still here' })).rejects.toThrow(/409/);

    // axe on the paused page, in every language, with the banner translated.
    for (const lang of languages) {
      if (lang !== 'en') await switchLanguage(y, lang);
      await expect.poll(() => y.locator('#session-state .session-state-text').textContent()).toBe(tr(lang, 'session.paused'));
      expect(await axeViolations(y), `axe on the paused session in ${lang}`).toEqual([]);
    }
    await switchLanguage(y, 'en');
    expect(await axeViolations(p), 'axe on the partner page').toEqual([]);

    // The moderator returns: live again, and posting works for both.
    m = await h.openPage(moderator, 'Mona Moderator');
    await m.goto(h.url(path));
    await waitForStatus(y, 'live');
    await waitForStatus(p, 'live');
    await send(y, 'Thanks for coming back!');
    await y.locator('.session-chat-list .session-text', { hasText: 'Thanks for coming back' }).waitFor();
    await send(p, 'Hello from AppCo.');
    // Partner text waits for a moderator before youth see it (rule 2); the partner is told.
    await p.locator('.session-chat-list .session-text', { hasText: 'Hello from AppCo' }).waitFor();
    await expect.poll(() => p.locator('#status').textContent()).toContain(en('session.waitingApprovalAnnounce'));
    expect(await y.locator('.session-chat-list .session-text', { hasText: 'Hello from AppCo' }).count()).toBe(0);
    expect(await axeViolations(y), 'axe on the live session').toEqual([]);

    expect(h.unexpectedProblems()).toEqual([]);
  }, 60_000);
});
