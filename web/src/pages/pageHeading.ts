import { el } from '../dom';
import type { MessageKey } from '../i18n';

/** The page's <h1>; focusable by script so navigation can move focus to it. */
export function pageHeading(key: MessageKey): HTMLHeadingElement {
  return el('h1', { text: key, attrs: { tabindex: '-1', id: 'page-heading' } });
}
