// Browser journey of issue 11 against the real server: a whole-text change
// while someone types. Youth B rewrites an item as a whole text (an HTTP
// client without operations); youth A puts the caret in the middle of the
// item and types, and while A is typing, B restores the item's first
// version. A's and B's screens and the server end with the same text: the
// restored words, with what A typed after the restore in it exactly once,
// where A typed it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en, itemText, startHarness, startPledgeWithItem, type Harness } from './pledgeHarness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

describe('a restore while someone types (issue 11)', () => {
  it('A types while B restores an older version: both screens and the server end with the same text, A\u2019s typing kept once', async () => {
    const { groupId, youthA, youthB } = await h.setUp();
    const original = 'Apps should talk to us in plain words';
    const rewritten = 'Apps must talk to us in plain words, always';
    const a = await h.openPage(youthA, 'Ana Berg');
    const pledgePath = await startPledgeWithItem(a, h.server.url, groupId, 'Apps that talk plainly', original);
    const pledgeId = pledgePath.split('/').pop() ?? '';
    const read = async () => {
      const { items } = await h.api<{ items: { id: string; text: string; version: number }[] }>(youthB, 'GET', `/api/pledges/${pledgeId}`);
      return items[0]!;
    };
    const first = await read();
    expect(first.text).toBe(original);
    const items = `/api/pledges/${pledgeId}/items/${first.id}`;
    await h.api(youthB, 'POST', `${items}/edits`, { field: 'text', baseVersion: first.version, text: rewritten });

    const b = await h.openPage(youthB, 'Ben Holm');
    await b.goto(h.url(pledgePath));
    await expect.poll(() => b.locator('#live-status').getAttribute('data-status')).toBe('live');
    await expect.poll(() => itemText(b).inputValue()).toBe(rewritten);
    await expect.poll(() => itemText(a).inputValue()).toBe(rewritten);

    // A types before "plain" (B's changes are elsewhere); B restores the first version while A is at it.
    await itemText(a).focus();
    await itemText(a).evaluate((area: HTMLTextAreaElement) => {
      const i = area.value.indexOf('plain');
      area.setSelectionRange(i, i);
    });
    const typing = a.keyboard.type('kindly and clearly ', { delay: 60 });
    await a.waitForTimeout(250);
    await h.api(youthB, 'POST', `${items}/restore`, { version: first.version });
    await typing;
    await a.locator('main h1').click(); // leaving the field sends at once

    await expect.poll(() => a.locator('.saved-note').first().textContent(), { timeout: 10_000 }).toBe(en('pledge.saved'));
    await expect
      .poll(async () => {
        const [ta, tb, server] = await Promise.all([itemText(a).inputValue(), itemText(b).inputValue(), read()]);
        return ta === tb && ta === server.text;
      }, { timeout: 10_000, interval: 200 })
      .toBe(true);
    const final = await itemText(a).inputValue();
    // The restored words, and what A typed after the restore where A typed it (what the
    // server had of A's typing before the restore went with the rest of that version).
    expect(final).toMatch(/^Apps should talk to us in [a-z ]*clearly plain words$/);
    expect(final.split('clearly').length, final).toBe(2);
    // A reload shows the same text: nothing only on a screen.
    await a.reload();
    await expect.poll(() => itemText(a).inputValue()).toBe(final);
    // The side panel's history still lists every version, the first one too
    // (only reading an item again while typing asks for the newest alone).
    const { version } = await read();
    await a.getByRole('button', { name: en('pledge.history'), exact: true }).first().click();
    await expect.poll(() => a.locator('.revision-list li').count()).toBe(version);
    expect(await a.locator('.revision-list li[data-version="1"]').count()).toBe(1);

    expect(h.unexpectedProblems(), `server output:\n${h.server.output().slice(-4000)}`).toEqual([]);
  }, 60_000);
});
