package identity_test

import (
	"context"
	"testing"

	"chorus/fault"
	"chorus/identity"
	"chorus/store"
)

func TestPanelSettings(t *testing.T) {
	s, docs, _ := newService(t)
	ctx := context.Background()
	coord, p := setUp(t, s)
	if got := p.Settings.ModeratorsNeeded(); got != 2 || p.Settings.PartnerPostModeration {
		t.Fatalf("new panel: got %d moderators, post-moderation %t; want 2 and pre-moderation", got, p.Settings.PartnerPostModeration)
	}
	for _, n := range []int{0, -1, identity.MaxModeratorsRequired + 1} {
		if _, err := s.UpdateSettings(ctx, coord.ID, p.ID, identity.SettingsInput{ModeratorsRequired: &n}); !fault.Is(err, fault.Invalid) {
			t.Errorf("%d moderators: got %v, want invalid", n, err)
		}
	}
	one, post := 1, true
	got, err := s.UpdateSettings(ctx, coord.ID, p.ID, identity.SettingsInput{ModeratorsRequired: &one})
	if err != nil || got.Settings.ModeratorsNeeded() != 1 || got.Settings.PartnerPostModeration {
		t.Fatalf("got %+v %v, want 1 moderator and the rest unchanged", got.Settings, err)
	}
	got, err = s.UpdateSettings(ctx, coord.ID, p.ID, identity.SettingsInput{PartnerPostModeration: &post})
	if err != nil || got.Settings.ModeratorsRequired != 1 || !got.Settings.PartnerPostModeration {
		t.Fatalf("got %+v %v, want post-moderation and 1 moderator kept", got.Settings, err)
	}
	if stored, _ := s.Panel(ctx, p.ID); stored.Settings != got.Settings {
		t.Fatalf("stored %+v, want %+v", stored.Settings, got.Settings)
	}
	evs, err := docs.Events(ctx, store.EventQuery{Subject: "panel:" + p.ID})
	if err != nil {
		t.Fatal(err)
	}
	changes := 0
	for _, e := range evs {
		if e.Type == "identity.panel_settings_changed" && e.Actor == coord.ID {
			changes++
		}
	}
	if changes != 2 {
		t.Errorf("got %d settings events, want 2 (one per change)", changes)
	}
	if _, err := s.UpdateSettings(ctx, coord.ID, "nope", identity.SettingsInput{ModeratorsRequired: &one}); !fault.Is(err, fault.NotFound) {
		t.Errorf("unknown panel: got %v, want not_found", err)
	}
	// A panel stored before the setting existed is taken to need 2, and
	// nothing ever needs fewer than 1.
	if n := (identity.Settings{}).ModeratorsNeeded(); n != 2 {
		t.Errorf("unset: got %d, want 2", n)
	}
	if n := (identity.Settings{ModeratorsRequired: -3}).ModeratorsNeeded(); n != 1 {
		t.Errorf("negative: got %d, want 1", n)
	}
}

func TestReportsToHideAndSafeguardingLead(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	coord, p := setUp(t, s)
	for _, n := range []int{0, -1, identity.MaxReportsToHide + 1} {
		if _, err := s.UpdateSettings(ctx, coord.ID, p.ID, identity.SettingsInput{ReportsToHide: &n}); !fault.Is(err, fault.Invalid) {
			t.Errorf("%d reports: got %v, want invalid", n, err)
		}
	}
	one := 1
	got, err := s.UpdateSettings(ctx, coord.ID, p.ID, identity.SettingsInput{ReportsToHide: &one})
	if err != nil || got.Settings.ReportsToHide != 1 {
		t.Fatalf("one report hides: got %+v, %v", got.Settings, err)
	}
	// The lead must supervise the panel: an unknown account is refused,
	// the panel's coordinator is accepted, and "" clears the lead.
	stranger, lead, none := "no-such-account", coord.ID, ""
	if _, err := s.UpdateSettings(ctx, coord.ID, p.ID, identity.SettingsInput{SafeguardingLeadID: &stranger}); !fault.Is(err, fault.Invalid) {
		t.Errorf("a lead outside the panel: got %v, want invalid", err)
	}
	if got, err = s.UpdateSettings(ctx, coord.ID, p.ID, identity.SettingsInput{SafeguardingLeadID: &lead}); err != nil || got.Settings.SafeguardingLeadID != coord.ID {
		t.Fatalf("the coordinator as lead: got %+v, %v", got.Settings, err)
	}
	if got, err = s.UpdateSettings(ctx, coord.ID, p.ID, identity.SettingsInput{SafeguardingLeadID: &none}); err != nil || got.Settings.SafeguardingLeadID != "" || got.Settings.ReportsToHide != 1 {
		t.Fatalf("clearing the lead: got %+v, %v; want no lead, the threshold kept", got.Settings, err)
	}
}
