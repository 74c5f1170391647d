// /moderation/audit: the coordinator's view of the audit trail (rule 6:
// every report and every moderator action, with who, when and why). A
// search form, the entries newest first, and the same search as CSV.
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain } from '../../dom';
import { auditCsvPath, auditPagePath, auditPath, auditSearchFrom, type AuditSearch } from '../../moderation/audit';
import { auditActionLabel, auditActions, auditCategoryLabel, auditContentLabel } from '../../moderation/labels';
import type { AuditAnswer, AuditEntry } from '../../moderation/types';
import type { PanelDetail } from '../../people/types';
import type { Page } from '../../router';
import { button, errorParagraphs, field, type Field } from '../../ui/form';
import { asyncPage, fill, timeEl, section, showProblem, signedInOrPrompt } from '../people/common';
import { mayModerate, panelOptions, panelsToModerate, startPanel } from './panels';

export function moderationAuditPage(ctx: AppContext): Page {
  const page = asyncPage('audit.heading', 'moderation-audit-page');
  const load = async () => {
    const me = await signedInOrPrompt(ctx, page);
    if (!me) return;
    if (!mayModerate(me)) {
      fill(page.body, [el('p', { className: 'lead', text: 'queue.notModerator' })]);
      return;
    }
    const choice = await panelsToModerate(ctx, me);
    const asked = auditSearchFrom(window.location.search);
    let search: AuditSearch = { ...asked, panelId: startPanel(choice, asked.panelId) };
    const names = new Map<string, string>([[me.account.id, me.account.displayName]]);
    const namedPanels = new Set<string>();
    const results = el('div', { className: 'audit-results', attrs: { id: 'audit-results' } });
    const alert = el('div', { className: 'form-error', attrs: { role: 'alert', id: 'audit-alert' } });
    const csv = el('a', { className: 'button', text: 'audit.download', attrs: { href: auditCsvPath(search), download: '', id: 'audit-csv' } });

    const learnNames = async (entries: readonly AuditEntry[]) => {
      for (const panelId of new Set(entries.map((e) => e.panelId))) {
        if (namedPanels.has(panelId)) continue;
        namedPanels.add(panelId);
        try {
          const detail = await ctx.api.get<PanelDetail>(apiPath`/api/panels/${panelId}`);
          for (const m of detail.members ?? []) names.set(m.accountId, m.name);
        } catch {
          // Without names the table shows account ids, which is what the search takes.
        }
      }
    };

    const run = async (after?: string, tbody?: HTMLElement) => {
      results.setAttribute('aria-busy', 'true');
      try {
        const got = await ctx.api.get<AuditAnswer>(auditPath(search, after));
        const entries = got.entries ?? [];
        await learnNames(entries);
        alert.replaceChildren();
        const body = tbody ?? el('tbody');
        const rows = entries.map((e) => entryRow(e, names));
        body.append(...rows);
        const more = got.next ? button('audit.more', () => void run(got.next, body), { className: 'button audit-more' }) : null;
        if (!tbody) results.replaceChildren(...(entries.length ? [entriesTable(body)] : [el('p', { className: 'empty', text: 'audit.empty' })]));
        results.querySelector('.audit-more')?.remove();
        if (more) results.append(more);
        if (tbody) rows[0]?.querySelector<HTMLElement>('th')?.focus();
      } catch (error) {
        alert.replaceChildren(...errorParagraphs(error));
      } finally {
        results.removeAttribute('aria-busy');
      }
    };

    const fields: Field[] = [
      field({ name: 'panelId', label: 'audit.panel', type: 'select', options: panelOptions(choice), value: search.panelId }, 'audit-'),
      field({ name: 'person', label: 'audit.person', value: search.person, attrs: { maxlength: '200' } }, 'audit-'),
      field({ name: 'content', label: 'audit.contentTitle', value: search.content, attrs: { maxlength: '200' } }, 'audit-'),
      field({ name: 'action', label: 'audit.action', type: 'select', options: [{ value: '', label: 'audit.anyAction' }, ...auditActions.map((a) => ({ value: a, label: auditActionLabel(a).key }))], value: search.action }, 'audit-'),
      field({ name: 'from', label: 'audit.from', type: 'date', value: search.from }, 'audit-'),
      field({ name: 'to', label: 'audit.to', type: 'date', value: search.to }, 'audit-'),
    ];
    const form = el('form', { className: 'form audit-search', attrs: { novalidate: '', id: 'audit-search' } }, [
      el('div', { className: 'filter-row' }, fields.map((f) => f.element)),
      el('div', { className: 'form-actions' }, [button('audit.search', undefined, { type: 'submit', className: 'button button-primary' }), csv]),
    ]);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const value = (name: keyof AuditSearch) => fields.find((f) => f.control.name === name)?.value ?? '';
      // A search from the form looks for titles; an id in the address (from a link) is dropped with it.
      search = { panelId: value('panelId'), person: value('person'), content: value('content'), action: value('action'), from: value('from'), to: value('to') };
      window.history.replaceState(null, '', auditPagePath(search));
      csv.setAttribute('href', auditCsvPath(search));
      void run();
    });

    fill(page.body, [
      el('p', { className: 'lead', text: 'audit.lead' }),
      section('audit-search-section', 'audit.searchHeading', [form]),
      alert,
      section('audit-entries', 'audit.resultsHeading', [results]),
    ]);
    await run();
  };
  void load().catch((error: unknown) => showProblem(page, error, { forbidden: 'queue.notModerator' }));
  return page;
}

function entriesTable(tbody: HTMLElement): HTMLElement {
  const head = (['audit.colTime', 'audit.colAction', 'audit.colActor', 'audit.colPerson', 'audit.colContent', 'audit.colCategory', 'audit.colReason'] as const).map((k) =>
    el('th', { text: k, attrs: { scope: 'col' } }),
  );
  return el('div', { className: 'table-scroll', attrs: { tabindex: '0', role: 'group', 'aria-labelledby': 'audit-entries-heading' } }, [
    el('table', { className: 'table audit-table' }, [el('caption', { text: 'audit.caption' }), el('thead', {}, [el('tr', {}, head)]), tbody]),
  ]);
}

function entryRow(e: AuditEntry, names: ReadonlyMap<string, string>): HTMLTableRowElement {
  const who = (id: string | undefined) => {
    if (!id) return el('td');
    if (id === 'system') return el('td', { text: 'case.system' });
    if (id === 'guardian') return el('td', { text: 'audit.guardian' });
    return plain('td', names.get(id) ?? id);
  };
  const action = auditActionLabel(e.action);
  const category = e.category ? auditCategoryLabel(e.action, e.category) : null;
  const named = auditContentLabel(e);
  const iso = new Date(e.at).toISOString();
  const content = el('td', {}, [
    ...(named
      ? [
          e.contentLink?.startsWith('/')
            ? el('a', { text: named.key, params: named.params, attrs: { href: e.contentLink, 'data-route': '' } })
            : el('span', { text: named.key, params: named.params }),
        ]
      : []),
    ...(e.caseId ? [document.createTextNode(' '), el('a', { text: 'audit.openCase', attrs: { href: `/moderation/cases/${encodeURIComponent(e.caseId)}`, 'data-route': '' } })] : []),
  ]);
  return el('tr', { attrs: { 'data-entry': e.id } }, [
    el('th', { attrs: { scope: 'row', tabindex: '-1' } }, [timeEl(iso)]),
    el('td', { text: action.key, params: action.params }),
    who(e.actor),
    who(e.person),
    content,
    category ? el('td', { text: category.key, params: category.params }) : el('td'),
    plain('td', e.reason ?? ''),
  ]);
}
