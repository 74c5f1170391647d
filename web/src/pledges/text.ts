// Text helpers for live co-editing: rebasing unsent local changes onto a
// text that changed on the server (diff-match-patch, as the server merges),
// keeping a caret where it belongs, and converting offsets between the
// browser's UTF-16 indices, Unicode code points (comment anchors) and UTF-8
// bytes (the readability report).
import DiffMatchPatch from 'diff-match-patch';

const dmp = new DiffMatchPatch();
// Small edits on short texts: be exact rather than fast.
dmp.Match_Threshold = 0.5;
dmp.Patch_DeleteThreshold = 0.5;

/**
 * Applies the change that turned base into local onto remote: the local
 * person's unsent typing survives a remote edit of the same text, and so
 * does the remote one. When nothing was changed locally, remote wins as is.
 */
export function rebase(base: string, local: string, remote: string): string {
  if (local === base) return remote;
  if (remote === base) return local;
  if (remote === local) return remote;
  const patches = dmp.patch_make(base, local);
  const [merged] = dmp.patch_apply(patches, remote);
  return merged;
}

/**
 * Where a position in before is in after (after the text changed around
 * it): text inserted before the caret pushes it on, text deleted under it
 * pulls it back to where the deletion was.
 */
export function mapIndex(before: string, after: string, index: number): number {
  if (before === after) return index;
  const diffs = dmp.diff_main(before, after);
  return Math.min(after.length, Math.max(0, dmp.diff_xIndex(diffs, index)));
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

/** A diff for people: what stayed, what was added, what was removed. */
export interface DiffOp {
  op: 'equal' | 'insert' | 'delete';
  text: string;
}

/** The difference between two texts as the server's diff endpoint gives it (cleaned up to read well). */
export function diffOps(from: string, to: string): DiffOp[] {
  const diffs = dmp.diff_main(from, to);
  dmp.diff_cleanupSemantic(diffs);
  return diffs.map(([op, text]) => ({ op: op === 1 ? 'insert' : op === -1 ? 'delete' : 'equal', text }));
}
