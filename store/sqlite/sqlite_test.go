package sqlite_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"chorus/fault"
	"chorus/store"
	"chorus/store/sqlite"
	"chorus/store/storetest"
)

// MustOpen opens a store in a fresh temporary directory and closes it when
// the test ends.
func MustOpen(tb testing.TB, opts sqlite.Options) (*sqlite.Store, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "nested", "dir", "chorus.db")
	s, err := sqlite.OpenWith(path, opts)
	if err != nil {
		tb.Fatalf("OpenWith(%s): %v", path, err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s, path
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Documents {
		s, _ := MustOpen(t, sqlite.Options{})
		return s
	})
}

// clock is a settable fake clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestInjectedClockDrivesExpiry(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)}
	s, _ := MustOpen(t, sqlite.Options{Now: clk.Now})
	if err := s.Declare(ctx, store.Schema{Collection: "sessions", Indexes: []store.Index{{Field: "token", Unique: true}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Insert(ctx, "sessions", store.Record{ID: "s1", ExpiresAt: clk.Now().Add(time.Minute),
		Data: json.RawMessage(`{"token":"abc"}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "sessions", "s1"); err != nil {
		t.Fatalf("Get before expiry: got %v, want success", err)
	}
	clk.Add(time.Minute) // ExpiresAt is the first instant it is invisible
	if _, err := s.Get(ctx, "sessions", "s1"); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("Get at expiry: got %v, want not found", err)
	}
	if _, err := s.Insert(ctx, "sessions", store.Record{ID: "s2", Data: json.RawMessage(`{"token":"abc"}`)}); err != nil {
		t.Fatalf("Insert reusing expired token: got %v, want success", err)
	}
	if _, err := s.Insert(ctx, "sessions", store.Record{ID: "s3", ExpiresAt: clk.Now().Add(-time.Second),
		Data: json.RawMessage(`{}`)}); err != nil {
		t.Fatal(err)
	}
	n, err := s.PurgeExpired(ctx)
	if err != nil || n != 1 {
		t.Fatalf("PurgeExpired: got %d, %v, want 1, nil", n, err)
	}
	e, err := s.AppendEvent(ctx, store.Event{Type: "session.opened", Subject: "session:s2"})
	if err != nil {
		t.Fatal(err)
	}
	if !e.Time.Equal(clk.Now()) {
		t.Errorf("event time: got %v, want the injected clock %v", e.Time, clk.Now())
	}
}

func TestDataSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "chorus.db")
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	schema := store.Schema{Collection: "pledges", Indexes: []store.Index{{Field: "slug", Unique: true}, {Field: "rank"}}}
	if err := s.Declare(ctx, schema); err != nil {
		t.Fatal(err)
	}
	r, err := s.Insert(ctx, "pledges", store.Record{ID: "p1", Data: json.RawMessage(`{"slug":"parks","rank":2}`)})
	if err != nil {
		t.Fatal(err)
	}
	r.Data = json.RawMessage(`{"slug":"parks","rank":3}`)
	if _, err := s.Update(ctx, "pledges", r); err != nil {
		t.Fatal(err)
	}
	e, err := s.AppendEvent(ctx, store.Event{Actor: "a1", Type: "pledge.created", Subject: "pledge:p1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s, err = sqlite.Open(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	// The schema is remembered, so queries work before the app re-declares.
	p, err := s.Find(ctx, "pledges", store.Query{Where: []store.Cond{{Field: "rank", Op: store.Eq, Value: 3}}})
	if err != nil {
		t.Fatalf("Find after reopen: %v", err)
	}
	if len(p.Records) != 1 || p.Records[0].ID != "p1" || p.Records[0].Version != 2 {
		t.Fatalf("Find after reopen: got %+v, want p1 at version 2", p.Records)
	}
	if _, err := s.Insert(ctx, "pledges", store.Record{ID: "p2", Data: json.RawMessage(`{"slug":"parks"}`)}); fault.CodeOf(err) != fault.Conflict {
		t.Errorf("unique index after reopen: got %v, want conflict", err)
	}
	if err := s.Declare(ctx, schema); err != nil {
		t.Fatalf("Declare after reopen: %v", err)
	}
	evs, err := s.Events(ctx, store.EventQuery{})
	if err != nil || len(evs) != 1 || evs[0].ID != e.ID {
		t.Fatalf("Events after reopen: got %+v, %v, want the one event", evs, err)
	}
	e2, err := s.AppendEvent(ctx, store.Event{Type: "pledge.edited", Subject: "pledge:p1"})
	if err != nil || e2.ID <= e.ID {
		t.Fatalf("AppendEvent after reopen: got id %d, %v, want > %d", e2.ID, err, e.ID)
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Errorf("IntegrityCheck: %v", err)
	}
}

func TestNamesCannotInjectSQL(t *testing.T) {
	ctx := context.Background()
	s, _ := MustOpen(t, sqlite.Options{})
	if err := s.Declare(ctx, store.Schema{Collection: "victims"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Insert(ctx, "victims", store.Record{ID: "v1", Data: json.RawMessage(`{}`)}); err != nil {
		t.Fatal(err)
	}
	evil := []string{
		`x"; DROP TABLE "doc_victims"; --`,
		`victims WHERE 1=1; --`,
		`a b`,
		`a-b`,
		`1abc`,
		`_hidden`,
		``,
		`ünïcode`,
		`sqlite_master`, // valid name: must map to a harmless table of its own
	}
	for _, name := range evil {
		err := s.Declare(ctx, store.Schema{Collection: name})
		if name == "sqlite_master" {
			if err != nil {
				t.Errorf("Declare(%q): got %v, want success (prefixed table)", name, err)
			}
			continue
		}
		if fault.CodeOf(err) != fault.Invalid {
			t.Errorf("Declare(%q): got %v, want invalid", name, err)
		}
		if _, err := s.Get(ctx, name, "v1"); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("Get(%q): got %v, want invalid", name, err)
		}
		if _, err := s.Find(ctx, "victims", store.Query{OrderBy: name}); name != "" && fault.CodeOf(err) != fault.Invalid {
			t.Errorf("Find(OrderBy %q): got %v, want invalid", name, err)
		}
		if _, err := s.Count(ctx, "victims", []store.Cond{{Field: name, Op: store.Eq, Value: 1}}); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("Count(field %q): got %v, want invalid", name, err)
		}
		if err := s.Declare(ctx, store.Schema{Collection: "victims", Indexes: []store.Index{{Field: name}}}); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("Declare(field %q): got %v, want invalid", name, err)
		}
	}
	// Values are bound, never interpolated.
	if _, err := s.Get(ctx, "victims", `v1' OR '1'='1`); fault.CodeOf(err) != fault.NotFound {
		t.Errorf("Get(injected id): got %v, want not found", err)
	}
	if _, err := s.Get(ctx, "victims", "v1"); err != nil {
		t.Errorf("victims table damaged: %v", err)
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Errorf("IntegrityCheck: %v", err)
	}
}

func TestCaseClashIsRejected(t *testing.T) {
	ctx := context.Background()
	s, _ := MustOpen(t, sqlite.Options{})
	if err := s.Declare(ctx, store.Schema{Collection: "users"}); err != nil {
		t.Fatal(err)
	}
	// SQLite table names are case-insensitive; the port's are not.
	if err := s.Declare(ctx, store.Schema{Collection: "Users"}); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("Declare(Users) next to users: got %v, want invalid", err)
	}
}

func TestCursorFromAnotherOrderIsInvalid(t *testing.T) {
	ctx := context.Background()
	s, _ := MustOpen(t, sqlite.Options{})
	if err := s.Declare(ctx, store.Schema{Collection: "items", Indexes: []store.Index{{Field: "n"}}}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b", "c"} {
		if _, err := s.Insert(ctx, "items", store.Record{ID: id, Data: json.RawMessage(`{"n":1}`)}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := s.Find(ctx, "items", store.Query{OrderBy: "n", Limit: 1})
	if err != nil || p.Next == "" {
		t.Fatalf("Find: got %v, %v, want a next cursor", p, err)
	}
	if _, err := s.Find(ctx, "items", store.Query{OrderBy: "n", Desc: true, After: p.Next}); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("Find with a cursor of another order: got %v, want invalid", err)
	}
}

func TestMissingSortFieldsPageCorrectly(t *testing.T) {
	ctx := context.Background()
	s, _ := MustOpen(t, sqlite.Options{})
	if err := s.Declare(ctx, store.Schema{Collection: "items", Indexes: []store.Index{{Field: "n"}}}); err != nil {
		t.Fatal(err)
	}
	// Records without the sort field sort first (ascending), as in MongoDB.
	docs := map[string]string{"a": `{}`, "b": `{"n":1}`, "c": `{}`, "d": `{"n":0}`, "e": `{"n":1.5}`, "f": `{"n":"x"}`}
	for id, d := range docs {
		if _, err := s.Insert(ctx, "items", store.Record{ID: id, Data: json.RawMessage(d)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		desc bool
		want string
	}{{false, "acdbef"}, {true, "febdca"}} {
		var got string
		q := store.Query{OrderBy: "n", Desc: tc.desc, Limit: 1}
		for range 10 {
			p, err := s.Find(ctx, "items", q)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range p.Records {
				got += r.ID
			}
			if p.Next == "" {
				break
			}
			q.After = p.Next
		}
		if got != tc.want {
			t.Errorf("desc=%v: got order %q, want %q", tc.desc, got, tc.want)
		}
	}
}

func TestPingAndClose(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := s.Ping(ctx); fault.CodeOf(err) != fault.Unavailable {
		t.Errorf("Ping after Close: got %v, want unavailable", err)
	}
	if _, err := sqlite.Open(""); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("Open(\"\"): got %v, want invalid", err)
	}
}
