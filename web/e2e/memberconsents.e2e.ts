// Browser journey of issue 14 (GDPR Art. 7(1), 8): a coordinator opens the
// panel's consent page, sees that Ana's guardian was asked and what each
// consent waits for, records the signed form they checked for the scope
// that needs one, and sees it given; a youth is told the page is not for
// them. axe runs in every language.
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

describe('consent of a panel, for staff (issue 14)', () => {
  it('a coordinator sees what is missing and records a checked signed form; axe-clean', async () => {
    const { panelId, youthA, youthB, coordinator } = await h.setUp();
    await h.api(youthA, 'POST', '/api/me/guardian', { email: 'parent@example.org' });

    const c = await h.openPage(coordinator, 'Claire Coordinator');
    await c.goto(h.url(`/panels/${panelId}`));
    await c.getByRole('link', { name: en('memberConsents.panelLink') }).click();
    await expect.poll(() => c.locator('h1').textContent()).toBe(en('memberConsents.headingOf', { panel: 'Panel Denmark' }));
    const ana = c.locator('.member-consent', { has: c.getByRole('heading', { name: 'Ana Berg' }) });
    await expect.poll(() => ana.locator('.guardian-line').textContent()).toContain(en('memberConsents.guardian.waiting', { domain: '…@example.org' }));
    expect(await ana.locator('tr[data-scope="video_publish"] .missing').textContent()).toBe(en('memberConsents.missing.guardian'));
    await axeInEveryLanguage(c, 'the panel consent page', { selector: '.member-consents th[scope="col"]', key: 'memberConsents.colScope' });

    // The guardian grants video_publish by e-mail: it now waits for a signed form.
    const token = (await h.mailLink('parent@example.org', '/guardian/')).replace('/guardian/', '');
    const guardian = await h.newContext('guardian');
    await h.api(guardian, 'POST', `/api/guardian/${token}/confirm`, { guardianName: 'Pia Berg', grants: { video_publish: true } });
    await c.reload();
    await expect.poll(() => ana.locator('tr[data-scope="video_publish"] .missing').textContent()).toBe(en('memberConsents.missing.signedForm'));
    await ana.getByRole('button', { name: en('memberConsents.form.submit') }).click();
    await expect.poll(() => ana.locator('[role="alert"]').textContent()).toBe(en('memberConsents.form.fileRequired'));
    await ana.getByLabel(en('memberConsents.form.file')).setInputFiles({ name: 'form.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 signed') });
    expect(await axeViolations(c)).toEqual([]);
    await ana.getByRole('button', { name: en('memberConsents.form.submit') }).click();
    await expect.poll(() => c.locator('#status').textContent()).toBe(en('memberConsents.form.done', { name: 'Ana Berg' }));
    await expect.poll(() => ana.locator('tr[data-scope="video_publish"] .badge').textContent()).toBe(en('memberConsents.state.granted'));

    const b = await h.openPage(youthB, 'Ben Holm');
    await b.goto(h.url(`/panels/${panelId}/consents`));
    await expect.poll(() => b.locator('.problem-hint').textContent()).toBe(en('memberConsents.forbiddenHint'));
    expect(h.unexpectedProblems()).toEqual([]);
  }, 60_000);
});
