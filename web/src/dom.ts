// A small element builder whose texts come from the catalogue. Translated
// elements carry their keys in data-i18n* attributes, so a language switch
// re-translates the page in place (focus and state stay where they are).
import { getLanguage, t, type MessageKey, type Params } from './i18n';
import { formatTime, languageName, type TimeStyle } from './i18n/format';
import { countryName } from './people/countries';

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
  /** A country code whose name (in the current language) is the element's text. */
  region?: string;
  /** A language code whose name (in the current language: "French", "Französisch") is the element's text. */
  languageOf?: string;
  /** A time (ISO or unix ms) shown in the current language as the element's text. */
  time?: string | number;
  /** How time is shown (date and time by default). */
  timeStyle?: TimeStyle;
}

/** Creates an element; its text and translated attributes follow the current language. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElOptions = {},
  children: readonly Node[] = [],
): HTMLElementTagNameMap[K] {
  if ((options.text || options.region || options.languageOf || options.time !== undefined) && children.length > 0) {
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
  if (options.region) node.dataset.region = options.region;
  if (options.languageOf) node.dataset.languageOf = options.languageOf;
  if (options.time !== undefined) {
    node.dataset.time = String(options.time);
    if (options.timeStyle) node.dataset.timeStyle = options.timeStyle;
  }
  for (const [name, key] of Object.entries(options.i18nAttrs ?? {})) {
    node.setAttribute(`data-i18n-${name}`, key);
  }
  translateElement(node);
  node.append(...children);
  return node;
}

function translateElement(node: HTMLElement): void {
  if (node.dataset.region) node.textContent = countryName(node.dataset.region, getLanguage());
  if (node.dataset.languageOf) node.textContent = languageName(node.dataset.languageOf, getLanguage());
  if (node.dataset.time !== undefined) {
    const raw = node.dataset.time;
    node.textContent = formatTime(/^\d+$/.test(raw) ? Number(raw) : raw, getLanguage(), (node.dataset.timeStyle as TimeStyle | undefined) ?? 'datetime');
  }
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
  const selector = ['[data-i18n]', '[data-region]', '[data-language-of]', '[data-time]', ...translatedAttrs.map((name) => `[data-i18n-${name}]`)].join(',');
  if (root instanceof HTMLElement && root.matches(selector)) translateElement(root);
  root.querySelectorAll<HTMLElement>(selector).forEach(translateElement);
}

/** Gives a translated element a new key (and params), and translates it now. */
export function setText(node: HTMLElement, key: MessageKey, params?: Params): void {
  node.dataset.i18n = key;
  if (params) node.dataset.i18nParams = JSON.stringify(params);
  else delete node.dataset.i18nParams;
  translateElement(node);
}

/** A text node or element showing text that comes from people or the server, never from the catalogue. */
export function plain<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  value: string,
  options: Omit<ElOptions, 'text' | 'params' | 'region' | 'languageOf' | 'time'> = {},
): HTMLElementTagNameMap[K] {
  const node = el(tag, options);
  node.textContent = value;
  return node;
}

/** Shows untranslated text (a name from the server) in an element that may have had a catalogue key. */
export function setPlainText(node: HTMLElement, value: string): void {
  delete node.dataset.i18n;
  delete node.dataset.i18nParams;
  node.textContent = value;
}
