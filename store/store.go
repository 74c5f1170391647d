// Package store is the document port: the one small interface every domain
// package uses to keep its data. Two adapters implement it (store/sqlite, the
// embedded default, and store/mongo, the production store) and one contract
// suite (store/storetest) proves they behave alike.
//
// A document is JSON. Queries may only touch the fields a collection declares
// as indexed (plus "id"), so that every query is backed by an index on every
// adapter. Time values used in range queries or sorts should be stored as
// integers (unix milliseconds): JSON has no time type and RFC 3339 strings do
// not sort reliably.
package store

import (
	"context"
	"encoding/json"
	"time"
)

// Schema declares a collection and its indexes. Declaring is idempotent; it
// is done at start-up.
type Schema struct {
	Collection string  // letters, digits and underscores; starts with a letter
	Indexes    []Index // fields that may be queried and sorted on
}

// Index declares one field (a top-level JSON key) as queryable.
// Unique indexes reject a second document with the same value; documents
// without the field are not constrained.
type Index struct {
	Field  string
	Unique bool
}

// Record is a stored document with its metadata.
type Record struct {
	ID        string          // unique within its collection; chosen by the caller
	Version   int64           // 1 after Insert, +1 on every Update
	ExpiresAt time.Time       // zero: never expires; else invisible from this time on
	Data      json.RawMessage // a JSON object
}

// Op is a comparison in a query condition.
type Op string

// The supported comparisons.
const (
	Eq  Op = "eq"
	In  Op = "in" // Value is a []any
	Gt  Op = "gt"
	Gte Op = "gte"
	Lt  Op = "lt"
	Lte Op = "lte"
)

// Cond is one condition on a declared field. Values are strings, integers,
// floats or bools.
type Cond struct {
	Field string
	Op    Op
	Value any
}

// Query selects records: all conditions must hold (and). Results are ordered
// by OrderBy (a declared field, or "id" when empty), ties broken by id, and
// paged by keyset: pass the previous Page.Next as After.
type Query struct {
	Where   []Cond
	OrderBy string
	Desc    bool
	Limit   int    // 1..MaxLimit; 0 means DefaultLimit
	After   string // opaque cursor from Page.Next
}

// Page limits.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// Page is one page of query results. Next is empty on the last page.
type Page struct {
	Records []Record
	Next    string
}

// Event is one entry of the append-only event log: the audit trail and the
// feed for real-time updates.
type Event struct {
	ID      int64           // assigned by AppendEvent; strictly increasing
	Time    time.Time       // assigned by AppendEvent when zero
	Actor   string          // who did it (an account id, "system", ...)
	Type    string          // what happened, e.g. "pledge.item_edited"
	Subject string          // what it happened to, e.g. "pledge:123"
	Data    json.RawMessage // details; a JSON object or empty
}

// EventQuery selects events with ID > After, oldest first.
type EventQuery struct {
	After   int64
	Subject string // empty: all subjects
	Limit   int    // 1..MaxLimit; 0 means DefaultLimit
}

// Documents is the document port.
//
// Errors carry fault codes: Get, Update and Delete return fault.NotFound for
// a missing (or expired) record; Insert returns fault.Conflict for a
// duplicate id or unique value; Update returns fault.Conflict when the
// version is stale or a unique value is taken; any call returns fault.Invalid
// for an undeclared collection or field, a bad cursor or a bad limit, and
// fault.Unavailable when the backing store cannot be reached.
type Documents interface {
	// Declare creates the collection and its indexes if missing.
	Declare(ctx context.Context, s Schema) error
	// Get returns the record with id.
	Get(ctx context.Context, collection, id string) (Record, error)
	// Insert stores a new record; r.Version is ignored and the stored record
	// (Version 1) is returned.
	Insert(ctx context.Context, collection string, r Record) (Record, error)
	// InsertMany stores new records in one atomic write: all of them, or,
	// when an id or a unique value is taken (also within rs), none and
	// fault.Conflict. It is for writes that belong together, and costs one
	// commit instead of one per record.
	InsertMany(ctx context.Context, collection string, rs []Record) error
	// Update replaces the record whose id and version match r (compare and
	// set) and returns it with its new version.
	Update(ctx context.Context, collection string, r Record) (Record, error)
	// Delete removes the record with id.
	Delete(ctx context.Context, collection, id string) error
	// InTransaction runs f as one transaction: every call f makes on this
	// store with the ctx it is given (or a context derived from it) takes
	// effect together when f returns nil, or not at all when f returns an
	// error (returned unchanged) or panics. Reads inside f see f's own
	// writes; nobody else sees any of them before the commit. Events
	// appended inside f are part of it too.
	//
	// A write the database itself refuses (a taken id or unique value, a
	// lost connection) fails the whole transaction even when f goes on and
	// returns nil: MongoDB aborts a transaction on such an error, and every
	// adapter does the same so that code tested on one behaves alike on
	// the other. A stale version or a missing record, which Update and
	// Delete find without the database refusing anything, is f's to handle.
	//
	// f may run more than once (MongoDB retries a transaction that
	// collided with another), so it must do nothing but store calls and
	// computing: mail, publishing and the like go after InTransaction
	// returns. Inside f, use only the ctx given: on SQLite a write with
	// another context waits for the transaction to end, so it would wait
	// forever. Calling InTransaction with a ctx already inside one joins
	// that transaction (an error of the inner f fails the outer one too).
	// Keep transactions short: they hold SQLite's one write lock, and
	// MongoDB aborts a transaction after a minute.
	//
	// It returns fault.Invalid for Declare inside f, and what f or the
	// commit returned otherwise. On a MongoDB-protocol server without
	// multi-document transactions (FerretDB; see store/mongo) f runs
	// without one: its writes are applied one by one.
	InTransaction(ctx context.Context, f func(ctx context.Context) error) error
	// Find returns one page of records matching q.
	Find(ctx context.Context, collection string, q Query) (Page, error)
	// Count returns how many records match the conditions.
	Count(ctx context.Context, collection string, where []Cond) (int64, error)
	// AppendEvent adds e to the event log and returns it with ID and Time set.
	AppendEvent(ctx context.Context, e Event) (Event, error)
	// Events returns events after q.After, oldest first.
	Events(ctx context.Context, q EventQuery) ([]Event, error)
	// RedactEvent replaces the data of event id with data (a JSON object,
	// or empty for none), keeping its id, time, actor, type and subject.
	// It is the one change the append-only log allows, for erasure (GDPR
	// Art. 17): what happened stays, what a person wrote goes.
	// fault.NotFound when there is no such event.
	RedactEvent(ctx context.Context, id int64, data json.RawMessage) error
	// Ping reports whether the store is reachable.
	Ping(ctx context.Context) error
	// Close flushes and releases the store.
	Close() error
}

// txMark marks a context inside an InTransaction callback.
type txMark struct{}

// MarkTransaction returns ctx marked as inside a transaction; every adapter
// hands InTransaction's callback a context marked so.
func MarkTransaction(ctx context.Context) context.Context {
	return context.WithValue(ctx, txMark{}, true)
}

// WithinTransaction reports whether ctx is inside a transaction (of any
// store). Code that takes a lock of its own and then writes skips the lock
// inside a transaction: the transaction already orders writers (SQLite's
// one write lock; MongoDB's conflict detection), and waiting for a lock
// held by someone who waits for the transaction's write lock would never
// end.
func WithinTransaction(ctx context.Context) bool {
	v, _ := ctx.Value(txMark{}).(bool)
	return v
}
