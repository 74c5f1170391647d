package round_test

import (
	"testing"

	"chorus/moderation"
	"chorus/round"
)

// TestEraseAuthor is the feedback-round row of the README's retention
// table: an erased youth's follow-up keeps its place without its words,
// their rating reason goes while the rating still counts, their reaction
// goes; nobody else's are touched; a second run changes nothing.
func TestEraseAuthor(t *testing.T) {
	w := newWorld(t)
	r := w.open(w.orgA.ID)
	a, err := w.svc.Submit(w.ctx, r.ID, w.items[0].ID, w.a(), commitBody())
	must(t, err)
	w.approve(moderation.PartnerAnswer, round.RevisionRef(a.ID, 1))
	lea, tom := round.Youth{AccountID: "lea", Language: "fr"}, round.Youth{AccountID: "tom", Language: "fr"}
	mine, err := w.svc.Ask(w.ctx, r.ID, a.ID, lea, "Quand exactement ?")
	must(t, err)
	w.approve(moderation.RoundFollowUp, mine.ID)
	theirs, err := w.svc.Ask(w.ctx, r.ID, a.ID, tom, "Et où ?")
	must(t, err)
	must(t, w.svc.React(w.ctx, r.ID, a.ID, "lea", round.WantMore))
	must(t, w.svc.React(w.ctx, r.ID, a.ID, "tom", round.Clear))
	r, cs, err := w.svc.Close(w.ctx, w.coord.ID, r.ID)
	must(t, err)
	_, err = w.svc.Rate(w.ctx, r.ID, cs[0].ID, lea, round.Kept, "Je l'ai vu en ligne.")
	must(t, err)

	n, err := w.svc.EraseAuthor(w.ctx, "lea")
	must(t, err)
	if n != 3 {
		t.Fatalf("erased %d documents, want 3 (a question, a reason, a reaction)", n)
	}
	f, err := w.svc.FollowUp(w.ctx, mine.ID)
	must(t, err)
	if f.Text != "" || f.Status != round.Hidden {
		t.Fatalf("lea's question after erasure: %+v, want no words, hidden", f)
	}
	if f, _ := w.svc.FollowUp(w.ctx, theirs.ID); f.Text != "Et où ?" {
		t.Fatalf("tom's question changed: %+v", f)
	}
	rc, err := w.svc.Reactions(w.ctx, r.ID, "")
	must(t, err)
	if got := rc.Counts[a.ID]; got[round.WantMore] != 0 || got[round.Clear] != 1 {
		t.Fatalf("reactions after erasure: %v, want only tom's", got)
	}
	scs, err := w.svc.Scorecards(w.ctx, r)
	must(t, err)
	if l := scs[0].Lines[0]; l.Counts[round.Kept] != 1 || len(l.Reasons) != 0 {
		t.Fatalf("scorecard after erasure: %+v, want the rating counted and no reason", l)
	}
	if rs, _ := w.svc.RatingsOf(w.ctx, r.ID); rs[0].Reason != "" {
		t.Fatalf("the reason stayed: %+v", rs[0])
	}
	if n, err := w.svc.EraseAuthor(w.ctx, "lea"); err != nil || n != 0 {
		t.Fatalf("a second run changed %d, %v; want 0", n, err)
	}
}
