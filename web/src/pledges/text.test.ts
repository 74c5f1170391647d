import { describe, expect, it } from 'vitest';
import { type as textType, type TextOp } from 'ot-text-unicode';
import { byteToUtf16, codePointToUtf16, diffOps, mapThrough, opBetween, utf16ToByte, utf16ToCodePoint } from './text';

describe('opBetween', () => {
  it('is the one change an input event makes, in code points, undoable', () => {
    expect(opBetween('Apps explain.', 'Apps 🌞 explain.', 7)).toEqual([5, '🌞 ']);
    expect(opBetween('Été 🌞 ok', 'Été ok', 4)).toEqual([4, { d: '🌞 ' }]);
    expect(opBetween('abc', 'aXc')).toEqual([1, { d: 'b' }, 'X']);
    expect(opBetween('same', 'same')).toEqual([]);
    // Typing "[" before "[": the caret says which one is new.
    expect(opBetween('a[b]', 'a[[b]')).toEqual([1, '[']);
    expect(opBetween('a[b]', 'a[[b]', 3)).toEqual([2, '[']);
    const op = opBetween('one two three', 'one three');
    expect(textType.apply(textType.apply('one two three', op), textType.invert!(op))).toBe('one two three');
  });
});

describe('mapThrough', () => {
  it('moves a caret on when text is inserted before it, not at it or after it', () => {
    const op: TextOp = ['XX '];
    expect(mapThrough('hello world', 'XX hello world', op, 5)).toBe(8);
    expect(mapThrough('hello world', 'hello world!!', [11, '!!'], 5)).toBe(5);
    expect(mapThrough('hello world', 'hello, world', [5, ','], 5)).toBe(5);
  });

  it('counts an emoji as one character, as the server does', () => {
    // "🌞" is two UTF-16 units: the caret after "a🌞b" (index 4) follows a deletion of "🌞".
    expect(mapThrough('a🌞b!', 'ab!', [1, { d: 1 }], 4)).toBe(2);
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
