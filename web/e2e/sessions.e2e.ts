// Browser journey of scheduling a live session: the moderator goes from the
// panel page to its live sessions, gets clear field errors for an empty
// form, schedules a session for a time in their own time zone with a partner
// organisation invited, sees it in the list with focus on the success
// message, and opens it. The partner finds it from the menu; a youth sees
// the list without the form. axe runs on the page in en, fr and de.
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

/** A partner of a new organisation, invited into the panel and signed in (over the API). */
async function partnerOf(coordinator: BrowserContext, panelId: string): Promise<{ context: BrowserContext; orgId: string }> {
  const { organisation } = await h.api<{ organisation: { id: string } }>(coordinator, 'POST', '/api/organisations', { name: 'AppCo', kind: 'partner', country: 'IE' });
  await h.api(coordinator, 'POST', `/api/panels/${panelId}/invitations`, { email: 'pat@example.org', role: 'partner', orgId: organisation.id, language: 'en' });
  const invite = (await h.mailLink('pat@example.org', '/invite/')).replace('/invite/', '');
  const context = await h.newContext('Pat Partner');
  await h.api(context, 'POST', `/api/invitations/by-token/${invite}/accept`, { displayName: 'Pat Partner', password: 'purple tiger runs', language: 'en' });
  return { context, orgId: organisation.id };
}

/** A datetime-local value for a time days from now, on the hour, in this machine's (and the browser's) time zone. */
function localValue(days: number): { value: string; date: Date } {
  const d = new Date(Date.now() + days * 86_400_000);
  d.setHours(15, 30, 0, 0);
  const p = (n: number) => String(n).padStart(2, '0');
  return { value: `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`, date: d };
}

const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

describe('scheduling a live session', () => {
  it('a moderator schedules a session through the form and it appears in the list; partner and youth see it; axe-clean in en/fr/de', async () => {
    const { panelId, youthA, moderator, coordinator } = await h.setUp();
    const partner = await partnerOf(coordinator, panelId);
    // An earlier session invited AppCo: a moderator (who may not list every organisation) can invite it again.
    await h.api(coordinator, 'POST', `/api/panels/${panelId}/sessions`, { title: 'Welcome chat', startsAt: new Date().toISOString(), organisationIds: [partner.orgId] });

    const m = await h.openPage(moderator, 'Mona Moderator');
    await m.goto(h.url(`/panels/${panelId}`));
    await m.getByRole('link', { name: en('sessions.panelLink', { panel: 'Panel Denmark' }) }).click();
    await m.waitForURL(/\/panels\/[^/]+\/sessions$/);
    await expect.poll(() => m.locator('main h1').textContent()).toBe(en('sessions.headingPanel', { panel: 'Panel Denmark' }));
    await m.locator('.session-list a', { hasText: 'Welcome chat' }).waitFor();

    // Nothing filled in: each field says what is missing, and focus goes to the first.
    const submit = m.locator('#schedule-session-form').getByRole('button', { name: en('sessions.schedule') });
    await submit.click();
    await expect.poll(() => m.locator('#new-session-title-error').textContent()).toBe(en('sessions.titleRequired'));
    expect(await m.locator('#new-session-when-error').textContent()).toBe(en('sessions.whenRequired'));
    expect(await m.locator('#new-session-title').getAttribute('aria-invalid')).toBe('true');
    expect(await m.locator('#new-session-title').getAttribute('aria-describedby')).toContain('new-session-title-error');
    expect(await activeId(m)).toBe('new-session-title');

    // Labelled controls, filled by keyboard-reachable fields.
    const when = localValue(2);
    await m.getByLabel(en('sessions.titleLabel')).fill('Ask AppCo anything');
    await m.getByLabel(en('sessions.whenLabel')).fill(when.value);
    await m.getByRole('checkbox', { name: 'AppCo' }).check();

    // A refusal from the server is shown in the form's alert, in the server's words.
    const detail = 'Only industry partner organisations can be invited to a session.';
    await m.route(`**/api/panels/${panelId}/sessions`, (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 400, contentType: 'application/problem+json', headers: { 'Content-Language': 'en' }, body: JSON.stringify({ title: 'Invalid', status: 400, detail }) })
        : route.continue(),
    );
    await submit.click();
    await expect.poll(() => m.locator('#schedule-session-form-alert').textContent()).toContain(detail);
    expect(await m.locator('#schedule-session-form-alert').getAttribute('role')).toBe('alert');
    await m.unroute(`**/api/panels/${panelId}/sessions`);

    await submit.click();

    // Focus moves to the success message, which links to the new session; it is in the list.
    await expect.poll(() => activeId(m)).toBe('session-scheduled');
    expect(await m.locator('#session-scheduled').textContent()).toContain(en('sessions.scheduled', { title: 'Ask AppCo anything' }));
    await m.locator('.session-list a', { hasText: 'Ask AppCo anything' }).waitFor();
    expect(await m.locator('#new-session-title').inputValue()).toBe('');
    const { sessions } = await h.api<{ sessions: { id: string; title: string; startsAt: string; organisations: { id: string }[] }[] }>(moderator, 'GET', `/api/panels/${panelId}/sessions`);
    const created = sessions.find((s) => s.title === 'Ask AppCo anything');
    expect(created, 'the server has the new session').toBeTruthy();
    // The time typed is the moderator's local time: the server got the same instant.
    expect(Date.parse(created?.startsAt ?? '')).toBe(when.date.getTime());
    expect(created?.organisations.map((o) => o.id)).toEqual([partner.orgId]);
    const link = m.getByRole('link', { name: en('sessions.openNew', { title: 'Ask AppCo anything' }) });
    expect(await link.getAttribute('href')).toBe(`/sessions/${created?.id}`);

    // axe on the page with the success message, in every language.
    for (const lang of languages) {
      if (lang !== 'en') await switchLanguage(m, lang);
      await expect.poll(() => m.locator('#schedule-session-heading').textContent()).toBe(tr(lang, 'sessions.scheduleHeading'));
      expect(await axeViolations(m), `axe on the live sessions page in ${lang}`).toEqual([]);
    }
    await switchLanguage(m, 'en');

    await link.click();
    await expect.poll(() => m.locator('main h1').textContent()).toBe(en('session.heading', { title: 'Ask AppCo anything' }));

    // The partner finds it from the menu, read-only.
    const p = await h.openPage(partner.context, 'Pat Partner');
    await p.goto(h.url('/'));
    await p.locator('nav.main-nav a', { hasText: en('nav.sessions') }).click();
    await p.locator('.session-list a', { hasText: 'Ask AppCo anything' }).waitFor();
    expect(await p.locator('#schedule-session-form').count()).toBe(0);
    expect(await axeViolations(p), 'axe on the partner list').toEqual([]);

    // A youth sees the panel's sessions, without the form.
    const y = await h.openPage(youthA, 'Ana Berg');
    await y.goto(h.url(`/panels/${panelId}/sessions`));
    await y.locator('.session-list a', { hasText: 'Ask AppCo anything' }).waitFor();
    expect(await y.locator('#schedule-session-form').count()).toBe(0);
    expect(await y.locator('main .lead').textContent()).toBe(en('sessions.lead'));
    for (const lang of languages) {
      if (lang !== 'en') await switchLanguage(y, lang);
      expect(await axeViolations(y), `axe on the youth list in ${lang}`).toEqual([]);
    }

    expect(h.unexpectedProblems()).toEqual([]);
  }, 60_000);
});
