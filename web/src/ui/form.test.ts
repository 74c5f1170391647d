import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import { setLanguage } from '../i18n';
import * as v from '../people/validation';
import { linkify } from '../pages/people/outboxPage';
import { errorText, field, form } from './form';

afterEach(() => {
  document.body.replaceChildren();
  setLanguage('en', { remember: false });
});

describe('field', () => {
  it('labels the control and ties hint and error to it', () => {
    const f = field({ name: 'email', label: 'form.email', type: 'email', hint: 'form.languageHint', check: v.email }, 'x-');
    document.body.append(f.element);
    const input = document.getElementById('x-email') as HTMLInputElement;
    expect(document.querySelector('label[for="x-email"]')?.textContent).toBe('E-mail address');
    expect(input.getAttribute('aria-describedby')).toBe('x-email-hint');
    expect(f.validate()).toBe(false);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe('x-email-hint x-email-error');
    expect(document.getElementById('x-email-error')?.textContent).toBe('Enter an e-mail address.');
    setLanguage('fr', { remember: false });
    // the error re-translates with the page
    input.value = 'lea@example.org';
    expect(f.validate()).toBe(true);
    expect(input.hasAttribute('aria-invalid')).toBe(false);
    expect(input.getAttribute('aria-describedby')).toBe('x-email-hint');
  });
});

describe('form', () => {
  it('does not submit with wrong fields and focuses the first one', async () => {
    const name = field({ name: 'n', label: 'form.name', check: v.name });
    const mail = field({ name: 'm', label: 'form.email', check: v.email });
    let sent = 0;
    const f = form({ id: 'f', fields: [name, mail], submit: 'signin.submit', onSubmit: async () => void sent++ });
    document.body.append(f.element);
    (mail.control as HTMLInputElement).value = 'lea@example.org';
    f.element.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(sent).toBe(0);
    expect(document.activeElement).toBe(name.control);
  });

  it('shows the server detail of a failed request in its alert', async () => {
    const name = field({ name: 'n', label: 'form.name', check: v.name });
    (name.control as HTMLInputElement).value = 'Léa';
    const f = form({
      id: 'f',
      fields: [name],
      submit: 'signin.submit',
      onSubmit: () => Promise.reject(new ApiError(400, { type: '/problems/invalid', status: 400, detail: 'That date of birth is in the future.' })),
    });
    document.body.append(f.element);
    f.element.dispatchEvent(new Event('submit', { cancelable: true }));
    await new Promise((r) => setTimeout(r, 0));
    const alert = document.querySelector('[role="alert"]');
    expect(alert?.textContent).toBe('That date of birth is in the future.');
    expect(alert?.querySelector('p')?.getAttribute('lang')).toBe('en');
  });
});

describe('errorText', () => {
  it('falls back to the catalogue when the server said nothing usable', () => {
    expect(errorText(new ApiError(0, null))).toMatchObject({ key: 'error.network' });
    expect(errorText(new ApiError(502, null))).toMatchObject({ key: 'error.server', detail: null });
    expect(errorText(new ApiError(429, { type: '/problems/too_many_requests', status: 429 }, 12))).toMatchObject({ key: 'error.tooManyWait', params: { seconds: 12 } });
    expect(errorText(new Error('x'))).toMatchObject({ key: 'error.unexpected' });
  });
});

describe('linkify', () => {
  it('turns links to this app into same-site route links and leaves other text alone', () => {
    const nodes = linkify('Hello,\nopen http://localhost:8080/guardian/abc.def?x=1. Or see https://example.org/help, thanks');
    const links = nodes.filter((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['/guardian/abc.def?x=1', 'https://example.org/help']);
    expect(links[0]?.hasAttribute('data-route')).toBe(true);
    expect(links[1]?.hasAttribute('data-route')).toBe(false);
    expect(nodes.map((n) => n.textContent).join('')).toBe('Hello,\nopen http://localhost:8080/guardian/abc.def?x=1. Or see https://example.org/help, thanks');
  });
});
