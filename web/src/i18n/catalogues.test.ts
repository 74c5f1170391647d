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

  it('French and German are translated, not copied from English', () => {
    for (const lang of ['fr', 'de'] as const) {
      const same = englishKeys.filter((key) => catalogueOf(lang)[key] === catalogues.en[key]);
      // Only brand names, formats and words that are the same in that language may stay the same.
      const brands = ['app.name', 'document.title', 'nav.videos', 'videos.title', 'org.kindSic', 'panels.org'];
      const cognates: Record<'fr' | 'de', readonly string[]> = {
        fr: ['account.panels', 'panels.title', 'panels.heading', 'panel.title', 'panel.heading', 'invite.panel', 'invite.title', 'invitations.heading', 'invitations.colEmail', 'invitations.colOrg', 'invitations.colActions', 'org.heading', 'audit.panel', 'queue.filterPanel', 'audit.action', 'audit.colAction', 'category.publication'],
        de: ['account.panels', 'panels.title', 'panels.heading', 'panel.title', 'panel.heading', 'invite.panel', 'group.panel', 'form.name', 'panel.colName', 'invitations.colOrg', 'nav.moderation', 'queue.title', 'case.factStatus', 'queue.colStatus', 'queue.filterStatus'],
      };
      expect(same.filter((key) => !brands.includes(key) && !cognates[lang].includes(key))).toEqual([]);
    }
  });
});
