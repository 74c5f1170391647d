// The language journey of issue 15 on the demo workspace: every page type,
// as the person who would see it (each role's home too), switched
// en -> fr -> de -> it -> es in place (the same document: no reload), and in each language no English
// text is left on screen (visible text and labels are scanned against the
// English catalogue, the consent registry's texts and the server's
// messages), every date and relative time is written the way the language
// writes it, and axe finds nothing.
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './browser';
import { catalogue, languages, type Lang } from './catalogues';
import { demo, startDemo, type DemoHarness } from './demoHarness';
import { switchLanguage } from './languages';

let h: DemoHarness;

beforeAll(async () => {
  h = await startDemo();
}, 60_000);

afterAll(async () => {
  await h?.close();
});

/** The texts the server sends in the reader's language: the consent registry's (scope names and texts) and its messages (errors, refusals), by language. */
const serverTexts: Readonly<Record<Lang, string[]>> = (() => {
  const out: Record<Lang, string[]> = {};
  const add = (lang: Lang, text: string) => (out[lang] ??= []).push(text);
  const registry = JSON.parse(readFileSync(new URL('../../consent/data/scopes.json', import.meta.url), 'utf8')) as { scopes: Record<string, unknown>[] };
  for (const scope of registry.scopes)
    for (const field of ['shortName', 'youthText', 'guardianText', 'purpose'])
      for (const [lang, text] of Object.entries((scope[field] ?? {}) as Record<Lang, string>)) add(lang, text);
  const messages = new URL('../../server/httpapi/messages/', import.meta.url);
  for (const name of readdirSync(messages).filter((n) => n.endsWith('.json'))) {
    const messagesOf = JSON.parse(readFileSync(new URL(name, messages), 'utf8')) as Record<string, string>;
    for (const [english, text] of Object.entries(messagesOf)) {
      add('en', english);
      add(name.slice(0, -5), text);
    }
  }
  return out;
})();

/** A text as a pattern matching it with any values in its {params} (the server's messages: in its %d and %s). */
const textPattern = (text: string, server: boolean) => {
  const escaped = text.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '.+');
  return new RegExp(`^${server ? escaped.replace(/%[dsvq]/g, '.+') : escaped}$`, 's');
};

/** English texts that would show a missed translation: whole sentences or labels of more than one word, as patterns. */
function englishPatterns(lang: Lang): { key: string; pattern: RegExp }[] {
  // A text the target language itself uses somewhere is that language's too ("Chorus", a name).
  const own = new Set([...Object.values(catalogue(lang)), ...(serverTexts[lang] ?? [])]);
  const english: [string, string][] = [...Object.entries(catalogue('en')), ...(serverTexts.en ?? []).map((text): [string, string] => ['server', text])];
  return english
    .filter(([key, text]) => /\s/.test(text.replace(key === 'server' ? /%[dsvq]/g : /\{\w+\}/g, '')) && !own.has(text))
    .map(([key, text]) => ({ key, pattern: textPattern(text, key === 'server') }));
}

/** Dates and relative times on the page (their text as shown) that are not what Intl writes for them in the page's language. */
function foreignTimes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const lang = document.documentElement.lang;
    const units: [Intl.RelativeTimeFormatUnit, number][] = [
      ['year', 365 * 24 * 3600_000], ['month', 30 * 24 * 3600_000], ['week', 7 * 24 * 3600_000], ['day', 24 * 3600_000], ['hour', 3600_000], ['minute', 60_000],
    ];
    const wrong: string[] = [];
    for (const t of document.querySelectorAll<HTMLElement>('time[data-time]')) {
      const raw = t.dataset.time ?? '';
      const at = new Date(/^\d+$/.test(raw) ? Number(raw) : raw).getTime();
      const style = t.dataset.timeStyle ?? 'datetime';
      let want: string[];
      if (style === 'relative') {
        // The text was written a moment ago: the amount may have moved by one since.
        const delta = at - Date.now();
        const [unit, size] = units.find(([, ms]) => Math.abs(delta) >= ms) ?? ['second', 1000];
        const n = unit === 'second' ? 0 : Math.trunc(delta / size);
        const f = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
        want = [n - 1, n, n + 1].map((k) => f.format(k, unit));
        if (unit === 'minute' || unit === 'second') want.push(f.format(0, 'second'), f.format(Math.sign(delta) || -1, 'minute'));
      } else {
        want = [new Intl.DateTimeFormat(lang, style === 'date' ? { dateStyle: 'medium' } : { dateStyle: 'medium', timeStyle: 'short' }).format(at)];
      }
      if (!want.includes(t.textContent ?? '')) wrong.push(`${t.textContent} (${style}, want ${want.join(' or ')})`);
    }
    return wrong;
  });
}

/** The visible texts of the page in its own language (text nodes, aria-labels, titles), leaving out what is marked as another language (people's own writing, language names). */
function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const pageLang = document.documentElement.lang;
    const foreign = (el: Element | null) => {
      const marked = el?.closest('[lang]');
      return !!marked && marked !== document.documentElement && marked.getAttribute('lang') !== pageLang;
    };
    const shown = (el: Element) => (el as HTMLElement).checkVisibility?.({ visibilityProperty: true }) ?? true;
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      const text = node.textContent?.trim() ?? '';
      if (text && parent && !foreign(parent) && parent.tagName !== 'SCRIPT' && shown(parent)) out.push(text);
    }
    for (const el of document.body.querySelectorAll('[aria-label],[title],[placeholder]')) {
      if (foreign(el)) continue;
      for (const name of ['aria-label', 'title', 'placeholder']) {
        const value = el.getAttribute(name)?.trim();
        if (value) out.push(value);
      }
    }
    return out;
  });
}

/** The order of the issue: en, then fr, de, it, es (then any other language), and back to English. */
const journey: readonly Lang[] = [...['fr', 'de', 'it', 'es'].filter((l) => languages.includes(l)), ...languages.filter((l) => !['en', 'fr', 'de', 'it', 'es'].includes(l)), 'en'];

/** Switches page through every language in place and checks each: no reload, no English left, axe clean, the heading changed. */
async function everyLanguage(page: Page, where: string): Promise<void> {
  await page.locator('main h1').first().waitFor();
  await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached', timeout: 8_000 }).catch(() => undefined);
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  for (const lang of journey) {
    await switchLanguage(page, lang);
    if (lang !== 'en') {
      const patterns = englishPatterns(lang);
      // Texts the server sends (consent names) follow a moment later: poll until nothing English is left.
      await expect
        .poll(async () => (await visibleTexts(page)).flatMap((text) => patterns.filter((p) => p.pattern.test(text)).map((p) => `${p.key}: ${text}`)), {
          message: `English left on ${where} in ${lang}`,
          timeout: 5_000,
        })
        .toEqual([]);
    }
    await expect.poll(() => foreignTimes(page), { message: `dates on ${where} in ${lang}`, timeout: 5_000 }).toEqual([]);
    expect(await axeViolations(page), `axe on ${where} in ${lang}`).toEqual([]);
  }
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument), `${where}: switching reloaded the page`).toBe(true);
}

async function visit(page: Page, path: string, where = path): Promise<void> {
  await page.goto(h.url(path));
  await everyLanguage(page, where);
}

describe('every page type in every language, without a reload', () => {
  it('public pages', async () => {
    const page = await h.open('visitor');
    for (const path of ['/', '/about', '/signin', '/reset', '/videos', '/rounds', '/pledges', '/no-such-page', '/setup/used-link']) await visit(page, path);
  }, 180_000);

  it('links that no longer work: a reset, an invitation, a guardian’s, a shared video', async () => {
    const page = await h.open('visitor (old links)');
    for (const path of ['/reset/used-link', '/invite/used-link', '/guardian/used-link', '/guardian/manage/used-link', '/watch/used-link', '/shared/no-such-video']) await visit(page, path);
  }, 180_000);

  it('a young person’s pages (ambassador, and one still waiting for her guardian)', async () => {
    const giulia = await h.open('Giulia', { email: demo.giulia });
    const { me } = await h.api<{ me: { memberships: { groupId?: string }[] } }>(giulia, 'GET', '/api/session');
    const groupId = me.memberships.find((m) => m.groupId)?.groupId ?? '';
    const { pledges } = await h.api<{ pledges: { id: string }[] }>(giulia, 'GET', `/api/groups/${groupId}/pledges`);
    for (const path of ['/', '/me', `/groups/${groupId}`, '/pledges', `/pledges/${pledges[0]?.id ?? ''}`, '/sessions']) await visit(giulia, path);
    const lea = await h.open('Léa', { email: demo.lea });
    for (const path of ['/', '/me', '/pledges']) await visit(lea, path, `${path} (waiting for consent)`);
  }, 420_000);

  it('a young person’s videos and feedback round', async () => {
    const giulia = await h.open('Giulia (videos, round)', { email: demo.giulia });
    const { me } = await h.api<{ me: { memberships: { groupId?: string; panelId?: string }[] } }>(giulia, 'GET', '/api/session');
    const groupId = me.memberships.find((m) => m.groupId)?.groupId ?? '';
    const panelId = me.memberships.find((m) => m.panelId)?.panelId ?? '';
    const { rounds } = await h.api<{ rounds: { id: string }[] }>(giulia, 'GET', `/api/panels/${panelId}/rounds`);
    expect(rounds.length, 'the demo’s feedback round').toBeGreaterThan(0);
    const { video } = await h.api<{ video: { id: string } }>(giulia, 'POST', `/api/groups/${groupId}/videos`, { title: 'Clear terms in one minute' });
    for (const path of ['/videos', `/videos/${video.id}`, `/rounds/${rounds[0]?.id ?? ''}`]) await visit(giulia, path, path.replace(/\/[^/]{20,}$/, '/:id') + ' (youth)');
  }, 300_000);

  it('staff pages: panels, a panel, outbox, queue, a case, audit trail, sessions', async () => {
    const coordinator = await h.open('coordinator', { email: demo.coordinator });
    const { panels } = await h.api<{ panels: { id: string }[] }>(coordinator, 'GET', '/api/panels');
    const panelId = panels[0]?.id ?? '';
    // A case to look at: a comment with a phone number in it is held by screening.
    const giulia = await h.open('Giulia (comment)', { email: demo.giulia });
    const { me } = await h.api<{ me: { memberships: { groupId?: string }[] } }>(giulia, 'GET', '/api/session');
    const groupId = me.memberships.find((m) => m.groupId)?.groupId ?? '';
    const { pledges } = await h.api<{ pledges: { id: string }[] }>(giulia, 'GET', `/api/groups/${groupId}/pledges`);
    const { pledge } = await h.api<{ pledge: { itemIds: string[] } }>(giulia, 'GET', `/api/pledges/${pledges[0]?.id ?? ''}`);
    await h.api(giulia, 'POST', `/api/pledges/${pledges[0]?.id ?? ''}/items/${pledge.itemIds[0] ?? ''}/comments`, { text: 'My number is 0612345678, text me' });

    const { session } = await h.api<{ session: { id: string } }>(coordinator, 'POST', `/api/panels/${panelId}/sessions`, { title: 'Welcome chat', startsAt: new Date().toISOString() });
    for (const path of ['/', '/panels', `/panels/${panelId}`, `/panels/${panelId}/screen-words`, '/outbox', '/moderation', '/moderation/audit', `/panels/${panelId}/sessions`])
      await visit(coordinator, path, path === '/' ? '/ (coordinator)' : path);
    const moderator = await h.open('moderator', { email: demo.moderator });
    const { cases } = await h.api<{ cases: { id: string }[] }>(moderator, 'GET', '/api/moderation/queue');
    expect(cases.length, 'a case in the queue').toBeGreaterThan(0);
    await visit(moderator, '/', '/ (moderator)');
    await visit(moderator, `/moderation/cases/${cases[0]?.id ?? ''}`, '/moderation/cases/:id');
    await visit(moderator, `/sessions/${session.id}`, '/sessions/:id');
  }, 420_000);

  it('more staff pages: a panel’s consents (relative times), deletion requests, my account, a feedback round, opening one', async () => {
    const coordinator = await h.open('coordinator (more)', { email: demo.coordinator });
    const { panels } = await h.api<{ panels: { id: string }[] }>(coordinator, 'GET', '/api/panels');
    const panelId = panels[0]?.id ?? '';
    const { rounds } = await h.api<{ rounds: { id: string; pledgeId: string }[] }>(coordinator, 'GET', `/api/panels/${panelId}/rounds`);
    await visit(coordinator, `/panels/${panelId}/consents`, '/panels/:id/consents');
    // Léa's guardian was asked a moment ago: the page says when, in words of its language.
    expect(await coordinator.locator('time[data-time-style="relative"]').count(), 'a relative time on the consents page').toBeGreaterThan(0);
    for (const path of ['/deletion-requests', '/me']) await visit(coordinator, path, `${path} (coordinator)`);
    await visit(coordinator, `/rounds/${rounds[0]?.id ?? ''}`, '/rounds/:id (coordinator)');
    await visit(coordinator, `/pledges/${rounds[0]?.pledgeId ?? ''}/rounds/new`, '/pledges/:id/rounds/new');
    const moderator = await h.open('moderator (round)', { email: demo.moderator });
    await visit(moderator, `/rounds/${rounds[0]?.id ?? ''}`, '/rounds/:id (moderator)');
  }, 420_000);

  it('a partner’s pages: home, the feedback round to answer, the published pledge, sessions, account', async () => {
    const partner = await h.open('partner', { email: demo.partner });
    await visit(partner, '/', '/ (partner)');
    const round = (await partner.locator('#partner-rounds li a').first().getAttribute('href')) ?? '';
    const pledge = (await partner.locator('#partner-pledges li a').first().getAttribute('href')) ?? '';
    expect(round).toMatch(/^\/rounds\//);
    expect(pledge).toMatch(/^\/pledges\//);
    await visit(partner, round, '/rounds/:id (partner)');
    await visit(partner, pledge, '/pledges/:id (published, partner)');
    for (const path of ['/pledges', '/sessions', '/me']) await visit(partner, path, `${path} (partner)`);
    expect(h.unexpectedProblems()).toEqual([]);
  }, 420_000);

  it('a guardian’s page and an invitation, which open in their own language', async () => {
    const coordinator = await h.open('coordinator (links)', { email: demo.coordinator });
    const { panels } = await h.api<{ panels: { id: string }[] }>(coordinator, 'GET', '/api/panels');
    const panelId = panels[0]?.id ?? '';
    await h.api(coordinator, 'POST', `/api/panels/${panelId}/invitations`, { email: 'marco@demo.chorus', role: 'partner', orgId: (await h.api<{ organisations: { id: string; kind: string }[] }>(coordinator, 'GET', '/api/organisations')).organisations.find((o) => o.kind === 'partner')?.id, language: 'it' });
    const { messages } = await h.api<{ messages: { to: string; text: string }[] }>(coordinator, 'GET', '/api/outbox');
    const link = (to: string, prefix: string) => new RegExp(`(${prefix}[A-Za-z0-9_.-]+)`).exec(messages.find((m) => m.to === to && m.text.includes(prefix))?.text ?? '')?.[1] ?? '';

    const invitee = await h.open('invitee');
    await invitee.goto(h.url(link('marco@demo.chorus', '/invite/')));
    // The Italian invitation opens in Italian although the browser speaks English.
    await expect.poll(() => invitee.locator('html').getAttribute('lang')).toBe('it');
    await expect.poll(() => invitee.locator('main h1').textContent()).toBe(catalogue('it')['invite.heading']);
    await everyLanguage(invitee, '/invite/:token');

    const guardian = await h.open('guardian');
    await guardian.goto(h.url(link('parent.dubois@demo.chorus', '/guardian/')));
    await expect.poll(() => guardian.locator('html').getAttribute('lang')).toBe('fr');
    await everyLanguage(guardian, '/guardian/:token');
    // The guardian of Jonas, who answered already, changes a decision later through the manage link.
    const manage = link('parent.weber@demo.chorus', '/guardian/manage/');
    expect(manage, 'the manage link of the confirmation mail').not.toBe('');
    await guardian.goto(h.url(manage));
    await everyLanguage(guardian, '/guardian/manage/:token');
    expect(h.unexpectedProblems()).toEqual([]);
  }, 180_000);
});
