// A moderator's or coordinator's home: the cases waiting in the queue,
// today's live sessions, and for coordinators their panels with the
// invitations still waiting for an answer, the young people whose consent
// waits, and guardians' deletion requests (first when one waits).
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain } from '../../dom';
import type { SessionList } from '../livesession/sessionsPage';
import type { QueueAnswer } from '../../moderation/types';
import { consentWaitingKey } from '../../people/consentText';
import type { Reply } from '../../openapi/types';
import type { Me, Panel, PanelDetail } from '../../people/types';
import { hasRole } from '../../session';
import { fill, routeLink, section, timeEl, type AsyncPage } from '../people/common';

/** Whether iso falls on the same local day as now. */
export function isToday(iso: string, now: Date = new Date()): boolean {
  const d = new Date(iso);
  return d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
}

export function staffHome(ctx: AppContext, page: AsyncPage, me: Me): void {
  const coordinator = hasRole(me, 'coordinator');
  void Promise.all([
    ctx.api.get<QueueAnswer>('/api/moderation/queue?limit=1').catch(() => null),
    ctx.api.get<{ panels: Panel[] }>('/api/panels').then((r) => r.panels ?? []).catch(() => [] as Panel[]),
  ]).then(async ([queue, panels]) => {
    const waiting = queue?.summary?.waiting ?? 0;
    const sessions = (
      await Promise.all(panels.map((p) => ctx.api.get<SessionList>(apiPath`/api/panels/${p.id}/sessions`).then((r) => r.sessions).catch(() => [])))
    ).flat();
    const today = sessions.filter((s) => isToday(s.startsAt));
    const parts: Node[] = [
      section('queue-waiting', 'staffHome.queueHeading', [
        el('p', { className: 'lead', text: waiting > 0 ? 'staffHome.queueWaiting' : 'queue.nothingWaiting', params: { n: waiting } }),
        el('p', {}, [routeLink('/moderation', 'staffHome.queueLink', undefined, waiting > 0 ? 'button button-primary' : 'button')]),
      ]),
      section('sessions-today', 'staffHome.sessionsHeading', [
        today.length
          ? el(
              'ul',
              { className: 'session-list' },
              today.map((s) => el('li', {}, [plain('a', s.title, { attrs: { href: apiPath`/sessions/${s.id}`, 'data-route': '' } }), document.createTextNode(' · '), timeEl(s.startsAt)])),
            )
          : el('p', { text: 'staffHome.noSessionsToday' }),
        el('p', {}, [routeLink('/sessions', 'staffHome.sessionsLink')]),
      ]),
    ];
    if (coordinator) {
      const details = await Promise.all(panels.map((p) => ctx.api.get<PanelDetail>(apiPath`/api/panels/${p.id}`).catch(() => null)));
      const open = details.flatMap((d) => (d?.invitations ?? []).filter((i) => i.state === 'pending'));
      const deletions = await ctx.api
        .get<{ requests: unknown[] }>('/api/deletion-requests')
        .then((r) => r.requests.length)
        .catch(() => 0);
      if (deletions > 0) {
        parts.unshift(
          section('deletion-requests', 'staffHome.deletionsHeading', [
            el('p', { className: 'lead', text: 'staffHome.deletionsWaiting', params: { n: deletions } }),
            el('p', {}, [routeLink('/deletion-requests', 'staffHome.deletionsLink', undefined, 'button button-primary')]),
          ]),
        );
      }
      const waiting = (
        await Promise.all(
          panels.map((p) =>
            ctx.api
              .get<Reply<'/api/panels/{panelId}/consents', 'get'>>(apiPath`/api/panels/${p.id}/consents`)
              .then((r) => r.members.flatMap((m) => {
                const key = consentWaitingKey(m);
                return key ? [{ name: m.name, key, panelId: p.id }] : [];
              }))
              .catch(() => []),
          ),
        )
      ).flat();
      parts.push(
        section('my-panels', 'staffHome.panelsHeading', [
          panels.length
            ? el('ul', { className: 'link-list' }, panels.map((p) => el('li', {}, [plain('a', p.name, { attrs: { href: apiPath`/panels/${p.id}`, 'data-route': '' } })])))
            : el('p', {}, [routeLink('/panels', 'staffHome.createPanel', undefined, 'button button-primary')]),
          el('p', { text: open.length > 0 ? 'staffHome.invitationsWaiting' : 'staffHome.noInvitationsWaiting', params: { n: open.length } }),
        ]),
        section('consent-waiting', 'staffHome.consentHeading', [
          waiting.length
            ? el(
                'ul',
                { className: 'link-list' },
                waiting.map((w) =>
                  el('li', {}, [
                    plain('a', w.name, { attrs: { href: apiPath`/panels/${w.panelId}/consents`, 'data-route': '' } }),
                    document.createTextNode(' · '),
                    el('span', { text: w.key }),
                  ]),
                ),
              )
            : el('p', { text: 'staffHome.noConsentWaiting' }),
        ]),
        ...(deletions > 0 ? [] : [section('deletion-requests', 'staffHome.deletionsHeading', [el('p', { text: 'staffHome.deletionPlace' })])]),
      );
    }
    fill(page.body, parts);
  });
}
