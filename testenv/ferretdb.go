package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// FerretDBServer is a running FerretDB server on loopback: MongoDB's wire
// protocol over an embedded SQLite backend, with no authentication.
type FerretDBServer struct {
	Addr string // "127.0.0.1:port"
	URI  string // "mongodb://127.0.0.1:port/", naming no database

	output *syncBuffer
}

// ferretDBStartTimeout bounds the wait for the server to answer a ping.
const ferretDBStartTimeout = 30 * time.Second

// FerretDB starts a FerretDB server with an empty data directory for the test
// and stops it when the test ends. The binary is $CHORUS_FERRETDB_BIN or else
// ~/.cache/chorus/bin/ferretdb.
func FerretDB(t testing.TB) FerretDBServer {
	t.Helper()
	if bin, err := ferretDBBinary(); err != nil {
		missing(t, fmt.Sprintf("FerretDB binary not found at %s: `make test` builds it into ~/.cache/chorus/bin (or set CHORUS_FERRETDB_BIN)", bin))
	}
	srv, stop, err := StartFerretDB(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("FerretDB's output:\n%s", srv.output.String())
		}
	})
	return srv
}

// StartFerretDB starts FerretDB on a free loopback port, keeping its SQLite
// files and state in dataDir, waits until it answers a ping, and returns it
// with a function that stops it. Benchmarks use it directly; tests use
// FerretDB.
func StartFerretDB(dataDir string) (FerretDBServer, func(), error) {
	bin, err := ferretDBBinary()
	if err != nil {
		return FerretDBServer{}, nil, fmt.Errorf("FerretDB binary not found at %s: %w", bin, err)
	}
	addr, err := freeAddr()
	if err != nil {
		return FerretDBServer{}, nil, err
	}
	dbDir := filepath.Join(dataDir, "sqlite")
	if err := os.MkdirAll(dbDir, 0o700); err != nil {
		return FerretDBServer{}, nil, err
	}
	out := &syncBuffer{}
	srv := FerretDBServer{Addr: addr, URI: "mongodb://" + addr + "/", output: out}

	cmd := exec.Command(bin,
		"--handler=sqlite",
		"--sqlite-url=file:"+dbDir+"/",
		"--listen-addr="+addr,
		"--state-dir="+dataDir,
		"--debug-addr=-", // its HTTP debug listener would take a fixed port
		"--telemetry=disable",
		"--log-level=error", // warn logs every refused command
	)
	cmd.Env = append(os.Environ(), "HOME="+dataDir)
	cmd.Stdout = out
	cmd.Stderr = out
	if err := cmd.Start(); err != nil {
		return FerretDBServer{}, nil, fmt.Errorf("start FerretDB (%s): %w", bin, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	if err := waitPing(srv.URI, exited); err != nil {
		select {
		case <-exited:
			err = fmt.Errorf("%w (exit: %v)", err, waitErr)
		default:
		}
		stop()
		return FerretDBServer{}, nil, fmt.Errorf("FerretDB at %s did not start: %w\noutput:\n%s", addr, err, out.String())
	}
	return srv, stop, nil
}

func ferretDBBinary() (string, error) { return cachedBinary("CHORUS_FERRETDB_BIN", "ferretdb") }

// waitPing pings the server until it answers, the process exits, or
// ferretDBStartTimeout passes.
func waitPing(uri string, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(context.Background(), ferretDBStartTimeout)
	defer cancel()
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(uri).SetServerSelectionTimeout(time.Second))
	if err != nil {
		return err
	}
	defer client.Disconnect(context.Background())
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		last := client.Ping(ctx, nil)
		if last == nil {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("FerretDB exited: last ping: %v", last)
		case <-ctx.Done():
			return fmt.Errorf("no answer within %s: %v", ferretDBStartTimeout, last)
		case <-tick.C:
		}
	}
}
