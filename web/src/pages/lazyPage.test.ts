import { describe, expect, it } from 'vitest';
import { el } from '../dom';
import { lazyModulePage } from './lazyPage';

describe('lazyPage', () => {
  it('shows its heading until the page loads, then the page, with focus moved to its heading', async () => {
    let resolve: (p: { element: HTMLElement; heading: HTMLElement }) => void = () => undefined;
    const page = lazyModulePage('videos.pageHeading', () => new Promise((r) => (resolve = r)));
    document.body.replaceChildren(page.element);
    page.heading.focus();
    expect(page.element.querySelector('h1')?.textContent).toBe('Group videos');
    expect(page.element.querySelector('.loading')).not.toBeNull();
    const h1 = el('h1', { text: 'videos.videoHeading', attrs: { tabindex: '-1' } });
    resolve({ element: el('div', { className: 'real' }, [h1]), heading: h1 });
    await new Promise((r) => setTimeout(r, 0));
    expect(page.element.querySelectorAll('h1')).toHaveLength(1);
    expect(page.element.querySelector('.real h1')).toBe(h1);
    expect(document.activeElement).toBe(h1);
  });

  it('says so when the page cannot load', async () => {
    const page = lazyModulePage('videos.pageHeading', () => Promise.reject(new Error('offline')));
    await new Promise((r) => setTimeout(r, 0));
    expect(page.element.querySelector('[role="alert"]')?.textContent).toBe('We cannot reach Chorus. Check your connection and try again.');
    expect(page.element.querySelector('h1')).toBe(page.heading);
  });
});
