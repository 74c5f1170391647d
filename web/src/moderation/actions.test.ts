import { describe, expect, it } from 'vitest';
import { actionBody, allowedActions, checkAction } from './actions';
import type { CaseStatus } from './types';

const c = (status: CaseStatus, hidden = false) => ({ status, hiddenByModerator: hidden, hiddenByReports: false });

describe('allowedActions', () => {
  it.each([
    ['open', false, ['approve', 'request_changes', 'hide', 'escalate']],
    ['open', true, ['approve', 'request_changes', 'hide', 'restore', 'escalate']],
    ['changes_requested', false, ['approve', 'hide', 'escalate']],
    ['escalated', false, ['approve', 'request_changes', 'hide']],
    ['hidden', true, ['request_changes', 'restore', 'escalate']],
    ['approved', false, ['hide']],
    ['closed', false, []],
  ] as const)('%s (hidden: %s) allows %j', (status, hidden, want) => {
    expect(allowedActions(c(status, hidden))).toEqual(want);
  });

  it('restores content hidden by reports too', () => {
    expect(allowedActions({ status: 'open', hiddenByModerator: false, hiddenByReports: true })).toContain('restore');
  });

  it('offers only what the server says the person may do', () => {
    expect(allowedActions(c('open'), { approve: false, act: true })).toEqual(['request_changes', 'hide', 'escalate']);
    expect(allowedActions(c('open'), { approve: true, act: false })).toEqual(['approve']);
    expect(allowedActions(c('open'), {})).toEqual(['approve', 'request_changes', 'hide', 'escalate']);
    expect(allowedActions(c('hidden', true), { approve: true, act: true, restore: false })).not.toContain('restore');
  });
});

describe('checkAction', () => {
  it('needs a reason for every action', () => {
    expect(checkAction('approve', '  ', '')).toEqual([{ field: 'reason', key: 'case.reasonRequired' }]);
    expect(checkAction('hide', 'rude', '')).toEqual([]);
  });

  it('needs a message to the author when asking for changes', () => {
    expect(checkAction('request_changes', 'phone number', '')).toEqual([{ field: 'message', key: 'case.messageRequired' }]);
    expect(checkAction('request_changes', '', '')).toHaveLength(2);
    expect(checkAction('request_changes', 'why', 'what')).toEqual([]);
  });

  it('counts characters, not UTF-16 units, up to 1000', () => {
    expect(checkAction('hide', '😀'.repeat(1000), '')).toEqual([]);
    expect(checkAction('hide', 'x'.repeat(1001), '')).toEqual([{ field: 'reason', key: 'case.tooLong', params: { max: 1000 } }]);
  });
});

describe('actionBody', () => {
  it('sends the message only with request_changes, trimmed', () => {
    expect(actionBody('approve', ' ok ', 'ignored')).toEqual({ action: 'approve', reason: 'ok' });
    expect(actionBody('request_changes', ' why ', ' what ')).toEqual({ action: 'request_changes', reason: 'why', message: 'what' });
  });
});
