import { el } from '../dom';

/** "Need help?": who to talk to and the free child helpline 116 111. */
export function helpBox(): HTMLElement {
  return el('aside', { className: 'help-box', attrs: { 'aria-labelledby': 'help-heading' } }, [
    el('h2', { text: 'help.heading', attrs: { id: 'help-heading' } }),
    el('p', { text: 'help.text' }),
  ]);
}
