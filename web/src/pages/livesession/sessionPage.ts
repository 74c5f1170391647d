// /sessions/:id: a supervised live session. A banner (a live region) says
// whether the session is live or paused and why; the chat and the question
// board follow. Opening the page connects to the session's topic, which is
// what makes one present. Posting is open only while enough moderators are
// connected (safeguarding rule 3): the server refuses otherwise, and the
// send buttons wait while the banner says the session is paused.
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain, setText } from '../../dom';
import type { MessageKey } from '../../i18n';
import { stateFromEvent, type SessionMessage, type SessionPage, type SessionQuestion, type SessionState } from '../../livesession/types';
import { watcherLines } from '../../people/consentText';
import { LiveConnection } from '../../live/connection';
import type { Page, RouteParams } from '../../router';
import { errorParagraphs } from '../../ui/form';
import { reportDialog } from '../moderation/reportDialog';
import { asyncPage, fill, section, showProblem, signedInOrPrompt, timeEl } from '../people/common';

const limits = { chat: 1000, question: 300, answer: 1000 } as const;

/** The banner: a polite live region that is always in the page, so each change is read out. */
function stateBanner(): { element: HTMLElement; show(state: SessionState): void } {
  const text = el('p', { className: 'session-state-text' });
  const why = el('p', { className: 'session-state-why' });
  const element = el('div', { className: 'session-banner', attrs: { id: 'session-state', role: 'status', 'aria-live': 'polite' } }, [text, why]);
  return {
    element,
    show(state) {
      element.dataset.status = state.status;
      if (state.status === 'paused') {
        setText(text, 'session.paused');
        setText(why, 'session.pausedCount', { present: state.present, needed: state.needed });
      } else {
        setText(text, 'session.live');
        setText(why, 'session.liveCount', { present: state.present, needed: state.needed });
      }
    },
  };
}

/** A text box with its label, a hint, an alert and a send button. */
function composer(opts: {
  id: string;
  label: MessageKey;
  submit: MessageKey;
  max: number;
  send: (text: string) => Promise<SessionMessage>;
  sent: (m: SessionMessage) => void;
}): { element: HTMLFormElement; setPaused(paused: boolean): void } {
  const box = el('textarea', { attrs: { id: `${opts.id}-text`, name: 'text', rows: '2', maxlength: String(opts.max), 'aria-describedby': `${opts.id}-hint session-state` } });
  const hint = el('p', { className: 'field-hint', text: 'session.limit', params: { n: opts.max }, attrs: { id: `${opts.id}-hint` } });
  const alert = el('div', { className: 'form-error', attrs: { role: 'alert', id: `${opts.id}-alert` } });
  const submit = el('button', { className: 'button button-primary', text: opts.submit, attrs: { type: 'submit', 'aria-describedby': `${opts.id}-why` } });
  // Beside a disabled button, why it is disabled (a paused session waits for moderators).
  const why = el('p', { className: 'disabled-reason', text: 'session.sendPaused', attrs: { id: `${opts.id}-why`, hidden: '' } });
  const element = el('form', { className: 'form session-composer', attrs: { id: opts.id, novalidate: '' } }, [
    el('label', { text: opts.label, attrs: { for: box.id } }),
    box,
    hint,
    alert,
    el('div', { className: 'form-actions' }, [submit, why]),
  ]);
  let busy = false;
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy || submit.disabled) return;
    alert.replaceChildren();
    const text = box.value.trim();
    if (!text) {
      alert.replaceChildren(el('p', { text: 'session.empty' }));
      box.focus();
      return;
    }
    busy = true;
    element.setAttribute('aria-busy', 'true');
    opts
      .send(text)
      .then((m) => {
        box.value = '';
        opts.sent(m);
      })
      .catch((error: unknown) => alert.replaceChildren(...errorParagraphs(error)))
      .finally(() => {
        busy = false;
        element.removeAttribute('aria-busy');
      });
  });
  return {
    element,
    setPaused(paused) {
      submit.disabled = paused;
      why.hidden = !paused;
    },
  };
}

/** One message: who wrote it (as the reader may see them), when, the text, and a note when it waits. */
function messageItem(m: SessionMessage, report?: (m: SessionMessage) => void): HTMLLIElement {
  const who = [plain('span', m.author.name || '—', { className: 'session-author' })];
  if (m.author.organisation) who.push(plain('span', m.author.organisation, { className: 'session-org' }));
  else if (m.author.role === 'moderator' || m.author.role === 'coordinator') who.push(el('span', { className: 'session-role', text: `role.${m.author.role}` as MessageKey }));
  const item = el('li', { className: `session-message session-${m.status}`, attrs: { 'data-id': m.id } }, [
    el('p', { className: 'session-meta' }, [...who, timeEl(m.at)]),
    m.erased ? el('p', { className: 'session-text session-erased', text: 'session.messageErased' }) : plain('p', m.text, { className: 'session-text' }),
  ]);
  if (m.status === 'held') {
    item.append(el('p', { className: 'held-note', text: m.heldFor === 'approval' ? 'session.waitingApproval' : 'session.held' }));
    if (m.reasons?.length) item.append(el('ul', { className: 'held-reasons' }, m.reasons.map((r) => plain('li', r))));
  } else if (m.status === 'hidden') {
    item.append(el('p', { className: 'held-note', text: 'session.hidden' }));
  } else if (m.mine && m.forPartners === false) {
    item.append(el('p', { className: 'held-note', text: 'session.notYetPartners' }));
  }
  if (report && !m.mine && m.status === 'visible') {
    const button = el('button', { className: 'button button-small report-button', attrs: { type: 'button' } }, [
      el('span', { text: 'report.button' }),
      document.createTextNode(' '),
      el('span', { className: 'visually-hidden', text: 'report.buttonWhoMessage', params: { name: m.author.name || '—' } }),
    ]);
    button.addEventListener('click', () => report(m));
    item.append(el('div', { className: 'comment-tools' }, [button]));
  }
  return item;
}

export function liveSessionPage(ctx: AppContext, params: RouteParams): Page {
  const page = asyncPage('session.heading', 'live-session-page');
  const id = params.id ?? '';
  const banner = stateBanner();
  const chatList = el('ol', { className: 'session-chat-list', attrs: { 'aria-labelledby': 'session-chat-heading' } });
  const board = el('ol', { className: 'session-board-list', attrs: { 'aria-labelledby': 'session-board-heading' } });
  const watchers = el('ul', { className: 'session-watchers-list' });
  const composers: { setPaused(paused: boolean): void }[] = [];
  const answerForms = new Map<string, HTMLFormElement>();
  let state: SessionState | null = null;
  let can: SessionPage['can'] | null = null;

  // Anything someone else wrote can be reported (the same dialog as for comments).
  const report = (m: SessionMessage) => {
    void reportDialog({ api: ctx.api, host: page.body, contentType: 'session_message', contentId: m.id, quote: m.text, what: 'message' }).then((answer) => {
      if (answer?.hidden) void reload().catch(() => undefined);
    });
  };
  const item = (m: SessionMessage) => messageItem(m, report);

  const showState = (next: SessionState) => {
    state = next;
    banner.show(next);
    for (const c of composers) c.setPaused(next.status === 'paused');
  };

  const renderBoard = (questions: SessionQuestion[]) => {
    const items = questions.map((q) => {
      const node = item(q);
      node.append(el('ol', { className: 'session-answers' }, q.answers.map(item)));
      if (can?.answer && q.status === 'visible') {
        let f = answerForms.get(q.id);
        if (!f) {
          const c = composer({
            id: `answer-${q.id}`,
            label: 'session.answerLabel',
            submit: 'session.answer',
            max: limits.answer,
            send: (text) => ctx.api.post<{ message: SessionMessage }>(apiPath`/api/sessions/${id}/questions/${q.id}/answers`, { text }).then((r) => r.message),
            sent: (m) => posted(m),
          });
          composers.push(c);
          f = c.element;
          answerForms.set(q.id, f);
          if (state) c.setPaused(state.status === 'paused');
        }
        node.append(f);
      }
      return node;
    });
    board.replaceChildren(...(items.length ? items : [el('li', { className: 'empty', text: 'session.noQuestions' })]));
  };

  const render = (data: SessionPage) => {
    can = data.can;
    chatList.replaceChildren(...(data.chat.length ? data.chat.map(item) : [el('li', { className: 'empty', text: 'session.noMessages' })]));
    renderBoard(data.questions);
    const lines = watcherLines(data.watchers.filter((w) => w.role !== 'partner')).map((key) => el('li', { text: key }));
    for (const org of data.session.organisations) lines.push(el('li', { text: 'session.watchPartners', params: { org: org.name } }));
    watchers.replaceChildren(...lines);
    showState(data.state);
  };

  const reload = async () => {
    const data = await ctx.api.get<SessionPage>(apiPath`/api/sessions/${id}`);
    if (!page.life.disposed) render(data);
    return data;
  };

  const posted = (m: SessionMessage) => {
    if (m.status === 'held') ctx.announce(m.heldFor === 'approval' ? 'session.waitingApprovalAnnounce' : 'session.heldAnnounce');
    else ctx.announce('session.sent');
    void reload().catch(() => undefined);
  };

  const build = (data: SessionPage) => {
    setText(page.heading, 'session.heading', { title: data.session.title });
    const chatParts: Node[] = [chatList];
    if (data.can.post) {
      const c = composer({
        id: 'session-chat-form',
        label: 'session.messageLabel',
        submit: 'session.send',
        max: limits.chat,
        send: (text) => ctx.api.post<{ message: SessionMessage }>(apiPath`/api/sessions/${id}/messages`, { text }).then((r) => r.message),
        sent: posted,
      });
      composers.push(c);
      chatParts.push(c.element);
    }
    const boardParts: Node[] = [board];
    if (data.can.ask) {
      const c = composer({
        id: 'session-ask-form',
        label: 'session.askLabel',
        submit: 'session.ask',
        max: limits.question,
        send: (text) => ctx.api.post<{ message: SessionMessage }>(apiPath`/api/sessions/${id}/questions`, { text }).then((r) => r.message),
        sent: posted,
      });
      composers.push(c);
      boardParts.push(c.element);
    }
    const starts = el('p', { className: 'session-starts' }, [el('span', { text: 'session.startsAt' }), document.createTextNode(' '), timeEl(data.session.startsAt)]);
    fill(page.body, [
      banner.element,
      starts,
      section('session-chat', 'session.chatHeading', chatParts),
      section('session-board', 'session.boardHeading', boardParts),
      section('session-watchers', 'session.watchersHeading', [watchers]),
    ]);
    render(data);
  };

  const follow = (topic: string) => {
    const live = page.life.own(new LiveConnection({
      topic,
      refresh: () => ctx.api.refresh(),
      handlers: {
        onEvent: (ev) => {
          const next = state ? stateFromEvent(ev.event, ev.data, state) : null;
          if (next) {
            showState(next);
            return;
          }
          if (ev.event.startsWith('session.message')) void reload().catch(() => undefined);
        },
        onRefetch: () => void reload().catch(() => undefined),
        onStatus: (status) => {
          page.body.dataset.live = status;
          if (status === 'live') void reload().catch(() => undefined);
        },
      },
    }));
    live.start();
  };

  const load = async () => {
    const me = await signedInOrPrompt(ctx, page);
    if (!me) return;
    const data = await ctx.api.get<SessionPage>(apiPath`/api/sessions/${id}`);
    if (page.life.disposed) return;
    build(data);
    follow(data.session.topic);
  };
  void load().catch((error: unknown) => showProblem(page, error, { forbidden: 'session.notInvited' }));
  return page;
}
