package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"chorus/fault"
	"chorus/store"
)

// txKey finds a transaction of one store in a context; keyed by the store,
// so a context inside a transaction of another store is not mistaken for one
// of this store.
type txKey struct{ s *Store }

// txState is a transaction in progress: the write connection's *sql.Tx and
// the first write the database refused, which fails the commit (as MongoDB
// aborts a transaction on such an error; see store.Documents).
type txState struct {
	tx     *sql.Tx
	failed error
}

func (s *Store) txOf(ctx context.Context) *txState {
	t, _ := ctx.Value(txKey{s}).(*txState)
	return t
}

// InTransaction runs f in one transaction on the write connection. The
// connection's DSN asks for _txlock=immediate, so BeginTx issues BEGIN
// IMMEDIATE: the write lock is taken at once, and the transaction cannot
// fail later for another process holding it. See store.Documents.
func (s *Store) InTransaction(ctx context.Context, f func(ctx context.Context) error) error {
	if t := s.txOf(ctx); t != nil {
		err := f(ctx)
		if err != nil && t.failed == nil {
			t.failed = err
		}
		return err
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return translate(err, "cannot start a transaction")
	}
	// Rolls back when f fails or panics; after a commit it does nothing.
	defer tx.Rollback()
	t := &txState{tx: tx}
	if err := f(store.MarkTransaction(context.WithValue(ctx, txKey{s}, t))); err != nil {
		return err
	}
	if t.failed != nil {
		return t.failed
	}
	if err := tx.Commit(); err != nil {
		return translate(err, "cannot commit the transaction")
	}
	return nil
}

// writeTx runs w in the transaction ctx is in, or else in a transaction of
// its own. Inside a transaction, an error from the database (anything w
// returns that is not already a fault the adapter made, like a stale
// version) fails the transaction, and later writes return that failure.
func (s *Store) writeTx(ctx context.Context, w func(*sql.Tx) error) error {
	t := s.txOf(ctx)
	if t == nil {
		return s.inTx(ctx, w)
	}
	if t.failed != nil {
		return t.failed
	}
	err := w(t.tx)
	var f *fault.Error
	if err != nil && !errors.As(err, &f) {
		t.failed = translate(err, "the transaction failed on a refused write")
	}
	return err
}

// undoable runs w inside a savepoint of tx: when w fails, everything it
// wrote is undone and tx goes on, so that a batch refused halfway can be
// tried again in the same transaction.
func undoable(ctx context.Context, tx *sql.Tx, w func() error) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT batch`); err != nil {
		return err
	}
	if err := w(); err != nil {
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO batch`); rerr != nil {
			return errors.Join(err, rerr)
		}
		_, _ = tx.ExecContext(ctx, `RELEASE batch`)
		return err
	}
	_, err := tx.ExecContext(ctx, `RELEASE batch`)
	return err
}

// queryRow reads one row: inside a transaction on its connection (so f
// reads its own writes), else from the read pool.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if t := s.txOf(ctx); t != nil {
		return t.tx.QueryRowContext(ctx, query, args...)
	}
	return s.reads.queryRow(ctx, query, args...)
}

// query reads rows, as queryRow does.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if t := s.txOf(ctx); t != nil {
		return t.tx.QueryContext(ctx, query, args...)
	}
	return s.reads.query(ctx, query, args...)
}

// execer is what a single-statement write needs: the write pool or a
// transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// writeOne runs a single-statement write w in the transaction ctx is in
// (see writeTx), or else directly on the write connection: one statement
// is atomic by itself and needs no BEGIN.
func (s *Store) writeOne(ctx context.Context, w func(execer) error) error {
	if s.txOf(ctx) == nil {
		return w(s.write)
	}
	return s.writeTx(ctx, func(tx *sql.Tx) error { return w(tx) })
}
