package app

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"chorus/consent"
	"chorus/fault"
	"chorus/identity"
	"chorus/moderation"
	"chorus/store"
)

// FollowAudit copies consent changes and invitations from the event log
// into the audit trail (the worker calls it; reading the trail does too,
// so that what just happened is there).
func (p *Services) FollowAudit(ctx context.Context, max int) (int, error) {
	if p.Moderation == nil {
		return 0, nil
	}
	return p.Moderation.FollowEvents(ctx, p.placeAuditEvent, max)
}

// placeAuditEvent is where an event of consent or identity shows in the
// trail: a consent change in every panel of the young person, an
// invitation in its panel, a change of a panel's settings in that panel.
func (p *Services) placeAuditEvent(ctx context.Context, ev store.Event) ([]moderation.AuditEntry, error) {
	var action string
	switch ev.Type {
	case "identity.panel_settings_changed":
		return settingChanges(ev)
	case consent.EventGranted:
		action = moderation.AuditConsentGrant
	case consent.EventWithdrawn:
		action = moderation.AuditConsentWithdrawal
	case "identity.invitation_created":
		action = moderation.AuditInvitationSent
	case "identity.invitation_renewed":
		action = moderation.AuditInvitationRenewed
	case "identity.invitation_revoked":
		action = moderation.AuditInvitationRevoked
	case "identity.invitation_accepted":
		action = moderation.AuditInvitationAccepted
	default:
		return nil, nil
	}
	kind, id, _ := strings.Cut(ev.Subject, ":")
	actor := ev.Actor
	if strings.HasPrefix(actor, "guardian") { // "guardian:<link id>": a guardian through their link
		actor = moderation.Guardian
	}
	if kind == "invitation" {
		inv, err := p.Identity.Invitation(ctx, id)
		if fault.Is(err, fault.NotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		e := moderation.AuditEntry{PanelID: inv.PanelID, Action: action, Actor: actor, Category: string(inv.Role)}
		if action == moderation.AuditInvitationAccepted {
			e.Person = ev.Actor
		}
		return []moderation.AuditEntry{e}, nil
	}
	var data struct {
		Scope string `json:"scope"`
	}
	_ = json.Unmarshal(ev.Data, &data)
	ms, err := p.Identity.Memberships(ctx, id)
	if fault.Is(err, fault.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []moderation.AuditEntry
	var panels []string
	for _, m := range ms {
		if m.PanelID == "" || slices.Contains(panels, m.PanelID) {
			continue
		}
		panels = append(panels, m.PanelID)
		out = append(out, moderation.AuditEntry{PanelID: m.PanelID, Action: action, Actor: actor, Person: id, Category: data.Scope})
	}
	return out, nil
}

// settingChanges is one entry per safeguarding setting a change of a
// panel's settings touched: numbers with their old and new value, the
// safeguarding lead as the person it is about, post-moderation on or off
// in the setting's name (the reason column is not translated).
func settingChanges(ev store.Event) ([]moderation.AuditEntry, error) {
	var data struct {
		Before, After identity.Settings
	}
	if err := json.Unmarshal(ev.Data, &data); err != nil {
		return nil, fmt.Errorf("settings event %d: %w", ev.ID, err)
	}
	b, a := data.Before, data.After
	_, panelID, _ := strings.Cut(ev.Subject, ":")
	entry := func(setting, reason, person string) moderation.AuditEntry {
		return moderation.AuditEntry{PanelID: panelID, Action: moderation.AuditPanelSettingChanged, Actor: ev.Actor, Category: setting, Reason: reason, Person: person}
	}
	var out []moderation.AuditEntry
	if b.ModeratorsNeeded() != a.ModeratorsNeeded() {
		out = append(out, entry("moderatorsRequired", fmt.Sprintf("%d → %d", b.ModeratorsNeeded(), a.ModeratorsNeeded()), ""))
	}
	hideAfter := func(st identity.Settings) int { // 0 is moderation's default
		return cmp.Or(st.ReportsToHide, moderation.DefaultHideAfter)
	}
	if hideAfter(b) != hideAfter(a) {
		out = append(out, entry("reportsToHide", fmt.Sprintf("%d → %d", hideAfter(b), hideAfter(a)), ""))
	}
	if b.SafeguardingLeadID != a.SafeguardingLeadID {
		out = append(out, entry("safeguardingLeadId", "", a.SafeguardingLeadID))
	}
	if b.PartnerPostModeration != a.PartnerPostModeration {
		out = append(out, entry("partnerPostModeration."+map[bool]string{true: "on", false: "off"}[a.PartnerPostModeration], "", ""))
	}
	return out, nil
}
