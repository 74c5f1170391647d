package mongo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"chorus/store"
	"chorus/store/storetest"
	"chorus/testenv"
)

// TestContractOnFerretDB runs the shared contract suite against FerretDB, a
// MongoDB-protocol server that `make test` builds and testenv starts on
// loopback, so the adapter meets a real server in every run.
func TestContractOnFerretDB(t *testing.T) {
	runContract(t, testenv.FerretDB(t).URI)
}

// TestContractOnMongoDB runs the shared contract suite against a real
// MongoDB (a replica set, where every subtest runs).
func TestContractOnMongoDB(t *testing.T) {
	uri := os.Getenv("TEST_MONGODB_URI")
	if uri == "" {
		t.Skip("TEST_MONGODB_URI is not set: the contract suite runs against MongoDB only when it points at a reachable server (replica set recommended)")
	}
	runContract(t, uri)
}

// runContract runs the suite on the server at uri. Each run uses a fresh
// database, dropped at the end; every subtest gets its own Store (its own
// client) on that database, as separate processes would. Subtests needing a
// feature the server lacks (as the Store detected it) skip, naming it.
func runContract(t *testing.T, uri string) {
	if name := databaseFromURI(uri); name != "" {
		// Open prefers the URI's database, so the suite would write into (and
		// drop) it. Name the auth database with authSource instead.
		t.Fatalf("TEST_MONGODB_URI names the database %q; leave the path empty (use ?authSource=... for authentication) so the suite can use and drop its own", name)
	}
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	database := "chorus_test_" + hex.EncodeToString(b)

	open := func(t *testing.T) *Store {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s, err := Open(ctx, uri, database)
		if err != nil {
			t.Fatalf("Open(%s): %v", database, err)
		}
		return s
	}

	admin := open(t)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := admin.db.Drop(ctx); err != nil {
			t.Errorf("dropping %s: %v", database, err)
		}
		if err := admin.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})

	t.Logf("server features: %+v", admin.Features())
	var lacking []storetest.Feature
	if !admin.Features().Transactions {
		lacking = append(lacking, storetest.Transactions)
	}
	storetest.Run(t, func(t *testing.T) store.Documents {
		s := open(t)
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return s
	}, lacking...)
}

// Without TTL indexes (FerretDB has none) the worker's sweep is what deletes
// expired documents; reads hide them either way (the contract suite).
func TestPurgeExpiredSweepsWithoutTTLIndexes(t *testing.T) {
	uri := testenv.FerretDB(t).URI
	ctx := context.Background()
	s, err := OpenWith(ctx, uri, "chorus_sweep", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Features().TTLIndexes {
		t.Skip("this server has TTL indexes: it deletes expired documents by itself")
	}
	if err := s.Declare(ctx, store.Schema{Collection: "tokens"}); err != nil {
		t.Fatal(err)
	}
	for id, exp := range map[string]time.Time{"old": time.Now().Add(-time.Minute), "new": time.Now().Add(time.Hour), "forever": {}} {
		if _, err := s.Insert(ctx, "tokens", store.Record{ID: id, ExpiresAt: exp, Data: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.PurgeExpired(ctx)
	if err != nil || n != 1 {
		t.Fatalf("PurgeExpired: %d, %v; want 1 deleted", n, err)
	}
	if left, err := s.db.Collection("tokens").CountDocuments(ctx, bson.D{}); err != nil || left != 2 {
		t.Errorf("documents left: %d, %v; want 2 (the live ones)", left, err)
	}
}
