package pledge_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"chorus/ot"
	"chorus/pledge"
	"chorus/store"
	"chorus/store/sqlite"
)

// eventless is a store whose event log refuses pledge.item_edited while
// refuse is set, and that counts the writes that reach the database on
// their own and the transactions.
type eventless struct {
	store.Documents
	refuse  atomic.Bool
	commits atomic.Int64 // InTransaction calls (outermost) and writes outside one
}

func (e *eventless) AppendEvent(ctx context.Context, ev store.Event) (store.Event, error) {
	if e.refuse.Load() && ev.Type == "pledge.item_edited" {
		return store.Event{}, errors.New("the event log is unavailable")
	}
	e.count(ctx)
	return e.Documents.AppendEvent(ctx, ev)
}

func (e *eventless) count(ctx context.Context) {
	if !store.WithinTransaction(ctx) {
		e.commits.Add(1)
	}
}

func (e *eventless) InTransaction(ctx context.Context, f func(ctx context.Context) error) error {
	e.count(ctx)
	return e.Documents.InTransaction(ctx, f)
}

func (e *eventless) InsertMany(ctx context.Context, collection string, rs []store.Record) error {
	e.count(ctx)
	return e.Documents.InsertMany(ctx, collection, rs)
}

func (e *eventless) Update(ctx context.Context, collection string, r store.Record) (store.Record, error) {
	e.count(ctx)
	return e.Documents.Update(ctx, collection, r)
}

func newEventless(t *testing.T) (*pledge.Service, *eventless) {
	t.Helper()
	docs, err := sqlite.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docs.Close() })
	e := &eventless{Documents: docs}
	s := pledge.NewService(e, nil, nil)
	if err := s.Declare(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, e
}

// An edit refused because its event could not be recorded leaves nothing
// behind: the client drops a refused op, so a revision stored for it would
// be text on the server that no client ever hears of.
func TestEditWithoutItsEventIsNotStored(t *testing.T) {
	s, docs := newEventless(t)
	ctx := context.Background()
	p, it := newPledge(t, s)
	docs.refuse.Store(true)
	if _, err := s.ApplyEdit(ctx, "amb", p.ID, it.ID, pledge.Edit{Field: pledge.Text, Base: it.Version, Op: ot.Insert(0, "Lost: "), Client: "c1", Seq: 1}); err == nil {
		t.Fatal("the edit was accepted without its event")
	}
	docs.refuse.Store(false)
	got, err := s.Item(ctx, p.ID, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != it.Version || got.Text != it.Text {
		t.Errorf("the refused edit changed the item: version %d, text %q", got.Version, got.Text)
	}
	hist, err := s.History(ctx, p.ID, it.ID, 0)
	if err != nil || len(hist) != int(it.Version) {
		t.Errorf("history: %d revisions (%v), want %d: the refused edit's revision is stored", len(hist), err, it.Version)
	}
	// The same op sent again (the client's next attempt) is applied once.
	res, err := s.ApplyEdit(ctx, "amb", p.ID, it.ID, pledge.Edit{Field: pledge.Text, Base: it.Version, Op: ot.Insert(0, "Kept: "), Client: "c1", Seq: 2})
	if err != nil || res.Version != it.Version+1 || res.Item.Text != "Kept: "+it.Text {
		t.Errorf("next edit: version %d, text %q, %v", res.Version, res.Item.Text, err)
	}
}

// Edits that queue for one item are stored with their event in one
// commit per batch: on SQLite each commit waits for the disk, and three
// per batch (revisions, item, event) made co-editing wait on the disk
// rather than on the work.
func TestBatchedEditsCommitOnce(t *testing.T) {
	s, docs := newEventless(t)
	ctx := context.Background()
	p, it := newPledge(t, s)
	const authors = 40
	before := docs.commits.Load()
	var wg sync.WaitGroup
	var versions sync.Map
	start := make(chan struct{})
	for i := range authors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := s.ApplyEdit(ctx, "amb", p.ID, it.ID, pledge.Edit{Field: pledge.Text, Base: it.Version, Op: ot.Insert(0, fmt.Sprintf("[%02d]", i)), Client: fmt.Sprint("c", i), Seq: 1})
			if err != nil {
				t.Error(err)
				return
			}
			versions.Store(res.Version, true)
		}()
	}
	close(start)
	wg.Wait()
	n := 0
	versions.Range(func(any, any) bool { n++; return true })
	if n != authors {
		t.Fatalf("%d distinct versions for %d edits", n, authors)
	}
	var evs int
	all, err := docs.Events(ctx, store.EventQuery{Subject: pledge.Topic(p.ID), Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.Type == "pledge.item_edited" {
			evs++
		}
	}
	if commits := docs.commits.Load() - before; commits != int64(evs) {
		t.Errorf("%d edits in %d batches (events) took %d commits, want one per batch", authors, evs, commits)
	}
}
