// The shapes of the people, sign-in and consent API (docs/api-people.md):
// generated schemas (src/openapi) where the API names them.
import type { Schemas } from '../openapi/types';

export type Role = Schemas['Membership']['role'];
export const roles: readonly Role[] = ['youth', 'ambassador', 'moderator', 'partner', 'coordinator'];
/** Roles whose members are young people (date of birth, consent). */
export const youthRoles: readonly Role[] = ['youth', 'ambassador'];

export type Band = Schemas['Me']['band'];
export type ConsentState = NonNullable<Schemas['Me']['consents'][string]>;
export type GuardianStatus = Schemas['Me']['guardian'];
export type ManagedBy = 'youth' | 'guardian' | 'joint' | 'not_allowed';
export type ScopeCode = 'participate' | 'video_appear' | 'video_publish' | 'name_visible_to_partners';

export type Account = Schemas['Account'];

export type Membership = Schemas['Membership'];

export type Me = Schemas['Me'];

export type SessionInfo = { signedIn: false; setupNeeded: boolean } | { signedIn: true; me: Me };

export interface ConsentRecord {
  id?: string;
  scope: string;
  action: 'granted' | 'withdrawn';
  actor: 'self' | 'guardian';
  guardianName?: string;
  method?: string;
  level?: string;
  time: string;
}

export interface YouthScope {
  scope: string;
  name: string;
  youthText: string;
  managedBy: ManagedBy;
  state: ConsentState;
}

export interface MyConsents {
  scopes: YouthScope[];
  guardian: GuardianStatus;
  history: ConsentRecord[];
}

export interface GuardianScope {
  scope: string;
  name: string;
  guardianText: string;
  state: ConsentState;
}

export interface GuardianView {
  childFirstName: string;
  language: string;
  scopes: GuardianScope[];
  history: ConsentRecord[];
}

export interface Organisation {
  id: string;
  name: string;
  kind: 'sic' | 'partner';
  country?: string;
}

export interface PanelSettings {
  moderatorsRequired?: number;
  safeguardingLeadId?: string;
  partnerPostModeration?: boolean;
  reportsToHide?: number;
}

export interface Panel {
  id: string;
  orgId?: string;
  name: string;
  country?: string;
  languages?: string[];
  settings?: PanelSettings;
}

export interface Group {
  id: string;
  panelId?: string;
  name: string;
}

export interface PanelMember {
  accountId: string;
  name: string;
  role: Role;
  groupId?: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  groupId?: string;
  orgId?: string;
  language?: string;
  state?: string;
  expiresAt?: string;
}

export interface PanelDetail {
  panel: Panel;
  /** What the caller may do here (the server's policy decides). */
  can?: { editSettings?: boolean };
  groups: Group[];
  members: PanelMember[];
  invitations?: Invitation[];
}

export interface Watcher {
  role: Role;
  panelId?: string;
  groupId?: string;
  orgId?: string;
}

export interface GroupDetail {
  group: Group;
  panelName: string;
  /** The panel's working languages, first the main one. */
  panelLanguages?: string[];
  members: PanelMember[];
  watchers: Watcher[];
}

export interface InvitationInfo {
  role: Role;
  panelName: string;
  groupName?: string;
  language: string;
  needsBirthDate: boolean;
}

/** A held mail: that it waits, its kind, the recipient's domain and when; to, subject and text only in the demo. */
export interface OutboxMessage {
  id: string;
  kind: string;
  toDomain: string;
  time: string;
  to?: string;
  subject?: string;
  text?: string;
}
