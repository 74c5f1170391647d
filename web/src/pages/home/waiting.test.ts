import { describe, expect, it } from 'vitest';
import { catalogues } from '../../i18n';
import { waitingKey } from './waiting';

describe('what waits for a young person', () => {
  it('names what a moderator sent back, by kind', () => {
    expect(waitingKey('pledge_comment')).toBe('youthHome.waitComment');
    expect(waitingKey('amendment')).toBe('youthHome.waitAmendment');
    expect(waitingKey('session_message')).toBe('youthHome.waitOther');
    for (const k of ['pledge_comment', 'amendment', 'x']) expect(catalogues.en[waitingKey(k)]).toContain('{title}');
  });
});
