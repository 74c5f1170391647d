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
export type ManagedBy = Schemas['YouthScope']['managedBy'];
export type ScopeCode = 'participate' | 'video_appear' | 'video_publish' | 'name_visible_to_partners';

export type Account = Schemas['Account'];

export type Membership = Schemas['Membership'];

export type Me = Schemas['Me'];

export type SessionInfo = { signedIn: false; setupNeeded: boolean } | { signedIn: true; me: Me };

/** One decision in the consent ledger. */
export type ConsentRecord = Schemas['ConsentRecord'];

export type YouthScope = Schemas['YouthScope'];

export type MyConsents = Schemas['MyConsents'];

/** One scope on the guardian's page, with its purpose and recipients (GDPR Art. 13). */
export type GuardianScope = Schemas['GuardianScope'];

/** The guardian's page: the child's first name, who is responsible for the data, the scopes and the history. */
export type GuardianView = Schemas['GuardianPage'];

export type Organisation = Schemas['Organisation'];

export type PanelSettings = Panel['settings'];

export type Panel = Schemas['Panel'];

export type Group = Schemas['Group'];

export type PanelMember = Schemas['PanelMember'];

export type Invitation = Schemas['Invitation'];

/** A panel's page: its groups, the members the caller may list, what the caller may do; invitations only for those who may invite. */
export type PanelDetail = Schemas['PanelDetail'];

/** Who can see a space or content (rule 8): a role where it is, with the moderators' names when few, and the centre or organisations. */
export type Watcher = Schemas['Watcher'];

/** A group's workspace: its members, who can see it, whether a moderator is a member (only then can anyone write here, rule 1). */
export type GroupDetail = Schemas['GroupDetail'];

/** What an invitation link says before it is accepted. */
export type InvitationInfo = Schemas['InvitationInfo'];
