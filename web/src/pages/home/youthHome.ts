// A young person's home: before they may take part, what is still missing
// (in plain words, with the way to /me); then what waits for them (what a
// moderator asked them to change, their pledges with a moderator, for
// ambassadors which pledges can go to one), their group, what the group is
// writing, and what is still open in their choices.
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain } from '../../dom';
import { homeSteps, missingSteps, openChoices } from '../../people/consentText';
import type { Me, MyConsents } from '../../people/types';
import type { PledgeSummary } from '../../pledges/types';
import { onLanguageChange } from '../../i18n';
import type { Reply } from '../../openapi/types';
import { hasRole } from '../../session';
import { fill, routeLink, section, type AsyncPage } from '../people/common';
import { stateKey } from '../pledges/pledgePage';
import { waitingKey, type Waiting } from './waiting';

export function youthHome(ctx: AppContext, page: AsyncPage, me: Me): void {
  if (!me.canEnterWorkspace) {
    void ctx.api
      .get<MyConsents>('/api/me/consents')
      .catch(() => null)
      .then((consents) => {
        fill(page.body, [
          section('next-step', 'youthHome.nextHeading', [
            el('p', { className: 'lead', text: 'youthHome.notYet' }),
            el('ul', { className: 'steps' }, homeSteps(missingSteps(me, consents)).map((key) => el('li', { text: key }))),
            el('p', {}, [routeLink('/me', 'youthHome.toMe', undefined, 'button button-primary')]),
          ]),
        ]);
      });
    return;
  }
  const groups = me.memberships.filter((m) => m.groupId);
  if (groups.length === 0) {
    fill(page.body, [section('next-step', 'youthHome.nextHeading', [el('p', { text: 'pledges.noGroup' })])]);
    return;
  }
  const ambassador = hasRole(me, 'ambassador');
  const consents = ctx.api.get<MyConsents>('/api/me/consents').catch(() => null);
  const waiting = ctx.api
    .get<Reply<'/api/me/waiting', 'get'>>('/api/me/waiting')
    .then((r) => r.waiting)
    .catch(() => [] as Waiting[]);
  void Promise.all(
    groups.map(async (m) => {
      const groupId = m.groupId ?? '';
      const pledges = await ctx.api
        .get<{ pledges: PledgeSummary[] }>(apiPath`/api/groups/${groupId}/pledges`)
        .then((r) => r.pledges ?? [])
        .catch(() => null);
      return { m, groupId, pledges };
    }),
  ).then(async (all) => {
    const open = openChoices(await consents);
    // First what a moderator sent back: it waits for them alone.
    const next: HTMLElement[] = (await waiting).map((w) =>
      el('li', {}, [
        w.link?.startsWith('/')
          ? el('a', { text: waitingKey(w.contentType), params: { title: w.title }, attrs: { href: w.link, 'data-route': '' } })
          : el('span', { text: waitingKey(w.contentType), params: { title: w.title } }),
      ]),
    );
    const writing: HTMLElement[] = [];
    for (const { m, groupId, pledges } of all) {
      next.push(el('li', {}, [routeLink(apiPath`/groups/${groupId}`, 'me.goToGroup', { group: m.groupName ?? '' })]));
      for (const p of pledges ?? []) {
        const link = plain('a', p.title, { attrs: { href: apiPath`/pledges/${p.id}`, 'data-route': '', lang: p.language } });
        writing.push(el('li', {}, [link, document.createTextNode(' · '), el('span', { className: 'badge', text: stateKey[p.state] })]));
        // Ambassadors open a pledge for review: a draft with items is ready to ask.
        if (ambassador && p.state === 'draft' && p.items > 0) {
          next.push(el('li', {}, [routeLink(apiPath`/pledges/${p.id}`, 'youthHome.askReview', { title: p.title })]));
        }
        if (p.state === 'in_review') next.push(el('li', { text: 'youthHome.inReview', params: { title: p.title } }));
      }
    }
    if (!all.some((g) => (g.pledges ?? []).length > 0)) next.push(el('li', { text: 'youthHome.startPledge' }));
    fill(page.body, [
      section('next-step', 'youthHome.nextHeading', [el('ul', { className: 'next-list' }, next)]),
      ...(open.length
        ? [
            section('open-choices', 'youthHome.choicesHeading', [
              el('ul', { className: 'steps' }, openChoiceItems(open)),
              el('p', {}, [routeLink('/me', 'youthHome.toMe')]),
            ]),
          ]
        : []),
      section('group-writing', 'youthHome.writingHeading', [
        writing.length ? el('ul', { className: 'pledge-summaries' }, writing) : el('p', { text: 'pledgeList.none' }),
      ]),
      section('live-sessions', 'youthHome.sessionsHeading', [el('p', {}, [routeLink('/sessions', 'youthHome.sessionsLink')])]),
    ]);
    // Scope names come from the server in the UI language: fetch them again after a switch.
    const stop = onLanguageChange(() => {
      const list = page.body.querySelector('#open-choices ul');
      if (!page.element.isConnected || !list) {
        stop();
        return;
      }
      void ctx.api
        .get<MyConsents>('/api/me/consents')
        .then((c) => list.replaceChildren(...openChoiceItems(openChoices(c))))
        .catch(() => undefined);
    });
  });
}

function openChoiceItems(open: ReturnType<typeof openChoices>): HTMLElement[] {
  return open.map((o) => el('li', { text: o.key, params: o.params }));
}
