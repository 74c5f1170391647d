// Package sqlite implements the document port (chorus/store) on an embedded
// SQLite database (modernc.org/sqlite, pure Go). It is the default store when
// no MongoDB is configured and a real, durable single-node store: WAL mode,
// synchronous=FULL, and one writer connection so that concurrent writers queue
// in the process instead of failing with SQLITE_BUSY.
//
// Each collection is one table (id, version, expires_at, data); every
// declared field gets an expression index on json_extract(data, '$.field'),
// so every query the port allows is backed by an index.
package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"chorus/fault"
	"chorus/store"
)

// Compile-time proof that *Store implements the port.
var _ store.Documents = (*Store)(nil)

// Options tunes a Store. The zero value is usable.
type Options struct {
	// Now is the clock used for expiry and event times; nil means time.Now.
	// Tests inject a fake clock to exercise expiry without sleeping.
	Now func() time.Time
	// ReadConns is the size of the read pool; 0 means max(4, GOMAXPROCS).
	ReadConns int
	// BusyTimeout is how long a connection waits for a lock held by another
	// process before failing; 0 means 5 seconds.
	BusyTimeout time.Duration
}

// Store is a store.Documents backed by one SQLite file.
type Store struct {
	write *sql.DB    // exactly one connection: all writes serialise here
	read  *sql.DB    // a pool of query_only connections; WAL lets them run beside the writer
	reads *stmtCache // prepared statements on read
	now   func() time.Time

	mu     sync.RWMutex
	schema map[string]map[string]bool // collection -> declared field -> unique

	closeOnce sync.Once
	closeErr  error
}

// Open opens (creating if needed, with its parent directories) the SQLite
// database at path with default options.
func Open(path string) (*Store, error) {
	return OpenWith(path, Options{})
}

// OpenWith opens the SQLite database at path with opts. path must be a file
// path: an in-memory database cannot be shared by the separate read and
// write pools.
func OpenWith(path string, opts Options) (*Store, error) {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, fault.Errorf(fault.Invalid, "sqlite: a file path is required, got %q", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fault.Wrap(fault.Unavailable, err, "sqlite: cannot create the database directory")
		}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ReadConns <= 0 {
		opts.ReadConns = max(4, runtime.GOMAXPROCS(0))
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 5 * time.Second
	}

	// synchronous=FULL fsyncs the WAL on every commit: an acknowledged write
	// survives a power cut, not only a crash of the process. Chorus writes
	// little, so the cost is affordable. _txlock=immediate takes the write
	// lock at BEGIN, so a transaction never fails halfway when it upgrades
	// from reading to writing while another process holds the lock.
	base := "file:" + path + fmt.Sprintf("?_busy_timeout=%d&_journal_mode=WAL", opts.BusyTimeout.Milliseconds())
	write, err := sql.Open("sqlite", base+"&_synchronous=FULL&_txlock=immediate")
	if err != nil {
		return nil, fault.Wrap(fault.Unavailable, err, "sqlite: cannot open the database")
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)

	s := &Store{write: write, now: opts.Now, schema: map[string]map[string]bool{}}
	// The writer creates the file and switches it to WAL before any reader
	// connects, so readers never see a half-initialised database.
	if err := s.migrate(context.Background()); err != nil {
		write.Close()
		return nil, err
	}

	read, err := sql.Open("sqlite", base+"&_query_only=1")
	if err != nil {
		write.Close()
		return nil, fault.Wrap(fault.Unavailable, err, "sqlite: cannot open the database")
	}
	read.SetMaxOpenConns(opts.ReadConns)
	read.SetMaxIdleConns(opts.ReadConns)
	s.read = read
	s.reads = newStmtCache(read)

	if err := s.loadSchema(context.Background()); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// migrate creates the store's own tables. The meta tables remember declared
// collections and indexes, so a reopened store knows which fields are
// queryable before the application declares them again.
func (s *Store) migrate(ctx context.Context) error {
	const ddl = `
CREATE TABLE IF NOT EXISTS chorus_collections (
	name TEXT PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS chorus_indexes (
	collection TEXT NOT NULL,
	field      TEXT NOT NULL,
	uniq       INTEGER NOT NULL,
	PRIMARY KEY (collection, field)
);
CREATE TABLE IF NOT EXISTS events (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	time    INTEGER NOT NULL,
	actor   TEXT NOT NULL,
	type    TEXT NOT NULL,
	subject TEXT NOT NULL,
	data    TEXT
);
CREATE INDEX IF NOT EXISTS events_subject ON events(subject, id);
`
	// AUTOINCREMENT (not plain rowid) guarantees ids are never reused, even
	// after the newest events are deleted, so a client resuming "after N"
	// can never miss an event that reused an old number.
	if _, err := s.write.ExecContext(ctx, ddl); err != nil {
		return translate(err, "sqlite: cannot create the store tables")
	}
	return nil
}

func (s *Store) loadSchema(ctx context.Context) error {
	rows, err := s.read.QueryContext(ctx, `SELECT c.name, i.field, i.uniq
		FROM chorus_collections c LEFT JOIN chorus_indexes i ON i.collection = c.name`)
	if err != nil {
		return translate(err, "sqlite: cannot read the schema")
	}
	defer rows.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	for rows.Next() {
		var name string
		var field sql.NullString
		var uniq sql.NullBool
		if err := rows.Scan(&name, &field, &uniq); err != nil {
			return translate(err, "sqlite: cannot read the schema")
		}
		fields := s.schema[name]
		if fields == nil {
			fields = map[string]bool{}
			s.schema[name] = fields
		}
		if field.Valid {
			fields[field.String] = fields[field.String] || uniq.Bool
		}
	}
	if err := rows.Err(); err != nil {
		return translate(err, "sqlite: cannot read the schema")
	}
	return nil
}

// Declare creates the collection's table and indexes if missing. Indexes
// are only ever added: a field once declared unique stays unique, because
// silently dropping a constraint could let duplicates in.
func (s *Store) Declare(ctx context.Context, sc store.Schema) error {
	if s.txOf(ctx) != nil {
		// The schema map would outlive a rollback.
		return fault.Errorf(fault.Invalid, "cannot declare %s inside a transaction", sc.Collection)
	}
	if !validName(sc.Collection) {
		return fault.Errorf(fault.Invalid, "invalid collection name %q", sc.Collection)
	}
	seen := map[string]store.Index{}
	for _, ix := range sc.Indexes {
		if !validName(ix.Field) || ix.Field == "id" {
			return fault.Errorf(fault.Invalid, "invalid index field %q in %s", ix.Field, sc.Collection)
		}
		if prev, dup := seen[strings.ToLower(ix.Field)]; dup && prev != ix {
			return fault.Errorf(fault.Invalid, "field %q declared twice in %s", ix.Field, sc.Collection)
		}
		seen[strings.ToLower(ix.Field)] = ix
	}
	// SQLite identifiers are case-insensitive, so "Users" and "users" would
	// share one table (and index names). Refuse such pairs instead.
	s.mu.RLock()
	for name, fields := range s.schema {
		if name != sc.Collection && strings.EqualFold(name, sc.Collection) {
			s.mu.RUnlock()
			return fault.Errorf(fault.Invalid, "collection %q clashes with %q (names differ only in case)", sc.Collection, name)
		}
		if name == sc.Collection {
			for f := range fields {
				for _, ix := range sc.Indexes {
					if f != ix.Field && strings.EqualFold(f, ix.Field) {
						s.mu.RUnlock()
						return fault.Errorf(fault.Invalid, "field %q clashes with %q in %s (names differ only in case)", ix.Field, f, sc.Collection)
					}
				}
			}
		}
	}
	s.mu.RUnlock()

	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return translate(err, "cannot declare "+sc.Collection)
	}
	defer tx.Rollback()
	t := table(sc.Collection)
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS ` + t + ` (
			id         TEXT PRIMARY KEY,
			version    INTEGER NOT NULL,
			expires_at INTEGER,
			data       TEXT NOT NULL
		)`,
		// Partial: only expiring rows are indexed, and the purge's
		// "expires_at <= now" implies NOT NULL, so it can use this index.
		`CREATE INDEX IF NOT EXISTS "exp:` + sc.Collection + `" ON ` + t + `(expires_at) WHERE expires_at IS NOT NULL`,
	}
	for _, ix := range sc.Indexes {
		kind, name := "INDEX", `"ix:`+sc.Collection+`:`+ix.Field+`"`
		if ix.Unique {
			// SQLite treats NULLs as distinct, so documents without the
			// field are not constrained, as the port requires.
			kind, name = "UNIQUE INDEX", `"ux:`+sc.Collection+`:`+ix.Field+`"`
		}
		stmts = append(stmts, `CREATE `+kind+` IF NOT EXISTS `+name+` ON `+t+`(`+fieldExpr(ix.Field)+`)`)
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return translate(err, "cannot declare "+sc.Collection)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO chorus_collections(name) VALUES (?)`, sc.Collection); err != nil {
		return translate(err, "cannot declare "+sc.Collection)
	}
	for _, ix := range sc.Indexes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO chorus_indexes(collection, field, uniq) VALUES (?, ?, ?)
			ON CONFLICT(collection, field) DO UPDATE SET uniq = max(uniq, excluded.uniq)`,
			sc.Collection, ix.Field, ix.Unique); err != nil {
			return translate(err, "cannot declare "+sc.Collection)
		}
	}
	if err := tx.Commit(); err != nil {
		return translate(err, "cannot declare "+sc.Collection)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	fields := s.schema[sc.Collection]
	if fields == nil {
		fields = map[string]bool{}
		s.schema[sc.Collection] = fields
	}
	for _, ix := range sc.Indexes {
		fields[ix.Field] = fields[ix.Field] || ix.Unique
	}
	return nil
}

// fields returns the declared fields of collection, or Invalid when the
// collection was never declared. Every method checks this first: it is what
// makes interpolating the name into SQL safe.
func (s *Store) fields(collection string) (map[string]bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f, ok := s.schema[collection]
	if !ok {
		return nil, fault.Errorf(fault.Invalid, "undeclared collection %q", collection)
	}
	return f, nil
}

// Get returns the record with id, or NotFound when it is missing or expired.
func (s *Store) Get(ctx context.Context, collection, id string) (store.Record, error) {
	if _, err := s.fields(collection); err != nil {
		return store.Record{}, err
	}
	var (
		version int64
		expires sql.NullInt64
		data    string
	)
	err := s.queryRow(ctx,
		`SELECT version, expires_at, data FROM `+table(collection)+` WHERE id = ? AND `+alive,
		id, s.nowMS()).Scan(&version, &expires, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Record{}, fault.Errorf(fault.NotFound, "%s/%s not found", collection, id)
	}
	if err != nil {
		return store.Record{}, translate(err, "cannot read "+collection+"/"+id)
	}
	return store.Record{ID: id, Version: version, ExpiresAt: fromMS(expires), Data: json.RawMessage(data)}, nil
}

// Insert stores r as a new record with Version 1. Expired records of the
// collection are purged first, so their ids and unique values are free again.
func (s *Store) Insert(ctx context.Context, collection string, r store.Record) (store.Record, error) {
	if _, err := s.fields(collection); err != nil {
		return store.Record{}, err
	}
	data, err := checkRecord(r)
	if err != nil {
		return store.Record{}, err
	}
	what := collection + "/" + r.ID
	insert := `INSERT INTO ` + table(collection) + `(id, version, expires_at, data) VALUES (?, 1, ?, ?)`
	// Most inserts collide with nothing: one statement, one commit. Only a
	// collision needs the expired rows gone (an expired record's id and
	// unique values are free again), so the purge runs then, and the insert
	// is tried once more in the same transaction. (A refused statement
	// undoes only itself, so inside a caller's transaction too.)
	if s.txOf(ctx) != nil {
		err = s.writeTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, insert, r.ID, toMS(r.ExpiresAt), data)
			if isConflict(err) {
				err = purgeThen(ctx, tx, collection, s.nowMS(), insert, r.ID, toMS(r.ExpiresAt), data)
			}
			return err
		})
	} else {
		_, err = s.write.ExecContext(ctx, insert, r.ID, toMS(r.ExpiresAt), data)
		if isConflict(err) {
			err = s.inTx(ctx, func(tx *sql.Tx) error {
				return purgeThen(ctx, tx, collection, s.nowMS(), insert, r.ID, toMS(r.ExpiresAt), data)
			})
		}
	}
	if err != nil {
		return store.Record{}, translate(err, "cannot insert "+what)
	}
	return store.Record{ID: r.ID, Version: 1, ExpiresAt: roundMS(r.ExpiresAt), Data: json.RawMessage(data)}, nil
}

// InsertMany stores rs in one transaction; see store.Documents.
func (s *Store) InsertMany(ctx context.Context, collection string, rs []store.Record) error {
	if _, err := s.fields(collection); err != nil {
		return err
	}
	if len(rs) == 0 {
		return nil
	}
	data := make([]string, len(rs))
	for i, r := range rs {
		d, err := checkRecord(r)
		if err != nil {
			return err
		}
		data[i] = d
	}
	insert := `INSERT INTO ` + table(collection) + `(id, version, expires_at, data) VALUES (?, 1, ?, ?)`
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		all := func() error {
			// One statement for the batch: preparing it per row was a third
			// of each row's cost.
			stmt, err := tx.PrepareContext(ctx, insert)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for i, r := range rs {
				if _, err := stmt.ExecContext(ctx, r.ID, toMS(r.ExpiresAt), data[i]); err != nil {
					return err
				}
			}
			return nil
		}
		// As in Insert, expired rows are purged only when something
		// collides; the savepoint undoes the part of the batch written
		// before the collision.
		err := undoable(ctx, tx, all)
		if isConflict(err) {
			if err := purge(ctx, tx, collection, s.nowMS()); err != nil {
				return err
			}
			err = undoable(ctx, tx, all)
		}
		return err
	})
	if err != nil {
		return translate(err, fmt.Sprintf("cannot insert %d records into %s", len(rs), collection))
	}
	return nil
}

// inTx runs f in a write transaction and commits it when f succeeds.
func (s *Store) inTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Update replaces the record whose id and version match r. A stale version
// or a taken unique value is a Conflict; a missing or expired record is
// NotFound.
func (s *Store) Update(ctx context.Context, collection string, r store.Record) (store.Record, error) {
	if _, err := s.fields(collection); err != nil {
		return store.Record{}, err
	}
	data, err := checkRecord(r)
	if err != nil {
		return store.Record{}, err
	}
	what := collection + "/" + r.ID
	var version int64
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		// Purging first frees unique values held by expired records and
		// makes an expired target simply absent (NotFound).
		if err := purge(ctx, tx, collection, s.nowMS()); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx,
			`UPDATE `+table(collection)+` SET version = version + 1, expires_at = ?, data = ?
			WHERE id = ? AND version = ? RETURNING version`,
			toMS(r.ExpiresAt), data, r.ID, r.Version).Scan(&version)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var one int
		err = tx.QueryRowContext(ctx, `SELECT 1 FROM `+table(collection)+` WHERE id = ?`, r.ID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.Errorf(fault.NotFound, "%s not found", what)
		}
		if err != nil {
			return err
		}
		return fault.Errorf(fault.Conflict, "%s was changed by someone else (version %d is stale)", what, r.Version)
	})
	if err != nil {
		return store.Record{}, translate(err, "cannot update "+what)
	}
	return store.Record{ID: r.ID, Version: version, ExpiresAt: roundMS(r.ExpiresAt), Data: json.RawMessage(data)}, nil
}

// Delete removes the record with id; NotFound when missing or expired.
func (s *Store) Delete(ctx context.Context, collection, id string) error {
	if _, err := s.fields(collection); err != nil {
		return err
	}
	var n int64
	err := s.writeOne(ctx, func(x execer) (err error) {
		res, err := x.ExecContext(ctx, `DELETE FROM `+table(collection)+` WHERE id = ? AND `+alive, id, s.nowMS())
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	if err != nil {
		return translate(err, "cannot delete "+collection+"/"+id)
	}
	if n == 0 {
		return fault.Errorf(fault.NotFound, "%s/%s not found", collection, id)
	}
	return nil
}

// PurgeExpired deletes the expired records of every declared collection and
// returns how many it deleted. Reads already hide expired records; this only
// reclaims space, e.g. from a periodic job.
func (s *Store) PurgeExpired(ctx context.Context) (int64, error) {
	s.mu.RLock()
	names := make([]string, 0, len(s.schema))
	for name := range s.schema {
		names = append(names, name)
	}
	s.mu.RUnlock()
	var total int64
	for _, name := range names {
		err := s.writeOne(ctx, func(x execer) error {
			res, err := x.ExecContext(ctx, `DELETE FROM `+table(name)+` WHERE expires_at <= ?`, s.nowMS())
			if err == nil {
				n, _ := res.RowsAffected()
				total += n
			}
			return err
		})
		if err != nil {
			return total, translate(err, "cannot purge "+name)
		}
	}
	return total, nil
}

// AppendEvent adds e to the event log and returns it with ID (and Time, when
// zero) set.
func (s *Store) AppendEvent(ctx context.Context, e store.Event) (store.Event, error) {
	var data any // NULL when empty
	if len(e.Data) > 0 {
		d, err := compactObject(e.Data)
		if err != nil {
			return store.Event{}, fault.Errorf(fault.Invalid, "event data must be a JSON object")
		}
		data = d
		e.Data = json.RawMessage(d)
	}
	if e.Time.IsZero() {
		e.Time = s.now()
	}
	e.Time = roundMS(e.Time)
	err := s.writeOne(ctx, func(x execer) error {
		return x.QueryRowContext(ctx,
			`INSERT INTO events(time, actor, type, subject, data) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			e.Time.UnixMilli(), e.Actor, e.Type, e.Subject, data).Scan(&e.ID)
	})
	if err != nil {
		return store.Event{}, translate(err, "cannot append the event")
	}
	return e, nil
}

// Events returns up to q.Limit events with ID > q.After, oldest first,
// optionally only those about q.Subject.
func (s *Store) Events(ctx context.Context, q store.EventQuery) ([]store.Event, error) {
	limit, err := checkLimit(q.Limit)
	if err != nil {
		return nil, err
	}
	query := `SELECT id, time, actor, type, subject, data FROM events WHERE id > ?`
	args := []any{q.After}
	if q.Subject != "" {
		query += ` AND subject = ?`
		args = append(args, q.Subject)
	}
	query += ` ORDER BY id LIMIT ?`
	args = append(args, limit)
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, translate(err, "cannot read events")
	}
	defer rows.Close()
	var out []store.Event
	for rows.Next() {
		var (
			e    store.Event
			ms   int64
			data sql.NullString
		)
		if err := rows.Scan(&e.ID, &ms, &e.Actor, &e.Type, &e.Subject, &data); err != nil {
			return nil, translate(err, "cannot read events")
		}
		e.Time = time.UnixMilli(ms).UTC()
		if data.Valid {
			e.Data = json.RawMessage(data.String)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err, "cannot read events")
	}
	return out, nil
}

// RedactEvent replaces the data of event id (erasure).
func (s *Store) RedactEvent(ctx context.Context, id int64, data json.RawMessage) error {
	var d any // NULL when empty
	if len(data) > 0 {
		c, err := compactObject(data)
		if err != nil {
			return fault.Errorf(fault.Invalid, "event data must be a JSON object")
		}
		d = c
	}
	res, err := s.write.ExecContext(ctx, `UPDATE events SET data = ? WHERE id = ?`, d, id)
	if err != nil {
		return translate(err, "cannot redact the event")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.Errorf(fault.NotFound, "there is no event %d", id)
	}
	return nil
}

// Ping reports whether the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.read.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fault.Wrap(fault.Unavailable, err, "the database is not reachable")
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns an Internal error
// unless SQLite reports "ok". It reads the whole file, so it is meant for
// tests and maintenance, not for health checks.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.read.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return translate(err, "cannot check integrity")
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return translate(err, "cannot check integrity")
		}
		problems = append(problems, line)
	}
	if err := rows.Err(); err != nil {
		return translate(err, "cannot check integrity")
	}
	if len(problems) == 1 && problems[0] == "ok" {
		return nil
	}
	return fault.Wrap(fault.Internal, errors.New(strings.Join(problems, "; ")), "the database is corrupt")
}

// Close checkpoints the WAL into the main file and closes all connections.
// Calling it again returns the first result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		if s.read != nil {
			errs = append(errs, s.reads.close(), s.read.Close())
		}
		// With the readers gone, TRUNCATE can fold the whole WAL into the
		// database and leave a small file behind for backups and copies.
		if _, err := s.write.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			errs = append(errs, err)
		}
		errs = append(errs, s.write.Close())
		if err := errors.Join(errs...); err != nil {
			s.closeErr = fault.Wrap(fault.Internal, err, "cannot close the database")
		}
	})
	return s.closeErr
}

// alive is the condition that hides expired records; its one argument is now
// in unix milliseconds.
const alive = `(expires_at IS NULL OR expires_at > ?)`

func purge(ctx context.Context, tx *sql.Tx, collection string, now int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM `+table(collection)+` WHERE expires_at <= ?`, now)
	return err
}

// purgeThen purges the collection's expired rows and runs the insert again.
func purgeThen(ctx context.Context, tx *sql.Tx, collection string, now int64, insert string, args ...any) error {
	if err := purge(ctx, tx, collection, now); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, insert, args...)
	return err
}

// isConflict reports whether a driver error is a taken id or unique value.
func isConflict(err error) bool {
	return err != nil && fault.Is(translate(err, ""), fault.Conflict)
}

func (s *Store) nowMS() int64 { return s.now().UnixMilli() }

// validName accepts a letter followed by letters, digits and underscores.
// Collection and field names end up inside SQL text (table names, JSON
// paths), so nothing else may pass.
func validName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for i, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '_'):
		default:
			return false
		}
	}
	return true
}

// table is the quoted table name of a (validated) collection. The prefix
// keeps collection names clear of SQLite's reserved "sqlite_" names and of
// the store's own tables.
func table(collection string) string { return `"doc_` + collection + `"` }

// fieldExpr is the SQL expression for a field. Queries must use exactly the
// expression the index was built on, or SQLite will not use the index.
func fieldExpr(field string) string {
	if field == "id" {
		return "id"
	}
	return `json_extract(data, '$.` + field + `')`
}

func checkRecord(r store.Record) (string, error) {
	if r.ID == "" {
		return "", fault.Errorf(fault.Invalid, "a record needs an id")
	}
	data, err := compactObject(r.Data)
	if err != nil {
		return "", fault.Errorf(fault.Invalid, "the data of %s must be a JSON object", r.ID)
	}
	return data, nil
}

// compactObject checks that raw is one JSON object and returns it compacted.
// json.Compact validates raw as one JSON value, so its first byte tells
// whether that value is an object (decoding into a map to find out cost 6 %
// of the server's CPU under co-editing, with a revision per edit).
func compactObject(raw json.RawMessage) (string, error) {
	var b bytes.Buffer
	b.Grow(len(raw))
	if err := json.Compact(&b, raw); err != nil {
		return "", err
	}
	if b.Len() == 0 || b.Bytes()[0] != '{' {
		return "", errors.New("not a JSON object")
	}
	return b.String(), nil
}

func checkLimit(limit int) (int, error) {
	switch {
	case limit == 0:
		return store.DefaultLimit, nil
	case limit < 0 || limit > store.MaxLimit:
		return 0, fault.Errorf(fault.Invalid, "limit must be between 1 and %d, got %d", store.MaxLimit, limit)
	}
	return limit, nil
}

func toMS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

func fromMS(ms sql.NullInt64) time.Time {
	if !ms.Valid {
		return time.Time{}
	}
	return time.UnixMilli(ms.Int64).UTC()
}

// roundMS returns t as it will read back: truncated to milliseconds, in UTC.
func roundMS(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.UnixMilli(t.UnixMilli()).UTC()
}

// translate turns a driver error into a fault: constraint violations are
// Conflicts, a locked or unreachable database is Unavailable, the rest is
// Internal. Faults pass through unchanged.
func translate(err error, message string) error {
	var f *fault.Error
	if errors.As(err, &f) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, sql.ErrConnDone) {
		return fault.Wrap(fault.Unavailable, err, message)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch code := se.Code(); {
		case code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fault.Wrap(fault.Conflict, err, message+": the id is taken")
		case code == sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			return fault.Wrap(fault.Conflict, err, message+": a unique value is taken")
		case code&0xff == sqlite3.SQLITE_BUSY, code&0xff == sqlite3.SQLITE_LOCKED,
			code&0xff == sqlite3.SQLITE_CANTOPEN, code&0xff == sqlite3.SQLITE_FULL:
			return fault.Wrap(fault.Unavailable, err, message)
		}
	}
	if strings.Contains(err.Error(), "database is closed") {
		return fault.Wrap(fault.Unavailable, err, message)
	}
	return fault.Wrap(fault.Internal, err, message)
}
