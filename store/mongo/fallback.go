package mongo

// What the adapter does where the server lacks an optional feature (see
// Features): each fallback keeps the port's contract, at the cost of more
// round trips, and says where it is weaker than the feature it replaces.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"chorus/fault"
)

// claimsCollection holds the version claims of updates in flight; its name
// is not a valid port name, so it never collides with a declared collection.
const claimsCollection = "_claims"

// claimTTL is how long a claim left behind by a crashed process blocks
// updates of its record. An update holding a claim gives up well before.
const claimTTL = 30 * time.Second

// claim takes the right to write version next of collection/id, for servers
// whose conditional updates are not atomic: the claim is a document with a
// unique _id, and inserting it is atomic on every server, so of several
// updates racing from one version exactly one gets it and the others get
// fault.Conflict, as they would on a replica set. release deletes the claim
// once the update is done; a claim older than claimTTL is taken over.
func (s *Store) claim(ctx context.Context, collection, id string, next int64) (release func(), err error) {
	claims := s.db.Collection(claimsCollection)
	key := collection + "/" + id + "/" + strconv.FormatInt(next, 10)
	now := s.clock()
	for attempt := 0; ; attempt++ {
		_, err := claims.InsertOne(ctx, bson.D{{Key: keyID, Value: key}, {Key: keyExpires, Value: now.Add(claimTTL)}})
		if err == nil {
			break
		}
		if !isDuplicate(err) {
			return nil, translate(fmt.Errorf("mongo: claiming %s: %w", key, err))
		}
		// Someone else is writing this version, unless their claim is
		// stale (a crash); then whoever deletes it may try again.
		res, err := claims.DeleteOne(ctx, bson.D{{Key: keyID, Value: key}, {Key: keyExpires, Value: bson.D{{Key: "$lte", Value: now}}}})
		if err != nil {
			return nil, translate(fmt.Errorf("mongo: claiming %s: %w", key, err))
		}
		if res.DeletedCount == 0 || attempt > 0 {
			return nil, fault.Errorf(fault.Conflict, "the record was changed by someone else; reload and try again")
		}
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), DefaultServerSelectionTimeout)
		defer cancel()
		// A claim that cannot be deleted expires by itself.
		_, _ = claims.DeleteOne(ctx, bson.D{{Key: keyID, Value: key}})
	}, nil
}

// uniqueValueHeld reports whether another document of the collection, live or
// expired, holds one of the unique values in data.
func (s *Store) uniqueValueHeld(ctx context.Context, coll *mongo.Collection, collection, id string, data bson.Raw) bool {
	s.mu.RLock()
	unique := s.unique[collection]
	s.mu.RUnlock()
	for _, f := range unique {
		v, err := data.LookupErr(f)
		if err != nil {
			continue
		}
		n, err := coll.CountDocuments(ctx, bson.D{{Key: path(f), Value: v}, {Key: keyID, Value: bson.D{{Key: "$ne", Value: id}}}}, options.Count().SetLimit(1))
		if err == nil && n > 0 {
			return true
		}
	}
	return false
}

// insertManyThenUndo inserts docs in order; when one is refused, it deletes
// those before it (which this call inserted) and returns the refusal.
func (s *Store) insertManyThenUndo(ctx context.Context, coll *mongo.Collection, docs []any) error {
	_, err := coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(true))
	var bwe mongo.BulkWriteException
	if err == nil || !errors.As(err, &bwe) || len(bwe.WriteErrors) == 0 {
		return err
	}
	inserted := make(bson.A, 0, bwe.WriteErrors[0].Index)
	for _, d := range docs[:bwe.WriteErrors[0].Index] {
		inserted = append(inserted, d.(doc).ID)
	}
	if len(inserted) > 0 {
		// Undone with a context of its own: a caller who gave up must not
		// leave half a batch behind.
		undo, cancel := context.WithTimeout(context.WithoutCancel(ctx), DefaultServerSelectionTimeout)
		defer cancel()
		if _, derr := coll.DeleteMany(undo, bson.D{{Key: keyID, Value: bson.D{{Key: "$in", Value: inserted}}}, {Key: keyVersion, Value: int64(1)}}); derr != nil {
			return fmt.Errorf("undoing %d inserted records after %w: %w", len(inserted), err, derr)
		}
	}
	return err
}

// maxEventIDClaims bounds how often one append tries a next id that another
// process took first.
const maxEventIDClaims = 100

// insertEventClaimingID gives d the next event id by inserting it: the
// event's _id is unique, so the insert itself decides which of several
// racing appends gets an id, and the loser tries the next one. The counter
// only tells where to start (it is raised with $max after each append, and
// may lag): ids stay dense and strictly increasing.
func (s *Store) insertEventClaimingID(ctx context.Context, d *eventDoc) error {
	events, counters := s.db.Collection(eventsCollection), s.db.Collection(countersCollection)
	last := s.lastEventID.Load()
	if last == 0 {
		var err error
		if last, err = s.eventCounter(ctx); err != nil {
			return err
		}
	}
	for range maxEventIDClaims {
		d.ID = last + 1
		_, err := events.InsertOne(ctx, d)
		if err == nil {
			s.raiseLastEventID(d.ID)
			_, err = counters.UpdateOne(ctx, bson.D{{Key: keyID, Value: eventsCounterID}},
				bson.D{{Key: "$max", Value: bson.D{{Key: "seq", Value: d.ID}}}}, options.Update().SetUpsert(true))
			if err != nil && !isDuplicate(err) { // a racing first upsert: the other one counts
				return fmt.Errorf("raising the event counter to %d: %w", d.ID, err)
			}
			return nil
		}
		if !isDuplicate(err) {
			return err
		}
		seen, err := s.eventCounter(ctx)
		if err != nil {
			return err
		}
		last = max(d.ID, seen)
		s.raiseLastEventID(last)
	}
	return fault.Errorf(fault.Unavailable, "the event log is too busy; try again")
}

// eventCounter reads the event counter; 0 before the first event.
func (s *Store) eventCounter(ctx context.Context) (int64, error) {
	var counter struct {
		Seq int64 `bson:"seq"`
	}
	err := s.db.Collection(countersCollection).FindOne(ctx, bson.D{{Key: keyID, Value: eventsCounterID}}).Decode(&counter)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return 0, fmt.Errorf("reading the event counter: %w", err)
	}
	return counter.Seq, nil
}

func (s *Store) raiseLastEventID(id int64) {
	for {
		cur := s.lastEventID.Load()
		if id <= cur || s.lastEventID.CompareAndSwap(cur, id) {
			return
		}
	}
}
