// The web catalogues as the browser tests read them: every src/i18n/<code>.json
// (so a new language is journeyed as soon as its file exists), and a text
// with its {params} filled in.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../src/i18n/', import.meta.url));

export type Lang = string;

export const catalogues: Readonly<Record<Lang, Record<string, string>>> = Object.fromEntries(
  readdirSync(dir)
    .filter((name) => /^[a-z]{2}\.json$/.test(name))
    .map((name) => [name.slice(0, 2), JSON.parse(readFileSync(dir + name, 'utf8')) as Record<string, string>]),
);

/** English first, then the others: the order the journeys switch through. */
export const languages: readonly Lang[] = ['en', ...Object.keys(catalogues).filter((l) => l !== 'en').sort()];

/** A browser locale for each language (what a person of that language would have). */
export const locales: Readonly<Record<Lang, string>> = { en: 'en-GB', fr: 'fr-FR', de: 'de-DE', it: 'it-IT', es: 'es-ES' };

/** A catalogue text with its {params} filled in. */
export const tr = (lang: Lang, key: string, params: Record<string, string | number> = {}) =>
  (catalogues[lang]?.[key] ?? key).replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));

/** The catalogue of lang (empty for a language with no file, so a lookup shows the key). */
export const catalogue = (lang: Lang): Record<string, string> => catalogues[lang] ?? {};
