// The countries Chorus knows: those of the digital-age-of-consent table
// (GDPR Art. 8; shared/consent-ages.json, checked 2026-11-22). The server
// decides the consent age; the web app only offers these countries and names them.
import type { Lang } from '../i18n';

/** English names and ages of consent, keyed by ISO 3166-1 alpha-2 code. */
export const countries: Readonly<Record<string, { name: string; age: number }>> = {
  AT: { name: 'Austria', age: 14 },
  BE: { name: 'Belgium', age: 13 },
  BG: { name: 'Bulgaria', age: 14 },
  HR: { name: 'Croatia', age: 16 },
  CY: { name: 'Cyprus', age: 14 },
  CZ: { name: 'Czechia', age: 15 },
  DK: { name: 'Denmark', age: 13 },
  EE: { name: 'Estonia', age: 13 },
  FI: { name: 'Finland', age: 13 },
  FR: { name: 'France', age: 15 },
  DE: { name: 'Germany', age: 16 },
  GR: { name: 'Greece', age: 15 },
  HU: { name: 'Hungary', age: 16 },
  IE: { name: 'Ireland', age: 16 },
  IT: { name: 'Italy', age: 14 },
  LV: { name: 'Latvia', age: 13 },
  LT: { name: 'Lithuania', age: 14 },
  LU: { name: 'Luxembourg', age: 16 },
  MT: { name: 'Malta', age: 13 },
  NL: { name: 'Netherlands', age: 16 },
  PL: { name: 'Poland', age: 16 },
  PT: { name: 'Portugal', age: 13 },
  RO: { name: 'Romania', age: 16 },
  SK: { name: 'Slovakia', age: 16 },
  SI: { name: 'Slovenia', age: 15 },
  ES: { name: 'Spain', age: 14 },
  SE: { name: 'Sweden', age: 13 },
  IS: { name: 'Iceland', age: 13 },
  LI: { name: 'Liechtenstein', age: 16 },
  NO: { name: 'Norway', age: 13 },
  GB: { name: 'United Kingdom', age: 13 },
};

export const countryCodes: readonly string[] = Object.keys(countries);

export function isCountry(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(countries, code);
}

const namers = new Map<string, Intl.DisplayNames | null>();

function namer(lang: string): Intl.DisplayNames | null {
  if (!namers.has(lang)) {
    try {
      namers.set(lang, new Intl.DisplayNames([lang], { type: 'region' }));
    } catch {
      namers.set(lang, null);
    }
  }
  return namers.get(lang) ?? null;
}

/** The country's name in lang (from the browser's own data), or its English name. */
export function countryName(code: string, lang: Lang | string): string {
  const english = countries[code]?.name ?? code;
  if (lang === 'en') return english;
  const name = namer(lang)?.of(code);
  return name && name !== code ? name : english;
}

/** Country codes sorted by their name in lang. */
export function countriesByName(lang: Lang | string): string[] {
  return [...countryCodes].sort((a, b) => countryName(a, lang).localeCompare(countryName(b, lang), lang));
}
