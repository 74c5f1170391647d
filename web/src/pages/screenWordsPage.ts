// /panels/:id/screen-words (coordinators of the panel): the panel's own
// screening words, one per line, and who changed them when. Screening holds
// every text of the panel that contains one, in any language, from the next
// text on. A page of its own so that the panel settings can link to it.
import { ApiError, apiPath } from '../api';
import type { AppContext } from '../context';
import { el } from '../dom';
import { type MessageKey, type Params } from '../i18n';
import type { Schemas } from '../openapi/types';
import type { Page } from '../router';
import { button, errorParagraphs } from '../ui/form';
import { asyncPage, fill, section, showProblem, signedInOrPrompt, timeEl } from './people/common';

/** A panel's own screening words with their history (schema ScreenWords). */
export type ScreenWords = Schemas['ScreenWords'];
export type ScreenWordsChange = ScreenWords['changes'][number];

/** The words of the text area: one per line, trimmed, blank lines left out. */
export function wordsOf(text: string): string[] {
  return text
    .split('\n')
    .map((w) => w.trim())
    .filter((w) => w !== '');
}

/** What is wrong with a list before it is sent, or null. */
export function checkWords(words: readonly string[], maxWords: number, maxLength: number): { key: MessageKey; params?: Params } | null {
  if (words.length > maxWords) return { key: 'screenWords.tooMany', params: { max: maxWords } };
  for (const w of words) {
    if ([...w].length > maxLength) return { key: 'screenWords.tooLong', params: { word: w, max: maxLength } };
    if (!/\p{L}/u.test(w)) return { key: 'screenWords.noLetter', params: { word: w } };
  }
  return null;
}

export function screenWordsPage(ctx: AppContext, params: Record<string, string>): Page {
  const page = asyncPage('screenWords.heading', 'screen-words-page');
  const path = apiPath`/api/panels/${params.id ?? ''}/screen-words`;
  let version = 0;

  const history = el('div', { className: 'screen-words-history' });
  const showHistory = (list: ScreenWords) => {
    history.replaceChildren(
      list.changes.length
        ? el(
            'ol',
            { className: 'change-list' },
            list.changes.map((c) =>
              el('li', { className: 'change' }, [
                el('p', { className: 'change-who', text: 'screenWords.changedBy', params: { name: c.actorName || c.actor } }, []),
                el('p', {}, [timeEl(c.at)]),
                ...(c.added.length ? [el('p', { text: 'screenWords.added', params: { words: c.added.join(', ') } })] : []),
                ...(c.removed.length ? [el('p', { text: 'screenWords.removed', params: { words: c.removed.join(', ') } })] : []),
              ]),
            ),
          )
        : el('p', { text: 'screenWords.noChanges' }),
    );
  };

  const show = (list: ScreenWords) => {
    version = list.version;
    const hintId = 'screen-words-hint';
    const errorId = 'screen-words-error';
    const area = el('textarea', { attrs: { id: 'screen-words', name: 'words', rows: '12', 'aria-describedby': hintId, spellcheck: 'false' } });
    area.value = list.words.join('\n');
    const error = el('p', { className: 'field-error', attrs: { id: errorId, hidden: '' } });
    const alert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
    const showError = (problem: { key: MessageKey; params?: Params } | null) => {
      if (problem) {
        error.replaceChildren(el('span', { text: problem.key, params: problem.params }));
        error.hidden = false;
        area.setAttribute('aria-invalid', 'true');
        area.setAttribute('aria-describedby', `${hintId} ${errorId}`);
      } else {
        error.hidden = true;
        error.replaceChildren();
        area.removeAttribute('aria-invalid');
        area.setAttribute('aria-describedby', hintId);
      }
    };
    const save = button('screenWords.save', undefined, { type: 'submit', className: 'button button-primary' });
    const form = el('form', { className: 'form screen-words-form', attrs: { novalidate: '' } }, [
      el('div', { className: 'field field-textarea' }, [
        el('label', { text: 'screenWords.label', attrs: { for: 'screen-words' } }),
        el('p', { className: 'field-hint', text: 'screenWords.hint', params: { max: list.maxWords, length: list.maxLength }, attrs: { id: hintId } }),
        error,
        area,
      ]),
      alert,
      el('div', { className: 'form-actions' }, [save]),
    ]);
    let busy = false;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (busy) return;
      alert.replaceChildren();
      const words = wordsOf(area.value);
      const problem = checkWords(words, list.maxWords, list.maxLength);
      showError(problem);
      if (problem) {
        area.focus();
        return;
      }
      busy = true;
      save.setAttribute('aria-disabled', 'true');
      ctx.api
        .request<ScreenWords>('PUT', path, { body: { version, words } })
        .then((saved) => {
          version = saved.version;
          area.value = saved.words.join('\n');
          showHistory(saved);
          ctx.announce('screenWords.saved');
        })
        .catch((err: unknown) => {
          const conflict = err instanceof ApiError && err.kind === 'conflict';
          alert.replaceChildren(...(conflict ? [el('p', { text: 'screenWords.conflict' })] : []), ...errorParagraphs(err));
        })
        .finally(() => {
          busy = false;
          save.removeAttribute('aria-disabled');
        });
    });
    showHistory(list);
    fill(page.body, [
      el('p', { className: 'lead', text: 'screenWords.lead' }),
      form,
      section('screen-words-changes', 'screenWords.historyHeading', [history]),
    ]);
  };

  const load = async () => {
    if (!(await signedInOrPrompt(ctx, page))) return;
    show(await ctx.api.get<ScreenWords>(path));
  };
  void load().catch((error: unknown) => showProblem(page, error, { forbidden: 'screenWords.forbiddenHint' }));
  return page;
}
