import { describe, expect, it } from 'vitest';
import { auditCsvPath, auditPagePath, auditParams, auditPath, auditSearchFrom, dayStart } from './audit';

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

  it('keeps the search in the page address and reads it back', () => {
    const s = { panelId: 'p1', person: 'a', contentId: 'c', action: 'moderation.report', from: '2026-01-01', to: '2026-01-31' };
    const path = auditPagePath(s);
    expect(path.startsWith('/moderation/audit?')).toBe(true);
    expect(auditSearchFrom(path.slice(path.indexOf('?')))).toEqual(s);
  });
});
