package pledge_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/pledge"
	"chorus/store/storetest"
)

// Every pledge change of several writes (a pledge and its event, an item
// with its first revision, asking for a review, publishing a version, a
// comment, an amendment decided and applied, an endorsement) is all or
// none: whichever write fails, nothing of it is left, and no change stands
// without its event.
func TestPledgeWritesAreAllOrNone(t *testing.T) {
	s, docs := newService(t)
	f := &storetest.Faulty{Documents: docs}
	s.Docs = f
	ctx := context.Background()
	var colls []string
	for _, sc := range pledge.Schemas {
		colls = append(colls, sc.Collection)
	}
	every := func(what string, min int, op func() error) {
		t.Helper()
		if n := storetest.EveryWriteFails(t, f, colls, op); n < min {
			t.Errorf("%s made %d writes, want at least %d", what, n, min)
		}
	}
	var p pledge.Pledge
	every("a new pledge", 2, func() (err error) {
		p, err = s.Create(ctx, "amb", pledge.CreateInput{PanelID: "p1", GroupID: "g1", Title: "Youth Pledge", Language: "en"})
		return err
	})
	every("a rename", 2, func() (err error) { _, err = s.Rename(ctx, "amb", p.ID, "Our pledge"); return err })
	var it, second pledge.Item
	every("an item", 4, func() (err error) {
		it, err = s.AddItem(ctx, "amb", p.ID, pledge.ItemInput{Heading: "Plain words", Text: "Apps should talk to us in plain words"})
		return err
	})
	every("a second item", 4, func() (err error) {
		second, err = s.AddItem(ctx, "amb", p.ID, pledge.ItemInput{Heading: "Safe defaults", Text: "Private by default"})
		return err
	})
	every("moving an item", 2, func() error { _, err := s.MoveItem(ctx, "amb", p.ID, second.ID, 0); return err })
	every("removing it", 3, func() error { _, err := s.RemoveItem(ctx, "amb", p.ID, second.ID); return err })
	every("restoring it", 3, func() error { _, err := s.RestoreItem(ctx, "amb", p.ID, second.ID, 1); return err })
	every("a comment", 2, func() error {
		_, err := s.AddComment(ctx, "y1", p.ID, it.ID, pledge.CommentInput{Text: "Shorter, please"})
		return err
	})
	var a pledge.Amendment
	every("an amendment", 2, func() (err error) {
		a, err = s.Propose(ctx, "y2", p.ID, it.ID, pledge.Text, "Apps should talk to us in short words", "shorter")
		return err
	})
	every("accepting it", 4, func() error { _, err := s.Decide(ctx, "amb", p.ID, a.ID, true); return err })
	if got, err := s.Item(ctx, p.ID, it.ID); err != nil || got.Text != "Apps should talk to us in short words" {
		t.Errorf("item after the accepted amendment: %+v, %v", got, err)
	}
	every("an endorsement", 2, func() error { return s.Endorse(ctx, "y1", p.ID) })
	every("endorsing again", 0, func() error { return s.Endorse(ctx, "y1", p.ID) })
	every("withdrawing it", 2, func() error { return s.Withdraw(ctx, "y1", p.ID) })
	every("asking for a review", 3, func() error { _, err := s.Move(ctx, "amb", p.ID, pledge.InReview); return err })
	every("publishing", 3, func() error { _, err := s.Move(ctx, "mod", p.ID, pledge.Published); return err })
	if v, err := s.Version(ctx, p.ID, 1); err != nil || v.PublishedAt == nil {
		t.Errorf("version 1 after publishing: %+v, %v", v, err)
	}
}

// A transaction spanning several pledge changes (as a moderator's decision
// is: accept an amendment into the item, hide a comment) runs while people
// co-edit the same item through the edit queue: neither waits for the
// other forever, and every edit and every decision lands. Inside the
// transaction the item lock and the queue step aside, so nobody holds a
// lock while waiting for the write lock the transaction has.
func TestTransactionsBesideCoEditingNeverDeadlock(t *testing.T) {
	s, docs := newService(t)
	ctx := context.Background()
	p, it := newPledge(t, s)
	const editors, edits, decisions = 4, 15, 10
	var wg sync.WaitGroup
	errs := make(chan error, editors*edits+decisions)
	for e := range editors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range edits {
				cur, err := s.Item(ctx, p.ID, it.ID)
				if err != nil {
					errs <- err
					return
				}
				if _, err := s.EditItem(ctx, fmt.Sprint("ed", e), p.ID, it.ID, pledge.Text, cur.Version, cur.Text+fmt.Sprintf(" e%d.%d", e, i)); err != nil {
					errs <- fmt.Errorf("edit: %w", err)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range decisions {
			a, err := s.Propose(ctx, "y2", p.ID, it.ID, pledge.Summary, fmt.Sprintf("Say it simply %d", i), "simpler")
			if err != nil {
				errs <- fmt.Errorf("propose: %w", err)
				return
			}
			c, err := s.AddComment(ctx, "y1", p.ID, it.ID, pledge.CommentInput{Text: "a comment"})
			if err != nil {
				errs <- fmt.Errorf("comment: %w", err)
				return
			}
			err = docs.InTransaction(ctx, func(ctx context.Context) error {
				if _, err := s.Decide(ctx, "amb", p.ID, a.ID, true); err != nil {
					return err
				}
				_, err := s.ModerateComment(ctx, "mod", c.ID, pledge.OutcomeHide)
				return err
			})
			if err != nil {
				errs <- fmt.Errorf("decision: %w", err)
			}
		}
	}()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(90 * time.Second):
		t.Fatal("transactions and co-editing blocked each other")
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, err := s.Item(ctx, p.ID, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	for e := range editors {
		for i := range edits {
			if m := fmt.Sprintf(" e%d.%d", e, i); !strings.Contains(got.Text, m) {
				t.Errorf("edit %q is lost: %q", m, got.Text)
			}
		}
	}
	if want := fmt.Sprintf("Say it simply %d", decisions-1); got.Summary != want {
		t.Errorf("summary %q, want the last accepted amendment %q", got.Summary, want)
	}
}
