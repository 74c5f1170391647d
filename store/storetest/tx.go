package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"chorus/fault"
	"chorus/store"
)

// errInjected is the failure a transaction's callback returns midway.
var errInjected = errors.New("injected failure")

// txFixture is a collection with one record ("kept", version 1) and one
// record to delete ("doomed"), and an event subject of its own.
func txFixture(t *testing.T, s store.Documents) (coll, subject string) {
	t.Helper()
	coll = collection(t, s, store.Index{Field: "key", Unique: true})
	insert(t, s, coll, "kept", map[string]any{"key": "kept", "n": 1})
	insert(t, s, coll, "doomed", map[string]any{"key": "doomed"})
	return coll, "tx:" + randomHex(t, 6)
}

// writeAll makes one write of every kind inside a transaction: an insert, a
// batch, an update, a delete and an event.
func writeAll(t *testing.T, ctx context.Context, s store.Documents, coll, subject string) error {
	t.Helper()
	if _, err := s.Insert(ctx, coll, store.Record{ID: "new", Data: obj(t, map[string]any{"key": "new"})}); err != nil {
		return err
	}
	if err := s.InsertMany(ctx, coll, []store.Record{
		{ID: "b1", Data: obj(t, map[string]any{"key": "b1"})},
		{ID: "b2", Data: obj(t, map[string]any{"key": "b2"})},
	}); err != nil {
		return err
	}
	if _, err := s.Update(ctx, coll, store.Record{ID: "kept", Version: 1, Data: obj(t, map[string]any{"key": "kept", "n": 2})}); err != nil {
		return err
	}
	if err := s.Delete(ctx, coll, "doomed"); err != nil {
		return err
	}
	_, err := s.AppendEvent(ctx, store.Event{Actor: "test", Type: "tx.wrote", Subject: subject})
	return err
}

// wantUntouched checks that nothing of writeAll is stored.
func wantUntouched(t *testing.T, s store.Documents, coll, subject, what string) {
	t.Helper()
	ctx := context.Background()
	for _, id := range []string{"new", "b1", "b2"} {
		if _, err := s.Get(ctx, coll, id); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("%s: %s is stored (Get: %v), want nothing of the transaction", what, id, err)
		}
	}
	if r, err := s.Get(ctx, coll, "kept"); err != nil || r.Version != 1 {
		t.Errorf("%s: kept is %+v, %v; want it unchanged at version 1", what, r, err)
	}
	if _, err := s.Get(ctx, coll, "doomed"); err != nil {
		t.Errorf("%s: doomed is gone (%v), want it still there", what, err)
	}
	if evs, err := s.Events(ctx, store.EventQuery{Subject: subject}); err != nil || len(evs) != 0 {
		t.Errorf("%s: events %+v, %v; want none", what, evs, err)
	}
	if n, err := s.Count(ctx, coll, nil); err != nil || n != 2 {
		t.Errorf("%s: Count %d, %v; want 2", what, n, err)
	}
}

// testTransactionCommits: every write inside commits together, and reads
// inside see the transaction's own writes.
func testTransactionCommits(t *testing.T, s store.Documents) {
	coll, subject := txFixture(t, s)
	if store.WithinTransaction(context.Background()) {
		t.Error("WithinTransaction outside a transaction: true")
	}
	err := s.InTransaction(context.Background(), func(ctx context.Context) error {
		if !store.WithinTransaction(ctx) {
			t.Error("WithinTransaction inside the callback: false, want the context marked")
		}
		if err := writeAll(t, ctx, s, coll, subject); err != nil {
			return err
		}
		if r, err := s.Get(ctx, coll, "kept"); err != nil || r.Version != 2 {
			t.Errorf("Get inside the transaction: %+v, %v; want its own update (version 2)", r, err)
		}
		if _, err := s.Get(ctx, coll, "doomed"); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("Get of a record deleted inside the transaction: %v, want NotFound", err)
		}
		if n, err := s.Count(ctx, coll, nil); err != nil || n != 4 {
			t.Errorf("Count inside the transaction: %d, %v; want 4", n, err)
		}
		p, err := s.Find(ctx, coll, store.Query{Where: []store.Cond{{Field: "key", Op: store.Eq, Value: "b2"}}})
		if err != nil || len(p.Records) != 1 {
			t.Errorf("Find inside the transaction: %+v, %v; want b2", p, err)
		}
		if evs, err := s.Events(ctx, store.EventQuery{Subject: subject}); err != nil || len(evs) != 1 {
			t.Errorf("Events inside the transaction: %+v, %v; want its own event", evs, err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("InTransaction: %v", err)
	}
	ctx := context.Background()
	for _, id := range []string{"new", "b1", "b2"} {
		if _, err := s.Get(ctx, coll, id); err != nil {
			t.Errorf("Get(%s) after the commit: %v", id, err)
		}
	}
	if r, err := s.Get(ctx, coll, "kept"); err != nil || r.Version != 2 || !sameJSON(t, r.Data, obj(t, map[string]any{"key": "kept", "n": 2})) {
		t.Errorf("kept after the commit: %+v, %v; want the update", r, err)
	}
	if _, err := s.Get(ctx, coll, "doomed"); fault.CodeOf(err) != fault.NotFound {
		t.Errorf("doomed after the commit: %v, want NotFound", err)
	}
	if evs, err := s.Events(ctx, store.EventQuery{Subject: subject}); err != nil || len(evs) != 1 || evs[0].Type != "tx.wrote" {
		t.Errorf("events after the commit: %+v, %v; want the one appended", evs, err)
	}
}

// testTransactionAllOrNone: a failure injected after every kind of write,
// a write the database refuses (returned, or ignored by the callback), a
// failing nested transaction and a panic each leave nothing behind.
func testTransactionAllOrNone(t *testing.T, s store.Documents) {
	duplicate := func(ctx context.Context, coll string) error {
		_, err := s.Insert(ctx, coll, store.Record{ID: "dup", Data: obj(t, map[string]any{"key": "kept"})}) // "kept" is a taken unique value
		return err
	}
	for _, c := range []struct {
		name string
		f    func(ctx context.Context, coll, subject string) error
		want func(error) bool
	}{
		{"the callback fails after its writes", func(ctx context.Context, coll, subject string) error {
			if err := writeAll(t, ctx, s, coll, subject); err != nil {
				return err
			}
			return fmt.Errorf("midway: %w", errInjected)
		}, func(err error) bool { return errors.Is(err, errInjected) }},
		{"a refused write, returned", func(ctx context.Context, coll, subject string) error {
			if err := writeAll(t, ctx, s, coll, subject); err != nil {
				return err
			}
			return duplicate(ctx, coll)
		}, func(err error) bool { return fault.Is(err, fault.Conflict) }},
		{"a refused write, ignored", func(ctx context.Context, coll, subject string) error {
			if err := writeAll(t, ctx, s, coll, subject); err != nil {
				return err
			}
			if err := duplicate(ctx, coll); !fault.Is(err, fault.Conflict) {
				t.Errorf("insert of a taken unique value: %v, want Conflict", err)
			}
			return nil
		}, func(err error) bool { return fault.Is(err, fault.Conflict) }},
		{"a refused batch, ignored", func(ctx context.Context, coll, subject string) error {
			if err := writeAll(t, ctx, s, coll, subject); err != nil {
				return err
			}
			_ = s.InsertMany(ctx, coll, []store.Record{{ID: "c1", Data: obj(t, map[string]any{"key": "c1"})}, {ID: "c2", Data: obj(t, map[string]any{"key": "b1"})}})
			return nil
		}, func(err error) bool { return fault.Is(err, fault.Conflict) }},
		{"a nested transaction fails, ignored", func(ctx context.Context, coll, subject string) error {
			if err := writeAll(t, ctx, s, coll, subject); err != nil {
				return err
			}
			_ = s.InTransaction(ctx, func(ctx context.Context) error { return errInjected })
			return nil
		}, func(err error) bool { return errors.Is(err, errInjected) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			coll, subject := txFixture(t, s)
			err := s.InTransaction(context.Background(), func(ctx context.Context) error { return c.f(ctx, coll, subject) })
			if !c.want(err) {
				t.Errorf("InTransaction: %v, not the failure", err)
			}
			wantUntouched(t, s, coll, subject, c.name)
		})
	}
	t.Run("a panic", func(t *testing.T) {
		coll, subject := txFixture(t, s)
		func() {
			defer func() {
				if recover() == nil {
					t.Error("the panic did not reach the caller")
				}
			}()
			_ = s.InTransaction(context.Background(), func(ctx context.Context) error {
				if err := writeAll(t, ctx, s, coll, subject); err != nil {
					return err
				}
				panic("injected")
			})
		}()
		wantUntouched(t, s, coll, subject, "a panic")
		// The store still works: the transaction left no lock behind.
		if _, err := s.Insert(context.Background(), coll, store.Record{ID: "after", Data: obj(t, map[string]any{})}); err != nil {
			t.Errorf("Insert after the panic: %v", err)
		}
	})
}

// testTransactionIsolated: nobody outside sees a write before the commit.
func testTransactionIsolated(t *testing.T, s store.Documents) {
	coll, subject := txFixture(t, s)
	outside := context.Background()
	err := s.InTransaction(outside, func(ctx context.Context) error {
		if err := writeAll(t, ctx, s, coll, subject); err != nil {
			return err
		}
		if _, err := s.Get(outside, coll, "new"); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("a reader outside sees a record inserted by an open transaction (%v)", err)
		}
		if r, err := s.Get(outside, coll, "kept"); err != nil || r.Version != 1 {
			t.Errorf("a reader outside sees %+v, %v; want kept as before the transaction", r, err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("InTransaction: %v", err)
	}
}

// testTransactionHandledConflict: a stale version found by Update is the
// callback's to handle; the rest of the transaction commits.
func testTransactionHandledConflict(t *testing.T, s store.Documents) {
	coll, _ := txFixture(t, s)
	err := s.InTransaction(context.Background(), func(ctx context.Context) error {
		_, err := s.Update(ctx, coll, store.Record{ID: "kept", Version: 7, Data: obj(t, map[string]any{"key": "kept"})})
		wantCode(t, "Update with a stale version", err, fault.Conflict)
		wantCode(t, "Delete of a missing record", s.Delete(ctx, coll, "missing"), fault.NotFound)
		_, err = s.Insert(ctx, coll, store.Record{ID: "new", Data: obj(t, map[string]any{"key": "new"})})
		return err
	})
	if err != nil {
		t.Fatalf("InTransaction: %v", err)
	}
	if _, err := s.Get(context.Background(), coll, "new"); err != nil {
		t.Errorf("Get(new) after the commit: %v", err)
	}
	// Ignoring a write the database refused does not commit the rest.
	wantCode(t, "InTransaction after an ignored refusal", s.InTransaction(context.Background(), func(ctx context.Context) error {
		_, _ = s.Insert(ctx, coll, store.Record{ID: "dup", Data: obj(t, map[string]any{"key": "kept"})})
		return nil
	}), fault.Conflict)
	wantCode(t, "Declare inside a transaction", s.InTransaction(context.Background(), func(ctx context.Context) error {
		return s.Declare(ctx, store.Schema{Collection: "t" + randomHex(t, 8)})
	}), fault.Invalid)
}

type counter struct {
	Key string `json:"key"`
	N   int    `json:"n"`
}

// testConcurrentTransactions: transactions that read a counter and write it
// back, racing, lose no increment; each appends its event with it.
func testConcurrentTransactions(t *testing.T, s store.Documents) {
	coll, subject := txFixture(t, s)
	const writers, each = 4, 5
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				for attempt := 0; ; attempt++ {
					err := s.InTransaction(context.Background(), func(ctx context.Context) error {
						doc, err := store.GetAs[counter](ctx, s, coll, "kept")
						if err != nil {
							return err
						}
						doc.Value.N++
						if _, err := store.UpdateAs(ctx, s, coll, "kept", doc.Version, doc.Value, time.Time{}); err != nil {
							return err
						}
						_, err = s.Insert(ctx, coll, store.Record{ID: fmt.Sprintf("w%d-%d", w, i), Data: obj(t, map[string]any{})})
						if err != nil {
							return err
						}
						_, err = s.AppendEvent(ctx, store.Event{Actor: "test", Type: "tx.counted", Subject: subject})
						return err
					})
					if err == nil {
						break
					}
					// Conflict (a racing writer got there first) or
					// Unavailable (the server's write conflict) is the
					// caller's to retry, as a domain service does.
					if c := fault.CodeOf(err); (c != fault.Conflict && c != fault.Unavailable) || attempt > 50 {
						t.Errorf("InTransaction: %v", err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	doc, err := store.GetAs[counter](context.Background(), s, coll, "kept")
	if err != nil || doc.Value.N != 1+writers*each {
		t.Errorf("counter after the transactions: %+v, %v; want %d", doc, err, 1+writers*each)
	}
	if n, err := s.Count(context.Background(), coll, nil); err != nil || n != 2+writers*each {
		t.Errorf("records after the transactions: %d, %v; want %d", n, err, 2+writers*each)
	}
	if evs, err := s.Events(context.Background(), store.EventQuery{Subject: subject, Limit: store.MaxLimit}); err != nil || len(evs) != writers*each {
		t.Errorf("events after the transactions: %d, %v; want %d", len(evs), err, writers*each)
	}
}
