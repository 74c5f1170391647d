package pledge_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"chorus/ot"
	"chorus/pledge"
	"chorus/store"
)

// Whole-text changes (a restore from history, an accepted amendment) made
// while someone has typing on its way: every client learns of them from the
// live event alone, so the event must say what the change did to each
// field as an operation, the one the server stored and transformed the
// others' edits against. A client that had to work it out from the whole
// new text would transform its unsent typing differently from the server
// and drift apart from it.

// follower is one person's live view of an item's text, fed by the
// pledge's events in order, as the browser's page feeds its FieldSync.
type follower struct {
	t      *testing.T
	docs   store.Documents
	pledge string
	item   string
	after  int64 // the last event id applied
	c      *ot.Client
}

func newFollower(t *testing.T, docs store.Documents, pledgeID string, it pledge.Item, client string) *follower {
	t.Helper()
	f := &follower{t: t, docs: docs, pledge: pledgeID, item: it.ID, c: ot.NewClient(client, it.Text, it.Version)}
	evs, err := docs.Events(context.Background(), store.EventQuery{Subject: pledge.Topic(pledgeID), Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) > 0 {
		f.after = evs[len(evs)-1].ID
	}
	return f
}

// fieldEvent is what an event says about one field: the shape of
// pledge.item_edited.
type fieldEvent struct {
	ItemID  string            `json:"itemId"`
	Field   pledge.Field      `json:"field"`
	Version int64             `json:"version"`
	Ops     []pledge.EditedOp `json:"ops"`
}

// feed applies the events that arrived since the last feed.
func (f *follower) feed() {
	f.t.Helper()
	evs, err := f.docs.Events(context.Background(), store.EventQuery{After: f.after, Subject: pledge.Topic(f.pledge), Limit: store.MaxLimit})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, e := range evs {
		f.after = e.ID
		var d struct {
			fieldEvent
			Fields []fieldEvent `json:"fields"`
		}
		if err := json.Unmarshal(e.Data, &d); err != nil {
			f.t.Fatal(err)
		}
		var changes []fieldEvent
		switch e.Type {
		case "pledge.item_edited":
			changes = []fieldEvent{d.fieldEvent}
		case "pledge.item_restored", "pledge.item_removed":
			if d.Fields == nil {
				f.t.Fatalf("%s (version %d) says nothing of the operations it made: %s", e.Type, d.Version, e.Data)
			}
			changes = d.Fields
		default:
			continue
		}
		// Every version of the item moves the text's client on: the
		// text's op at that version, or none when another field changed.
		textAt := map[int64]pledge.EditedOp{}
		versions := []int64{}
		for _, ch := range changes {
			if ch.ItemID != f.item {
				continue
			}
			for _, o := range ch.Ops {
				if _, seen := textAt[o.Version]; !seen {
					versions = append(versions, o.Version)
					textAt[o.Version] = pledge.EditedOp{Version: o.Version}
				}
				if ch.Field == pledge.Text {
					textAt[o.Version] = o
				}
			}
		}
		if e.Type != "pledge.item_edited" && d.Version > 0 && len(versions) == 0 {
			versions, textAt[d.Version] = []int64{d.Version}, pledge.EditedOp{Version: d.Version}
		}
		for _, v := range versions {
			o := textAt[v]
			if err := f.c.Applied(v, o.Op, o.Client, o.Seq); err != nil {
				f.t.Fatalf("%s version %d: %v", e.Type, v, err)
			}
		}
	}
}

// send hands what the client has to send to the service, and its answer back.
func (f *follower) send(s *pledge.Service, actor string) {
	f.t.Helper()
	op, base, seq, ok := f.c.Next()
	if !ok {
		return
	}
	res, err := s.ApplyEdit(context.Background(), actor, f.pledge, f.item, pledge.Edit{Field: pledge.Text, Base: base, Op: op, Client: f.c.ID, Seq: seq})
	if err != nil {
		f.t.Fatal(err)
	}
	f.c.Ack(seq, res.Version)
}

// insertBefore types text just before the first occurrence of word in what
// the client shows.
func insertBefore(t *testing.T, c *ot.Client, word, text string) {
	t.Helper()
	i := strings.Index(c.Text(), word)
	if i < 0 {
		t.Fatalf("%q is not in %q", word, c.Text())
	}
	if err := c.Edit(ot.Insert(utf8.RuneCountInString(c.Text()[:i]), text)); err != nil {
		t.Fatal(err)
	}
}

// wholeTextCase sets up an item that B changed in two places of its text
// and in its heading, a comment on "plain words" of that version, and A and
// B following it live.
func wholeTextCase(t *testing.T) (s *pledge.Service, p pledge.Pledge, a, b *follower, comment pledge.Comment) {
	t.Helper()
	ctx := context.Background()
	s, docs := newService(t)
	p, it := newPledge(t, s) // v1: "Apps should talk to us in plain words"
	if _, err := s.EditItem(ctx, "bea", p.ID, it.ID, pledge.Text, 1, "Apps must talk to us in plain words, always"); err != nil {
		t.Fatal(err)
	}
	it, err := s.EditItem(ctx, "bea", p.ID, it.ID, pledge.Heading, 2, "Plain words, always")
	if err != nil {
		t.Fatal(err)
	}
	start := utf8.RuneCountInString(it.Text[:strings.Index(it.Text, "plain words")])
	comment, err = s.AddComment(ctx, "cem", p.ID, it.ID, pledge.CommentInput{Text: "Yes, these words.", Anchor: &pledge.Anchor{Version: it.Version, Start: start, End: start + len("plain words")}})
	if err != nil {
		t.Fatal(err)
	}
	return s, p, newFollower(t, docs, p.ID, it, "ana-text"), newFollower(t, docs, p.ID, it, "bea-text"), comment
}

// converged checks that A, B and the server hold the same text, with what
// each of want says, and that the comment still points at "plain words".
func converged(t *testing.T, s *pledge.Service, p pledge.Pledge, a, b *follower, comment pledge.Comment, want, gone []string) {
	t.Helper()
	ctx := context.Background()
	a.feed()
	b.feed()
	it, err := s.Item(ctx, p.ID, a.item)
	if err != nil {
		t.Fatal(err)
	}
	if a.c.Pending() {
		t.Errorf("A still has typing waiting: %q", a.c.Text())
	}
	if a.c.Text() != it.Text || b.c.Text() != it.Text || a.c.Version() != it.Version || b.c.Version() != it.Version {
		t.Fatalf("not converged: server %q (v%d), A %q (v%d), B %q (v%d)", it.Text, it.Version, a.c.Text(), a.c.Version(), b.c.Text(), b.c.Version())
	}
	for _, w := range want {
		if strings.Count(it.Text, w) != 1 {
			t.Errorf("text %q: want %q once", it.Text, w)
		}
	}
	for _, g := range gone {
		if strings.Contains(it.Text, g) {
			t.Errorf("text %q: want no %q", it.Text, g)
		}
	}
	cs, err := s.Comments(ctx, pledge.Viewer{AccountID: "cem"}, p.ID, a.item)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.ID != comment.ID {
			continue
		}
		start := utf8.RuneCountInString(it.Text[:strings.Index(it.Text, "plain words")])
		if c.AnchorLost || c.Current == nil || c.Current.Quote != "plain words" || c.Current.Start != start || c.Current.Version != it.Version {
			t.Errorf("comment anchor: got %+v (lost %v), want \"plain words\" at %d of version %d", c.Current, c.AnchorLost, start, it.Version)
		}
		return
	}
	t.Errorf("comment %s is gone", comment.ID)
}

func TestRestoreWhileAnotherHasTypingOnItsWay(t *testing.T) {
	ctx := context.Background()
	t.Run("the typing sent reaches the server after the restore", func(t *testing.T) {
		s, p, a, b, comment := wholeTextCase(t)
		insertBefore(t, a.c, "talk", "kindly ")
		op, base, seq, _ := a.c.Next() // sent: on its way
		insertBefore(t, a.c, "plain", "really ")
		if _, err := s.RestoreItem(ctx, "bea", p.ID, a.item, 1); err != nil {
			t.Fatal(err)
		}
		a.feed() // the restore reaches A before the answer to its edit
		res, err := s.ApplyEdit(ctx, "ana", p.ID, a.item, pledge.Edit{Field: pledge.Text, Base: base, Op: op, Client: a.c.ID, Seq: seq})
		if err != nil {
			t.Fatal(err)
		}
		a.c.Ack(seq, res.Version)
		a.feed()
		a.send(s, "ana")
		converged(t, s, p, a, b, comment, []string{"Apps should kindly talk", "really plain words"}, []string{"must", "always"})
	})
	t.Run("the typing sent was applied before the restore", func(t *testing.T) {
		s, p, a, b, comment := wholeTextCase(t)
		insertBefore(t, a.c, "talk", "kindly ")
		op, base, seq, _ := a.c.Next()
		insertBefore(t, a.c, "plain", "really ")
		res, err := s.ApplyEdit(ctx, "ana", p.ID, a.item, pledge.Edit{Field: pledge.Text, Base: base, Op: op, Client: a.c.ID, Seq: seq})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RestoreItem(ctx, "bea", p.ID, a.item, 1); err != nil {
			t.Fatal(err)
		}
		a.feed() // the answer is lost behind the restore: the feed acknowledges
		a.c.Ack(seq, res.Version)
		a.send(s, "ana")
		// B asked for version 1's words: A's acknowledged "kindly " goes with the rest.
		converged(t, s, p, a, b, comment, []string{"Apps should talk", "really plain words"}, []string{"must", "always", "kindly"})
	})
}

func TestAcceptedAmendmentWhileAnotherHasTypingOnItsWay(t *testing.T) {
	ctx := context.Background()
	s, p, a, b, comment := wholeTextCase(t)
	am, err := s.Propose(ctx, "cem", p.ID, a.item, pledge.Text, "Apps must talk with us in plain words, always", "with, not to")
	if err != nil {
		t.Fatal(err)
	}
	a.feed()
	b.feed()
	insertBefore(t, a.c, "talk", "kindly ")
	op, base, seq, _ := a.c.Next()
	insertBefore(t, a.c, "plain", "really ")
	if _, err := s.Decide(ctx, "amb", p.ID, am.ID, true); err != nil {
		t.Fatal(err)
	}
	a.feed()
	res, err := s.ApplyEdit(ctx, "ana", p.ID, a.item, pledge.Edit{Field: pledge.Text, Base: base, Op: op, Client: a.c.ID, Seq: seq})
	if err != nil {
		t.Fatal(err)
	}
	a.c.Ack(seq, res.Version)
	a.feed()
	a.send(s, "ana")
	converged(t, s, p, a, b, comment, []string{"Apps must kindly talk with us in really plain words, always"}, []string{"talk to"})
}
