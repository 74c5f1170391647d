// Issue 15: the audit trail reads as people say it. On the demo, the
// coordinator finds entries by a person's name and a pledge's title, reads
// the content by its name, sees screening (not the author) open a held
// comment's case, finds invitations and consent changes there, and a
// publication case names its group rather than an unknown age group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from './catalogues';
import { demo, startDemo, type DemoHarness } from './demoHarness';
import { axeInEveryLanguage } from './languages';

let h: DemoHarness;
const en = (key: string, params: Record<string, string | number> = {}) => tr('en', key, params);
const title = 'Youth Pledge for clear terms';

beforeAll(async () => {
  h = await startDemo();
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('the audit trail', () => {
  it('is searched by name and title, and names what it is about', async () => {
    // Jonas's comment with a phone number is held by screening; Giulia sends the pledge to a moderator.
    const jonas = await h.open('Jonas', { email: demo.jonas });
    const { me } = await h.api<{ me: { memberships: { groupId?: string }[] } }>(jonas, 'GET', '/api/session');
    const groupId = me.memberships.find((m) => m.groupId)?.groupId ?? '';
    const { pledges } = await h.api<{ pledges: { id: string }[] }>(jonas, 'GET', `/api/groups/${groupId}/pledges`);
    const pledgeId = pledges[0]?.id ?? '';
    const { pledge } = await h.api<{ pledge: { itemIds: string[] } }>(jonas, 'GET', `/api/pledges/${pledgeId}`);
    await h.api(jonas, 'POST', `/api/pledges/${pledgeId}/items/${pledge.itemIds[0] ?? ''}/comments`, { text: 'Ruf mich an: 0171 2345678' });
    const giulia = await h.open('Giulia', { email: demo.giulia });
    await h.api(giulia, 'POST', `/api/pledges/${pledgeId}/transitions`, { to: 'in_review' });

    const camille = await h.open('Camille', { email: demo.coordinator });
    await camille.goto(h.url('/moderation/audit'));
    const rows = camille.locator('.audit-table tbody tr');
    await rows.first().waitFor();
    // The held comment: opened by the screening, about Jonas, named by its pledge, with a link to it.
    const held = rows.filter({ hasText: en('audit.content.comment', { title }) });
    await expect.poll(() => held.count()).toBe(1);
    expect(await held.locator('td').nth(1).textContent()).toBe(en('case.system'));
    expect(await held.locator('td').nth(2).textContent()).toBe('Jonas Weber');
    expect(await held.getByRole('link', { name: en('audit.content.comment', { title }) }).getAttribute('href')).toBe(`/pledges/${pledgeId}`);
    expect(await rows.filter({ hasText: en('audit.content.version', { title, n: 1 }) }).count()).toBe(1);
    // Consent changes and invitations are in the trail too.
    const actions = await camille.locator('.audit-table tbody tr td:nth-child(2)').allTextContents();
    expect(actions).toContain(en('auditAction.consentGranted'));
    expect(actions).toContain(en('auditAction.invitationAccepted'));
    expect(actions.join(' '), 'no raw content types').not.toMatch(/pledge_comment|pledge_version/);
    await axeInEveryLanguage(camille, 'the audit trail', { selector: '#audit-entries-heading', key: 'audit.resultsHeading' });

    // By a person's name, in any case.
    await camille.fill('#audit-person', 'jonas');
    await camille.getByRole('button', { name: en('audit.search') }).click();
    await expect.poll(async () => (await rows.locator('td:nth-child(4)').allTextContents()).every((t) => t === 'Jonas Weber') && (await rows.count()) > 1).toBe(true);
    expect(await rows.locator('td:nth-child(2)').allTextContents()).toContain(en('auditAction.consentGranted'));
    // By a title, in part.
    await camille.fill('#audit-person', '');
    await camille.fill('#audit-content', 'clear terms');
    await camille.getByRole('button', { name: en('audit.search') }).click();
    await expect.poll(() => rows.count()).toBe(2);
    expect(new URL(camille.url()).search).toBe('?content=clear+terms');

    // The publication case names the group and the pledge, not an unknown age group.
    const mo = await h.open('Mo', { email: demo.moderator });
    const { cases } = await h.api<{ cases: { id: string; kind: string }[] }>(mo, 'GET', '/api/moderation/queue');
    await mo.goto(h.url(`/moderation/cases/${cases.find((c) => c.kind === 'publication')?.id ?? ''}`));
    const facts = mo.locator('.case-facts-list');
    await facts.waitFor();
    const terms = await facts.locator('dt').allTextContents();
    expect(terms).toContain(en('case.factGroup'));
    expect(terms).not.toContain(en('case.factBand'));
    expect(await facts.textContent()).toContain(title);
    expect(h.unexpectedProblems()).toEqual([]);
  }, 120_000);
});
