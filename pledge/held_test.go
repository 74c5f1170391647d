package pledge_test

import (
	"context"
	"encoding/json"
	"testing"

	"chorus/fault"
	"chorus/pledge"
	"chorus/store"
)

// commentEvents lists the comment events of a pledge, as "type:commentId".
func commentEvents(t *testing.T, docs store.Documents, pledgeID string) []string {
	t.Helper()
	evs, err := docs.Events(context.Background(), store.EventQuery{Subject: pledge.Topic(pledgeID), Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		var d struct {
			Comment   struct{ ID string } `json:"comment"`
			CommentID string              `json:"commentId"`
		}
		if e.Type == "pledge.comment_added" || e.Type == "pledge.comment_removed" {
			_ = json.Unmarshal(e.Data, &d)
			out = append(out, e.Type+":"+d.Comment.ID+d.CommentID)
		}
	}
	return out
}

func ids(cs []pledge.Comment) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// Safeguarding rule 5: a youth comment with personal data is held from
// everyone but its author and moderators until a moderator approves it.
func TestScreeningHoldsACommentUntilAModeratorApproves(t *testing.T) {
	s, docs := newService(t)
	ctx := context.Background()
	p, it := newPledge(t, s)
	author, other, mod := pledge.Viewer{AccountID: "y1"}, pledge.Viewer{AccountID: "y2"}, pledge.Viewer{AccountID: "m", Supervisor: true}

	clean, err := s.AddComment(ctx, "y2", p.ID, it.ID, pledge.CommentInput{Text: "I like this item."})
	if err != nil || clean.Held {
		t.Fatalf("a clean comment: %+v, %v; want it shown at once", clean, err)
	}
	held, err := s.AddComment(ctx, "y1", p.ID, it.ID, pledge.CommentInput{Text: "Text me on 06 12 34 56 78 about it"})
	if err != nil {
		t.Fatal(err)
	}
	if !held.Held || len(held.Hits) != 1 || held.Hits[0].Kind != "phone" || held.Text[held.Hits[0].Start:held.Hits[0].End] != "06 12 34 56 78" {
		t.Fatalf("a comment with a phone number: held=%t hits %+v; want held, the number pointed at", held.Held, held.Hits)
	}
	see := func(v pledge.Viewer) []string {
		t.Helper()
		cs, err := s.Comments(ctx, v, p.ID, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		return ids(cs)
	}
	if got := see(other); len(got) != 1 || got[0] != clean.ID {
		t.Errorf("another youth sees %v, want only the clean comment", got)
	}
	if got := see(author); len(got) != 2 {
		t.Errorf("the author sees %v, want both (their own held one too)", got)
	}
	if got := see(mod); len(got) != 2 {
		t.Errorf("a moderator sees %v, want both", got)
	}
	if got := commentEvents(t, docs, p.ID); len(got) != 1 || got[0] != "pledge.comment_added:"+clean.ID {
		t.Errorf("events %v: the held comment must not go out live", got)
	}

	// A moderator asks for a change; only the author may rewrite it, and it
	// stays held for the moderator to look again.
	if _, err := s.ModerateComment(ctx, "m", held.ID, pledge.OutcomeRequestChanges); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EditComment(ctx, "y2", held.ID, "not mine"); !fault.Is(err, fault.Forbidden) {
		t.Errorf("someone else edits it: got %v, want forbidden", err)
	}
	edited, err := s.EditComment(ctx, "y1", held.ID, "Let's talk about it here.")
	if err != nil || !edited.Held || len(edited.Hits) != 0 || !edited.Edited {
		t.Fatalf("the author's rewrite: %+v, %v; want held, no hits, edited", edited, err)
	}
	if got := see(other); len(got) != 1 {
		t.Errorf("before approval another youth sees %v", got)
	}

	approved, err := s.ModerateComment(ctx, "m", held.ID, pledge.OutcomeApprove)
	if err != nil || approved.Held {
		t.Fatalf("approve: %+v, %v", approved, err)
	}
	if got := see(other); len(got) != 2 {
		t.Errorf("after approval another youth sees %v, want both", got)
	}
	if _, err := s.EditComment(ctx, "y1", held.ID, "again"); !fault.Is(err, fault.Conflict) {
		t.Errorf("editing an approved comment: got %v, want conflict", err)
	}

	// Hiding takes it away from the group, live; restoring brings it back.
	if _, err := s.ModerateComment(ctx, "m", held.ID, pledge.OutcomeHide); err != nil {
		t.Fatal(err)
	}
	if got := see(other); len(got) != 1 {
		t.Errorf("after hiding another youth sees %v", got)
	}
	if _, err := s.ModerateComment(ctx, "m", held.ID, pledge.OutcomeRestore); err != nil {
		t.Fatal(err)
	}
	want := []string{"pledge.comment_added:" + clean.ID, "pledge.comment_added:" + held.ID, "pledge.comment_removed:" + held.ID, "pledge.comment_added:" + held.ID}
	if got := commentEvents(t, docs, p.ID); len(got) != len(want) || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Errorf("events %v, want %v", got, want)
	}
	if _, err := s.ModerateComment(ctx, "m", held.ID, "delete"); !fault.Is(err, fault.Invalid) {
		t.Errorf("unknown outcome: got %v, want invalid", err)
	}
	if _, err := s.ModerateComment(ctx, "m", "no-such", pledge.OutcomeApprove); !fault.Is(err, fault.NotFound) {
		t.Errorf("unknown comment: got %v, want not found", err)
	}
}

// Hide then restore is no approval (issue 9): a comment held by screening,
// hidden and restored, is held again; nobody but its author and the
// moderators sees it, and nothing went out live.
func TestHideThenRestoreKeepsAHeldCommentHeld(t *testing.T) {
	s, docs := newService(t)
	ctx := context.Background()
	p, it := newPledge(t, s)
	held, err := s.AddComment(ctx, "y1", p.ID, it.ID, pledge.CommentInput{Text: "Text me on 06 12 34 56 78 about it"})
	if err != nil || !held.Held {
		t.Fatalf("got %+v, %v; want it held", held, err)
	}
	for _, outcome := range []string{pledge.OutcomeHide, pledge.OutcomeRestore} {
		if held, err = s.ModerateComment(ctx, "coord", held.ID, outcome); err != nil {
			t.Fatal(err)
		}
	}
	if !held.Held || held.Hidden {
		t.Fatalf("after hide and restore: held=%t hidden=%t, want held again, not hidden", held.Held, held.Hidden)
	}
	if cs, _ := s.Comments(ctx, pledge.Viewer{AccountID: "y2"}, p.ID, it.ID); len(cs) != 0 {
		t.Errorf("another youth sees %v after hide and restore, want nothing", ids(cs))
	}
	if got := commentEvents(t, docs, p.ID); len(got) != 0 {
		t.Errorf("events %v: the held comment must not go out live", got)
	}
}
