// Issue 12's browser journey. A coordinator opens a round on a published
// pledge for two partner organisations through the form; partner A reads
// the pledge from its home and answers every item (one commit with an
// action due in three months, one decline), its draft kept as it types;
// partner B answers one item, misses the deadline (its reminder mail
// arrives at the test SMTP server), is refused, and answers late after the
// coordinator extends its deadline; a moderator approves the answers and a
// youth sees them arrive live, reacts and asks a follow-up; the moderator
// approves it, partner A replies; the coordinator reads the matrix and
// downloads the CSV and the report; after the round partner A marks its
// action done with evidence, the youth see the progress and rate it, and
// the scorecard shows it. axe on every page of the journey, in every
// language.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeInEveryLanguage } from './languages';
import { en, startHarness, type Harness } from './pledgeHarness';

let h: Harness;

beforeAll(async () => {
  process.env.WORKER_INTERVAL = '1s'; // reminders are the worker's: let it look every second
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const h1 = (page: Page) => page.locator('main h1');
const p2 = (n: number) => String(n).padStart(2, '0');
/** A datetime-local value (with seconds) for a time, in this machine's and the browser's time zone. */
const localValue = (d: Date) => `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
const isoDate = (d: Date) => `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`;

interface Queue {
  cases: { id: string; content: { type: string; id: string } }[];
}

describe('a feedback round, from opening to the scorecard', () => {
  it('coordinator, two partners, moderator and a youth go through a round; axe-clean', async () => {
    const { panelId, groupId, youthA, moderator, coordinator } = await h.setUp();
    const partner = async (org: string, email: string, name: string): Promise<{ context: BrowserContext; orgId: string }> => {
      const { organisation } = await h.api<{ organisation: { id: string } }>(coordinator, 'POST', '/api/organisations', { name: org, kind: 'partner', country: 'IE' });
      await h.api(coordinator, 'POST', `/api/panels/${panelId}/invitations`, { email, role: 'partner', orgId: organisation.id, language: 'en' });
      const invite = (await h.mailLink(email, '/invite/')).replace('/invite/', '');
      const context = await h.newContext(name);
      await h.api(context, 'POST', `/api/invitations/by-token/${invite}/accept`, { displayName: name, password: 'purple tiger runs', language: 'en' });
      return { context, orgId: organisation.id };
    };
    const a = await partner('AppCo', 'pat@appco.example', 'Pat Partner');
    const b = await partner('BetterApps', 'bo@betterapps.example', 'Bo Partner');
    /** The moderator approves the open case of that content (the queue is tested on its own). */
    const approve = async (type: string, idPart: string) => {
      await expect
        .poll(async () => (await h.api<Queue>(moderator, 'GET', `/api/moderation/queue?panelId=${panelId}`)).cases.filter((c) => c.content.type === type && c.content.id.includes(idPart)).map((c) => c.content.id), { timeout: 8_000 })
        .not.toEqual([]);
      const q = await h.api<Queue>(moderator, 'GET', `/api/moderation/queue?panelId=${panelId}`);
      const c = q.cases.find((x) => x.content.type === type && x.content.id.includes(idPart));
      await h.api(moderator, 'POST', `/api/moderation/cases/${c?.id}/actions`, { action: 'approve', reason: 'fine' });
    };

    // A published pledge with two items.
    const { pledge } = await h.api<{ pledge: { id: string } }>(youthA, 'POST', `/api/groups/${groupId}/pledges`, { title: 'Youth Pledge', language: 'en' });
    const { item: item1 } = await h.api<{ item: { id: string } }>(youthA, 'POST', `/api/pledges/${pledge.id}/items`, { heading: 'Plain words', text: 'Apps explain their rules in plain language.', summary: 'Rules you can understand.' });
    const { item: item2 } = await h.api<{ item: { id: string } }>(youthA, 'POST', `/api/pledges/${pledge.id}/items`, { heading: 'No ads for minors', text: 'No personalised advertising to minors.', summary: 'No ads that follow you.' });
    await h.api(moderator, 'POST', `/api/pledges/${pledge.id}/transitions`, { to: 'in_review' });
    await h.api(moderator, 'POST', `/api/pledges/${pledge.id}/transitions`, { to: 'published' });

    // --- The coordinator opens the round from /rounds, through the form.
    const c = await h.openPage(coordinator, 'Claire Coordinator');
    await c.goto(h.url('/rounds'));
    await c.getByRole('link', { name: en('roundList.openFor', { title: 'Youth Pledge' }) }).click();
    await c.waitForURL(h.url(`/pledges/${pledge.id}/rounds/new`));
    await expect.poll(() => h1(c).textContent()).toBe(en('roundOpen.headingFor', { title: 'Youth Pledge' }));
    await axeInEveryLanguage(c, 'the form opening a round', { selector: '#open-round-form legend', key: 'roundOpen.partnersLegend' });
    // Nothing chosen: the form says what is missing, next to the fields.
    await c.getByRole('button', { name: en('roundOpen.submit') }).click();
    await expect.poll(() => c.locator('#round-deadline-error').textContent()).toBe(en('roundOpen.deadlineRequired'));
    expect(await c.locator('#round-orgs-error').textContent()).toBe(en('roundOpen.partnersRequired'));
    await c.getByRole('checkbox', { name: 'AppCo' }).check();
    await c.getByRole('checkbox', { name: 'BetterApps' }).check();
    const deadline = new Date(Date.now() + 60_000);
    await c.locator('#round-deadline').fill(localValue(deadline));
    await c.getByLabel(en('roundOpen.questionLabel', { n: 1, heading: 'Plain words' })).fill('How will you explain it to a 13-year-old?');
    await c.getByRole('button', { name: en('roundOpen.submit') }).click();
    await c.waitForURL((u) => /^\/rounds\/[^/]+$/.test(u.pathname));
    const roundPath = new URL(c.url()).pathname;
    const roundId = decodeURIComponent(roundPath.split('/').pop() ?? '');
    await expect.poll(() => h1(c).textContent()).toBe('Youth Pledge');
    await c.locator('table.round-matrix').waitFor();

    // --- Partner A finds the round and the pledge on its home, and answers every item.
    const pa = await h.openPage(a.context, 'Pat Partner');
    await pa.goto(h.url('/'));
    await pa.locator('#partner-pledges a', { hasText: 'Youth Pledge' }).waitFor();
    const roundLink = pa.locator('#partner-rounds a', { hasText: 'Youth Pledge' });
    await roundLink.waitFor();
    expect(await pa.locator('#partner-rounds li').textContent()).toContain(en('roundPartner.unanswered', { n: 2 }));
    await roundLink.click();
    await pa.waitForURL(h.url(roundPath));
    const one = pa.locator('#round-item-1');
    await expect.poll(() => one.locator('.round-question').textContent()).toContain('How will you explain it to a 13-year-old?');
    expect(await one.locator('.published-summary').textContent()).toContain('Rules you can understand.');
    // The draft is kept as it is typed, and is there again after a reload.
    await one.getByRole('radio', { name: en('stance.commit') }).check();
    await one.getByLabel(en('roundPartner.explanationLabel')).fill('We will rewrite our terms with young people.');
    await expect.poll(() => one.locator('#answer-1-saved').textContent(), { timeout: 5_000 }).toContain(en('roundPartner.draftSaved'));
    await pa.reload();
    await expect.poll(() => one.getByLabel(en('roundPartner.explanationLabel')).inputValue()).toBe('We will rewrite our terms with young people.');
    expect(await one.getByRole('radio', { name: en('stance.commit') }).isChecked()).toBe(true);
    // A bad link is refused next to the field; then an action due in three months and a good link.
    const due = new Date();
    due.setMonth(due.getMonth() + 3);
    await one.getByRole('button', { name: en('roundPartner.addAction') }).click();
    await expect.poll(() => pa.evaluate(() => document.activeElement?.id)).toBe('answer-1-action-0-text');
    await pa.keyboard.type('Publish a plain-language summary of our terms');
    await one.getByLabel(en('roundPartner.actionDue', { n: 1 })).fill(isoDate(due));
    await one.getByRole('button', { name: en('roundPartner.addLink') }).click();
    await pa.keyboard.type('javascript:alert(1)');
    await one.getByRole('button', { name: en('roundPartner.submit') }).click();
    await expect.poll(() => one.locator('#answer-1-evidence-0-error').textContent()).toBe(en('roundPartner.httpsOnly'));
    expect(await one.locator('#answer-1-evidence-0').getAttribute('aria-invalid')).toBe('true');
    await one.locator('#answer-1-evidence-0').fill('https://appco.example/terms');
    await one.getByRole('button', { name: en('roundPartner.submit') }).click();
    await expect.poll(() => one.locator('.answer-state').textContent()).toContain(en('roundPartner.statusPending'));
    const two = pa.locator('#round-item-2');
    await two.getByRole('radio', { name: en('stance.decline') }).check();
    await two.getByLabel(en('roundPartner.explanationLabel')).fill('Our ads pay for the free app.');
    await two.getByRole('button', { name: en('roundPartner.submit') }).click();
    await expect.poll(() => two.locator('.answer-state').textContent()).toContain(en('stance.decline'));

    // --- Partner B answers one item only (over the API).
    await h.api(b.context, 'POST', `/api/rounds/${roundId}/items/${item1.id}/answer`, { stance: 'partly', explanation: 'We are working on shorter terms.', actions: [], evidence: [] });

    // --- The youth opens the round; the moderator approves A's answers and they arrive live.
    const y = await h.openPage(youthA, 'Ana Berg');
    await y.goto(h.url(roundPath));
    await expect.poll(() => y.locator('#live-status').getAttribute('data-status')).toBe('live');
    expect(await y.locator('#round-item-1 .round-answer').count()).toBe(0); // nothing unapproved (rule 2)
    await approve('partner_answer', `${a.orgId}_${item1.id}`);
    await approve('partner_answer', `${a.orgId}_${item2.id}`);
    const answerA = y.locator('#round-item-1 .round-answer', { hasText: 'AppCo' });
    await answerA.waitFor();
    expect(await answerA.locator('.answer-stance').textContent()).toContain(en('stance.commit'));
    expect(await answerA.textContent()).toContain('Publish a plain-language summary of our terms');
    expect(await answerA.locator('.evidence-list a').getAttribute('href')).toBe('https://appco.example/terms');
    await y.locator('#round-item-2 .round-answer', { hasText: 'AppCo' }).waitFor();
    // The youth reacts (only their own choice is shown) and asks a follow-up.
    const clear = answerA.getByRole('button', { name: en('roundYouth.reactClear'), exact: true });
    await clear.click();
    await expect.poll(() => clear.getAttribute('aria-pressed')).toBe('true');
    await answerA.getByLabel(en('roundYouth.askLabel', { org: 'AppCo' })).fill('When will the summary be ready?');
    await answerA.getByRole('button', { name: en('roundYouth.ask') }).click();
    await expect.poll(() => answerA.locator('.followup').textContent()).toContain(en('roundYouth.followUpWaiting'));
    await axeInEveryLanguage(y, 'the youth view of a round', { selector: '#round-item-1 .reaction-bar p', key: 'roundYouth.reactQuestion' });

    // --- B misses the deadline: its reminder arrives by mail; it is refused; the coordinator extends; B answers late.
    const mailsTo = (to: string) => (h.server.mail?.messages() ?? []).filter((m) => m.to.includes(to));
    await expect.poll(() => Date.now() > deadline.getTime() + 500, { timeout: 70_000, interval: 500 }).toBe(true);
    await expect.poll(() => mailsTo('bo@betterapps.example').filter((m) => m.text.includes('Youth Pledge')).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await expect(h.api(b.context, 'POST', `/api/rounds/${roundId}/items/${item2.id}/answer`, { stance: 'exploring', explanation: 'We are looking at it.', actions: [], evidence: [] })).rejects.toThrow(/409/);
    await c.reload();
    await c.locator('#extend-form').waitFor();
    await c.locator('#extend-org').selectOption({ label: 'BetterApps' });
    await c.locator('#extend-deadline').fill(localValue(new Date(Date.now() + 3_600_000)));
    await c.getByRole('button', { name: en('roundStaff.extend') }).click();
    await expect.poll(() => c.locator('#status').textContent()).toBe(en('roundStaff.extended', { name: 'BetterApps' }));
    const late = await h.api<{ answer: { id: string; late: boolean } }>(b.context, 'POST', `/api/rounds/${roundId}/items/${item2.id}/answer`, { stance: 'exploring', explanation: 'We are looking at it.', actions: [], evidence: [] });
    expect(late.answer.late).toBe(true);
    await approve('partner_answer', `${b.orgId}_${item1.id}`);
    await approve('partner_answer', `${b.orgId}_${item2.id}`);
    await y.locator('#round-item-2 .round-answer', { hasText: 'BetterApps' }).waitFor();
    expect(await y.locator('#round-item-2 .round-answer', { hasText: 'BetterApps' }).textContent()).toContain(en('roundYouth.late'));

    // --- The moderator approves the follow-up; partner A replies; the youth reads the reply live.
    await approve('round_followup', '');
    await pa.reload();
    const replyBox = pa.locator('#round-item-1 .reply-form textarea');
    await replyBox.waitFor();
    await axeInEveryLanguage(pa, 'the partner’s answers', { selector: '#round-item-1 .stance-choice legend', key: 'roundPartner.stanceLegend' });
    await replyBox.fill('In March, on our help pages.');
    await pa.locator('#round-item-1 .reply-form').getByRole('button', { name: en('roundPartner.reply') }).click();
    await expect.poll(() => pa.locator('#round-item-1 .reply').textContent()).toContain('In March, on our help pages.');
    await approve('round_reply', '');
    await expect.poll(() => answerA.locator('.reply').textContent(), { timeout: 8_000 }).toContain('In March, on our help pages.');

    // --- The coordinator reads the matrix (word and icon per stance) and downloads the CSV and the report.
    await c.reload();
    const matrix = c.locator('table.round-matrix');
    await matrix.waitFor();
    const cellOf = (org: string, item: string) => matrix.locator(`td[data-org="${org}"][data-item="${item}"]`);
    expect(await cellOf(a.orgId, item1.id).textContent()).toBe(`✔ ${en('stance.commit')}`);
    expect(await cellOf(a.orgId, item2.id).textContent()).toBe(`✖ ${en('stance.decline')}`);
    expect(await cellOf(b.orgId, item2.id).textContent()).toContain(en('roundStaff.late'));
    expect(await cellOf(a.orgId, item1.id).locator('.stance-icon').getAttribute('aria-hidden')).toBe('true');
    expect(await c.locator('.stance-counts li[data-stance="commit"]').textContent()).toContain('1');
    await axeInEveryLanguage(c, 'the coordinator’s matrix', { selector: '#round-matrix-heading', key: 'roundStaff.matrixHeading' });
    const csvHref = (await c.getByRole('link', { name: en('roundStaff.csv') }).getAttribute('href')) ?? '';
    const csv = await (await coordinator.request.get(h.url(csvHref))).text();
    expect(csv).toContain('Publish a plain-language summary of our terms');
    expect(csv).toContain('BetterApps');
    const reportHref = (await c.getByRole('link', { name: en('roundStaff.report') }).getAttribute('href')) ?? '';
    const report = await coordinator.request.get(h.url(reportHref));
    expect(report.headers()['content-type']).toContain('text/html');
    expect(await report.text()).toContain('Youth Pledge');

    // --- The coordinator closes the round; partner A marks its action done with evidence.
    await c.getByRole('button', { name: en('roundStaff.close') }).click();
    await c.getByRole('button', { name: en('roundStaff.closeConfirm') }).click();
    await c.locator('#round-commitments').waitFor();
    await pa.reload();
    const commitment = pa.locator('.commitment', { hasText: 'Publish a plain-language summary of our terms' });
    await commitment.waitFor();
    await commitment.locator('summary').click();
    await commitment.locator('select').selectOption('done');
    await commitment.getByLabel(en('roundPartner.updateNote')).fill('The summary is online.');
    await commitment.getByLabel(en('roundPartner.updateLink')).fill('https://appco.example/summary');
    await commitment.getByRole('button', { name: en('roundPartner.updateSubmit') }).click();
    await expect.poll(() => pa.locator('#status').textContent()).toBe(en('roundPartner.updateSent'));
    await approve('commitment_update', '');

    // --- The youth sees the progress and rates it; the scorecard shows it.
    await y.reload();
    const ycommit = y.locator('.commitment', { hasText: 'Publish a plain-language summary of our terms' });
    await expect.poll(() => ycommit.locator('.commitment-meta').textContent(), { timeout: 8_000 }).toContain(en('commitment.done'));
    expect(await ycommit.locator('.evidence-list a').getAttribute('href')).toBe('https://appco.example/summary');
    await ycommit.getByRole('radio', { name: en('roundYouth.rateKept') }).check();
    await ycommit.getByRole('button', { name: en('roundYouth.rateSubmit') }).click();
    await expect.poll(() => y.locator('#status').textContent()).toBe(en('roundYouth.rated'));
    await axeInEveryLanguage(y, 'the commitments for youth', { selector: '#round-commitments-heading', key: 'roundCommon.commitmentsHeading' });
    await c.reload();
    const card = c.locator(`.scorecard`, { hasText: 'AppCo' });
    await expect.poll(() => card.locator('.scorecard-totals').textContent(), { timeout: 8_000 }).toContain(`${en('roundYouth.rateKept')}: 1`);
    await card.getByRole('button', { name: en('roundStaff.publish') }).click();
    await expect.poll(() => c.locator('#status').textContent()).toBe(en('roundStaff.published', { org: 'AppCo' }));
    await pa.reload();
    await expect.poll(() => pa.locator('.scorecard', { hasText: 'AppCo' }).locator('.scorecard-totals').textContent()).toContain(`${en('roundYouth.rateKept')}: 1`);
    await axeInEveryLanguage(pa, 'the partner’s commitments and scorecard', { selector: '#round-scorecards-heading', key: 'roundCommon.scorecardsHeading' });

    expect(h.unexpectedProblems()).toEqual([]);
  }, 300_000);
});
