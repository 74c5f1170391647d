import { describe, expect, it } from 'vitest';
import { catalogues } from '../i18n';
import { actionKey, auditActionLabel, auditActions, bandLabel, categoryLabel, entryLabel, kindLabel, reportChoiceKey, statusLabel } from './labels';
import { caseCategories, caseKinds, caseStatuses, moderationActions, reportCategories } from './types';

describe('moderation labels', () => {
  it('names every code the server sends with its own text', () => {
    for (const c of caseCategories) expect(categoryLabel(c).key, c).not.toBe('category.unknown');
    for (const k of caseKinds) expect(kindLabel(k).key, k).toMatch(/^caseKind\./);
    for (const s of caseStatuses) expect(statusLabel(s).key, s).toMatch(/^caseStatus\./);
    for (const a of moderationActions) expect(catalogues.en[actionKey[a]], a).toBeTruthy();
    for (const a of auditActions) expect(auditActionLabel(a).key, a).toMatch(/^auditAction\./);
    for (const r of reportCategories) expect(catalogues.en[reportChoiceKey[r]], r).toBeTruthy();
    for (const e of ['opened', 'resubmitted', 'reported', 'hidden_by_reports', ...moderationActions]) expect(entryLabel(e).key, e).not.toBe('caseEntry.other');
  });

  it('shows unknown codes rather than nothing', () => {
    expect(categoryLabel('spam')).toEqual({ key: 'category.unknown', params: { code: 'spam' } });
    expect(entryLabel('archived')).toEqual({ key: 'caseEntry.other', params: { code: 'archived' } });
    expect(bandLabel(undefined).key).toBe('band.unknown');
    expect(bandLabel('minor_below_consent_age').key).toBe('band.minorBelowConsentAge');
  });

  it('offers report choices in words for young people, different from the moderators’ names', () => {
    expect(catalogues.en[reportChoiceKey.safeguarding]).not.toBe(catalogues.en['category.safeguarding']);
  });
});
