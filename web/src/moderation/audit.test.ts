import { describe, expect, it } from 'vitest';
import { auditCsvPath, auditPagePath, auditParams, auditPath, auditSearchFrom, dayStart } from './audit';
import { auditActions, auditActionLabel, auditCategoryLabel, auditContentLabel } from './labels';

describe('audit search', () => {
  it('turns a date into the start of that local day, in UTC', () => {
    const start = dayStart('2026-03-01');
    expect(start).toBe(new Date(2026, 2, 1).toISOString().replace('.000Z', 'Z'));
    expect(dayStart('2026-03-31', 1)).toBe(new Date(2026, 3, 1).toISOString().replace('.000Z', 'Z'));
    expect(dayStart('1 March')).toBeNull();
  });

  it('makes "to" include its whole day', () => {
    const p = auditParams({ from: '2026-03-01', to: '2026-03-01' });
    expect(p.from).toBe(dayStart('2026-03-01'));
    expect(p.to).toBe(dayStart('2026-03-02'));
  });

  it('gives the table and the CSV the same filters', () => {
    const s = { panelId: 'p1', person: ' acc ', action: 'moderation.hide', contentId: '' };
    expect(auditPath(s)).toBe('/api/moderation/audit?panelId=p1&person=acc&action=moderation.hide');
    expect(auditPath(s, 'cur')).toBe('/api/moderation/audit?panelId=p1&person=acc&action=moderation.hide&after=cur');
    expect(auditCsvPath(s)).toBe('/api/moderation/audit.csv?panelId=p1&person=acc&action=moderation.hide');
  });

  it('searches by a person’s name and a content title as typed', () => {
    expect(auditPath({ person: ' Léa Dubois ', content: ' Clear terms ' })).toBe('/api/moderation/audit?person=L%C3%A9a+Dubois&content=Clear+terms');
  });

  it('keeps the search in the page address and reads it back', () => {
    const s = { panelId: 'p1', person: 'Sam', content: 'Clear terms', contentId: 'c', action: 'moderation.report', from: '2026-01-01', to: '2026-01-31' };
    const path = auditPagePath(s);
    expect(path.startsWith('/moderation/audit?')).toBe(true);
    expect(auditSearchFrom(path.slice(path.indexOf('?')))).toEqual(s);
  });
});

describe('audit words', () => {
  it('names content by what it belongs to, not by its id', () => {
    expect(auditContentLabel({ contentType: 'pledge_comment', contentId: 'c1', contentTitle: 'Clear terms' })).toEqual({ key: 'audit.content.comment', params: { title: 'Clear terms' } });
    expect(auditContentLabel({ contentType: 'pledge_version', contentId: 'p:v0002', contentTitle: 'Clear terms' })).toEqual({ key: 'audit.content.version', params: { title: 'Clear terms', n: 2 } });
    expect(auditContentLabel({ contentType: 'amendment', contentId: 'a', contentTitle: 'T' })?.key).toBe('audit.content.amendment');
    expect(auditContentLabel({ contentType: 'session_message', contentId: 'm', contentTitle: 'Meet' })?.key).toBe('audit.content.message');
    // Erased content has no name any more; an unknown kind still shows.
    expect(auditContentLabel({ contentType: 'pledge_comment', contentId: 'c1' })).toEqual({ key: 'audit.content.gone' });
    expect(auditContentLabel({ contentType: 'poll', contentId: 'x', contentTitle: 'Q' })).toEqual({ key: 'audit.content.other', params: { title: 'Q' } });
    expect(auditContentLabel({})).toBeNull();
  });

  it('has words for consent changes and invitations, and their scopes and roles', () => {
    for (const a of ['consent.granted', 'consent.withdrawn', 'invitation.sent', 'invitation.renewed', 'invitation.revoked', 'invitation.accepted']) {
      expect(auditActions).toContain(a);
      expect(auditActionLabel(a).key).not.toBe('caseEntry.other');
    }
    expect(auditCategoryLabel('consent.granted', 'video_publish')).toEqual({ key: 'memberConsents.scope.videoPublish' });
    expect(auditCategoryLabel('invitation.sent', 'moderator')).toEqual({ key: 'role.moderator' });
    expect(auditCategoryLabel('moderation.report', 'bullying')).toEqual({ key: 'category.bullying' });
  });

  it('names each safeguarding setting a coordinator changed, and whether partner post-moderation went on or off', () => {
    expect(auditActions).toContain('panel.setting_changed');
    expect(auditActionLabel('panel.setting_changed')).toEqual({ key: 'auditAction.settingChanged' });
    expect(auditCategoryLabel('panel.setting_changed', 'moderatorsRequired')).toEqual({ key: 'settings.moderatorsLabel' });
    expect(auditCategoryLabel('panel.setting_changed', 'reportsToHide')).toEqual({ key: 'settings.reportsLabel' });
    expect(auditCategoryLabel('panel.setting_changed', 'safeguardingLeadId')).toEqual({ key: 'settings.leadLabel' });
    expect(auditCategoryLabel('panel.setting_changed', 'partnerPostModeration.on')).toEqual({ key: 'auditSetting.postModerationOn' });
    expect(auditCategoryLabel('panel.setting_changed', 'partnerPostModeration.off')).toEqual({ key: 'auditSetting.postModerationOff' });
    expect(auditCategoryLabel('panel.setting_changed', 'somethingNew')).toEqual({ key: 'auditSetting.other', params: { code: 'somethingNew' } });
  });
});
