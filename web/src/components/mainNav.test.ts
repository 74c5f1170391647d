import { describe, expect, it } from 'vitest';
import type { Me, Role } from '../people/types';
import { navItems } from '../routes';
import { mainNav } from './mainNav';

const me = (role: Role): Me => ({
  account: { id: 'a', displayName: 'A', email: 'a@x', language: 'en' },
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
