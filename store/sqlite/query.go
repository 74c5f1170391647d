package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"

	"chorus/fault"
	"chorus/store"
)

// Find returns one page of the live records matching q, ordered by
// q.OrderBy (or id) with ties broken by id in the same direction.
func (s *Store) Find(ctx context.Context, collection string, q store.Query) (store.Page, error) {
	fields, err := s.fields(collection)
	if err != nil {
		return store.Page{}, err
	}
	limit, err := checkLimit(q.Limit)
	if err != nil {
		return store.Page{}, err
	}
	order := q.OrderBy
	if order == "" {
		order = "id"
	}
	if _, ok := fields[order]; !ok && order != "id" {
		return store.Page{}, fault.Errorf(fault.Invalid, "cannot order %s by undeclared field %q", collection, order)
	}
	where, args, err := s.where(collection, fields, q.Where)
	if err != nil {
		return store.Page{}, err
	}
	if q.After != "" {
		c, err := decodeCursor(q.After, order, q.Desc)
		if err != nil {
			return store.Page{}, err
		}
		cond, cargs := c.condition(fieldExpr(order), q.Desc)
		where = append(where, cond)
		args = append(args, cargs...)
	}

	dir := " ASC"
	if q.Desc {
		dir = " DESC"
	}
	sortExpr := fieldExpr(order)
	orderBy := sortExpr + dir
	if order != "id" {
		orderBy += ", id" + dir
	}
	// One row more than asked tells whether there is a next page without a
	// second query.
	query := `SELECT id, version, expires_at, data, ` + sortExpr + ` FROM ` + table(collection) +
		` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ` + orderBy + ` LIMIT ?`
	args = append(args, limit+1)

	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return store.Page{}, translate(err, "cannot query "+collection)
	}
	defer rows.Close()
	var (
		page store.Page
		keys []any
	)
	for rows.Next() {
		var (
			r       store.Record
			expires sql.NullInt64
			data    string
			key     any
		)
		if err := rows.Scan(&r.ID, &r.Version, &expires, &data, &key); err != nil {
			return store.Page{}, translate(err, "cannot query "+collection)
		}
		r.ExpiresAt = fromMS(expires)
		r.Data = json.RawMessage(data)
		page.Records = append(page.Records, r)
		keys = append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return store.Page{}, translate(err, "cannot query "+collection)
	}
	if len(page.Records) > limit {
		page.Records = page.Records[:limit]
		last := page.Records[limit-1]
		page.Next = encodeCursor(order, q.Desc, keys[limit-1], last.ID)
	}
	return page, nil
}

// Count returns how many live records match where.
func (s *Store) Count(ctx context.Context, collection string, where []store.Cond) (int64, error) {
	fields, err := s.fields(collection)
	if err != nil {
		return 0, err
	}
	conds, args, err := s.where(collection, fields, where)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.queryRow(ctx,
		`SELECT count(*) FROM `+table(collection)+` WHERE `+strings.Join(conds, " AND "), args...).Scan(&n)
	if err != nil {
		return 0, translate(err, "cannot count "+collection)
	}
	return n, nil
}

// where builds the SQL conditions (always including the expiry filter) and
// their arguments. Values are always bound, never interpolated.
func (s *Store) where(collection string, fields map[string]bool, conds []store.Cond) ([]string, []any, error) {
	sqlConds := []string{alive}
	args := []any{s.nowMS()}
	for _, c := range conds {
		if _, ok := fields[c.Field]; !ok && c.Field != "id" {
			return nil, nil, fault.Errorf(fault.Invalid, "cannot query %s on undeclared field %q", collection, c.Field)
		}
		expr := fieldExpr(c.Field)
		if c.Op == store.In {
			vals, err := inValues(c)
			if err != nil {
				return nil, nil, err
			}
			if len(vals) == 0 {
				sqlConds = append(sqlConds, "0") // x IN () holds for no x
				continue
			}
			sqlConds = append(sqlConds, expr+" IN (?"+strings.Repeat(", ?", len(vals)-1)+")")
			args = append(args, vals...)
			continue
		}
		op, ok := sqlOps[c.Op]
		if !ok {
			return nil, nil, fault.Errorf(fault.Invalid, "unknown operator %q", c.Op)
		}
		v, err := sqlValue(c.Field, c.Value)
		if err != nil {
			return nil, nil, err
		}
		sqlConds = append(sqlConds, expr+" "+op+" ?")
		args = append(args, v)
	}
	return sqlConds, args, nil
}

var sqlOps = map[store.Op]string{
	store.Eq:  "=",
	store.Gt:  ">",
	store.Gte: ">=",
	store.Lt:  "<",
	store.Lte: "<=",
}

// inValues accepts the documented []any and, for convenience, any other
// slice ([]string, []int64, ...).
func inValues(c store.Cond) ([]any, error) {
	rv := reflect.ValueOf(c.Value)
	if !rv.IsValid() || rv.Kind() != reflect.Slice {
		return nil, fault.Errorf(fault.Invalid, "the value of an %q condition on %q must be a list", c.Op, c.Field)
	}
	out := make([]any, rv.Len())
	for i := range out {
		v, err := sqlValue(c.Field, rv.Index(i).Interface())
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// sqlValue converts a condition value to what json_extract yields for the
// same JSON value: integers and reals compare numerically, true and false are
// 1 and 0, strings are text.
func sqlValue(field string, v any) (any, error) {
	bad := fault.Errorf(fault.Invalid, "unsupported value %v (%T) for field %q", v, v, field)
	if field == "id" {
		// The id column has TEXT affinity and would turn 5 into "5"; the
		// other adapter would not, so only strings are allowed.
		if s, ok := v.(string); ok {
			return s, nil
		}
		return nil, bad
	}
	x, err := store.Scalar(v)
	if err != nil {
		return nil, bad
	}
	if b, ok := x.(bool); ok {
		if b {
			return int64(1), nil
		}
		return int64(0), nil
	}
	return x, nil
}

// cursor is the position after the last record of a page: its sort key and
// id. It also remembers the order it was made for, so that using it with a
// different order is an error rather than a silently wrong page.
type cursor struct {
	Order string  `json:"o"`
	Desc  bool    `json:"d,omitempty"`
	Kind  string  `json:"k"` // "" null/missing or id order, "i" integer, "f" real, "s" text
	I     int64   `json:"i,omitempty"`
	F     float64 `json:"f,omitempty"`
	S     string  `json:"s,omitempty"`
	ID    string  `json:"id"`
}

func encodeCursor(order string, desc bool, key any, id string) string {
	c := cursor{Order: order, Desc: desc, ID: id}
	if order != "id" {
		switch k := key.(type) {
		case int64:
			c.Kind, c.I = "i", k
		case float64:
			c.Kind, c.F = "f", k
		case string:
			c.Kind, c.S = "s", k
		case []byte:
			c.Kind, c.S = "s", string(k)
		}
	}
	b, _ := json.Marshal(c) // a struct of plain fields cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, order string, desc bool) (cursor, error) {
	bad := fault.Errorf(fault.Invalid, "invalid cursor")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, bad
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.ID == "" {
		return cursor{}, bad
	}
	if c.Order != order || c.Desc != desc {
		return cursor{}, fault.Errorf(fault.Invalid, "the cursor belongs to a different order")
	}
	switch c.Kind {
	case "", "i", "f", "s":
	default:
		return cursor{}, bad
	}
	return c, nil
}

// condition selects the rows strictly after the cursor in the query's order.
// SQL comparisons with NULL are never true, and SQLite sorts NULL (a missing
// field) first, so the NULL cases are spelled out.
func (c cursor) condition(expr string, desc bool) (string, []any) {
	if c.Order == "id" {
		if desc {
			return "id < ?", []any{c.ID}
		}
		return "id > ?", []any{c.ID}
	}
	var key any
	switch c.Kind {
	case "i":
		key = c.I
	case "f":
		key = c.F
	case "s":
		key = c.S
	}
	switch {
	case key == nil && !desc:
		return "(" + expr + " IS NOT NULL OR id > ?)", []any{c.ID}
	case key == nil && desc:
		return "(" + expr + " IS NULL AND id < ?)", []any{c.ID}
	case !desc:
		return "(" + expr + " > ? OR (" + expr + " = ? AND id > ?))", []any{key, key, c.ID}
	default:
		return "(" + expr + " < ? OR (" + expr + " = ? AND id < ?) OR " + expr + " IS NULL)", []any{key, key, c.ID}
	}
}
