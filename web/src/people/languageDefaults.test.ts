import { describe, expect, it } from 'vitest';
import { countryLanguage, panelLanguage, pledgeLanguage } from './languageDefaults';

describe('language defaults', () => {
  it('a pledge starts in the writer’s language when the panel works in it', () => {
    expect(pledgeLanguage(['en', 'fr', 'de'], 'fr')).toBe('fr');
    expect(pledgeLanguage(['fr'], 'fr')).toBe('fr');
  });

  it('otherwise in the panel’s first language, then the writer’s', () => {
    expect(pledgeLanguage(['fr', 'de'], 'it')).toBe('fr');
    expect(pledgeLanguage([], 'it')).toBe('it');
    expect(pledgeLanguage(undefined, 'de')).toBe('de');
    expect(pledgeLanguage(undefined, undefined)).toBe('en');
    expect(pledgeLanguage(['xx'], 'zz')).toBe('en');
  });

  it('a panel starts in its country’s language, then the coordinator’s', () => {
    expect(panelLanguage('FR', 'en')).toBe('fr');
    expect(panelLanguage('AT', 'en')).toBe('de');
    expect(panelLanguage('IT', 'de')).toBe('it');
    expect(panelLanguage('ES', 'fr')).toBe('es');
    expect(panelLanguage('DK', 'de')).toBe('de');
    expect(panelLanguage('', 'fr')).toBe('fr');
    expect(countryLanguage('fr')).toBe('fr');
    expect(countryLanguage('NL')).toBeNull();
  });
});
