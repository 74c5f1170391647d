package store

import (
	"context"
	"encoding/json"
	"time"

	"chorus/fault"
)

// Doc is a typed document with the version it was read at, for the
// compare-and-set update that follows.
type Doc[T any] struct {
	Value   T
	Version int64
}

// GetAs reads the record id of collection into a T.
func GetAs[T any](ctx context.Context, d Documents, collection, id string) (Doc[T], error) {
	r, err := d.Get(ctx, collection, id)
	if err != nil {
		return Doc[T]{}, err
	}
	var v T
	if err := json.Unmarshal(r.Data, &v); err != nil {
		return Doc[T]{}, fault.Wrap(fault.Internal, err, "stored document is not readable")
	}
	return Doc[T]{Value: v, Version: r.Version}, nil
}

// InsertAs stores v as a new record id; expires may be zero.
func InsertAs[T any](ctx context.Context, d Documents, collection, id string, v T, expires time.Time) error {
	r, err := RecordOf(id, v, expires)
	if err != nil {
		return err
	}
	_, err = d.Insert(ctx, collection, r)
	return err
}

// RecordOf encodes v as a new record id (for InsertMany).
func RecordOf[T any](id string, v T, expires time.Time) (Record, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return Record{}, fault.Wrap(fault.Internal, err, "document cannot be stored")
	}
	return Record{ID: id, ExpiresAt: expires, Data: data}, nil
}

// UpdateAs replaces record id, read at version, with v (compare and set:
// fault.Conflict when someone else changed it since).
func UpdateAs[T any](ctx context.Context, d Documents, collection, id string, version int64, v T, expires time.Time) (int64, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return 0, fault.Wrap(fault.Internal, err, "document cannot be stored")
	}
	r, err := d.Update(ctx, collection, Record{ID: id, Version: version, ExpiresAt: expires, Data: data})
	return r.Version, err
}

// FindAs returns all records matching where (following pages up to max
// records; fault.Invalid when there are more, so callers never silently
// work on a truncated list).
func FindAs[T any](ctx context.Context, d Documents, collection string, q Query, max int) ([]Doc[T], error) {
	var out []Doc[T]
	for {
		page, err := d.Find(ctx, collection, q)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Records {
			var v T
			if err := json.Unmarshal(r.Data, &v); err != nil {
				return nil, fault.Wrap(fault.Internal, err, "stored document is not readable")
			}
			out = append(out, Doc[T]{Value: v, Version: r.Version})
		}
		if len(out) > max {
			return nil, fault.Errorf(fault.Invalid, "more than %d %s match", max, collection)
		}
		if page.Next == "" {
			return out, nil
		}
		q.After = page.Next
	}
}

// DeclareAll declares every schema of a domain package at start-up; an
// error names the package and the collection.
func DeclareAll(ctx context.Context, d Documents, pkg string, schemas []Schema) error {
	for _, sc := range schemas {
		if err := d.Declare(ctx, sc); err != nil {
			return fault.Wrap(fault.CodeOf(err), err, pkg+": cannot declare "+sc.Collection)
		}
	}
	return nil
}

// Atomically runs f in one transaction of d (Documents.InTransaction) and
// returns what its committed run returned.
func Atomically[T any](ctx context.Context, d Documents, f func(ctx context.Context) (T, error)) (T, error) {
	var v T
	err := d.InTransaction(ctx, func(ctx context.Context) error {
		var err error
		v, err = f(ctx)
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}
