import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mountApp } from './app';
import { catalogues, setLanguage } from './i18n';
import type { Router } from './router';

let root: HTMLElement;
let router: Router;

function heading(): HTMLElement {
  const h1 = document.querySelector('main h1');
  if (!(h1 instanceof HTMLElement)) throw new Error('no <h1> in <main>');
  return h1;
}

beforeEach(() => {
  setLanguage('en', { remember: false });
  history.replaceState(null, '', '/');
  document.body.replaceChildren();
  root = document.createElement('div');
  document.body.append(root);
  router = mountApp(root);
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
    expect([...(select?.options ?? [])].map((o) => o.value)).toEqual(['en', 'fr', 'de']);
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
    ['/pledges', 'Pledges are coming soon', 'Pledges · Chorus'],
    ['/videos', 'Videos are coming soon', 'Videos · Chorus'],
    ['/rounds', 'Feedback rounds are coming soon', 'Feedback rounds · Chorus'],
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
    router = mountApp(again);
    expect(heading().textContent).toBe('Videos are coming soon');
  });

  it('tells what Chorus is, for whom and how safety works on the home page', () => {
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
