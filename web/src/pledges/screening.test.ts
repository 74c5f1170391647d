import { describe, expect, it } from 'vitest';
import { FieldHits, foundTexts, hitKinds, hitSpan } from './screening';
import { utf16ToByte } from './text';
import type { ScreeningHit } from './types';

const hit = (kind: ScreeningHit['kind'], start: number, end: number): ScreeningHit => ({ kind, start, end, reason: `screen.reason.${kind}` });

/** A hit over the first occurrence of part in text, in UTF-8 bytes as the server counts. */
const hitOn = (kind: ScreeningHit['kind'], text: string, part: string): ScreeningHit => {
  const i = text.indexOf(part);
  return hit(kind, utf16ToByte(text, i), utf16ToByte(text, i + part.length));
};

describe('hitKinds', () => {
  it('names each kind once, in a fixed order, unknown kinds last as other', () => {
    expect(hitKinds([])).toEqual([]);
    expect(hitKinds([hit('word', 0, 1), hit('phone', 2, 3), hit('email', 4, 5), hit('phone', 6, 7)])).toEqual(['email', 'phone', 'word']);
    expect(hitKinds([hit('iban' as ScreeningHit['kind'], 0, 1), hit('link', 2, 3)])).toEqual(['link', 'other']);
  });
});

describe('hitSpan', () => {
  it('turns byte offsets into UTF-16 indices past accents and emoji', () => {
    const text = 'Écris-moi 😀 à ana@exemple.fr, merci';
    const h = hitOn('email', text, 'ana@exemple.fr');
    // Bytes and UTF-16 indices differ here: É and à are 2 bytes, the emoji 4 bytes and 2 code units.
    expect(h.start).not.toBe(text.indexOf('ana@'));
    expect(hitSpan(text, h)).toEqual({ start: text.indexOf('ana@'), end: text.indexOf(','), text: 'ana@exemple.fr' });
  });

  it('stays inside the text when offsets are past its end (the text changed since)', () => {
    expect(hitSpan('short', hit('phone', 3, 40))).toEqual({ start: 3, end: 5, text: 'rt' });
    expect(hitSpan('short', hit('phone', 30, 40)).text).toBe('');
  });
});

describe('foundTexts', () => {
  it('quotes what hits of one kind cover, once each, in text order', () => {
    const text = 'Ring 06 12 34 56 78 or ben@example.org or 06 12 34 56 78 again, or 0611111111';
    const hits = [hitOn('email', text, 'ben@example.org'), hit('phone', utf16ToByte(text, text.lastIndexOf('06 12')), utf16ToByte(text, text.lastIndexOf('06 12') + 14)), hitOn('phone', text, '0611111111'), hitOn('phone', text, '06 12 34 56 78')];
    expect(foundTexts(text, hits, 'phone')).toEqual(['06 12 34 56 78', '0611111111']);
    expect(foundTexts(text, hits, 'email')).toEqual(['ben@example.org']);
    expect(foundTexts(text, hits, 'word')).toEqual([]);
  });
});

describe('FieldHits', () => {
  it('keeps the newest version and takes the same version again', () => {
    const f = new FieldHits();
    expect(f.hits).toEqual([]);
    expect(f.set('a@b.org', [hit('email', 0, 7)], 5)).toBe(true);
    // The answer to an edit that version 5 overtook (no hits for the field) comes late: ignored.
    expect(f.set('a@b', [], 4)).toBe(false);
    expect(f.hits).toHaveLength(1);
    expect(f.text).toBe('a@b.org');
    expect(f.set('a@b.org', null, 5)).toBe(true);
    expect(f.hits).toEqual([]);
    expect(f.set('fine now', [], 6)).toBe(true);
    expect(f.text).toBe('fine now');
  });
});
