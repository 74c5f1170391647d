// A panel's safeguarding settings, for its coordinators: how many moderators
// a live session needs before anyone may post, how many reports hide
// content, who is alerted on a safeguarding report, and whether partner
// text in live sessions waits for a moderator first. The server checks
// every value again (limits in identity/settings.go).
import { apiPath } from '../../api';
import type { AppContext } from '../../context';
import { el } from '../../dom';
import { roleKey } from '../../people/consentText';
import type { Panel, PanelDetail } from '../../people/types';
import { t } from '../../i18n';
import { field, form, type Option } from '../../ui/form';
import { routeLink, section } from './common';

/** The limits the server enforces (identity.MaxModeratorsRequired, MaxReportsToHide; moderation.DefaultHideAfter). */
export const settingLimits = { moderatorsMax: 10, reportsMax: 20, defaultModerators: 2, defaultReports: 3 } as const;

/** Reads a whole number in [min, max] from a field, or null. */
export function wholeNumber(value: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(value.trim())) return null;
  const n = Number(value.trim());
  return n >= min && n <= max ? n : null;
}

export function panelSettingsSection(ctx: AppContext, detail: PanelDetail, saved: (panel: Panel) => void): HTMLElement {
  const s = detail.panel.settings ?? {};
  const moderators = field(
    {
      name: 'moderatorsRequired',
      label: 'settings.moderatorsLabel',
      hint: 'settings.moderatorsHint',
      hintParams: { max: settingLimits.moderatorsMax },
      type: 'number',
      value: String(s.moderatorsRequired || settingLimits.defaultModerators),
      attrs: { min: '1', max: String(settingLimits.moderatorsMax), inputmode: 'numeric' },
      check: (v) => (wholeNumber(v, 1, settingLimits.moderatorsMax) === null ? 'settings.moderatorsInvalid' : null),
    },
    'settings-',
  );
  const reports = field(
    {
      name: 'reportsToHide',
      label: 'settings.reportsLabel',
      hint: 'settings.reportsHint',
      hintParams: { max: settingLimits.reportsMax },
      type: 'number',
      value: String(s.reportsToHide || settingLimits.defaultReports),
      attrs: { min: '1', max: String(settingLimits.reportsMax), inputmode: 'numeric' },
      check: (v) => (wholeNumber(v, 1, settingLimits.reportsMax) === null ? 'settings.reportsInvalid' : null),
    },
    'settings-',
  );
  const leads: Option[] = [
    { value: '', label: 'settings.leadNone' },
    ...detail.members
      .filter((m) => m.role === 'moderator' || m.role === 'coordinator')
      .map((m) => ({ value: m.accountId, text: `${m.name} (${t(roleKey(m.role))})` })),
  ];
  const lead = field({ name: 'safeguardingLeadId', label: 'settings.leadLabel', hint: 'settings.leadHint', type: 'select', options: leads, value: s.safeguardingLeadId ?? '' }, 'settings-');
  const post = field({ name: 'partnerPostModeration', label: 'settings.postModerationLabel', hint: 'settings.postModerationHint', type: 'checkbox' }, 'settings-');
  if (post.control instanceof HTMLInputElement) post.control.checked = !!s.partnerPostModeration;
  const f = form({
    id: 'settings-form',
    fields: [moderators, reports, lead, post],
    submit: 'settings.save',
    onSubmit: async () => {
      const body: Record<string, unknown> = {
        moderatorsRequired: wholeNumber(moderators.value, 1, settingLimits.moderatorsMax),
        reportsToHide: wholeNumber(reports.value, 1, settingLimits.reportsMax),
        partnerPostModeration: post.checked,
        safeguardingLeadId: lead.value, // "" clears it: the panel's moderators are alerted
      };
      const { panel } = await ctx.api.patch<{ panel: Panel }>(apiPath`/api/panels/${detail.panel.id}/settings`, body);
      saved(panel);
      ctx.announce('settings.saved');
    },
  });
  return section('panel-settings', 'settings.heading', [
    el('p', { text: 'settings.lead' }),
    f.element,
    // The panel's own screening words are the other safeguarding setting, on a page of their own.
    el('p', { className: 'settings-words' }, [
      el('span', { text: 'settings.screenWordsText' }),
      document.createTextNode(' '),
      routeLink(apiPath`/panels/${detail.panel.id}/screen-words`, 'settings.screenWordsLink'),
    ]),
  ]);
}
