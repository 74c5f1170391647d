// Browser journey of issue 13 against the real server: a group co-writes a
// two-scene script; a youth uploads a test clip made here with ffmpeg (with
// GPS metadata), the connection is cut half-way (the test aborts the second
// chunk's request) and the upload resumes to completion; processing
// finishes and the poster shows; both youth tag themselves; Ana lacks
// video_publish, so sharing with partners is refused with the reason; her
// guardian grants it; captions are written and fixed after a validation
// error; Ben leaves a timecoded comment and approves; a moderator approves;
// the partner plays the video with captions and no location metadata; the
// guardian withdraws video_publish and the partner loses it within a
// minute. axe on the video page in en, fr and de.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './browser';
import { tr, type Lang } from './catalogues';
import { switchLanguage } from './languages';
import { en, itemText, startHarness, type Harness } from './pledgeHarness';

const gps = '+48.8584+002.2945';
let h: Harness;
let dir: string;
let clip: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chorus-videos-'));
  clip = join(dir, 'gps.mp4');
  // 12 s at a high bit rate: more than one 8 MiB chunk, so the cut falls between two.
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', '12', '-vf', 'noise=alls=40:allf=t', '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '8M', '-pix_fmt', 'yuv420p', '-c:a', 'aac',
    '-metadata', `location=${gps}/`, '-metadata', `com.apple.quicktime.location.ISO6709=${gps}+035.000/`, '-metadata', 'make=Apple', '-metadata', 'model=iPhone 12',
    '-movflags', 'use_metadata_tags', clip]);
  expect(statSync(clip).size).toBeGreaterThan(9 * 1024 * 1024);
  h = await startHarness();
}, 120_000);

afterAll(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function accountId(h: Harness, c: BrowserContext): Promise<string> {
  const s = await h.api<{ me: { account: { id: string } } }>(c, 'GET', '/api/session');
  return s.me.account.id;
}

/** The youth names a guardian, who grants video_publish by the mailed link; the coordinator records the signed form it needs. Returns the guardian's manage token. */
async function guardianGrantsPublish(h: Harness, youth: BrowserContext, coordinator: BrowserContext, email: string): Promise<string> {
  await h.api(youth, 'POST', '/api/me/guardian', { email }).catch((e: unknown) => {
    if (!(e instanceof SyntaxError)) throw e; // 202 with a plain body
  });
  const token = (await h.mailLink(email, '/guardian/')).replace('/guardian/', '');
  const guardian = await h.newContext(`guardian ${email}`);
  await h.api(guardian, 'POST', `/api/guardian/${token}/confirm`, { guardianName: 'A Parent', grants: { video_publish: true } });
  const manage = (await h.mailLink(email, '/guardian/manage/')).replace('/guardian/manage/', '');
  const cookies = await coordinator.cookies(h.server.url);
  const csrf = decodeURIComponent(cookies.find((c) => c.name === 'chorus_csrf')?.value ?? '');
  const res = await coordinator.request.post(h.url(`/api/accounts/${await accountId(h, youth)}/consent-forms`), {
    headers: { 'X-CSRF-Token': csrf },
    multipart: { scope: 'video_publish', file: { name: 'form.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 signed consent form') } },
  });
  expect(res.status(), await res.text()).toBe(201);
  return manage;
}

async function axeIn(page: Page, what: string, langs: readonly Lang[], probe: { selector: string; key: string }) {
  for (const lang of langs) {
    if (lang !== 'en') await switchLanguage(page, lang);
    await expect.poll(() => page.locator(probe.selector).first().textContent()).toBe(tr(lang, probe.key));
    expect(await axeViolations(page), `axe on ${what} in ${lang}`).toEqual([]);
  }
  await switchLanguage(page, 'en');
}

describe('group videos (issue 13)', () => {
  it('script, resumable upload, tags, consent-gated sharing, captions, review, partner playback, withdrawal', async () => {
    const { panelId, youthA, youthB, moderator, coordinator } = await h.setUp();
    // A partner organisation with one member in the panel.
    const { organisation } = await h.api<{ organisation: { id: string } }>(coordinator, 'POST', '/api/organisations', { name: 'AppCo', kind: 'partner', country: 'DE' });
    await h.api(coordinator, 'POST', `/api/panels/${panelId}/invitations`, { email: 'pat@appco.example', role: 'partner', orgId: organisation.id, language: 'en' });
    const invite = (await h.mailLink('pat@appco.example', '/invite/')).replace('/invite/', '');
    const partner = await h.newContext('Pat Partner');
    await h.api(partner, 'POST', `/api/invitations/by-token/${invite}/accept`, { displayName: 'Pat Partner', password: 'purple tiger runs', language: 'en' });
    // Both youth may appear in videos; Ben's guardian already agreed to publishing.
    for (const y of [youthA, youthB]) await h.api(y, 'POST', '/api/me/consents/video_appear/grant');
    await guardianGrantsPublish(h, youthB, coordinator, 'ben.parent@example.org');

    // --- Ana starts a video and its script; Ben adds the second scene.
    const a = await h.openPage(youthA, 'Ana Berg');
    await a.goto(h.url('/videos'));
    const title = a.locator('input[name="title"]').first();
    await title.fill('Apps and us');
    await a.getByRole('button', { name: en('videos.create') }).click();
    await a.waitForURL(/\/videos\/[^/]+$/);
    const videoPath = new URL(a.url()).pathname;
    await expect.poll(() => a.locator('main h1').textContent()).toBe('Apps and us');
    await a.getByRole('button', { name: en('videos.scriptStart') }).click();
    await a.waitForURL(/\/pledges\/[^/]+$/);
    const scriptPath = new URL(a.url()).pathname;
    await expect.poll(() => a.locator('#live-status').getAttribute('data-status')).toBe('live');
    await a.fill('#new-item-heading', 'Ana');
    await a.getByRole('button', { name: en('script.addScene') }).click();
    await itemText(a).waitFor();
    await a.keyboard.type('We open on a phone screen full of terms.');
    const b = await h.openPage(youthB, 'Ben Holm');
    await b.goto(h.url(scriptPath));
    await expect.poll(() => b.locator('#live-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('live');
    await expect.poll(() => itemText(b).inputValue()).toBe('We open on a phone screen full of terms.');
    await b.fill('#new-item-heading', 'Ben');
    await b.getByRole('button', { name: en('script.addScene') }).click();
    await expect.poll(() => a.locator('.pledge-item').count()).toBe(2);
    expect(await a.locator('#pledge-lifecycle').count(), 'a script has no review or publishing').toBe(0);

    // --- Ana uploads; the second chunk's request is cut; the upload resumes from the stored offset.
    await a.goto(h.url(videoPath));
    const patches: { offset: string | undefined; status: number | null }[] = [];
    let cut = false;
    await a.route('**/api/uploads/**', async (route) => {
      const req = route.request();
      if (req.method() === 'PATCH' && req.headers()['upload-offset'] !== '0' && !cut) {
        cut = true;
        patches.push({ offset: req.headers()['upload-offset'], status: null });
        await route.abort('connectionreset');
        return;
      }
      await route.continue();
    });
    a.on('requestfinished', (req: Request) => {
      if (req.method() === 'PATCH' && req.url().includes('/api/uploads/')) void req.response().then((r) => patches.push({ offset: req.headers()['upload-offset'], status: r?.status() ?? null }));
    });
    await a.setInputFiles('#video-file', clip, { timeout: 30_000 });
    await a.getByRole('button', { name: en('videos.uploadStart') }).click();
    await expect.poll(() => a.locator('.upload-status').textContent(), { timeout: 60_000 }).toBe(en('videos.uploadDone'));
    expect(cut, 'the second chunk was cut').toBe(true);
    const chunk = String(8 * 1024 * 1024);
    // The cut one and its resumption from the stored offset (responses are noted as they arrive).
    await expect.poll(() => patches.filter((p) => p.offset === chunk).length, { message: JSON.stringify(patches) }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => patches.some((p) => p.offset === chunk && p.status === 204), { message: JSON.stringify(patches) }).toBe(true);
    await a.unroute('**/api/uploads/**');

    // --- Processing finishes and the poster shows.
    await expect.poll(() => a.locator('#version-state .badge').textContent(), { timeout: 90_000 }).toBe(en('videos.stateReady'));
    await expect.poll(() => a.locator('#video-poster').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await a.locator('#player-video').getAttribute('poster')).toContain('/poster');

    // --- Both tag themselves.
    await a.getByRole('button', { name: en('videos.tagMe') }).click();
    await expect.poll(() => a.locator('.tag-list li').count()).toBe(1);
    await b.goto(h.url(videoPath));
    await b.getByRole('button', { name: en('videos.tagMe') }).click();
    await expect.poll(() => b.locator('.tag-list li').count()).toBe(2);

    // --- Ana lacks video_publish: sharing with partners is refused, naming her and the permission.
    await a.reload();
    await a.locator('#share-form').waitFor();
    await a.getByLabel('AppCo').check();
    await a.getByRole('button', { name: en('videos.shareRequest') }).click();
    await expect.poll(() => a.locator('#share-alert').textContent()).toContain('Ana does not have permission to share videos (video_publish)');
    const manage = await guardianGrantsPublish(h, youthA, coordinator, 'ana.parent@example.org');

    // --- Captions: a validation error naming the line, then fixed.
    await a.reload();
    await a.locator('#caption-text').waitFor();
    await a.selectOption('#caption-language', 'en');
    await a.fill('#caption-text', 'WEBVTT\n\n00:00:01,000 --> 00:00:04.000\nWho reads the terms?\n');
    await a.getByRole('button', { name: en('videos.captionsSave') }).click();
    await expect.poll(() => a.locator('#caption-alert').textContent()).toContain('Line 3');
    await a.fill('#caption-text', 'WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nWho reads the terms?\n');
    await a.getByRole('button', { name: en('videos.captionsSave') }).click();
    await expect.poll(() => a.locator('#status').textContent()).toContain(en('videos.captionsSaved'));

    // --- Ben comments at a moment and approves.
    await b.reload();
    await b.locator('#player-video').waitFor();
    await b.locator('#player-video').evaluate((v: HTMLVideoElement) => new Promise<void>((resolve) => {
      v.addEventListener('seeked', () => resolve(), { once: true });
      v.currentTime = 3;
    }));
    await expect.poll(() => b.locator('label[for="comment-text"]').textContent()).toBe(en('videos.commentAt', { time: '0:03' }));
    await b.fill('#comment-text', 'The sound is too quiet here');
    await b.getByRole('button', { name: en('videos.commentSend') }).click();
    await expect.poll(() => b.locator('.comment-threads .comment').count()).toBe(1);
    await expect.poll(() => b.locator('.timeline-marker').count()).toBe(1);
    expect(await b.locator('.timeline-marker').getAttribute('aria-label')).toContain('0:03');
    await b.getByRole('button', { name: en('videos.approve') }).click();
    await expect.poll(() => b.locator('.approval-list li').count()).toBe(1);

    // --- Ana asks again: it goes to the moderators, who approve.
    await a.reload();
    await a.locator('#share-form').waitFor();
    await a.getByLabel('AppCo').check();
    await a.getByRole('button', { name: en('videos.shareRequest') }).click();
    await expect.poll(() => a.locator('.video-review').textContent()).toContain(en('videos.requestWaiting'));
    // Ana's page says the request waits; the queue is read until its case is there too.
    let c: { id: string; content: { type: string } } | undefined;
    await expect
      .poll(async () => {
        const queue = await h.api<{ cases: { id: string; content: { type: string } }[] }>(moderator, 'GET', `/api/moderation/queue?panelId=${panelId}`);
        c = queue.cases.find((x) => x.content.type === 'video_version');
        return c;
      }, { message: 'a publication case for the version' })
      .toBeTruthy();
    const m = await h.openPage(moderator, 'Mona Moderator');
    await m.goto(h.url(`/moderation/cases/${c?.id ?? ''}`));
    await expect.poll(() => m.locator('.case-status').textContent()).toBe(en('caseStatus.open'));
    await m.getByRole('button', { name: en('action.approve') }).click();
    await m.fill('#case-reason', 'Consents, captions and review in order.');
    await m.getByRole('button', { name: en('case.confirm') }).click();
    await expect.poll(() => m.locator('.case-status').textContent()).toBe(en('caseStatus.approved'));
    expect(await axeViolations(m), 'axe on the video case').toEqual([]);

    // --- The partner finds it, plays it with captions, and nothing served carries the location.
    const p = await h.openPage(partner, 'Pat Partner');
    await p.goto(h.url('/videos'));
    await p.getByRole('link', { name: 'Apps and us' }).click();
    await p.waitForURL(/\/shared\/[^/]+$/);
    const sharedPath = new URL(p.url()).pathname;
    const video = p.locator('#shared-video');
    await video.waitFor();
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 }).toBeGreaterThan(0.2);
    await expect
      .poll(() => video.evaluate((v: HTMLVideoElement) => {
        const track = v.textTracks[0];
        if (!track) return 0;
        track.mode = 'showing';
        return track.cues?.length ?? 0;
      }))
      .toBe(1);
    const carriesLocation = await p.evaluate(async (g) => {
      const v = document.querySelector<HTMLVideoElement>('#shared-video');
      const urls = [v?.currentSrc ?? '', v?.poster ?? ''];
      for (const u of urls) {
        const bytes = new Uint8Array(await (await fetch(u)).arrayBuffer());
        let s = '';
        for (const x of bytes) s += String.fromCharCode(x);
        if (s.includes(g) || s.includes('iPhone')) return true;
      }
      return false;
    }, gps);
    expect(carriesLocation, 'a served file carries the location or device').toBe(false);
    expect(await axeViolations(p), 'axe on the shared video').toEqual([]);

    // --- Ana's guardian withdraws video_publish: the partner loses it within a minute, and the moderators are told.
    await m.goto(h.url('/moderation'));
    await expect.poll(() => m.locator('#queue-live').getAttribute('data-status')).toBe('live');
    const guardian = await h.newContext('Ana parent');
    await h.api(guardian, 'POST', `/api/guardian/manage/${manage}/scopes/video_publish/withdraw`);
    const gone = Date.now();
    await expect
      .poll(
        async () => {
          await p.goto(h.url(sharedPath));
          await p.locator('main h1').waitFor();
          return p.locator('main h1').textContent();
        },
        { timeout: 60_000, interval: 2_000 },
      )
      .toBe(en('shared.goneHeading'));
    expect(Date.now() - gone).toBeLessThan(60_000);
    await expect.poll(() => m.locator('#queue-notices').textContent(), { timeout: 30_000 }).toContain(en('queue.videoWithdrawnPartners'));
    await p.goto(h.url('/videos'));
    await expect.poll(() => p.locator('.videos-shared').textContent()).toContain(en('shared.none'));

    // --- The video page is axe-clean in en, fr and de (and tells the group it left the partners).
    await a.reload();
    await expect.poll(() => a.locator('#share-list').textContent()).toContain(en('videos.shareWithdrawn'));
    await axeIn(a, 'the video page', ['en', 'fr', 'de'], { selector: '#video-versions-heading', key: 'videos.versionsHeading' });
    expect(h.unexpectedProblems(/ERR_CONNECTION_RESET/)).toEqual([]); // the cut chunk's request
  }, 300_000);
});
