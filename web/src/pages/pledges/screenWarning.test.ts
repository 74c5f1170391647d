import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setLanguage, translate } from '../../i18n';
import { translateTree } from '../../dom';
import { utf16ToByte } from '../../pledges/text';
import type { ScreeningHit } from '../../pledges/types';
import { ScreenWarning } from './screenWarning';

const hitOn = (kind: ScreeningHit['kind'], text: string, part: string): ScreeningHit => {
  const i = text.indexOf(part);
  return { kind, start: utf16ToByte(text, i), end: utf16ToByte(text, i + part.length), reason: `screen.reason.${kind}` };
};

beforeEach(() => setLanguage('en', { remember: false }));
afterEach(() => document.body.replaceChildren());

const lines = (w: ScreenWarning) => [...w.element.querySelectorAll('.screen-warning-line')].map((p) => p.textContent);

describe('ScreenWarning', () => {
  it('is an empty polite live region while the field is clean', () => {
    const w = new ScreenWarning('f-screen', 'en');
    w.update('All good here.', undefined, 1);
    expect(w.element.id).toBe('f-screen');
    expect(w.element.querySelector('[aria-live="polite"]')).not.toBeNull();
    expect(lines(w)).toEqual([]);
    expect(w.element.classList.contains('screen-warning-on')).toBe(false);
    expect(w.element.textContent).toBe('');
  });

  it('says one plain line per kind found, and quotes what was found', () => {
    const w = new ScreenWarning('f-screen', 'fr');
    const text = 'Écris à ana@exemple.fr ou léa@exemple.fr, ou au 06 12 34 56 78';
    w.update(text, [hitOn('email', text, 'ana@exemple.fr'), hitOn('email', text, 'léa@exemple.fr'), hitOn('phone', text, '06 12 34 56 78')], 2);
    expect(lines(w)).toEqual([translate('en', 'itemScreen.email'), translate('en', 'itemScreen.phone')]);
    expect(lines(w)[0]).toContain('e-mail address');
    expect([...w.element.querySelectorAll('q')].map((q) => [q.textContent, q.getAttribute('lang')])).toEqual([
      ['ana@exemple.fr', 'fr'],
      ['léa@exemple.fr', 'fr'],
      ['06 12 34 56 78', 'fr'],
    ]);
    expect(w.element.classList.contains('screen-warning-on')).toBe(true);
    expect(w.shown).toEqual(['email', 'phone']);
  });

  it('does not repeat its lines while the same kinds stay (typing goes on), and goes when clean', () => {
    const w = new ScreenWarning('f-screen', 'en');
    w.update('mail a@b.org', [hitOn('email', 'mail a@b.org', 'a@b.org')], 3);
    const line = w.element.querySelector('.screen-warning-line');
    w.update('mail a@b.org.uk', [hitOn('email', 'mail a@b.org.uk', 'a@b.org.uk')], 4);
    expect(w.element.querySelector('.screen-warning-line')).toBe(line);
    expect(w.element.querySelector('q')?.textContent).toBe('a@b.org.uk');
    // An older answer (an overtaken edit) does not bring back or drop anything.
    w.update('mail', [], 3);
    expect(lines(w)).toHaveLength(1);
    w.update('mail', [], 5);
    expect(lines(w)).toEqual([]);
    expect(w.element.textContent).toBe('');
  });

  it('follows a language switch', () => {
    const w = new ScreenWarning('f-screen', 'en');
    document.body.append(w.element);
    w.update('x 0612345678', [hitOn('phone', 'x 0612345678', '0612345678')], 1);
    setLanguage('de', { remember: false });
    translateTree(document.body);
    expect(lines(w)).toEqual([translate('de', 'itemScreen.phone')]);
  });

  it('says something for a kind it does not know', () => {
    const w = new ScreenWarning('f-screen', 'en');
    // A newer server may find kinds this page does not know yet.
    w.update('abc', [{ kind: 'iban' as ScreeningHit['kind'], start: 0, end: 3, reason: 'screen.reason.iban' }], 1);
    expect(lines(w)).toEqual([translate('en', 'itemScreen.other')]);
  });
});
