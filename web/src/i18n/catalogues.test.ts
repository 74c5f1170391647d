import { describe, expect, it } from 'vitest';
import { catalogueOf, catalogues, languages } from '.';

describe('catalogues', () => {
  const englishKeys = Object.keys(catalogues.en).sort();

  it.each(languages)('%s has exactly the English keys', (lang) => {
    expect(Object.keys(catalogueOf(lang)).sort()).toEqual(englishKeys);
  });

  it.each(languages)('%s has no empty values', (lang) => {
    const empty = Object.entries(catalogueOf(lang))
      .filter(([, value]) => typeof value !== 'string' || value.trim() === '')
      .map(([key]) => key);
    expect(empty).toEqual([]);
  });

  it.each(languages)('%s uses the same {placeholders} as English', (lang) => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of englishKeys) {
      expect(placeholders(catalogueOf(lang)[key] ?? ''), key).toEqual(placeholders(catalogues.en[key] ?? ''));
    }
  });

  it('keys are flat dotted names', () => {
    for (const key of englishKeys) expect(key).toMatch(/^[a-z][A-Za-z]*(\.[a-z][A-Za-z]*)+$/);
  });

  it.each(languages)('%s names itself in its own language', (lang) => {
    expect(catalogueOf(lang)['language.name']).toBeTruthy();
  });

  it.each(languages.filter((l) => l !== 'en'))('%s is translated, not copied from English', (lang) => {
    // Brand names and formats may stay; otherwise only a single word that is the same in that language ("Panel", "Chat").
    const brands = ['app.name', 'document.title', 'org.kindSic', 'panels.org'];
    const same = englishKeys.filter((key) => catalogueOf(lang)[key] === catalogues.en[key] && !brands.includes(key));
    expect(same.filter((key) => /\s/.test(catalogues.en[key] ?? ''))).toEqual([]);
  });
});
