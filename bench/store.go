package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	_ "modernc.org/sqlite"

	"chorus/bench/table"
	"chorus/media"
	"chorus/media/s3"
	"chorus/store"
	"chorus/store/sqlite"
	"chorus/testenv"
)

// The store rows: Chorus's storage adapters against the bare libraries
// underneath them, as ops/s ratios (adapter ÷ baseline).

// row is one line of the report.
type row struct {
	name               string
	chorus, baseline   float64 // ops per second, best round
	aim                float64
	skipped, skipNotes string
}

// workload runs n operations and returns how long they took.
type workload func(n int) (time.Duration, error)

// measure alternates adapter and baseline rounds so that both see the same
// machine state, and keeps each side's best round.
func measure(name string, n, rounds int, aim float64, chorus, baseline workload) (row, error) {
	r := row{name: name, aim: aim}
	for i := 0; i < rounds; i++ {
		for _, side := range []struct {
			run  workload
			best *float64
		}{{chorus, &r.chorus}, {baseline, &r.baseline}} {
			d, err := side.run(n)
			if err != nil {
				return r, fmt.Errorf("%s: %w", name, err)
			}
			if ops := float64(n) / d.Seconds(); ops > *side.best {
				*side.best = ops
			}
		}
	}
	return r, nil
}

// --- documents: the SQLite adapter against database/sql on the same schema ---

const collection = "bench"

func doc(i int) []byte {
	b, _ := json.Marshal(map[string]any{"n": i, "group": fmt.Sprintf("g%d", i%50), "text": "Apps should explain their rules in words young people understand."})
	return b
}

func documentRows(dir string, n func(int) int) ([]row, error) {
	ctx := context.Background()
	adapter, err := sqlite.Open(filepath.Join(dir, "adapter.db"))
	if err != nil {
		return nil, err
	}
	defer adapter.Close()
	if err := adapter.Declare(ctx, store.Schema{Collection: collection, Indexes: []store.Index{{Field: "group"}}}); err != nil {
		return nil, err
	}

	// The baseline opens its file with the adapter's durability settings
	// (WAL, synchronous=FULL, one writer) and runs the statements the
	// adapter's work boils down to.
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "raw.db")+"?_busy_timeout=5000&_journal_mode=WAL&_synchronous=FULL&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	for _, q := range []string{
		`CREATE TABLE doc (id TEXT PRIMARY KEY, version INTEGER NOT NULL, expires_at INTEGER, data TEXT NOT NULL)`,
		`CREATE INDEX doc_group ON doc(json_extract(data, '$.group'))`,
	} {
		if _, err := raw.Exec(q); err != nil {
			return nil, err
		}
	}

	var adapterNext, rawNext int
	var rows []row
	r, err := measure("sqlite insert", n(400), 3, 0.7,
		func(n int) (time.Duration, error) {
			start := time.Now()
			for i := 0; i < n; i++ {
				adapterNext++
				if _, err := adapter.Insert(ctx, collection, store.Record{ID: fmt.Sprintf("d%07d", adapterNext), Data: doc(adapterNext)}); err != nil {
					return 0, err
				}
			}
			return time.Since(start), nil
		},
		func(n int) (time.Duration, error) {
			start := time.Now()
			for i := 0; i < n; i++ {
				rawNext++
				if _, err := raw.Exec(`INSERT INTO doc(id, version, expires_at, data) VALUES (?, 1, NULL, ?)`, fmt.Sprintf("d%07d", rawNext), doc(rawNext)); err != nil {
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
	r, err = measure("sqlite point read", n(20000), 3, 0.7,
		func(n int) (time.Duration, error) {
			start := time.Now()
			for i := 0; i < n; i++ {
				if _, err := adapter.Get(ctx, collection, fmt.Sprintf("d%07d", 1+rand.IntN(total))); err != nil {
					return 0, err
				}
			}
			return time.Since(start), nil
		},
		func(n int) (time.Duration, error) {
			start := time.Now()
			var v int64
			var exp sql.NullInt64
			var data string
			for i := 0; i < n; i++ {
				if err := raw.QueryRow(`SELECT version, expires_at, data FROM doc WHERE id = ?`, fmt.Sprintf("d%07d", 1+rand.IntN(total))).Scan(&v, &exp, &data); err != nil {
					return 0, err
				}
			}
			return time.Since(start), nil
		})
	if err != nil {
		return nil, err
	}
	rows = append(rows, r)

	r, err = measure("sqlite indexed query (20 rows)", n(4000), 3, 0.7,
		func(n int) (time.Duration, error) {
			start := time.Now()
			for i := 0; i < n; i++ {
				page, err := adapter.Find(ctx, collection, store.Query{Where: []store.Cond{{Field: "group", Op: store.Eq, Value: fmt.Sprintf("g%d", rand.IntN(50))}}, Limit: 20})
				if err != nil || len(page.Records) == 0 {
					return 0, fmt.Errorf("query found %d records: %v", len(page.Records), err)
				}
			}
			return time.Since(start), nil
		},
		func(n int) (time.Duration, error) {
			start := time.Now()
			for i := 0; i < n; i++ {
				rs, err := raw.Query(`SELECT id, version, expires_at, data FROM doc WHERE json_extract(data, '$.group') = ? ORDER BY id LIMIT 21`, fmt.Sprintf("g%d", rand.IntN(50)))
				if err != nil {
					return 0, err
				}
				for rs.Next() {
					var id, data string
					var v int64
					var exp sql.NullInt64
					if err := rs.Scan(&id, &v, &exp, &data); err != nil {
						return 0, err
					}
				}
				if err := rs.Close(); err != nil {
					return 0, err
				}
			}
			return time.Since(start), nil
		})
	if err != nil {
		return nil, err
	}
	return append(rows, r), nil
}

// --- blobs: the S3 adapter against bare minio-go, on one MinIO server ---

func blobRows(dir string, n func(int) int) ([]row, error) {
	srv, stop, err := testenv.StartMinIO(filepath.Join(dir, "minio"))
	if err != nil {
		note := "MinIO not available: " + firstLine(err.Error())
		return []row{{name: "s3 put 1 MiB", skipped: note}, {name: "s3 get 1 MiB", skipped: note}}, nil
	}
	defer stop()
	ctx := context.Background()
	adapter, err := s3.New(ctx, s3.Config{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Bucket: "bench-adapter"})
	if err != nil {
		return nil, err
	}
	client, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, "")})
	if err != nil {
		return nil, err
	}
	if err := client.MakeBucket(ctx, "bench-raw", minio.MakeBucketOptions{}); err != nil {
		return nil, err
	}
	payload := make([]byte, 1<<20)
	for i := range payload {
		payload[i] = byte(rand.IntN(256))
	}
	const keys = 20
	var rows []row
	r, err := measure("s3 put 1 MiB", n(60), 3, 0.9,
		func(n int) (time.Duration, error) {
			start := time.Now()
			for i := 0; i < n; i++ {
				if _, err := adapter.Put(ctx, fmt.Sprintf("v/%d", i%keys), bytes.NewReader(payload), "video/mp4"); err != nil {
					return 0, err
				}
			}
			return time.Since(start), nil
		},
		func(n int) (time.Duration, error) {
			start := time.Now()
			for i := 0; i < n; i++ {
				if _, err := client.PutObject(ctx, "bench-raw", fmt.Sprintf("v/%d", i%keys), bytes.NewReader(payload), int64(len(payload)), minio.PutObjectOptions{ContentType: "video/mp4"}); err != nil {
					return 0, err
				}
			}
			return time.Since(start), nil
		})
	if err != nil {
		return nil, err
	}
	rows = append(rows, r)

	r, err = measure("s3 get 1 MiB", n(150), 3, 0.9,
		func(n int) (time.Duration, error) {
			start := time.Now()
			for i := 0; i < n; i++ {
				rc, _, err := adapter.Get(ctx, fmt.Sprintf("v/%d", i%keys), media.Range{})
				if err != nil {
					return 0, err
				}
				if err := drain(rc, len(payload)); err != nil {
					return 0, err
				}
			}
			return time.Since(start), nil
		},
		func(n int) (time.Duration, error) {
			start := time.Now()
			for i := 0; i < n; i++ {
				obj, err := client.GetObject(ctx, "bench-raw", fmt.Sprintf("v/%d", i%keys), minio.GetObjectOptions{})
				if err != nil {
					return 0, err
				}
				if err := drain(obj, len(payload)); err != nil {
					return 0, err
				}
			}
			return time.Since(start), nil
		})
	if err != nil {
		return nil, err
	}
	return append(rows, r), nil
}

func drain(rc io.ReadCloser, want int) error {
	defer rc.Close()
	got, err := io.Copy(io.Discard, rc)
	if err == nil && got != int64(want) {
		err = fmt.Errorf("read %d bytes, want %d", got, want)
	}
	return err
}

func firstLine(s string) string {
	if i := bytes.IndexByte([]byte(s), '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// storeRows formats the store measurements for the report.
func storeRows(rows []row) []table.Row {
	var out []table.Row
	for _, r := range rows {
		if r.skipped != "" {
			out = append(out, table.Row{Workload: r.name, Aim: "skipped: " + r.skipped})
			continue
		}
		ratio := r.chorus / r.baseline
		out = append(out, table.Row{Workload: r.name, Chorus: fmt.Sprintf("%.0f ops/s", r.chorus), Baseline: fmt.Sprintf("%.0f ops/s", r.baseline),
			Ratio: fmt.Sprintf("%.2f", ratio), Aim: table.Verdict(fmt.Sprintf(">= %.1f", r.aim), ratio >= r.aim)})
	}
	return out
}
