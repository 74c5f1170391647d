// What screening found in an item's texts (safeguarding rule 5), without the
// DOM: which kinds of thing to warn about, what each hit covers in the text
// (the server counts UTF-8 bytes, the browser UTF-16 code units), and which
// of several answers about a field is the newest.
import { byteToUtf16 } from './text';
import type { ScreeningHit } from './types';

/** The kinds the server knows, in the order their warnings are shown. */
export const hitKindOrder = ['email', 'phone', 'address', 'handle', 'link', 'word'] as const;
export type HitKind = (typeof hitKindOrder)[number] | 'other';

function kindOf(hit: ScreeningHit): HitKind {
  return (hitKindOrder as readonly string[]).includes(hit.kind) ? (hit.kind as HitKind) : 'other';
}

/** The kinds of thing found, each once, in a fixed order (a kind this app does not know yet is "other", last). */
export function hitKinds(hits: readonly ScreeningHit[]): HitKind[] {
  const found = new Set(hits.map(kindOf));
  return [...hitKindOrder, 'other' as const].filter((k) => found.has(k));
}

/** What a hit covers in text (the text the hit was found in), as UTF-16 indices and the covered text. */
export function hitSpan(text: string, hit: ScreeningHit): { start: number; end: number; text: string } {
  const start = byteToUtf16(text, Math.max(0, hit.start));
  const end = Math.max(start, byteToUtf16(text, Math.max(0, hit.end)));
  return { start, end, text: text.slice(start, end) };
}

/** The texts hits of one kind cover, each once, in text order. */
export function foundTexts(text: string, hits: readonly ScreeningHit[], kind: HitKind): string[] {
  const out: string[] = [];
  for (const h of [...hits].sort((x, y) => x.start - y.start)) {
    if (kindOf(h) !== kind) continue;
    const covered = hitSpan(text, h).text.trim();
    if (covered && !out.includes(covered)) out.push(covered);
  }
  return out;
}

/**
 * The newest hits of a field. Answers arrive from several places (the
 * item as loaded, the answer to my edit, pledge.item_edited events) and not
 * in order: the answer to an edit that a later edit overtook carries no hits
 * for the field, and may arrive after the event that does. An older version
 * than the one shown is ignored; the same version replaces it.
 */
export class FieldHits {
  private version = -1;
  private current: { text: string; hits: readonly ScreeningHit[] } = { text: '', hits: [] };

  /** Takes the hits found in text at version; reports whether they are now the ones to show. */
  set(text: string, hits: readonly ScreeningHit[] | null | undefined, version: number): boolean {
    if (version < this.version) return false;
    this.version = version;
    this.current = { text, hits: hits ?? [] };
    return true;
  }

  get text(): string {
    return this.current.text;
  }

  get hits(): readonly ScreeningHit[] {
    return this.current.hits;
  }
}
