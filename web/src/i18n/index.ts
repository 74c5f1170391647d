// Translations: one catalogue of flat keys per language (<code>.json in this
// folder: a new language is one new file), a tiny t(key, params) with {name}
// interpolation, the current language (detected, switchable, remembered in
// localStorage, reflected in <html lang>) and Intl formatting in it.
//
// English is in the app's script (it is the fallback of every key); every
// other catalogue is a script of its own, fetched when its language is
// chosen, so the first page carries one language, not five.
import names from 'virtual:chorus-language-names';
import en from './en.json';
import { formatNumber } from './format';

/** A key of the English catalogue; the other catalogues must have the same keys. */
export type MessageKey = keyof typeof en;
/** Values put into {name} placeholders. */
export type Params = Readonly<Record<string, string | number>>;
export type Catalogue = Readonly<Record<string, string>>;

const loaders = Object.fromEntries(
  Object.entries(import.meta.glob<Catalogue>(['./*.json', '!./en.json'], { import: 'default' })).map(([path, load]) => [path.replace(/^.*\/(\w+)\.json$/, '$1'), load]),
);

/** A language code Chorus has a catalogue for ("en", "fr", ...). */
export type Lang = string;
export const defaultLanguage: Lang = 'en';

/** The catalogues loaded so far, by language (English always). */
export const catalogues: Readonly<Record<Lang, Catalogue>> & { readonly en: Catalogue } = { en };
const loaded = catalogues as Record<Lang, Catalogue>;

/** The catalogue of lang, once loaded (English until then, and for a language Chorus does not speak). */
export function catalogueOf(lang: Lang): Catalogue {
  return catalogues[lang] ?? catalogues.en;
}

/** Fetches lang's catalogue (at once for English or one fetched before). */
export async function loadLanguage(lang: Lang): Promise<Catalogue> {
  const load = loaders[lang];
  if (!loaded[lang] && load) loaded[lang] = await load();
  return catalogueOf(lang);
}

/** lang's name in lang itself ("Français"), known before its catalogue is loaded (read from the catalogues when the app is built). */
export function languageName(lang: Lang): string {
  return (names as Readonly<Record<string, string>>)[lang] ?? lang;
}

/** The languages Chorus speaks, in the order the switcher shows them: English, then by their own names (Deutsch, Español, Français…). */
export const languages: readonly Lang[] = Object.keys(names).sort((a, b) => {
  if (a === defaultLanguage || b === defaultLanguage) return a === defaultLanguage ? -1 : 1;
  return languageName(a).localeCompare(languageName(b));
});

/** Where the chosen language is remembered. */
export const storageKey = 'chorus.lang';

/** Reports whether value is one of the supported language codes. */
export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(names, value);
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
let wanted: Lang = defaultLanguage;
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
 * Makes lang the current language: remembers the choice (when remember is
 * true), then, as soon as its catalogue is there (at once when it was
 * loaded before), sets <html lang> and tells every listener so texts
 * re-render. The returned promise settles then; a later choice wins over
 * one still loading.
 */
export function setLanguage(lang: Lang, { remember = true } = {}): Promise<void> {
  wanted = lang;
  if (remember) {
    try {
      browserStore()?.setItem(storageKey, lang);
    } catch {
      // Not remembered; the switch still works for this visit.
    }
  }
  const apply = () => {
    if (wanted !== lang) return;
    current = lang;
    if (typeof document !== 'undefined') document.documentElement.lang = lang;
    for (const listener of listeners) listener(lang);
  };
  if (loaded[lang] || !loaders[lang]) {
    apply();
    return Promise.resolve();
  }
  // A catalogue that cannot be fetched (offline) leaves the page in the language it speaks.
  return loadLanguage(lang).then(apply, () => undefined);
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

/** Sets the language detected from the browser without remembering it; resolves once its texts are there. */
export async function initLanguage(): Promise<Lang> {
  const preferred = typeof navigator === 'undefined' ? [] : navigator.languages;
  const lang = detectLanguage(preferred, browserStore());
  await setLanguage(lang, { remember: false });
  return lang;
}
