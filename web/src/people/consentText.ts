// Pure mappings from what the API says (states, roles, watchers) to catalogue
// keys, and the "what is missing" steps a young person sees on /me.
import type { MessageKey } from '../i18n';
import type {
  ConsentRecord,
  ConsentState,
  GuardianStatus,
  ManagedBy,
  Me,
  MyConsents,
  Role,
  Watcher,
  YouthScope,
} from './types';

const stateKeys: Readonly<Record<ConsentState, MessageKey>> = {
  granted: 'consent.state.granted',
  not_granted: 'consent.state.notGranted',
  withdrawn: 'consent.state.withdrawn',
  needs_verification: 'consent.state.needsVerification',
  not_allowed: 'consent.state.notAllowed',
  partial: 'consent.state.partial',
};

/** The short label of a consent state ("Yes", "Not yet", …). */
export function stateKey(state: string): MessageKey {
  return stateKeys[state as ConsentState] ?? 'consent.state.unknown';
}

/** A CSS modifier for a state badge. */
export function stateTone(state: string): 'yes' | 'no' | 'wait' {
  if (state === 'granted') return 'yes';
  if (state === 'partial' || state === 'needs_verification') return 'wait';
  return 'no';
}

const guardianStateKeys: Readonly<Record<ConsentState, MessageKey>> = {
  granted: 'guardian.state.granted',
  not_granted: 'guardian.state.notGranted',
  withdrawn: 'guardian.state.withdrawn',
  needs_verification: 'guardian.state.needsVerification',
  not_allowed: 'guardian.state.notAllowed',
  partial: 'guardian.state.partial',
};

/** The state as told to a guardian (plain language, adult register). */
export function guardianStateKey(state: string): MessageKey {
  return guardianStateKeys[state as ConsentState] ?? 'consent.state.unknown';
}

const managerKeys: Readonly<Record<ManagedBy, MessageKey>> = {
  youth: 'consent.managedBy.youth',
  guardian: 'consent.managedBy.guardian',
  joint: 'consent.managedBy.joint',
  not_allowed: 'consent.managedBy.notAllowed',
};

/** Who decides a scope, told to the young person. */
export function managedByKey(managedBy: string): MessageKey {
  return managerKeys[managedBy as ManagedBy] ?? 'consent.managedBy.guardian';
}

const guardianStatusKeys: Readonly<Record<GuardianStatus, MessageKey>> = {
  none: 'guardianStatus.none',
  waiting: 'guardianStatus.waiting',
  approved: 'guardianStatus.approved',
  expired: 'guardianStatus.expired',
  declined: 'guardianStatus.declined',
};

/** "Waiting for your guardian", "Approved", "Expired: ask again". */
export function guardianStatusKey(status: string): MessageKey {
  return guardianStatusKeys[status as GuardianStatus] ?? 'guardianStatus.none';
}

const roleKeys: Readonly<Record<Role, MessageKey>> = {
  youth: 'role.youth',
  ambassador: 'role.ambassador',
  moderator: 'role.moderator',
  partner: 'role.partner',
  coordinator: 'role.coordinator',
};

export function roleKey(role: string): MessageKey {
  return roleKeys[role as Role] ?? 'role.other';
}

/** Whether a young person decides this scope themselves (alone or with their guardian). */
export function youthDecides(scope: Pick<YouthScope, 'managedBy'>): boolean {
  return scope.managedBy === 'youth' || scope.managedBy === 'joint';
}

/** The latest decision of the person themselves on scope, from the ledger. */
export function ownDecision(history: readonly ConsentRecord[], scope: string): 'granted' | 'withdrawn' | null {
  let latest: ConsentRecord | null = null;
  for (const record of history) {
    if (record.scope !== scope || record.actor !== 'self') continue;
    if (!latest || Date.parse(record.time) >= Date.parse(latest.time)) latest = record;
  }
  return latest?.action ?? null;
}

/** The buttons a young person gets for a scope. */
export function youthActions(scope: YouthScope, history: readonly ConsentRecord[]): { grant: boolean; withdraw: boolean } {
  if (!youthDecides(scope) || scope.state === 'not_allowed') return { grant: false, withdraw: false };
  if (scope.managedBy === 'youth') {
    const held = scope.state === 'granted';
    return { grant: !held, withdraw: held };
  }
  // Joint: the child's own yes counts next to the guardian's.
  const own = ownDecision(history, scope.scope);
  const mine = own === 'granted' || (own === null && scope.state === 'granted');
  return { grant: !mine, withdraw: mine };
}

/**
 * What still stands between a young person and the workspace, as catalogue
 * keys in the order to do them. Empty when they can enter.
 */
export function missingSteps(me: Pick<Me, 'canEnterWorkspace' | 'memberships' | 'guardian'>, consents: MyConsents | null): MessageKey[] {
  if (me.canEnterWorkspace) return [];
  const steps: MessageKey[] = [];
  if (!me.memberships.some((m) => m.groupId)) steps.push('missing.noGroup');
  const participate = consents?.scopes.find((s) => s.scope === 'participate');
  if (!participate || participate.state === 'granted') return steps.length ? steps : ['missing.unknown'];
  if (participate.state === 'not_allowed') return [...steps, 'missing.notAllowed'];
  const history = consents?.history ?? [];
  if (youthDecides(participate) && youthActions(participate, history).grant) steps.push('missing.sayYes');
  if (participate.managedBy === 'guardian' || participate.managedBy === 'joint') {
    const guardian = consents?.guardian ?? me.guardian;
    const guardianSaidNo = history.some((r) => r.scope === 'participate' && r.actor === 'guardian' && r.action === 'withdrawn')
      && latestGuardianAction(history, 'participate') === 'withdrawn';
    if (guardianSaidNo) steps.push('missing.guardianWithdrew');
    else if (guardian === 'waiting') steps.push('missing.waitGuardian');
    else if (guardian === 'expired') steps.push('missing.guardianExpired');
    else if (guardian === 'none') steps.push('missing.askGuardian');
    else if (participate.state !== 'partial' || !steps.includes('missing.sayYes')) steps.push('missing.guardianDecides');
  }
  return steps.length ? steps : ['missing.unknown'];
}

function latestGuardianAction(history: readonly ConsentRecord[], scope: string): 'granted' | 'withdrawn' | null {
  let latest: ConsentRecord | null = null;
  for (const record of history) {
    if (record.scope !== scope || record.actor !== 'guardian') continue;
    if (!latest || Date.parse(record.time) >= Date.parse(latest.time)) latest = record;
  }
  return latest?.action ?? null;
}

/** Whether a guardian section belongs on /me: minors, or anyone with a guardian on record. */
export function needsGuardianSection(me: Pick<Me, 'band' | 'guardian'>): boolean {
  return me.band !== 'adult' || me.guardian !== 'none';
}

/** Who can see a group space (safeguarding rule 8), as one line per watcher. */
export function watcherKey(watcher: Watcher): MessageKey {
  switch (watcher.role) {
    case 'moderator':
      return watcher.groupId ? 'watchers.moderatorGroup' : 'watchers.moderatorPanel';
    case 'coordinator':
      return 'watchers.coordinator';
    case 'partner':
      return 'watchers.partner';
    case 'youth':
    case 'ambassador':
      return 'watchers.members';
    default:
      return 'watchers.other';
  }
}

/** Watchers without repeats of the same line. */
export function watcherLines(watchers: readonly Watcher[]): MessageKey[] {
  return [...new Set(watchers.map(watcherKey))];
}

/** A catalogue key with its params. */
export interface KeyWithParams {
  key: MessageKey;
  params: { scope: string };
}

/**
 * What a young person who takes part has not said yes to yet, each with who
 * decides it (the home's "still missing", in plain words). Decisions made
 * (yes or no) and what nobody may grant at their age are not missing.
 */
export function openChoices(consents: MyConsents | null): KeyWithParams[] {
  const out: KeyWithParams[] = [];
  for (const s of consents?.scopes ?? []) {
    if (s.scope === 'participate') continue;
    const params = { scope: s.name };
    if (s.state === 'needs_verification') out.push({ key: 'youthHome.openChecking', params });
    else if (s.state === 'not_granted' || s.state === 'partial') out.push({ key: youthDecides(s) ? 'youthHome.openYours' : 'youthHome.openGuardian', params });
  }
  return out;
}

/** A young person waiting for consent, as the coordinator's home lists them (GET /api/panels/{id}/consents/waiting). */
export interface ConsentWaiting {
  accountId?: string;
  name?: string;
  groupId?: string;
  scopes: Readonly<Record<string, string>>;
  guardian: string;
}

/** Where a young person's consent stands, told to the coordinator. */
export function consentWaitingKey(w: Pick<ConsentWaiting, 'scopes' | 'guardian'>): MessageKey {
  const participate = w.scopes.participate;
  if (!participate || participate === 'needs_verification') return 'staffHome.consentToCheck';
  if (participate === 'partial') return 'staffHome.consentPartial';
  switch (w.guardian) {
    case 'waiting':
      return 'staffHome.consentGuardianWaiting';
    case 'expired':
      return 'staffHome.consentGuardianExpired';
    case 'declined':
      return 'staffHome.consentGuardianDeclined';
    default:
      return 'staffHome.consentNotYet';
  }
}

/** The /me steps that say "below" (where the form is there), as the home page says them: in your choices. */
const homeStepKeys: Readonly<Partial<Record<MessageKey, MessageKey>>> = {
  'missing.sayYes': 'youthHome.sayYes',
  'missing.askGuardian': 'youthHome.askGuardian',
  'missing.guardianExpired': 'youthHome.guardianExpired',
};

export function homeSteps(steps: readonly MessageKey[]): MessageKey[] {
  return steps.map((k) => homeStepKeys[k] ?? k);
}
