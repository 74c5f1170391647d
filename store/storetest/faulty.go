package storetest

import (
	"context"
	"encoding/json"
	"reflect"
	"sync"
	"testing"

	"chorus/fault"
	"chorus/store"
)

// Faulty wraps a real store and fails the writes Fail picks, as a store that
// goes away between two writes would. Domain tests use it to check that an
// operation of several writes leaves nothing half-written: run it once per
// write, failing that write, and compare Snapshots.
type Faulty struct {
	store.Documents
	// Fail is asked before every write with its kind ("insert",
	// "insertMany", "update", "delete", "event") and what it writes to
	// (the collection, or the event's type); a non-nil error is returned
	// instead of writing. nil fails nothing.
	Fail func(op, what string) error

	mu     sync.Mutex
	writes int
}

var _ store.Documents = (*Faulty)(nil)

// ErrInjected is the error FailNth's writes return.
var ErrInjected = fault.Errorf(fault.Unavailable, "injected failure")

// FailNth makes the n-th write from now on (1 is the next) fail with
// ErrInjected, and every other write succeed; n <= 0 fails none. It
// returns a function telling how many writes were made since.
func (f *Faulty) FailNth(n int) (writes func() int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes = 0
	f.Fail = func(string, string) error {
		f.writes++
		if f.writes == n {
			return ErrInjected
		}
		return nil
	}
	return func() int {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.writes
	}
}

// fail asks Fail, under f.mu (so Fail must not call f).
func (f *Faulty) fail(op, what string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Fail == nil {
		return nil
	}
	return f.Fail(op, what)
}

// EveryWriteFails runs op once for each write it makes, failing that write
// (the first, then the second, ...), and checks that each failed run
// returned an error and left collections and the event log exactly as they
// were. The last run fails nothing and must succeed. It returns how many
// writes op made. op must be repeatable after a failed run (it is, when
// the failure left nothing behind).
func EveryWriteFails(t *testing.T, f *Faulty, collections []string, op func() error) int {
	t.Helper()
	defer func() { f.mu.Lock(); f.Fail = nil; f.mu.Unlock() }()
	for n := 1; ; n++ {
		before := Take(t, f.Documents, collections...)
		writes := f.FailNth(n)
		err := op()
		if writes() < n {
			if err != nil {
				t.Fatalf("with no write failing, the operation failed: %v", err)
			}
			return n - 1
		}
		if err == nil {
			t.Errorf("write %d of the operation failed, yet it returned no error", n)
		}
		if d := before.Diff(Take(t, f.Documents, collections...)); d != "" {
			t.Errorf("write %d of the operation failed (%v) and left a part behind: %s", n, err, d)
		}
		if n > 200 {
			t.Fatal("the operation makes more than 200 writes")
		}
	}
}

// Insert fails when Fail says so, else inserts.
func (f *Faulty) Insert(ctx context.Context, collection string, r store.Record) (store.Record, error) {
	if err := f.fail("insert", collection); err != nil {
		return store.Record{}, err
	}
	return f.Documents.Insert(ctx, collection, r)
}

// InsertMany fails when Fail says so, else inserts.
func (f *Faulty) InsertMany(ctx context.Context, collection string, rs []store.Record) error {
	if err := f.fail("insertMany", collection); err != nil {
		return err
	}
	return f.Documents.InsertMany(ctx, collection, rs)
}

// Update fails when Fail says so, else updates.
func (f *Faulty) Update(ctx context.Context, collection string, r store.Record) (store.Record, error) {
	if err := f.fail("update", collection); err != nil {
		return store.Record{}, err
	}
	return f.Documents.Update(ctx, collection, r)
}

// Delete fails when Fail says so, else deletes.
func (f *Faulty) Delete(ctx context.Context, collection, id string) error {
	if err := f.fail("delete", collection); err != nil {
		return err
	}
	return f.Documents.Delete(ctx, collection, id)
}

// AppendEvent fails when Fail says so, else appends.
func (f *Faulty) AppendEvent(ctx context.Context, e store.Event) (store.Event, error) {
	if err := f.fail("event", e.Type); err != nil {
		return store.Event{}, err
	}
	return f.Documents.AppendEvent(ctx, e)
}

// Snapshot is everything a store holds in some collections, and its
// newest event id.
type Snapshot struct {
	Records   map[string][]store.Record
	LastEvent int64
}

// Take reads every record of collections and the newest event id.
func Take(t testing.TB, d store.Documents, collections ...string) Snapshot {
	t.Helper()
	ctx := context.Background()
	s := Snapshot{Records: map[string][]store.Record{}}
	for _, c := range collections {
		q := store.Query{Limit: store.MaxLimit}
		for {
			p, err := d.Find(ctx, c, q)
			if err != nil {
				t.Fatalf("snapshot of %s: %v", c, err)
			}
			s.Records[c] = append(s.Records[c], p.Records...)
			if p.Next == "" {
				break
			}
			q.After = p.Next
		}
	}
	for {
		evs, err := d.Events(ctx, store.EventQuery{After: s.LastEvent, Limit: store.MaxLimit})
		if err != nil {
			t.Fatalf("snapshot of the events: %v", err)
		}
		if len(evs) == 0 {
			return s
		}
		s.LastEvent = evs[len(evs)-1].ID
	}
}

// Diff describes how b differs from a ("" when it does not): records
// added, removed or changed per collection, and events appended.
func (a Snapshot) Diff(b Snapshot) string {
	var out []string
	for c, before := range a.Records {
		after := b.Records[c]
		old := map[string]store.Record{}
		for _, r := range before {
			old[r.ID] = r
		}
		for _, r := range after {
			o, ok := old[r.ID]
			switch {
			case !ok:
				out = append(out, c+"/"+r.ID+" added")
			case o.Version != r.Version || !sameData(o.Data, r.Data):
				out = append(out, c+"/"+r.ID+" changed")
			}
			delete(old, r.ID)
		}
		for id := range old {
			out = append(out, c+"/"+id+" removed")
		}
	}
	if b.LastEvent != a.LastEvent {
		out = append(out, "events appended")
	}
	if len(out) == 0 {
		return ""
	}
	s := out[0]
	for _, x := range out[1:] {
		s += ", " + x
	}
	return s
}

func sameData(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return string(a) == string(b)
	}
	return reflect.DeepEqual(x, y)
}
