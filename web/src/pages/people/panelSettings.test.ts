import { describe, expect, it } from 'vitest';
import { settingLimits, wholeNumber } from './panelSettings';

describe('panel settings checks', () => {
  it('takes whole numbers within the limits and nothing else', () => {
    expect(wholeNumber('2', 1, settingLimits.moderatorsMax)).toBe(2);
    expect(wholeNumber(' 10 ', 1, settingLimits.moderatorsMax)).toBe(10);
    for (const bad of ['0', '11', '-1', '1.5', '2e1', '', 'two']) expect(wholeNumber(bad, 1, settingLimits.moderatorsMax), bad).toBeNull();
    expect(wholeNumber('20', 1, settingLimits.reportsMax)).toBe(20);
    expect(wholeNumber('21', 1, settingLimits.reportsMax)).toBeNull();
  });
});
