import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  catalogues,
  detectLanguage,
  getLanguage,
  initLanguage,
  interpolate,
  onLanguageChange,
  setLanguage,
  storageKey,
  t,
  translate,
  type LanguageStore,
  type MessageKey,
} from '.';

function memoryStore(initial: Record<string, string> = {}): LanguageStore & { data: Record<string, string> } {
  const data = { ...initial };
  return {
    data,
    getItem: (key) => data[key] ?? null,
    setItem: (key, value) => {
      data[key] = value;
    },
  };
}

afterEach(() => {
  setLanguage('en', { remember: false });
  localStorage.clear();
  vi.restoreAllMocks();
});

describe('interpolate', () => {
  it('replaces {name} placeholders', () => {
    expect(interpolate('{page} · Chorus', { page: 'Home' })).toBe('Home · Chorus');
    expect(interpolate('{a} and {b} and {a}', { a: 1, b: 'two' })).toBe('1 and two and 1');
  });

  it('leaves unknown placeholders and text without params alone', () => {
    expect(interpolate('Hi {name}', {})).toBe('Hi {name}');
    expect(interpolate('Hi {name}')).toBe('Hi {name}');
  });
});

describe('t', () => {
  it('translates in the current language with interpolation', () => {
    setLanguage('fr', { remember: false });
    expect(t('nav.home')).toBe('Accueil');
    expect(t('document.title', { page: t('about.title') })).toBe('À propos · Chorus');
  });

  it('falls back to English when a catalogue lacks a key', () => {
    const fr = catalogues.fr as Record<string, string>;
    const saved = fr['nav.about'];
    delete fr['nav.about'];
    try {
      expect(translate('fr', 'nav.about')).toBe(catalogues.en['nav.about']);
    } finally {
      fr['nav.about'] = saved as string;
    }
  });

  it('shows the key itself when no catalogue has it', () => {
    expect(t('no.such.key' as MessageKey)).toBe('no.such.key');
  });
});

describe('detectLanguage', () => {
  it('takes the first supported language from navigator.languages', () => {
    expect(detectLanguage(['de-AT', 'en'])).toBe('de');
    expect(detectLanguage(['nl-NL', 'FR-be', 'de'])).toBe('fr');
    expect(detectLanguage(['es-ES', 'fr'])).toBe('es');
    expect(detectLanguage(['it-CH'])).toBe('it');
    expect(detectLanguage(['fr'])).toBe('fr');
  });

  it('falls back to English', () => {
    expect(detectLanguage(['nl', 'pl'])).toBe('en');
    expect(detectLanguage([])).toBe('en');
    expect(detectLanguage(undefined)).toBe('en');
  });

  it('prefers the language remembered in storage', () => {
    expect(detectLanguage(['fr'], memoryStore({ [storageKey]: 'de' }))).toBe('de');
  });

  it('ignores an invalid stored value and a throwing storage', () => {
    expect(detectLanguage(['fr'], memoryStore({ [storageKey]: 'xx' }))).toBe('fr');
    const broken: LanguageStore = {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => undefined,
    };
    expect(detectLanguage(['de'], broken)).toBe('de');
  });
});

describe('setLanguage and initLanguage', () => {
  it('sets <html lang>, remembers the choice and notifies listeners', () => {
    const seen: string[] = [];
    const stop = onLanguageChange((lang) => seen.push(lang));
    setLanguage('de');
    stop();
    setLanguage('fr');
    expect(seen).toEqual(['de']);
    expect(document.documentElement.lang).toBe('fr');
    expect(localStorage.getItem(storageKey)).toBe('fr');
    expect(getLanguage()).toBe('fr');
  });

  it('initLanguage reads navigator.languages and localStorage', async () => {
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['de-CH', 'en']);
    expect(await initLanguage()).toBe('de');
    expect(document.documentElement.lang).toBe('de');
    expect(localStorage.getItem(storageKey)).toBeNull(); // detected, not chosen

    localStorage.setItem(storageKey, 'fr');
    expect(await initLanguage()).toBe('fr');
  });

  it('fetches a catalogue only when its language is chosen; a later choice wins over one still loading', async () => {
    vi.resetModules();
    const fresh = await import('.');
    expect(Object.keys(fresh.catalogues)).toEqual(['en']);
    expect(fresh.languages.map(fresh.languageName)).toEqual(['English', 'Deutsch', 'Español', 'Français', 'Italiano']);
    const seen: string[] = [];
    fresh.onLanguageChange((lang) => seen.push(lang));
    const de = fresh.setLanguage('de');
    const it = fresh.setLanguage('it');
    expect(fresh.getLanguage()).toBe('en'); // until the texts are there
    await Promise.all([de, it]);
    expect(seen).toEqual(['it']);
    expect(fresh.t('nav.about')).toBe(catalogues.it?.['nav.about']);
    expect(document.documentElement.lang).toBe('it');
  });
});
