// What pages need from the app: the API, the session, navigation and the
// status region. mountApp builds one and hands it to the route table.
import type { ApiClient } from './api';
import type { MessageKey, Params } from './i18n';
import type { Session } from './session';

export interface AppContext {
  api: ApiClient;
  session: Session;
  /** Shows path (adds it to the history and moves focus to its heading). */
  navigate(path: string): void;
  /** Puts a message in the status live region. */
  announce(key: MessageKey, params?: Params): void;
}
