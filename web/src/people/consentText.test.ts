import { describe, expect, it } from 'vitest';
import { catalogues } from '../i18n';
import {
  guardianStatusKey,
  managedByKey,
  consentWaitingKey,
  homeSteps,
  missingSteps,
  openChoices,
  needsGuardianSection,
  ownDecision,
  roleKey,
  stateKey,
  watcherLines,
  youthActions,
} from './consentText';
import type { ConsentRecord, Me, MyConsents, YouthScope } from './types';

const en = catalogues.en;

const scope = (over: Partial<YouthScope>): YouthScope => ({
  scope: 'participate',
  name: 'Take part in the panel',
  youthText: '…',
  managedBy: 'guardian',
  state: 'not_granted',
  ...over,
});
const record = (over: Partial<ConsentRecord>): ConsentRecord => ({
  scope: 'participate',
  action: 'granted',
  actor: 'self',
  time: '2026-01-01T10:00:00Z',
  ...over,
});
const me = (over: Partial<Me> = {}): Pick<Me, 'canEnterWorkspace' | 'memberships' | 'guardian'> => ({
  canEnterWorkspace: false,
  memberships: [{ role: 'youth', panelId: 'p1', groupId: 'g1', groupName: 'Group A' }],
  guardian: 'none',
  ...over,
});
const consents = (scopes: YouthScope[], history: ConsentRecord[] = [], guardian: MyConsents['guardian'] = 'none'): MyConsents => ({
  scopes,
  history,
  guardian,
});

describe('state to text', () => {
  it('maps every consent state to its own text, and unknown ones to "Unknown"', () => {
    const states = ['granted', 'not_granted', 'withdrawn', 'needs_verification', 'not_allowed', 'partial'];
    const texts = states.map((s) => en[stateKey(s)]);
    expect(new Set(texts).size).toBe(states.length);
    expect(en[stateKey('granted')]).toBe('Yes');
    expect(en[stateKey('bogus')]).toBe('Unknown');
  });

  it('says the guardian states the way the issue words them', () => {
    expect(en[guardianStatusKey('waiting')]).toBe('Waiting for your guardian');
    expect(en[guardianStatusKey('approved')]).toBe('Approved');
    // A guardian who answered and agreed to nothing is not "no guardian named yet".
    expect(guardianStatusKey('declined')).toBe('guardianStatus.declined');
    expect(en[guardianStatusKey('expired')]).toBe('Expired: ask again');
    expect(guardianStatusKey('nonsense')).toBe('guardianStatus.none');
  });

  it('names who decides and every role', () => {
    expect(en[managedByKey('joint')]).toMatch(/both/);
    for (const role of ['youth', 'ambassador', 'moderator', 'partner', 'coordinator']) expect(roleKey(role)).toBe(`role.${role}`);
    expect(roleKey('x')).toBe('role.other');
  });
});

describe('youthActions', () => {
  it('offers yes or take back for scopes the youth decides alone', () => {
    expect(youthActions(scope({ managedBy: 'youth', state: 'not_granted' }), [])).toEqual({ grant: true, withdraw: false });
    expect(youthActions(scope({ managedBy: 'youth', state: 'withdrawn' }), [])).toEqual({ grant: true, withdraw: false });
    expect(youthActions(scope({ managedBy: 'youth', state: 'granted' }), [])).toEqual({ grant: false, withdraw: true });
  });

  it('offers nothing where the guardian decides or nobody may', () => {
    expect(youthActions(scope({ managedBy: 'guardian', state: 'granted' }), [])).toEqual({ grant: false, withdraw: false });
    expect(youthActions(scope({ managedBy: 'not_allowed', state: 'not_allowed' }), [])).toEqual({ grant: false, withdraw: false });
  });

  it('follows the youth\'s own latest decision for joint scopes', () => {
    const joint = scope({ managedBy: 'joint', state: 'partial' });
    expect(youthActions(joint, [])).toEqual({ grant: true, withdraw: false });
    expect(youthActions(joint, [record({})])).toEqual({ grant: false, withdraw: true });
    expect(youthActions(joint, [record({}), record({ action: 'withdrawn', time: '2026-01-02T00:00:00Z' })])).toEqual({ grant: true, withdraw: false });
    // The guardian's records are not the youth's.
    expect(youthActions(joint, [record({ actor: 'guardian' })])).toEqual({ grant: true, withdraw: false });
  });

  it('ownDecision takes the latest record of the person themselves', () => {
    expect(ownDecision([record({ time: '2026-01-03T00:00:00Z', action: 'withdrawn' }), record({ time: '2026-01-02T00:00:00Z' })], 'participate')).toBe('withdrawn');
    expect(ownDecision([record({ scope: 'video_appear' })], 'participate')).toBeNull();
  });
});

describe('missingSteps', () => {
  it('is empty when the youth can enter', () => {
    expect(missingSteps(me({ canEnterWorkspace: true }), null)).toEqual([]);
  });

  it('a 13-year-old in France: say yes yourself, and ask a guardian', () => {
    const c = consents([scope({ managedBy: 'joint' })]);
    expect(missingSteps(me(), c)).toEqual(['missing.sayYes', 'missing.askGuardian']);
  });

  it('after naming a guardian: waiting', () => {
    const c = consents([scope({ managedBy: 'joint', state: 'partial' })], [record({})], 'waiting');
    expect(missingSteps(me({ guardian: 'waiting' }), c)).toEqual(['missing.waitGuardian']);
  });

  it('an expired guardian link: ask again', () => {
    const c = consents([scope({ managedBy: 'guardian' })], [], 'expired');
    expect(missingSteps(me(), c)).toEqual(['missing.guardianExpired']);
  });

  it('the guardian withdrew', () => {
    const c = consents(
      [scope({ managedBy: 'guardian', state: 'withdrawn' })],
      [record({ actor: 'guardian' }), record({ actor: 'guardian', action: 'withdrawn', time: '2026-02-01T00:00:00Z' })],
      'approved',
    );
    expect(missingSteps(me({ guardian: 'approved' }), c)).toEqual(['missing.guardianWithdrew']);
  });

  it('a youth who decides alone and took back their yes', () => {
    const c = consents([scope({ managedBy: 'youth', state: 'withdrawn' })]);
    expect(missingSteps(me(), c)).toEqual(['missing.sayYes']);
  });

  it('no group yet, not allowed, and unknown causes', () => {
    expect(missingSteps(me({ memberships: [{ role: 'youth', panelId: 'p' }] }), consents([scope({ state: 'granted' })]))).toEqual(['missing.noGroup']);
    expect(missingSteps(me(), consents([scope({ managedBy: 'not_allowed', state: 'not_allowed' })]))).toEqual(['missing.notAllowed']);
    expect(missingSteps(me(), null)).toEqual(['missing.unknown']);
  });

  it('every step has a text', () => {
    for (const key of ['missing.sayYes', 'missing.askGuardian', 'missing.waitGuardian', 'missing.guardianExpired', 'missing.guardianWithdrew', 'missing.noGroup', 'missing.notAllowed', 'missing.unknown', 'missing.guardianDecides'] as const) {
      expect(en[key]).toBeTruthy();
    }
  });
});

describe('guardian section and watchers', () => {
  it('shows the guardian section to minors and to anyone with a guardian on record', () => {
    expect(needsGuardianSection({ band: 'minor_below_consent_age', guardian: 'none' })).toBe(true);
    expect(needsGuardianSection({ band: 'minor_at_consent_age', guardian: 'none' })).toBe(true);
    expect(needsGuardianSection({ band: 'adult', guardian: 'none' })).toBe(false);
    expect(needsGuardianSection({ band: 'adult', guardian: 'approved' })).toBe(true);
  });

  it('says who can see a space, once per kind of watcher', () => {
    expect(
      watcherLines([
        { role: 'moderator', panelId: 'p1' },
        { role: 'moderator', panelId: 'p1' },
        { role: 'coordinator', panelId: 'p1' },
        { role: 'partner', orgId: 'o1' },
        { role: 'moderator', panelId: 'p1', groupId: 'g1' },
      ]),
    ).toEqual(['watchers.moderatorPanel', 'watchers.coordinator', 'watchers.partner', 'watchers.moderatorGroup']);
  });
});

describe('what a young person who takes part has still not said yes to', () => {
  it('names each open choice and who decides it, in plain words', () => {
    const got = openChoices(
      consents([
        scope({ scope: 'participate', state: 'granted' }),
        scope({ scope: 'video_appear', name: 'Be in group videos', managedBy: 'youth', state: 'not_granted' }),
        scope({ scope: 'video_publish', name: 'Show videos to partners', managedBy: 'guardian', state: 'not_granted' }),
        scope({ scope: 'name_visible_to_partners', name: 'Show my full name', managedBy: 'guardian', state: 'needs_verification' }),
      ]),
    );
    expect(got).toEqual([
      { key: 'youthHome.openYours', params: { scope: 'Be in group videos' } },
      { key: 'youthHome.openGuardian', params: { scope: 'Show videos to partners' } },
      { key: 'youthHome.openChecking', params: { scope: 'Show my full name' } },
    ]);
  });

  it('leaves out what was decided, what nobody may grant at that age, and taking part itself', () => {
    const got = openChoices(
      consents([
        scope({ scope: 'participate', state: 'not_granted' }),
        scope({ scope: 'video_appear', state: 'withdrawn', managedBy: 'youth' }),
        scope({ scope: 'video_publish', state: 'not_allowed' }),
        scope({ scope: 'name_visible_to_partners', state: 'granted' }),
      ]),
    );
    expect(got).toEqual([]);
    expect(openChoices(null)).toEqual([]);
  });
});

describe('consent waiting, for the coordinator', () => {
  it('says where each young person stands', () => {
    expect(consentWaitingKey({ scopes: { participate: 'not_granted' }, guardian: 'none' })).toBe('staffHome.consentNotYet');
    expect(consentWaitingKey({ scopes: { participate: 'not_granted' }, guardian: 'waiting' })).toBe('staffHome.consentGuardianWaiting');
    expect(consentWaitingKey({ scopes: { participate: 'partial' }, guardian: 'approved' })).toBe('staffHome.consentPartial');
    expect(consentWaitingKey({ scopes: { participate: 'not_granted' }, guardian: 'expired' })).toBe('staffHome.consentGuardianExpired');
    expect(consentWaitingKey({ scopes: { participate: 'not_granted' }, guardian: 'declined' })).toBe('staffHome.consentGuardianDeclined');
    expect(consentWaitingKey({ scopes: { video_publish: 'needs_verification' }, guardian: 'approved' })).toBe('staffHome.consentToCheck');
  });
});

describe('missing steps on the home page', () => {
  it('point to the choices page instead of "below"', () => {
    expect(homeSteps(['missing.sayYes', 'missing.askGuardian', 'missing.guardianExpired', 'missing.waitGuardian'])).toEqual([
      'youthHome.sayYes',
      'youthHome.askGuardian',
      'youthHome.guardianExpired',
      'missing.waitGuardian',
    ]);
    for (const key of homeSteps(['missing.sayYes', 'missing.askGuardian', 'missing.guardianExpired'])) expect(en[key]).not.toMatch(/below/);
  });
});
