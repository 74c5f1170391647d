package round_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"chorus/consent"
	"chorus/fault"
	"chorus/identity"
	"chorus/moderation"
	"chorus/policy"
	"chorus/round"
)

// A withdrawal of consent reaches a youth's round content without HTTP
// (issue 10, hole 3): the round's kinds are registered with the moderation
// workflow, so WithdrawByAuthor takes her approved follow-up and rating
// reason out of the partner's view, and no moderator approves her held
// follow-up or held reason back in; each case shows why.
func TestWithdrawalReachesFollowUpsAndRatingReasons(t *testing.T) {
	w := newWorld(t)
	lea := policy.Subject{AccountID: "lea", Band: consent.MinorAtConsentAge, Consents: []consent.Scope{consent.Participate},
		Memberships: []identity.Membership{{PanelID: w.panel.ID, GroupID: "g", Role: identity.Youth}}}
	mod := policy.Subject{AccountID: "mod", Band: consent.Adult, Memberships: []identity.Membership{{PanelID: w.panel.ID, Role: identity.Moderator}}}
	pat := policy.Subject{AccountID: partnerA.AccountID, Band: consent.Adult,
		Memberships: []identity.Membership{{PanelID: w.panel.ID, OrgID: w.orgA.ID, Role: identity.Partner}}}
	m := moderation.NewService(w.docs, func(_ context.Context, id string) (policy.Subject, error) {
		switch id {
		case lea.AccountID:
			return lea, nil
		case pat.AccountID:
			return pat, nil
		}
		return policy.Subject{}, fault.Errorf(fault.NotFound, "no account")
	})
	m.Now = w.clock.Now
	w.svc.Register(m)
	decide := func(contentType, id string, a moderation.Action) error {
		t.Helper()
		c, err := m.CaseFor(w.ctx, contentType, id)
		must(t, err)
		_, err = m.Decide(w.ctx, moderation.DecideInput{CaseID: c.ID, By: mod, Action: a, Reason: "checked"})
		return err
	}
	y := round.Youth{AccountID: "lea", Language: "fr"}

	r := w.open(w.orgA.ID)
	body := commitBody()
	body.Actions = append(body.Actions, round.Action{Text: "Add a short video", DueDate: start.AddDate(0, 4, 0).Format(time.DateOnly)})
	a, err := w.svc.Submit(w.ctx, r.ID, w.items[0].ID, w.a(), body)
	must(t, err)
	must(t, decide(moderation.PartnerAnswer, round.RevisionRef(a.ID, 1), moderation.Approve))
	shown, err := w.svc.Ask(w.ctx, r.ID, a.ID, y, "Quand exactement ?")
	must(t, err)
	must(t, decide(moderation.RoundFollowUp, shown.ID, moderation.Approve))
	held, err := w.svc.Ask(w.ctx, r.ID, a.ID, y, "Écris-moi à lea@example.org")
	must(t, err)
	if held.Status != round.Held {
		t.Fatalf("a question with an e-mail address is %s, want held", held.Status)
	}
	r, cs, err := w.svc.Close(w.ctx, w.coord.ID, r.ID)
	must(t, err)
	if len(cs) != 2 {
		t.Fatalf("commitments: %+v, want two", cs)
	}
	reason, err := w.svc.Rate(w.ctx, r.ID, cs[0].ID, y, round.Kept, "Je l'ai lu, c'est clair.")
	must(t, err)
	must(t, decide(moderation.CommitmentRating, reason.ID, moderation.Approve))
	heldReason, err := w.svc.Rate(w.ctx, r.ID, cs[1].ID, y, round.PartlyK, "Appelle-moi au 06 12 34 56 78")
	must(t, err)
	if heldReason.ReasonStatus != round.Held {
		t.Fatalf("a reason with a phone number is %s, want held", heldReason.ReasonStatus)
	}

	// Lea withdraws participate.
	lea.Consents = nil
	n, err := m.WithdrawByAuthor(w.ctx, moderation.Withdrawal{AccountID: "lea", Scope: consent.Participate, By: "self"})
	if err != nil || n != 2 {
		t.Fatalf("withdrawal: took %d out (%v), want her approved question and her approved reason", n, err)
	}
	fus, err := w.svc.FollowUps(w.ctx, r.ID)
	must(t, err)
	for _, f := range fus {
		if f.Status == round.Approved {
			t.Errorf("after the withdrawal the partner still reads %q", f.Text)
		}
	}
	scs, err := w.svc.Scorecards(w.ctx, r)
	must(t, err)
	for _, l := range scs[0].Lines {
		if len(l.Reasons) != 0 {
			t.Errorf("after the withdrawal the scorecard still shows %v", l.Reasons)
		}
	}
	// No moderator shows her held words, or restores the hidden ones.
	for _, c := range []struct {
		typ, id string
		a       moderation.Action
	}{
		{moderation.RoundFollowUp, held.ID, moderation.Approve},
		{moderation.CommitmentRating, heldReason.ID, moderation.Approve},
	} {
		if err := decide(c.typ, c.id, c.a); !fault.Is(err, fault.Conflict) || !strings.Contains(fault.MessageOf(err), "no longer takes part") {
			t.Errorf("%s %s after the withdrawal: got %v, want a conflict saying she no longer takes part", c.a, c.typ, err)
		}
		cs, err := m.CaseFor(w.ctx, c.typ, c.id)
		must(t, err)
		if !strings.Contains(cs.ConsentWithdrawn, "participate") || slices.Contains(cs.AuthorConsents, string(consent.Participate)) {
			t.Errorf("the case of %s: consentWithdrawn %q, author consents %v; want the withdrawal and participate gone", c.typ, cs.ConsentWithdrawn, cs.AuthorConsents)
		}
	}
	if f, err := w.svc.FollowUp(w.ctx, held.ID); err != nil || f.Status == round.Approved {
		t.Errorf("the held question after a refused approval: %s %v", f.Status, err)
	}
	// Again: nothing more to take out.
	if n, err := m.WithdrawByAuthor(w.ctx, moderation.Withdrawal{AccountID: "lea", Scope: consent.Participate, By: "self"}); err != nil || n != 0 {
		t.Errorf("a second withdrawal took %d out (%v), want 0", n, err)
	}
}
