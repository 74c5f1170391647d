// Which language a new thing starts in: a pledge in the panel's language
// (the writer's own when the panel works in it), a panel in its country's.
import { isLang, type Lang } from '../i18n';

/** The language most people in a country read, when Chorus speaks it (Belgium and Switzerland speak several: only a default). */
const countryLanguages: Readonly<Record<string, Lang>> = {
  FR: 'fr', BE: 'fr', LU: 'fr',
  DE: 'de', AT: 'de', LI: 'de',
  IT: 'it',
  ES: 'es',
  IE: 'en', MT: 'en', GB: 'en',
};

/** The language of a country (ISO 3166-1 alpha-2), or null when Chorus does not speak it. */
export function countryLanguage(country: string | undefined): Lang | null {
  const lang = country ? countryLanguages[country.toUpperCase()] : undefined;
  return lang && isLang(lang) ? lang : null;
}

/**
 * A new pledge's language: the writer's own if the panel works in it, else
 * the panel's first language, else the writer's, else English.
 */
export function pledgeLanguage(panelLanguages: readonly string[] | undefined, person: string | undefined): Lang {
  const panel = (panelLanguages ?? []).filter(isLang);
  if (person && isLang(person) && (panel.length === 0 || panel.includes(person))) return person;
  return panel[0] ?? 'en';
}

/** A new panel's working language: its country's, else the coordinator's. */
export function panelLanguage(country: string | undefined, person: Lang): Lang {
  return countryLanguage(country) ?? person;
}
