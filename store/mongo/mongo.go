// Package mongo is the production document store: the store.Documents port on
// MongoDB (a replica set; reads and writes go to the primary).
//
// Each collection holds documents shaped
//
//	{_id: id, _v: version, _exp: expiry (absent: never), d: data}
//
// where d is the record's JSON object as BSON. Every declared field gets an
// index on "d.<field>"; queries may use declared fields only, so every query
// is backed by an index. The event log lives in the "events" collection, its
// sequence in "counters"; these two names are reserved, and "_features" holds
// what Open probes.
//
// A replica set offers everything the adapter uses. Open asks the server once
// which of the optional features it has (see Features) and falls back where
// a correct fallback exists, so the adapter also runs on MongoDB-protocol
// servers such as FerretDB, on which every test run proves it.
package mongo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/mongo/readpref"

	"chorus/fault"
	"chorus/store"
)

// Collections used by the store itself.
const (
	eventsCollection   = "events"
	countersCollection = "counters"
	eventsCounterID    = "events"
	featuresCollection = "_features" // not a valid port name, so it never collides
)

// DefaultServerSelectionTimeout bounds how long an operation waits for a
// usable server. It is short so that an unreachable database surfaces as
// fault.Unavailable within a request rather than hanging it for the
// driver's default 30 s.
const DefaultServerSelectionTimeout = 5 * time.Second

// closeTimeout bounds Close, so shutdown cannot hang on a dead server.
const closeTimeout = 10 * time.Second

// Options are the optional settings of OpenWith. The zero value is the
// production configuration.
type Options struct {
	// Now is the clock used for expiry and event times; nil means time.Now.
	// Tests inject a fake clock to check expiry without sleeping.
	Now func() time.Time
	// ServerSelectionTimeout overrides DefaultServerSelectionTimeout when > 0.
	ServerSelectionTimeout time.Duration
}

// Store implements store.Documents on MongoDB. It is safe for concurrent use.
type Store struct {
	client   *mongo.Client
	db       *mongo.Database
	now      func() time.Time
	features Features

	mu sync.RWMutex
	// fields holds the declared fields per declared collection. Queries are
	// checked against it, as the SQLite adapter does, so a query that no
	// index backs is rejected on every adapter alike. It is filled by
	// Declare, which every process calls at start-up.
	fields map[string]map[string]bool
	// unique holds the unique fields per declared collection, for telling a
	// refused update's cause where the server does not say (see Update).
	unique map[string][]string
	// lastEventID is the newest event id this process appended or saw taken,
	// where event ids are claimed by inserting (see AppendEvent).
	lastEventID atomic.Int64
}

var _ store.Documents = (*Store)(nil)

// Open connects to the MongoDB deployment at uri and checks that its primary
// answers. The database is the one named in the URI path
// ("mongodb://host/chorus"), so that one connection string configures
// everything; when the URI names none, database is used.
//
// It returns fault.Invalid for an unusable URI or no database name, and
// fault.Unavailable when no primary answers in time.
func Open(ctx context.Context, uri, database string) (*Store, error) {
	return OpenWith(ctx, uri, database, Options{})
}

// OpenWith is Open with explicit options.
func OpenWith(ctx context.Context, uri, database string, o Options) (*Store, error) {
	if name := databaseFromURI(uri); name != "" {
		database = name
	}
	if database == "" {
		return nil, fault.Errorf(fault.Invalid, "no MongoDB database named in the URI or the configuration")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	timeout := o.ServerSelectionTimeout
	if timeout <= 0 {
		timeout = DefaultServerSelectionTimeout
	}

	client, err := mongo.Connect(ctx, options.Client().ApplyURI(uri).SetServerSelectionTimeout(timeout))
	if err != nil {
		// Connect does no I/O beyond resolving a mongodb+srv name; its errors
		// are about the URI and its options.
		return nil, fault.Wrap(fault.Invalid, fmt.Errorf("mongo: connect: %w", err), "the MongoDB URI cannot be used")
	}
	s := &Store{
		client: client,
		db:     client.Database(database),
		now:    o.Now,
		fields: map[string]map[string]bool{},
		unique: map[string][]string{},
	}
	if err := s.Ping(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	if s.features, err = detectFeatures(ctx, s.db); err != nil {
		_ = s.Close()
		return nil, err
	}
	// The event log is needed by every deployment, so it is set up here
	// rather than left to a Declare call.
	_, err = s.db.Collection(eventsCollection).Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys:    bson.D{{Key: "subject", Value: 1}, {Key: keyID, Value: 1}},
		Options: options.Index().SetName("subject_id"),
	})
	if err != nil {
		_ = s.Close()
		return nil, translate(fmt.Errorf("mongo: creating the event index: %w", err))
	}
	return s, nil
}

// Features reports what Open found the server to offer.
func (s *Store) Features() Features { return s.features }

// Declare creates the collection's indexes if missing and records its
// fields for query checks. Every declared field gets {"d.<field>": 1, _id: 1},
// which backs equality, range, sort and the keyset tie-break on _id. A unique
// field also gets a unique index on "d.<field>" that only covers documents
// having the field (partial, or sparse where partial indexes are missing), so
// documents without it are not constrained. A TTL index on _exp lets MongoDB
// delete expired documents eventually; without TTL indexes a plain index on
// _exp serves PurgeExpired.
//
// Indexes are only ever added: a field that stops being unique keeps its
// unique index until it is dropped by hand.
func (s *Store) Declare(ctx context.Context, sc store.Schema) error {
	if s.txOf(ctx) != nil {
		// MongoDB builds no index inside a transaction, and the declared
		// fields would outlive an abort.
		return fault.Errorf(fault.Invalid, "cannot declare %s inside a transaction", sc.Collection)
	}
	models, fields, err := indexModels(sc, s.features)
	if err != nil {
		return err
	}
	if err := createMissing(ctx, s.db.Collection(sc.Collection), models); err != nil {
		return translate(fmt.Errorf("mongo: Declare(%s): %w", sc.Collection, err))
	}
	var unique []string
	for _, ix := range sc.Indexes {
		if ix.Unique && !slices.Contains(unique, ix.Field) {
			unique = append(unique, ix.Field)
		}
	}
	s.mu.Lock()
	s.fields[sc.Collection] = fields
	s.unique[sc.Collection] = unique
	s.mu.Unlock()
	return nil
}

// createMissing creates the indexes the collection lacks, by name, one per
// command: every server then has only new indexes to build, and none sees a
// mix of existing and new ones (which FerretDB v1 cannot take).
func createMissing(ctx context.Context, coll *mongo.Collection, models []mongo.IndexModel) error {
	var existing []struct {
		Name string `bson:"name"`
	}
	cur, err := coll.Indexes().List(ctx)
	var se mongo.ServerError
	switch {
	case errors.As(err, &se) && se.HasErrorCode(namespaceNotFound):
		// MongoDB: the collection does not exist yet; it has no indexes.
	case err != nil:
		return err
	default:
		if err := cur.All(ctx, &existing); err != nil {
			return err
		}
	}
	names := make([]string, len(existing))
	for i, e := range existing {
		names[i] = e.Name
	}
	for _, m := range models {
		if slices.Contains(names, *m.Options.Name) {
			continue
		}
		if _, err := coll.Indexes().CreateOne(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// indexModels validates a schema and returns the indexes it needs and its
// declared fields.
func indexModels(sc store.Schema, f Features) ([]mongo.IndexModel, map[string]bool, error) {
	if !validName(sc.Collection) {
		return nil, nil, fault.Errorf(fault.Invalid, "collection name %q must be letters, digits and underscores, starting with a letter", sc.Collection)
	}
	if sc.Collection == eventsCollection || sc.Collection == countersCollection {
		return nil, nil, fault.Errorf(fault.Invalid, "collection name %q is reserved", sc.Collection)
	}
	fields := map[string]bool{}
	models := []mongo.IndexModel{expiryIndex(f)}
	seen := map[string]store.Index{}
	for _, ix := range sc.Indexes {
		// "id" is always queryable and unique (it is _id); declaring it is a
		// mistake, rejected as the SQLite adapter rejects it.
		if !validName(ix.Field) || ix.Field == "id" {
			return nil, nil, fault.Errorf(fault.Invalid, "invalid index field %q in %s", ix.Field, sc.Collection)
		}
		if prev, dup := seen[ix.Field]; dup {
			if prev != ix {
				return nil, nil, fault.Errorf(fault.Invalid, "field %q declared twice in %s", ix.Field, sc.Collection)
			}
			continue
		}
		seen[ix.Field] = ix
		fields[ix.Field] = true
		// Index names are prefixed so that no field name can collide with
		// another index's name ("expiry", "_id_").
		p := path(ix.Field)
		models = append(models, mongo.IndexModel{
			Keys:    bson.D{{Key: p, Value: 1}, {Key: keyID, Value: 1}},
			Options: options.Index().SetName("f_" + ix.Field),
		})
		if ix.Unique {
			models = append(models, uniqueIndex(p, "u_"+ix.Field, f))
		}
	}
	return models, fields, nil
}

// collection returns the declared collection, or fault.Invalid.
func (s *Store) collection(name string) (*mongo.Collection, map[string]bool, error) {
	s.mu.RLock()
	fields, ok := s.fields[name]
	s.mu.RUnlock()
	if !ok {
		return nil, nil, fault.Errorf(fault.Invalid, "collection %q is not declared", name)
	}
	return s.db.Collection(name), fields, nil
}

// checkFields rejects conditions on fields that are neither declared nor "id".
func checkFields(collection string, fields map[string]bool, where []store.Cond) error {
	for _, c := range where {
		if c.Field != "id" && !fields[c.Field] {
			return fault.Errorf(fault.Invalid, "field %q of %q is not declared", c.Field, collection)
		}
	}
	return nil
}

// doc is a record as stored.
type doc struct {
	ID      string     `bson:"_id"`
	Version int64      `bson:"_v"`
	Expires *time.Time `bson:"_exp,omitempty"`
	Data    bson.Raw   `bson:"d"`
}

func newDoc(r store.Record, version int64, data bson.Raw) doc {
	d := doc{ID: r.ID, Version: version, Data: data}
	if !r.ExpiresAt.IsZero() {
		t := millis(r.ExpiresAt)
		d.Expires = &t
	}
	return d
}

func (d doc) record() (store.Record, error) {
	data, err := fromBSON(d.Data)
	if err != nil {
		return store.Record{}, fault.Wrap(fault.Internal, fmt.Errorf("mongo: record %s: %w", d.ID, err), "a stored record cannot be read")
	}
	r := store.Record{ID: d.ID, Version: d.Version, Data: data}
	if d.Expires != nil {
		r.ExpiresAt = d.Expires.UTC()
	}
	return r, nil
}

// clock returns the current time as MongoDB will compare it.
func (s *Store) clock() time.Time { return millis(s.now()) }

// Get returns the live record with id; fault.NotFound if it is missing or
// expired.
func (s *Store) Get(ctx context.Context, collection, id string) (store.Record, error) {
	coll, _, err := s.collection(collection)
	if err != nil {
		return store.Record{}, err
	}
	// The filter is the _id alone, which every server answers from its
	// primary key; the expiry is checked here against the same clock.
	var d doc
	err = coll.FindOne(ctx, bson.D{{Key: keyID, Value: id}}).Decode(&d)
	if err != nil {
		return store.Record{}, translate(fmt.Errorf("mongo: Get(%s/%s): %w", collection, id, err))
	}
	if d.Expires != nil && !d.Expires.After(s.clock()) {
		return store.Record{}, fault.Errorf(fault.NotFound, "record not found")
	}
	return d.record()
}

// purgeExpired deletes the collection's expired documents now rather than
// waiting for the TTL monitor (or the sweep), so that their ids and unique
// values can be reused at once.
func (s *Store) purgeExpired(ctx context.Context, coll *mongo.Collection, now time.Time) (int64, error) {
	res, err := coll.DeleteMany(ctx, bson.D{{Key: keyExpires, Value: bson.D{{Key: "$lte", Value: now}}}})
	if err != nil {
		return 0, translate(fmt.Errorf("mongo: purging expired documents of %s: %w", coll.Name(), err))
	}
	return res.DeletedCount, nil
}

// retryAfterPurge runs write; when it hits a duplicate key, which an expired
// document may still hold, it purges the collection's expired documents and
// runs write once more. Purging only then keeps it off the common path.
// Inside a transaction a refused write aborts it, so there the purge comes
// first and write runs once.
func (s *Store) retryAfterPurge(ctx context.Context, coll *mongo.Collection, now time.Time, write func() error) error {
	if s.txOf(ctx) != nil {
		if _, err := s.purgeExpired(ctx, coll, now); err != nil {
			return err
		}
		return write()
	}
	err := write()
	if !isDuplicate(err) {
		return err
	}
	if _, err := s.purgeExpired(ctx, coll, now); err != nil {
		return err
	}
	return write()
}

// Insert stores a new record at version 1. It returns fault.Conflict when the
// id or a unique value is taken by a live record, fault.Invalid when the id
// is empty or the data is not a JSON object.
func (s *Store) Insert(ctx context.Context, collection string, r store.Record) (store.Record, error) {
	coll, _, err := s.collection(collection)
	if err != nil {
		return store.Record{}, err
	}
	if r.ID == "" {
		return store.Record{}, fault.Errorf(fault.Invalid, "a record needs an id")
	}
	data, err := toBSON(r.Data)
	if err != nil {
		return store.Record{}, err
	}
	if err := s.txFailed(ctx); err != nil {
		return store.Record{}, err
	}
	d := newDoc(r, 1, data)
	err = s.retryAfterPurge(ctx, coll, s.clock(), func() error {
		_, err := coll.InsertOne(ctx, d)
		return err
	})
	if err != nil {
		return store.Record{}, s.refused(ctx, translate(fmt.Errorf("mongo: Insert(%s/%s): %w", collection, r.ID, err)))
	}
	return d.record()
}

// InsertMany stores rs in one multi-document transaction where the server
// has them (inside InTransaction: in the caller's), so that a conflict
// leaves none of them stored. Without
// transactions it inserts them in order and, on a conflict, deletes the ones
// it had inserted: afterwards all or none are stored, but a reader may see
// part of the batch meanwhile, and a crash in between leaves that part.
func (s *Store) InsertMany(ctx context.Context, collection string, rs []store.Record) error {
	coll, _, err := s.collection(collection)
	if err != nil {
		return err
	}
	if len(rs) == 0 {
		return nil
	}
	docs := make([]any, len(rs))
	for i, r := range rs {
		if r.ID == "" {
			return fault.Errorf(fault.Invalid, "a record needs an id")
		}
		data, err := toBSON(r.Data)
		if err != nil {
			return err
		}
		docs[i] = newDoc(r, 1, data)
	}
	if err := s.txFailed(ctx); err != nil {
		return err
	}
	insert := s.insertManyInTransaction
	switch {
	case s.txOf(ctx) != nil && s.features.Transactions:
		// Part of the caller's transaction, which a refusal aborts whole.
		insert = func(ctx context.Context, coll *mongo.Collection, docs []any) error {
			_, err := coll.InsertMany(ctx, docs)
			return err
		}
	case !s.features.Transactions:
		insert = s.insertManyThenUndo
	}
	err = s.retryAfterPurge(ctx, coll, s.clock(), func() error { return insert(ctx, coll, docs) })
	if err != nil {
		return s.refused(ctx, translate(fmt.Errorf("mongo: InsertMany(%s, %d records): %w", collection, len(rs), err)))
	}
	return nil
}

func (s *Store) insertManyInTransaction(ctx context.Context, coll *mongo.Collection, docs []any) error {
	sess, err := s.client.StartSession()
	if err != nil {
		return err
	}
	defer sess.EndSession(ctx)
	_, err = sess.WithTransaction(ctx, func(tx mongo.SessionContext) (any, error) {
		_, err := coll.InsertMany(tx, docs)
		return nil, err
	})
	return err
}

// Update replaces the live record whose id and version match r and returns
// it at version r.Version+1. It returns fault.Conflict when the version is
// stale or a unique value is taken, fault.NotFound when there is no live
// record with the id.
func (s *Store) Update(ctx context.Context, collection string, r store.Record) (store.Record, error) {
	coll, _, err := s.collection(collection)
	if err != nil {
		return store.Record{}, err
	}
	data, err := toBSON(r.Data)
	if err != nil {
		return store.Record{}, err
	}
	if err := s.txFailed(ctx); err != nil {
		return store.Record{}, err
	}
	now := s.clock()
	d := newDoc(r, r.Version+1, data)
	if !s.features.AtomicUpdates {
		release, err := s.claim(ctx, collection, r.ID, r.Version+1)
		if err != nil {
			return store.Record{}, err
		}
		defer release()
	}
	var res *mongo.UpdateResult
	err = s.retryAfterPurge(ctx, coll, now, func() (err error) {
		res, err = coll.ReplaceOne(ctx, bson.D{{Key: keyID, Value: r.ID}, {Key: keyVersion, Value: r.Version}, live(now)}, d)
		if err != nil && !isDuplicate(err) && !unavailable(err) && s.uniqueValueHeld(ctx, coll, collection, r.ID, data) {
			// Some servers (FerretDB v1) refuse an update into a taken
			// unique value with an internal error rather than a duplicate
			// key; the second look tells.
			err = duplicateKey{err}
		}
		return err
	})
	if err != nil {
		return store.Record{}, s.refused(ctx, translate(fmt.Errorf("mongo: Update(%s/%s): %w", collection, r.ID, err)))
	}
	if res.MatchedCount == 0 {
		// Either the record is gone or someone else updated it first; only a
		// second look can tell the caller whether to reload or give up.
		n, err := coll.CountDocuments(ctx, bson.D{{Key: keyID, Value: r.ID}, live(now)}, options.Count().SetLimit(1))
		if err != nil {
			return store.Record{}, s.refused(ctx, translate(fmt.Errorf("mongo: Update(%s/%s): %w", collection, r.ID, err)))
		}
		if n > 0 {
			return store.Record{}, fault.Errorf(fault.Conflict, "the record was changed by someone else; reload and try again")
		}
		return store.Record{}, fault.Errorf(fault.NotFound, "record not found")
	}
	return d.record()
}

// Delete removes the live record with id; fault.NotFound if there is none.
func (s *Store) Delete(ctx context.Context, collection, id string) error {
	coll, _, err := s.collection(collection)
	if err != nil {
		return err
	}
	if err := s.txFailed(ctx); err != nil {
		return err
	}
	res, err := coll.DeleteOne(ctx, bson.D{{Key: keyID, Value: id}, live(s.clock())})
	if err != nil {
		return s.refused(ctx, translate(fmt.Errorf("mongo: Delete(%s/%s): %w", collection, id, err)))
	}
	if res.DeletedCount == 0 {
		return fault.Errorf(fault.NotFound, "record not found")
	}
	return nil
}

// Find returns one page of live records matching q, ordered by q.OrderBy and
// then id, both in the same direction. It fetches one record more than the
// limit to learn whether a next page exists without a second query.
func (s *Store) Find(ctx context.Context, collection string, q store.Query) (store.Page, error) {
	coll, fields, err := s.collection(collection)
	if err != nil {
		return store.Page{}, err
	}
	if err := checkFields(collection, fields, q.Where); err != nil {
		return store.Page{}, err
	}
	limit, err := pageLimit(q.Limit)
	if err != nil {
		return store.Page{}, err
	}
	order := q.OrderBy
	if order == "" {
		order = "id"
	}
	if order != "id" && !fields[order] {
		return store.Page{}, fault.Errorf(fault.Invalid, "cannot order by %q: the field is not declared", order)
	}
	var after *cursor
	if q.After != "" {
		c, err := decodeCursor(q.After, order, q.Desc)
		if err != nil {
			return store.Page{}, err
		}
		after = &c
	}
	p := path(order)
	filter, err := findFilter(s.clock(), q.Where, after, p)
	if err != nil {
		return store.Page{}, err
	}
	dir := 1
	if q.Desc {
		dir = -1
	}
	sort := bson.D{{Key: keyID, Value: dir}}
	if p != keyID {
		sort = bson.D{{Key: p, Value: dir}, {Key: keyID, Value: dir}}
	}
	cur, err := coll.Find(ctx, filter, options.Find().SetSort(sort).SetLimit(int64(limit)+1))
	if err != nil {
		return store.Page{}, translate(fmt.Errorf("mongo: Find(%s): %w", collection, err))
	}
	var docs []doc
	if err := cur.All(ctx, &docs); err != nil {
		return store.Page{}, translate(fmt.Errorf("mongo: Find(%s): %w", collection, err))
	}
	var page store.Page
	if len(docs) > limit {
		docs = docs[:limit]
		last := docs[limit-1]
		c := cursor{Order: order, Desc: q.Desc, ID: last.ID}
		if p != keyID {
			if v, err := last.Data.LookupErr(order); err == nil {
				c.Value = v
			}
		}
		if page.Next, err = encodeCursor(c); err != nil {
			return store.Page{}, fault.Wrap(fault.Internal, err, "could not list the records")
		}
	}
	page.Records = make([]store.Record, 0, len(docs))
	for _, d := range docs {
		r, err := d.record()
		if err != nil {
			return store.Page{}, err
		}
		page.Records = append(page.Records, r)
	}
	return page, nil
}

// Count returns how many live records match where.
func (s *Store) Count(ctx context.Context, collection string, where []store.Cond) (int64, error) {
	coll, fields, err := s.collection(collection)
	if err != nil {
		return 0, err
	}
	if err := checkFields(collection, fields, where); err != nil {
		return 0, err
	}
	filter, err := findFilter(s.clock(), where, nil, "")
	if err != nil {
		return 0, err
	}
	n, err := coll.CountDocuments(ctx, filter)
	if err != nil {
		return 0, translate(fmt.Errorf("mongo: Count(%s): %w", collection, err))
	}
	return n, nil
}

// eventDoc is an event as stored; _id is its sequence number.
type eventDoc struct {
	ID      int64     `bson:"_id"`
	Time    time.Time `bson:"t"`
	Actor   string    `bson:"actor"`
	Type    string    `bson:"type"`
	Subject string    `bson:"subject"`
	Data    bson.Raw  `bson:"data,omitempty"`
}

func (d eventDoc) event() (store.Event, error) {
	e := store.Event{ID: d.ID, Time: d.Time.UTC(), Actor: d.Actor, Type: d.Type, Subject: d.Subject}
	if d.Data != nil {
		data, err := fromBSON(d.Data)
		if err != nil {
			return store.Event{}, fault.Wrap(fault.Internal, fmt.Errorf("mongo: event %d: %w", d.ID, err), "a stored event cannot be read")
		}
		e.Data = data
	}
	return e, nil
}

// nextEventID takes the next number of the event sequence. The counter
// document is created by the first upsert; two first upserts racing can
// collide on its _id, and the loser simply tries again.
func (s *Store) nextEventID(ctx context.Context) (int64, error) {
	var counter struct {
		Seq int64 `bson:"seq"`
	}
	var err error
	for range 3 {
		err = s.db.Collection(countersCollection).FindOneAndUpdate(ctx,
			bson.D{{Key: keyID, Value: eventsCounterID}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "seq", Value: int64(1)}}}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After),
		).Decode(&counter)
		if !mongo.IsDuplicateKeyError(err) {
			break
		}
	}
	if err != nil {
		return 0, translate(fmt.Errorf("mongo: next event id: %w", err))
	}
	return counter.Seq, nil
}

// AppendEvent adds e to the event log with the next sequence number, and the
// current time when e.Time is zero.
//
// IDs are strictly increasing, but two concurrent appends may become visible
// out of order (the later id first): a reader resuming from the newest id it
// saw may then skip the other. Readers that need every event should re-read
// a short window behind their position.
func (s *Store) AppendEvent(ctx context.Context, e store.Event) (store.Event, error) {
	var data bson.Raw
	if len(e.Data) > 0 {
		var err error
		if data, err = toBSON(e.Data); err != nil {
			return store.Event{}, err
		}
	}
	if err := s.txFailed(ctx); err != nil {
		return store.Event{}, err
	}
	if e.Time.IsZero() {
		e.Time = s.now()
	}
	d := eventDoc{Time: millis(e.Time), Actor: e.Actor, Type: e.Type, Subject: e.Subject, Data: data}
	if !s.features.AtomicUpdates {
		if err := s.insertEventClaimingID(ctx, &d); err != nil {
			return store.Event{}, s.refused(ctx, translate(fmt.Errorf("mongo: AppendEvent: %w", err)))
		}
		return d.event()
	}
	id, err := s.nextEventID(ctx)
	if err != nil {
		return store.Event{}, s.refused(ctx, err)
	}
	d.ID = id
	if _, err := s.db.Collection(eventsCollection).InsertOne(ctx, d); err != nil {
		return store.Event{}, s.refused(ctx, translate(fmt.Errorf("mongo: AppendEvent(%d): %w", id, err)))
	}
	return d.event()
}

// Events returns events with ID > q.After, oldest first, optionally of one
// subject.
func (s *Store) Events(ctx context.Context, q store.EventQuery) ([]store.Event, error) {
	limit, err := pageLimit(q.Limit)
	if err != nil {
		return nil, err
	}
	filter := bson.D{{Key: keyID, Value: bson.D{{Key: "$gt", Value: q.After}}}}
	if q.Subject != "" {
		filter = append(filter, bson.E{Key: "subject", Value: q.Subject})
	}
	cur, err := s.db.Collection(eventsCollection).Find(ctx, filter,
		options.Find().SetSort(bson.D{{Key: keyID, Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(fmt.Errorf("mongo: Events: %w", err))
	}
	var docs []eventDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(fmt.Errorf("mongo: Events: %w", err))
	}
	events := make([]store.Event, 0, len(docs))
	for _, d := range docs {
		e, err := d.event()
		if err != nil {
			return nil, err
		}
		events = append(events, e)
	}
	return events, nil
}

// RedactEvent replaces the data of event id (erasure).
func (s *Store) RedactEvent(ctx context.Context, id int64, data json.RawMessage) error {
	update := bson.D{{Key: "$unset", Value: bson.D{{Key: "data", Value: ""}}}}
	if len(data) > 0 {
		d, err := toBSON(data)
		if err != nil {
			return err
		}
		update = bson.D{{Key: "$set", Value: bson.D{{Key: "data", Value: d}}}}
	}
	res, err := s.db.Collection(eventsCollection).UpdateOne(ctx, bson.D{{Key: keyID, Value: id}}, update)
	if err != nil {
		return translate(fmt.Errorf("mongo: RedactEvent(%d): %w", id, err))
	}
	if res.MatchedCount == 0 {
		return fault.Errorf(fault.NotFound, "there is no event %d", id)
	}
	return nil
}

// PurgeExpired deletes the expired documents of every declared collection
// (and claims left by crashed processes) when the server has no TTL indexes
// to do it; the worker calls it every minute. With TTL indexes it leaves
// them to the server and returns 0. Reads never return expired documents
// either way.
func (s *Store) PurgeExpired(ctx context.Context) (int64, error) {
	if s.features.TTLIndexes {
		return 0, nil
	}
	s.mu.RLock()
	names := []string{claimsCollection}
	for name := range s.fields {
		names = append(names, name)
	}
	s.mu.RUnlock()
	var total int64
	now := s.clock()
	for _, name := range names {
		n, err := s.purgeExpired(ctx, s.db.Collection(name), now)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// Ping reports whether the primary answers: writes need it, so a reachable
// secondary alone does not count as available.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx, readpref.Primary()); err != nil {
		return fault.Wrap(fault.Unavailable, fmt.Errorf("mongo: ping: %w", err), "the database is not reachable")
	}
	return nil
}

// Close disconnects, waiting at most a few seconds for operations in flight.
// Closing twice is not an error.
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	err := s.client.Disconnect(ctx)
	if err != nil && !errors.Is(err, mongo.ErrClientDisconnected) {
		return translate(fmt.Errorf("mongo: close: %w", err))
	}
	return nil
}
