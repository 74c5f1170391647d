// The group page's pledges: the list, and "New pledge" (title, language).
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain } from '../../dom';
import { languages } from '../../i18n';
import type { PledgeSummary } from '../../pledges/types';
import { field, form } from '../../ui/form';
import { section } from '../people/common';
import { stateKey } from './pledgePage';

/** What the group lets the reader do here (the server checks again). */
export interface GroupWriting {
  /** Whether the policy lets the reader start a pledge here. */
  canStart: boolean;
  /** Whether a moderator is a member: without one nobody writes here (rule 1). */
  hasModerator: boolean;
}

/** The group's pledges; a new one starts in startLanguage (see pledgeLanguage). */
export function groupPledges(ctx: AppContext, groupId: string, startLanguage: string, writing: GroupWriting = { canStart: true, hasModerator: true }): HTMLElement {
  const list = el('div', { className: 'pledge-list', attrs: { 'aria-busy': 'true' } }, [el('p', { className: 'loading', text: 'common.loading' })]);
  const load = async () => {
    try {
      const { pledges } = await ctx.api.get<{ pledges: PledgeSummary[] }>(apiPath`/api/groups/${groupId}/pledges`);
      list.replaceChildren(
        pledges.length
          ? el(
              'ul',
              { className: 'pledge-summaries' },
              pledges.map((p) =>
                el('li', {}, [
                  plain('a', p.title, { attrs: { href: apiPath`/pledges/${p.id}`, 'data-route': '', lang: p.language } }),
                  document.createTextNode(' · '),
                  el('span', { className: 'badge', text: stateKey[p.state] }),
                  document.createTextNode(' · '),
                  el('span', { text: 'pledgeList.items', params: { n: p.items } }),
                ]),
              ),
            )
          : el('p', { className: 'empty', text: 'pledgeList.none' }),
      );
    } catch {
      // The list and the form stand or fall together: no "New pledge" beside "cannot be shown".
      list.replaceChildren(el('p', { text: 'pledgeList.unavailable' }));
      newPledge.hidden = true;
    } finally {
      list.removeAttribute('aria-busy');
    }
  };
  const title = field({ name: 'title', label: 'pledgeList.titleLabel', hint: 'pledgeList.titleHint', attrs: { maxlength: '200' }, check: (v) => (v.trim() ? null : 'pledgeList.titleEmpty') }, 'new-pledge-');
  const language = field(
    {
      name: 'language',
      label: 'pledgeList.languageLabel',
      type: 'select',
      options: languages.map((lang) => ({ value: lang, languageOf: lang })),
      value: startLanguage,
    },
    'new-pledge-',
  );
  const create = form({
    id: 'new-pledge',
    fields: [title, language],
    submit: 'pledgeList.create',
    onSubmit: async () => {
      const { pledge } = await ctx.api.post<{ pledge: { id: string } }>(apiPath`/api/groups/${groupId}/pledges`, { title: title.value.trim(), language: language.value });
      ctx.navigate(apiPath`/pledges/${pledge.id}`);
    },
  });
  const newPledge = el('div', { className: 'new-pledge' }, [el('h3', { text: 'pledgeList.newHeading' }), create.element]);
  newPledge.hidden = !writing.canStart;
  const noModerator = el('p', { className: 'note no-moderator', text: 'pledgeList.noModerator', attrs: { id: 'no-moderator' } });
  noModerator.hidden = writing.hasModerator;
  void load();
  return section('group-pledges', 'pledgeList.heading', [list, noModerator, newPledge]);
}
