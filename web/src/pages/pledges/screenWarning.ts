// The warning under an item's field when screening finds something in it
// (an e-mail address, a phone number, a hurtful word): one plain line per
// kind, in a polite live region, and what was found. Items are not held
// from the group, but a pledge with such things in it goes neither to
// review nor to partners, so the warning says what to take out. It follows
// the item as loaded, the answers to my edits and everyone's
// pledge.item_edited events, and goes when the field is clean again.
import { el, plain } from '../../dom';
import type { MessageKey } from '../../i18n';
import { FieldHits, foundTexts, hitKinds, type HitKind } from '../../pledges/screening';
import type { ScreeningHit } from '../../pledges/types';

const warningKey: Record<HitKind, MessageKey> = {
  email: 'itemScreen.email',
  phone: 'itemScreen.phone',
  address: 'itemScreen.address',
  handle: 'itemScreen.handle',
  link: 'itemScreen.link',
  word: 'itemScreen.word',
  other: 'itemScreen.other',
};

/** At most this many found bits are quoted per kind. */
const maxQuotes = 5;

export class ScreenWarning {
  readonly element: HTMLElement;
  /** The live region: its lines change only when the kinds found change, so typing does not repeat them. */
  private readonly lines: HTMLElement;
  private readonly found: HTMLElement;
  private readonly state = new FieldHits();
  private kinds = '';

  constructor(
    id: string,
    private readonly language: string,
  ) {
    this.lines = el('div', { className: 'screen-warning-lines', attrs: { 'aria-live': 'polite' } });
    this.found = el('div', { className: 'screen-warning-found' });
    this.element = el('div', { className: 'screen-warning', attrs: { id, 'data-hits': '0' } }, [this.lines, this.found]);
  }

  /** Hits found in text at version (older versions than the one shown are ignored). */
  update(text: string, hits: readonly ScreeningHit[] | null | undefined, version: number): void {
    if (!this.state.set(text, hits, version)) return;
    this.render();
  }

  /** The kinds warned about now. */
  get shown(): HitKind[] {
    return hitKinds(this.state.hits);
  }

  private render(): void {
    const kinds = this.shown;
    const signature = kinds.join(',');
    if (signature !== this.kinds) {
      this.kinds = signature;
      this.lines.replaceChildren(...kinds.map((k) => el('p', { className: 'screen-warning-line', text: warningKey[k], attrs: { 'data-kind': k } })));
    }
    const quotes = kinds.flatMap((k) => foundTexts(this.state.text, this.state.hits, k).slice(0, maxQuotes));
    this.found.replaceChildren(
      ...(quotes.length
        ? [
            el('p', {}, [
              el('span', { text: 'itemScreen.found' }),
              ...quotes.flatMap((q, i) => [document.createTextNode(i ? ', ' : ' '), plain('q', q, { attrs: { lang: this.language } })]),
            ]),
          ]
        : []),
    );
    this.element.dataset.hits = String(this.state.hits.length);
    this.element.classList.toggle('screen-warning-on', kinds.length > 0);
  }
}
