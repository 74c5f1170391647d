// Package storetest is the contract suite for the document port: every
// adapter of store.Documents runs Run and must pass it unchanged, which is
// what lets domain code be written once.
//
// The suite may run against a shared database (the MongoDB adapter uses one),
// so every subtest works in collections with unique names and only looks at
// events it appended itself. Expiry is tested with ExpiresAt an hour in the
// past or future, so the store's clock only needs to be roughly real time.
//
// Details the port leaves implicit and the suite pins down: with Desc, ties
// are broken by id descending too; times (ExpiresAt, Event.Time) keep
// millisecond precision; a record without a unique field is unconstrained;
// an event appended without data may come back with none, null or {}.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"chorus/fault"
	"chorus/store"
)

// Feature is something beyond the port's basic guarantees that a store's
// server may lack, for which the adapter has no correct fallback.
type Feature string

// Transactions: writes of several records are atomic for readers too (no
// reader ever sees part of an InsertMany or of an InTransaction), and a
// failed InTransaction leaves none of its writes.
const Transactions Feature = "multi-document transactions"

// Run runs the contract suite. open returns a ready store; it registers the
// store's Close with t.Cleanup. The store may be fresh or shared with other
// tests. The subtests that need a feature named in lacking skip, saying so.
func Run(t *testing.T, open func(t *testing.T) store.Documents, lacking ...Feature) {
	tests := []struct {
		name  string
		fn    func(*testing.T, store.Documents)
		needs Feature
	}{
		{"InsertGetRoundtrip", testInsertGet, ""},
		{"GetMissing", testGetMissing, ""},
		{"DuplicateID", testDuplicateID, ""},
		{"UniqueIndex", testUniqueIndex, ""},
		{"InsertMany", testInsertMany, ""},
		{"InsertManyAtomicForReaders", testInsertManyAtomicForReaders, Transactions},
		{"CompareAndSet", testCompareAndSet, ""},
		{"MissingUpdateDelete", testMissingUpdateDelete, ""},
		{"Delete", testDelete, ""},
		{"FindConditions", testFindConditions, ""},
		{"OrderBy", testOrderBy, ""},
		{"Pagination", testPagination, ""},
		{"PaginationWithInserts", testPaginationWithInserts, ""},
		{"Invalid", testInvalid, ""},
		{"Count", testCount, ""},
		{"Expiry", testExpiry, ""},
		{"DeclareIdempotent", testDeclareIdempotent, ""},
		{"Events", testEvents, ""},
		{"RedactEvent", testRedactEvent, ""},
		{"ConcurrentCompareAndSet", testConcurrentCAS, ""},
		{"ConcurrentEvents", testConcurrentEvents, ""},
		{"TransactionCommits", testTransactionCommits, ""},
		{"TransactionAllOrNone", testTransactionAllOrNone, Transactions},
		{"TransactionIsolated", testTransactionIsolated, Transactions},
		{"TransactionHandledConflict", testTransactionHandledConflict, ""},
		{"ConcurrentTransactions", testConcurrentTransactions, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.needs != "" && slices.Contains(lacking, tt.needs) {
				t.Skipf("needs %s, which this server lacks", tt.needs)
			}
			tt.fn(t, open(t))
		})
	}
}

// collection declares a collection with a name no other test (or test run)
// uses, so a shared database needs no cleaning.
func collection(t *testing.T, s store.Documents, indexes ...store.Index) string {
	t.Helper()
	name := "t" + randomHex(t, 8)
	if err := s.Declare(context.Background(), store.Schema{Collection: name, Indexes: indexes}); err != nil {
		t.Fatalf("Declare(%s): %v", name, err)
	}
	return name
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func obj(t *testing.T, v map[string]any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func insert(t *testing.T, s store.Documents, coll, id string, data map[string]any) store.Record {
	t.Helper()
	r, err := s.Insert(context.Background(), coll, store.Record{ID: id, Data: obj(t, data)})
	if err != nil {
		t.Fatalf("Insert(%s): %v", id, err)
	}
	return r
}

// sameJSON reports whether a and b encode the same value; adapters may
// reorder keys or change whitespace.
func sameJSON(t *testing.T, a, b json.RawMessage) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("bad JSON %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("bad JSON %s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

func wantCode(t *testing.T, what string, err error, code fault.Code) {
	t.Helper()
	if got := fault.CodeOf(err); got != code {
		t.Errorf("%s: got code %q (err %v), want %q", what, got, err, code)
	}
}

func ids(rs []store.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func wantIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got ids %v, want %v", what, got, want)
	}
}

func find(t *testing.T, s store.Documents, coll string, q store.Query) store.Page {
	t.Helper()
	p, err := s.Find(context.Background(), coll, q)
	if err != nil {
		t.Fatalf("Find(%+v): %v", q, err)
	}
	return p
}

func testInsertGet(t *testing.T, s store.Documents) {
	ctx := context.Background()
	coll := collection(t, s)
	data := json.RawMessage(`{"title": "Safe parks", "n": 3, "tags": ["a", "b"], "nested": {"ok": true}}`)
	expires := time.Now().Add(time.Hour)
	got, err := s.Insert(ctx, coll, store.Record{ID: "p1", Version: 42, ExpiresAt: expires, Data: data})
	if err != nil {
		t.Fatalf("Insert: %v", err)
	}
	if got.ID != "p1" || got.Version != 1 {
		t.Errorf("Insert returned id %q version %d, want p1 version 1", got.ID, got.Version)
	}
	if !sameJSON(t, got.Data, data) {
		t.Errorf("Insert returned data %s, want %s", got.Data, data)
	}
	read, err := s.Get(ctx, coll, "p1")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if read.ID != "p1" || read.Version != 1 {
		t.Errorf("Get: got id %q version %d, want p1 version 1", read.ID, read.Version)
	}
	if !sameJSON(t, read.Data, data) {
		t.Errorf("Get: got data %s, want %s", read.Data, data)
	}
	// Stores keep milliseconds (as MongoDB dates do).
	if d := read.ExpiresAt.Sub(expires); d < -time.Millisecond || d > time.Millisecond {
		t.Errorf("Get: got ExpiresAt %v, want %v", read.ExpiresAt, expires)
	}

	if _, err := s.Insert(ctx, coll, store.Record{ID: "forever", Data: obj(t, map[string]any{"a": 1})}); err != nil {
		t.Fatalf("Insert: %v", err)
	}
	forever, err := s.Get(ctx, coll, "forever")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !forever.ExpiresAt.IsZero() {
		t.Errorf("Get: got ExpiresAt %v, want zero", forever.ExpiresAt)
	}
}

func testGetMissing(t *testing.T, s store.Documents) {
	coll := collection(t, s)
	_, err := s.Get(context.Background(), coll, "nope")
	wantCode(t, "Get(missing)", err, fault.NotFound)
}

func testDuplicateID(t *testing.T, s store.Documents) {
	coll := collection(t, s)
	insert(t, s, coll, "a", map[string]any{"v": 1})
	_, err := s.Insert(context.Background(), coll, store.Record{ID: "a", Data: obj(t, map[string]any{"v": 2})})
	wantCode(t, "Insert(duplicate id)", err, fault.Conflict)
	r, err := s.Get(context.Background(), coll, "a")
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, r.Data, obj(t, map[string]any{"v": 1})) {
		t.Errorf("after duplicate insert: got data %s, want the first", r.Data)
	}
}

func testInsertMany(t *testing.T, s store.Documents) {
	ctx := context.Background()
	coll := collection(t, s, store.Index{Field: "email", Unique: true})
	recs := func(ids ...string) []store.Record {
		var rs []store.Record
		for _, id := range ids {
			rs = append(rs, store.Record{ID: id, Data: obj(t, map[string]any{"email": id + "@example.org"})})
		}
		return rs
	}
	if err := s.InsertMany(ctx, coll, nil); err != nil {
		t.Fatalf("InsertMany(none): %v", err)
	}
	if err := s.InsertMany(ctx, coll, recs("a", "b", "c")); err != nil {
		t.Fatalf("InsertMany: %v", err)
	}
	for _, id := range []string{"a", "b", "c"} {
		r, err := s.Get(ctx, coll, id)
		if err != nil || r.Version != 1 || !sameJSON(t, r.Data, obj(t, map[string]any{"email": id + "@example.org"})) {
			t.Errorf("Get(%s) after InsertMany: %+v, %v", id, r, err)
		}
	}
	taken := recs("d", "e")
	taken[1].Data = obj(t, map[string]any{"email": "a@example.org"})
	for _, c := range []struct {
		name string
		rs   []store.Record
		none []string // ids that must not be stored afterwards
	}{
		{"an id taken", recs("d", "b"), []string{"d"}},
		{"an id twice", recs("d", "e", "d"), []string{"d", "e"}},
		{"a unique value taken", taken, []string{"d", "e"}},
	} {
		err := s.InsertMany(ctx, coll, c.rs)
		wantCode(t, "InsertMany("+c.name+")", err, fault.Conflict)
		for _, id := range c.none {
			if _, err := s.Get(ctx, coll, id); fault.CodeOf(err) != fault.NotFound {
				t.Errorf("InsertMany(%s) failed but stored %s (%v): it must store all or none", c.name, id, err)
			}
		}
	}
	if n, err := s.Count(ctx, coll, nil); err != nil || n != 3 {
		t.Errorf("Count after refused InsertMany: %d, %v; want 3", n, err)
	}
	wantCode(t, "InsertMany(no id)", s.InsertMany(ctx, coll, []store.Record{{Data: obj(t, map[string]any{})}}), fault.Invalid)
	wantCode(t, "InsertMany(undeclared)", s.InsertMany(ctx, "undeclared_"+randomHex(t, 4), recs("x")), fault.Invalid)
}

// testInsertManyAtomicForReaders checks what only a transaction gives: a
// reader looking while batches are written, some refused for a taken unique
// value, sees each batch whole or not at all, never a part of it.
func testInsertManyAtomicForReaders(t *testing.T, s store.Documents) {
	ctx := context.Background()
	coll := collection(t, s, store.Index{Field: "batch"}, store.Index{Field: "key", Unique: true})
	insert(t, s, coll, "taken", map[string]any{"key": "taken"})
	const batches, size = 40, 10
	var round atomic.Int64 // the batch being written
	round.Store(-1)
	var stop atomic.Bool // the reader saw enough
	done := make(chan struct{})
	go func() {
		defer close(done)
		for b := 0; b < batches && !stop.Load(); b++ {
			round.Store(int64(b))
			rs := make([]store.Record, size)
			for i := range rs {
				rs[i] = store.Record{ID: fmt.Sprintf("b%02d-%02d", b, i), Data: obj(t, map[string]any{"batch": b, "key": fmt.Sprintf("k%02d-%02d", b, i)})}
			}
			refused := b%2 == 1
			if refused {
				rs[size-1].Data = obj(t, map[string]any{"batch": b, "key": "taken"})
			}
			err := s.InsertMany(ctx, coll, rs)
			if refused {
				wantCode(t, fmt.Sprintf("InsertMany(batch %d, a unique value taken)", b), err, fault.Conflict)
			} else if err != nil {
				t.Errorf("InsertMany(batch %d): %v", b, err)
			}
		}
	}()
	defer func() { stop.Store(true); <-done }()
	for reads := 0; ; reads++ {
		select {
		case <-done:
			if n, err := s.Count(ctx, coll, nil); err != nil || n != 1+batches/2*size {
				t.Errorf("Count after the batches: %d, %v; want %d", n, err, 1+batches/2*size)
			}
			t.Logf("%d reads while writing", reads)
			return
		default:
		}
		b := round.Load()
		n, err := s.Count(ctx, coll, []store.Cond{{Field: "batch", Op: store.Eq, Value: b}})
		switch {
		case err != nil:
			t.Errorf("Count(batch %d): %v", b, err)
			return
		case b%2 == 1 && n != 0:
			t.Errorf("a reader saw %d records of the refused batch %d, want none", n, b)
			return
		case n != 0 && n != size:
			t.Errorf("a reader saw %d of the %d records of batch %d, want all or none", n, size, b)
			return
		}
	}
}

func testUniqueIndex(t *testing.T, s store.Documents) {
	ctx := context.Background()
	coll := collection(t, s, store.Index{Field: "email", Unique: true}, store.Index{Field: "name"})
	insert(t, s, coll, "a", map[string]any{"email": "x@example.org", "name": "A"})
	_, err := s.Insert(ctx, coll, store.Record{ID: "b", Data: obj(t, map[string]any{"email": "x@example.org"})})
	wantCode(t, "Insert(taken unique value)", err, fault.Conflict)
	if _, err := s.Get(ctx, coll, "b"); fault.CodeOf(err) != fault.NotFound {
		t.Errorf("Get(b) after failed insert: got %v, want not found", err)
	}

	// Documents without the field are not constrained.
	insert(t, s, coll, "c", map[string]any{"name": "same"})
	c := insert(t, s, coll, "d", map[string]any{"name": "same"})

	// A non-unique index allows duplicates.
	insert(t, s, coll, "e", map[string]any{"email": "e@example.org", "name": "A"})

	// Update into a taken value conflicts and leaves the record unchanged.
	c.Data = obj(t, map[string]any{"email": "x@example.org", "name": "same"})
	_, err = s.Update(ctx, coll, c)
	wantCode(t, "Update(into taken unique value)", err, fault.Conflict)
	d, err := s.Get(ctx, coll, "d")
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != 1 || !sameJSON(t, d.Data, obj(t, map[string]any{"name": "same"})) {
		t.Errorf("after failed update: got version %d data %s, want version 1 unchanged", d.Version, d.Data)
	}

	// Keeping one's own unique value is fine.
	a, err := s.Get(ctx, coll, "a")
	if err != nil {
		t.Fatal(err)
	}
	a.Data = obj(t, map[string]any{"email": "x@example.org", "name": "renamed"})
	if _, err := s.Update(ctx, coll, a); err != nil {
		t.Errorf("Update keeping own unique value: %v", err)
	}

	// After a value is released, another record may take it.
	a, _ = s.Get(ctx, coll, "a")
	a.Data = obj(t, map[string]any{"email": "y@example.org"})
	if _, err := s.Update(ctx, coll, a); err != nil {
		t.Fatalf("Update releasing value: %v", err)
	}
	d.Data = obj(t, map[string]any{"email": "x@example.org"})
	if _, err := s.Update(ctx, coll, d); err != nil {
		t.Errorf("Update taking released value: got %v, want success", err)
	}
}

func testCompareAndSet(t *testing.T, s store.Documents) {
	ctx := context.Background()
	coll := collection(t, s)
	v1 := insert(t, s, coll, "doc", map[string]any{"text": "one"})

	v1.Data = obj(t, map[string]any{"text": "two"})
	v2, err := s.Update(ctx, coll, v1)
	if err != nil {
		t.Fatalf("Update(version 1): %v", err)
	}
	if v2.Version != 2 {
		t.Errorf("Update: got version %d, want 2", v2.Version)
	}
	if !sameJSON(t, v2.Data, v1.Data) {
		t.Errorf("Update returned data %s, want %s", v2.Data, v1.Data)
	}

	stale := v1
	stale.Data = obj(t, map[string]any{"text": "lost"})
	_, err = s.Update(ctx, coll, stale)
	wantCode(t, "Update(stale version)", err, fault.Conflict)

	got, err := s.Get(ctx, coll, "doc")
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || !sameJSON(t, got.Data, obj(t, map[string]any{"text": "two"})) {
		t.Errorf("after stale update: got version %d data %s, want version 2 text two", got.Version, got.Data)
	}

	got.Data = obj(t, map[string]any{"text": "three"})
	v3, err := s.Update(ctx, coll, got)
	if err != nil {
		t.Fatalf("Update(version 2): %v", err)
	}
	if v3.Version != 3 {
		t.Errorf("Update: got version %d, want 3", v3.Version)
	}
}

func testMissingUpdateDelete(t *testing.T, s store.Documents) {
	ctx := context.Background()
	coll := collection(t, s)
	_, err := s.Update(ctx, coll, store.Record{ID: "ghost", Version: 1, Data: obj(t, map[string]any{"a": 1})})
	wantCode(t, "Update(missing)", err, fault.NotFound)
	wantCode(t, "Delete(missing)", s.Delete(ctx, coll, "ghost"), fault.NotFound)
}

func testDelete(t *testing.T, s store.Documents) {
	ctx := context.Background()
	coll := collection(t, s)
	insert(t, s, coll, "a", map[string]any{"v": 1})
	insert(t, s, coll, "b", map[string]any{"v": 2})
	if err := s.Delete(ctx, coll, "a"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err := s.Get(ctx, coll, "a")
	wantCode(t, "Get(deleted)", err, fault.NotFound)
	wantCode(t, "Delete(again)", s.Delete(ctx, coll, "a"), fault.NotFound)
	if _, err := s.Get(ctx, coll, "b"); err != nil {
		t.Errorf("Get(b): got %v, want the other record untouched", err)
	}
	// A deleted id can be used again.
	if r := insert(t, s, coll, "a", map[string]any{"v": 3}); r.Version != 1 {
		t.Errorf("re-insert: got version %d, want 1", r.Version)
	}
}

// fixture inserts r00..r09 with n = i and s = "s" + letter, so that ints and
// strings order the same way.
func fixture(t *testing.T, s store.Documents) string {
	coll := collection(t, s, store.Index{Field: "n"}, store.Index{Field: "s"}, store.Index{Field: "group"})
	for i := range 10 {
		insert(t, s, coll, fmt.Sprintf("r%02d", i), map[string]any{
			"n":     i,
			"s":     string(rune('a' + i)),
			"group": []string{"even", "odd"}[i%2],
		})
	}
	return coll
}

func testFindConditions(t *testing.T, s store.Documents) {
	coll := fixture(t, s)
	cases := []struct {
		name  string
		where []store.Cond
		want  []string
	}{
		{"all", nil, []string{"r00", "r01", "r02", "r03", "r04", "r05", "r06", "r07", "r08", "r09"}},
		{"eq int", []store.Cond{{Field: "n", Op: store.Eq, Value: 3}}, []string{"r03"}},
		{"eq int64", []store.Cond{{Field: "n", Op: store.Eq, Value: int64(4)}}, []string{"r04"}},
		{"eq string", []store.Cond{{Field: "s", Op: store.Eq, Value: "c"}}, []string{"r02"}},
		{"eq no match", []store.Cond{{Field: "s", Op: store.Eq, Value: "zz"}}, nil},
		{"eq id", []store.Cond{{Field: "id", Op: store.Eq, Value: "r07"}}, []string{"r07"}},
		{"in int", []store.Cond{{Field: "n", Op: store.In, Value: []any{1, 5, 42}}}, []string{"r01", "r05"}},
		{"in string", []store.Cond{{Field: "s", Op: store.In, Value: []any{"a", "j"}}}, []string{"r00", "r09"}},
		{"in id", []store.Cond{{Field: "id", Op: store.In, Value: []any{"r02", "r03"}}}, []string{"r02", "r03"}},
		{"in empty", []store.Cond{{Field: "n", Op: store.In, Value: []any{}}}, nil},
		{"gt int", []store.Cond{{Field: "n", Op: store.Gt, Value: 7}}, []string{"r08", "r09"}},
		{"gte int", []store.Cond{{Field: "n", Op: store.Gte, Value: 8}}, []string{"r08", "r09"}},
		{"lt int", []store.Cond{{Field: "n", Op: store.Lt, Value: 2}}, []string{"r00", "r01"}},
		{"lte int", []store.Cond{{Field: "n", Op: store.Lte, Value: 1}}, []string{"r00", "r01"}},
		{"gt string", []store.Cond{{Field: "s", Op: store.Gt, Value: "h"}}, []string{"r08", "r09"}},
		{"gte string", []store.Cond{{Field: "s", Op: store.Gte, Value: "i"}}, []string{"r08", "r09"}},
		{"lt string", []store.Cond{{Field: "s", Op: store.Lt, Value: "b"}}, []string{"r00"}},
		{"lte string", []store.Cond{{Field: "s", Op: store.Lte, Value: "b"}}, []string{"r00", "r01"}},
		{"eq twice, same value", []store.Cond{{Field: "s", Op: store.Eq, Value: "c"}, {Field: "s", Op: store.Eq, Value: "c"}}, []string{"r02"}},
		{"eq twice, two values", []store.Cond{{Field: "s", Op: store.Eq, Value: "c"}, {Field: "s", Op: store.Eq, Value: "d"}}, nil},
		{"gt float on int field", []store.Cond{{Field: "n", Op: store.Gt, Value: 8.5}}, []string{"r09"}},
		{"range", []store.Cond{
			{Field: "n", Op: store.Gte, Value: 3},
			{Field: "n", Op: store.Lt, Value: 6},
		}, []string{"r03", "r04", "r05"}},
		{"and across fields", []store.Cond{
			{Field: "group", Op: store.Eq, Value: "odd"},
			{Field: "s", Op: store.Lte, Value: "e"},
		}, []string{"r01", "r03"}},
		{"and contradicts", []store.Cond{
			{Field: "n", Op: store.Eq, Value: 1},
			{Field: "s", Op: store.Eq, Value: "c"},
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := find(t, s, coll, store.Query{Where: c.where})
			wantIDs(t, "Find", ids(p.Records), c.want)
			if p.Next != "" {
				t.Errorf("Find: got Next %q, want empty on the only page", p.Next)
			}
			for _, r := range p.Records {
				if r.Version != 1 || len(r.Data) == 0 {
					t.Errorf("Find: record %s has version %d data %q, want version 1 and data", r.ID, r.Version, r.Data)
				}
			}
		})
	}
}

func testOrderBy(t *testing.T, s store.Documents) {
	coll := collection(t, s, store.Index{Field: "rank"}, store.Index{Field: "name"})
	// Ties on rank are broken by id.
	for _, d := range []struct {
		id   string
		rank int
		name string
	}{
		{"d", 2, "delta"}, {"a", 1, "alpha"}, {"c", 2, "charlie"}, {"b", 3, "bravo"}, {"e", 1, "echo"},
	} {
		insert(t, s, coll, d.id, map[string]any{"rank": d.rank, "name": d.name})
	}
	cases := []struct {
		name string
		q    store.Query
		want []string
	}{
		{"default is id", store.Query{}, []string{"a", "b", "c", "d", "e"}},
		{"id desc", store.Query{OrderBy: "id", Desc: true}, []string{"e", "d", "c", "b", "a"}},
		{"int asc ties by id", store.Query{OrderBy: "rank"}, []string{"a", "e", "c", "d", "b"}},
		{"int desc ties by id desc", store.Query{OrderBy: "rank", Desc: true}, []string{"b", "d", "c", "e", "a"}},
		{"string asc", store.Query{OrderBy: "name"}, []string{"a", "b", "c", "d", "e"}},
		{"string desc", store.Query{OrderBy: "name", Desc: true}, []string{"e", "d", "c", "b", "a"}},
		{"with condition", store.Query{OrderBy: "name", Desc: true, Where: []store.Cond{{Field: "rank", Op: store.Lte, Value: 2}}},
			[]string{"e", "d", "c", "a"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantIDs(t, "Find", ids(find(t, s, coll, c.q).Records), c.want)
		})
	}
}

// walk pages through q and returns all ids; between pages it calls between
// (if not nil) with the page number.
func walk(t *testing.T, s store.Documents, coll string, q store.Query, between func(page int)) []string {
	t.Helper()
	var all []string
	for page := 0; ; page++ {
		if page > 100 {
			t.Fatal("pagination does not end")
		}
		p := find(t, s, coll, q)
		if len(p.Records) > q.Limit {
			t.Fatalf("page %d: got %d records, want at most %d", page, len(p.Records), q.Limit)
		}
		all = append(all, ids(p.Records)...)
		if p.Next == "" {
			return all
		}
		if len(p.Records) == 0 {
			t.Fatalf("page %d: empty page with a Next cursor", page)
		}
		if between != nil {
			between(page)
		}
		q.After = p.Next
	}
}

func testPagination(t *testing.T, s store.Documents) {
	coll := collection(t, s, store.Index{Field: "bucket"}, store.Index{Field: "label"})
	var byID []string
	for i := range 25 {
		id := fmt.Sprintf("k%02d", i)
		byID = append(byID, id)
		// bucket = i/3 puts ties across page boundaries (ids 9/10, 18/20...).
		insert(t, s, coll, id, map[string]any{"bucket": i / 3, "label": fmt.Sprintf("l%02d", 24-i)})
	}
	reversed := make([]string, len(byID))
	for i, id := range byID {
		reversed[len(byID)-1-i] = id
	}
	cases := []struct {
		name string
		q    store.Query
		want []string
	}{
		{"by id", store.Query{Limit: 10}, byID},
		{"by id desc", store.Query{Limit: 10, Desc: true}, reversed},
		{"by int with ties", store.Query{OrderBy: "bucket", Limit: 10}, byID},
		{"by int with ties desc", store.Query{OrderBy: "bucket", Desc: true, Limit: 10}, reversed},
		{"by string", store.Query{OrderBy: "label", Limit: 10}, reversed},
		{"by string desc", store.Query{OrderBy: "label", Desc: true, Limit: 7}, byID},
		{"limit 1", store.Query{OrderBy: "bucket", Limit: 1}, byID},
		{"exact multiple", store.Query{Limit: 5}, byID},
		{"filtered", store.Query{OrderBy: "bucket", Limit: 2, Where: []store.Cond{{Field: "bucket", Op: store.In, Value: []any{0, 8}}}},
			[]string{"k00", "k01", "k02", "k24"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantIDs(t, "walk", walk(t, s, coll, c.q, nil), c.want)
		})
	}
	t.Run("last page has no Next", func(t *testing.T) {
		p := find(t, s, coll, store.Query{Limit: 25})
		if len(p.Records) != 25 || p.Next != "" {
			t.Errorf("Find(limit 25): got %d records Next %q, want 25 and empty", len(p.Records), p.Next)
		}
	})
}

func testPaginationWithInserts(t *testing.T, s store.Documents) {
	coll := collection(t, s, store.Index{Field: "n"})
	var want []string
	for i := range 25 {
		id := fmt.Sprintf("k%02d", i)
		want = append(want, id)
		insert(t, s, coll, id, map[string]any{"n": 10 * i})
	}
	for _, desc := range []bool{false, true} {
		t.Run(fmt.Sprintf("desc=%v", desc), func(t *testing.T) {
			before, after := fmt.Sprintf("before%v", desc), fmt.Sprintf("after%v", desc)
			got := walk(t, s, coll, store.Query{OrderBy: "n", Desc: desc, Limit: 10}, func(page int) {
				if page != 0 {
					return
				}
				// Behind the cursor: must not show up. Ahead of it: must.
				lo, hi := -1000, 1000
				if desc {
					lo, hi = hi, lo
				}
				insert(t, s, coll, before, map[string]any{"n": lo})
				insert(t, s, coll, after, map[string]any{"n": hi})
			})
			wantOrder := append([]string(nil), want...)
			if desc {
				for i, j := 0, len(wantOrder)-1; i < j; i, j = i+1, j-1 {
					wantOrder[i], wantOrder[j] = wantOrder[j], wantOrder[i]
				}
			}
			wantOrder = append(wantOrder, after)
			wantIDs(t, "walk with inserts", got, wantOrder)
			for _, id := range []string{before, after} {
				if err := s.Delete(context.Background(), coll, id); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func testInvalid(t *testing.T, s store.Documents) {
	ctx := context.Background()
	coll := collection(t, s, store.Index{Field: "n"})
	insert(t, s, coll, "a", map[string]any{"n": 1, "secret": 2})
	insert(t, s, coll, "b", map[string]any{"n": 2})
	undeclared := "t" + randomHex(t, 8) + "never"
	rec := store.Record{ID: "x", Version: 1, Data: obj(t, map[string]any{"a": 1})}

	p := find(t, s, coll, store.Query{Limit: 1})
	if p.Next == "" {
		t.Fatal("Find(limit 1) over 2 records: got no Next")
	}

	cases := []struct {
		name string
		err  func() error
	}{
		{"Get undeclared collection", func() error { _, err := s.Get(ctx, undeclared, "a"); return err }},
		{"Insert undeclared collection", func() error { _, err := s.Insert(ctx, undeclared, rec); return err }},
		{"Update undeclared collection", func() error { _, err := s.Update(ctx, undeclared, rec); return err }},
		{"Delete undeclared collection", func() error { return s.Delete(ctx, undeclared, "a") }},
		{"Find undeclared collection", func() error { _, err := s.Find(ctx, undeclared, store.Query{}); return err }},
		{"Count undeclared collection", func() error { _, err := s.Count(ctx, undeclared, nil); return err }},
		{"Find undeclared field", func() error {
			_, err := s.Find(ctx, coll, store.Query{Where: []store.Cond{{Field: "secret", Op: store.Eq, Value: 2}}})
			return err
		}},
		{"Count undeclared field", func() error {
			_, err := s.Count(ctx, coll, []store.Cond{{Field: "secret", Op: store.Eq, Value: 2}})
			return err
		}},
		{"OrderBy undeclared field", func() error { _, err := s.Find(ctx, coll, store.Query{OrderBy: "secret"}); return err }},
		{"unknown operator", func() error {
			_, err := s.Find(ctx, coll, store.Query{Where: []store.Cond{{Field: "n", Op: "like", Value: 1}}})
			return err
		}},
		{"bad cursor", func() error { _, err := s.Find(ctx, coll, store.Query{After: "not a cursor!"}); return err }},
		{"limit above MaxLimit", func() error { _, err := s.Find(ctx, coll, store.Query{Limit: store.MaxLimit + 1}); return err }},
		{"negative limit", func() error { _, err := s.Find(ctx, coll, store.Query{Limit: -1}); return err }},
		{"Events limit above MaxLimit", func() error {
			_, err := s.Events(ctx, store.EventQuery{Limit: store.MaxLimit + 1})
			return err
		}},
		{"Events negative limit", func() error { _, err := s.Events(ctx, store.EventQuery{Limit: -1}); return err }},
		{"Insert non-object data", func() error {
			_, err := s.Insert(ctx, coll, store.Record{ID: "arr", Data: json.RawMessage(`[1,2]`)})
			return err
		}},
		{"Insert malformed data", func() error {
			_, err := s.Insert(ctx, coll, store.Record{ID: "bad", Data: json.RawMessage(`{"a":`)})
			return err
		}},
		{"Declare bad collection name", func() error {
			return s.Declare(ctx, store.Schema{Collection: "bad name; drop"})
		}},
		{"Declare bad field name", func() error {
			return s.Declare(ctx, store.Schema{Collection: coll, Indexes: []store.Index{{Field: "a.b"}}})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantCode(t, c.name, c.err(), fault.Invalid) })
	}
	// Limits at the edges are fine, and the cursor still works.
	if _, err := s.Find(ctx, coll, store.Query{Limit: store.MaxLimit}); err != nil {
		t.Errorf("Find(limit MaxLimit): got %v, want success", err)
	}
	next := find(t, s, coll, store.Query{Limit: 1, After: p.Next})
	wantIDs(t, "second page", ids(next.Records), []string{"b"})
}

func testCount(t *testing.T, s store.Documents) {
	ctx := context.Background()
	coll := fixture(t, s)
	cases := []struct {
		name  string
		where []store.Cond
		want  int64
	}{
		{"all", nil, 10},
		{"eq", []store.Cond{{Field: "group", Op: store.Eq, Value: "odd"}}, 5},
		{"range", []store.Cond{{Field: "n", Op: store.Gte, Value: 7}}, 3},
		{"and", []store.Cond{{Field: "group", Op: store.Eq, Value: "even"}, {Field: "n", Op: store.Lt, Value: 5}}, 3},
		{"none", []store.Cond{{Field: "s", Op: store.Eq, Value: "zz"}}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := s.Count(ctx, coll, c.where)
			if err != nil {
				t.Fatalf("Count: %v", err)
			}
			if n != c.want {
				t.Errorf("Count: got %d, want %d", n, c.want)
			}
		})
	}
	empty := collection(t, s)
	if n, err := s.Count(ctx, empty, nil); err != nil || n != 0 {
		t.Errorf("Count(empty): got %d, %v, want 0, nil", n, err)
	}
}

func testExpiry(t *testing.T, s store.Documents) {
	ctx := context.Background()
	coll := collection(t, s, store.Index{Field: "code", Unique: true}, store.Index{Field: "kind"})
	past, future := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)

	put := func(id, code string, expires time.Time) store.Record {
		t.Helper()
		r, err := s.Insert(ctx, coll, store.Record{ID: id, ExpiresAt: expires,
			Data: obj(t, map[string]any{"code": code, "kind": "token"})})
		if err != nil {
			t.Fatalf("Insert(%s): %v", id, err)
		}
		return r
	}
	gone := put("gone", "c-gone", past)
	put("live", "c-live", future)
	put("forever", "c-forever", time.Time{})

	_, err := s.Get(ctx, coll, "gone")
	wantCode(t, "Get(expired)", err, fault.NotFound)
	if _, err := s.Get(ctx, coll, "live"); err != nil {
		t.Errorf("Get(not yet expired): %v", err)
	}
	kind := []store.Cond{{Field: "kind", Op: store.Eq, Value: "token"}}
	wantIDs(t, "Find", ids(find(t, s, coll, store.Query{Where: kind}).Records), []string{"forever", "live"})
	wantIDs(t, "Find(all)", ids(find(t, s, coll, store.Query{}).Records), []string{"forever", "live"})
	byCode := []store.Cond{{Field: "code", Op: store.Eq, Value: "c-gone"}}
	wantIDs(t, "Find(code of expired)", ids(find(t, s, coll, store.Query{Where: byCode}).Records), nil)
	if n, err := s.Count(ctx, coll, kind); err != nil || n != 2 {
		t.Errorf("Count: got %d, %v, want 2, nil", n, err)
	}
	if n, err := s.Count(ctx, coll, nil); err != nil || n != 2 {
		t.Errorf("Count(all): got %d, %v, want 2, nil", n, err)
	}
	gone.Data = obj(t, map[string]any{"code": "c-gone", "kind": "revived"})
	_, err = s.Update(ctx, coll, gone)
	wantCode(t, "Update(expired)", err, fault.NotFound)
	wantCode(t, "Delete(expired)", s.Delete(ctx, coll, "gone"), fault.NotFound)

	// The id and the unique value of an expired record are free again.
	again := put("gone", "c-other", time.Time{})
	if again.Version != 1 {
		t.Errorf("re-insert of expired id: got version %d, want 1", again.Version)
	}
	put("other", "c-gone-2", past)
	put("reuse", "c-gone-2", future)
	r, err := s.Get(ctx, coll, "reuse")
	if err != nil {
		t.Fatalf("Get(reuse): %v", err)
	}
	// ... and also by Update.
	put("expired-holder", "c-held", past)
	r.Data = obj(t, map[string]any{"code": "c-held", "kind": "token"})
	if _, err := s.Update(ctx, coll, r); err != nil {
		t.Errorf("Update into a unique value held only by an expired record: got %v, want success", err)
	}

	// Update can set and clear the expiry; setting it in the past hides it.
	live, err := s.Get(ctx, coll, "live")
	if err != nil {
		t.Fatal(err)
	}
	live.ExpiresAt = time.Time{}
	live, err = s.Update(ctx, coll, live)
	if err != nil {
		t.Fatalf("Update(clear expiry): %v", err)
	}
	if got, _ := s.Get(ctx, coll, "live"); !got.ExpiresAt.IsZero() {
		t.Errorf("after clearing: got ExpiresAt %v, want zero", got.ExpiresAt)
	}
	live.ExpiresAt = past
	if _, err := s.Update(ctx, coll, live); err != nil {
		t.Fatalf("Update(expire now): %v", err)
	}
	_, err = s.Get(ctx, coll, "live")
	wantCode(t, "Get(after expiring by update)", err, fault.NotFound)
}

func testDeclareIdempotent(t *testing.T, s store.Documents) {
	ctx := context.Background()
	schema := store.Schema{Collection: "t" + randomHex(t, 8), Indexes: []store.Index{{Field: "email", Unique: true}}}
	for i := range 2 {
		if err := s.Declare(ctx, schema); err != nil {
			t.Fatalf("Declare #%d: %v", i+1, err)
		}
	}
	insert(t, s, schema.Collection, "a", map[string]any{"email": "a@example.org", "age": 12})
	insert(t, s, schema.Collection, "b", map[string]any{"email": "b@example.org", "age": 15})
	if err := s.Declare(ctx, schema); err != nil {
		t.Fatalf("Declare with data: %v", err)
	}
	_, err := s.Insert(ctx, schema.Collection, store.Record{ID: "c", Data: obj(t, map[string]any{"email": "a@example.org"})})
	wantCode(t, "unique index after redeclare", err, fault.Conflict)

	// A later declaration may add an index; it covers existing records.
	schema.Indexes = append(schema.Indexes, store.Index{Field: "age"})
	if err := s.Declare(ctx, schema); err != nil {
		t.Fatalf("Declare with extra index: %v", err)
	}
	p := find(t, s, schema.Collection, store.Query{OrderBy: "age", Desc: true, Where: []store.Cond{{Field: "age", Op: store.Gt, Value: 10}}})
	wantIDs(t, "Find on new index", ids(p.Records), []string{"b", "a"})
}

// testRedactEvent: erasure replaces an event's data and nothing else; the
// other events, and the order, stay as they were.
func testRedactEvent(t *testing.T, s store.Documents) {
	ctx := context.Background()
	subject := "pledge:" + randomHex(t, 6)
	var evs []store.Event
	for _, data := range []string{`{"comment":{"text":"call me on 0612345678"}}`, `{"title":"Parks"}`} {
		e, err := s.AppendEvent(ctx, store.Event{Actor: "acc1", Type: "pledge.comment_added", Subject: subject, Data: json.RawMessage(data)})
		if err != nil {
			t.Fatalf("AppendEvent: %v", err)
		}
		evs = append(evs, e)
	}
	if err := s.RedactEvent(ctx, evs[0].ID, json.RawMessage(`{"redacted":true}`)); err != nil {
		t.Fatalf("RedactEvent: %v", err)
	}
	got, err := s.Events(ctx, store.EventQuery{After: evs[0].ID - 1, Subject: subject})
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	want := []store.Event{evs[0], evs[1]}
	want[0].Data = json.RawMessage(`{"redacted":true}`)
	wantEvents(t, "after RedactEvent", got, want)

	if err := s.RedactEvent(ctx, evs[1].ID, nil); err != nil {
		t.Fatalf("RedactEvent without data: %v", err)
	}
	got, _ = s.Events(ctx, store.EventQuery{After: evs[0].ID - 1, Subject: subject})
	if len(got) != 2 || len(got[1].Data) != 0 {
		t.Errorf("RedactEvent(nil): got %+v, want the event without data", got)
	}
	wantCode(t, "RedactEvent of a missing event", s.RedactEvent(ctx, 1<<60, nil), fault.NotFound)
	wantCode(t, "RedactEvent with an array", s.RedactEvent(ctx, evs[0].ID, json.RawMessage(`[1]`)), fault.Invalid)
}

func testEvents(t *testing.T, s store.Documents) {
	ctx := context.Background()
	run := randomHex(t, 6)
	s1, s2 := "pledge:"+run+"-1", "pledge:"+run+"-2"

	appendEvent := func(e store.Event) store.Event {
		t.Helper()
		got, err := s.AppendEvent(ctx, e)
		if err != nil {
			t.Fatalf("AppendEvent: %v", err)
		}
		return got
	}
	start := time.Now()
	e1 := appendEvent(store.Event{Actor: "acc1", Type: "pledge.created", Subject: s1, Data: json.RawMessage(`{"title":"Parks"}`)})
	e2 := appendEvent(store.Event{Actor: "acc2", Type: "pledge.created", Subject: s2})
	e3 := appendEvent(store.Event{Actor: "acc1", Type: "pledge.item_edited", Subject: s1, Data: json.RawMessage(`{"item":1}`)})
	fixed := time.Date(2024, 5, 6, 7, 8, 9, 123_000_000, time.UTC)
	e4 := appendEvent(store.Event{Actor: "system", Type: "pledge.imported", Subject: s2, Time: fixed})

	mine := []store.Event{e1, e2, e3, e4}
	for i, e := range mine {
		if e.ID <= 0 {
			t.Errorf("event %d: got ID %d, want > 0", i, e.ID)
		}
		if i > 0 && e.ID <= mine[i-1].ID {
			t.Errorf("event %d: got ID %d after %d, want strictly increasing", i, e.ID, mine[i-1].ID)
		}
	}
	for i, e := range mine[:3] {
		if e.Time.Before(start.Add(-time.Second)) || e.Time.After(time.Now().Add(time.Second)) {
			t.Errorf("event %d: got Time %v, want about %v", i, e.Time, start)
		}
		if i > 0 && e.Time.Before(mine[i-1].Time) {
			t.Errorf("event %d: got Time %v before %v, want non-decreasing", i, e.Time, mine[i-1].Time)
		}
	}
	if !e4.Time.Equal(fixed) {
		t.Errorf("explicit Time: got %v, want %v", e4.Time, fixed)
	}

	// Other tests may append to a shared log at the same time, so compare
	// only the events of this run.
	all, err := s.Events(ctx, store.EventQuery{After: e1.ID - 1, Limit: store.MaxLimit})
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	var got []store.Event
	for i, e := range all {
		if e.ID <= e1.ID-1 {
			t.Errorf("Events: got ID %d, want > After %d", e.ID, e1.ID-1)
		}
		if i > 0 && e.ID <= all[i-1].ID {
			t.Errorf("Events: got ID %d after %d, want oldest first", e.ID, all[i-1].ID)
		}
		if e.Subject == s1 || e.Subject == s2 {
			got = append(got, e)
		}
	}
	wantEvents(t, "Events(all)", got, mine)

	bySubject, err := s.Events(ctx, store.EventQuery{After: e1.ID - 1, Subject: s1})
	if err != nil {
		t.Fatalf("Events(subject): %v", err)
	}
	wantEvents(t, "Events(subject)", bySubject, []store.Event{e1, e3})

	after, err := s.Events(ctx, store.EventQuery{After: e1.ID, Subject: s1})
	if err != nil {
		t.Fatalf("Events(after): %v", err)
	}
	wantEvents(t, "Events(after e1)", after, []store.Event{e3})

	limited, err := s.Events(ctx, store.EventQuery{After: e1.ID - 1, Subject: s2, Limit: 1})
	if err != nil {
		t.Fatalf("Events(limit): %v", err)
	}
	wantEvents(t, "Events(limit 1)", limited, []store.Event{e2})

	none, err := s.Events(ctx, store.EventQuery{After: e4.ID, Subject: s1})
	if err != nil {
		t.Fatalf("Events(none): %v", err)
	}
	wantEvents(t, "Events(after last)", none, nil)
}

func wantEvents(t *testing.T, what string, got, want []store.Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d events %v, want %d", what, len(got), got, len(want))
		return
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.Actor != w.Actor || g.Type != w.Type || g.Subject != w.Subject || !g.Time.Equal(w.Time) {
			t.Errorf("%s[%d]: got %+v, want %+v", what, i, g, w)
		}
		if len(w.Data) == 0 {
			if len(g.Data) != 0 && string(g.Data) != "null" && string(g.Data) != "{}" {
				t.Errorf("%s[%d]: got data %s, want none", what, i, g.Data)
			}
		} else if len(g.Data) == 0 || !sameJSON(t, g.Data, w.Data) {
			t.Errorf("%s[%d]: got data %s, want %s", what, i, g.Data, w.Data)
		}
	}
}

func testConcurrentCAS(t *testing.T, s store.Documents) {
	ctx := context.Background()
	coll := collection(t, s)
	insert(t, s, coll, "counter", map[string]any{"n": 0})

	const workers, increments = 8, 25
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range increments {
				for attempt := 0; ; attempt++ {
					if attempt > 10_000 {
						t.Error("increment never succeeded")
						return
					}
					r, err := s.Get(ctx, coll, "counter")
					if err != nil {
						t.Errorf("Get: %v", err)
						return
					}
					var doc struct{ N int }
					if err := json.Unmarshal(r.Data, &doc); err != nil {
						t.Errorf("decode %s: %v", r.Data, err)
						return
					}
					r.Data = json.RawMessage(fmt.Sprintf(`{"n":%d}`, doc.N+1))
					_, err = s.Update(ctx, coll, r)
					if err == nil {
						break
					}
					if fault.CodeOf(err) != fault.Conflict {
						t.Errorf("Update: got %v, want success or conflict", err)
						return
					}
				}
			}
		})
	}
	wg.Wait()

	r, err := s.Get(ctx, coll, "counter")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ N int }
	if err := json.Unmarshal(r.Data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.N != workers*increments {
		t.Errorf("counter: got %d, want %d (lost updates)", doc.N, workers*increments)
	}
	if r.Version != workers*increments+1 {
		t.Errorf("counter version: got %d, want %d", r.Version, workers*increments+1)
	}
}

// testConcurrentEvents appends from many goroutines at once: every append
// gets its own id, and the log holds each event once.
func testConcurrentEvents(t *testing.T, s store.Documents) {
	ctx := context.Background()
	subject := "pledge:" + randomHex(t, 6)
	const workers, appends = 8, 20
	var mu sync.Mutex
	got := map[int64]string{}
	first := int64(-1)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range appends {
				e, err := s.AppendEvent(ctx, store.Event{Actor: "acc", Type: "t", Subject: subject, Data: obj(t, map[string]any{"w": w, "i": i})})
				if err != nil {
					t.Errorf("AppendEvent: %v", err)
					return
				}
				mu.Lock()
				if prev, dup := got[e.ID]; dup {
					t.Errorf("event id %d given twice (%s and %s)", e.ID, prev, e.Data)
				}
				got[e.ID] = string(e.Data)
				if first < 0 || e.ID < first {
					first = e.ID
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	events, err := s.Events(ctx, store.EventQuery{After: first - 1, Subject: subject, Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != workers*appends {
		t.Fatalf("Events: got %d, want %d", len(events), workers*appends)
	}
	for i, e := range events {
		if i > 0 && e.ID <= events[i-1].ID {
			t.Errorf("Events: id %d after %d, want increasing", e.ID, events[i-1].ID)
		}
		if data, ok := got[e.ID]; !ok || !sameJSON(t, e.Data, json.RawMessage(data)) {
			t.Errorf("Events: id %d holds %s, want what AppendEvent returned (%s)", e.ID, e.Data, data)
		}
	}
}
