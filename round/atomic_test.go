package round_test

import (
	"testing"
	"time"

	"chorus/moderation"
	"chorus/pledge"
	"chorus/round"
	"chorus/store"
	"chorus/store/storetest"
)

// Every round change of several writes (opening with the pledge's move,
// a submission with its case and events, a follow-up with its case,
// closing with its commitments, an update with its case, a rating with its
// reason's case, a decision with its event) is all or none: whichever
// write fails, nothing of it is left.
func TestRoundWritesAreAllOrNone(t *testing.T) {
	w := newWorld(t)
	f := &storetest.Faulty{Documents: w.docs}
	w.svc.Docs, w.mod.Docs, w.pl.Docs = f, f, f
	var cols []string
	for _, ss := range [][]store.Schema{round.Schemas, moderation.Schemas, pledge.Schemas} {
		for _, sc := range ss {
			cols = append(cols, sc.Collection)
		}
	}
	every := func(what string, min int, op func() error) {
		t.Helper()
		if n := storetest.EveryWriteFails(t, f, cols, op); n < min {
			t.Errorf("%s made %d writes, want at least %d", what, n, min)
		}
	}
	var r round.Round
	every("opening", 3, func() (err error) {
		r, err = w.svc.Open(w.ctx, w.coord.ID, round.OpenInput{PledgeID: w.pledge.ID, OrgIDs: []string{w.orgA.ID}, Deadline: start.Add(24 * time.Hour)})
		return err
	})
	every("a draft", 2, func() error {
		_, err := w.svc.SaveDraft(w.ctx, r.ID, w.items[0].ID, w.a(), commitBody())
		return err
	})
	var a round.Answer
	every("a submission", 3, func() (err error) {
		a, err = w.svc.Submit(w.ctx, r.ID, w.items[0].ID, w.a(), commitBody())
		return err
	})
	every("an approval", 2, func() error {
		return w.svc.Apply(w.ctx, "moderator", moderation.PartnerAnswer, round.RevisionRef(a.ID, 1), "approve")
	})
	lea := round.Youth{AccountID: "lea", Language: "fr"}
	every("a follow-up", 2, func() error {
		_, err := w.svc.Ask(w.ctx, r.ID, a.ID, lea, "Quand ?")
		return err
	})
	var cs []round.Commitment
	id := r.ID
	every("closing", 3, func() (err error) {
		r, cs, err = w.svc.Close(w.ctx, w.coord.ID, id)
		return err
	})
	every("an update", 2, func() error {
		_, err := w.svc.UpdateCommitment(w.ctx, r.ID, cs[0].ID, w.a(), round.UpdateInput{Status: round.Done, Note: "Fait."})
		return err
	})
	every("a rating with a reason", 3, func() error {
		_, err := w.svc.Rate(w.ctx, r.ID, cs[0].ID, lea, round.Kept, "C'est fait.")
		return err
	})
}
