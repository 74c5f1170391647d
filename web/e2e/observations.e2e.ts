// Issue 15: the screens that said things that were not true, checked on
// the demo as each person meets them: a used set-up link, who decides an
// amendment, a French invitation, "My account" for staff, a young person waiting for consent
// (one clear state, and steps that point where the form is), and a new
// pledge starting in the panel's language.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from './catalogues';
import { demo, startDemo, type DemoHarness } from './demoHarness';

let h: DemoHarness;
const en = (key: string, params: Record<string, string | number> = {}) => tr('en', key, params);
const h1 = (page: Page) => page.locator('main h1');

beforeAll(async () => {
  h = await startDemo();
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('what the screens say is true', () => {
  it('a used set-up link says so at once and leads to sign-in', async () => {
    const visitor = await h.open('visitor');
    await visitor.goto(h.url('/setup/already-used-link'));
    await expect.poll(() => h1(visitor).textContent()).toBe(en('setup.usedHeading'));
    expect(await visitor.locator('#setup-form').count(), 'no form that can only fail').toBe(0);
    await visitor.locator('main').getByRole('link', { name: en('signin.link') }).click();
    await expect.poll(() => new URL(visitor.url()).pathname).toBe('/signin');
  });

  it('a French invitation opens in French, although the browser speaks English', async () => {
    const camille = await h.open('Camille (invites)', { email: demo.coordinator });
    const { panels } = await h.api<{ panels: { id: string }[] }>(camille, 'GET', '/api/panels');
    const { organisations } = await h.api<{ organisations: { id: string; kind: string }[] }>(camille, 'GET', '/api/organisations');
    await h.api(camille, 'POST', `/api/panels/${panels[0]?.id ?? ''}/invitations`, { email: 'chloe@demo.chorus', role: 'partner', orgId: organisations.find((o) => o.kind === 'partner')?.id, language: 'fr' });
    const { messages } = await h.api<{ messages: { to: string; text: string }[] }>(camille, 'GET', '/api/outbox');
    const link = /(\/invite\/[A-Za-z0-9_.-]+)/.exec(messages.find((m) => m.to === 'chloe@demo.chorus')?.text ?? '')?.[1] ?? '';
    expect(link, 'the invitation link').not.toBe('');
    const invitee = await h.open('Chloé', { lang: 'en' });
    await invitee.goto(h.url(link));
    await expect.poll(() => invitee.locator('html').getAttribute('lang')).toBe('fr');
    await expect.poll(() => h1(invitee).textContent()).toBe(tr('fr', 'invite.heading'));
  });

  it('an open amendment says who decides it', async () => {
    const jonas = await h.open('Jonas', { email: demo.jonas });
    const { me } = await h.api<{ me: { memberships: { groupId?: string }[] } }>(jonas, 'GET', '/api/session');
    const groupId = me.memberships.find((m) => m.groupId)?.groupId ?? '';
    // The draft: the demo's other pledge is with partners in a feedback round, and cannot change.
    const { pledges } = await h.api<{ pledges: { id: string; state: string }[] }>(jonas, 'GET', `/api/groups/${groupId}/pledges`);
    const pledgeId = pledges.find((p) => p.state === 'draft')?.id ?? '';
    const { pledge } = await h.api<{ pledge: { itemIds: string[] } }>(jonas, 'GET', `/api/pledges/${pledgeId}`);
    await h.api(jonas, 'POST', `/api/pledges/${pledgeId}/items/${pledge.itemIds[0] ?? ''}/amendments`, { field: 'text', text: 'Write your terms in short sentences.', reason: 'Shorter is clearer' });
    const giulia = await h.open('Giulia', { email: demo.giulia });
    await giulia.goto(h.url(`/pledges/${pledgeId}`));
    await giulia.locator('.pledge-item').first().getByRole('button', { name: en('pledge.amendments') }).click();
    await expect.poll(() => giulia.locator('.side-panel .badge').first().textContent()).toBe(en('pledge.amendmentOpen'));
  });

  it('staff accounts show no youth consent cards', async () => {
    const mo = await h.open('Mo', { email: demo.moderator });
    await mo.goto(h.url('/me'));
    await mo.locator('#account-language').waitFor();
    expect(await mo.locator('#consents').count()).toBe(0);
    expect(await mo.locator('main').textContent()).not.toContain(en('consent.grant'));
  });

  it('a young person waiting for consent sees one clear state, with steps that point to her choices', async () => {
    const lea = await h.open('Léa', { email: demo.lea, lang: 'fr' });
    await lea.goto(h.url('/pledges'));
    await expect.poll(() => lea.locator('main .lead, main p').first().textContent()).toBeTruthy();
    expect(await lea.locator('#new-pledge').count(), 'no "start a pledge" form').toBe(0);
    expect(await lea.locator('main').textContent()).not.toContain(tr('fr', 'pledgeList.unavailable'));
    await lea.goto(h.url('/'));
    const steps = lea.locator('#next-step .steps li');
    await steps.first().waitFor();
    const texts = await steps.allTextContents();
    expect(texts).toContain(tr('fr', 'youthHome.sayYes'));
    expect(texts.join(' ')).not.toContain('plus bas');
  });

  it('a new pledge starts in the panel’s language, in the writer’s own when the panel works in it', async () => {
    // Jonas writes German, and the demo panel works in English, French and German: his pledge starts in German.
    const jonas = await h.open('Jonas (new pledge)', { email: demo.jonas });
    const { me } = await h.api<{ me: { memberships: { groupId?: string }[] } }>(jonas, 'GET', '/api/session');
    const groupId = me.memberships.find((m) => m.groupId)?.groupId ?? '';
    const { panelLanguages } = await h.api<{ panelLanguages: string[] }>(jonas, 'GET', `/api/groups/${groupId}`);
    expect(panelLanguages).toContain('de');
    await jonas.goto(h.url('/pledges'));
    await jonas.locator('#new-pledge-language').waitFor();
    expect(await jonas.inputValue('#new-pledge-language')).toBe('de');
    // Giulia's account is in English, one of the panel's languages.
    const giulia = await h.open('Giulia (new pledge)', { email: demo.giulia });
    await giulia.goto(h.url('/pledges'));
    await giulia.locator('#new-pledge-language').waitFor();
    expect(await giulia.inputValue('#new-pledge-language')).toBe('en');
  });

  it('a new panel in France starts in French, one in Germany in German', async () => {
    const camille = await h.open('Camille (new panel)', { email: demo.coordinator });
    await camille.goto(h.url('/panels'));
    await camille.locator('#panel-form').waitFor();
    const ticked = () => camille.locator('#panel-form input[type="checkbox"]:checked').evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value));
    await camille.selectOption('#panel-country', 'FR');
    expect(await ticked()).toEqual(['fr']);
    await camille.selectOption('#panel-country', 'DE');
    expect(await ticked()).toEqual(['de']);
    expect(h.unexpectedProblems()).toEqual([]);
  });
});
