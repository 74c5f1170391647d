// What waits for a young person (GET /api/me/waiting): their content a
// moderator sent back for a change, said in their words.
import type { MessageKey } from '../../i18n';
import type { Schemas } from '../../openapi/types';

export type Waiting = Schemas['Waiting'];

const keys: Readonly<Record<string, MessageKey>> = {
  pledge_comment: 'youthHome.waitComment',
  amendment: 'youthHome.waitAmendment',
};

/** "A moderator asked you to change your comment on “{title}”." */
export function waitingKey(contentType: string): MessageKey {
  return keys[contentType] ?? 'youthHome.waitOther';
}
