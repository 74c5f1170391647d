// Issue 15: every role lands at its own home after sign-in and is told what
// to do next, on the demo workspace. One journey per role: the home, then
// its next step; axe on each home in every language.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './browser';
import { tr } from './catalogues';
import { demo, demoPassword, startDemo, type DemoHarness } from './demoHarness';
import { axeInEveryLanguage, switchLanguage } from './languages';

let h: DemoHarness;
const en = (key: string, params: Record<string, string | number> = {}) => tr('en', key, params);

beforeAll(async () => {
  h = await startDemo();
}, 60_000);

afterAll(async () => {
  await h?.close();
});

/** Signs in through the form, as a person would, and waits for where Chorus takes them. */
async function signIn(who: string, email: string): Promise<Page> {
  const page = await h.open(who);
  await page.goto(h.url('/signin'));
  await page.fill('#signin-email', email);
  await page.fill('#signin-password', demoPassword);
  await page.getByRole('button', { name: en('signin.submit') }).click();
  await page.waitForURL((url) => url.pathname !== '/signin');
  return page;
}

const h1 = (page: Page) => page.locator('main h1');

describe('every role at home', () => {
  it('a young person still waiting for her guardian: her home says what is missing, then her choices', async () => {
    const lea = await signIn('Léa', demo.lea);
    // She cannot take part yet: sign-in takes her to her choices; she reads Chorus in French, her account's language.
    expect(new URL(lea.url()).pathname).toBe('/me');
    await expect.poll(() => lea.locator('html').getAttribute('lang')).toBe('fr');
    await lea.goto(h.url('/'));
    await expect.poll(() => h1(lea).textContent()).toBe(tr('fr', 'roleHome.heading', { name: 'Léa Dubois' }));
    await expect.poll(() => lea.locator('#next-step .lead').textContent()).toBe(tr('fr', 'youthHome.notYet'));
    expect(await lea.locator('#next-step .steps li').allTextContents()).toContain(tr('fr', 'missing.waitGuardian'));
    await switchLanguage(lea, 'en');
    await axeInEveryLanguage(lea, 'Léa’s home', { selector: '#next-step .lead', key: 'youthHome.notYet' });
    await lea.getByRole('link', { name: en('youthHome.toMe') }).click();
    await expect.poll(() => h1(lea).textContent()).toBe(en('me.heading'));
    await lea.locator('#missing').waitFor();
  }, 90_000);

  it('an ambassador: the group’s pledge, and asking a moderator to check it', async () => {
    const giulia = await signIn('Giulia', demo.giulia);
    await expect.poll(() => h1(giulia).textContent()).toBe(en('roleHome.heading', { name: 'Giulia Rossi' }));
    const ask = giulia.getByRole('link', { name: en('youthHome.askReview', { title: 'Youth Pledge for clear terms' }) });
    await ask.waitFor();
    expect((await giulia.locator('#group-writing li').allTextContents()).join(' ')).toContain('Youth Pledge for clear terms');
    // What she has not said yes to yet, and who decides it, in plain words: publishing videos of a minor is her guardian's to decide.
    const open = await giulia.locator('#open-choices li').allTextContents();
    expect(open.length, 'open choices').toBeGreaterThan(0);
    expect(open.some((t) => t.endsWith(en('youthHome.openGuardian', { scope: '' }).replace(/^“”/, '')))).toBe(true);
    await axeInEveryLanguage(giulia, 'the ambassador’s home', { selector: '#next-step-heading', key: 'youthHome.nextHeading' });
    await ask.click();
    await expect.poll(() => h1(giulia).textContent()).toBe('Youth Pledge for clear terms');
    await giulia.getByRole('button', { name: en('pledge.submitReview') }).waitFor();
  }, 90_000);

  it('a moderator: the waiting cases, counted in the menu too, today’s live sessions, then the queue', async () => {
    // Something to moderate: Jonas writes a comment with a phone number, and screening holds it.
    const jonas = await h.open('Jonas', { email: demo.jonas });
    const { me } = await h.api<{ me: { memberships: { groupId?: string }[] } }>(jonas, 'GET', '/api/session');
    const groupId = me.memberships.find((m) => m.groupId)?.groupId ?? '';
    const { pledges } = await h.api<{ pledges: { id: string }[] }>(jonas, 'GET', `/api/groups/${groupId}/pledges`);
    const { pledge } = await h.api<{ pledge: { id: string; itemIds: string[] } }>(jonas, 'GET', `/api/pledges/${pledges[0]?.id ?? ''}`);
    await h.api(jonas, 'POST', `/api/pledges/${pledge.id}/items/${pledge.itemIds[0] ?? ''}/comments`, { text: 'Ruf mich an: 0171 2345678' });

    // And a live session today.
    const scheduler = await h.open('Mo (schedules)', { email: demo.moderator });
    const { panels } = await h.api<{ panels: { id: string }[] }>(scheduler, 'GET', '/api/panels');
    await h.api(scheduler, 'POST', `/api/panels/${panels[0]?.id ?? ''}/sessions`, { title: 'Questions for PixelApps', startsAt: new Date().toISOString() });

    const mo = await signIn('Mo', demo.moderator);
    await expect.poll(() => h1(mo).textContent()).toBe(en('roleHome.heading', { name: 'Mo Moderator' }));
    await mo.locator('#sessions-today .session-list a', { hasText: 'Questions for PixelApps' }).waitFor();
    await expect.poll(() => mo.locator('#queue-waiting .lead').textContent()).toBe(en('staffHome.queueWaiting', { n: 1 }));
    await expect.poll(() => mo.locator('nav.main-nav a[href="/moderation"]').textContent()).toBe(en('nav.moderation') + en('nav.waiting', { n: 1 }));
    await axeInEveryLanguage(mo, 'the moderator’s home', { selector: '#queue-waiting-heading', key: 'staffHome.queueHeading' });
    await mo.getByRole('link', { name: en('staffHome.queueLink') }).click();
    await expect.poll(() => h1(mo).textContent()).toBe(en('queue.heading'));
  }, 90_000);

  it('a young person whose comment a moderator sent back: his home says so first, and leads to it', async () => {
    const mo = await h.open('Mo (asks for a change)', { email: demo.moderator });
    const { cases } = await h.api<{ cases: { id: string; content: { type: string } }[] }>(mo, 'GET', '/api/moderation/queue');
    const held = cases.find((c) => c.content.type === 'pledge_comment');
    await h.api(mo, 'POST', `/api/moderation/cases/${held?.id ?? ''}/actions`, { action: 'request_changes', reason: 'A phone number', message: 'Bitte nimm deine Nummer heraus.' });
    const { content } = await h.api<{ content: { title: string } }>(mo, 'GET', `/api/moderation/cases/${held?.id ?? ''}`);
    const jonas = await signIn('Jonas', demo.jonas);
    await switchLanguage(jonas, 'en');
    const first = jonas.locator('#next-step li').first();
    await expect.poll(() => first.textContent()).toBe(en('youthHome.waitComment', { title: content.title }));
    await first.getByRole('link').click();
    await expect.poll(() => h1(jonas).textContent()).toBe(content.title);
  }, 90_000);

  it('a coordinator: panels and waiting invitations, then the panel', async () => {
    const camille = await signIn('Camille', demo.coordinator);
    await expect.poll(() => h1(camille).textContent()).toBe(en('roleHome.heading', { name: 'Camille Coordinator' }));
    await camille.locator('#my-panels a', { hasText: 'European Youth Panel' }).waitFor();
    expect(await camille.locator('#my-panels p').last().textContent()).toBe(en('staffHome.noInvitationsWaiting'));
    // Léa (13) waits for her guardian: the coordinator reads it in words; deletion requests have their place.
    await expect.poll(() => camille.locator('#consent-waiting li').allTextContents()).toEqual([`Léa Dubois · ${en('staffHome.consentGuardianWaiting')}`]);
    expect(await camille.locator('#deletion-requests p').textContent()).toBe(en('staffHome.deletionPlace'));
    // My account shows a coordinator only what applies to her: no youth consent cards.
    await axeInEveryLanguage(camille, 'the coordinator’s home', { selector: '#my-panels-heading', key: 'staffHome.panelsHeading' });
    await camille.locator('#my-panels a', { hasText: 'European Youth Panel' }).click();
    await expect.poll(() => h1(camille).textContent()).toBe('European Youth Panel');
    await camille.goto(h.url('/me'));
    await camille.locator('#account-language').waitFor();
    expect(await camille.locator('#consents').count(), 'no youth consent cards for a coordinator').toBe(0);
  }, 90_000);

  it('a partner: the demo’s feedback round and the pledge published to them, the live sessions, then the round', async () => {
    const sam = await signIn('Sam', demo.partner);
    await expect.poll(() => h1(sam).textContent()).toBe(en('roleHome.heading', { name: 'Sam Partner' }));
    await expect.poll(() => sam.locator('#partner-rounds .round-list li').first().textContent()).toContain('Youth Pledge for a Better Internet');
    await expect.poll(() => sam.locator('#partner-pledges .published-pledges li').first().textContent()).toContain('Youth Pledge for a Better Internet');
    // The demo's round on the published pledge waits for PixelApps' answers.
    const round = sam.locator('#partner-rounds li a').first();
    await round.waitFor();
    // The demo's round is open to Sam's organisation, on its published pledge.
    const roundItem = sam.locator('#partner-rounds li', { hasText: 'Youth Pledge for a Better Internet' });
    await expect.poll(() => roundItem.textContent()).toContain(en('round.deadline'));
    expect(await roundItem.textContent()).toContain(en('roundPartner.unanswered', { n: '' }).trim());
    await sam.locator('#partner-pledges a', { hasText: 'Youth Pledge for a Better Internet' }).waitFor();
    await axeInEveryLanguage(sam, 'the partner’s home', { selector: '#partner-rounds-heading', key: 'partnerHome.roundsHeading' });
    await sam.getByRole('link', { name: en('staffHome.sessionsLink') }).click();
    await expect.poll(() => h1(sam).textContent()).toBe(en('sessions.heading'));
    await sam.goBack();
    await round.click();
    await expect.poll(() => new URL(sam.url()).pathname).toMatch(/^\/rounds\/[^/]+$/);
    expect(h.unexpectedProblems()).toEqual([]);
  }, 90_000);
});

describe('a guardian at home: the link', () => {
  it('opens in the guardian’s language with the child’s name and the choices; once confirmed, the child’s home moves on', async () => {
    const camille = await h.open('Camille (outbox)', { email: demo.coordinator });
    const { messages } = await h.api<{ messages: { to: string; text: string }[] }>(camille, 'GET', '/api/outbox');
    const mail = messages.find((m) => m.to === 'parent.dubois@demo.chorus' && m.text.includes('/guardian/'));
    const link = /(\/guardian\/[A-Za-z0-9_.-]+)/.exec(mail?.text ?? '')?.[1] ?? '';
    expect(link, 'the link in the mail to Léa’s parent').not.toBe('');
    const parent = await h.open('Léa’s parent');
    await parent.goto(h.url(link));
    // Léa asked in French: the page speaks French, formally, although the browser speaks English.
    await expect.poll(() => parent.locator('html').getAttribute('lang')).toBe('fr');
    await expect.poll(() => h1(parent).textContent()).toBe(tr('fr', 'guardianPage.heading', { child: 'Léa' }));
    expect(await parent.locator('main').textContent()).toContain(tr('fr', 'guardianPage.choose'));
    await switchLanguage(parent, 'en');
    await axeInEveryLanguage(parent, 'the guardian’s link page', { selector: 'main p.lead', key: 'guardianPage.intro' });
    // The next step: choose, sign with a name, confirm.
    await switchLanguage(parent, 'fr');
    await parent.getByLabel('Participer au panel').check();
    await parent.fill('#g-guardianName', 'Claire Dubois');
    await parent.getByRole('button', { name: tr('fr', 'guardianPage.confirm') }).click();
    await expect.poll(() => h1(parent).textContent()).toBe(tr('fr', 'guardianPage.thanksHeading'));
    // Léa's home no longer waits for her guardian (in France below 15 she says yes too).
    const lea = await h.open('Léa (after her parent)', { email: demo.lea, lang: 'fr' });
    await lea.goto(h.url('/'));
    const steps = lea.locator('#next-step .steps li');
    await steps.first().waitFor();
    expect(await steps.allTextContents()).not.toContain(tr('fr', 'missing.waitGuardian'));
    expect(await steps.allTextContents()).toContain(tr('fr', 'youthHome.sayYes'));
    expect(h.unexpectedProblems()).toEqual([]);
  }, 90_000);
});

describe('every role at home on a phone', () => {
  it('the header stays one compact row at 375 px for each role, and its menu opens and closes by keyboard', async () => {
    for (const [who, email] of [
      ['Giulia', demo.giulia],
      ['Mo', demo.moderator],
      ['Camille', demo.coordinator],
      ['Sam', demo.partner],
    ] as const) {
      const page = await h.open(`${who} (phone)`, { email, width: 375 });
      await page.setViewportSize({ width: 375, height: 812 });
      await page.goto(h.url('/'));
      await h1(page).waitFor();
      const header = await page.locator('header.site-header').boundingBox();
      expect(header?.height ?? 999, `${who}: header height at 375 px`).toBeLessThanOrEqual(120);
      expect(await page.locator('nav.main-nav').isVisible(), `${who}: the menu is folded`).toBe(false);
      // By keyboard: Tab reaches the Menu button, Enter unfolds the menu, Tab goes into it, Escape folds it and returns to the button.
      const toggle = page.getByRole('button', { name: en('nav.menu') });
      let tabs = 0;
      while (!(await toggle.evaluate((b) => b === document.activeElement)) && tabs++ < 10) await page.keyboard.press('Tab');
      expect(tabs, `${who}: Tab reaches the Menu button`).toBeLessThan(10);
      await page.keyboard.press('Enter');
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      await page.locator('nav.main-nav').waitFor();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => !!document.activeElement?.closest('.header-menu, .site-nav-bar')), `${who}: Tab goes into the menu`).toBe(true);
      expect(await axeViolations(page), `${who}: axe with the menu open at 375 px`).toEqual([]);
      await page.keyboard.press('Escape');
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      expect(await toggle.evaluate((b) => b === document.activeElement), `${who}: Escape returns to the Menu button`).toBe(true);
      expect(await page.locator('nav.main-nav').isVisible()).toBe(false);
    }
    expect(h.unexpectedProblems()).toEqual([]);
  }, 90_000);
});
