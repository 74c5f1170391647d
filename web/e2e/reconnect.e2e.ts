// Browser journey for "Reconnecting is visible and automatic; nothing typed
// during a short disconnection is lost", against the real server. Youth A
// has the pledge editor open and Live, reaching the server through a proxy;
// A's network goes down: the proxy drops A's connections (the open /ws
// socket closes; Chromium's offline emulation alone leaves it open) and
// refuses new ones, and the browser context is set offline (every fetch
// fails, navigator.onLine is false);
// A keeps typing at the end of the item while the page says it is
// reconnecting in its live region (axe runs on that state); meanwhile youth
// B, online in a second browser, types at the start of the same item. A
// comes back online: without reloading, A is Live again, A's offline typing
// reaches the server and B, A gets B's edit, and both fields hold the same
// text with both contributions exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './browser';
import { startCutProxy, type CutProxy } from './cutProxy';
import { en, itemText, startHarness, startPledgeWithItem, type Harness } from './pledgeHarness';

let h: Harness;
let proxy: CutProxy;

beforeAll(async () => {
  h = await startHarness();
  proxy = await startCutProxy(h.server.url);
});

afterAll(async () => {
  await proxy?.close();
  await h?.close();
});

// What a page logs while its network is cut on purpose.
const offlineNoise = /ERR_INTERNET_DISCONNECTED|WebSocket connection to .* failed/;

describe('reconnecting after a short disconnection (issue 4)', () => {
  it('shows Reconnecting in a live region, keeps offline typing, reconnects by itself and converges with the other youth', async () => {
    const { groupId, youthA, youthB } = await h.setUp();
    const original = 'Apps explain privacy.';

    const a = await h.openPage(youthA, 'Ana Berg');
    // What A's page sends on its /ws sockets (to see how it resumes).
    const subscribes: { after?: unknown }[] = [];
    a.on('websocket', (ws) =>
      ws.on('framesent', (frame) => {
        if (typeof frame.payload !== 'string') return;
        const msg = JSON.parse(frame.payload) as { type?: string; after?: unknown };
        if (msg.type === 'subscribe') subscribes.push(msg);
      }),
    );
    const pledgePath = await startPledgeWithItem(a, proxy.url, groupId, 'Apps that keep in touch', original);
    const b = await h.openPage(youthB, 'Ben Holm');
    await b.goto(h.url(pledgePath));
    await expect.poll(() => b.locator('#live-status').getAttribute('data-status')).toBe('live');
    await expect.poll(() => itemText(b).inputValue()).toBe(original);
    const status = a.locator('#live-status');
    expect(await status.getAttribute('data-status')).toBe('live');
    expect(await status.textContent()).toBe(en('live.live'));

    // --- A's connection drops.
    proxy.cut();
    await youthA.setOffline(true);
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 5_000, interval: 100 }).toBe('reconnecting');
    const offlineSince = Date.now();
    // The status is visible, says what is going on, and is announced (a status live region).
    expect(await status.textContent()).toBe(en('live.reconnecting'));
    expect(await status.isVisible()).toBe(true);
    expect(await status.getAttribute('role')).toBe('status');
    expect(await status.evaluate((node) => node.closest('[aria-hidden="true"], [hidden]') === null)).toBe(true);
    // Really offline: a request from the page fails.
    expect(await a.evaluate(() => fetch('/healthz').then(() => 'answered', () => 'failed'))).toBe('failed');

    // A keeps writing at the end of the item while offline.
    await itemText(a).focus();
    await a.keyboard.press('Control+End');
    await a.keyboard.type(' <A-offline>', { delay: 30 });
    // B, online, writes at the start of the same item; the server takes it.
    await itemText(b).focus();
    await b.keyboard.press('Control+Home');
    await b.keyboard.type('<B-online> ', { delay: 30 });
    await b.locator('main h1').click();
    await expect.poll(() => b.locator('.saved-note').first().textContent(), { timeout: 5_000 }).toBe(en('pledge.saved'));

    // Still offline: A's typing is kept on A's screen, A has not seen B's edit, B has not seen A's.
    expect(await itemText(a).inputValue()).toBe(`${original} <A-offline>`);
    expect(await a.locator('.saved-note').first().textContent()).toBe(en('pledge.saving'));
    expect(await itemText(b).inputValue()).toBe(`<B-online> ${original}`);
    expect(await status.getAttribute('data-status')).toBe('reconnecting');
    expect(await status.textContent()).toBe(en('live.reconnecting'));
    expect(await axeViolations(a), 'axe on /pledges/:id while reconnecting').toEqual([]);
    const offlineFor = Date.now() - offlineSince;

    // --- A's connection comes back: nothing to click, nothing to reload.
    const subscribesBefore = subscribes.length;
    const onlineAt = Date.now();
    proxy.restore();
    await youthA.setOffline(false);
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 12_000, interval: 100 }).toBe('live');
    const backAfter = Date.now() - onlineAt;
    expect(await status.textContent()).toBe(en('live.live'));
    // It resumed where it stopped: the new subscribe names the last event A saw.
    const resumed = subscribes.slice(subscribesBefore);
    expect(resumed.length).toBeGreaterThan(0);
    expect(typeof resumed.at(-1)?.after).toBe('number');

    const both = `<B-online> ${original} <A-offline>`;
    await expect
      .poll(async () => [await itemText(a).inputValue(), await itemText(b).inputValue()], { timeout: 8_000, interval: 100 })
      .toEqual([both, both]);
    const convergedAfter = Date.now() - onlineAt;
    await expect.poll(() => a.locator('.saved-note').first().textContent(), { timeout: 5_000 }).toBe(en('pledge.saved'));

    // The server holds the merged text: a fresh load of the editor in B's browser shows it.
    await b.reload();
    await expect.poll(() => b.locator('#live-status').getAttribute('data-status')).toBe('live');
    expect(await itemText(b).inputValue()).toBe(both);

    console.info(`offline ${offlineFor} ms; Live again ${backAfter} ms and converged ${convergedAfter} ms after coming back online`);
    expect(h.unexpectedProblems(offlineNoise), `server output:\n${h.server.output().slice(-4000)}`).toEqual([]);
  }, 40_000);
});
