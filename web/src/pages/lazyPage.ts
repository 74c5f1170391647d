// A page whose code loads when it is first opened (the feedback rounds):
// its heading and "Loading…" show at once, so focus lands where it should,
// and the module then fills the same page. The first script stays small.
import type { MessageKey } from '../i18n';
import type { Page } from '../router';
import { asyncPage, showProblem, type AsyncPage } from './people/common';

export function lazyPage(heading: MessageKey, className: string, load: (page: AsyncPage) => Promise<unknown>): Page {
  const page = asyncPage(heading, className);
  load(page).catch((error: unknown) => showProblem(page, error));
  return page;
}
