package sqlite_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/store"
	"chorus/store/sqlite"
)

// childDBEnv names the database file the child writer process uses; its
// presence is what marks the test binary as the child.
const childDBEnv = "CHORUS_STORE_DURABILITY_DB"

// TestKilledWriterLosesNoAcknowledgedWrite runs a writer in a child process,
// kills it with SIGKILL in the middle of its writes and checks that every
// write the child acknowledged is in the database afterwards and that the
// file is intact. A crash of the process is the failure an embedded store
// meets most often (OOM killer, deploys, power buttons on laptops).
func TestKilledWriterLosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "durable.db")

	// Bounds that a loaded machine (CI: every package at once, under the
	// race detector, on two cores) cannot reach: the child is killed once
	// it has written for a second anyway, so a slow start costs nothing.
	const startUp = time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 2*startUp)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestDurabilityWriterProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), childDBEnv+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}

	// Collect acknowledged ids until the child has been writing for a while
	// (or has acknowledged enough), then kill it mid-flight.
	var (
		mu   sync.Mutex
		acks []string
	)
	first, enough := make(chan struct{}), make(chan struct{})
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(stdout)
		signalled := false
		for sc.Scan() {
			// "ack <id> ." — the trailing dot proves the line is complete.
			f := strings.Fields(sc.Text())
			if len(f) != 3 || f[0] != "ack" || f[2] != "." {
				continue
			}
			mu.Lock()
			acks = append(acks, f[1])
			n := len(acks)
			mu.Unlock()
			if n == 1 {
				close(first)
			}
			if n >= 3000 && !signalled {
				signalled = true
				close(enough)
			}
		}
	}()
	// The clock starts at the first acknowledgement: starting a test binary
	// built with -race takes a while and is not what is being measured.
	select {
	case <-first:
		select {
		case <-enough:
		case <-time.After(time.Second):
		case <-readDone:
		}
	case <-time.After(startUp):
	case <-readDone: // the child ended early: it failed
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Logf("Kill: %v", err)
	}
	<-readDone
	waitErr := cmd.Wait()
	t.Logf("child ended with %v", waitErr)

	mu.Lock()
	acked := append([]string(nil), acks...)
	mu.Unlock()
	if len(acked) == 0 {
		t.Fatalf("child acknowledged no writes; stderr:\n%s", stderr.String())
	}
	t.Logf("child acknowledged %d writes before SIGKILL", len(acked))

	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	rctx := context.Background()
	if err := s.IntegrityCheck(rctx); err != nil {
		t.Fatalf("integrity_check after kill: %v", err)
	}
	missing := 0
	for _, id := range acked {
		r, err := s.Get(rctx, "writes", id)
		if err != nil {
			missing++
			if missing <= 10 {
				t.Errorf("acknowledged write %s: got %v, want it stored", id, err)
			}
			continue
		}
		var doc struct{ ID string }
		if err := json.Unmarshal(r.Data, &doc); err != nil || doc.ID != id {
			t.Errorf("acknowledged write %s: got data %s, want its own id", id, r.Data)
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged writes lost", missing, len(acked))
	}
	// The store still takes writes after recovery.
	if _, err := s.Insert(rctx, "writes", store.Record{ID: "after-recovery", Data: json.RawMessage(`{}`)}); err != nil {
		t.Fatalf("Insert after recovery: %v", err)
	}
}

// TestDurabilityWriterProcess is the child half of
// TestKilledWriterLosesNoAcknowledgedWrite; on its own it does nothing.
func TestDurabilityWriterProcess(t *testing.T) {
	path := os.Getenv(childDBEnv)
	if path == "" {
		t.Skip("only run as the child process of TestKilledWriterLosesNoAcknowledgedWrite")
	}
	ctx := context.Background()
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Declare(ctx, store.Schema{Collection: "writes", Indexes: []store.Index{{Field: "worker"}}}); err != nil {
		t.Fatal(err)
	}
	// The parent kills us long before this; the deadline only keeps an
	// orphan from writing forever if the parent dies first.
	deadline := time.Now().Add(15 * time.Second)
	var out sync.Mutex
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline); i++ {
				id := fmt.Sprintf("w%d-%d", w, i)
				data := fmt.Sprintf(`{"id":%q,"worker":%d,"pad":%q}`, id, w, strings.Repeat("x", 200))
				if _, err := s.Insert(ctx, "writes", store.Record{ID: id, Data: json.RawMessage(data)}); err != nil {
					t.Errorf("Insert(%s): %v", id, err)
					return
				}
				// Only now is the write acknowledged. One unbuffered write
				// per line, so a kill can cut a line but never reorder it.
				out.Lock()
				fmt.Fprintf(os.Stdout, "ack %s .\n", id)
				out.Unlock()
			}
		})
	}
	wg.Wait()
	s.Close()
}
