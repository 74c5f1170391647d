// Words for the codes the moderation API sends: categories, kinds,
// statuses, actions, history steps and age bands. Unknown codes (a newer
// server) still show, as "Other (code)", rather than as a blank.
import type { MessageKey, Params } from '../i18n';
import type { CaseKind, CaseStatus, ModerationAction, ReportCategory } from './types';

/** A catalogue key with its params: what el() and setText() take. */
export interface Label {
  key: MessageKey;
  params?: Params;
}

const categoryKeys: Readonly<Record<string, MessageKey>> = {
  bullying: 'category.bullying',
  personal_data: 'category.personalData',
  inappropriate: 'category.inappropriate',
  safeguarding: 'category.safeguarding',
  other: 'category.other',
  email: 'category.email',
  phone: 'category.phone',
  address: 'category.address',
  handle: 'category.handle',
  link: 'category.link',
  word: 'category.word',
  publication: 'category.publication',
  partner_text: 'category.partnerText',
};

export function categoryLabel(code: string): Label {
  const key = categoryKeys[code];
  return key ? { key } : { key: 'category.unknown', params: { code } };
}

/** The child-friendly choices of the report dialog. */
export const reportChoiceKey: Readonly<Record<ReportCategory, MessageKey>> = {
  bullying: 'report.catBullying',
  personal_data: 'report.catPersonalData',
  inappropriate: 'report.catInappropriate',
  safeguarding: 'report.catSafeguarding',
  other: 'report.catOther',
};

export const kindKey: Readonly<Record<CaseKind, MessageKey>> = {
  screening: 'caseKind.screening',
  report: 'caseKind.report',
  publication: 'caseKind.publication',
  partner_text: 'caseKind.partnerText',
};

export function kindLabel(kind: string): Label {
  const key = kindKey[kind as CaseKind];
  return key ? { key } : { key: 'category.unknown', params: { code: kind } };
}

export const statusKey: Readonly<Record<CaseStatus, MessageKey>> = {
  open: 'caseStatus.open',
  changes_requested: 'caseStatus.changesRequested',
  approved: 'caseStatus.approved',
  hidden: 'caseStatus.hidden',
  escalated: 'caseStatus.escalated',
  closed: 'caseStatus.closed',
};

export function statusLabel(status: string): Label {
  const key = statusKey[status as CaseStatus];
  return key ? { key } : { key: 'category.unknown', params: { code: status } };
}

export const actionKey: Readonly<Record<ModerationAction, MessageKey>> = {
  approve: 'action.approve',
  request_changes: 'action.requestChanges',
  hide: 'action.hide',
  restore: 'action.restore',
  escalate: 'action.escalate',
};

const entryKeys: Readonly<Record<string, MessageKey>> = {
  opened: 'caseEntry.opened',
  resubmitted: 'caseEntry.resubmitted',
  reported: 'caseEntry.reported',
  hidden_by_reports: 'caseEntry.hiddenByReports',
  approve: 'caseEntry.approve',
  request_changes: 'caseEntry.requestChanges',
  hide: 'caseEntry.hide',
  restore: 'caseEntry.restore',
  escalate: 'caseEntry.escalate',
  erased: 'caseEntry.erased',
};

/** A line of a case's history (Entry.action). */
export function entryLabel(action: string): Label {
  const key = entryKeys[action];
  return key ? { key } : { key: 'caseEntry.other', params: { code: action } };
}

/** Audit actions (moderation.AuditActions), in the order the search offers them. */
export const auditActions: readonly string[] = [
  'moderation.opened',
  'moderation.resubmitted',
  'moderation.report',
  'moderation.hidden_by_reports',
  'moderation.approve',
  'moderation.request_changes',
  'moderation.hide',
  'moderation.restore',
  'moderation.escalate',
  'moderation.mute',
  'moderation.suspend',
  'moderation.lift',
  'moderation.erased',
  'moderation.account_erased',
  'consent.granted',
  'consent.withdrawn',
  'invitation.sent',
  'invitation.renewed',
  'invitation.revoked',
  'invitation.accepted',
  'panel.setting_changed',
];

const auditKeys: Readonly<Record<string, MessageKey>> = {
  'moderation.opened': 'auditAction.opened',
  'moderation.resubmitted': 'auditAction.resubmitted',
  'moderation.report': 'auditAction.report',
  'moderation.hidden_by_reports': 'auditAction.hiddenByReports',
  'moderation.approve': 'auditAction.approve',
  'moderation.request_changes': 'auditAction.requestChanges',
  'moderation.hide': 'auditAction.hide',
  'moderation.restore': 'auditAction.restore',
  'moderation.escalate': 'auditAction.escalate',
  'moderation.mute': 'auditAction.mute',
  'moderation.suspend': 'auditAction.suspend',
  'moderation.lift': 'auditAction.lift',
  'moderation.erased': 'auditAction.erased',
  'moderation.account_erased': 'auditAction.accountErased',
  'consent.granted': 'auditAction.consentGranted',
  'consent.withdrawn': 'auditAction.consentWithdrawn',
  'invitation.sent': 'auditAction.invitationSent',
  'invitation.renewed': 'auditAction.invitationRenewed',
  'invitation.revoked': 'auditAction.invitationRevoked',
  'invitation.accepted': 'auditAction.invitationAccepted',
  'panel.setting_changed': 'auditAction.settingChanged',
};

export function auditActionLabel(action: string): Label {
  const key = auditKeys[action];
  return key ? { key } : { key: 'caseEntry.other', params: { code: action } };
}

// The scopes by the names the panel's consent page gives them.
const scopeKeys: Readonly<Record<string, MessageKey>> = {
  participate: 'memberConsents.scope.participate',
  video_appear: 'memberConsents.scope.videoAppear',
  video_publish: 'memberConsents.scope.videoPublish',
  name_visible_to_partners: 'memberConsents.scope.nameVisible',
};

const roleKeys: Readonly<Record<string, MessageKey>> = {
  youth: 'role.youth',
  ambassador: 'role.ambassador',
  moderator: 'role.moderator',
  partner: 'role.partner',
  coordinator: 'role.coordinator',
};

// A panel's safeguarding settings by the labels of the settings form.
const settingKeys: Readonly<Record<string, MessageKey>> = {
  moderatorsRequired: 'settings.moderatorsLabel',
  reportsToHide: 'settings.reportsLabel',
  safeguardingLeadId: 'settings.leadLabel',
  'partnerPostModeration.on': 'auditSetting.postModerationOn',
  'partnerPostModeration.off': 'auditSetting.postModerationOff',
};

/** An audit entry's category: a consent scope, an invited role, a panel setting, else a report or hit category. */
export function auditCategoryLabel(action: string, code: string): Label {
  if (action.startsWith('consent.')) return { key: scopeKeys[code] ?? 'memberConsents.scope.other' };
  if (action.startsWith('panel.')) return settingKeys[code] ? { key: settingKeys[code] } : { key: 'auditSetting.other', params: { code } };
  if (action.startsWith('invitation.')) return roleKeys[code] ? { key: roleKeys[code] } : { key: 'role.other' };
  return categoryLabel(code);
}

const contentKeys: Readonly<Record<string, MessageKey>> = {
  pledge_comment: 'audit.content.comment',
  amendment: 'audit.content.amendment',
  pledge_version: 'audit.content.version',
  session_message: 'audit.content.message',
};

/**
 * What an audit entry is about, by name: "Comment on “Clear terms”". The
 * server names it when the trail is read; content erased since has no name.
 */
export function auditContentLabel(e: { contentType?: string; contentId?: string; contentTitle?: string }): Label | null {
  if (!e.contentType) return null;
  if (!e.contentTitle) return { key: 'audit.content.gone' };
  const key = contentKeys[e.contentType];
  if (!key) return { key: 'audit.content.other', params: { title: e.contentTitle } };
  if (e.contentType === 'pledge_version') {
    const n = Number(/:v(\d+)$/.exec(e.contentId ?? '')?.[1] ?? 0);
    return { key, params: { title: e.contentTitle, n } };
  }
  return { key, params: { title: e.contentTitle } };
}

const bandKeys: Readonly<Record<string, MessageKey>> = {
  adult: 'band.adult',
  minor_at_consent_age: 'band.minorAtConsentAge',
  minor_below_consent_age: 'band.minorBelowConsentAge',
};

export function bandLabel(band: string | undefined): Label {
  return { key: (band && bandKeys[band]) || 'band.unknown' };
}
