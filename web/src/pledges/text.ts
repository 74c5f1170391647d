// Text helpers for live co-editing: the operation one edit of a field
// makes, keeping a caret where it belongs when someone else's operation
// arrives, diffs for people, and converting offsets between the
// browser's UTF-16 indices, Unicode code points (comment anchors) and UTF-8
// bytes (the readability report).
import DiffMatchPatch from 'diff-match-patch';
import { type as textType, type TextOp } from 'ot-text-unicode';
import type { Schemas } from '../openapi/types';

const dmp = new DiffMatchPatch();

/**
 * The operation that turns before into after: one change between their
 * common start and end (what one input event in a text field does), in
 * code points, deletes naming what they delete (so it can be undone).
 * caret, the caret in after (code points) once the change was made, says
 * where the change was when that is ambiguous: typing "a" next to an "a",
 * or "[" before a "[", is an insert at the caret, not one character away.
 */
export function opBetween(before: string, after: string, caret?: number): TextOp {
  const a = Array.from(before);
  const b = Array.from(after);
  const maxSuf = caret === undefined ? b.length : Math.max(0, b.length - caret);
  let suf = 0;
  while (suf < maxSuf && suf < a.length && suf < b.length && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  let pre = 0;
  while (pre < a.length - suf && pre < b.length - suf && a[pre] === b[pre]) pre++;
  const del = a.slice(pre, a.length - suf).join('');
  const ins = b.slice(pre, b.length - suf).join('');
  if (!del && !ins) return [];
  const op: TextOp = pre > 0 ? [pre] : [];
  if (del) op.push({ d: del });
  if (ins) op.push(ins);
  return op;
}

/** Where UTF-16 index i of before is after op (a remote change) turned before into after. */
export function mapThrough(before: string, after: string, op: TextOp, i: number): number {
  return codePointToUtf16(after, textType.transformPosition(utf16ToCodePoint(before, i), op));
}

/** The UTF-16 index (JavaScript string index) of code point number cp in text. */
export function codePointToUtf16(text: string, cp: number): number {
  let index = 0;
  let count = 0;
  while (count < cp && index < text.length) {
    const code = text.charCodeAt(index);
    index += code >= 0xd800 && code <= 0xdbff && index + 1 < text.length ? 2 : 1;
    count++;
  }
  return index;
}

/** How many code points come before the UTF-16 index i of text. */
export function utf16ToCodePoint(text: string, i: number): number {
  let count = 0;
  let index = 0;
  const end = Math.min(i, text.length);
  while (index < end) {
    const code = text.charCodeAt(index);
    index += code >= 0xd800 && code <= 0xdbff && index + 1 < text.length ? 2 : 1;
    count++;
  }
  return count;
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/** The UTF-16 index of byte offset b of text encoded as UTF-8 (a byte inside a character counts as that character's start). */
export function byteToUtf16(text: string, b: number): number {
  let bytes = 0;
  let index = 0;
  while (index < text.length) {
    const cp = text.codePointAt(index) ?? 0;
    const len = utf8Length(cp);
    if (bytes + len > b) break;
    bytes += len;
    index += cp > 0xffff ? 2 : 1;
  }
  return index;
}

/** The UTF-8 byte offset of UTF-16 index i of text. */
export function utf16ToByte(text: string, i: number): number {
  let bytes = 0;
  let index = 0;
  const end = Math.min(i, text.length);
  while (index < end) {
    const cp = text.codePointAt(index) ?? 0;
    bytes += utf8Length(cp);
    index += cp > 0xffff ? 2 : 1;
  }
  return bytes;
}

/** A diff for people: what stayed, what was added, what was removed (the API's DiffOp). */
export type DiffOp = Schemas['DiffOp'];

/** The difference between two texts as the server's diff endpoint gives it (cleaned up to read well). */
export function diffOps(from: string, to: string): DiffOp[] {
  const diffs = dmp.diff_main(from, to);
  dmp.diff_cleanupSemantic(diffs);
  return diffs.map(([op, text]) => ({ op: op === 1 ? 'insert' : op === -1 ? 'delete' : 'equal', text }));
}
