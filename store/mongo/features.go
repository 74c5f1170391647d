package mongo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync/atomic"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"golang.org/x/sync/errgroup"
)

// Features are the optional MongoDB features the adapter uses when the server
// has them. A replica set has all of them. Open finds out which the server
// has by trying each once, on the "_features" collection, and reading the
// answer (an error code, or what the server did), never by the server's name.
type Features struct {
	// TTLIndexes: the server deletes expired documents by itself. Without
	// them PurgeExpired (the worker's sweep) does. Either way reads never
	// return an expired document.
	TTLIndexes bool
	// PartialIndexes: a unique index can cover only the documents that have
	// the field. Without them the unique index is sparse, which leaves out
	// the same documents.
	PartialIndexes bool
	// Transactions: multi-document transactions, which make InsertMany
	// atomic for readers too and InTransaction all or none. Without them
	// InsertMany undoes a refused batch instead (see InsertMany), and
	// InTransaction applies its writes one by one (see InTransaction):
	// fine for tests on FerretDB, not for production.
	Transactions bool
	// AtomicUpdates: an update's filter is checked as it writes, so of two
	// updates racing from the same version only one matches. Without them
	// an update first claims the version it writes (see claim), and event
	// ids are claimed by inserting the event (see AppendEvent).
	AtomicUpdates bool
}

// notImplemented is MongoDB's error code for an option or command a server
// does not implement (NotImplemented).
const notImplemented = 238

// detectFeatures asks the server which optional features it has. Errors
// other than "not implemented" (an unreachable server, missing rights) are
// returned: Open must not guess.
func detectFeatures(ctx context.Context, db *mongo.Database) (Features, error) {
	probe := db.Collection(featuresCollection)
	var f Features
	var err error
	if f.TTLIndexes, err = indexOption(ctx, probe, "ttl", "t", options.Index().SetExpireAfterSeconds(0)); err != nil {
		return f, err
	}
	if f.PartialIndexes, err = indexOption(ctx, probe, "partial", "p", options.Index().SetUnique(true).
		SetPartialFilterExpression(bson.D{{Key: "p", Value: bson.D{{Key: "$exists", Value: true}}}})); err != nil {
		return f, err
	}
	if f.Transactions, err = abortedWriteIsUndone(ctx, db, probe); err != nil {
		return f, err
	}
	if f.AtomicUpdates, err = racingUpdatesLoseNothing(ctx, probe); err != nil {
		return f, err
	}
	return f, nil
}

// indexOption creates an index on field with opts on the probe collection (kept: the
// next start finds it there) and reports whether the server implements them.
func indexOption(ctx context.Context, probe *mongo.Collection, name, field string, opts *options.IndexOptions) (bool, error) {
	_, err := probe.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: field, Value: 1}}, Options: opts.SetName(name)})
	var se mongo.ServerError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &se) && se.HasErrorCode(notImplemented):
		return false, nil
	}
	return false, translate(fmt.Errorf("mongo: asking the server for %s indexes: %w", name, err))
}

// abortedWriteIsUndone writes a probe document in a transaction, aborts it,
// and reports whether the document is indeed absent. A server without
// transactions refuses them with an error (a standalone MongoDB: "only
// allowed on a replica set member") or ignores them and keeps the write;
// either way it has none.
func abortedWriteIsUndone(ctx context.Context, db *mongo.Database, probe *mongo.Collection) (bool, error) {
	id := probeID("tx")
	sess, err := db.Client().StartSession()
	if err != nil {
		return false, translate(fmt.Errorf("mongo: asking the server for transactions: %w", err))
	}
	defer sess.EndSession(ctx)
	txErr := mongo.WithSession(ctx, sess, func(sc mongo.SessionContext) error {
		if err := sess.StartTransaction(); err != nil {
			return err
		}
		if _, err := probe.InsertOne(sc, bson.D{{Key: keyID, Value: id}}); err != nil {
			_ = sess.AbortTransaction(sc)
			return err
		}
		return sess.AbortTransaction(sc)
	})
	if txErr != nil && unavailable(txErr) {
		return false, translate(fmt.Errorf("mongo: asking the server for transactions: %w", txErr))
	}
	res, err := probe.DeleteOne(ctx, bson.D{{Key: keyID, Value: id}})
	if err != nil {
		return false, translate(fmt.Errorf("mongo: asking the server for transactions: %w", err))
	}
	return txErr == nil && res.DeletedCount == 0, nil
}

// racingUpdatesLoseNothing lets a few writers increment a probe document at
// once by compare and set on its version, and reports whether every update
// the server said matched is counted. A server that checks the filter apart
// from the write lets two updates from one version both match, and loses
// one: with this many racing writers, it shows.
func racingUpdatesLoseNothing(ctx context.Context, probe *mongo.Collection) (bool, error) {
	const writers, attempts = 8, 8
	id := probeID("cas")
	fail := func(err error) (bool, error) {
		return false, translate(fmt.Errorf("mongo: asking the server for atomic updates: %w", err))
	}
	if _, err := probe.InsertOne(ctx, bson.D{{Key: keyID, Value: id}, {Key: keyVersion, Value: int64(0)}}); err != nil {
		return fail(err)
	}
	defer probe.DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: keyID, Value: id}})
	var matched atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	for range writers {
		g.Go(func() error {
			for range attempts {
				var d struct {
					V int64 `bson:"_v"`
				}
				if err := probe.FindOne(gctx, bson.D{{Key: keyID, Value: id}}).Decode(&d); err != nil {
					return err
				}
				res, err := probe.ReplaceOne(gctx, bson.D{{Key: keyID, Value: id}, {Key: keyVersion, Value: d.V}},
					bson.D{{Key: keyID, Value: id}, {Key: keyVersion, Value: d.V + 1}})
				if err != nil {
					return err
				}
				matched.Add(res.MatchedCount)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fail(err)
	}
	var final struct {
		V int64 `bson:"_v"`
	}
	if err := probe.FindOne(ctx, bson.D{{Key: keyID, Value: id}}).Decode(&final); err != nil {
		return fail(err)
	}
	return final.V == matched.Load(), nil
}

// probeID is a probe document id no other process uses at the same time.
func probeID(kind string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return kind + "-" + hex.EncodeToString(b)
}

// expiryIndex is the index on the expiry time: a TTL index where the server
// deletes expired documents, else a plain one for PurgeExpired's sweep
// (named apart, so that a server gaining TTL indexes gets one).
func expiryIndex(f Features) mongo.IndexModel {
	if f.TTLIndexes {
		return mongo.IndexModel{Keys: bson.D{{Key: keyExpires, Value: 1}}, Options: options.Index().SetName("expiry").SetExpireAfterSeconds(0)}
	}
	return mongo.IndexModel{Keys: bson.D{{Key: keyExpires, Value: 1}}, Options: options.Index().SetName("expiry_sweep")}
}

// uniqueIndex is a unique index on the document path p that leaves out the
// documents without it.
func uniqueIndex(p, name string, f Features) mongo.IndexModel {
	opts := options.Index().SetName(name).SetUnique(true)
	if f.PartialIndexes {
		opts.SetPartialFilterExpression(bson.D{{Key: p, Value: bson.D{{Key: "$exists", Value: true}}}})
	} else {
		opts.SetSparse(true)
	}
	return mongo.IndexModel{Keys: bson.D{{Key: p, Value: 1}}, Options: opts}
}
