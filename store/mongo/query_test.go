package mongo

// Tests that need no MongoDB server: the pure translation functions, error
// translation, and every validation path of the Store that must answer
// before any I/O.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsontype"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"chorus/fault"
	"chorus/store"
)

// canonical renders a filter as canonical extended JSON, which spells out
// BSON types ({"$numberLong": "3"}), so tests check types as well as values.
func canonical(t *testing.T, d bson.D) string {
	t.Helper()
	out, err := bson.MarshalExtJSON(d, true, false)
	if err != nil {
		t.Fatalf("MarshalExtJSON(%v): %v", d, err)
	}
	return string(out)
}

func wantCode(t *testing.T, what string, err error, code fault.Code) {
	t.Helper()
	if got := fault.CodeOf(err); got != code {
		t.Errorf("%s: got code %q (err %v), want %q", what, got, err, code)
	}
}

func TestValidName(t *testing.T) {
	for name, want := range map[string]bool{
		"pledges":               true,
		"Pledge_items2":         true,
		"a":                     true,
		strings.Repeat("a", 64): true,
		strings.Repeat("a", 65): false,
		"":                      false,
		"_hidden":               false,
		"2fast":                 false,
		"a.b":                   false,
		"a$b":                   false,
		"a b":                   false,
		"a-b":                   false,
		"système":               false,
		"drop;":                 false,
	} {
		if got := validName(name); got != want {
			t.Errorf("validName(%q): got %v, want %v", name, got, want)
		}
	}
}

func TestPath(t *testing.T) {
	if got := path("id"); got != "_id" {
		t.Errorf(`path("id"): got %q, want "_id"`, got)
	}
	if got := path("email"); got != "d.email" {
		t.Errorf(`path("email"): got %q, want "d.email"`, got)
	}
}

func TestDataRoundTripKeepsPlainJSON(t *testing.T) {
	// Key order, integers, strings with escapes, bools, null, nesting and
	// arrays come back byte for byte (once compacted).
	exact := []string{
		`{}`,
		`{"b":1,"a":-2,"z":3000000000,"min":-9223372036854775808}`,
		`{"s":"x\"y\\z é 😀 <>&","empty":"","dollar":"$set"}`,
		`{"t":true,"f":false,"n":null}`,
		`{"list":[1,"a",null,[true,{"k":[]}]],"obj":{"m":{"n":{}}}}`,
		`{"f":1.5,"neg":-0.25,"third":0.3333333333333333}`,
		`{"a":1,"a":2}`,
	}
	for _, in := range exact {
		raw, err := toBSON(json.RawMessage(in))
		if err != nil {
			t.Errorf("toBSON(%s): %v", in, err)
			continue
		}
		out, err := fromBSON(raw)
		if err != nil {
			t.Errorf("fromBSON(%s): %v", in, err)
			continue
		}
		if string(out) != in {
			t.Errorf("round trip of %s: got %s", in, out)
		}
	}

	// Whitespace goes; floats written with an exponent or a trailing .0 keep
	// their value but may change spelling.
	same := []string{
		" {\n\t\"a\" : [ 1 , 2 ] } ",
		`{"e":1e3,"one":1.0,"tiny":1e-7,"huge":1e300,"big":12345678901234567890}`,
	}
	for _, in := range same {
		raw, err := toBSON(json.RawMessage(in))
		if err != nil {
			t.Errorf("toBSON(%s): %v", in, err)
			continue
		}
		out, err := fromBSON(raw)
		if err != nil {
			t.Errorf("fromBSON(%s): %v", in, err)
			continue
		}
		var want, got any
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Errorf("round trip of %s: got invalid JSON %s", in, out)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip of %s: got %s", in, out)
		}
	}
}

func TestDataTypesInBSON(t *testing.T) {
	// Integers must stay integers so that range queries and sorts compare
	// numbers the way the caller wrote them.
	raw, err := toBSON(json.RawMessage(`{"small":1,"large":3000000000,"real":1.5,"whole":2.0,"s":"x","b":true,"n":null,"a":[1],"o":{"k":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]bsontype.Type{
		"small": bson.TypeInt32,
		"large": bson.TypeInt64,
		"real":  bson.TypeDouble,
		"whole": bson.TypeDouble,
		"s":     bson.TypeString,
		"b":     bson.TypeBoolean,
		"n":     bson.TypeNull,
		"a":     bson.TypeArray,
		"o":     bson.TypeEmbeddedDocument,
	} {
		v, err := raw.LookupErr(key)
		if err != nil {
			t.Errorf("%s: %v", key, err)
			continue
		}
		if v.Type != want {
			t.Errorf("%s: got BSON type %v, want %v", key, v.Type, want)
		}
	}
}

func TestDataRejected(t *testing.T) {
	for _, in := range []string{
		``,
		`   `,
		`null`,
		`[1,2]`,
		`"text"`,
		`42`,
		`{"a":`,
		`{"a":1} trailing`,
		`{"a":1}{"b":2}`,
		`{"$set":{"a":1}}`,
		`{"when":{"$date":"2024-01-01T00:00:00Z"}}`,
		`{"n":{"$numberLong":"5"}}`,
		`{"list":[{"ok":1},{"$oid":"0123456789abcdef01234567"}]}`,
		`{"a":{"b":{"$gt":1}}}`,
		"{\"nul\x00key\":1}",
	} {
		_, err := toBSON(json.RawMessage(in))
		wantCode(t, fmt.Sprintf("toBSON(%q)", in), err, fault.Invalid)
	}
}

func TestDollarKey(t *testing.T) {
	cases := []struct {
		in   string
		key  string
		want bool
	}{
		{`{"a":"$b"}`, "", false},
		{`{"a":["$b",{"c":"$d"}],"e":{"f":["$g"]}}`, "", false},
		{`{"a":1,"$b":2}`, "$b", true},
		{`{"a":[1,[2,{"$c":3}]]}`, "$c", true},
		{`{"a":{"b":[]},"c":{"$d":null}}`, "$d", true},
		{`{"a$":1}`, "", false},
	}
	for _, c := range cases {
		key, ok := dollarKey([]byte(c.in))
		if ok != c.want || key != c.key {
			t.Errorf("dollarKey(%s): got %q %v, want %q %v", c.in, key, ok, c.key, c.want)
		}
	}
}

func TestCondFilter(t *testing.T) {
	type myInt int
	cases := []struct {
		name string
		c    store.Cond
		want string
	}{
		{"eq int", store.Cond{Field: "n", Op: store.Eq, Value: 3}, `{"d.n":{"$eq":{"$numberLong":"3"}}}`},
		{"eq named int", store.Cond{Field: "n", Op: store.Eq, Value: myInt(3)}, `{"d.n":{"$eq":{"$numberLong":"3"}}}`},
		{"eq uint8", store.Cond{Field: "n", Op: store.Eq, Value: uint8(200)}, `{"d.n":{"$eq":{"$numberLong":"200"}}}`},
		{"eq string", store.Cond{Field: "s", Op: store.Eq, Value: "x"}, `{"d.s":{"$eq":"x"}}`},
		{"eq bool", store.Cond{Field: "b", Op: store.Eq, Value: true}, `{"d.b":{"$eq":true}}`},
		{"eq json.Number int", store.Cond{Field: "n", Op: store.Eq, Value: json.Number("7")}, `{"d.n":{"$eq":{"$numberLong":"7"}}}`},
		{"eq json.Number float", store.Cond{Field: "n", Op: store.Eq, Value: json.Number("7.5")}, `{"d.n":{"$eq":{"$numberDouble":"7.5"}}}`},
		{"gt float", store.Cond{Field: "n", Op: store.Gt, Value: 8.5}, `{"d.n":{"$gt":{"$numberDouble":"8.5"}}}`},
		{"gte float32", store.Cond{Field: "n", Op: store.Gte, Value: float32(0.5)}, `{"d.n":{"$gte":{"$numberDouble":"0.5"}}}`},
		{"lt", store.Cond{Field: "n", Op: store.Lt, Value: int64(2)}, `{"d.n":{"$lt":{"$numberLong":"2"}}}`},
		{"lte", store.Cond{Field: "s", Op: store.Lte, Value: "b"}, `{"d.s":{"$lte":"b"}}`},
		{"in mixed", store.Cond{Field: "n", Op: store.In, Value: []any{1, "a", 2.5}},
			`{"d.n":{"$in":[{"$numberLong":"1"},"a",{"$numberDouble":"2.5"}]}}`},
		{"in typed slice", store.Cond{Field: "s", Op: store.In, Value: []string{"a", "b"}}, `{"d.s":{"$in":["a","b"]}}`},
		{"in empty", store.Cond{Field: "s", Op: store.In, Value: []any{}}, `{"d.s":{"$in":[]}}`},
		{"id eq", store.Cond{Field: "id", Op: store.Eq, Value: "r07"}, `{"_id":{"$eq":"r07"}}`},
		{"id gt", store.Cond{Field: "id", Op: store.Gt, Value: "r07"}, `{"_id":{"$gt":"r07"}}`},
		{"id in", store.Cond{Field: "id", Op: store.In, Value: []any{"a", "b"}}, `{"_id":{"$in":["a","b"]}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := condFilter(c.c)
			if err != nil {
				t.Fatalf("condFilter(%+v): %v", c.c, err)
			}
			if got := canonical(t, f); got != c.want {
				t.Errorf("condFilter(%+v):\n got %s\nwant %s", c.c, got, c.want)
			}
		})
	}
}

func TestCondFilterRejects(t *testing.T) {
	for name, c := range map[string]store.Cond{
		"unknown op":      {Field: "n", Op: "like", Value: 1},
		"empty op":        {Field: "n", Value: 1},
		"nil value":       {Field: "n", Op: store.Eq, Value: nil},
		"map value":       {Field: "n", Op: store.Eq, Value: map[string]any{"$gt": 1}},
		"slice for eq":    {Field: "n", Op: store.Eq, Value: []any{1}},
		"struct value":    {Field: "n", Op: store.Eq, Value: struct{}{}},
		"time value":      {Field: "n", Op: store.Eq, Value: time.Now()},
		"NaN":             {Field: "n", Op: store.Gt, Value: math.NaN()},
		"infinity":        {Field: "n", Op: store.Lt, Value: math.Inf(1)},
		"uint64 overflow": {Field: "n", Op: store.Eq, Value: uint64(math.MaxUint64)},
		"bad json.Number": {Field: "n", Op: store.Eq, Value: json.Number("1e999")},
		"in not a list":   {Field: "n", Op: store.In, Value: 1},
		"in nil":          {Field: "n", Op: store.In, Value: nil},
		"in bad element":  {Field: "n", Op: store.In, Value: []any{1, []int{2}}},
		"id with int":     {Field: "id", Op: store.Eq, Value: 5},
		"id in with int":  {Field: "id", Op: store.In, Value: []any{"a", 5}},
	} {
		_, err := condFilter(c)
		wantCode(t, name, err, fault.Invalid)
	}
}

func TestLive(t *testing.T) {
	now := time.Date(2024, 5, 6, 7, 8, 9, 123_000_000, time.UTC)
	got := canonical(t, bson.D{live(now)})
	want := `{"$or":[{"_exp":{"$exists":false}},{"_exp":{"$gt":{"$date":{"$numberLong":"1714979289123"}}}}]}`
	if got != want {
		t.Errorf("live:\n got %s\nwant %s", got, want)
	}
}

func TestAfterFilter(t *testing.T) {
	cases := []struct {
		name string
		path string
		c    cursor
		want string
	}{
		{"id asc", "_id", cursor{Order: "id", ID: "k09"}, `{"_id":{"$gt":"k09"}}`},
		{"id desc", "_id", cursor{Order: "id", Desc: true, ID: "k09"}, `{"_id":{"$lt":"k09"}}`},
		{"field asc", "d.n", cursor{Order: "n", Value: int32(3), ID: "k09"},
			`{"$or":[{"d.n":{"$gt":{"$numberInt":"3"}}},{"d.n":{"$numberInt":"3"},"_id":{"$gt":"k09"}}]}`},
		{"field desc", "d.n", cursor{Order: "n", Desc: true, Value: "m", ID: "k09"},
			`{"$or":[{"d.n":{"$lt":"m"}},{"d.n":null},{"d.n":"m","_id":{"$lt":"k09"}}]}`},
		{"missing value asc", "d.n", cursor{Order: "n", ID: "k09"},
			`{"$or":[{"d.n":{"$ne":null}},{"d.n":null,"_id":{"$gt":"k09"}}]}`},
		{"missing value desc", "d.n", cursor{Order: "n", Desc: true, ID: "k09"},
			`{"d.n":null,"_id":{"$lt":"k09"}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := canonical(t, afterFilter(c.path, c.c)); got != c.want {
				t.Errorf("afterFilter:\n got %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestFindFilter(t *testing.T) {
	now := time.UnixMilli(1000).UTC()
	liveJSON := `{"_exp":{"$exists":false}},{"_exp":{"$gt":{"$date":{"$numberLong":"1000"}}}}`

	f, err := findFilter(now, nil, nil, "_id")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := canonical(t, f), `{"$or":[`+liveJSON+`]}`; got != want {
		t.Errorf("no conditions:\n got %s\nwant %s", got, want)
	}

	// Two operators on one field share its key; the keyset position lands
	// in $and, before (not inside) the liveness $or.
	where := []store.Cond{{Field: "n", Op: store.Gte, Value: 3}, {Field: "n", Op: store.Lt, Value: 6}}
	after := cursor{Order: "n", Desc: true, Value: int32(5), ID: "r05"}
	f, err = findFilter(now, where, &after, "d.n")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"d.n":{"$gte":{"$numberLong":"3"},"$lt":{"$numberLong":"6"}},"$and":[` +
		`{"$or":[{"d.n":{"$lt":{"$numberInt":"5"}}},{"d.n":null},{"d.n":{"$numberInt":"5"},"_id":{"$lt":"r05"}}]}],` +
		`"$or":[` + liveJSON + `]}`
	if got := canonical(t, f); got != want {
		t.Errorf("range with cursor:\n got %s\nwant %s", got, want)
	}

	// The same operator twice on one field cannot share a key: the second
	// goes into $and.
	twice := []store.Cond{{Field: "s", Op: store.Eq, Value: "a"}, {Field: "s", Op: store.Eq, Value: "b"}}
	if f, err = findFilter(now, twice, nil, "_id"); err != nil {
		t.Fatal(err)
	}
	want = `{"d.s":{"$eq":"a"},"$and":[{"d.s":{"$eq":"b"}}],"$or":[` + liveJSON + `]}`
	if got := canonical(t, f); got != want {
		t.Errorf("one operator twice:\n got %s\nwant %s", got, want)
	}

	_, err = findFilter(now, []store.Cond{{Field: "n", Op: "like", Value: 1}}, nil, "_id")
	wantCode(t, "bad condition", err, fault.Invalid)
}

func TestCursorRoundTrip(t *testing.T) {
	// Values come from a stored document, as in Find, so each keeps its BSON
	// type through the cursor.
	raw, err := toBSON(json.RawMessage(`{"i32":7,"i64":3000000000,"f":2.5,"s":"é/+?","b":false,"n":null}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		field string
		want  any
	}{
		{"i32", int32(7)},
		{"i64", int64(3000000000)},
		{"f", 2.5},
		{"s", "é/+?"},
		{"b", false},
		{"n", nil},
		{"missing", nil},
	} {
		t.Run(c.field, func(t *testing.T) {
			in := cursor{Order: c.field, Desc: true, ID: "id/with+odd=chars"}
			if v, err := raw.LookupErr(c.field); err == nil {
				in.Value = v
			}
			s, err := encodeCursor(in)
			if err != nil {
				t.Fatalf("encodeCursor: %v", err)
			}
			if strings.ContainsAny(s, "+/=") {
				t.Errorf("cursor %q is not URL-safe", s)
			}
			out, err := decodeCursor(s, c.field, true)
			if err != nil {
				t.Fatalf("decodeCursor: %v", err)
			}
			if out.ID != in.ID || out.Order != c.field || !out.Desc {
				t.Errorf("decodeCursor: got %+v, want order %q desc id %q", out, c.field, in.ID)
			}
			if !reflect.DeepEqual(out.Value, c.want) {
				t.Errorf("decodeCursor value: got %#v (%T), want %#v (%T)", out.Value, out.Value, c.want, c.want)
			}
		})
	}
}

func TestCursorRejected(t *testing.T) {
	good, err := encodeCursor(cursor{Order: "n", Value: int64(3), ID: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeCursor(good, "n", false); err != nil {
		t.Fatalf("decodeCursor(good): %v", err)
	}
	noID, err := encodeCursor(cursor{Order: "n", Value: int64(3)})
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.RawURLEncoding.EncodeToString
	cases := map[string]struct {
		s     string
		order string
		desc  bool
	}{
		"not base64":          {"not a cursor!", "n", false},
		"padded base64":       {good + "==", "n", false},
		"empty document":      {b64([]byte{5, 0, 0, 0, 0}), "n", false},
		"not BSON":            {b64([]byte("hello, world")), "n", false},
		"truncated":           {good[:len(good)-4], "n", false},
		"wrong length prefix": {b64(append([]byte{0xff, 0, 0, 0}, []byte("xxxx")...)), "n", false},
		"other order":         {good, "s", false},
		"other direction":     {good, "n", true},
		"no id":               {noID, "n", false},
	}
	for name, c := range cases {
		_, err := decodeCursor(c.s, c.order, c.desc)
		wantCode(t, name, err, fault.Invalid)
	}
}

func TestPageLimit(t *testing.T) {
	for in, want := range map[int]int{0: store.DefaultLimit, 1: 1, store.MaxLimit: store.MaxLimit} {
		if got, err := pageLimit(in); err != nil || got != want {
			t.Errorf("pageLimit(%d): got %d, %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []int{-1, store.MaxLimit + 1} {
		_, err := pageLimit(in)
		wantCode(t, fmt.Sprintf("pageLimit(%d)", in), err, fault.Invalid)
	}
}

func TestDatabaseFromURI(t *testing.T) {
	for uri, want := range map[string]string{
		"mongodb://localhost":                                    "",
		"mongodb://localhost/":                                   "",
		"mongodb://localhost:27017/chorus":                       "chorus",
		"mongodb://a:1,b:2,c:3/chorus?replicaSet=rs0":            "chorus",
		"mongodb://user:p%2Fss@host/chorus?authSource=admin":     "chorus",
		"mongodb://user:pass@host/?authSource=admin":             "",
		"mongodb+srv://cluster0.example.net/prod_db?retryWrites": "prod_db",
		"mongodb://host/my%20db":                                 "my db",
		"not a uri":                                              "",
	} {
		if got := databaseFromURI(uri); got != want {
			t.Errorf("databaseFromURI(%q): got %q, want %q", uri, got, want)
		}
	}
}

func TestTranslate(t *testing.T) {
	dup := mongo.WriteException{WriteErrors: mongo.WriteErrors{{Code: 11000, Message: "E11000 duplicate key error"}}}
	cases := []struct {
		name string
		err  error
		want fault.Code
	}{
		{"no documents", mongo.ErrNoDocuments, fault.NotFound},
		{"duplicate key", dup, fault.Conflict},
		{"duplicate key wrapped", fmt.Errorf("Insert(x): %w", dup), fault.Conflict},
		{"deadline", context.DeadlineExceeded, fault.Unavailable},
		{"canceled", fmt.Errorf("op: %w", context.Canceled), fault.Unavailable},
		{"client disconnected", mongo.ErrClientDisconnected, fault.Unavailable},
		{"network label", mongo.CommandError{Code: 0, Labels: []string{"NetworkError"}}, fault.Unavailable},
		{"retryable write", mongo.CommandError{Code: 1, Labels: []string{"RetryableWriteError"}}, fault.Unavailable},
		{"not primary", mongo.CommandError{Code: 10107, Name: "NotWritablePrimary"}, fault.Unavailable},
		{"stepped down", mongo.WriteException{WriteErrors: mongo.WriteErrors{{Code: 189}}}, fault.Unavailable},
		{"max time", mongo.CommandError{Code: 50, Name: "MaxTimeMSExpired"}, fault.Unavailable},
		{"other server error", mongo.CommandError{Code: 2, Name: "BadValue"}, fault.Internal},
		{"unknown", errors.New("boom"), fault.Internal},
	}
	for _, c := range cases {
		err := translate(c.err)
		wantCode(t, c.name, err, c.want)
		// The cause stays in the chain for logs (compared by value: driver
		// errors holding slices are not comparable with errors.Is).
		var fe *fault.Error
		if !errors.As(err, &fe) || !reflect.DeepEqual(fe.Err, c.err) {
			t.Errorf("%s: the cause is lost: %v", c.name, err)
		}
	}
	if translate(nil) != nil {
		t.Error("translate(nil): want nil")
	}
}

// unreachable is a URI nothing listens on (port 1 on loopback), so a test
// that needs a server fails fast instead of hanging.
const unreachable = "mongodb://127.0.0.1:1/?connectTimeoutMS=200"

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	_, err := Open(ctx, "mongodb://127.0.0.1:1", "")
	wantCode(t, "Open without database", err, fault.Invalid)
	_, err = Open(ctx, "postgres://127.0.0.1/chorus", "x")
	wantCode(t, "Open with a non-MongoDB URI", err, fault.Invalid)

	start := time.Now()
	_, err = OpenWith(ctx, unreachable, "chorus", Options{ServerSelectionTimeout: 300 * time.Millisecond})
	wantCode(t, "Open of an unreachable server", err, fault.Unavailable)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Open of an unreachable server took %v; the selection timeout is not applied", d)
	}
}

// offline returns a Store whose client points at nothing. The driver
// connects lazily, so every check that must happen before I/O can be tested;
// a check that wrongly reaches the network shows up as Unavailable.
func offline(t *testing.T) *Store {
	t.Helper()
	client, err := mongo.Connect(context.Background(),
		options.Client().ApplyURI(unreachable).SetServerSelectionTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	s := &Store{client: client, db: client.Database("offline"), now: time.Now,
		fields: map[string]map[string]bool{"pledges": {"n": true}}}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})
	return s
}

func TestValidationBeforeIO(t *testing.T) {
	s := offline(t)
	ctx := context.Background()
	rec := store.Record{ID: "a", Version: 1, Data: json.RawMessage(`{"n":1}`)}
	cases := map[string]func() error{
		"Declare bad collection": func() error { return s.Declare(ctx, store.Schema{Collection: "bad name"}) },
		"Declare reserved events": func() error {
			return s.Declare(ctx, store.Schema{Collection: "events"})
		},
		"Declare reserved counters": func() error {
			return s.Declare(ctx, store.Schema{Collection: "counters"})
		},
		"Declare bad field": func() error {
			return s.Declare(ctx, store.Schema{Collection: "x", Indexes: []store.Index{{Field: "a.b"}}})
		},
		"Declare id": func() error {
			return s.Declare(ctx, store.Schema{Collection: "x", Indexes: []store.Index{{Field: "id"}}})
		},
		"Declare field twice, differently": func() error {
			return s.Declare(ctx, store.Schema{Collection: "x", Indexes: []store.Index{{Field: "a"}, {Field: "a", Unique: true}}})
		},
		"Get undeclared":    func() error { _, err := s.Get(ctx, "nope", "a"); return err },
		"Insert undeclared": func() error { _, err := s.Insert(ctx, "nope", rec); return err },
		"Update undeclared": func() error { _, err := s.Update(ctx, "nope", rec); return err },
		"Delete undeclared": func() error { return s.Delete(ctx, "nope", "a") },
		"Find undeclared":   func() error { _, err := s.Find(ctx, "nope", store.Query{}); return err },
		"Count undeclared":  func() error { _, err := s.Count(ctx, "nope", nil); return err },
		"Insert empty id": func() error {
			_, err := s.Insert(ctx, "pledges", store.Record{Data: json.RawMessage(`{}`)})
			return err
		},
		"Insert array data": func() error {
			_, err := s.Insert(ctx, "pledges", store.Record{ID: "a", Data: json.RawMessage(`[1]`)})
			return err
		},
		"Update bad data": func() error {
			_, err := s.Update(ctx, "pledges", store.Record{ID: "a", Version: 1, Data: json.RawMessage(`{"a":`)})
			return err
		},
		"Find undeclared field": func() error {
			_, err := s.Find(ctx, "pledges", store.Query{Where: []store.Cond{{Field: "secret", Op: store.Eq, Value: 1}}})
			return err
		},
		"Find order by undeclared": func() error {
			_, err := s.Find(ctx, "pledges", store.Query{OrderBy: "secret"})
			return err
		},
		"Find bad limit":  func() error { _, err := s.Find(ctx, "pledges", store.Query{Limit: -1}); return err },
		"Find bad cursor": func() error { _, err := s.Find(ctx, "pledges", store.Query{After: "garbage"}); return err },
		"Find cursor of another order": func() error {
			c, err := encodeCursor(cursor{Order: "id", ID: "a"})
			if err != nil {
				return err
			}
			_, err = s.Find(ctx, "pledges", store.Query{OrderBy: "n", After: c})
			return err
		},
		"Find bad operator": func() error {
			_, err := s.Find(ctx, "pledges", store.Query{Where: []store.Cond{{Field: "n", Op: "like", Value: 1}}})
			return err
		},
		"Count undeclared field": func() error {
			_, err := s.Count(ctx, "pledges", []store.Cond{{Field: "secret", Op: store.Eq, Value: 1}})
			return err
		},
		"Events bad limit": func() error { _, err := s.Events(ctx, store.EventQuery{Limit: store.MaxLimit + 1}); return err },
		"AppendEvent array data": func() error {
			_, err := s.AppendEvent(ctx, store.Event{Type: "x", Data: json.RawMessage(`[1]`)})
			return err
		},
	}
	for name, fn := range cases {
		t.Run(name, func(t *testing.T) { wantCode(t, name, fn(), fault.Invalid) })
	}
	// A valid call does reach for the server, and reports it unreachable.
	_, err := s.Get(ctx, "pledges", "a")
	wantCode(t, "Get with no server", err, fault.Unavailable)
	wantCode(t, "Ping with no server", s.Ping(ctx), fault.Unavailable)
}

// TestIndexModels checks the indexes on a replica set (every feature) and
// on a server with none of the optional ones (the fallbacks).
func TestIndexModels(t *testing.T) {
	schema := store.Schema{Collection: "accounts", Indexes: []store.Index{
		{Field: "email", Unique: true}, {Field: "age"}, {Field: "age"},
	}}
	for _, c := range []struct {
		name     string
		features Features
		want     []string
	}{
		{"replica set", Features{TTLIndexes: true, PartialIndexes: true, Transactions: true}, []string{
			`expiry {"_exp":{"$numberInt":"1"}} ttl=0`,
			`f_email {"d.email":{"$numberInt":"1"},"_id":{"$numberInt":"1"}}`,
			`u_email {"d.email":{"$numberInt":"1"}} unique partial={"d.email":{"$exists":true}}`,
			`f_age {"d.age":{"$numberInt":"1"},"_id":{"$numberInt":"1"}}`,
		}},
		{"no optional features", Features{}, []string{
			`expiry_sweep {"_exp":{"$numberInt":"1"}}`,
			`f_email {"d.email":{"$numberInt":"1"},"_id":{"$numberInt":"1"}}`,
			`u_email {"d.email":{"$numberInt":"1"}} unique sparse`,
			`f_age {"d.age":{"$numberInt":"1"},"_id":{"$numberInt":"1"}}`,
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			models, fields, err := indexModels(schema, c.features)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range models {
				o := m.Options
				line := fmt.Sprintf("%s %s", *o.Name, canonical(t, m.Keys.(bson.D)))
				if o.Unique != nil && *o.Unique {
					line += " unique"
				}
				if o.Sparse != nil && *o.Sparse {
					line += " sparse"
				}
				if o.PartialFilterExpression != nil {
					line += " partial=" + canonical(t, o.PartialFilterExpression.(bson.D))
				}
				if o.ExpireAfterSeconds != nil {
					line += fmt.Sprintf(" ttl=%d", *o.ExpireAfterSeconds)
				}
				got = append(got, line)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("indexModels:\n got %q\nwant %q", got, c.want)
			}
			if !reflect.DeepEqual(fields, map[string]bool{"email": true, "age": true}) {
				t.Errorf("fields: got %v, want email and age", fields)
			}
		})
	}
}
