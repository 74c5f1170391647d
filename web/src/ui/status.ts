// The live region for status messages ("Invitation sent", "You are signed
// out"): polite, visible, translated in place, cleared on navigation.
import { el } from '../dom';
import type { MessageKey, Params } from '../i18n';

export interface StatusRegion {
  element: HTMLElement;
  announce(key: MessageKey, params?: Params): void;
  clear(): void;
}

export function statusRegion(): StatusRegion {
  const element = el('div', { className: 'status-region', attrs: { role: 'status', 'aria-live': 'polite', id: 'status' } });
  return {
    element,
    announce(key, params) {
      // A new node each time, so the same message twice is announced twice.
      element.replaceChildren(el('p', { className: 'status-message', text: key, params }));
    },
    clear() {
      element.replaceChildren();
    },
  };
}
