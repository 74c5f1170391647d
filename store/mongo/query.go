package mongo

// Pure translation between the port and MongoDB documents: names, data,
// conditions, cursors. Nothing here talks to a server, so all of it is unit
// tested without one.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"chorus/fault"
	"chorus/store"
)

// Field names of the stored documents. Short, because MongoDB stores every
// key in every document.
const (
	keyID      = "_id"
	keyVersion = "_v"
	keyExpires = "_exp"
	keyData    = "d"
)

// validName reports whether s is a collection or field name the port allows:
// an ASCII letter, then at most 63 letters, digits and underscores (the
// SQLite adapter's rule). Such names are safe in a MongoDB dotted path
// ("d.<field>") and as a collection name.
func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '_'):
		default:
			return false
		}
	}
	return true
}

// path maps a port field to the key it is stored under: "id" is the
// document's _id, every other field lives in the data sub-document.
func path(field string) string {
	if field == "id" {
		return keyID
	}
	return keyData + "." + field
}

// millis rounds t to what a BSON date can hold, so that the time returned by
// a write equals the time a later read returns.
func millis(t time.Time) time.Time {
	return time.UnixMilli(t.UnixMilli()).UTC()
}

// toBSON converts a JSON object into the BSON document stored under "d".
// Relaxed extended JSON keeps integers as integers (int32, or int64 when
// larger) and keeps key order.
//
// Keys starting with "$" are rejected: extended JSON would read objects such
// as {"$date": ...} or {"$numberLong": ...} as typed BSON values rather than
// as the plain JSON the caller wrote, and MongoDB restricts such keys anyway.
func toBSON(data json.RawMessage) (bson.Raw, error) {
	trimmed := bytes.TrimSpace(data)
	// json.Valid also rejects trailing data, which UnmarshalExtJSON ignores.
	if len(trimmed) == 0 || trimmed[0] != '{' || !json.Valid(trimmed) {
		return nil, fault.Errorf(fault.Invalid, "data must be a JSON object")
	}
	if key, ok := dollarKey(trimmed); ok {
		return nil, fault.Errorf(fault.Invalid, "data key %q must not start with $", key)
	}
	var d bson.D
	if err := bson.UnmarshalExtJSON(trimmed, false, &d); err != nil {
		return nil, fault.Wrap(fault.Invalid, err, "data cannot be stored")
	}
	raw, err := bson.Marshal(d)
	if err != nil {
		// For example a key holding a NUL byte, which BSON cannot encode.
		return nil, fault.Wrap(fault.Invalid, err, "data cannot be stored")
	}
	return raw, nil
}

// fromBSON converts a stored data document back to JSON (relaxed extended
// JSON, which for documents made by toBSON is plain JSON).
func fromBSON(raw bson.Raw) (json.RawMessage, error) {
	out, err := bson.MarshalExtJSON(raw, false, false)
	if err != nil {
		return nil, fmt.Errorf("converting stored data to JSON: %w", err)
	}
	return out, nil
}

// dollarKey returns the first object key in valid JSON that starts with "$".
func dollarKey(data []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	// containers is the stack of open containers: true for an object.
	var containers []bool
	inObject := func() bool { return len(containers) > 0 && containers[len(containers)-1] }
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false // io.EOF; the JSON was validated before
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				containers = append(containers, t == '{')
			default:
				containers = containers[:len(containers)-1]
			}
			// After an opening brace, or after a closed value inside an
			// object, a key comes next.
			expectKey = inObject()
			continue
		case string:
			if expectKey && strings.HasPrefix(t, "$") {
				return t, true
			}
		}
		// Inside an object, keys and scalar values alternate.
		if inObject() {
			expectKey = !expectKey
		}
	}
}

// scalar normalises a condition value (store.Scalar: integers to int64,
// floats to float64), which BSON compares as the SQLite adapter does.
func scalar(v any) (any, error) { return store.Scalar(v) }

// operators maps the port's comparisons to MongoDB query operators.
var operators = map[store.Op]string{
	store.Eq:  "$eq",
	store.In:  "$in",
	store.Gt:  "$gt",
	store.Gte: "$gte",
	store.Lt:  "$lt",
	store.Lte: "$lte",
}

// condFilter translates one condition; the caller has checked that the field
// is declared (or "id").
func condFilter(c store.Cond) (bson.D, error) {
	op, ok := operators[c.Op]
	if !ok {
		return nil, fault.Errorf(fault.Invalid, "unknown operator %q", c.Op)
	}
	one := func(v any) (any, error) {
		v, err := scalar(v)
		if err != nil {
			return nil, err
		}
		// _id holds strings only; comparing it with a number would silently
		// match nothing here but something on SQLite.
		if _, isString := v.(string); c.Field == "id" && !isString {
			return nil, fault.Errorf(fault.Invalid, "id must be compared with a string")
		}
		return v, nil
	}
	var value any
	if c.Op == store.In {
		rv := reflect.ValueOf(c.Value)
		if c.Value == nil || rv.Kind() != reflect.Slice {
			return nil, fault.Errorf(fault.Invalid, "the value of an %q condition on %q must be a list", c.Op, c.Field)
		}
		list := make(bson.A, 0, rv.Len())
		for i := range rv.Len() {
			v, err := one(rv.Index(i).Interface())
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		value = list
	} else {
		v, err := one(c.Value)
		if err != nil {
			return nil, err
		}
		value = v
	}
	return bson.D{{Key: path(c.Field), Value: bson.D{{Key: op, Value: value}}}}, nil
}

// live matches documents that have not expired at now. Reads filter on it
// because MongoDB's TTL monitor deletes expired documents only about once a
// minute.
func live(now time.Time) bson.E {
	return bson.E{Key: "$or", Value: bson.A{
		bson.D{{Key: keyExpires, Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: keyExpires, Value: bson.D{{Key: "$gt", Value: now}}}},
	}}
}

// cursor is the decoded form of Page.Next: where the previous page ended and
// which ordering it belongs to, so that a cursor used with another order is
// an error rather than a silently wrong page.
type cursor struct {
	Order string `bson:"o"` // the query's OrderBy, "id" when empty
	Desc  bool   `bson:"r"`
	Value any    `bson:"v"` // sort value of the last record; nil when absent or ordered by id
	ID    string `bson:"i"` // id of the last record
}

// encodeCursor makes an opaque, URL-safe cursor. The value is kept as BSON so
// its exact type (int32, int64, double, string, ...) survives, which keeps
// the keyset comparison identical to the sort the server applied.
func encodeCursor(c cursor) (string, error) {
	raw, err := bson.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("encoding cursor: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

// decodeCursor reverses encodeCursor and checks that the cursor belongs to a
// query with this order and direction.
func decodeCursor(s, order string, desc bool) (cursor, error) {
	bad := fault.Errorf(fault.Invalid, "the page cursor is not valid for this query")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || bson.Raw(raw).Validate() != nil {
		return cursor{}, bad
	}
	var c cursor
	if err := bson.Unmarshal(raw, &c); err != nil {
		return cursor{}, bad
	}
	if c.Order != order || c.Desc != desc || c.ID == "" {
		return cursor{}, bad
	}
	return c, nil
}

// afterFilter selects the records that come after c in the order (p, _id),
// ascending or descending.
//
// MongoDB sorts a missing or null field before every other value, and its
// comparison operators only match values of the operand's type ({$gt: 5}
// never matches null). Hence the null cases: ascending, nulls come first, so
// after a null every non-null value follows; descending, nulls come last, so
// they follow every non-null value.
func afterFilter(p string, c cursor) bson.D {
	if p == keyID {
		op := "$gt"
		if c.Desc {
			op = "$lt"
		}
		return bson.D{{Key: keyID, Value: bson.D{{Key: op, Value: c.ID}}}}
	}
	sameValue := func(op string) bson.D {
		return bson.D{{Key: p, Value: c.Value}, {Key: keyID, Value: bson.D{{Key: op, Value: c.ID}}}}
	}
	switch {
	case !c.Desc && c.Value == nil:
		return bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: p, Value: bson.D{{Key: "$ne", Value: nil}}}},
			sameValue("$gt"),
		}}}
	case !c.Desc:
		return bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: p, Value: bson.D{{Key: "$gt", Value: c.Value}}}},
			sameValue("$gt"),
		}}}
	case c.Value == nil:
		return sameValue("$lt")
	default:
		return bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: p, Value: bson.D{{Key: "$lt", Value: c.Value}}}},
			bson.D{{Key: p, Value: nil}},
			sameValue("$lt"),
		}}}
	}
}

// findFilter combines the conditions, the keyset position and liveness. The
// keyset's $or goes into an $and so that it does not clash with the
// liveness $or.
//
// The conditions come first and liveness last: MongoDB's planner does not
// mind the order, and a server that evaluates a filter key by key in order
// (FerretDB does, without an index) rejects most documents at the first,
// cheapest test.
func findFilter(now time.Time, where []store.Cond, after *cursor, orderPath string) (bson.D, error) {
	var filter bson.D
	var all bson.A
	ops := map[string]int{} // field path -> index of its entry in filter
	for _, c := range where {
		f, err := condFilter(c)
		if err != nil {
			return nil, err
		}
		// Conditions on distinct fields, or distinct operators on one field
		// (a range), stay at the top: {"d.n": {"$gte": 3, "$lt": 6}}.
		// Anything else (the same operator twice) goes into $and, where no
		// key can collide.
		p, cond := f[0].Key, f[0].Value.(bson.D)[0]
		if i, seen := ops[p]; !seen {
			ops[p] = len(filter)
			filter = append(filter, bson.E{Key: p, Value: bson.D{cond}})
		} else if prev := filter[i].Value.(bson.D); !slices.ContainsFunc(prev, func(e bson.E) bool { return e.Key == cond.Key }) {
			filter[i].Value = append(prev, cond)
		} else {
			all = append(all, f)
		}
	}
	if after != nil {
		all = append(all, afterFilter(orderPath, *after))
	}
	if len(all) > 0 { // MongoDB rejects an empty $and
		filter = append(filter, bson.E{Key: "$and", Value: all})
	}
	return append(filter, live(now)), nil
}

// pageLimit applies the port's limit rules.
func pageLimit(n int) (int, error) {
	switch {
	case n == 0:
		return store.DefaultLimit, nil
	case n < 0 || n > store.MaxLimit:
		return 0, fault.Errorf(fault.Invalid, "limit must be between 1 and %d, got %d", store.MaxLimit, n)
	}
	return n, nil
}

// databaseFromURI returns the database named in a MongoDB connection string
// ("mongodb://host/name?opts"), or "" when it names none. It parses only the
// path: user names and passwords must be percent-encoded in the URI, so the
// first "/" after the scheme starts the path.
func databaseFromURI(uri string) string {
	_, rest, ok := strings.Cut(uri, "://")
	if !ok {
		return ""
	}
	rest, _, _ = strings.Cut(rest, "?")
	_, name, ok := strings.Cut(rest, "/")
	if !ok {
		return ""
	}
	if unescaped, err := url.PathUnescape(name); err == nil {
		return unescaped
	}
	return name
}
