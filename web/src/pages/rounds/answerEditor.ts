// A partner's answer to one item of a round: stance, explanation, actions
// with a due date, evidence links. What is typed is kept as the
// organisation's draft a moment later (never seen outside it); submitting
// answers the item; a submitted answer can be revised until the deadline,
// and every revision stays in the history with what moderators made of it.
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain, setText } from '../../dom';
import { answerProblems, cleanBody, latestDue, limits, localDate, type AnswerProblem } from '../../rounds/answer';
import { stances, type ActionInput, type Answer, type AnswerBody, type Mine, type Revision, type SavedBody } from '../../rounds/types';
import { button, errorParagraphs } from '../../ui/form';
import { timeEl } from '../people/common';
import { dueEl, stanceBadge, textStatusKey } from './marks';

export interface EditorOptions {
  ctx: AppContext;
  roundId: string;
  itemId: string;
  /** Position of the item (ids and labels). */
  n: number;
  canAnswer: boolean;
  language: string;
  /** Waits this long after the last keystroke before keeping the draft. */
  draftDelayMs?: number;
  now?: () => Date;
}

export class AnswerEditor {
  readonly element: HTMLElement;
  private body: AnswerBody = { stance: '', explanation: '', actions: [], evidence: [] };
  private answer: Answer | null = null;
  private readonly prefix: string;
  private readonly form: HTMLFormElement;
  private readonly fieldset: HTMLFieldSetElement;
  private readonly explanation: HTMLTextAreaElement;
  private readonly actionList: HTMLOListElement;
  private readonly linkList: HTMLOListElement;
  private readonly saveNote: HTMLElement;
  private readonly alert: HTMLElement;
  private readonly submit: HTMLButtonElement;
  private readonly current: HTMLElement;
  private readonly history: HTMLElement;
  private readonly errors = new Map<string, HTMLElement>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly opts: EditorOptions) {
    const p = (this.prefix = `answer-${opts.n}`);
    const stanceGroup = el('fieldset', { className: 'stance-choice', attrs: { id: `${p}-stance`, 'aria-describedby': `${p}-stance-error` } }, [
      el('legend', { text: 'roundPartner.stanceLegend' }),
      ...stances.map((s) => {
        const input = el('input', { attrs: { type: 'radio', name: `${p}-stance`, id: `${p}-stance-${s}`, value: s } });
        input.addEventListener('change', () => {
          this.body.stance = s;
          this.changed();
        });
        return el('div', { className: 'radio' }, [input, el('label', { attrs: { for: input.id } }, [stanceBadge(s)])]);
      }),
      this.errorSlot('stance'),
    ]);
    this.explanation = el('textarea', { attrs: { id: `${p}-explanation`, rows: '4', maxlength: String(limits.explanation), 'aria-describedby': `${p}-explanation-hint`, lang: opts.language } });
    this.explanation.addEventListener('input', () => {
      this.body.explanation = this.explanation.value;
      this.changed();
    });
    this.actionList = el('ol', { className: 'action-rows' });
    this.linkList = el('ol', { className: 'link-rows' });
    this.saveNote = el('p', { className: 'saved-note', attrs: { role: 'status', id: `${p}-saved` } });
    this.alert = el('div', { className: 'form-error', attrs: { role: 'alert', id: `${p}-alert` } });
    this.submit = button('roundPartner.submit', undefined, { type: 'submit', className: 'button button-primary' });
    this.fieldset = el('fieldset', { className: 'answer-fields' }, [
      el('legend', { className: 'visually-hidden', text: 'roundPartner.answerLegend', params: { n: opts.n } }),
      stanceGroup,
      el('div', { className: 'field' }, [
        el('label', { text: 'roundPartner.explanationLabel', attrs: { for: this.explanation.id } }),
        el('p', { className: 'field-hint', text: 'roundPartner.explanationHint', params: { max: limits.explanation }, attrs: { id: `${p}-explanation-hint` } }),
        this.errorSlot('explanation'),
        this.explanation,
      ]),
      el('fieldset', { className: 'answer-actions', attrs: { id: `${p}-actions` } }, [
        el('legend', { text: 'roundPartner.actionsLegend' }),
        el('p', { className: 'field-hint', text: 'roundPartner.actionsHint' }),
        this.errorSlot('actions'),
        this.actionList,
        button('roundPartner.addAction', () => this.addAction({ text: '', dueDate: '' }, true)),
      ]),
      el('fieldset', { className: 'answer-links', attrs: { id: `${p}-evidence` } }, [
        el('legend', { text: 'roundPartner.evidenceLegend' }),
        el('p', { className: 'field-hint', text: 'roundPartner.evidenceHint' }),
        this.errorSlot('evidence'),
        this.linkList,
        button('roundPartner.addLink', () => this.addLink('', true)),
      ]),
    ]);
    this.form = el('form', { className: 'form answer-form', attrs: { id: `${p}-form`, novalidate: '' } }, [
      this.fieldset,
      this.saveNote,
      this.alert,
      el('div', { className: 'form-actions' }, [this.submit]),
    ]);
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.send();
    });
    this.current = el('div', { className: 'answer-current', attrs: { 'aria-live': 'polite' } });
    this.history = el('div', { className: 'answer-history' });
    const closed = opts.canAnswer ? [] : [el('p', { className: 'lock-note', text: 'roundPartner.cannotAnswer' })];
    this.element = el('div', { className: 'answer-editor' }, [this.current, ...closed, this.form, this.history]);
    if (!opts.canAnswer) {
      this.fieldset.disabled = true;
      this.form.hidden = true;
    }
  }

  /** Shows the organisation's working copy. */
  show(mine: Mine): void {
    this.answer = mine.answer;
    const from = mine.draft ?? (mine.answer ? { stance: mine.answer.stance, explanation: mine.answer.explanation, actions: mine.answer.actions, evidence: mine.answer.evidence } : null);
    if (from) this.fill(from);
    if (mine.draft && mine.draftAt) this.showSaved(mine.draftAt, mine.draftBy);
    this.renderAnswer();
  }

  async load(): Promise<void> {
    const mine = await this.opts.ctx.api.get<Mine>(apiPath`/api/rounds/${this.opts.roundId}/items/${this.opts.itemId}/mine`);
    this.show(mine);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private fill(b: SavedBody): void {
    this.body = { stance: b.stance ?? '', explanation: b.explanation ?? '', actions: [], evidence: [] };
    for (const s of stances) {
      const input = this.form.querySelector<HTMLInputElement>(`#${this.prefix}-stance-${s}`);
      if (input) input.checked = s === b.stance;
    }
    this.explanation.value = this.body.explanation;
    this.actionList.replaceChildren();
    this.linkList.replaceChildren();
    for (const a of b.actions ?? []) this.addAction({ text: a.text ?? '', dueDate: a.dueDate ?? '' }, false);
    for (const l of b.evidence ?? []) this.addLink(l, false);
  }

  private errorSlot(name: string): HTMLElement {
    const slot = el('p', { className: 'field-error', attrs: { id: `${this.prefix}-${name}-error`, hidden: '' } });
    this.errors.set(name, slot);
    return slot;
  }

  private addAction(a: ActionInput, focus: boolean): void {
    const action = { text: a.text, dueDate: a.dueDate };
    this.body.actions.push(action);
    const i = this.actionList.children.length;
    const id = `${this.prefix}-action-${i}`;
    const text = el('input', { attrs: { id: `${id}-text`, type: 'text', maxlength: String(limits.actionText), lang: this.opts.language } });
    text.value = action.text;
    const now = this.now();
    const due = el('input', { attrs: { id: `${id}-due`, type: 'date', min: localDate(new Date(now.getTime() + 86_400_000)), max: latestDue(now) } });
    due.value = action.dueDate;
    text.addEventListener('input', () => {
      action.text = text.value;
      this.changed();
    });
    due.addEventListener('input', () => {
      action.dueDate = due.value;
      this.changed();
    });
    const row = el('li', { className: 'action-row' }, [
      el('div', { className: 'field' }, [el('label', { text: 'roundPartner.actionText', params: { n: i + 1 }, attrs: { for: text.id } }), this.errorSlot(`action-${i}-text`), text]),
      el('div', { className: 'field' }, [el('label', { text: 'roundPartner.actionDue', params: { n: i + 1 }, attrs: { for: due.id } }), this.errorSlot(`action-${i}-due`), due]),
      button('roundPartner.removeAction', () => {
        this.body.actions.splice(this.body.actions.indexOf(action), 1);
        const keep = this.body.actions.slice();
        this.actionList.replaceChildren();
        this.body.actions = [];
        for (const k of keep) this.addAction(k, false);
        this.changed();
      }, { params: { n: i + 1 } }),
    ]);
    this.actionList.append(row);
    if (focus) text.focus();
  }

  private addLink(value: string, focus: boolean): void {
    const i = this.linkList.children.length;
    this.body.evidence.push(value);
    const input = el('input', { attrs: { id: `${this.prefix}-evidence-${i}`, type: 'url', inputmode: 'url', placeholder: 'https://', maxlength: String(limits.link) } });
    input.value = value;
    input.addEventListener('input', () => {
      this.body.evidence[i] = input.value;
      this.changed();
    });
    const row = el('li', { className: 'link-row' }, [
      el('div', { className: 'field' }, [el('label', { text: 'roundPartner.linkLabel', params: { n: i + 1 }, attrs: { for: input.id } }), this.errorSlot(`evidence-${i}`), input]),
      button('roundPartner.removeLink', () => {
        const keep = this.body.evidence.filter((_, j) => j !== i);
        this.linkList.replaceChildren();
        this.body.evidence = [];
        for (const k of keep) this.addLink(k, false);
        this.changed();
      }, { params: { n: i + 1 } }),
    ]);
    this.linkList.append(row);
    if (focus) input.focus();
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  /** Something was typed: keep it as the draft shortly. */
  private changed(): void {
    if (this.timer) clearTimeout(this.timer);
    setText(this.saveNote, 'roundPartner.draftWaiting');
    this.timer = setTimeout(() => {
      this.timer = null;
      this.saving = this.saving.then(() => this.saveDraft());
    }, this.opts.draftDelayMs ?? 800);
  }

  private async saveDraft(): Promise<void> {
    const problems = answerProblems(this.body, false, this.now());
    this.showProblems(problems);
    if (problems.length) {
      setText(this.saveNote, 'roundPartner.draftNotSaved');
      return;
    }
    try {
      const r = await this.opts.ctx.api.put<{ draftAt: string; draftBy?: string }>(apiPath`/api/rounds/${this.opts.roundId}/items/${this.opts.itemId}/draft`, cleanBody(this.body));
      this.showSaved(r.draftAt);
    } catch (error) {
      this.alert.replaceChildren(...errorParagraphs(error));
      setText(this.saveNote, 'roundPartner.draftNotSaved');
    }
  }

  private showSaved(at: string, by?: string): void {
    this.saveNote.replaceChildren(
      el('span', { text: by ? 'roundPartner.draftSavedBy' : 'roundPartner.draftSaved', params: by ? { name: by } : undefined }),
      document.createTextNode(' '),
      timeEl(at),
    );
    delete this.saveNote.dataset.i18n;
  }

  private showProblems(problems: AnswerProblem[]): void {
    for (const [, slot] of this.errors) {
      slot.hidden = true;
      slot.textContent = '';
      delete slot.dataset.i18n;
    }
    this.form.querySelectorAll('[aria-invalid]').forEach((n) => n.removeAttribute('aria-invalid'));
    for (const p of problems) {
      const slot = this.errors.get(p.field);
      if (!slot) continue;
      setText(slot, p.key, p.params);
      slot.hidden = false;
      const control = this.form.querySelector(`#${this.prefix}-${p.field}`);
      if (control) {
        control.setAttribute('aria-invalid', 'true');
        const ids = new Set((control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
        ids.add(slot.id);
        control.setAttribute('aria-describedby', [...ids].join(' '));
      }
    }
  }

  private async send(): Promise<void> {
    if (this.submit.getAttribute('aria-disabled') === 'true') return;
    this.alert.replaceChildren();
    const problems = answerProblems(this.body, true, this.now());
    this.showProblems(problems);
    if (problems.length) {
      const first = problems[0];
      const target = this.form.querySelector<HTMLElement>(`#${this.prefix}-${first?.field}`);
      (target?.matches('fieldset') ? target.querySelector<HTMLElement>('input') : target)?.focus();
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.submit.setAttribute('aria-disabled', 'true');
    try {
      await this.saving;
      const r = await this.opts.ctx.api.post<{ answer: Answer }>(apiPath`/api/rounds/${this.opts.roundId}/items/${this.opts.itemId}/answer`, cleanBody(this.body));
      this.answer = r.answer;
      setText(this.saveNote, 'roundPartner.submitted');
      this.renderAnswer();
      this.opts.ctx.announce('roundPartner.submittedAnnounce', { n: this.opts.n });
    } catch (error) {
      this.alert.replaceChildren(...errorParagraphs(error));
    } finally {
      this.submit.removeAttribute('aria-disabled');
    }
  }

  private renderAnswer(): void {
    const a = this.answer;
    setText(this.submit, a ? 'roundPartner.submitRevision' : 'roundPartner.submit');
    if (!a) {
      this.current.replaceChildren(el('p', { className: 'hint', text: 'roundPartner.notAnswered' }));
      this.history.replaceChildren();
      return;
    }
    this.current.replaceChildren(
      el('p', { className: 'answer-state' }, [
        el('span', { text: 'roundPartner.answered', params: { n: a.revision } }),
        document.createTextNode(' '),
        stanceBadge(a.stance),
        document.createTextNode(' · '),
        el('span', { className: `badge badge-${a.status === 'approved' ? 'yes' : 'wait'}`, text: textStatusKey[a.status ?? 'pending'] }),
        ...(a.late ? [document.createTextNode(' '), el('span', { className: 'badge badge-late', text: 'roundPartner.late' })] : []),
      ]),
    );
    const revisions = a.history ?? [];
    this.history.replaceChildren(
      ...(revisions.length
        ? [
            el('details', { className: 'revision-history' }, [
              el('summary', { text: 'roundPartner.historyHeading', params: { n: revisions.length } }),
              el('ol', { className: 'revision-list' }, revisions.map((r) => revisionView(r, this.opts.language))),
            ]),
          ]
        : []),
    );
  }
}

function revisionView(r: Revision, language: string): HTMLLIElement {
  return el('li', { className: 'revision' }, [
    el('p', { className: 'revision-meta' }, [
      el('span', { text: 'roundPartner.revision', params: { n: r.revision } }),
      document.createTextNode(' · '),
      timeEl(r.submittedAt),
      ...(r.by ? [document.createTextNode(' · '), plain('span', r.by)] : []),
      document.createTextNode(' · '),
      stanceBadge(r.stance),
      document.createTextNode(' · '),
      el('span', { text: textStatusKey[r.status] }),
      ...(r.late ? [document.createTextNode(' · '), el('span', { text: 'roundPartner.late' })] : []),
    ]),
    plain('p', r.explanation, { attrs: { lang: language } }),
    ...(r.actions.length
      ? [el('ul', { className: 'action-list' }, r.actions.map((a) => el('li', {}, [plain('span', a.text, { attrs: { lang: language } }), document.createTextNode(' · '), dueEl(a.dueDate)])))]
      : []),
  ]);
}
