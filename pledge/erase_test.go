package pledge_test

import (
	"context"
	"testing"

	"chorus/pledge"
)

// TestEraseAuthor walks the pledge rows of the README's retention table:
// the erased person's comments and amendments lose their words, an open
// amendment is withdrawn, endorsements go, and the pledge text they wrote
// with others stays, still naming their (now nameless) account.
func TestEraseAuthor(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	p, it := newPledge(t, s)
	mod := pledge.Viewer{AccountID: "m", Supervisor: true}

	held, err := s.AddComment(ctx, "y1", p.ID, it.ID, pledge.CommentInput{Text: "mail me at lea.dubois@example.org"})
	if err != nil || !held.Held {
		t.Fatalf("held comment: %+v %v", held, err)
	}
	mine, _ := s.AddComment(ctx, "y1", p.ID, it.ID, pledge.CommentInput{Text: "My little brother uses this app"})
	reply, _ := s.AddComment(ctx, "y2", p.ID, it.ID, pledge.CommentInput{ThreadID: mine.ID, Text: "Mine too"})
	open, err := s.Propose(ctx, "y1", p.ID, it.ID, pledge.Heading, "Plain words for all", "my school asked")
	if err != nil {
		t.Fatal(err)
	}
	accepted, _ := s.Propose(ctx, "y1", p.ID, it.ID, pledge.Summary, "Say it simply, please", "kinder")
	if _, err := s.Decide(ctx, "amb", p.ID, accepted.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EditItem(ctx, "y1", p.ID, it.ID, pledge.Text, 1, "Apps should talk to us in plain, short words"); err != nil {
		t.Fatal(err)
	}
	s.Endorse(ctx, "y1", p.ID)
	s.Endorse(ctx, "y2", p.ID)

	got, err := s.EraseAuthor(ctx, "y1")
	if err != nil || got != (pledge.Erased{Comments: 2, Amendments: 2, Endorsements: 1}) {
		t.Fatalf("EraseAuthor: got %+v %v, want 2 comments, 2 amendments, 1 endorsement", got, err)
	}
	cs, _ := s.Comments(ctx, mod, p.ID, it.ID)
	if len(cs) != 3 {
		t.Fatalf("comments after erasure: got %d, want the 3 (threads keep their shape)", len(cs))
	}
	for _, c := range cs {
		switch c.ID {
		case held.ID, mine.ID:
			if c.Text != "" || !c.Erased || c.Held || len(c.Hits) != 0 {
				t.Errorf("erased author's comment: got %+v, want no text, erased, not held", c)
			}
		case reply.ID:
			if c.Text != "Mine too" || c.Erased {
				t.Errorf("another person's reply: got %+v, want it unchanged", c)
			}
		}
	}
	if others, _ := s.Comments(ctx, pledge.Viewer{AccountID: "y2"}, p.ID, it.ID); len(others) != 3 {
		t.Errorf("group view: got %d comments, want 3 (the erased one no longer held)", len(others))
	}
	if a, _ := s.Amendment(ctx, open.ID); a.State != "withdrawn" || a.Text != "" || a.Reason != "" || len(a.Diff) != 0 || !a.Erased {
		t.Errorf("open amendment: got %+v, want withdrawn without text or reason", a)
	}
	if a, _ := s.Amendment(ctx, accepted.ID); a.State != "accepted" || a.Text != "Say it simply, please" || a.Reason != "" {
		t.Errorf("accepted amendment: got %+v, want its text (now the pledge's) without the reason", a)
	}
	cur, _ := s.Item(ctx, p.ID, it.ID)
	if cur.Text != "Apps should talk to us in plain, short words" || cur.Summary != "Say it simply, please" || cur.UpdatedBy != "y1" {
		t.Errorf("co-written item: got %+v, want the text kept and attributed to the account", cur)
	}
	if e, _ := s.EndorsementsFor(ctx, "mod", p.ID, true); *e.Count != 1 {
		t.Errorf("endorsements: got %d, want the other person's only", *e.Count)
	}
	if again, err := s.EraseAuthor(ctx, "y1"); err != nil || again != (pledge.Erased{}) {
		t.Errorf("erasing again: got %+v %v, want nothing more to do", again, err)
	}
}
