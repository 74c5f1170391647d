package app_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"chorus/app"
	"chorus/consent"
	"chorus/identity"
	"chorus/moderation"
	"chorus/pledge"
	"chorus/store"
	"chorus/store/sqlite"
	"chorus/store/storetest"
)

// A withdrawal of consent and what it does to the person's content are one
// change (issue 10, hole 3; it was two calls in the HTTP handler): the
// record, the comment leaving the group and the audit row are all there,
// or, whichever write fails, none of them, so a withdrawal never stands
// while the content it covered is still shown.
func TestWithdrawalAndItsEffectOnContentAreOneChange(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	docs := &storetest.Faulty{Documents: db}
	svc := &app.Services{Now: time.Now, Identity: identity.NewService(docs, nil)}
	svc.Consent = consent.NewService(docs, discard{}, consent.SubjectsFunc(func(ctx context.Context, id string) (consent.Subject, error) {
		a, err := svc.Identity.Account(ctx, id)
		if err != nil {
			return consent.Subject{}, err
		}
		birth, err := consent.ParseBirthDate(a.BirthDate)
		return consent.Subject{AccountID: a.ID, FirstName: a.DisplayName, BirthDate: birth, Country: a.Country, Language: a.Language}, err
	}), "http://localhost")
	svc.Moderation = moderation.NewService(docs, svc.SubjectOf)
	svc.Pledges = pledge.NewService(docs, nil, svc.Moderation)
	for _, declare := range []func(context.Context) error{svc.Identity.Declare, svc.Consent.Declare, svc.Moderation.Declare, svc.Pledges.Declare} {
		if err := declare(ctx); err != nil {
			t.Fatal(err)
		}
	}
	svc.RegisterKinds()
	coord, panel := germanPanel(t, ctx, svc)
	group, err := svc.Identity.CreateGroup(ctx, coord.ID, panel.ID, "Group")
	if err != nil {
		t.Fatal(err)
	}
	_, inv, err := svc.Identity.Invite(ctx, coord.ID, identity.InviteInput{Email: "lena@example.org", Role: identity.Youth, PanelID: panel.ID, GroupID: group.ID})
	if err != nil {
		t.Fatal(err)
	}
	lena, _, err := svc.Identity.AcceptInvitation(ctx, identity.AcceptInput{Token: inv, DisplayName: "Lena", PasswordHash: "h",
		BirthDate: time.Now().AddDate(-17, -1, 0).Format(time.DateOnly), Country: "DE"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Consent.Grant(ctx, lena.ID, consent.Participate, "de"); err != nil {
		t.Fatal(err)
	}
	p, err := svc.Pledges.Create(ctx, coord.ID, pledge.CreateInput{PanelID: panel.ID, GroupID: group.ID, Title: "Pledge", Language: "de"})
	if err != nil {
		t.Fatal(err)
	}
	it, err := svc.Pledges.AddItem(ctx, coord.ID, p.ID, pledge.ItemInput{Heading: "Klare Worte", Text: "Apps erklären ihre Regeln."})
	if err != nil {
		t.Fatal(err)
	}
	cm, err := svc.Pledges.AddComment(ctx, lena.ID, p.ID, it.ID, pledge.CommentInput{Text: "Kurze Sätze bitte."})
	if err != nil || cm.Held {
		t.Fatalf("comment: %+v, %v", cm, err)
	}

	var cols []string
	for _, ss := range [][]store.Schema{consent.Schemas, moderation.Schemas, pledge.Schemas} {
		for _, sc := range ss {
			cols = append(cols, sc.Collection)
		}
	}
	var rec consent.Record
	if n := storetest.EveryWriteFails(t, docs, cols, func() (err error) {
		rec, err = svc.Withdraw(ctx, lena.ID, consent.Participate, "de")
		return err
	}); n < 3 {
		t.Errorf("the withdrawal made %d writes, want the record, the comment and its audit row at least", n)
	}
	if rec.Action != consent.Withdrawn {
		t.Fatalf("record: %+v, want a withdrawal", rec)
	}
	if got, _ := svc.Pledges.Comment(ctx, cm.ID); !got.Hidden {
		t.Errorf("after the withdrawal: %+v, want the comment out of the group's view", got)
	}
}
