// Browser journey of issue 14: a coordinator opens their panel's screening
// words, adds a word and sees the change recorded; a youth's next comment
// with that word is held, without a restart; a youth who opens the page is
// told it is not for them. axe runs on the page in en, fr and de.
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

describe('screening words of a panel (issue 14)', () => {
  it('a coordinator adds a word, the change is recorded and holds the next comment; axe-clean in en/fr/de', async () => {
    const { panelId, groupId, youthA, coordinator } = await h.setUp();
    const c = await h.openPage(coordinator, 'Claire Coordinator');
    // The panel's safeguarding settings lead to its screening words.
    await c.goto(h.url(`/panels/${panelId}`));
    await c.locator('#panel-settings').getByRole('link', { name: en('settings.screenWordsLink') }).click();
    await expect.poll(() => c.locator('h1').textContent()).toBe(en('screenWords.heading'));
    expect(new URL(c.url()).pathname).toBe(`/panels/${panelId}/screen-words`);
    await c.locator('.screen-words-history p', { hasText: en('screenWords.noChanges') }).waitFor();
    await axeInEveryLanguage(c, 'the screening words page', { selector: 'h1', key: 'screenWords.heading' });

    // A line without a letter is refused before anything is sent.
    await c.getByLabel(en('screenWords.label')).fill('bananarama\n1234');
    await c.getByRole('button', { name: en('screenWords.save') }).click();
    await expect.poll(() => c.locator('.field-error:not([hidden])').textContent()).toBe(en('screenWords.noLetter', { word: '1234' }));
    expect(await c.getByLabel(en('screenWords.label')).getAttribute('aria-invalid')).toBe('true');

    await c.getByLabel(en('screenWords.label')).fill('bananarama');
    await c.getByRole('button', { name: en('screenWords.save') }).click();
    await expect.poll(() => c.locator('#status').textContent()).toBe(en('screenWords.saved'));
    await expect.poll(() => c.locator('.change-who').first().textContent()).toBe(en('screenWords.changedBy', { name: 'Claire Coordinator' }));
    await expect.poll(() => c.locator('.change').first().textContent()).toContain(en('screenWords.added', { words: 'bananarama' }));
    expect(await axeViolations(c)).toEqual([]);

    // The youth's next comment with the word is held.
    const { pledge } = await h.api<{ pledge: { id: string } }>(youthA, 'POST', `/api/groups/${groupId}/pledges`, { title: 'Words', language: 'en' });
    const { item } = await h.api<{ item: { id: string } }>(youthA, 'POST', `/api/pledges/${pledge.id}/items`, { heading: 'Words', text: 'Plain words.' });
    const { comment } = await h.api<{ comment: { held: boolean } }>(youthA, 'POST', `/api/pledges/${pledge.id}/items/${item.id}/comments`, { text: 'what a bananarama idea' });
    expect(comment.held).toBe(true);

    // Young people cannot see the list.
    const a = await h.openPage(youthA, 'Ana Berg');
    await a.goto(h.url(`/panels/${panelId}/screen-words`));
    await expect.poll(() => a.locator('.problem-hint').textContent()).toBe(en('screenWords.forbiddenHint'));
    expect(await a.locator('textarea').count()).toBe(0);
    expect(h.unexpectedProblems()).toEqual([]);
  });
});
