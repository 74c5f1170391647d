import { describe, expect, it } from 'vitest';
import { answerProblems, cleanBody, isHttpsUrl, latestDue, stanceIcon, stanceKey } from './answer';
import { stances, type AnswerBody } from './types';

const now = new Date(2026, 11, 3, 12, 0, 0);
const body = (over: Partial<AnswerBody> = {}): AnswerBody => ({ stance: 'commit', explanation: 'We will.', actions: [], evidence: [], ...over });

describe('a partner’s answer', () => {
  it('accepts only https links with a host', () => {
    expect(isHttpsUrl('https://appco.example/report')).toBe(true);
    for (const bad of ['javascript:alert(1)', 'data:text/html,hi', 'http://appco.example', 'https://', 'appco.example', 'https://x.example/' + 'a'.repeat(500)]) {
      expect(isHttpsUrl(bad), bad).toBe(false);
    }
  });

  it('needs a stance and an explanation to submit, not to keep a draft', () => {
    const empty = body({ stance: '', explanation: '  ' });
    expect(answerProblems(empty, true, now).map((p) => p.field)).toEqual(['stance', 'explanation']);
    expect(answerProblems(empty, false, now)).toEqual([]);
  });

  it('checks action dates: after today, within five years', () => {
    const b = body({ actions: [{ text: 'A', dueDate: '2026-12-03' }, { text: 'B', dueDate: '2027-03-03' }, { text: 'C', dueDate: latestDue(now) }, { text: 'D', dueDate: '2031-12-04' }, { text: '', dueDate: '' }] });
    expect(answerProblems(b, true, now)).toEqual([
      { field: 'action-0-due', key: 'roundPartner.dueAfterToday' },
      { field: 'action-3-due', key: 'roundPartner.dueTooLate' },
      { field: 'action-4-text', key: 'roundPartner.actionTextRequired' },
      { field: 'action-4-due', key: 'roundPartner.dueRequired' },
    ]);
  });

  it('keeps to the limits: long texts, too many actions or links, bad links', () => {
    const b = body({ explanation: 'x'.repeat(4001), actions: Array.from({ length: 11 }, () => ({ text: 'a', dueDate: '2027-01-01' })), evidence: ['https://ok.example', 'http://no.example', ...Array.from({ length: 9 }, () => 'https://a.example')] });
    const fields = answerProblems(b, false, now).map((p) => p.field);
    expect(fields).toEqual(['explanation', 'actions', 'evidence', 'evidence-1']);
  });

  it('sends what was typed, trimmed, without empty rows', () => {
    expect(cleanBody(body({ explanation: ' We will. ', actions: [{ text: ' Do it ', dueDate: '2027-01-01' }, { text: '', dueDate: '' }], evidence: [' https://a.example ', ''] }))).toEqual({
      stance: 'commit',
      explanation: 'We will.',
      actions: [{ text: 'Do it', dueDate: '2027-01-01' }],
      evidence: ['https://a.example'],
    });
  });

  it('names every stance with a word and a distinct icon', () => {
    expect(stances.map((s) => stanceKey[s])).toEqual(['stance.commit', 'stance.partly', 'stance.exploring', 'stance.decline']);
    expect(new Set(stances.map((s) => stanceIcon[s])).size).toBe(4);
  });
});
