package mongo

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/mongo/readconcern"
	"go.mongodb.org/mongo-driver/mongo/writeconcern"

	"chorus/fault"
	"chorus/store"
)

// txKey finds this store's transaction in a context. The driver finds its
// session there by itself (every call made with a context derived from the
// session's joins the transaction); the state is what the adapter adds.
type txKey struct{ s *Store }

// txState is one attempt of a transaction: the first write the server
// refused. The server aborts the transaction on such an error, and the
// commit would then fail with a transient error that WithTransaction
// retries; returning the refusal from the attempt ends it instead.
type txState struct {
	failed error
}

func (s *Store) txOf(ctx context.Context) *txState {
	t, _ := ctx.Value(txKey{s}).(*txState)
	return t
}

// refused records err, a translated driver error of a write, as the failure
// of the transaction ctx is in, and returns it.
func (s *Store) refused(ctx context.Context, err error) error {
	if t := s.txOf(ctx); t != nil && err != nil && t.failed == nil {
		t.failed = err
	}
	return err
}

// txFailed is the failure of the transaction ctx is in: a write after it
// returns it at once rather than asking the server.
func (s *Store) txFailed(ctx context.Context) error {
	if t := s.txOf(ctx); t != nil {
		return t.failed
	}
	return nil
}

// InTransaction runs f in a multi-document transaction (session.
// WithTransaction, majority commit; the driver runs f again
// when the transaction collided with another, and retries a commit whose
// outcome is unknown). See store.Documents.
//
// On a server without transactions (Features.Transactions false; FerretDB
// v1 is one) there is no correct fallback: f runs once, outside any
// transaction, and its writes are applied one by one as it makes them. A
// write the server refuses still makes InTransaction fail, but the writes
// before it stay, and readers see each write as it happens. That is what
// the test runs on FerretDB get; production needs a replica set, on which
// the contract suite's all-or-none tests run (TEST_MONGODB_URI).
func (s *Store) InTransaction(ctx context.Context, f func(ctx context.Context) error) error {
	if t := s.txOf(ctx); t != nil {
		err := f(ctx)
		if err != nil && t.failed == nil {
			t.failed = err
		}
		return err
	}
	if !s.features.Transactions {
		t := &txState{}
		if err := f(store.MarkTransaction(context.WithValue(ctx, txKey{s}, t))); err != nil {
			return err
		}
		return t.failed
	}
	sess, err := s.client.StartSession()
	if err != nil {
		return translate(fmt.Errorf("mongo: starting a session: %w", err))
	}
	defer sess.EndSession(context.WithoutCancel(ctx))
	// Reads inside a transaction come from one snapshot whatever the read
	// concern; "local" (rather than "snapshot") lets a first write create
	// its collection inside the transaction. The commit waits for a
	// majority, so a committed transaction survives a failover.
	opts := options.Transaction().SetReadConcern(readconcern.Local()).SetWriteConcern(writeconcern.Majority())
	var last error // what the last attempt of f returned
	_, err = sess.WithTransaction(ctx, func(sc mongo.SessionContext) (any, error) {
		t := &txState{}
		last = f(store.MarkTransaction(context.WithValue(sc, txKey{s}, t)))
		var le mongo.LabeledError
		if last == nil || (t.failed != nil && errors.As(t.failed, &le) && le.HasErrorLabel("TransientTransactionError")) {
			// A write collided with another transaction: hand the driver
			// the server's error, labelled for a retry, whatever f made
			// of it.
			last = t.failed
		}
		return nil, last
	}, opts)
	if err == nil || err == last {
		return err
	}
	var fe *fault.Error
	if errors.As(err, &fe) {
		return err
	}
	return translate(fmt.Errorf("mongo: transaction: %w", err))
}
