// Translations: one catalogue of flat keys per language (<code>.json in this
// folder: a new language is one new file), a tiny t(key, params) with {name}
// interpolation, the current language (detected, switchable, remembered in
// localStorage, reflected in <html lang>) and Intl formatting in it.
import en from './en.json';
import { formatNumber } from './format';

/** A key of the English catalogue; the other catalogues must have the same keys. */
export type MessageKey = keyof typeof en;
/** Values put into {name} placeholders. */
export type Params = Readonly<Record<string, string | number>>;
export type Catalogue = Readonly<Record<string, string>>;

const files = import.meta.glob<Catalogue>('./*.json', { eager: true, import: 'default' });

/** A language code Chorus has a catalogue for ("en", "fr", ...). */
export type Lang = string;
export const defaultLanguage: Lang = 'en';

export const catalogues: Readonly<Record<Lang, Catalogue>> & { readonly en: Catalogue } = {
  en,
  ...Object.fromEntries(Object.entries(files).map(([path, catalogue]) => [path.replace(/^.*\/(\w+)\.json$/, '$1'), catalogue])),
};

/** The catalogue of lang (English for a language Chorus does not speak). */
export function catalogueOf(lang: Lang): Catalogue {
  return catalogues[lang] ?? catalogues.en;
}

/** The languages Chorus speaks, in the order the switcher shows them: English, then by their own names (Deutsch, Español, Français…). */
export const languages: readonly Lang[] = Object.keys(catalogues).sort((a, b) => {
  if (a === defaultLanguage || b === defaultLanguage) return a === defaultLanguage ? -1 : 1;
  return (catalogueOf(a)['language.name'] ?? a).localeCompare(catalogueOf(b)['language.name'] ?? b);
});

/** Where the chosen language is remembered. */
export const storageKey = 'chorus.lang';

/** Reports whether value is one of the supported language codes. */
export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(catalogues, value);
}

/**
 * Replaces each {name} in template by params[name]; unknown names stay as
 * they are. Numbers are written the way lang writes them (1,234 / 1 234).
 */
export function interpolate(template: string, params?: Params, lang: Lang = defaultLanguage): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(params, name)) return whole;
    const value = params[name];
    return typeof value === 'number' ? formatNumber(value, lang) : String(value);
  });
}

/**
 * Returns the text for key in lang, falling back to English when the
 * catalogue lacks it, and to the key itself when English lacks it too
 * (so a mistake shows up on screen rather than as an empty element).
 */
export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const text = catalogues[lang]?.[key] ?? catalogues[defaultLanguage]?.[key] ?? key;
  return interpolate(text, params, lang);
}

/** The subset of Storage that Chorus uses; localStorage may be missing or throw. */
export type LanguageStore = Pick<Storage, 'getItem' | 'setItem'>;

function readStored(store: LanguageStore | null | undefined): Lang | null {
  try {
    const value = store?.getItem(storageKey);
    return isLang(value) ? value : null;
  } catch {
    return null; // storage blocked (private mode, sandboxed frame)
  }
}

/**
 * Picks the language: the one remembered in store if valid, else the first
 * of the browser's preferred languages that Chorus speaks (matching
 * "fr-BE" to "fr"), else English.
 */
export function detectLanguage(
  preferred: readonly string[] | undefined,
  store?: LanguageStore | null,
): Lang {
  const stored = readStored(store);
  if (stored) return stored;
  for (const tag of preferred ?? []) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLang(primary)) return primary;
  }
  return defaultLanguage;
}

type Listener = (lang: Lang) => void;

let current: Lang = defaultLanguage;
const listeners = new Set<Listener>();

/** The current language. */
export function getLanguage(): Lang {
  return current;
}

/** Returns the text for key in the current language; see translate. */
export function t(key: MessageKey, params?: Params): string {
  return translate(current, key, params);
}

function browserStore(): LanguageStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/**
 * Makes lang the current language: sets <html lang>, remembers the choice
 * (when remember is true) and tells every listener so texts re-render.
 */
export function setLanguage(lang: Lang, { remember = true } = {}): void {
  current = lang;
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  if (remember) {
    try {
      browserStore()?.setItem(storageKey, lang);
    } catch {
      // Not remembered; the switch still works for this visit.
    }
  }
  for (const listener of listeners) listener(lang);
}

/** Calls listener after every language change; returns a function that stops it. */
export function onLanguageChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The language the person chose in this browser (remembered), or null when they never chose. */
export function rememberedLanguage(): Lang | null {
  return readStored(browserStore());
}

/** Sets the language detected from the browser without remembering it. */
export function initLanguage(): Lang {
  const preferred = typeof navigator === 'undefined' ? [] : navigator.languages;
  const lang = detectLanguage(preferred, browserStore());
  setLanguage(lang, { remember: false });
  return lang;
}
