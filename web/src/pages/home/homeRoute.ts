// "/": the public page for visitors; after sign-in each person's own home
// with what to do next: young people (youthHome), moderators and
// coordinators (staffHome), partners (partnerHome, filled by the feedback
// rounds issue).
import type { AppContext } from '../../context';
import { setText } from '../../dom';
import type { Me } from '../../people/types';
import type { Page } from '../../router';
import { hasRole } from '../../session';
import { homePage } from '../homePage';
import { asyncPage, type AsyncPage } from '../people/common';
import { partnerHome } from './partnerHome';
import { staffHome } from './staffHome';
import { youthHome } from './youthHome';

export function homeRoute(ctx: AppContext): Page {
  const state = ctx.session.current;
  if (state && !state.signedIn) return homePage();
  const page = asyncPage('home.heading', 'home-page role-home');
  const show = (me: Me) => {
    setText(page.heading, 'roleHome.heading', { name: me.account.displayName });
    renderFor(ctx, page, me);
  };
  if (state?.signedIn) show(state.me);
  else
    void ctx.session.ready().then((s) => {
      if (s.signedIn) show(s.me);
      else page.element.replaceChildren(...homePage().element.childNodes);
    });
  return page;
}

function renderFor(ctx: AppContext, page: AsyncPage, me: Me): void {
  if (hasRole(me, 'moderator', 'coordinator')) staffHome(ctx, page, me);
  else if (hasRole(me, 'youth', 'ambassador')) youthHome(ctx, page, me);
  else partnerHome(ctx, page, me);
}
