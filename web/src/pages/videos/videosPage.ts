// /videos: the videos of every group I belong to, with "New video" in
// each, and what was shared with me (partners, and youth of a panel).
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain } from '../../dom';
import { hasRole } from '../../session';
import type { Page } from '../../router';
import { field, form } from '../../ui/form';
import type { Reply } from '../../openapi/types';
import type { SharedVideo, Video } from '../../videos/types';
import { asyncPage, fill, routeLink, section, showProblem } from '../people/common';

export function videosPage(ctx: AppContext): Page {
  const page = asyncPage('videos.pageHeading', 'videos-page');
  const load = async () => {
    const state = await ctx.session.ready();
    if (!state.signedIn) {
      fill(page.body, [
        el('p', { className: 'lead', text: 'videos.intro' }),
        el('p', {}, [routeLink('/signin?next=%2Fvideos', 'signin.link', undefined, 'button button-primary')]),
      ]);
      return;
    }
    const me = state.me;
    const sections: Node[] = [el('p', { className: 'lead', text: 'videos.intro' })];
    const groups = me.memberships.filter((m) => m.groupId);
    if (hasRole(me, 'youth', 'ambassador') && !me.canEnterWorkspace) {
      sections.push(el('p', { text: 'pledges.notYet' }), el('p', {}, [routeLink('/me', 'group.toMe', undefined, 'button button-primary')]));
    } else {
      for (const m of groups) {
        sections.push(section(`videos-${m.groupId ?? ''}`, 'videos.groupHeading', [groupVideos(ctx, m.groupId ?? '')], { group: m.groupName ?? '' }));
      }
    }
    const shared = await ctx.api.get<Reply<'/api/shared/videos', 'get'>>('/api/shared/videos').catch(() => ({ videos: [] as SharedVideo[] }));
    if (shared.videos.length || groups.length === 0) {
      sections.push(
        section('videos-shared', 'shared.heading', [
          shared.videos.length
            ? el('ul', { className: 'video-summaries' }, shared.videos.map((v) => el('li', {}, [plain('a', v.title, { attrs: { href: apiPath`/shared/${v.id}`, 'data-route': '' } })])))
            : el('p', { className: 'empty', text: 'shared.none' }),
        ]),
      );
    }
    fill(page.body, sections);
  };
  void load().catch((error: unknown) => showProblem(page, error));
  return page;
}

/** A group's videos and the form to start one. */
function groupVideos(ctx: AppContext, groupId: string): HTMLElement {
  const list = el('div', { className: 'video-list', attrs: { 'aria-busy': 'true' } }, [el('p', { className: 'loading', text: 'common.loading' })]);
  const title = field({ name: 'title', label: 'videos.titleLabel', attrs: { maxlength: '200' }, check: (v) => (v.trim() ? null : 'videos.titleEmpty') }, `new-video-${groupId}-`);
  const create = form({
    id: `new-video-${groupId}`,
    fields: [title],
    submit: 'videos.create',
    onSubmit: async () => {
      const { video } = await ctx.api.post<{ video: { id: string } }>(apiPath`/api/groups/${groupId}/videos`, { title: title.value.trim() });
      ctx.navigate(apiPath`/videos/${video.id}`);
    },
  });
  void ctx.api
    .get<{ videos: Video[] }>(apiPath`/api/groups/${groupId}/videos`)
    .then(({ videos }) => {
      list.replaceChildren(
        videos.length
          ? el('ul', { className: 'video-summaries' }, videos.map((v) =>
              el('li', {}, [
                plain('a', v.title, { attrs: { href: apiPath`/videos/${v.id}`, 'data-route': '' } }),
                document.createTextNode(' · '),
                el('span', { text: 'videos.versionsCount', params: { n: v.versions } }),
              ]),
            ))
          : el('p', { className: 'empty', text: 'videos.none' }),
      );
    })
    .catch(() => {
      list.replaceChildren(el('p', { text: 'videos.unavailable' }));
      create.element.hidden = true;
    })
    .finally(() => list.removeAttribute('aria-busy'));
  return el('div', {}, [list, el('h3', { text: 'videos.newHeading' }), create.element]);
}
