package realtime

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestMain lets the test binary play the client processes and the baseline
// server, as the benchmark binary does.
func TestMain(m *testing.M) {
	MaybeRunRole()
	os.Exit(m.Run())
}

// TestSmoke runs every real-time workload at a tiny scale against one real
// server, so that a change that breaks the benchmark shows up in CI.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: builds and starts a Chorus server")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("skipped: the go command is needed to build the server")
	}
	if ln, err := net.Listen("tcp", "127.0.0.1:0"); err != nil {
		t.Skipf("skipped: cannot listen on loopback: %v", err)
	} else {
		ln.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin, err := BuildServer(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := StartServer(bin, filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	fix, err := Setup(ctx, srv, 2)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("connections", func(t *testing.T) {
		res, err := RunConns(ctx, srv, fix, ConnsConfig{N: 20, PerWorker: 10, Topics: 3, Hold: 200 * time.Millisecond, Timeout: 30 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Clean || res.Reached != 20 {
			t.Fatalf("got %d sockets (clean %v: %s), want 20", res.Reached, res.Clean, res.Why)
		}
		if res.RSSAfter <= 0 {
			t.Errorf("no RSS read: %+v", res)
		}
	})
	t.Run("fan-out", func(t *testing.T) {
		res, err := RunFanout(ctx, srv, fix, FanoutConfig{Subscribers: 20, Events: 3})
		if err != nil {
			t.Fatal(err)
		}
		for name, l := range map[string]Latency{"chorus typing": res.ChorusTyping, "baseline typing": res.BaseTyping,
			"chorus edit": res.ChorusEdit, "baseline edit": res.BaseEdit} {
			if l.N != 60 || l.Missing != 0 || l.P50 <= 0 {
				t.Errorf("%s: got %+v, want 60 deliveries, none missing", name, l)
			}
		}
	})
	t.Run("co-editing", func(t *testing.T) {
		res, err := RunCoedit(ctx, srv, fix, CoeditConfig{Authors: 5, Interval: 300 * time.Millisecond, Duration: 2 * time.Second, TextLen: 300})
		if err != nil {
			t.Fatal(err)
		}
		if res.Complete == 0 || res.Incomplete != 0 || res.Failed != 0 || res.Dropped != 0 || res.Accepted != res.Asked {
			t.Fatalf("got %+v, want every edit accepted and received by every author", res)
		}
		if !res.Markers.Intact100() || !res.Markers.Converged || res.Markers.Kept == 0 {
			t.Fatalf("markers: got %+v, want every kept marker once and every author on the server's text", res.Markers)
		}
	})
	t.Run("co-editing against Hocuspocus", func(t *testing.T) {
		// 4 sockets: 2 editors in node, 2 observers here.
		res, _, err := RunHocuspocus(ctx, filepath.Join("..", ".."), CoeditConfig{Authors: 4, Interval: 300 * time.Millisecond, Duration: 2 * time.Second, TextLen: 300})
		if errors.Is(err, ErrNoHocuspocus) {
			msg := "skipped: " + err.Error()
			if os.Getenv("CHORUS_REQUIRE_SERVICES") == "1" {
				t.Fatal(msg + " (CHORUS_REQUIRE_SERVICES=1)")
			}
			t.Skip(msg)
		}
		if err != nil {
			t.Fatal(err)
		}
		if res.Complete == 0 || res.Incomplete != 0 || res.Latency.P50 <= 0 {
			t.Fatalf("got %+v, want every marker received by every other socket, observers included", res)
		}
		if !res.Markers.Intact100() || !res.Markers.Converged || res.Markers.Kept == 0 {
			t.Fatalf("markers: got %+v, want every kept marker once and every document on one text", res.Markers)
		}
	})
	t.Run("moderation queue", func(t *testing.T) {
		res, err := RunModeration(ctx, srv, fix, ModerationConfig{Reports: 6, Reporters: 3, Interval: 50 * time.Millisecond, SafeguardingEvery: 3})
		if err != nil {
			t.Fatal(err)
		}
		// Reports 0-2 in the first half (2 is safeguarding), 3-5 in the second.
		for name, got := range map[string]Latency{"socket": res.Socket, "typing": res.Typing, "queue": res.Queue,
			"socket while fetching": res.SocketQueued, "typing while fetching": res.TypingQueued} {
			if got.N != 3 || got.Missing != 0 || got.P50 <= 0 {
				t.Errorf("%s: got %+v, want 3 deliveries, none missing", name, got)
			}
		}
		if res.Failed != 0 || res.Safeguarding.N != 1 || res.Bullying.N != 2 || res.QueueCases != 6 {
			t.Errorf("got %+v, want every report accepted (1 of 3 safeguarding in the first half) and 6 cases in the last queue answer", res)
		}
	})
}
