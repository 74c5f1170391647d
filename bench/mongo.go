package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	mongodriver "go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"chorus/store"
	"chorus/store/mongo"
	"chorus/testenv"
)

// --- documents: the MongoDB adapter against the bare mongo-driver, on one
// FerretDB server (MongoDB's protocol; a real MongoDB needs a machine of its
// own) ---

func mongoRows(dir string, n func(int) int) ([]row, error) {
	names := []string{"mongodb insert (ferretdb)", "mongodb point read (ferretdb)", "mongodb indexed query (20 rows, ferretdb)"}
	srv, stop, err := testenv.StartFerretDB(filepath.Join(dir, "ferretdb"))
	if err != nil {
		var rows []row
		for _, name := range names {
			rows = append(rows, row{name: name, skipped: "FerretDB not available: " + firstLine(err.Error())})
		}
		return rows, nil
	}
	defer stop()
	ctx := context.Background()
	adapter, err := mongo.Open(ctx, srv.URI, "bench_adapter")
	if err != nil {
		return nil, err
	}
	defer adapter.Close()
	if err := adapter.Declare(ctx, store.Schema{Collection: collection, Indexes: []store.Index{{Field: "group"}}}); err != nil {
		return nil, err
	}

	// The baseline stores the same documents under the same keys, with the
	// same index on the group, and runs the calls the adapter's work boils
	// down to.
	client, err := mongodriver.Connect(ctx, options.Client().ApplyURI(srv.URI))
	if err != nil {
		return nil, err
	}
	defer client.Disconnect(ctx)
	raw := client.Database("bench_raw").Collection(collection)
	if _, err := raw.Indexes().CreateOne(ctx, mongodriver.IndexModel{Keys: bson.D{{Key: "d.group", Value: 1}, {Key: "_id", Value: 1}}}); err != nil {
		return nil, err
	}
	rawDoc := func(i int) bson.D {
		return bson.D{{Key: "_id", Value: fmt.Sprintf("d%07d", i)}, {Key: "_v", Value: int64(1)}, {Key: "d", Value: bson.D{
			{Key: "n", Value: int32(i)}, {Key: "group", Value: fmt.Sprintf("g%d", i%50)}, {Key: "text", Value: "Apps should explain their rules in words young people understand."}}}}
	}

	var adapterNext, rawNext int
	var rows []row
	r, err := measure(names[0], n(300), 3, 0.8,
		func(n int) (time.Duration, error) {
			start := time.Now()
			for range n {
				adapterNext++
				if _, err := adapter.Insert(ctx, collection, store.Record{ID: fmt.Sprintf("d%07d", adapterNext), Data: doc(adapterNext)}); err != nil {
					return 0, err
				}
			}
			return time.Since(start), nil
		},
		func(n int) (time.Duration, error) {
			start := time.Now()
			for range n {
				rawNext++
				if _, err := raw.InsertOne(ctx, rawDoc(rawNext)); err != nil {
					return 0, err
				}
			}
			return time.Since(start), nil
		})
	if err != nil {
		return nil, err
	}
	rows = append(rows, r)

	total := min(adapterNext, rawNext)
	r, err = measure(names[1], n(3000), 3, 0.8,
		func(n int) (time.Duration, error) {
			start := time.Now()
			for range n {
				if _, err := adapter.Get(ctx, collection, fmt.Sprintf("d%07d", 1+rand.IntN(total))); err != nil {
					return 0, err
				}
			}
			return time.Since(start), nil
		},
		func(n int) (time.Duration, error) {
			start := time.Now()
			for range n {
				if _, err := raw.FindOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("d%07d", 1+rand.IntN(total))}}).Raw(); err != nil {
					return 0, err
				}
			}
			return time.Since(start), nil
		})
	if err != nil {
		return nil, err
	}
	rows = append(rows, r)

	r, err = measure(names[2], n(300), 3, 0.8,
		func(n int) (time.Duration, error) {
			start := time.Now()
			for range n {
				page, err := adapter.Find(ctx, collection, store.Query{Where: []store.Cond{{Field: "group", Op: store.Eq, Value: fmt.Sprintf("g%d", rand.IntN(50))}}, Limit: 20})
				if err != nil || len(page.Records) == 0 {
					return 0, fmt.Errorf("query found %d records: %v", len(page.Records), err)
				}
			}
			return time.Since(start), nil
		},
		func(n int) (time.Duration, error) {
			start := time.Now()
			for range n {
				cur, err := raw.Find(ctx, bson.D{{Key: "d.group", Value: fmt.Sprintf("g%d", rand.IntN(50))}},
					options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(21))
				if err != nil {
					return 0, err
				}
				var docs []bson.Raw
				if err := cur.All(ctx, &docs); err != nil || len(docs) == 0 {
					return 0, fmt.Errorf("query found %d documents: %v", len(docs), err)
				}
			}
			return time.Since(start), nil
		})
	if err != nil {
		return nil, err
	}
	return append(rows, r), nil
}
