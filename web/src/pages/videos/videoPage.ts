// /videos/:id: one group video. Its script (co-written like a pledge's
// items), uploading cuts, each version's processing, the player with
// captions and a timeline of comments, the captions editor, who appears
// (tags, each agreed to by the person), the group's approvals, and sharing
// (what stands in the way, the request to the moderators, and for
// moderators event links and revoking).
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain, setPlainText, setText } from '../../dom';
import { getLanguage, languages, onLanguageChange, type MessageKey } from '../../i18n';
import type { GroupDetail, Me } from '../../people/types';
import type { Page, RouteParams } from '../../router';
import { button, errorParagraphs } from '../../ui/form';
import type { Audience, Review, Sharing, Tag, Version, Video, VideoComment } from '../../videos/types';
import { formatTimecode } from '../../videos/timecode';
import { asyncPage, fill, routeLink, section, showProblem, signedInOrPrompt, timeEl } from '../people/common';
import { player, type Player } from './player';
import { uploadPanel } from './uploadPanel';

const stateKey: Record<Version['state'], MessageKey> = {
  processing: 'videos.stateProcessing',
  ready: 'videos.stateReady',
  failed: 'videos.stateFailed',
  unavailable: 'videos.stateUnavailable',
};

const audienceKey: Record<Audience, MessageKey> = {
  group: 'videos.audienceGroup',
  panel: 'videos.audiencePanel',
  partners: 'videos.audiencePartners',
  event: 'videos.audienceEvent',
};

const shareStateKey: Record<string, MessageKey> = {
  active: 'videos.shareActive',
  revoked: 'videos.shareRevoked',
  withdrawn: 'videos.shareWithdrawn',
  expired: 'videos.shareExpired',
};

const requestStateKey: Record<string, MessageKey> = {
  waiting: 'videos.requestWaiting',
  approved: 'videos.requestApproved',
  changes_requested: 'videos.requestChanges',
  hidden: 'videos.requestHidden',
};

export function videoPage(ctx: AppContext, params: RouteParams): Page {
  const page = asyncPage('videos.videoHeading', 'video-page');
  const id = params.id ?? '';
  const load = async () => {
    const me = await signedInOrPrompt(ctx, page);
    if (!me) return;
    const { video } = await ctx.api.get<{ video: Video }>(apiPath`/api/videos/${id}`);
    const group = await ctx.api.get<GroupDetail>(apiPath`/api/groups/${video.groupId}`).catch(() => null);
    if (page.life.disposed) return;
    // Leaving the page stops the polling of a version being processed.
    page.life.own(new VideoScreen(ctx, page, me, video, group)).render();
  };
  void load().catch((error: unknown) => showProblem(page, error, { link: 'videos.notFoundHint' }));
  return page;
}

class VideoScreen {
  private video: Video;
  private selected = 0;
  private current: Player | null = null;
  private poll: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  // Who may see the video, and why not, comes from the server in the page's language: read again after a switch.
  private readonly offLanguage = onLanguageChange(() => void this.renderSharing());
  private readonly versionBox = el('div', { className: 'video-version' });
  private readonly commentsBox = el('div', { className: 'video-comments' });
  private readonly captionsBox = el('div', { className: 'video-captions' });
  private readonly tagsBox = el('div', { className: 'video-tags' });
  private readonly reviewBox = el('div', { className: 'video-review' });
  private readonly sharingBox = el('div', { className: 'video-sharing' });

  constructor(
    private readonly ctx: AppContext,
    private readonly page: { heading: HTMLElement; body: HTMLElement; element: HTMLElement },
    private readonly me: Me,
    video: Video,
    private readonly group: GroupDetail | null,
  ) {
    this.video = video;
    this.selected = video.latest?.number ?? 0;
  }

  private get base(): string {
    return apiPath`/api/videos/${this.video.id}`;
  }

  private get version(): Version | undefined {
    return this.video.all?.find((v) => v.number === this.selected);
  }

  private nameOf(accountId: string): string {
    return this.group?.members.find((m) => m.accountId === accountId)?.name ?? '';
  }

  render(): void {
    setPlainText(this.page.heading, this.video.title);
    const scriptAlert = el('div', { className: 'form-error', attrs: { role: 'alert', id: 'script-alert' } });
    const scriptButton = button(this.video.scriptId ? 'videos.scriptOpen' : 'videos.scriptStart', () => void this.openScript(scriptAlert));
    fill(this.page.body, [
      el('p', { className: 'lead' }, [routeLink('/videos', 'videos.backToList')]),
      section('video-script', 'videos.scriptHeading', [el('p', { text: 'videos.scriptLead' }), el('p', {}, [scriptButton]), scriptAlert]),
      section('video-upload', 'videos.uploadHeading', [
        el('p', { className: 'hint', text: 'videos.uploadLead' }),
        uploadPanel(this.ctx, this.video.id, () => void this.reload(true)).element,
      ]),
      section('video-versions', 'videos.versionsHeading', [this.versionBox]),
      section('video-comments-section', 'videos.commentsHeading', [this.commentsBox]),
      section('video-captions-section', 'videos.captionsHeading', [this.captionsBox]),
      section('video-people', 'videos.tagsHeading', [el('p', { text: 'videos.tagsLead' }), this.tagsBox]),
      section('video-review-section', 'videos.reviewHeading', [this.reviewBox]),
      section('video-sharing-section', 'videos.sharingHeading', [this.sharingBox]),
    ]);
    this.renderVersion();
    void this.renderTags();
    void this.renderSharing();
  }

  /** The page is left: no more polling, also not after an answer still on its way. */
  stop(): void {
    this.stopped = true;
    this.offLanguage();
    if (this.poll) clearTimeout(this.poll);
    this.poll = null;
  }

  private async openScript(alert: HTMLElement): Promise<void> {
    alert.replaceChildren();
    try {
      const { scriptId } = await this.ctx.api.post<{ scriptId: string }>(`${this.base}/script`);
      this.ctx.navigate(apiPath`/pledges/${scriptId}`);
    } catch (error) {
      alert.replaceChildren(el('p', { text: 'videos.scriptFailed' }), ...errorParagraphs(error));
    }
  }

  private async reload(latest = false): Promise<void> {
    const { video } = await this.ctx.api.get<{ video: Video }>(this.base);
    this.video = video;
    if (latest || !this.selected) this.selected = video.latest?.number ?? 0;
    this.renderVersion();
  }

  // --- versions and the player ---

  private renderVersion(): void {
    if (this.poll) clearTimeout(this.poll);
    const all = this.video.all ?? [];
    const v = this.version;
    if (!v) {
      this.versionBox.replaceChildren(el('p', { className: 'empty', text: 'videos.noVersions' }));
      this.commentsBox.replaceChildren();
      this.captionsBox.replaceChildren();
      this.reviewBox.replaceChildren();
      return;
    }
    const pick = el('select', { attrs: { id: 'version-pick' } }, all.map((x) => {
      const o = el('option', { text: 'videos.versionOption', params: { n: x.number }, attrs: { value: String(x.number) } });
      o.selected = x.number === v.number;
      return o;
    }));
    pick.addEventListener('change', () => {
      this.selected = Number(pick.value);
      this.renderVersion();
    });
    const stateLine = el('p', { className: 'version-state', attrs: { role: 'status', id: 'version-state' } }, [
      el('span', { className: 'badge', text: stateKey[v.state] }),
    ]);
    if (v.state === 'processing') {
      stateLine.append(' ', el('span', { text: 'videos.processingProgress', params: { n: Math.round(v.progress * 100) } }));
      if (!this.stopped) this.poll = setTimeout(() => void this.reload().catch(() => undefined), 1500);
    }
    if (v.problem) stateLine.append(' ', plain('span', v.problem));
    const children: Node[] = [
      el('p', {}, [el('label', { text: 'videos.versionLabel', attrs: { for: 'version-pick' } }), document.createTextNode(' '), pick]),
      stateLine,
    ];
    this.current = null;
    if (v.state === 'ready' && v.rendition) {
      this.current = player(
        { rendition: v.rendition.url, poster: v.poster?.url, duration: v.duration, captions: v.captions, preferred: v.captions.some((c) => c.language === getLanguage()) ? getLanguage() : undefined },
        this.video.title,
      );
      children.push(this.current.element);
      if (v.poster) children.push(el('img', { className: 'video-poster-thumb', attrs: { src: v.poster.url, alt: '', id: 'video-poster' } }));
      children.push(this.compareTool(all, v));
    }
    this.versionBox.replaceChildren(...children);
    void this.renderComments();
    this.renderCaptions();
    void this.renderReview();
  }

  /** Compare two versions side by side. */
  private compareTool(all: readonly Version[], v: Version): HTMLElement {
    const others = all.filter((x) => x.number !== v.number && x.state === 'ready' && x.rendition);
    const box = el('div', { className: 'compare' });
    if (others.length === 0) return box;
    const pick = el('select', { attrs: { id: 'compare-pick' } }, [
      el('option', { text: 'videos.compareNone', attrs: { value: '' } }),
      ...others.map((x) => el('option', { text: 'videos.versionOption', params: { n: x.number }, attrs: { value: String(x.number) } })),
    ]);
    const side = el('div', { className: 'compare-side' });
    pick.addEventListener('change', () => {
      const o = others.find((x) => String(x.number) === pick.value);
      side.replaceChildren();
      if (!o?.rendition) return;
      side.append(player({ rendition: o.rendition.url, poster: o.poster?.url, duration: o.duration, captions: o.captions }, `${this.video.title} (${o.number})`, 'compare').element);
    });
    box.append(el('label', { text: 'videos.compareLabel', attrs: { for: 'compare-pick' } }), document.createTextNode(' '), pick, side);
    return box;
  }

  // --- comments ---

  private async renderComments(): Promise<void> {
    const v = this.version;
    if (!v || v.state !== 'ready') {
      this.commentsBox.replaceChildren(el('p', { className: 'hint', text: 'videos.commentsWait' }));
      return;
    }
    const path = `${this.base}/versions/${v.number}/comments`;
    let comments: VideoComment[] = [];
    try {
      comments = (await this.ctx.api.get<{ comments: VideoComment[] }>(path)).comments;
    } catch (error) {
      this.commentsBox.replaceChildren(...errorParagraphs(error));
      return;
    }
    this.current?.setMarkers(comments.filter((c) => !c.threadId && !c.erased).map((c) => ({ at: c.at, label: `${c.name}: ${c.text}` })));
    const alert = el('div', { className: 'form-error', attrs: { role: 'alert', id: 'comment-alert' } });
    const text = el('textarea', { attrs: { id: 'comment-text', rows: '3', maxlength: '2000' } });
    const atLabel = el('span', { text: 'videos.commentAt', params: { time: '0:00' } });
    const video = this.current?.video;
    const updateAt = () => setText(atLabel, 'videos.commentAt', { time: formatTimecode(video?.currentTime ?? 0) });
    video?.addEventListener('timeupdate', updateAt);
    video?.addEventListener('seeked', updateAt);
    const send = async (body: { at?: number; threadId?: string; text: string }, box: HTMLElement) => {
      try {
        await this.ctx.api.post(path, body);
        this.ctx.announce('videos.commentSent');
        await this.renderComments();
      } catch (error) {
        box.replaceChildren(...errorParagraphs(error));
      }
    };
    const formEl = el('form', { className: 'form comment-form', attrs: { novalidate: '', id: 'comment-form' } }, [
      el('label', { attrs: { for: 'comment-text' } }, [atLabel]),
      text,
      alert,
      el('div', { className: 'form-actions' }, [button('videos.commentSend', undefined, { type: 'submit', className: 'button button-primary' })]),
    ]);
    formEl.addEventListener('submit', (e) => {
      e.preventDefault();
      alert.replaceChildren();
      if (!text.value.trim()) {
        alert.replaceChildren(el('p', { text: 'videos.commentEmpty' }));
        text.focus();
        return;
      }
      void send({ at: video?.currentTime ?? 0, text: text.value }, alert);
    });
    const list = el('ol', { className: 'comment-threads', attrs: { 'aria-labelledby': 'video-comments-section-heading' } });
    for (const c of comments.filter((x) => !x.threadId)) {
      const replies = comments.filter((x) => x.threadId === c.id);
      const jump = el('button', { className: 'button button-small', attrs: { type: 'button' } });
      jump.textContent = formatTimecode(c.at);
      jump.addEventListener('click', () => {
        if (video) video.currentTime = c.at;
        video?.focus();
      });
      const li = el('li', { className: `comment${c.resolved ? ' resolved' : ''}` }, [
        el('p', { className: 'comment-head' }, [jump, document.createTextNode(' '), plain('strong', c.name || '…'), document.createTextNode(' · '), timeEl(c.createdAt)]),
        c.erased ? el('p', { className: 'comment-text comment-erased', text: 'videos.commentErased' }) : plain('p', c.text, { className: 'comment-text' }),
      ]);
      if (c.held) li.append(el('p', { className: 'held-note', text: 'videos.commentHeld' }), ...(c.reasons ?? []).map((r) => plain('p', r, { className: 'hint' })));
      if (replies.length) {
        li.append(el('ul', { className: 'replies' }, replies.map((r) => el('li', {}, [plain('strong', r.name || '…'), document.createTextNode(': '), r.erased ? el('span', { className: 'comment-erased', text: 'videos.commentErased' }) : plain('span', r.text), ...(r.held ? [el('span', { className: 'held-note', text: 'videos.commentHeld' })] : [])]))));
      }
      if (!c.held && !c.hidden) {
        const resolve = button(c.resolved ? 'videos.commentReopen' : 'videos.commentResolve', () => {
          void this.ctx.api.post(`${path}/${c.id}/resolve`, { resolved: !c.resolved }).then(() => this.renderComments()).catch((error: unknown) => li.append(...errorParagraphs(error)));
        }, { className: 'button button-small' });
        const replyId = `reply-${c.id}`;
        const replyText = el('textarea', { attrs: { id: replyId, rows: '2', maxlength: '2000' } });
        const replyAlert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
        const replyForm = el('form', { className: 'reply-form', attrs: { novalidate: '' } }, [
          el('label', { text: 'videos.replyLabel', attrs: { for: replyId } }),
          replyText,
          replyAlert,
          button('videos.replySend', undefined, { type: 'submit', className: 'button button-small' }),
        ]);
        replyForm.addEventListener('submit', (e) => {
          e.preventDefault();
          if (replyText.value.trim()) void send({ threadId: c.id, text: replyText.value }, replyAlert);
        });
        li.append(el('p', {}, [resolve]), replyForm);
      }
      list.append(li);
    }
    this.commentsBox.replaceChildren(
      el('p', { className: 'hint', text: 'videos.commentsLead' }),
      comments.length ? list : el('p', { className: 'empty', text: 'videos.commentsNone' }),
      formEl,
    );
  }

  // --- captions ---

  private renderCaptions(): void {
    const v = this.version;
    if (!v) return;
    const lang = el('select', { attrs: { id: 'caption-language' } }, languages.map((l) => el('option', { languageOf: l, attrs: { value: l } })));
    lang.value = this.group?.panelLanguages?.[0] ?? getLanguage();
    const area = el('textarea', { className: 'vtt', attrs: { id: 'caption-text', rows: '10', spellcheck: 'false', 'aria-describedby': 'caption-hint' } });
    const alert = el('div', { className: 'form-error', attrs: { role: 'alert', id: 'caption-alert' } });
    const have = el('p', { className: 'hint' });
    const load = async () => {
      const c = v.captions.find((x) => x.language === lang.value);
      area.value = 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n';
      have.replaceChildren(el('span', { text: c ? 'videos.captionsHave' : 'videos.captionsNone', params: { n: c?.cues ?? 0 } }));
      if (!c) return;
      const r = await fetch(c.url, { credentials: 'same-origin' });
      if (r.ok) area.value = await r.text();
    };
    lang.addEventListener('change', () => void load());
    const formEl = el('form', { className: 'form captions-form', attrs: { id: 'captions-form', novalidate: '' } }, [
      el('label', { text: 'videos.captionsLanguage', attrs: { for: 'caption-language' } }),
      lang,
      have,
      el('label', { text: 'videos.captionsText', attrs: { for: 'caption-text' } }),
      el('p', { className: 'hint', text: 'videos.captionsHint', attrs: { id: 'caption-hint' } }),
      area,
      alert,
      el('div', { className: 'form-actions' }, [button('videos.captionsSave', undefined, { type: 'submit', className: 'button button-primary' })]),
    ]);
    formEl.addEventListener('submit', (e) => {
      e.preventDefault();
      alert.replaceChildren();
      void this.ctx.api
        .request('PUT', `${this.base}/versions/${v.number}/captions/${lang.value}`, { body: area.value, contentType: 'text/vtt' })
        .then(async () => {
          this.ctx.announce('videos.captionsSaved');
          await this.reload();
          void this.renderSharing();
        })
        .catch((error: unknown) => {
          // The server names the line and the reason ("Line 6: ...").
          alert.replaceChildren(...errorParagraphs(error));
          area.focus();
        });
    });
    this.captionsBox.replaceChildren(formEl);
    void load();
  }

  // --- tags ---

  private async renderTags(): Promise<void> {
    let tags: Tag[];
    try {
      tags = (await this.ctx.api.get<{ tags: Tag[] }>(`${this.base}/tags`)).tags;
    } catch (error) {
      this.tagsBox.replaceChildren(...errorParagraphs(error));
      return;
    }
    const alert = el('div', { className: 'form-error', attrs: { role: 'alert', id: 'tag-alert' } });
    const act = (p: Promise<unknown>, done: MessageKey) =>
      void p
        .then(() => {
          this.ctx.announce(done);
          return Promise.all([this.renderTags(), this.renderSharing()]);
        })
        .catch((error: unknown) => alert.replaceChildren(...errorParagraphs(error)));
    const mine = tags.find((x) => x.accountId === this.me.account.id);
    const list = el('ul', { className: 'tag-list' }, tags.map((x) => {
      const li = el('li', {}, [plain('span', x.name || this.nameOf(x.accountId) || '…'), document.createTextNode(' · '), el('span', { className: 'badge', text: x.confirmed ? 'videos.tagConfirmed' : 'videos.tagWaiting' })]);
      return li;
    }));
    const controls: Node[] = [];
    if (!mine) controls.push(button('videos.tagMe', () => act(this.ctx.api.post(`${this.base}/tags`, {}), 'videos.tagged')));
    if (mine && !mine.confirmed) controls.push(button('videos.tagConfirm', () => act(this.ctx.api.post(`${this.base}/tags/me/confirm`), 'videos.tagged'), { className: 'button button-primary' }));
    if (mine) controls.push(button('videos.tagRemoveMe', () => act(this.ctx.api.delete(`${this.base}/tags/me`), 'videos.untagged')));
    const candidates = (this.group?.members ?? []).filter((m) => m.groupId === this.video.groupId && !tags.some((x) => x.accountId === m.accountId) && m.accountId !== this.me.account.id);
    if (candidates.length) {
      const pick = el('select', { attrs: { id: 'tag-pick' } }, candidates.map((m) => plain('option', m.name, { attrs: { value: m.accountId } })));
      controls.push(
        el('span', { className: 'tag-someone' }, [
          el('label', { text: 'videos.tagSomeone', attrs: { for: 'tag-pick' } }),
          document.createTextNode(' '),
          pick,
          document.createTextNode(' '),
          button('videos.tagAsk', () => act(this.ctx.api.post(`${this.base}/tags`, { accountId: pick.value }), 'videos.tagAsked')),
        ]),
      );
    }
    this.tagsBox.replaceChildren(tags.length ? list : el('p', { className: 'empty', text: 'videos.tagsNone' }), el('div', { className: 'form-actions' }, controls), alert);
  }

  // --- approvals ---

  private async renderReview(): Promise<void> {
    const v = this.version;
    if (!v) return;
    const path = `${this.base}/versions/${v.number}`;
    let review: Review;
    try {
      review = await this.ctx.api.get<Review>(`${path}/review`);
    } catch (error) {
      this.reviewBox.replaceChildren(...errorParagraphs(error));
      return;
    }
    const alert = el('div', { className: 'form-error', attrs: { role: 'alert', id: 'review-alert' } });
    const mine = review.approvals.some((a) => a.accountId === this.me.account.id);
    const toggle = button(mine ? 'videos.unapprove' : 'videos.approve', () => {
      const p = mine ? this.ctx.api.delete(`${path}/approval`) : this.ctx.api.post(`${path}/approval`);
      void p
        .then(() => {
          this.ctx.announce(mine ? 'videos.unapproved' : 'videos.approved');
          return this.renderReview();
        })
        .catch((error: unknown) => alert.replaceChildren(...errorParagraphs(error)));
    }, { className: mine ? 'button' : 'button button-primary' });
    toggle.hidden = v.state !== 'ready';
    const list = el('ul', { className: 'approval-list' }, review.approvals.map((a) => el('li', {}, [plain('span', a.name || this.nameOf(a.accountId) || '…'), document.createTextNode(' · '), timeEl(a.at)])));
    this.reviewBox.replaceChildren(
      el('p', { text: 'videos.reviewLead', params: { n: v.number } }),
      review.approvals.length ? list : el('p', { className: 'empty', text: 'videos.approvalsNone' }),
      ...(review.request ? [el('p', {}, [el('span', { text: 'videos.requestState' }), document.createTextNode(' '), el('span', { className: 'badge', text: requestStateKey[review.request.state] ?? 'videos.requestWaiting' })])] : []),
      el('p', {}, [toggle]),
      alert,
    );
  }

  // --- sharing ---

  private async renderSharing(): Promise<void> {
    let s: Sharing;
    try {
      s = await this.ctx.api.get<Sharing>(`${this.base}/sharing`);
    } catch (error) {
      this.sharingBox.replaceChildren(...errorParagraphs(error));
      return;
    }
    const v = this.version;
    const audiences = el('ul', { className: 'audience-list' }, s.audiences.map((a) =>
      el('li', {}, [
        el('strong', { text: audienceKey[a.audience] }),
        document.createTextNode(' · '),
        el('span', { className: 'badge', text: a.allowed ? 'videos.audienceAllowed' : 'videos.audienceBlocked' }),
        ...(a.reasons.length ? [el('ul', { className: 'reasons' }, a.reasons.map((r) => plain('li', r)))] : []),
      ]),
    ));
    const alert = el('div', { className: 'form-error', attrs: { role: 'alert', id: 'share-alert' } });
    const panelBox = el('input', { attrs: { type: 'checkbox', id: 'share-panel' } });
    const orgBoxes = s.partners.map((o) => ({ o, box: el('input', { attrs: { type: 'checkbox', id: `share-org-${o.id}`, value: o.id } }) }));
    const request = el('form', { className: 'form share-form', attrs: { id: 'share-form', novalidate: '' } }, [
      el('fieldset', {}, [
        el('legend', { text: 'videos.shareLegend', params: { n: v?.number ?? 0 } }),
        el('p', {}, [panelBox, document.createTextNode(' '), el('label', { text: 'videos.audiencePanel', attrs: { for: 'share-panel' } })]),
        ...orgBoxes.map(({ o, box }) => el('p', {}, [box, document.createTextNode(' '), plain('label', o.name, { attrs: { for: box.id } })])),
      ]),
      el('p', { className: 'hint', text: 'videos.shareHint', params: { language: s.workingLanguage } }),
      alert,
      el('div', { className: 'form-actions' }, [button('videos.shareRequest', undefined, { type: 'submit', className: 'button button-primary' })]),
    ]);
    request.addEventListener('submit', (e) => {
      e.preventDefault();
      alert.replaceChildren();
      if (!v) return;
      const partners = orgBoxes.filter((x) => x.box.checked).map((x) => x.o.id);
      void this.ctx.api
        .post(`${this.base}/versions/${v.number}/share-request`, { panel: panelBox.checked, partners })
        .then(() => {
          this.ctx.announce('videos.shareRequested');
          return Promise.all([this.renderReview(), this.renderSharing()]);
        })
        .catch((error: unknown) => {
          // The refusal says who and which permission (or what is missing).
          alert.replaceChildren(...errorParagraphs(error));
        });
    });
    const shares = el('ul', { className: 'share-list', attrs: { id: 'share-list' } }, s.shares.map((sh) => {
      const li = el('li', { attrs: { 'data-state': sh.state } }, [
        el('span', { text: 'videos.versionOption', params: { n: sh.version } }),
        document.createTextNode(' · '),
        el('strong', { text: audienceKey[sh.audience] }),
        ...(sh.orgName ? [document.createTextNode(' '), plain('span', sh.orgName)] : []),
        ...(sh.label ? [document.createTextNode(' '), plain('span', sh.label)] : []),
        document.createTextNode(' · '),
        el('span', { className: 'badge', text: shareStateKey[sh.state] ?? 'videos.shareActive' }),
        ...(sh.expiresAt ? [document.createTextNode(' · '), el('span', { text: 'videos.shareUntil' }), document.createTextNode(' '), timeEl(sh.expiresAt)] : []),
        ...(sh.reasons?.length ? [el('ul', { className: 'reasons' }, sh.reasons.map((r) => plain('li', r)))] : []),
      ]);
      if (s.canShare && sh.state === 'active') {
        li.append(' ', button('videoStaff.revoke', () => {
          void this.ctx.api.delete(`${this.base}/shares/${sh.id}`).then(() => this.renderSharing()).catch((error: unknown) => li.append(...errorParagraphs(error)));
        }, { className: 'button button-small button-danger' }));
      }
      return li;
    }));
    const children: Node[] = [
      el('h3', { text: 'videos.audiencesHeading' }),
      audiences,
      ...(v?.state === 'ready' ? [request] : []),
      el('h3', { text: 'videos.sharesHeading' }),
      s.shares.length ? shares : el('p', { className: 'empty', text: 'videos.sharesNone' }),
    ];
    if (s.canShare && v?.state === 'ready') children.push(this.linkForm(v));
    this.sharingBox.replaceChildren(...children);
  }

  /** A moderator's event link: a name, an end, and the link shown once. */
  private linkForm(v: Version): HTMLElement {
    const label = el('input', { attrs: { id: 'link-label', type: 'text', maxlength: '100' } });
    const until = el('input', { attrs: { id: 'link-until', type: 'datetime-local' } });
    const soon = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    until.value = new Date(soon.getTime() - soon.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    const alert = el('div', { className: 'form-error', attrs: { role: 'alert', id: 'link-alert' } });
    const out = el('p', { className: 'link-out', attrs: { id: 'link-out' } });
    const formEl = el('form', { className: 'form link-form', attrs: { id: 'link-form', novalidate: '' } }, [
      el('h3', { text: 'videoStaff.linkHeading' }),
      el('p', { className: 'hint', text: 'videoStaff.linkLead' }),
      el('label', { text: 'videoStaff.linkLabel', attrs: { for: 'link-label' } }),
      label,
      el('label', { text: 'videoStaff.linkUntil', attrs: { for: 'link-until' } }),
      until,
      alert,
      out,
      el('div', { className: 'form-actions' }, [button('videoStaff.linkCreate', undefined, { type: 'submit', className: 'button button-primary' })]),
    ]);
    formEl.addEventListener('submit', (e) => {
      e.preventDefault();
      alert.replaceChildren();
      const when = new Date(until.value);
      void this.ctx.api
        .post<{ link: { path: string } }>(`${this.base}/versions/${v.number}/links`, { label: label.value, expiresAt: Number.isNaN(when.getTime()) ? '' : when.toISOString() })
        .then(({ link }) => {
          const url = `${window.location.origin}${link.path}`;
          out.replaceChildren(el('span', { text: 'videoStaff.linkMade' }), document.createTextNode(' '), plain('code', url));
          void this.renderSharing();
        })
        .catch((error: unknown) => alert.replaceChildren(...errorParagraphs(error)));
    });
    return formEl;
  }
}
