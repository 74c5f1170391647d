package identity

import (
	"context"
	"slices"
	"time"

	"chorus/fault"
	"chorus/store"
)

// MaxModeratorsRequired is the most moderators a panel may require in a
// live session: more would leave every session paused.
const MaxModeratorsRequired = 10

// DefaultModeratorsRequired is the "two adults" rule of safeguarding
// practice: what a panel requires unless a coordinator changes it, and what
// a panel stored without the setting is taken to require.
const DefaultModeratorsRequired = 2

// ModeratorsNeeded is how many moderators must be connected to a live
// session of a panel with these settings: the setting, 2 when it was never
// set, and never below 1 (safeguarding rule 3).
func (st Settings) ModeratorsNeeded() int {
	n := st.ModeratorsRequired
	if n == 0 {
		n = DefaultModeratorsRequired
	}
	return max(n, 1)
}

// MaxReportsToHide bounds Settings.ReportsToHide (0 leaves moderation's
// default, moderation.DefaultHideAfter).
const MaxReportsToHide = 20

// SettingsInput changes a panel's settings; a nil field stays as it is.
type SettingsInput struct {
	ModeratorsRequired    *int
	PartnerPostModeration *bool
	ReportsToHide         *int
	// SafeguardingLeadID names the moderator or coordinator of the panel
	// alerted first on safeguarding reports; "" clears it.
	SafeguardingLeadID *string
}

// UpdateSettings changes a panel's safeguarding settings and records who
// did it. It decides nothing about permissions (the caller asks the policy,
// panel.settings.edit).
//
// Errors: fault.NotFound for an unknown panel; fault.Invalid when
// ModeratorsRequired is below 1 or above MaxModeratorsRequired.
func (s *Service) UpdateSettings(ctx context.Context, actorID, panelID string, in SettingsInput) (Panel, error) {
	if in.ModeratorsRequired != nil && (*in.ModeratorsRequired < 1 || *in.ModeratorsRequired > MaxModeratorsRequired) {
		return Panel{}, fault.Errorf(fault.Invalid, "A live session needs at least 1 moderator present, and at most %d can be required.", MaxModeratorsRequired)
	}
	if in.ReportsToHide != nil && (*in.ReportsToHide < 1 || *in.ReportsToHide > MaxReportsToHide) {
		return Panel{}, fault.Errorf(fault.Invalid, "Reports that hide content: choose a number from 1 to %d.", MaxReportsToHide)
	}
	if in.SafeguardingLeadID != nil && *in.SafeguardingLeadID != "" {
		ms, err := s.Memberships(ctx, *in.SafeguardingLeadID)
		if err != nil && !fault.Is(err, fault.NotFound) {
			return Panel{}, err
		}
		if !slices.ContainsFunc(ms, func(m Membership) bool {
			centreWide := m.PanelID == "" && m.Role == Coordinator
			return centreWide || m.PanelID == panelID && (m.Role == Moderator || m.Role == Coordinator)
		}) {
			return Panel{}, fault.Errorf(fault.Invalid, "The safeguarding lead must be a moderator or coordinator of this panel.")
		}
	}
	for range 20 {
		p, changed, err := s.changeSettings(ctx, actorID, panelID, in)
		if err != nil || changed {
			return p, err
		}
	}
	return Panel{}, fault.Errorf(fault.Conflict, "Several people are changing this panel at the same moment. Please try again.")
}

// changeSettings makes one attempt at changing the settings and recording
// it, in one transaction; changed is false when someone else changed the
// panel since it was read (try again).
func (s *Service) changeSettings(ctx context.Context, actorID, panelID string, in SettingsInput) (p Panel, changed bool, err error) {
	err = s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		d, err := store.GetAs[Panel](ctx, s.Docs, PanelsCollection, panelID)
		if err != nil {
			return err
		}
		p = d.Value
		before := p.Settings
		if in.ModeratorsRequired != nil {
			p.Settings.ModeratorsRequired = *in.ModeratorsRequired
		}
		if in.PartnerPostModeration != nil {
			p.Settings.PartnerPostModeration = *in.PartnerPostModeration
		}
		if in.ReportsToHide != nil {
			p.Settings.ReportsToHide = *in.ReportsToHide
		}
		if in.SafeguardingLeadID != nil {
			p.Settings.SafeguardingLeadID = *in.SafeguardingLeadID
		}
		if p.Settings == before {
			changed = true
			return nil
		}
		if _, err := store.UpdateAs(ctx, s.Docs, PanelsCollection, p.ID, d.Version, p, time.Time{}); fault.Is(err, fault.Conflict) {
			return nil
		} else if err != nil {
			return err
		}
		changed = true
		return s.event(ctx, actorID, "identity.panel_settings_changed", "panel:"+p.ID, map[string]any{"before": before, "after": p.Settings})
	})
	if err != nil {
		return Panel{}, false, err
	}
	return p, changed, nil
}
