// The route table: one place lists every page and its menu entry.
import type { NavItem } from './components/mainNav';
import type { AppContext } from './context';
import { aboutPage } from './pages/aboutPage';
import { homeRoute } from './pages/home/homeRoute';
import { lazyModulePage, lazyPage } from './pages/lazyPage';
import { notFoundPage } from './pages/notFoundPage';
import { invitePage, resetConfirmPage, resetRequestPage, setupPage, signinPage } from './pages/people/authPages';
import { groupPage } from './pages/people/groupPage';
import { guardianManagePage, guardianPage } from './pages/people/guardianPages';
import { mePage } from './pages/people/mePage';
import { outboxPage } from './pages/people/outboxPage';
import { deletionRequestsPage } from './pages/people/deletionRequestsPage';
import { memberConsentsPage } from './pages/people/memberConsentsPage';
import { moderationAuditPage } from './pages/moderation/auditPage';
import { moderationCasePage } from './pages/moderation/casePage';
import { moderationQueuePage } from './pages/moderation/queuePage';
import { liveSessionPage } from './pages/livesession/sessionPage';
import { mySessionsPage, panelSessionsPage } from './pages/livesession/sessionsPage';
import { myPledgesPage } from './pages/pledges/myPledgesPage';
import { pledgePage } from './pages/pledges/pledgePage';
import { panelPage, panelsPage } from './pages/people/panelPages';
import { screenWordsPage } from './pages/screenWordsPage';
import type { Route, RouterOptions } from './router';

/** Every page; pages that talk to the API get the app context. */
export function createRoutes(ctx: AppContext): Route[] {
  return [
    { path: '/', titleKey: 'home.title', render: () => homeRoute(ctx) },
    {
      path: '/pledges',
      titleKey: 'pledges.title',
      render: () => myPledgesPage(ctx),
    },
    {
      path: '/videos',
      titleKey: 'videos.title',
      render: () => lazyModulePage('videos.pageHeading', () => import('./pages/videos/videosPage').then((m) => m.videosPage(ctx))),
    },
    {
      path: '/videos/:id',
      titleKey: 'videos.videoTitle',
      render: (p) => lazyModulePage('videos.videoHeading', () => import('./pages/videos/videoPage').then((m) => m.videoPage(ctx, p))),
    },
    {
      path: '/shared/:id',
      titleKey: 'shared.title',
      render: (p) => lazyModulePage('shared.pageHeading', () => import('./pages/videos/sharedPage').then((m) => m.sharedVideoPage(ctx, p))),
    },
    {
      path: '/watch/:token',
      titleKey: 'shared.title',
      render: (p) => lazyModulePage('shared.pageHeading', () => import('./pages/videos/sharedPage').then((m) => m.watchPage(ctx, p))),
    },
    // The feedback rounds load when first opened (the first script stays small).
    { path: '/rounds', titleKey: 'rounds.title', render: () => lazyPage('roundList.heading', 'rounds-page', (page) => import('./pages/rounds/roundsPage').then((m) => m.roundsPage(ctx, page))) },
    { path: '/rounds/:id', titleKey: 'round.title', render: (p) => lazyPage('round.heading', 'round-page', (page) => import('./pages/rounds/roundPage').then((m) => m.roundPage(ctx, p, page))) },
    {
      path: '/pledges/:id/rounds/new',
      titleKey: 'roundOpen.title',
      render: (p) => lazyPage('roundOpen.heading', 'open-round-page', (page) => import('./pages/rounds/openRoundPage').then((m) => m.openRoundPage(ctx, p, page))),
    },
    { path: '/about', titleKey: 'about.title', render: aboutPage },
    { path: '/signin', titleKey: 'signin.title', render: () => signinPage(ctx) },
    { path: '/setup/:token', titleKey: 'setup.title', render: (p) => setupPage(ctx, p) },
    { path: '/reset', titleKey: 'reset.title', render: () => resetRequestPage(ctx) },
    { path: '/reset/:token', titleKey: 'resetConfirm.title', render: (p) => resetConfirmPage(ctx, p) },
    { path: '/invite/:token', titleKey: 'invite.title', render: (p) => invitePage(ctx, p) },
    { path: '/me', titleKey: 'me.title', render: () => mePage(ctx) },
    { path: '/panels', titleKey: 'panels.title', render: () => panelsPage(ctx) },
    { path: '/panels/:id', titleKey: 'panel.title', render: (p) => panelPage(ctx, p) },
    { path: '/panels/:id/sessions', titleKey: 'sessions.title', render: (p) => panelSessionsPage(ctx, p) },
    { path: '/panels/:id/screen-words', titleKey: 'screenWords.title', render: (p) => screenWordsPage(ctx, p) },
    { path: '/panels/:id/consents', titleKey: 'memberConsents.title', render: (p) => memberConsentsPage(ctx, p) },
    { path: '/groups/:id', titleKey: 'group.title', render: (p) => groupPage(ctx, p) },
    { path: '/pledges/:id', titleKey: 'pledge.title', render: (p) => pledgePage(ctx, p) },
    { path: '/guardian/manage/:token', titleKey: 'manage.title', render: (p) => guardianManagePage(ctx, p) },
    { path: '/guardian/:token', titleKey: 'guardianPage.title', render: (p) => guardianPage(ctx, p) },
    { path: '/outbox', titleKey: 'outbox.title', render: () => outboxPage(ctx) },
    { path: '/deletion-requests', titleKey: 'deletionRequests.title', render: () => deletionRequestsPage(ctx) },
    { path: '/moderation', titleKey: 'queue.title', render: () => moderationQueuePage(ctx) },
    { path: '/moderation/cases/:id', titleKey: 'case.title', render: (p) => moderationCasePage(ctx, p) },
    { path: '/moderation/audit', titleKey: 'audit.title', render: () => moderationAuditPage(ctx) },
    { path: '/sessions', titleKey: 'sessions.title', render: () => mySessionsPage(ctx) },
    { path: '/sessions/:id', titleKey: 'session.title', render: (p) => liveSessionPage(ctx, p) },
  ];
}

export const notFound: RouterOptions['notFound'] = { titleKey: 'notFound.title', render: notFoundPage };

/** The main menu, in the order shown. */
export const navItems: readonly NavItem[] = [
  { path: '/', label: 'nav.home' },
  { path: '/pledges', label: 'nav.pledges' },
  { path: '/videos', label: 'nav.videos' },
  { path: '/rounds', label: 'nav.rounds' },
  { path: '/sessions', label: 'nav.sessions', roles: ['youth', 'ambassador', 'moderator', 'partner', 'coordinator'] },
  { path: '/moderation', label: 'nav.moderation', roles: ['moderator', 'coordinator'], count: 'nav.waiting' },
  { path: '/about', label: 'nav.about' },
];
