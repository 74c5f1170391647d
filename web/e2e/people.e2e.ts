// Browser journeys of issue 3 against the real server (its own fresh data
// dir, so the first-run set-up link is there): a coordinator sets Chorus up
// and invites a 13-year-old from France; the youth accepts and names a
// guardian; the guardian decides through the link in the mail they get; the youth
// enters the group; the guardian withdraws and the youth is refused kindly;
// a partner sees the youth as "First (FR)" and finds no way to message them.
// axe runs on every page visited (en; fr and de on the guardian and /me pages).
import { catalogue, languages, locales, type Lang } from './catalogues';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchChromium, watchPage, type PageProblems } from './browser';
import { startChorus, type ChorusServer } from './chorusServer';
import { switchLanguage } from './languages';

const en = (key: string, params: Record<string, string> = {}) =>
  (catalogue('en')[key] ?? key).replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);

let server: ChorusServer;
let browser: Browser;
const opened: { context: BrowserContext; problems: PageProblems; who: string }[] = [];

beforeAll(async () => {
  server = await startChorus();
  browser = await launchChromium();
});

afterAll(async () => {
  await Promise.all(opened.map((o) => o.context.close()));
  await browser?.close();
  await server?.stop();
});

/** One person's browser: own context (cookies, localStorage). */
async function person(who: string, lang: Lang = 'en'): Promise<Page> {
  const context = await browser.newContext({ locale: locales[lang], viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(8_000);
  const page = await context.newPage();
  const problems = await watchPage(page);
  opened.push({ context, problems, who });
  return page;
}

/**
 * Console errors, page errors and CSP violations so far. Chromium logs every
 * 4xx answer to fetch as "Failed to load resource"; the journeys provoke
 * some on purpose (refused group, used links) and check the page instead.
 */
function unexpectedProblems(): string[] {
  return opened.flatMap((o) =>
    o.problems
      .list()
      .filter((p) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(p))
      .map((p) => `${o.who}: ${p}`),
  );
}

async function expectAxeClean(page: Page, where: string): Promise<void> {
  const found = await axeViolations(page);
  expect(found, `axe on ${where} (${await page.evaluate(() => document.documentElement.lang)})`).toEqual([]);
}

/** axe in fr, de and en on the page as it is (ready waits for the page in that language); ends in en. */
async function expectAxeCleanInAllLanguages(page: Page, where: string, ready: (lang: Lang) => Promise<void>): Promise<void> {
  for (const lang of [...languages.filter((l) => l !== 'en'), 'en']) {
    await switchLanguage(page, lang);
    await ready(lang);
    await expectAxeClean(page, `${where} in ${lang}`);
  }
}

const h1 = (page: Page) => page.locator('main h1');
const url = (path: string) => server.url + path;

/** The path of the newest link starting with `prefix` in mail to `to`, as its recipient gets it. */
async function linkFromMail(to: string, prefix: string): Promise<string> {
  if (!server.mail) throw new Error('this server keeps mail in its outbox');
  const path = await server.mail.linkTo(to, prefix);
  expect(path, `a mail to ${to} with a ${prefix} link`).toMatch(new RegExp(`^${prefix}[A-Za-z0-9_-]+`));
  return path;
}

function birthDateYearsAgo(years: number, daysMore: number): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() - daysMore);
  return d.toISOString().slice(0, 10);
}

// Shared along the journeys.
const state: { coordinator?: Page; youth?: Page; guardian?: Page; panelPath?: string; groupPath?: string } = {};

describe('people journeys (issue 3)', () => {
  it('1: set-up, panel, group, invitation; the youth accepts and names a guardian; the guardian grants participate only; the youth enters', async () => {
    // --- The coordinator opens the set-up link the server logged.
    const logged = /"msg":"first-run set-up".*?"url":"([^"]+)"/.exec(server.output());
    expect(logged, `the server logs the first-run set-up link:\n${server.output()}`).not.toBeNull();
    const setupPath = new URL(logged?.[1] ?? '').pathname;
    const coordinator = await person('coordinator');
    state.coordinator = coordinator;
    await coordinator.goto(url(setupPath));
    await expect.poll(() => h1(coordinator).textContent()).toBe(en('setup.heading'));
    await expectAxeClean(coordinator, setupPath.replace(/[^/]+$/, ':token'));
    await coordinator.fill('#setup-orgName', 'Safer Internet Centre France');
    await coordinator.selectOption('#setup-country', 'FR');
    await coordinator.fill('#setup-displayName', 'Claire Coordinator');
    await coordinator.fill('#setup-email', 'claire@example.org');
    await coordinator.fill('#setup-password', 'correct horse battery');
    await coordinator.selectOption('#setup-language', 'en');
    await coordinator.getByRole('button', { name: en('setup.submit') }).click();
    await coordinator.waitForURL(url('/panels'));
    await expect.poll(() => coordinator.locator('.account-bar').textContent()).toContain('Claire Coordinator');
    await coordinator.locator('#panel-name').waitFor();
    await expectAxeClean(coordinator, '/panels');

    // --- A partner organisation, a panel and a group.
    await coordinator.fill('#org-name', 'Acme Apps');
    await coordinator.selectOption('#org-kind', 'partner');
    await coordinator.selectOption('#org-country', 'IE');
    await coordinator.getByRole('button', { name: en('org.create') }).click();
    await coordinator.locator('.org-list', { hasText: 'Acme Apps' }).waitFor();

    await coordinator.fill('#panel-name', 'Panel France');
    await coordinator.selectOption('#panel-country', 'FR');
    await coordinator.getByRole('button', { name: en('panels.create') }).click();
    await coordinator.waitForURL(/\/panels\/[^/]+$/);
    state.panelPath = new URL(coordinator.url()).pathname;
    await expect.poll(() => h1(coordinator).textContent()).toBe('Panel France');

    await coordinator.fill('#group-name', 'Group A');
    await coordinator.getByRole('button', { name: en('panel.createGroup') }).click();
    const groupLink = coordinator.locator('#groups a', { hasText: 'Group A' });
    await groupLink.waitFor();
    state.groupPath = (await groupLink.getAttribute('href')) ?? '';
    expect(state.groupPath).toMatch(/^\/groups\/.+/);

    // --- Invite a 13-year-old from France, and a partner.
    await coordinator.fill('#inv-email', 'lea@example.org');
    await coordinator.selectOption('#inv-role', 'youth');
    await expect.poll(() => coordinator.locator('#inv-groupId').inputValue()).not.toBe('');
    expect(await coordinator.locator('#inv-orgId').isVisible()).toBe(false);
    await coordinator.getByRole('button', { name: en('invitations.send') }).click();
    await expect.poll(() => coordinator.locator('#status').textContent()).toBe(en('invitations.sent', { email: 'lea@example.org' }));

    await coordinator.fill('#inv-email', 'pat@acme.example');
    await coordinator.selectOption('#inv-role', 'partner');
    // A partner needs an organisation: the form says so next to the field.
    await coordinator.getByRole('button', { name: en('invitations.send') }).click();
    await expect.poll(() => coordinator.locator('#inv-orgId-error').textContent()).toBe(en('invitations.orgRequired'));
    expect(await coordinator.locator('#inv-orgId').getAttribute('aria-describedby')).toContain('inv-orgId-error');
    await coordinator.locator('#inv-orgId').selectOption({ label: 'Acme Apps' });
    await coordinator.getByRole('button', { name: en('invitations.send') }).click();
    await expect.poll(() => coordinator.locator('#status').textContent()).toBe(en('invitations.sent', { email: 'pat@acme.example' }));
    await expect.poll(() => coordinator.locator('.invitations-table tbody tr').count()).toBe(2);
    await expectAxeClean(coordinator, '/panels/:id');

    // --- The youth accepts in a second browser.
    const invitePath = await linkFromMail('lea@example.org', '/invite/');
    const youth = await person('youth');
    state.youth = youth;
    await youth.goto(url(invitePath));
    // Panel France works in French, so its invitation does, and the page opens in it (issue 15); the youth reads on in English.
    await expect.poll(() => h1(youth).textContent()).toBe(catalogue('fr')['invite.heading']);
    await switchLanguage(youth, 'en');
    await expect.poll(() => h1(youth).textContent()).toBe(en('invite.heading'));
    const facts = await youth.locator('dl.facts').textContent();
    expect(facts).toContain('Panel France');
    expect(facts).toContain('Group A');
    expect(facts).toContain(en('role.youth'));
    await expectAxeClean(youth, '/invite/:token');
    await youth.fill('#invite-displayName', 'Léa Martin');
    await youth.fill('#invite-password', 'purple tiger runs');
    // Bad input first: a date of birth in the future is refused next to the field.
    await youth.fill('#invite-birthDate', birthDateYearsAgo(-1, 0));
    await youth.selectOption('#invite-country', 'FR');
    await youth.getByRole('button', { name: en('invite.submit') }).click();
    await expect.poll(() => youth.locator('#invite-birthDate-error').textContent()).toBe(en('form.error.birthDateFuture'));
    expect(await youth.locator('#invite-birthDate').getAttribute('aria-invalid')).toBe('true');
    expect(await youth.evaluate(() => document.activeElement?.id)).toBe('invite-birthDate');
    await youth.fill('#invite-birthDate', birthDateYearsAgo(13, 40));
    await youth.selectOption('#invite-language', 'en');
    await youth.getByRole('button', { name: en('invite.submit') }).click();

    // Not allowed in yet: /me says what is missing.
    await youth.waitForURL(url('/me'));
    await expect.poll(() => youth.locator('#missing-heading').textContent()).toBe(en('missing.heading'));
    const participate = youth.locator('[data-scope="participate"]');
    await participate.getByRole('button', { name: en('consent.grant') }).click();
    await participate.getByRole('button', { name: en('consent.withdraw') }).waitFor();
    await youth.fill('#guardian-email', 'parent@example.org');
    await youth.getByRole('button', { name: en('guardian.send') }).click();
    await expect.poll(() => youth.locator('#guardian-status').textContent()).toBe(en('guardianStatus.waiting'));
    expect(await youth.locator('#missing').textContent()).toContain(en('missing.waitGuardian'));
    await expectAxeCleanInAllLanguages(youth, '/me', async (lang) => {
      await expect.poll(() => youth.locator('#guardian-status').textContent()).toBe(catalogue(lang)['guardianStatus.waiting']);
    });

    // The group stays closed for now, kindly.
    await youth.goto(url(state.groupPath));
    await expect.poll(() => h1(youth).textContent()).toBe(en('group.refusedHeading'));

    // --- The guardian opens the link from the mail, in a third browser (German), and sees the child's language.
    const guardianPath = await linkFromMail('parent@example.org', '/guardian/');
    const guardian = await person('guardian', 'de');
    state.guardian = guardian;
    await guardian.goto(url(guardianPath));
    await expect.poll(() => h1(guardian).textContent()).toBe(en('guardianPage.heading', { child: 'Léa' }));
    expect(await guardian.locator('html').getAttribute('lang')).toBe('en');
    expect(await guardian.getByLabel('Take part in the panel').count()).toBe(1);
    await expectAxeCleanInAllLanguages(guardian, '/guardian/:token', async (lang) => {
      await expect.poll(() => h1(guardian).textContent()).toBe(catalogue(lang)['guardianPage.heading']?.replace('{child}', 'Léa'));
    });
    await guardian.getByLabel('Take part in the panel').check();
    expect(await guardian.getByLabel('Share videos outside the group').isChecked()).toBe(false);
    await guardian.fill('#g-guardianName', 'Marie Martin');
    await guardian.getByRole('button', { name: en('guardianPage.confirm') }).click();
    await expect.poll(() => h1(guardian).textContent()).toBe(en('guardianPage.thanksHeading'));
    await expectAxeClean(guardian, '/guardian/:token (thanks)');

    // --- The youth reloads the group page and is now let in; /me says "Approved".
    await youth.reload();
    await expect.poll(() => h1(youth).textContent()).toBe('Group A');
    await youth.goto(url('/me'));
    await expect.poll(() => youth.locator('#guardian-status').textContent()).toBe(en('guardianStatus.approved'));
    expect(await youth.locator('#missing').count()).toBe(0);
    await youth.getByRole('link', { name: en('me.goToGroup', { group: 'Group A' }) }).click();
    await youth.waitForURL(url(state.groupPath));
    await expect.poll(() => h1(youth).textContent()).toBe('Group A');
    const watchers = await youth.locator('.watcher-list').textContent();
    // Rule 8, named (issue 10): no moderator has joined yet, so the centre's.
    expect(watchers).toContain(en('watchers.moderatorsOf', { centre: 'Safer Internet Centre France' }));
    expect(watchers).toContain(en('watchers.coordinatorsOf', { centre: 'Safer Internet Centre France' }));
    await expectAxeClean(youth, '/groups/:id');

    expect(unexpectedProblems(), `server output:\n${server.output()}`).toEqual([]);
  }, 90_000);

  it('2: the guardian withdraws participate through the manage link; the youth\'s next action is refused kindly', async () => {
    const { coordinator, youth, groupPath } = state;
    if (!coordinator || !youth || !groupPath) throw new Error('journey 1 did not get far enough');
    const managePath = await linkFromMail('parent@example.org', '/guardian/manage/');
    const guardian = await person('guardian (manage)', 'en');
    await guardian.goto(url(managePath));
    await expect.poll(() => h1(guardian).textContent()).toBe(en('manage.heading', { child: 'Léa' }));
    const card = guardian.locator('[data-scope="participate"]');
    await expect.poll(() => card.locator('.badge').textContent()).toBe(en('guardian.state.granted'));
    await expectAxeCleanInAllLanguages(guardian, '/guardian/manage/:token', async (lang) => {
      await expect.poll(() => card.locator('.badge').textContent()).toBe(catalogue(lang)['guardian.state.granted']);
    });

    // Two clicks: the button, then the confirm dialog.
    await card.getByRole('button', { name: en('manage.withdraw') }).click();
    const dialog = guardian.getByRole('dialog', { name: en('manage.withdrawHeading') });
    await dialog.waitFor();
    await expectAxeClean(guardian, '/guardian/manage/:token (confirm dialog)');
    await dialog.getByRole('button', { name: en('manage.withdrawConfirm') }).click();
    await expect.poll(() => card.locator('.badge').textContent()).toBe(en('guardian.state.withdrawn'));
    await card.getByRole('button', { name: en('manage.grant') }).waitFor();

    // The youth's next action: opening the group again.
    await youth.goto(url(groupPath));
    await expect.poll(() => h1(youth).textContent()).toBe(en('group.refusedHeading'));
    const refusal = youth.locator('.refused');
    expect(await refusal.locator('.server-detail').textContent()).toBeTruthy();
    expect(await refusal.textContent()).toContain(en('group.refusedYouth'));
    await refusal.getByRole('link', { name: en('group.toMe') }).waitFor();
    await expectAxeClean(youth, '/groups/:id (refused)');

    expect(unexpectedProblems(), `server output:\n${server.output()}`).toEqual([]);
  }, 60_000);

  it('3: a partner sees neither the youth\'s name nor a way to message them', async () => {
    const { coordinator, panelPath } = state;
    if (!coordinator || !panelPath) throw new Error('journey 1 did not get far enough');
    const invitePath = await linkFromMail('pat@acme.example', '/invite/');
    const partner = await person('partner');
    await partner.goto(url(invitePath));
    await expect.poll(() => h1(partner).textContent()).toBe(catalogue('fr')['invite.heading']);
    await switchLanguage(partner, 'en');
    await expect.poll(() => h1(partner).textContent()).toBe(en('invite.heading'));
    await partner.selectOption('#invite-language', 'en');
    expect(await partner.locator('#invite-birthDate').count()).toBe(0);
    await partner.fill('#invite-displayName', 'Pat Partner');
    await partner.fill('#invite-password', 'blue ocean waves');
    await partner.getByRole('button', { name: en('invite.submit') }).click();
    // A partner lands on their home, which lists what was published to them (issue 12), not on the panel.
    await partner.waitForURL(url('/'));
    await expect.poll(() => h1(partner).textContent()).toBe(en('roleHome.heading', { name: 'Pat Partner' }));
    await expect.poll(() => partner.locator('#partner-pledges p').textContent()).toBe(en('partnerHome.noPledges'));
    await expectAxeClean(partner, '/ (partner)');

    // Partners meet youth only through moderated content: the policy lists
    // no panel members to them at all (stricter than first name + country).
    await partner.locator('main .page-body:not([aria-busy])').waitFor();
    const seen = (await partner.locator('main').textContent()) ?? '';
    expect(seen).not.toContain('Martin');
    expect(seen).not.toContain('Léa');

    // No way to message the youth anywhere the partner can go.
    for (const path of ['/', panelPath, '/panels', '/me']) {
      await partner.goto(url(path));
      await partner.locator('main .page-body:not([aria-busy])').waitFor();
      const controls = await partner.locator('a, button').evaluateAll((nodes) =>
        nodes.map((n) => `${n.textContent ?? ''} ${n.getAttribute('href') ?? ''} ${n.getAttribute('aria-label') ?? ''}`),
      );
      expect(controls.filter((c) => /messag|chat|contact|\bdm\b|write to|inbox/i.test(c)), path).toEqual([]);
      expect((await partner.locator('main').textContent()) ?? '', path).not.toContain('Léa');
      await expectAxeClean(partner, `${path} (partner)`);
    }

    expect(unexpectedProblems(), `server output:\n${server.output()}`).toEqual([]);
  }, 60_000);

  it('expired, used and forged links show a clear page with what to do', async () => {
    const page = await person('visitor');
    for (const [path, hint] of [
      ['/invite/forged-token', 'invite.linkHint'],
      ['/guardian/forged-token', 'guardianPage.linkHint'],
      ['/guardian/manage/forged-token', 'manage.linkHint'],
    ] as const) {
      await page.goto(url(path));
      await expect.poll(() => h1(page).textContent()).toBe(en('problem.linkHeading'));
      expect(await page.locator('.problem .server-detail').textContent(), `${path}: the server's detail`).toBeTruthy();
      expect(await page.locator('.problem').textContent()).toContain(en(hint));
      await expectAxeClean(page, path);
    }
    expect(unexpectedProblems(), `server output:\n${server.output()}`).toEqual([]);
  }, 30_000);
});
