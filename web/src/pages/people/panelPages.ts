// Coordinators: /panels (panels, new panel, organisations) and /panels/:id
// (groups, members, invitations). Others see the panels they belong to and
// their members, named as the server names them (safeguarding rule 4).
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el, plain, setPlainText, setText } from '../../dom';
import { getLanguage, languageName, languages } from '../../i18n';
import { panelLanguage } from '../../people/languageDefaults';
import { panelSettingsSection } from './panelSettings';
import { roleKey } from '../../people/consentText';
import { roles, type Group, type Invitation, type Organisation, type Panel, type PanelDetail } from '../../people/types';
import * as v from '../../people/validation';
import { coordinatesCentre, hasRole } from '../../session';
import type { Page, RouteParams } from '../../router';
import { confirmDialog } from '../../ui/dialog';
import { button, errorParagraphs, field, form, type Option } from '../../ui/form';
import { asyncPage, fill, routeLink, section, showProblem, signedInOrPrompt, timeEl, type AsyncPage } from './common';
import { countryField, emailField, languageField } from './fields';

export function panelsPage(ctx: AppContext): Page {
  const page = asyncPage('panels.heading', 'panels-page');
  const load = async () => {
    const me = await signedInOrPrompt(ctx, page);
    if (!me) return;
    const coordinator = hasRole(me, 'coordinator');
    const [{ panels }, orgs] = await Promise.all([
      ctx.api.get<{ panels: Panel[] }>('/api/panels'),
      coordinator ? ctx.api.get<{ organisations: Organisation[] }>('/api/organisations').then((r) => r.organisations) : Promise.resolve([]),
    ]);
    const list =
      panels.length === 0
        ? el('p', { text: 'panels.none' })
        : el('ul', { className: 'link-list' }, panels.map((p) => el('li', {}, [plainLink(`/panels/${encodeURIComponent(p.id)}`, p.name)])));
    const parts: Node[] = [section('panel-list', 'panels.listHeading', [list])];
    // New panels and organisations are for the coordinators of a whole centre.
    if (coordinatesCentre(me)) parts.push(newPanelSection(ctx, orgs));
    if (coordinator) parts.push(organisationsSection(ctx, orgs, load, coordinatesCentre(me)));
    fill(page.body, parts);
  };
  void load().catch((error: unknown) => showProblem(page, error));
  return page;
}

/** A route link whose text is a name (not from the catalogue). */
export function plainLink(path: string, text: string): HTMLAnchorElement {
  return plain('a', text, { attrs: { href: path, 'data-route': '' } });
}

/** The working-language boxes; startWith ticks one box until someone ticks or unticks any. */
function languageCheckboxes(prefix: string, start: string): { element: HTMLElement; values: () => string[]; error: HTMLElement; startWith: (lang: string) => void } {
  const boxes = languages.map((lang) =>
    field({ name: `lang-${lang}`, labelText: languageName(lang), textLang: lang, type: 'checkbox', attrs: { value: lang } }, prefix),
  );
  let touched = false;
  const startWith = (lang: string) => {
    if (touched) return;
    for (const b of boxes) if (b.control instanceof HTMLInputElement) b.control.checked = b.control.value === lang;
  };
  for (const b of boxes) b.control.addEventListener('change', () => (touched = true));
  startWith(start);
  const error = el('p', { className: 'field-error', attrs: { id: `${prefix}languages-error`, hidden: '' } });
  const element = el('fieldset', { className: 'field-group' }, [el('legend', { text: 'panels.languages' }), error, ...boxes.map((b) => b.element)]);
  return { element, values: () => boxes.filter((b) => b.checked).map((b) => b.control.value), error, startWith };
}

function newPanelSection(ctx: AppContext, orgs: Organisation[]): HTMLElement {
  const sics = orgs.filter((o) => o.kind === 'sic');
  const org = field(
    { name: 'orgId', label: 'panels.org', type: 'select', options: sics.map((o) => ({ value: o.id, text: o.name })), check: v.required },
    'panel-',
  );
  const name = field({ name: 'name', label: 'panels.name', check: v.name, attrs: { maxlength: String(v.maxNameLength) } }, 'panel-');
  const country = countryField('panel-', { value: sics[0]?.country ?? '' });
  // A panel in France starts in French: the country's language, else the coordinator's.
  const langs = languageCheckboxes('panel-', panelLanguage(country.value, getLanguage()));
  country.control.addEventListener('change', () => langs.startWith(panelLanguage(country.value, getLanguage())));
  const f = form({
    id: 'panel-form',
    fields: [org, name, country],
    submit: 'panels.create',
    validate: () => {
      const none = langs.values().length === 0;
      langs.error.hidden = !none;
      if (none) setText(langs.error, 'panels.languagesError');
      return !none;
    },
    onSubmit: async () => {
      const { panel } = await ctx.api.post<{ panel: Panel }>('/api/panels', {
        orgId: org.value,
        name: name.value.trim(),
        country: country.value,
        languages: langs.values(),
      });
      ctx.navigate(`/panels/${encodeURIComponent(panel.id)}`);
      ctx.announce('panels.created', { name: panel.name });
    },
  });
  f.element.insertBefore(langs.element, f.element.querySelector('.form-error'));
  return section('new-panel', 'panels.newHeading', [f.element]);
}

function organisationsSection(ctx: AppContext, orgs: Organisation[], reload: () => Promise<void>, canCreate: boolean): HTMLElement {
  const list = el(
    'ul',
    { className: 'org-list' },
    orgs.map((o) =>
      el('li', {}, [
        plain('span', o.name, { className: 'org-name' }),
        document.createTextNode(' · '),
        el('span', { text: o.kind === 'partner' ? 'org.kindPartner' : 'org.kindSic' }),
        ...(o.country ? [document.createTextNode(' · '), el('span', { region: o.country })] : []),
      ]),
    ),
  );
  const name = field({ name: 'name', label: 'org.name', autocomplete: 'organization', check: v.name, attrs: { maxlength: String(v.maxNameLength) } }, 'org-');
  const kind = field(
    {
      name: 'kind',
      label: 'org.kind',
      type: 'select',
      options: [
        { value: 'partner', label: 'org.kindPartner' },
        { value: 'sic', label: 'org.kindSic' },
      ],
    },
    'org-',
  );
  const country = countryField('org-');
  const f = form({
    id: 'org-form',
    fields: [name, kind, country],
    submit: 'org.create',
    onSubmit: async () => {
      const { organisation } = await ctx.api.post<{ organisation: Organisation }>('/api/organisations', {
        name: name.value.trim(),
        kind: kind.value,
        country: country.value,
      });
      await reload();
      ctx.announce('org.created', { name: organisation.name });
    },
  });
  return section('organisations', 'org.heading', canCreate ? [list, el('h3', { text: 'org.newHeading' }), f.element] : [list]);
}

export function panelPage(ctx: AppContext, params: RouteParams): Page {
  const page = asyncPage('panel.heading', 'panel-page');
  const id = params.id ?? '';
  const load = async (focusId?: string) => {
    const me = await signedInOrPrompt(ctx, page);
    if (!me) return;
    const coordinator = hasRole(me, 'coordinator');
    const [detail, orgs] = await Promise.all([
      ctx.api.get<PanelDetail>(apiPath`/api/panels/${id}`),
      coordinator ? ctx.api.get<{ organisations: Organisation[] }>('/api/organisations').then((r) => r.organisations) : Promise.resolve([]),
    ]);
    renderPanel(ctx, page, detail, orgs, coordinator, load, coordinator || hasRole(me, 'moderator'));
    if (focusId) document.getElementById(focusId)?.focus();
  };
  void load().catch((error: unknown) => showProblem(page, error, { link: 'panel.notFoundHint', forbidden: 'panel.forbiddenHint' }));
  return page;
}

type Reload = (focusId?: string) => Promise<void>;

function renderPanel(ctx: AppContext, page: AsyncPage, detail: PanelDetail, orgs: Organisation[], coordinator: boolean, reload: Reload, staff: boolean): void {
  setPlainText(page.heading, detail.panel.name);
  const groupName = new Map(detail.groups.map((g) => [g.id, g.name]));
  const parts: Node[] = [];
  if (detail.panel.country) {
    parts.push(el('p', { className: 'lead' }, [el('span', { text: 'panel.country' }), document.createTextNode(' '), el('span', { region: detail.panel.country })]));
  }
  parts.push(el('p', { className: 'panel-sessions-link' }, [routeLink(`/panels/${encodeURIComponent(detail.panel.id)}/sessions`, 'sessions.panelLink', { panel: detail.panel.name })]));
  if (staff) parts.push(el('p', { className: 'panel-consents-link' }, [routeLink(`/panels/${encodeURIComponent(detail.panel.id)}/consents`, 'memberConsents.panelLink')]));
  parts.push(groupsSection(ctx, detail, coordinator, reload));
  parts.push(membersSection(detail, groupName));
  if (coordinator) parts.push(invitationsSection(ctx, page, detail, orgs, groupName, reload));
  if (detail.can?.editSettings) parts.push(panelSettingsSection(ctx, detail, () => void reload('panel-settings-heading')));
  fill(page.body, parts);
}

function groupsSection(ctx: AppContext, detail: PanelDetail, coordinator: boolean, reload: Reload): HTMLElement {
  const list =
    detail.groups.length === 0
      ? el('p', { text: 'panel.noGroups' })
      : el('ul', { className: 'link-list' }, detail.groups.map((g) => el('li', {}, [plainLink(`/groups/${encodeURIComponent(g.id)}`, g.name)])));
  const children: Node[] = [list];
  if (coordinator) {
    const name = field({ name: 'name', label: 'panel.groupName', check: v.name, attrs: { maxlength: String(v.maxNameLength) } }, 'group-');
    const f = form({
      id: 'group-form',
      fields: [name],
      submit: 'panel.createGroup',
      onSubmit: async () => {
        const { group } = await ctx.api.post<{ group: Group }>(apiPath`/api/panels/${detail.panel.id}/groups`, { name: name.value.trim() });
        await reload('groups-heading');
        ctx.announce('panel.groupCreated', { name: group.name });
      },
    });
    children.push(el('h3', { text: 'panel.newGroupHeading' }), f.element);
  }
  return section('groups', 'panel.groupsHeading', children);
}

function membersSection(detail: PanelDetail, groupName: Map<string, string>): HTMLElement {
  if (detail.members.length === 0) return section('members', 'panel.membersHeading', [el('p', { text: 'panel.noMembers' })]);
  const rows = detail.members.map((m) =>
    el('tr', {}, [
      plain('td', m.name),
      el('td', { text: roleKey(m.role) }),
      m.groupId && groupName.has(m.groupId) ? plain('td', groupName.get(m.groupId) ?? '') : el('td', { text: 'panel.noGroup' }),
    ]),
  );
  return section('members', 'panel.membersHeading', [
    el('div', { className: 'table-scroll', attrs: { tabindex: '0', role: 'group', 'aria-labelledby': 'members-heading' } }, [
      el('table', { className: 'table members-table' }, [
        el('thead', {}, [el('tr', {}, [el('th', { text: 'panel.colName', attrs: { scope: 'col' } }), el('th', { text: 'panel.colRole', attrs: { scope: 'col' } }), el('th', { text: 'panel.colGroup', attrs: { scope: 'col' } })])]),
        el('tbody', {}, rows),
      ]),
    ]),
  ]);
}

function invitationsSection(
  ctx: AppContext,
  page: AsyncPage,
  detail: PanelDetail,
  orgs: Organisation[],
  groupName: Map<string, string>,
  reload: Reload,
): HTMLElement {
  const invitations = detail.invitations ?? [];
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  const alert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
  const act = async (invitation: Invitation, action: 'resend' | 'revoke') => {
    alert.replaceChildren();
    try {
      if (action === 'resend') await ctx.api.post(apiPath`/api/invitations/${invitation.id}/resend`);
      else await ctx.api.delete(apiPath`/api/invitations/${invitation.id}`);
    } catch (error) {
      alert.replaceChildren(...errorParagraphs(error));
      return;
    }
    await reload('invitations-heading');
    ctx.announce(action === 'resend' ? 'invitations.resent' : 'invitations.revoked', { email: invitation.email });
  };
  const rows = invitations.map((inv) => {
    const open = !inv.state || inv.state === 'pending' || inv.state === 'open';
    const resend = button('invitations.resend', () => void act(inv, 'resend'), { className: 'button button-small' });
    const revoke = button('invitations.revoke', () => {
      void confirmDialog({ host: page.element, heading: 'invitations.revokeHeading', text: 'invitations.revokeText', params: { email: inv.email }, confirm: 'invitations.revoke' }).then(
        (yes) => (yes ? act(inv, 'revoke') : undefined),
      );
    }, { className: 'button button-small' });
    for (const b of [resend, revoke]) b.setAttribute('aria-describedby', `inv-${inv.id}`);
    return el('tr', {}, [
      plain('td', inv.email, { attrs: { id: `inv-${inv.id}` } }),
      el('td', { text: roleKey(inv.role) }),
      inv.groupId ? plain('td', groupName.get(inv.groupId) ?? '') : el('td', { text: 'panel.noGroup' }),
      inv.orgId ? plain('td', orgName.get(inv.orgId) ?? '') : el('td', { text: 'panel.noGroup' }),
      el('td', { text: invitationStateKey(inv.state) }),
      el('td', {}, [timeEl(inv.expiresAt)]),
      el('td', {}, open ? [el('div', { className: 'row-actions' }, [resend, revoke])] : []),
    ]);
  });
  const table =
    invitations.length === 0
      ? el('p', { text: 'invitations.none' })
      : el('div', { className: 'table-scroll', attrs: { tabindex: '0', role: 'group', 'aria-labelledby': 'invitations-heading' } }, [
          el('table', { className: 'table invitations-table' }, [
            el('thead', {}, [
              el('tr', {}, (['invitations.colEmail', 'panel.colRole', 'panel.colGroup', 'invitations.colOrg', 'invitations.colState', 'invitations.colExpires', 'invitations.colActions'] as const).map((k) =>
                el('th', { text: k, attrs: { scope: 'col' } }),
              )),
            ]),
            el('tbody', {}, rows),
          ]),
        ]);
  return section('invitations', 'invitations.heading', [table, alert, el('h3', { text: 'invitations.newHeading' }), inviteForm(ctx, detail, orgs, reload)]);
}

function invitationStateKey(state: string | undefined) {
  switch (state) {
    case 'accepted':
      return 'invitations.stateAccepted' as const;
    case 'revoked':
      return 'invitations.stateRevoked' as const;
    case 'expired':
      return 'invitations.stateExpired' as const;
    default:
      return 'invitations.stateOpen' as const;
  }
}

function inviteForm(ctx: AppContext, detail: PanelDetail, orgs: Organisation[], reload: Reload): HTMLFormElement {
  const email = emailField('inv-', { label: 'invite.emailLabel', autocomplete: 'off' });
  const roleOptions: Option[] = roles.map((r) => ({ value: r, label: roleKey(r) }));
  const role = field({ name: 'role', label: 'invitations.role', type: 'select', options: roleOptions, value: 'youth' }, 'inv-');
  const group = field(
    { name: 'groupId', label: 'invitations.group', type: 'select', options: [{ value: '', label: 'panel.noGroup' }, ...detail.groups.map((g) => ({ value: g.id, text: g.name }))], value: detail.groups[0]?.id ?? '' },
    'inv-',
  );
  const partners = orgs.filter((o) => o.kind === 'partner');
  const org = field(
    {
      name: 'orgId',
      label: 'invitations.org',
      type: 'select',
      options: [{ value: '', label: 'invitations.orgChoose' }, ...partners.map((o) => ({ value: o.id, text: o.name }))],
      hint: partners.length === 0 ? 'invitations.orgNone' : 'invitations.orgHint',
      check: (x) => (role.value === 'partner' && x === '' ? 'invitations.orgRequired' : null),
    },
    'inv-',
  );
  const language = languageField('inv-', detail.panel.languages?.[0]);
  // Partners join the panel with their organisation, never a group (the server refuses a group for them).
  const showOrg = () => {
    org.element.hidden = role.value !== 'partner';
    group.element.hidden = role.value === 'partner';
  };
  role.control.addEventListener('change', showOrg);
  showOrg();
  const f = form({
    id: 'invite-form',
    fields: [email, role, group, org, language],
    submit: 'invitations.send',
    onSubmit: async () => {
      const body: Record<string, string> = { email: email.value.trim(), role: role.value, language: language.value };
      if (group.value && role.value !== 'partner') body.groupId = group.value;
      if (role.value === 'partner' && org.value) body.orgId = org.value;
      await ctx.api.post(apiPath`/api/panels/${detail.panel.id}/invitations`, body);
      await reload('invitations-heading');
      ctx.announce('invitations.sent', { email: body.email ?? '' });
    },
  });
  return f.element;
}
