// /shared/:id (a video shared with my organisation or panel) and
// /watch/:token (an event link, no account needed): the video with its
// captions, and nothing of the group's work. Once its share ended or
// someone in it withdrew a permission, the page says it is not available.
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, setPlainText } from '../../dom';
import { getLanguage } from '../../i18n';
import type { Page, RouteParams } from '../../router';
import type { SharedVideo } from '../../videos/types';
import { asyncPage, fill, showProblem, timeEl } from '../people/common';
import { player } from './player';

function sharedScreen(ctx: AppContext, path: string, needsAccount: boolean): Page {
  const page = asyncPage('shared.pageHeading', 'shared-page');
  const load = async () => {
    if (needsAccount) {
      const state = await ctx.session.ready();
      if (!state.signedIn) {
        ctx.navigate(`/signin?next=${encodeURIComponent(window.location.pathname)}`);
        return;
      }
    }
    const { video } = await ctx.api.get<{ video: SharedVideo }>(path);
    setPlainText(page.heading, video.title);
    const body: Node[] = [el('p', { className: 'lead', text: 'shared.lead' })];
    if (video.expiresAt) body.push(el('p', {}, [el('span', { text: 'shared.until' }), document.createTextNode(' '), timeEl(video.expiresAt)]));
    if (video.rendition) {
      const pref = video.captions.some((c) => c.language === getLanguage()) ? getLanguage() : undefined;
      body.push(player({ rendition: video.rendition, poster: video.poster, duration: video.duration, captions: video.captions, preferred: pref }, video.title, 'shared').element);
    } else {
      body.push(el('p', { text: 'shared.notReady' }));
    }
    fill(page.body, body);
  };
  void load().catch((error: unknown) => showProblem(page, error, { heading: 'shared.goneHeading', link: 'shared.goneHint' }));
  return page;
}

export function sharedVideoPage(ctx: AppContext, params: RouteParams): Page {
  return sharedScreen(ctx, apiPath`/api/shared/videos/${params.id ?? ''}`, true);
}

export function watchPage(ctx: AppContext, params: RouteParams): Page {
  return sharedScreen(ctx, apiPath`/api/watch/${params.token ?? ''}`, false);
}
