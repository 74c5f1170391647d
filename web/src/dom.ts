// A small element builder whose texts come from the catalogue. Translated
// elements carry their keys in data-i18n* attributes, so a language switch
// re-translates the page in place (focus and state stay where they are).
import { t, type MessageKey, type Params } from './i18n';

/** Attributes that may carry translated text. */
export type TranslatedAttr = 'aria-label' | 'title' | 'alt';
const translatedAttrs: readonly TranslatedAttr[] = ['aria-label', 'title', 'alt'];

export interface ElOptions {
  className?: string;
  /** Catalogue key for the element's text content. */
  text?: MessageKey;
  /** Values for {name} placeholders in text. */
  params?: Params;
  /** Plain (untranslated) attributes such as href or id. */
  attrs?: Readonly<Record<string, string>>;
  /** Attributes whose values come from the catalogue. */
  i18nAttrs?: Partial<Record<TranslatedAttr, MessageKey>>;
}

/** Creates an element; its text and translated attributes follow the current language. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElOptions = {},
  children: readonly Node[] = [],
): HTMLElementTagNameMap[K] {
  if (options.text && children.length > 0) {
    // A translated element is a leaf: re-translating sets its textContent.
    throw new Error(`el(${tag}): text and children cannot be combined`);
  }
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  for (const [name, value] of Object.entries(options.attrs ?? {})) node.setAttribute(name, value);
  if (options.text) {
    node.dataset.i18n = options.text;
    if (options.params) node.dataset.i18nParams = JSON.stringify(options.params);
  }
  for (const [name, key] of Object.entries(options.i18nAttrs ?? {})) {
    node.setAttribute(`data-i18n-${name}`, key);
  }
  translateElement(node);
  node.append(...children);
  return node;
}

function translateElement(node: HTMLElement): void {
  const key = node.dataset.i18n as MessageKey | undefined;
  if (key) {
    const params = node.dataset.i18nParams ? (JSON.parse(node.dataset.i18nParams) as Params) : undefined;
    node.textContent = t(key, params);
  }
  for (const name of translatedAttrs) {
    const attrKey = node.getAttribute(`data-i18n-${name}`) as MessageKey | null;
    if (attrKey) node.setAttribute(name, t(attrKey));
  }
}

/** Re-translates root and every translated element inside it. */
export function translateTree(root: ParentNode): void {
  const selector = ['[data-i18n]', ...translatedAttrs.map((name) => `[data-i18n-${name}]`)].join(',');
  if (root instanceof HTMLElement && root.matches(selector)) translateElement(root);
  root.querySelectorAll<HTMLElement>(selector).forEach(translateElement);
}
