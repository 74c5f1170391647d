package moderation_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"chorus/moderation"
	"chorus/store"
)

// Consent changes and invitations, recorded by their own capabilities in the
// event log, appear in the trail: each once, in every panel the placement
// names, even when followed twice at once or again from the start.
func TestFollowEventsCopiesOtherCapabilitiesIntoTheTrail(t *testing.T) {
	s, clk, docs := newService(t)
	ctx := context.Background()
	place := func(_ context.Context, ev store.Event) ([]moderation.AuditEntry, error) {
		switch ev.Type {
		case "consent.granted": // y1 is in two panels
			return []moderation.AuditEntry{
				{PanelID: "p1", Action: moderation.AuditConsentGrant, Actor: ev.Actor, Person: "y1", Category: "participate"},
				{PanelID: "p2", Action: moderation.AuditConsentGrant, Actor: ev.Actor, Person: "y1", Category: "participate"},
			}, nil
		case "identity.invitation_created":
			return []moderation.AuditEntry{{PanelID: "p1", Action: moderation.AuditInvitationSent, Actor: ev.Actor, Category: "youth"}}, nil
		}
		return nil, nil
	}
	for _, ev := range []store.Event{
		{Actor: "coord", Type: "identity.invitation_created", Subject: "invitation:i1"},
		{Actor: "y1", Type: "pledge.item_edited", Subject: "pledge:x"},
		{Actor: moderation.Guardian, Type: "consent.granted", Subject: "account:y1"},
	} {
		if _, err := docs.AppendEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	actions := func(panel string) []string {
		t.Helper()
		page, err := s.SearchAudit(ctx, moderation.AuditQuery{PanelIDs: []string{panel}})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range page.Entries {
			out = append(out, e.Action+" by "+e.Actor)
		}
		return out
	}
	done := make(chan error, 2)
	for range 2 {
		go func() { _, err := s.FollowEvents(ctx, place, 1000); done <- err }()
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	want1 := []string{"consent.granted by guardian", "invitation.sent by coord"}
	if got := actions("p1"); !slices.Equal(got, want1) {
		t.Errorf("panel p1: got %v, want %v", got, want1)
	}
	if got := actions("p2"); !slices.Equal(got, []string{"consent.granted by guardian"}) {
		t.Errorf("panel p2: got %v, want the consent only", got)
	}
	// About y1, by name of the person: the consent is found.
	if page, _ := s.SearchAudit(ctx, moderation.AuditQuery{PanelIDs: []string{"p1"}, Person: "y1"}); len(page.Entries) != 1 {
		t.Errorf("about y1: got %d entries, want the consent", len(page.Entries))
	}
	// Recent events are read again until they settle; nothing doubles.
	if n, err := s.FollowEvents(ctx, place, 1000); err != nil || n != 3 {
		t.Errorf("again before they settled: read %d (%v), want the 3 recent events again", n, err)
	}
	clk.Advance(time.Minute)
	if _, err := s.FollowEvents(ctx, place, 1000); err != nil {
		t.Fatal(err)
	}
	if n, err := s.FollowEvents(ctx, place, 1000); err != nil || n != 0 {
		t.Errorf("after they settled: read %d (%v), want 0", n, err)
	}
	if got := actions("p1"); !slices.Equal(got, want1) {
		t.Errorf("after following again: got %v, want %v", got, want1)
	}
	if !slices.Contains(moderation.AuditActions, moderation.AuditInvitationAccepted) || !strings.HasPrefix(moderation.AuditConsentWithdrawal, "consent.") {
		t.Error("the copied actions must be searchable")
	}
}
