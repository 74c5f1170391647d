// /moderation: the moderator's queue. Counts per category and status and
// how long the oldest case has waited, filters as labelled selects, and the
// cases in the order the server ranks them (safeguarding first, then
// reports, screening, approvals; oldest first within each). It follows the
// moderation:<panel> topics live and fetches the queue again on any event.
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, setText } from '../../dom';
import type { MessageKey } from '../../i18n';
import { caseKinds, caseCategories, caseStatuses, type QueueAnswer } from '../../moderation/types';
import { categoryLabel, kindLabel, statusLabel } from '../../moderation/labels';
import { isNewCaseEvent, queryString, queuePath, type QueueFilter } from '../../moderation/queue';
import { LiveConnection, type LiveStatus } from '../../live/connection';
import type { Page } from '../../router';
import { hasRole } from '../../session';
import { button, errorParagraphs, field, type Field, type Option } from '../../ui/form';
import { asyncPage, fill, routeLink, section, showProblem, signedInOrPrompt } from '../people/common';
import { casesTable, summaryView } from './queueView';
import { mayModerate, panelOptions, panelsToModerate, startPanel, type PanelChoice } from './panels';

export function moderationQueuePage(ctx: AppContext): Page {
  const page = asyncPage('queue.heading', 'moderation-page');
  const load = async () => {
    const me = await signedInOrPrompt(ctx, page);
    if (!me) return;
    if (!mayModerate(me)) {
      fill(page.body, [el('p', { className: 'lead', text: 'queue.notModerator' })]);
      return;
    }
    const choice = await panelsToModerate(ctx, me);
    if (page.life.disposed) return;
    const queue = page.life.own(new QueueScreen(ctx, page.body, choice, hasRole(me, 'coordinator')));
    await queue.start();
  };
  void load().catch((error: unknown) => showProblem(page, error));
  return page;
}

function filterFromUrl(): QueueFilter {
  const q = new URLSearchParams(window.location.search);
  return { panelId: q.get('panelId') ?? '', kind: q.get('kind') ?? '', category: q.get('category') ?? '', status: q.get('status') ?? '' };
}

class QueueScreen {
  private filter: QueueFilter;
  private readonly summary = el('div', { className: 'queue-summary-body' });
  private readonly list = el('div', { className: 'queue-list' });
  private readonly liveLine = el('p', { className: 'live-status', text: 'live.connecting', attrs: { role: 'status', id: 'queue-live', 'data-status': 'connecting' } });
  private readonly alert = el('div', { className: 'form-error', attrs: { role: 'alert', id: 'queue-alert' } });
  /** Videos taken from an audience by a withdrawal while this page is open (why: on the video's page). */
  private readonly notices = el('ul', { className: 'queue-notices', attrs: { id: 'queue-notices' } });
  private readonly lives = new Map<string, LiveConnection>();
  private readonly states = new Map<string, LiveStatus>();
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Left: a fetch that answers later follows no new panel and plans no refetch. */
  private stopped = false;

  constructor(
    private readonly ctx: AppContext,
    body: HTMLElement,
    private readonly choice: PanelChoice,
    coordinator: boolean,
  ) {
    const asked = filterFromUrl();
    this.filter = { ...asked, panelId: startPanel(choice, asked.panelId) };
    fill(body, [
      this.liveLine,
      ...(coordinator ? [el('p', {}, [routeLink('/moderation/audit', 'queue.auditLink')])] : []),
      this.alert,
      this.notices,
      section('queue-summary', 'queue.summaryHeading', [this.summary]),
      section('queue-filters', 'queue.filtersHeading', [this.filterForm()]),
      section('queue-cases', 'queue.listHeading', [this.list]),
    ]);
  }

  async start(): Promise<void> {
    await this.fetch();
    for (const p of this.choice.panels) this.follow(p.id);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const live of this.lives.values()) live.stop();
    this.lives.clear();
  }

  /** Follows a panel's moderation topic; any event means "look again". */
  private follow(panelId: string): void {
    if (this.stopped || this.lives.has(panelId)) return;
    const live = new LiveConnection({
      topic: `moderation:${panelId}`,
      refresh: () => this.ctx.api.refresh(),
      handlers: {
        onEvent: (ev) => {
          if (isNewCaseEvent(ev.event)) this.ctx.announce('queue.newCase');
          if (ev.event === 'video.withdrawn') this.videoWithdrawn(ev.data ?? {});
          this.refetchSoon();
        },
        onRefetch: () => this.refetchSoon(),
        onStatus: (s) => this.onStatus(panelId, s),
      },
    });
    this.lives.set(panelId, live);
    live.start();
  }

  /** A video left an audience because someone in it withdrew a permission: said here, with the way to it. */
  private videoWithdrawn(data: Record<string, unknown>): void {
    const videoId = typeof data.videoId === 'string' ? data.videoId : '';
    const key: MessageKey = data.audience === 'panel' ? 'queue.videoWithdrawnPanel' : data.audience === 'event' ? 'queue.videoWithdrawnEvent' : 'queue.videoWithdrawnPartners';
    this.notices.append(el('li', { className: 'queue-notice' }, [el('span', { text: key }), document.createTextNode(' '), routeLink(apiPath`/videos/${videoId}`, 'queue.videoOpen')]));
    this.ctx.announce(key);
  }

  private onStatus(panelId: string, s: LiveStatus): void {
    this.states.set(panelId, s);
    const all = [...this.states.values()];
    const state: LiveStatus = all.every((x) => x === 'live') ? 'live' : all.some((x) => x === 'reconnecting') ? 'reconnecting' : all.some((x) => x === 'connecting') ? 'connecting' : 'ended';
    if (this.liveLine.dataset.status === state) return;
    this.liveLine.dataset.status = state;
    setText(this.liveLine, state === 'live' ? 'queue.liveOn' : state === 'connecting' ? 'live.connecting' : state === 'ended' ? 'queue.liveEnded' : 'queue.liveOff');
  }

  /**
   * Events arriving together (a report and its case) make one request, at
   * most 250 ms after the first of them: the timer is not restarted by later
   * events, so a steady stream of reports cannot keep the queue from
   * refreshing.
   */
  private refetchSoon(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.fetch();
    }, 250);
  }

  private async fetch(more?: { after: string; rows: HTMLElement }): Promise<void> {
    const mine = ++this.seq;
    this.list.setAttribute('aria-busy', 'true');
    try {
      const got = await this.ctx.api.get<QueueAnswer>(queuePath({ ...this.filter, after: more?.after }));
      if (mine !== this.seq) return;
      this.alert.replaceChildren();
      const cases = got.cases ?? [];
      // Cases of panels not followed yet (a coordinator's) are followed from now on.
      for (const c of cases) this.follow(c.panelId);
      if (!more) this.summary.replaceChildren(...summaryView(got.summary));
      const focused = document.activeElement instanceof HTMLElement && this.list.contains(document.activeElement) ? document.activeElement.closest<HTMLElement>('[data-case]')?.dataset.case : undefined;
      const table = casesTable(cases, Date.now(), more?.rows);
      const next = got.next ? button('queue.more', () => void this.fetch({ after: got.next ?? '', rows: table.tbody }), { className: 'button queue-more' }) : null;
      if (!more) this.list.replaceChildren(...(cases.length ? [table.element] : [el('p', { className: 'empty', text: 'queue.empty' })]));
      this.list.querySelector('.queue-more')?.remove();
      if (next) this.list.append(next);
      if (focused) this.list.querySelector<HTMLElement>(`[data-case="${CSS.escape(focused)}"] a`)?.focus();
      else if (more) table.first?.focus();
    } catch (error) {
      if (mine === this.seq) this.alert.replaceChildren(...errorParagraphs(error));
    } finally {
      if (mine === this.seq) this.list.removeAttribute('aria-busy');
    }
  }

  private filterForm(): HTMLFormElement {
    const select = (name: keyof QueueFilter, label: Parameters<typeof field>[0]['label'], options: Option[]): Field =>
      field({ name, label, type: 'select', options, value: this.filter[name] ?? '' }, 'queue-');
    const fields: Field[] = [];
    if (this.choice.panels.length > 1 || !this.choice.all) fields.push(select('panelId', 'queue.filterPanel', panelOptions(this.choice)));
    fields.push(
      select('kind', 'queue.filterKind', [{ value: '', label: 'queue.anyKind' }, ...caseKinds.map((k) => ({ value: k, label: kindLabel(k).key }))]),
      select('category', 'queue.filterCategory', [{ value: '', label: 'queue.anyCategory' }, ...caseCategories.map((c) => ({ value: c, label: categoryLabel(c).key }))]),
      select('status', 'queue.filterStatus', [{ value: '', label: 'queue.statusWaiting' }, ...caseStatuses.map((s) => ({ value: s, label: statusLabel(s).key }))]),
    );
    const form = el('form', { className: 'form queue-filter', attrs: { novalidate: '', id: 'queue-filter' } }, [
      el('div', { className: 'filter-row' }, fields.map((f) => f.element)),
      el('div', { className: 'form-actions' }, [button('queue.apply', undefined, { type: 'submit', className: 'button button-primary' })]),
    ]);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const value = (name: string) => fields.find((f) => f.control.name === name)?.value ?? '';
      this.filter = { panelId: value('panelId'), kind: value('kind'), category: value('category'), status: value('status') };
      // The address keeps the filters, so a reload or a shared link shows the same list.
      window.history.replaceState(null, '', `/moderation${queryString({ ...this.filter })}`);
      void this.fetch();
    });
    return form;
  }
}
