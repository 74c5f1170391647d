// After a round: every action became a commitment with a status. The
// partner updates it with a note and optional proof; the history stays
// visible. Young people of the panel rate its progress (kept, partly, not
// yet) with an optional reason; the result is a scorecard per partner that
// the coordinator publishes to the partner and, if they choose, publicly.
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain, setText } from '../../dom';
import { isHttpsUrl, limits, ratingKey, statusKey } from '../../rounds/answer';
import { commitmentStatuses, ratings, type Commitment, type Rating, type Round, type Scorecard } from '../../rounds/types';
import { button, errorParagraphs, field, form } from '../../ui/form';
import { section, timeEl } from '../people/common';
import { dueEl, statusBadge, textStatusKey } from './marks';

export interface CommitmentsOptions {
  ctx: AppContext;
  round: Round;
  /** The partner's organisation: they update its commitments. */
  myOrg?: string;
  youth: boolean;
  reload: () => void;
}

export function commitmentsSection(list: readonly Commitment[], o: CommitmentsOptions): HTMLElement {
  const items = list.map((c, i) => commitmentView(c, i + 1, o));
  return section('round-commitments', 'roundCommon.commitmentsHeading', [
    el('p', { text: o.youth ? 'roundYouth.commitmentsLead' : 'roundCommon.commitmentsLead' }),
    ...(o.round.review ? [el('p', { className: 'lead' }, [el('span', { text: 'roundCommon.reviewDue' }), document.createTextNode(' '), timeEl(o.round.review.dueAt)])] : []),
    items.length ? el('ol', { className: 'commitment-list' }, items) : el('p', { className: 'hint', text: 'roundCommon.noCommitments' }),
  ]);
}

function commitmentView(c: Commitment, n: number, o: CommitmentsOptions): HTMLLIElement {
  const lang = o.round.language;
  const item = o.round.items.find((x) => x.id === c.itemId);
  const headingId = `commitment-${n}`;
  const parts: Node[] = [
    el('h3', { attrs: { id: headingId } }, [plain('span', c.organisation.name), document.createTextNode(': '), plain('span', c.text, { attrs: { lang } })]),
    el('p', { className: 'commitment-meta' }, [
      ...(item ? [plain('span', item.heading, { attrs: { lang } }), document.createTextNode(' · ')] : []),
      el('span', { text: 'roundCommon.due' }),
      document.createTextNode(' '),
      dueEl(c.dueDate),
      document.createTextNode(' · '),
      statusBadge(c.status),
      ...(o.round.review && c.updatedForReview ? [document.createTextNode(' · '), el('span', { className: 'badge badge-yes', text: 'roundCommon.updatedForReview' })] : []),
    ]),
  ];
  if (c.updates.length) {
    parts.push(
      el('h4', { text: 'roundCommon.updatesHeading' }),
      el('ol', { className: 'update-list' }, c.updates.map((u) =>
        el('li', {}, [
          timeEl(u.at, 'date'),
          document.createTextNode(' · '),
          statusBadge(u.status),
          ...(u.moderation && u.moderation !== 'approved' ? [document.createTextNode(' · '), el('span', { className: 'badge badge-wait', text: textStatusKey[u.moderation] })] : []),
          plain('p', u.note, { attrs: { lang } }),
          ...(u.evidence.length ? [el('ul', { className: 'evidence-list' }, u.evidence.map((href) => el('li', {}, [plain('a', href, { attrs: { href, rel: 'noopener noreferrer nofollow', target: '_blank' } })])))] : []),
        ]),
      )),
    );
  }
  if (o.myOrg && c.organisation.id === o.myOrg) parts.push(updateForm(c, n, o));
  if (o.youth) parts.push(rateForm(c, n, o));
  return el('li', { className: 'commitment', attrs: { 'aria-labelledby': headingId, 'data-commitment': c.id } }, parts);
}

function updateForm(c: Commitment, n: number, o: CommitmentsOptions): HTMLElement {
  const p = `update-${n}-`;
  const status = field({ name: 'status', label: 'roundPartner.updateStatus', type: 'select', value: c.status, options: commitmentStatuses.map((s) => ({ value: s, label: statusKey[s] })) }, p);
  const note = el('textarea', { attrs: { id: `${p}note`, rows: '3', maxlength: String(limits.note), lang: o.round.language } });
  const noteError = el('p', { className: 'field-error', attrs: { id: `${p}note-error`, hidden: '' } });
  const link = field({ name: 'link', label: 'roundPartner.updateLink', type: 'text', attrs: { inputmode: 'url', placeholder: 'https://' }, check: (v) => (v.trim() && !isHttpsUrl(v.trim()) ? 'roundPartner.httpsOnly' : null) }, p);
  const f = form({
    id: `${p}form`,
    fields: [status, link],
    submit: 'roundPartner.updateSubmit',
    validate: () => {
      const empty = !note.value.trim();
      setText(noteError, 'roundPartner.noteRequired');
      noteError.hidden = !empty;
      if (empty) {
        note.setAttribute('aria-invalid', 'true');
        note.focus();
      } else note.removeAttribute('aria-invalid');
      return !empty;
    },
    onSubmit: async () => {
      await o.ctx.api.post(apiPath`/api/rounds/${o.round.id}/commitments/${c.id}/updates`, { status: status.value, note: note.value.trim(), evidence: link.value.trim() ? [link.value.trim()] : [] });
      o.ctx.announce('roundPartner.updateSent');
      o.reload();
    },
  });
  note.setAttribute('aria-describedby', noteError.id);
  f.element.insertBefore(el('div', { className: 'field' }, [el('label', { text: 'roundPartner.updateNote', attrs: { for: note.id } }), noteError, note]), status.element.nextSibling);
  return el('details', { className: 'commitment-update' }, [el('summary', { text: 'roundPartner.updateHeading' }), f.element]);
}

function rateForm(c: Commitment, n: number, o: CommitmentsOptions): HTMLElement {
  const p = `rate-${n}`;
  let chosen: Rating | undefined = c.myRating?.rating;
  const radios = ratings.map((r) => {
    const input = el('input', { attrs: { type: 'radio', name: p, id: `${p}-${r}`, value: r } });
    input.checked = r === chosen;
    input.addEventListener('change', () => (chosen = r));
    return el('div', { className: 'radio' }, [input, el('label', { text: ratingKey[r], attrs: { for: input.id } })]);
  });
  const reason = el('textarea', { attrs: { id: `${p}-reason`, rows: '2', maxlength: String(limits.reason) } });
  reason.value = c.myRating?.reason ?? '';
  const alert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
  const done = el('p', { className: 'saved-note', attrs: { role: 'status' } });
  const formEl = el('form', { className: 'form rate-form', attrs: { novalidate: '' } }, [
    el('fieldset', {}, [el('legend', { text: 'roundYouth.rateLegend' }), ...radios]),
    el('div', { className: 'field' }, [el('label', { text: 'roundYouth.rateReason', attrs: { for: reason.id } }), reason]),
    alert,
    done,
    el('div', { className: 'form-actions' }, [button('roundYouth.rateSubmit', undefined, { type: 'submit', className: 'button button-primary' })]),
  ]);
  formEl.addEventListener('submit', (e) => {
    e.preventDefault();
    alert.replaceChildren();
    if (!chosen) {
      alert.replaceChildren(el('p', { text: 'roundYouth.rateChoose' }));
      formEl.querySelector('input')?.focus();
      return;
    }
    o.ctx.api
      .put(apiPath`/api/rounds/${o.round.id}/commitments/${c.id}/rating`, { rating: chosen, ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) })
      .then(() => {
        setText(done, 'roundYouth.rated');
        o.ctx.announce('roundYouth.rated');
      })
      .catch((error: unknown) => alert.replaceChildren(...errorParagraphs(error)));
  });
  return formEl;
}

export function scorecardsSection(cards: readonly Scorecard[], o: { ctx: AppContext; round: Round; coordinator: boolean; reload: () => void }): HTMLElement {
  return section('round-scorecards', 'roundCommon.scorecardsHeading', [
    cards.length ? el('div', { className: 'scorecards' }, cards.map((s) => scorecardView(s, o))) : el('p', { className: 'hint', text: 'roundCommon.noScorecards' }),
  ]);
}

function scorecardView(s: Scorecard, o: { ctx: AppContext; round: Round; coordinator: boolean; reload: () => void }): HTMLElement {
  const id = `scorecard-${s.organisation.id}`;
  const total = (r: Rating) => s.totals[r] ?? 0;
  const parts: Node[] = [
    plain('h3', s.organisation.name, { attrs: { id } }),
    el('p', { className: 'scorecard-totals' }, ratings.flatMap((r, i) => [...(i ? [document.createTextNode(' · ')] : []), el('span', { text: ratingKey[r] }), document.createTextNode(': '), plain('strong', String(total(r)))])),
    el('table', { className: 'scorecard-table' }, [
      el('caption', { text: 'roundCommon.scorecardCaption', params: { org: s.organisation.name } }),
      el('thead', {}, [el('tr', {}, [el('th', { text: 'roundCommon.commitmentColumn', attrs: { scope: 'col' } }), el('th', { text: 'roundCommon.statusColumn', attrs: { scope: 'col' } }), ...ratings.map((r) => el('th', { text: ratingKey[r], attrs: { scope: 'col' } }))])]),
      el('tbody', {}, s.commitments.map((c) => el('tr', {}, [plain('th', `${c.itemHeading}: ${c.text}`, { attrs: { scope: 'row', lang: o.round.language } }), el('td', {}, [statusBadge(c.status)]), ...ratings.map((r) => plain('td', String(c.ratings[r] ?? 0)))]))),
    ]),
    el('p', { text: s.public ? 'roundCommon.scorecardPublic' : s.published ? 'roundCommon.scorecardPublished' : 'roundCommon.scorecardNotPublished' }),
  ];
  if (o.coordinator && !s.public) {
    const pub = field({ name: 'public', label: 'roundStaff.publishPublic', type: 'checkbox' }, `${id}-`);
    const f = form({
      id: `${id}-publish`,
      fields: [pub],
      submit: 'roundStaff.publish',
      onSubmit: async () => {
        await o.ctx.api.post(apiPath`/api/rounds/${o.round.id}/scorecards/${s.organisation.id}/publish`, { public: pub.checked });
        o.ctx.announce('roundStaff.published', { org: s.organisation.name });
        o.reload();
      },
    });
    parts.push(f.element);
  }
  return el('section', { className: 'scorecard', attrs: { 'aria-labelledby': id } }, parts);
}
