import { describe, expect, it } from 'vitest';
import { ApiClient } from './api';
import type { Me } from './people/types';
import { isSafeNext, landingPath, Session, signInPath } from './session';

const me = (over: Partial<Me> = {}): Me => ({
  account: { id: 'a1', displayName: 'Léa Martin', email: 'lea@example.org', language: 'en', createdAt: '2026-01-01T00:00:00Z' },
  band: 'minor_below_consent_age',
  memberships: [{ role: 'youth', panelId: 'p1', groupId: 'g1' }],
  consents: {},
  guardian: 'none',
  canEnterWorkspace: false,
  ...over,
});

describe('landingPath', () => {
  it('sends youth who cannot enter yet to /me, even with ?next=', () => {
    expect(landingPath(me(), '/groups/g1')).toBe('/me');
  });

  it('sends youth who can enter to their group, coordinators to panels, partners to their home', () => {
    expect(landingPath(me({ canEnterWorkspace: true }))).toBe('/groups/g1');
    expect(landingPath(me({ band: 'adult', canEnterWorkspace: true, memberships: [{ role: 'coordinator', orgId: 'o1' }] }))).toBe('/panels');
    expect(landingPath(me({ band: 'adult', canEnterWorkspace: true, memberships: [{ role: 'partner', panelId: 'p 2' }] }))).toBe('/');
    expect(landingPath(me({ band: 'adult', canEnterWorkspace: true, memberships: [{ role: 'partner', panelId: 'p1', groupId: 'g1' }] }))).toBe('/');
    expect(landingPath(me({ band: 'adult', memberships: [] }))).toBe('/me');
  });

  it('honours a safe ?next=', () => {
    expect(landingPath(me({ canEnterWorkspace: true }), '/panels/p1')).toBe('/panels/p1');
    expect(landingPath(me({ canEnterWorkspace: true }), '//evil.example/x')).toBe('/groups/g1');
  });

  it('isSafeNext accepts only paths on this site', () => {
    expect(isSafeNext('/me')).toBe(true);
    expect(isSafeNext('//evil.example')).toBe(false);
    expect(isSafeNext('/\\evil.example')).toBe(false);
    expect(isSafeNext('https://evil.example')).toBe(false);
    expect(isSafeNext('javascript:alert(1)')).toBe(false);
  });
});

describe('Session', () => {
  const api = (body: unknown, status = 200) =>
    new ApiClient({ fetch: async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }) });

  it('loads who is signed in and tells listeners', async () => {
    const session = new Session(api({ signedIn: true, me: me() }));
    const seen: boolean[] = [];
    session.onChange((s) => seen.push(s.signedIn));
    await session.ready();
    expect(session.me?.account.displayName).toBe('Léa Martin');
    expect(seen).toEqual([true]);
    session.ended();
    expect(session.me).toBeNull();
    expect(seen).toEqual([true, false]);
  });

  it('counts an error as signed out', async () => {
    const session = new Session(api({ type: '/problems/not_found', status: 404 }, 404));
    expect(await session.ready()).toEqual({ signedIn: false, setupNeeded: false });
  });
});

describe('signInPath', () => {
  it('lands everyone at home, a youth who cannot take part yet on /me, and honours a safe ?next=', () => {
    const youth = (canEnterWorkspace: boolean): Me => ({
      account: { id: 'a', displayName: 'A', email: 'a@x', language: 'en', createdAt: '2026-01-01T00:00:00Z' },
      band: 'minor_below_consent_age',
      memberships: [{ role: 'youth', panelId: 'p1', groupId: 'g1' }],
      consents: {},
      guardian: 'waiting',
      canEnterWorkspace,
    });
    expect(signInPath(youth(true))).toBe('/');
    expect(signInPath(youth(false))).toBe('/me');
    expect(signInPath(youth(false), '/pledges/x')).toBe('/me');
    expect(signInPath(youth(true), '/pledges/x')).toBe('/pledges/x');
    expect(signInPath(youth(true), '//evil.example')).toBe('/');
  });
});
