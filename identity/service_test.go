package identity_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chorus/fault"
	"chorus/identity"
	"chorus/store"
	"chorus/store/sqlite"
)

type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

func newService(t *testing.T) (*identity.Service, store.Documents, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	docs, err := sqlite.OpenWith(filepath.Join(t.TempDir(), "db"), sqlite.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docs.Close() })
	s := identity.NewService(docs, nil)
	s.Now = clk.Now
	if err := s.Declare(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, docs, clk
}

// setUp runs the first-run set-up and returns the coordinator and a panel.
func setUp(t *testing.T, s *identity.Service) (identity.Account, identity.Panel) {
	t.Helper()
	ctx := context.Background()
	token, ok, err := s.NewSetupToken(ctx)
	if err != nil || !ok {
		t.Fatalf("NewSetupToken: %v %v", ok, err)
	}
	coord, org, err := s.CompleteSetup(ctx, identity.SetupInput{Token: token, OrgName: "Safer Internet Centre FR", Country: "FR",
		DisplayName: "Claire Martin", Email: "Claire@Example.org", Language: "fr", PasswordHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.CreatePanel(ctx, coord.ID, identity.PanelInput{OrgID: org.ID, Name: "Panel jeunesse", Country: "FR", Languages: []string{"fr", "en"}})
	if err != nil {
		t.Fatal(err)
	}
	return coord, p
}

func TestSetupWorksOnceAndOnlyWithTheToken(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	if _, _, err := s.CompleteSetup(ctx, identity.SetupInput{Token: "forged", OrgName: "x", DisplayName: "x", Email: "a@b.cd", PasswordHash: "h"}); !fault.Is(err, fault.NotFound) {
		t.Fatalf("forged token: got %v, want not_found", err)
	}
	coord, _ := setUp(t, s)
	if coord.Email != "claire@example.org" {
		t.Errorf("e-mail stored as %q, want it lower-cased", coord.Email)
	}
	if _, ok, err := s.NewSetupToken(ctx); ok || err != nil {
		t.Fatalf("once an account exists, setup must be closed: got ok=%v err=%v", ok, err)
	}
	ms, err := s.Memberships(ctx, coord.ID)
	if err != nil || len(ms) != 1 || ms[0].Role != identity.Coordinator {
		t.Fatalf("coordinator memberships: got %+v, %v", ms, err)
	}
}

func TestInvitationLifecycle(t *testing.T) {
	s, _, clk := newService(t)
	ctx := context.Background()
	coord, panel := setUp(t, s)
	group, err := s.CreateGroup(ctx, coord.ID, panel.ID, "Groupe A")
	if err != nil {
		t.Fatal(err)
	}
	inv, token, err := s.Invite(ctx, coord.ID, identity.InviteInput{Email: "lea@example.org", Role: identity.Youth, PanelID: panel.ID, GroupID: group.ID, Language: "fr"})
	if err != nil {
		t.Fatal(err)
	}
	if inv.TokenHash == token || inv.TokenHash == "" {
		t.Fatal("the token itself must not be stored")
	}

	// A youth must give date of birth and country; a failed accept can be retried.
	if _, _, err := s.AcceptInvitation(ctx, identity.AcceptInput{Token: token, DisplayName: "Léa", PasswordHash: "h", Language: "fr"}); !fault.Is(err, fault.Invalid) {
		t.Fatalf("accept without birth date: got %v, want invalid", err)
	}
	// A name is screened like every text others read (issue 9).
	for _, name := range []string{"Léa 06 12 34 56 78", "Léa lea@example.org", "Léa https://example.org/lea"} {
		if _, _, err := s.AcceptInvitation(ctx, identity.AcceptInput{Token: token, DisplayName: name, PasswordHash: "h", BirthDate: "2013-05-01", Country: "fr", Language: "fr"}); !fault.Is(err, fault.Invalid) || !strings.Contains(fault.MessageOf(err), "name") {
			t.Fatalf("accept as %q: got %v, want a clear refusal of the name", name, err)
		}
	}
	acc, m, err := s.AcceptInvitation(ctx, identity.AcceptInput{Token: token, DisplayName: "Léa Dubois", PasswordHash: "h", BirthDate: "2013-05-01", Country: "fr", Language: "fr"})
	if err != nil {
		t.Fatal(err)
	}
	if acc.Country != "FR" || m.GroupID != group.ID || m.Role != identity.Youth {
		t.Errorf("got account %+v membership %+v", acc, m)
	}
	if _, _, err := s.AcceptInvitation(ctx, identity.AcceptInput{Token: token, DisplayName: "Again", PasswordHash: "h", BirthDate: "2013-05-01", Country: "FR"}); !fault.Is(err, fault.Conflict) {
		t.Fatalf("reused invitation: got %v, want conflict", err)
	}

	// Expiry after 14 days, revocation, renewal.
	inv2, token2, _ := s.Invite(ctx, coord.ID, identity.InviteInput{Email: "max@example.org", Role: identity.Moderator, PanelID: panel.ID})
	clk.t = clk.t.Add(identity.InvitationTTL + time.Second)
	if _, err := s.OpenInvitation(ctx, token2); !fault.Is(err, fault.Forbidden) {
		t.Fatalf("expired invitation: got %v, want forbidden", err)
	}
	_, token3, err := s.RenewInvitation(ctx, coord.ID, inv2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenInvitation(ctx, token2); err == nil {
		t.Fatal("the old link must stop working after a resend")
	}
	if _, err := s.OpenInvitation(ctx, token3); err != nil {
		t.Fatalf("renewed link: %v", err)
	}
	if err := s.RevokeInvitation(ctx, coord.ID, inv2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenInvitation(ctx, token3); !fault.Is(err, fault.Forbidden) {
		t.Fatalf("revoked invitation: got %v, want forbidden", err)
	}
	if _, err := s.OpenInvitation(ctx, "not-a-token"); !fault.Is(err, fault.NotFound) {
		t.Fatalf("unknown token: got %v, want not_found", err)
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	s, docs, _ := newService(t)
	ctx := context.Background()
	coord, panel := setUp(t, s)
	before, _ := docs.Count(ctx, identity.InvitationsCollection, nil)
	cases := map[string]identity.InviteInput{
		"bad e-mail":       {Email: "not-an-email", Role: identity.Youth, PanelID: panel.ID},
		"header injection": {Email: "a@b.cd\r\nBcc: x@y.z", Role: identity.Youth, PanelID: panel.ID},
		"unknown role":     {Email: "a@b.cd", Role: "guardian", PanelID: panel.ID},
		"unknown panel":    {Email: "a@b.cd", Role: identity.Youth, PanelID: "nope"},
		"partner, no org":  {Email: "a@b.cd", Role: identity.Partner, PanelID: panel.ID},
		"unknown language": {Email: "a@b.cd", Role: identity.Youth, PanelID: panel.ID, Language: "xx"},
	}
	for name, in := range cases {
		if _, _, err := s.Invite(ctx, coord.ID, in); err == nil {
			t.Errorf("%s: got no error", name)
		}
	}
	if _, err := s.CreateGroup(ctx, coord.ID, panel.ID, string(make([]rune, identity.MaxNameLength+1))); !fault.Is(err, fault.Invalid) {
		t.Errorf("oversized name: got %v, want invalid", err)
	}
	after, _ := docs.Count(ctx, identity.InvitationsCollection, nil)
	if after != before {
		t.Errorf("invitations: got %d after bad input, want %d", after, before)
	}
}

func TestDuplicateEmailIsAClearConflict(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	coord, panel := setUp(t, s)
	_, token, _ := s.Invite(ctx, coord.ID, identity.InviteInput{Email: coord.Email, Role: identity.Moderator, PanelID: panel.ID})
	_, _, err := s.AcceptInvitation(ctx, identity.AcceptInput{Token: token, DisplayName: "Claire", PasswordHash: "h"})
	if !fault.Is(err, fault.Conflict) {
		t.Fatalf("got %v, want conflict", err)
	}
	// The invitation stays usable after the failure (it was put back).
	if _, err := s.OpenInvitation(ctx, token); err != nil {
		t.Fatalf("invitation after failed accept: %v", err)
	}
}
