import { describe, expect, it } from 'vitest';
import type { Me, Role } from '../people/types';
import { navItems } from '../routes';
import { mainNav } from './mainNav';

const me = (role: Role): Me => ({
  account: { id: 'a', displayName: 'A', email: 'a@x', language: 'en', createdAt: '2026-01-01T00:00:00Z' },
  band: 'adult',
  memberships: [{ panelId: 'p1', role }],
  consents: {},
  guardian: 'none',
  canEnterWorkspace: true,
});
const links = (nav: ReturnType<typeof mainNav>) => [...nav.element.querySelectorAll('a')].map((a) => a.getAttribute('href'));

describe('mainNav', () => {
  it('offers Moderation only to moderators and coordinators', () => {
    const nav = mainNav(navItems);
    expect(links(nav)).not.toContain('/moderation');
    nav.setPerson(me('youth'));
    expect(links(nav)).not.toContain('/moderation');
    nav.setPerson(me('moderator'));
    expect(links(nav)).toContain('/moderation');
    nav.setPerson(me('coordinator'));
    expect(links(nav)).toContain('/moderation');
    nav.setPerson(null);
    expect(links(nav)).not.toContain('/moderation');
  });

  it('marks Moderation current on its inner pages, and Home only on /', () => {
    const nav = mainNav(navItems);
    nav.setPerson(me('moderator'));
    nav.setCurrent('/moderation/cases/c1');
    const current = [...nav.element.querySelectorAll('a[aria-current=page]')].map((a) => a.getAttribute('href'));
    expect(current).toEqual(['/moderation']);
  });
});

describe('mainNav counts', () => {
  it('shows how many cases wait beside Moderation, as part of the link text, and hides 0', () => {
    const nav = mainNav(navItems);
    nav.setPerson(me('moderator'));
    const link = () => nav.element.querySelector('a[href="/moderation"]');
    nav.setCount('/moderation', 3);
    expect(link()?.textContent).toBe('Moderation3 waiting');
    expect(link()?.querySelector('.nav-count')?.textContent).toBe('3 waiting');
    nav.setCount('/moderation', 0);
    expect(link()?.querySelector('.nav-count')).toBeNull();
    nav.setCount('/pledges', 5); // an entry without a count stays as it is
    expect(nav.element.querySelector('a[href="/pledges"] .nav-count')).toBeNull();
  });
});
