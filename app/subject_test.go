package app_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"chorus/app"
	"chorus/consent"
	"chorus/identity"
	"chorus/mail"
	"chorus/store/sqlite"
)

type discard struct{}

func (discard) Send(context.Context, mail.Message) error { return nil }

// An account's policy subject is read afresh on every call, without any
// transport: its memberships, its age band, and the consents it holds at
// this moment (a withdrawal counts from the very next call).
func TestSubjectIsTheAccountAsItIsNow(t *testing.T) {
	ctx := context.Background()
	docs, err := sqlite.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docs.Close() })
	svc := &app.Services{Now: time.Now, Identity: identity.NewService(docs, nil)}
	svc.Consent = consent.NewService(docs, discard{}, consent.SubjectsFunc(func(ctx context.Context, id string) (consent.Subject, error) {
		a, err := svc.Identity.Account(ctx, id)
		if err != nil {
			return consent.Subject{}, err
		}
		birth, err := consent.ParseBirthDate(a.BirthDate)
		return consent.Subject{AccountID: a.ID, FirstName: a.DisplayName, BirthDate: birth, Country: a.Country, Language: a.Language}, err
	}), "http://localhost")
	for _, declare := range []func(context.Context) error{svc.Identity.Declare, svc.Consent.Declare} {
		if err := declare(ctx); err != nil {
			t.Fatal(err)
		}
	}
	coord, panel := germanPanel(t, ctx, svc)
	_, inv, err := svc.Identity.Invite(ctx, coord.ID, identity.InviteInput{Email: "lena@example.org", Role: identity.Youth, PanelID: panel.ID})
	if err != nil {
		t.Fatal(err)
	}
	birth := time.Now().AddDate(-17, -1, 0).Format(time.DateOnly)
	lena, _, err := svc.Identity.AcceptInvitation(ctx, identity.AcceptInput{Token: inv, DisplayName: "Lena", PasswordHash: "h", BirthDate: birth, Country: "DE"})
	if err != nil {
		t.Fatal(err)
	}

	_, sub, err := svc.Subject(ctx, lena.ID)
	if err != nil || sub.Band == consent.Adult || len(sub.Memberships) != 1 || len(sub.Consents) != 0 {
		t.Fatalf("a 17-year-old who consented to nothing: %+v, %v", sub, err)
	}
	if _, err := svc.Consent.Grant(ctx, lena.ID, consent.Participate, "de"); err != nil {
		t.Fatal(err)
	}
	if _, sub, _ = svc.Subject(ctx, lena.ID); !slices.Contains(sub.Consents, consent.Participate) {
		t.Errorf("after granting participate: consents %v", sub.Consents)
	}
	if _, err := svc.Consent.Withdraw(ctx, lena.ID, consent.Participate, "de"); err != nil {
		t.Fatal(err)
	}
	if sub, _ = svc.SubjectOf(ctx, lena.ID); slices.Contains(sub.Consents, consent.Participate) {
		t.Errorf("right after withdrawing participate: consents %v", sub.Consents)
	}
	if _, sub, err = svc.Subject(ctx, coord.ID); err != nil || sub.Band != consent.Adult {
		t.Errorf("staff without a date of birth: %+v, %v; want an adult", sub, err)
	}
}

// germanPanel sets up a centre in Germany with its coordinator and one panel.
func germanPanel(t *testing.T, ctx context.Context, svc *app.Services) (identity.Account, identity.Panel) {
	t.Helper()
	token, _, err := svc.Identity.NewSetupToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	coord, centre, err := svc.Identity.CompleteSetup(ctx, identity.SetupInput{Token: token, OrgName: "SIC DE", Country: "DE",
		DisplayName: "Claire", Email: "claire@example.org", PasswordHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	panel, err := svc.Identity.CreatePanel(ctx, coord.ID, identity.PanelInput{OrgID: centre.ID, Name: "Panel", Country: "DE"})
	if err != nil {
		t.Fatal(err)
	}
	return coord, panel
}
