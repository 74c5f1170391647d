package realtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"chorus/realtime"
	"chorus/store"
)

// A transaction's events are published once it committed, and never when
// it rolled back: a client must not be told of a change that did not happen.
func TestFeedPublishesATransactionsEventsAfterItsCommit(t *testing.T) {
	raw := openStore(t)
	b := realtime.NewLocalBroker()
	docs := realtime.Publishing(raw, b)
	var mu sync.Mutex
	var got []string
	stop, err := b.Subscribe(func(subject string, data []byte) {
		var e struct{ Type string }
		_ = json.Unmarshal(data, &e)
		mu.Lock()
		got = append(got, e.Type)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	published := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}
	ctx := context.Background()
	appendEv := func(ctx context.Context, typ string) error {
		_, err := docs.AppendEvent(ctx, store.Event{Actor: "a", Type: typ, Subject: "s:1"})
		return err
	}

	failed := errors.New("injected")
	err = docs.InTransaction(ctx, func(ctx context.Context) error {
		if err := appendEv(ctx, "rolled.back"); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("InTransaction: %v, want the injected failure", err)
	}
	err = docs.InTransaction(ctx, func(ctx context.Context) error {
		if err := appendEv(ctx, "first"); err != nil {
			return err
		}
		if p := published(); len(p) != 0 {
			t.Errorf("published before the commit: %v", p)
		}
		// A nested transaction joins; its events wait for the outer commit.
		return docs.InTransaction(ctx, func(ctx context.Context) error { return appendEv(ctx, "second") })
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := published(); len(p) != 2 || p[0] != "first" || p[1] != "second" {
		t.Errorf("published %v, want [first second] (nothing of the rolled-back transaction)", p)
	}
	if err := appendEv(ctx, "outside"); err != nil {
		t.Fatal(err)
	}
	if p := published(); len(p) != 3 || p[2] != "outside" {
		t.Errorf("published %v, want the event outside a transaction at once", p)
	}
}

// Appends inside transactions and beside them, racing through one feed on
// SQLite's one write connection, all finish and are all published: the
// feed's lock is never held while waiting for the store inside a
// transaction.
func TestFeedTransactionsAndPlainAppendsDoNotBlockEachOther(t *testing.T) {
	raw := openStore(t)
	b := realtime.NewLocalBroker()
	docs := realtime.Publishing(raw, b)
	var mu sync.Mutex
	published := 0
	stop, err := b.Subscribe(func(string, []byte) { mu.Lock(); published++; mu.Unlock() })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	const each = 20
	var wg sync.WaitGroup
	errs := make(chan error, 4*each)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				ev := store.Event{Actor: "a", Type: "x", Subject: "s:1"}
				var err error
				if w%2 == 0 {
					_, err = docs.AppendEvent(context.Background(), ev)
				} else {
					err = docs.InTransaction(context.Background(), func(ctx context.Context) error {
						if _, err := docs.AppendEvent(ctx, ev); err != nil {
							return err
						}
						_, err := docs.AppendEvent(ctx, ev)
						return err
					})
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("appends inside and beside transactions blocked each other")
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := 2*each + 2*2*each; published != want {
		t.Errorf("published %d events, want %d", published, want)
	}
}
