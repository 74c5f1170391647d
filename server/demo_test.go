package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"chorus/config"
	"chorus/consent"
	"chorus/identity"
)

// The demo promises three young people in three consent states; a newcomer
// relies on the printed table being true.
func TestDemoSeedsWhatItPrints(t *testing.T) {
	ctx := context.Background()
	cfg, err := config.Load(func(k string) string {
		if k == "CHORUS_DATA_DIR" {
			return t.TempDir()
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := openStores(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	defer s.close(log)
	p, err := buildServices(ctx, cfg, s, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := seedDemo(ctx, p, time.Now(), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), DemoPassword) || !strings.Contains(out.String(), "coordinator@demo.chorus") {
		t.Fatalf("the demo must print how to sign in: %q", out.String())
	}
	want := map[string]struct {
		participate consent.State
		guardian    consent.GuardianStatus
	}{
		"lea@demo.chorus":    {consent.StateNotGranted, consent.GuardianWaiting},
		"jonas@demo.chorus":  {consent.StateGranted, consent.GuardianApproved},
		"giulia@demo.chorus": {consent.StateGranted, consent.GuardianNone},
	}
	for email, w := range want {
		acc, _, err := p.Identity.Credentials(ctx, email)
		if err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		states, err := p.Consent.EffectiveFor(ctx, acc.ID)
		if err != nil {
			t.Fatal(err)
		}
		g, err := p.Consent.GuardianState(ctx, acc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if states[consent.Participate] != w.participate || g != w.guardian {
			t.Errorf("%s: got participate %q, guardian %q; want %q, %q", email, states[consent.Participate], g, w.participate, w.guardian)
		}
	}
	giulia, _, _ := p.Identity.Credentials(ctx, "giulia@demo.chorus")
	ms, _ := p.Identity.Memberships(ctx, giulia.ID)
	pledges, err := p.Pledges.Pledges(ctx, ms[0].GroupID)
	if err != nil || len(pledges) != 2 {
		t.Fatalf("the demo group should have a pledge to work on and one in a round: got %d, %v", len(pledges), err)
	}
	// A feedback round open to the partner.
	rounds, err := p.Rounds.Rounds(ctx, ms[0].PanelID)
	if err != nil || len(rounds) != 1 || len(rounds[0].Orgs) != 1 || rounds[0].Orgs[0].Name != "PixelApps (demo partner)" {
		t.Fatalf("the demo should have a round for PixelApps: got %+v, %v", rounds, err)
	}

	// A live session opens with two moderators connected: the demo panel has two.
	members, err := p.Identity.PanelMembers(ctx, ms[0].PanelID)
	if err != nil {
		t.Fatal(err)
	}
	moderators := 0
	for _, m := range members {
		if m.Membership.Role == identity.Moderator {
			moderators++
		}
	}
	if moderators < 2 {
		t.Errorf("the demo panel has %d moderators, want 2 so that a live session can open", moderators)
	}

	// A second start on the same data seeds nothing more.
	out.Reset()
	if err := seedDemo(ctx, p, time.Now(), &out); err != nil || !strings.Contains(out.String(), "already set up") {
		t.Fatalf("second seed: got %q, %v; want a reminder and no new data", out.String(), err)
	}
	if n, _ := p.Identity.Docs.Count(ctx, "accounts", nil); n != 7 {
		t.Errorf("accounts after a second seed: got %d, want 7", n)
	}
}

// Only the demo, whose people are made up, shows the held mail itself with
// its links; nothing a deployment configures does (issue 9).
func TestOnlyTheDemoRevealsHeldMail(t *testing.T) {
	base, cancel, done, _, err := startCommand(t, "demo", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-done })
	coord := newClient(t, base)
	coord.do("POST", "/api/auth/login", map[string]any{"email": "coordinator@demo.chorus", "password": DemoPassword}, 200)
	held := coord.do("GET", "/api/outbox", nil, 200)
	if held["revealed"] != true || !strings.Contains(fmt.Sprint(held["messages"]), "/guardian/") {
		t.Fatalf("the demo's outbox: got %v, want the mail itself, guardian links included", held)
	}
}
