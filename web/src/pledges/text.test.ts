import { describe, expect, it } from 'vitest';
import { byteToUtf16, codePointToUtf16, diffOps, mapIndex, rebase, utf16ToByte, utf16ToCodePoint } from './text';

describe('rebase', () => {
  it('keeps an unsent local edit and a remote edit of the same text', () => {
    const base = 'Apps should explain privacy.';
    const local = 'Clear: Apps should explain privacy.';
    const remote = 'Apps should explain privacy in plain words.';
    expect(rebase(base, local, remote)).toBe('Clear: Apps should explain privacy in plain words.');
  });

  it('takes the remote text when nothing was typed, and the local one when nothing came', () => {
    expect(rebase('a', 'a', 'ab')).toBe('ab');
    expect(rebase('a', 'ba', 'a')).toBe('ba');
  });

  it('keeps both when two people typed at the same place', () => {
    const merged = rebase('Hello', 'Hello Léa', 'Hello Jonas');
    expect(merged).toContain('Léa');
    expect(merged).toContain('Jonas');
  });

  it('keeps text with emoji and accents whole', () => {
    const merged = rebase('Été 🌞 ok', 'Été 🌞 ok!', '👋 Été 🌞 ok');
    expect(merged).toBe('👋 Été 🌞 ok!');
  });
});

describe('mapIndex', () => {
  it('moves a caret on when text is inserted before it, not when after', () => {
    expect(mapIndex('hello world', 'XX hello world', 5)).toBe(8);
    expect(mapIndex('hello world', 'hello world!!', 5)).toBe(5);
  });
});

describe('offsets', () => {
  const text = 'a😀é b'; // a, 😀 (2 UTF-16 units, 4 bytes), é (2 bytes), space, b
  it('converts code points to UTF-16 indices and back', () => {
    expect(codePointToUtf16(text, 0)).toBe(0);
    expect(codePointToUtf16(text, 2)).toBe(3);
    expect(codePointToUtf16(text, 5)).toBe(6);
    expect(codePointToUtf16(text, 99)).toBe(6);
    expect(utf16ToCodePoint(text, 3)).toBe(2);
    expect(utf16ToCodePoint(text, 6)).toBe(5);
    for (let cp = 0; cp <= 5; cp++) expect(utf16ToCodePoint(text, codePointToUtf16(text, cp))).toBe(cp);
  });

  it('converts UTF-8 byte offsets to UTF-16 indices and back', () => {
    // bytes: a=0, 😀=1..4, é=5..6, space=7, b=8
    expect(byteToUtf16(text, 0)).toBe(0);
    expect(byteToUtf16(text, 1)).toBe(1);
    expect(byteToUtf16(text, 5)).toBe(3);
    expect(byteToUtf16(text, 8)).toBe(5);
    expect(byteToUtf16(text, 9)).toBe(6);
    expect(utf16ToByte(text, 3)).toBe(5);
    expect(utf16ToByte(text, 6)).toBe(new TextEncoder().encode(text).length);
    const word = 'Datenschutzerklärung';
    const sentence = `Die ${word} ist lang.`;
    const start = new TextEncoder().encode(`Die `).length;
    const end = start + new TextEncoder().encode(word).length;
    expect(sentence.slice(byteToUtf16(sentence, start), byteToUtf16(sentence, end))).toBe(word);
  });
});

describe('diffOps', () => {
  it('says what was added and removed', () => {
    expect(diffOps('safe apps', 'safe and clear apps')).toEqual([
      { op: 'equal', text: 'safe ' },
      { op: 'insert', text: 'and clear ' },
      { op: 'equal', text: 'apps' },
    ]);
  });
});
