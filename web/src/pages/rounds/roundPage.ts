// /rounds/:id: one feedback round, as the person opening it takes part in
// it. Partners answer each item for their organisation (answerEditor) and
// reply to follow-up questions; young people read every approved answer
// per item in plain words, react and ask; coordinators and moderators read
// the matrix and the reports. After the round, the commitments and
// scorecards. Everything arrives live on the round's topic, decided by the
// same policy as the API.
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain, setPlainText, setText } from '../../dom';
import type { MessageKey } from '../../i18n';
import type { Me } from '../../people/types';
import { LiveConnection, type LiveEvent } from '../../live/connection';
import type { Answer, Commitment, Matrix, Round, RoundItem, Scorecard } from '../../rounds/types';
import type { Page, RouteParams } from '../../router';
import { asyncPage, fill, showProblem, signedInOrPrompt, timeEl, type AsyncPage } from '../people/common';
import { AnswerEditor } from './answerEditor';
import { answerView } from './answerView';
import { commitmentsSection, scorecardsSection } from './commitmentsView';
import { staffForms, staffView } from './staffView';

type View = 'partner' | 'youth' | 'staff';

function viewOf(round: Round, me: Me): View {
  const role = round.me?.role;
  if (role === 'partner') return 'partner';
  if (role === 'youth' || role === 'ambassador') return 'youth';
  if (role === 'moderator' || role === 'coordinator') return 'staff';
  return me.memberships.some((m) => m.role === 'partner') ? 'partner' : me.memberships.some((m) => m.role === 'youth' || m.role === 'ambassador') ? 'youth' : 'staff';
}

export function roundPage(ctx: AppContext, params: RouteParams, page: AsyncPage = asyncPage('round.heading', 'round-page')): Page {
  const id = params.id ?? '';
  let editors: AnswerEditor[] = [];
  const left = () => page.life.disposed;
  page.life.onDispose(() => {
    for (const e of editors) e.stop();
  });
  const load = async () => {
    const me = await signedInOrPrompt(ctx, page);
    if (!me) return;
    const { round } = await ctx.api.get<{ round: Round }>(apiPath`/api/rounds/${id}`);
    if (left()) return;
    const view = viewOf(round, me);
    const r = new RoundView(ctx, page, round, view, me);
    await r.render();
    editors = r.editors;
    const live = page.life.own(new LiveConnection({
      topic: round.topic || `round:${round.id}`,
      refresh: () => ctx.api.refresh(),
      handlers: {
        onEvent: (ev) => void r.onEvent(ev),
        onRefetch: () => void r.refresh(),
        onStatus: (s) => r.showStatus(s),
      },
    }));
    if (!left()) live.start();
  };
  void load().catch((error: unknown) => showProblem(page, error, { forbidden: 'round.forbiddenHint', link: 'round.notFoundHint' }));
  return page;
}

class RoundView {
  readonly editors: AnswerEditor[] = [];
  private readonly answerHosts = new Map<string, HTMLElement>();
  private readonly staffHost = el('div', { className: 'round-staff' });
  private readonly staffFormsHost = el('div', { className: 'round-staff-forms' });
  private readonly afterHost = el('div', { className: 'round-after' });
  private readonly status = el('p', { className: 'live-status', text: 'live.connecting', attrs: { role: 'status', id: 'live-status', 'data-status': 'connecting' } });

  constructor(
    private readonly ctx: AppContext,
    private readonly page: AsyncPage,
    private round: Round,
    private readonly view: View,
    private readonly me: Me,
  ) {}

  showStatus(s: string): void {
    const key: Record<string, MessageKey> = { connecting: 'live.connecting', live: 'live.live', reconnecting: 'live.reconnecting', ended: 'live.ended' };
    const k = key[s];
    if (!k) return;
    this.status.dataset.status = s;
    setText(this.status, k);
  }

  async render(): Promise<void> {
    const r = this.round;
    setPlainText(this.page.heading, r.title);
    this.page.heading.setAttribute('lang', r.language);
    const deadline = this.view === 'partner' && r.me?.deadline ? r.me.deadline : r.deadline;
    const meta = el('p', { className: 'lead round-meta' }, [
      el('span', { className: 'badge', text: r.state === 'open' ? 'round.stateOpen' : 'round.stateClosed' }),
      document.createTextNode(' · '),
      el('span', { text: 'round.deadline' }),
      document.createTextNode(' '),
      timeEl(deadline),
      document.createTextNode(' · '),
      el('span', { text: 'round.version', params: { n: r.version } }),
    ]);
    const lead: MessageKey = this.view === 'partner' ? 'roundPartner.lead' : this.view === 'youth' ? 'roundYouth.lead' : 'roundStaff.lead';
    const parts: Node[] = [meta, el('p', { text: lead }), this.status];
    if (this.view === 'partner' && r.me?.unanswered !== undefined && r.state === 'open') {
      parts.push(el('p', { className: 'round-due', text: 'roundPartner.unanswered', params: { n: r.me.unanswered } }));
    }
    if (r.sessions?.length) {
      parts.push(
        el('section', { className: 'section round-sessions', attrs: { 'aria-labelledby': 'round-sessions-heading' } }, [
          el('h2', { text: 'round.sessionsHeading', attrs: { id: 'round-sessions-heading' } }),
          el('ul', { className: 'link-list session-list' }, r.sessions.map((x) => el('li', {}, [plain('a', x.title, { attrs: { href: apiPath`/sessions/${x.id}`, 'data-route': '' } }), document.createTextNode(' · '), timeEl(x.startsAt)]))),
        ]),
      );
    }
    if (this.view === 'staff') {
      parts.push(this.staffHost, this.staffFormsHost);
      this.showForms();
    }
    parts.push(this.itemsSection());
    parts.push(this.afterHost);
    fill(this.page.body, parts);
    await this.refresh();
  }

  private itemsSection(): HTMLElement {
    const r = this.round;
    const items = r.items.map((item, i) => {
      const n = i + 1;
      const host = el('div', { className: 'item-answers', attrs: { 'aria-live': this.view === 'youth' ? 'polite' : 'off' } });
      this.answerHosts.set(item.id, host);
      const parts: Node[] = [...itemHead(item, n, r.language, this.view)];
      if (this.view === 'partner') {
        const editor = new AnswerEditor({ ctx: this.ctx, roundId: r.id, itemId: item.id, n, canAnswer: !!r.me?.canAnswer && r.state === 'open', language: r.language });
        this.editors.push(editor);
        void editor.load().catch(() => undefined);
        parts.push(el('h4', { text: 'roundPartner.yourAnswer', params: { n } }), editor.element, el('h4', { text: 'roundPartner.followUpsHeading', params: { n } }), host);
      } else {
        parts.push(el('h4', { text: this.view === 'youth' ? 'roundYouth.answersHeading' : 'roundStaff.answersHeading', params: { n } }), host);
      }
      return el('li', { className: 'round-item', attrs: { id: `round-item-${n}`, 'aria-labelledby': `round-item-${n}-heading` } }, parts);
    });
    return el('section', { className: 'section round-items', attrs: { 'aria-labelledby': 'round-items-heading' } }, [
      el('h2', { text: 'round.itemsHeading', attrs: { id: 'round-items-heading', tabindex: '-1' } }),
      el('ol', { className: 'round-item-list' }, items),
    ]);
  }

  /** Reads everything shown again (after an event, or the first time). */
  async refresh(force = false): Promise<void> {
    const r = this.round;
    const answers = this.ctx.api.get<{ items: { itemId: string; answers: Answer[] }[] }>(apiPath`/api/rounds/${r.id}/answers`).catch(() => ({ items: [] }));
    const matrix = this.view === 'staff' ? this.ctx.api.get<Matrix>(apiPath`/api/rounds/${r.id}/matrix`).catch(() => null) : Promise.resolve(null);
    const after = r.state === 'closed'
      ? Promise.all([
          this.ctx.api.get<{ commitments: Commitment[] }>(apiPath`/api/rounds/${r.id}/commitments`).then((x) => x.commitments ?? []).catch(() => [] as Commitment[]),
          this.ctx.api.get<{ scorecards: Scorecard[] }>(apiPath`/api/rounds/${r.id}/scorecards`).then((x) => x.scorecards ?? []).catch(() => [] as Scorecard[]),
        ])
      : Promise.resolve(null);
    const [a, m, c] = await Promise.all([answers, matrix, after]);
    this.showAnswers(a.items, force);
    if (m) this.staffHost.replaceChildren(...staffView(r, m));
    if (c && (force || !typingIn(this.afterHost))) {
      const [commitments, cards] = c;
      const reload = () => void this.refresh(true);
      this.afterHost.replaceChildren(
        commitmentsSection(commitments, { ctx: this.ctx, round: r, myOrg: this.view === 'partner' ? r.me?.organisationId : undefined, youth: this.view === 'youth', reload }),
        scorecardsSection(cards, { ctx: this.ctx, round: r, coordinator: this.view === 'staff' && this.coordinator, reload }),
      );
    }
  }

  private get coordinator(): boolean {
    return this.me.memberships.some((x) => x.role === 'coordinator');
  }

  private showForms(): void {
    this.staffFormsHost.replaceChildren(...(this.coordinator ? staffForms(this.ctx, this.round, () => void this.reloadRound()) : []));
  }

  private async reloadRound(): Promise<void> {
    const { round } = await this.ctx.api.get<{ round: Round }>(apiPath`/api/rounds/${this.round.id}`);
    const stateChanged = round.state !== this.round.state;
    this.round = round;
    if (stateChanged) {
      for (const e of this.editors) e.stop();
      this.editors.length = 0;
      this.answerHosts.clear();
      await this.render();
    } else {
      if (this.view === 'staff') this.showForms();
      await this.refresh();
    }
  }

  private showAnswers(items: { itemId: string; answers: Answer[] }[], force: boolean): void {
    const myOrg = this.round.me?.organisationId;
    for (const [itemId, host] of this.answerHosts) {
      let answers = items.find((x) => x.itemId === itemId)?.answers ?? [];
      // Partners follow up on their own answer here; the editor shows the rest.
      if (this.view === 'partner') answers = answers.filter((a) => a.organisation.id === myOrg);
      const opts = { ctx: this.ctx, roundId: this.round.id, language: this.round.language, youth: this.view === 'youth', canReply: this.view === 'partner' && this.round.state === 'open' };
      if (!force && typingIn(host)) continue; // never drop what someone is typing
      host.replaceChildren(
        ...(answers.length
          ? answers.map((a) => (this.view === 'partner' ? followUpsOnly(a, opts) : answerView(a, opts)))
          : [el('p', { className: 'hint', text: this.view === 'youth' ? 'roundYouth.noAnswers' : this.view === 'partner' ? 'roundPartner.noFollowUps' : 'roundStaff.noAnswers' })]),
      );
    }
  }

  async onEvent(ev: LiveEvent): Promise<void> {
    if (ev.event === 'round.status_changed') {
      await this.reloadRound();
      return;
    }
    await this.refresh();
    if (this.view === 'youth' && ev.event === 'round.answer_approved') {
      const org = (ev.data?.answer as Answer | undefined)?.organisation?.name ?? '';
      this.ctx.announce('roundYouth.newAnswer', { org });
    }
  }
}

/** Whether host holds something typed and not sent yet (a live update then leaves it alone). */
function typingIn(host: HTMLElement): boolean {
  if (host.querySelector('details[open] form')) return true;
  return [...host.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('textarea, input[type="text"], input[type="url"]')].some((f) => f.value.trim() !== '');
}

function followUpsOnly(a: Answer, opts: Parameters<typeof answerView>[1]): HTMLElement {
  const article = answerView(a, opts);
  // The partner's own answer is in the editor above: keep the questions and replies only.
  const followups = article.querySelector('.followups');
  if (!(followups instanceof HTMLElement)) return article;
  followups.querySelector('h6')?.remove(); // the item's "Questions" heading stands above
  return followups;
}

/** An item as everyone reads it: heading, text, the child-friendly summary beside it, the round's question. */
function itemHead(item: RoundItem, n: number, language: string, view: View): Node[] {
  const summary = item.summary.trim()
    ? el('div', { className: 'published-summary' }, [el('h4', { text: 'published.summaryHeading' }), plain('p', item.summary, { attrs: { lang: language } })])
    : null;
  const body = view === 'youth' && summary
    ? // For young people the plain words come first; the full text is one click away.
      [summary, el('details', {}, [el('summary', { text: 'roundYouth.fullText' }), plain('p', item.text, { attrs: { lang: language } })])]
    : [el('div', { className: 'published-item-body' }, [plain('p', item.text, { className: 'published-text', attrs: { lang: language } }), ...(summary ? [summary] : [])])];
  return [
    plain('h3', `${n}. ${item.heading}`, { attrs: { id: `round-item-${n}-heading`, lang: language } }),
    ...body,
    ...(item.question ? [el('p', { className: 'round-question' }, [el('strong', { text: 'round.questionLabel' }), document.createTextNode(' '), plain('span', item.question, { attrs: { lang: language } })])] : []),
  ];
}

