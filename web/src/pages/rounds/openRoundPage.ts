// /pledges/:id/rounds/new: a coordinator opens a feedback round on the
// newest published version of a pledge: which partner organisations are
// asked, by when, and an optional question per item. The panel's
// moderators supervise it (the server adds them).
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain, setText } from '../../dom';
import { localToRfc3339, parseLocal } from '../../livesession/schedule';
import type { Organisation } from '../../people/types';
import type { PledgeVersion, PublishedPledge } from '../../pledges/types';
import { limits } from '../../rounds/answer';
import type { Round } from '../../rounds/types';
import type { Page, RouteParams } from '../../router';
import { field, form, type Field } from '../../ui/form';
import { asyncPage, fill, routeLink, showProblem, signedInOrPrompt, type AsyncPage } from '../people/common';

export function openRoundPage(ctx: AppContext, params: RouteParams, page: AsyncPage = asyncPage('roundOpen.heading', 'open-round-page')): Page {
  const pledgeId = params.id ?? '';
  const load = async () => {
    const me = await signedInOrPrompt(ctx, page);
    if (!me) return;
    const [{ pledges }, { organisations }] = await Promise.all([
      ctx.api.get<{ pledges: PublishedPledge[] }>('/api/published-pledges'),
      ctx.api.get<{ organisations: Organisation[] }>('/api/organisations'),
    ]);
    const summary = pledges.find((p) => p.id === pledgeId);
    if (!summary) {
      fill(page.body, [el('p', { className: 'lead', text: 'roundOpen.notPublished' }), el('p', {}, [routeLink(apiPath`/pledges/${pledgeId}`, 'roundOpen.backToPledge')])]);
      return;
    }
    const { version } = await ctx.api.get<{ version: PledgeVersion }>(apiPath`/api/pledges/${pledgeId}/versions/${summary.version}`);
    setText(page.heading, 'roundOpen.headingFor', { title: version.title });
    const partners = organisations.filter((o) => o.kind === 'partner').sort((a, b) => a.name.localeCompare(b.name));
    const boxes = partners.map((o) => field({ name: `org-${o.id}`, labelText: o.name, type: 'checkbox', attrs: { value: o.id } }, 'round-'));
    const orgError = el('p', { className: 'field-error', attrs: { id: 'round-orgs-error', hidden: '' } });
    const orgs = el('fieldset', { className: 'field-group', attrs: { id: 'round-orgs', 'aria-describedby': 'round-orgs-error' } }, [
      el('legend', { text: 'roundOpen.partnersLegend' }),
      ...(partners.length ? [] : [el('p', { className: 'field-hint', text: 'roundOpen.partnersNone' })]),
      orgError,
      ...boxes.map((b) => b.element),
    ]);
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    const deadline = field({
      name: 'deadline',
      label: 'roundOpen.deadlineLabel',
      type: 'datetime-local',
      hint: 'roundOpen.deadlineHint',
      hintParams: { zone },
      check: (v) => {
        const d = parseLocal(v);
        if (!v.trim()) return 'roundOpen.deadlineRequired';
        if (!d || d.getTime() <= Date.now()) return 'roundOpen.deadlineFuture';
        return null;
      },
    }, 'round-');
    const questions = version.items.map((item, i) => {
      const box = el('textarea', { attrs: { id: `round-question-${i + 1}`, rows: '2', maxlength: String(limits.question), lang: version.language } });
      const element = el('div', { className: 'field round-question' }, [
        el('label', { text: 'roundOpen.questionLabel', params: { n: i + 1, heading: item.heading }, attrs: { for: box.id } }),
        box,
      ]);
      return { item, box, element };
    });
    // The organisations are one field of the form: checked with the others, focused first when none is chosen.
    const orgField: Field = {
      element: orgs,
      control: boxes[0]?.control ?? el('input', { attrs: { type: 'checkbox', hidden: '' } }),
      value: '',
      checked: false,
      validate: () => {
        const none = !boxes.some((b) => b.checked);
        orgField.showError(none ? 'roundOpen.partnersRequired' : null);
        return !none;
      },
      showError: (key) => {
        if (key) setText(orgError, key);
        orgError.hidden = !key;
      },
    };
    const f = form({
      id: 'open-round-form',
      fields: [orgField, deadline],
      submit: 'roundOpen.submit',
      onSubmit: async () => {
        const q: Record<string, string> = {};
        for (const x of questions) if (x.box.value.trim()) q[x.item.id] = x.box.value.trim();
        const { round } = await ctx.api.post<{ round: Round }>(apiPath`/api/pledges/${pledgeId}/rounds`, {
          version: version.number,
          organisationIds: boxes.filter((b) => b.checked).map((b) => b.control.value),
          deadline: localToRfc3339(deadline.value),
          questions: q,
        });
        ctx.announce('roundOpen.opened');
        ctx.navigate(apiPath`/rounds/${round.id}`);
      },
    });
    const questionSet = el('fieldset', { className: 'field-group' }, [el('legend', { text: 'roundOpen.questionsLegend' }), el('p', { className: 'field-hint', text: 'roundOpen.questionsHint' }), ...questions.map((x) => x.element)]);
    f.element.insertBefore(questionSet, f.element.querySelector('.form-error'));
    fill(page.body, [
      el('p', { className: 'lead' }, [el('span', { text: 'roundOpen.lead', params: { n: version.number } }), document.createTextNode(' '), plain('span', version.title, { attrs: { lang: version.language } })]),
      f.element,
    ]);
  };
  void load().catch((error: unknown) => showProblem(page, error));
  return page;
}
