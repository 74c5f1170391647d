// Issue 15: every role lands at its own home after sign-in and is told what
// to do next, on the demo workspace. One journey per role: the home, then
// its next step; axe on each home in every language.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('a moderator: the waiting cases, counted in the menu too, then the queue', async () => {
    // Something to moderate: Jonas writes a comment with a phone number, and screening holds it.
    const jonas = await h.open('Jonas', { email: demo.jonas });
    const { me } = await h.api<{ me: { memberships: { groupId?: string }[] } }>(jonas, 'GET', '/api/session');
    const groupId = me.memberships.find((m) => m.groupId)?.groupId ?? '';
    const { pledges } = await h.api<{ pledges: { id: string }[] }>(jonas, 'GET', `/api/groups/${groupId}/pledges`);
    const { pledge } = await h.api<{ pledge: { id: string; itemIds: string[] } }>(jonas, 'GET', `/api/pledges/${pledges[0]?.id ?? ''}`);
    await h.api(jonas, 'POST', `/api/pledges/${pledge.id}/items/${pledge.itemIds[0] ?? ''}/comments`, { text: 'Ruf mich an: 0171 2345678' });

    const mo = await signIn('Mo', demo.moderator);
    await expect.poll(() => h1(mo).textContent()).toBe(en('roleHome.heading', { name: 'Mo Moderator' }));
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
