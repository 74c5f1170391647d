import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FetchLike } from './api';
import { mountApp } from './app';
import { catalogues, getLanguage, setLanguage } from './i18n';
import type { GuardianView } from './people/types';
import type { Router } from './router';

let root: HTMLElement;
let router: Router;

type Answer = { status?: number; body?: unknown };
/** A fake API: answers by "METHOD /path"; anything else is 404 problem+json. */
let answers: Record<string, Answer> = {};
const calls: string[] = [];
const fakeFetch: FetchLike = async (url, init) => {
  const key = `${init.method ?? 'GET'} ${url}`;
  calls.push(key);
  const answer = answers[key] ?? { status: 404, body: { type: '/problems/not_found', status: 404, detail: 'Not found.' } };
  const status = answer.status ?? 200;
  if (status === 204) return new Response(null, { status });
  return new Response(JSON.stringify(answer.body ?? {}), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
};

function mount(): void {
  document.body.replaceChildren();
  root = document.createElement('div');
  document.body.append(root);
  router = mountApp(root, window, { fetch: fakeFetch });
}

function heading(): HTMLElement {
  const h1 = document.querySelector('main h1');
  if (!(h1 instanceof HTMLElement)) throw new Error('no <h1> in <main>');
  return h1;
}

beforeEach(() => {
  setLanguage('en', { remember: false });
  history.replaceState(null, '', '/');
  answers = { 'GET /api/session': { body: { signedIn: false, setupNeeded: false } } };
  calls.length = 0;
  mount();
});

afterEach(() => {
  router.stop();
  document.body.replaceChildren();
});

describe('app shell', () => {
  it('starts with the skip link, then header, main and footer', () => {
    const first = root.firstElementChild;
    expect(first?.tagName).toBe('A');
    expect(first?.getAttribute('href')).toBe('#main');
    expect(first?.textContent).toBe('Skip to content');
    expect(root.querySelector('header')).not.toBeNull();
    expect(root.querySelector('main#main')?.getAttribute('tabindex')).toBe('-1');
    expect(root.querySelector('footer')).not.toBeNull();
  });

  it('has a labelled menu with the five sections', () => {
    const nav = root.querySelector('nav');
    expect(nav?.getAttribute('aria-label')).toBe('Main menu');
    const labels = [...(nav?.querySelectorAll('a') ?? [])].map((a) => a.textContent);
    expect(labels).toEqual(['Home', 'Pledges', 'Videos', 'Feedback rounds', 'About']);
  });

  it('has a labelled language switcher', () => {
    const select = root.querySelector('select');
    const label = root.querySelector(`label[for="${select?.id}"]`);
    expect(label?.textContent).toBe('Language');
    expect([...(select?.options ?? [])].map((o) => o.value)).toEqual(['en', 'de', 'es', 'fr', 'it']);
  });

  it('skip link moves focus to main', () => {
    (root.firstElementChild as HTMLAnchorElement).click();
    expect(document.activeElement?.id).toBe('main');
  });
});

describe('router', () => {
  it.each([
    ['/', 'Make the internet better, together', 'Home · Chorus'],
    ['/about', 'About Chorus', 'About · Chorus'],
    ['/pledges', 'Pledges', 'Pledges · Chorus'],
    ['/videos', 'Group videos', 'Videos · Chorus'],
    ['/rounds', 'Feedback rounds', 'Feedback rounds · Chorus'],
    ['/about/', 'About Chorus', 'About · Chorus'],
    ['/nope', "We can't find this page", 'Page not found · Chorus'],
  ])('%s renders %s with title %s', (path, h1, title) => {
    router.navigate(path);
    expect(heading().textContent).toBe(h1);
    expect(document.title).toBe(title);
    expect(document.querySelectorAll('main h1')).toHaveLength(1);
  });

  it('does not move focus on first load, so Tab reaches the skip link first', () => {
    expect(document.activeElement).toBe(document.body);
  });

  it('moves focus to the main heading after navigation', () => {
    router.navigate('/about');
    expect(document.activeElement).toBe(heading());
  });

  it('follows menu links without reloading and marks the current one', () => {
    const about = [...root.querySelectorAll<HTMLAnchorElement>('nav a')].find((a) => a.getAttribute('href') === '/about');
    about?.click();
    expect(location.pathname).toBe('/about');
    expect(heading().textContent).toBe('About Chorus');
    expect(about?.getAttribute('aria-current')).toBe('page');
    expect(root.querySelectorAll('nav a[aria-current]')).toHaveLength(1);
  });

  it('renders the page for the location it starts at', () => {
    history.replaceState(null, '', '/videos');
    document.body.replaceChildren();
    const again = document.createElement('div');
    document.body.append(again);
    router.stop();
    router = mountApp(again, window, { fetch: fakeFetch });
    expect(heading().textContent).toBe('Group videos');
  });

  it('tells visitors what Chorus is, for whom and how safety works on the home page', async () => {
    // Once the session says nobody is signed in, "/" is the public page.
    await vi.waitFor(() => expect(root.querySelector('main')?.textContent ?? '').toContain(catalogues.en['home.who.youth.name']));
    const text = root.querySelector('main')?.textContent ?? '';
    for (const key of [
      'home.who.youth.name',
      'home.who.moderators.name',
      'home.who.partners.name',
      'home.who.coordinators.name',
      'home.who.guardians.name',
      'home.safety.moderators.name',
      'home.safety.consent.name',
      'home.safety.privacy.name',
    ] as const) {
      expect(text).toContain(catalogues.en[key]);
    }
  });
});

describe('language switch', () => {
  it('re-translates every text, attribute and the title in place', () => {
    router.navigate('/about');
    const h1 = heading();
    const select = root.querySelector('select') as HTMLSelectElement;
    select.focus();
    select.value = 'de';
    select.dispatchEvent(new Event('change'));

    expect(document.documentElement.lang).toBe('de');
    expect(heading()).toBe(h1); // same element: nothing re-rendered
    expect(h1.textContent).toBe('Über Chorus');
    expect(document.title).toBe('Über uns · Chorus');
    expect(root.querySelector('nav')?.getAttribute('aria-label')).toBe('Hauptmenü');
    expect(root.firstElementChild?.textContent).toBe('Zum Inhalt springen');
    expect(document.activeElement).toBe(select);

    // No English text is left anywhere.
    const english = new Set(Object.values(catalogues.en));
    const leftovers = [...root.querySelectorAll<HTMLElement>('[data-i18n]')]
      .map((node) => node.textContent ?? '')
      .filter((text) => english.has(text) && text !== 'Chorus' && text !== 'Videos');
    expect(leftovers).toEqual([]);
  });

  it('keeps the switcher in sync when the language changes elsewhere', () => {
    setLanguage('fr', { remember: false });
    expect((root.querySelector('select') as HTMLSelectElement).value).toBe('fr');
    expect(heading().textContent).toBe('Rendre internet meilleur, ensemble');
  });
});

const youthMe = {
  account: { id: 'a1', displayName: 'Léa Martin', email: 'lea@example.org', language: 'en', country: 'FR', birthDate: '2013-01-01' },
  band: 'minor_below_consent_age',
  memberships: [{ role: 'youth', panelId: 'p1', panelName: 'Panel FR', groupId: 'g1', groupName: 'Group A' }],
  consents: { participate: 'partial' },
  guardian: 'waiting',
  canEnterWorkspace: false,
};

/** Starts the app again with a signed-in session. */
function signedIn(me: unknown): void {
  answers['GET /api/session'] = { body: { signedIn: true, me } };
  router.stop();
  mount();
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('people pages', () => {
  it('header shows "Sign in", then the name and "Sign out" once signed in', async () => {
    await settle();
    expect(root.querySelector('.account-bar')?.textContent).toBe('Sign in');
    answers['GET /api/session'] = { body: { signedIn: true, me: youthMe } };
    router.stop();
    mount();
    await settle();
    const bar = root.querySelector('.account-bar');
    expect(bar?.textContent).toContain('Signed in as Léa Martin');
    expect([...(bar?.querySelectorAll('button') ?? [])].map((b) => b.textContent)).toEqual(['Sign out']);
  });

  it('/me tells a youth what is missing and shows "Waiting for your guardian"', async () => {
    signedIn(youthMe);
    answers['GET /api/me/consents'] = {
      body: {
        scopes: [{ scope: 'participate', name: 'Take part in the panel', youthText: 'You join a youth panel.', managedBy: 'joint', state: 'partial' }],
        guardian: 'waiting',
        history: [{ scope: 'participate', action: 'granted', actor: 'self', time: '2026-01-01T10:00:00Z' }],
      },
    };
    router.navigate('/me');
    await settle();
    const main = root.querySelector('main')?.textContent ?? '';
    expect(main).toContain(catalogues.en['missing.heading']);
    expect(main).toContain(catalogues.en['missing.waitGuardian']);
    expect(root.querySelector('#guardian-status')?.textContent).toBe('Waiting for your guardian');
    const card = root.querySelector('[data-scope="participate"]');
    expect([...(card?.querySelectorAll('button') ?? [])].map((b) => b.textContent)).toEqual(['Take back my yes']);
    expect(root.querySelector('#sign-out-all-heading')).not.toBeNull();
  });

  it('/groups/:id refused: shows the server detail kindly with what to do', async () => {
    signedIn(youthMe);
    answers['GET /api/groups/g1'] = {
      status: 403,
      body: { type: '/problems/forbidden', status: 403, detail: 'Your parent or carer has not said yes yet.' },
    };
    router.navigate('/groups/g1');
    await settle();
    expect(heading().textContent).toBe(catalogues.en['group.refusedHeading']);
    const text = root.querySelector('main')?.textContent ?? '';
    expect(text).toContain('Your parent or carer has not said yes yet.');
    expect(text).toContain(catalogues.en['group.refusedYouth']);
    expect(root.querySelector('main a[href="/me"]')).not.toBeNull();
  });

  it('/groups/:id shows who can see the space', async () => {
    signedIn({ ...youthMe, canEnterWorkspace: true });
    answers['GET /api/groups/g1'] = {
      body: {
        group: { id: 'g1', name: 'Group A' },
        panelName: 'Panel FR',
        members: [{ accountId: 'a1', name: 'Léa Martin', role: 'youth' }],
        watchers: [{ role: 'moderator', panelId: 'p1' }, { role: 'coordinator', panelId: 'p1' }],
      },
    };
    router.navigate('/groups/g1');
    await settle();
    expect(heading().textContent).toBe('Group A');
    expect([...root.querySelectorAll('.watcher-list li')].map((li) => li.textContent)).toEqual([
      catalogues.en['watchers.moderatorPanel'],
      catalogues.en['watchers.coordinator'],
    ]);
  });

  it('a used invitation link shows a clear page with what to do', async () => {
    answers['GET /api/invitations/by-token/abc'] = {
      status: 410,
      body: { type: '/problems/gone', status: 410, detail: 'This invitation was already used.' },
    };
    router.navigate('/invite/abc');
    await settle();
    expect(heading().textContent).toBe(catalogues.en['problem.linkHeading']);
    const text = root.querySelector('main')?.textContent ?? '';
    expect(text).toContain('This invitation was already used.');
    expect(text).toContain(catalogues.en['invite.linkHint']);
  });

  it('the guardian page switches to the child\'s language and says what Art. 13 asks', async () => {
    answers['GET /api/guardian/tok'] = {
      body: {
        childFirstName: 'Léa',
        language: 'fr',
        validUntil: '2026-12-10T10:00:00Z',
        controller: { party_name: 'Centre pour un internet plus sûr', party_contact: 'dpo@example.org' },
        scopes: [
          { scope: 'participate', name: 'Participer au panel', guardianText: 'Votre enfant peut participer.', textHash: 'h1', manager: 'guardian', verification: 'email_confirmed', state: 'not_granted',
            purpose: 'Rédiger des engagements avec son groupe.', recipients: 'group', partners: [] },
          { scope: 'video_publish', name: 'Publier la vidéo', guardianText: 'La vidéo peut être montrée.', textHash: 'h2', manager: 'guardian', verification: 'strong', state: 'not_granted',
            purpose: 'Montrer la vidéo du groupe.', recipients: 'partners', partners: ['AppCo', 'StreamCo'] },
        ],
        history: [],
      } satisfies GuardianView,
    };
    router.navigate('/guardian/tok');
    await settle();
    expect(getLanguage()).toBe('fr');
    expect(heading().textContent).toBe('Léa souhaite rejoindre Chorus');
    const box = root.querySelector<HTMLInputElement>('input[type="checkbox"]');
    expect(root.querySelector(`label[for="${box?.id}"]`)?.textContent).toBe('Participer au panel');
    // Before deciding, the guardian reads what GDPR Art. 13 asks: who is
    // responsible and how to reach them, each item's purpose and who gets it.
    const about = root.querySelector('#about-data')?.textContent ?? '';
    expect(about).toContain('Centre pour un internet plus sûr');
    expect(about).toContain('dpo@example.org');
    expect(about).toContain('Montrer la vidéo du groupe.');
    expect(about).toContain('AppCo, StreamCo');
    expect(about).toContain(catalogues.fr?.['guardianPage.toPartners'] ?? '(the French catalogue was not loaded)');
  });

  it('sends the CSRF cookie on sign-in and lands a waiting youth on /me', async () => {
    document.cookie = 'chorus_csrf=abc123';
    const spy = vi.fn(fakeFetch);
    answers['POST /api/auth/login'] = { body: { me: youthMe } };
    answers['GET /api/me/consents'] = { body: { scopes: [], guardian: 'waiting', history: [] } };
    router.stop();
    document.body.replaceChildren();
    root = document.createElement('div');
    document.body.append(root);
    router = mountApp(root, window, { fetch: spy });
    router.navigate('/signin');
    await settle();
    (root.querySelector('#signin-email') as HTMLInputElement).value = 'lea@example.org';
    (root.querySelector('#signin-password') as HTMLInputElement).value = 'purple tiger runs';
    root.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    const login = spy.mock.calls.find(([url]) => url === '/api/auth/login');
    expect((login?.[1].headers as Record<string, string>)['X-CSRF-Token']).toBe('abc123');
    expect(location.pathname).toBe('/me');
    document.cookie = 'chorus_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
  });
});
