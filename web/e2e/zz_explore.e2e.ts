import { afterAll, beforeAll, it } from 'vitest';
import { demo, startDemo, type DemoHarness } from './demoHarness';
let h: DemoHarness;
beforeAll(async () => { h = await startDemo(); }, 60_000);
afterAll(async () => { await h?.close(); });
it('explore', async () => {
  const lea = await h.open('Léa', { email: demo.lea, lang: 'fr' });
  for (const p of ['/pledges', '/sessions', '/']) {
    await lea.goto(h.url(p)); await lea.waitForTimeout(1500);
    console.log('LEA', p, '\n', await lea.locator('main').innerText());
  }
  const c = await h.open('Camille', { email: demo.coordinator });
  const out = await h.api<any>(c, 'GET', '/api/outbox');
  const msgs = out.messages ?? out.mail ?? out;
  const s = JSON.stringify(msgs);
  const m = /\/guardian\/[A-Za-z0-9_\-]+/.exec(s);
  console.log('guardian link', m?.[0]);
  if (m) {
    const g = await h.open('Guardian', { lang: 'en' });
    await g.goto(h.url(m[0])); await g.waitForTimeout(1500);
    console.log('GUARDIAN\n', await g.locator('main').innerText(), await g.locator('html').getAttribute('lang'));
    await g.locator('#language-select').selectOption('de'); await g.waitForTimeout(1500);
    console.log('GUARDIAN de\n', await g.locator('main').innerText());
  }
}, 120_000);
