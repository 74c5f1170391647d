// The route table: one place lists every page and its menu entry.
import type { NavItem } from './components/mainNav';
import { aboutPage } from './pages/aboutPage';
import { comingSoonPage } from './pages/comingSoonPage';
import { homePage } from './pages/homePage';
import { notFoundPage } from './pages/notFoundPage';
import type { Route, RouterOptions } from './router';

export const routes: readonly Route[] = [
  { path: '/', titleKey: 'home.title', render: homePage },
  {
    path: '/pledges',
    titleKey: 'pledges.title',
    render: () => comingSoonPage({ heading: 'pledges.heading', text: 'pledges.text' }),
  },
  {
    path: '/videos',
    titleKey: 'videos.title',
    render: () => comingSoonPage({ heading: 'videos.heading', text: 'videos.text' }),
  },
  {
    path: '/rounds',
    titleKey: 'rounds.title',
    render: () => comingSoonPage({ heading: 'rounds.heading', text: 'rounds.text' }),
  },
  { path: '/about', titleKey: 'about.title', render: aboutPage },
];

export const notFound: RouterOptions['notFound'] = { titleKey: 'notFound.title', render: notFoundPage };

/** The main menu, in the order shown. */
export const navItems: readonly NavItem[] = [
  { path: '/', label: 'nav.home' },
  { path: '/pledges', label: 'nav.pledges' },
  { path: '/videos', label: 'nav.videos' },
  { path: '/rounds', label: 'nav.rounds' },
  { path: '/about', label: 'nav.about' },
];
