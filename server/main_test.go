package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/testenv"
)

// syncBuffer lets the test read logs while the server writes them.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// patience bounds the waits of these tests: generous, because CI runs every
// package at once under the race detector on two cores, where starting a
// server (its SQLite schema alone is seconds of CPU there) or answering a
// request can take many times as long as on an idle machine; bounded, so
// that a hang still fails.
const patience = 60 * time.Second

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startOnce runs Chorus as `chorus serve` would, on embedded defaults and a
// free port, and waits until it answers /healthz; err is what Run returned
// when it stopped before serving.
func startOnce(t *testing.T, env map[string]string) (base string, cancel context.CancelFunc, done chan error, stderr *syncBuffer, err error) {
	t.Helper()
	return startCommand(t, "serve", env)
}

// startCommand is startOnce for another command (demo, web). A free port
// can be taken between probing and binding (packages test in parallel):
// then it starts again on another.
func startCommand(t *testing.T, command string, env map[string]string) (base string, cancel context.CancelFunc, done chan error, stderr *syncBuffer, err error) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		base, cancel, done, stderr, err = startCommandOnce(t, command, env)
		if err == nil || attempt >= 3 || !strings.Contains(err.Error(), "cannot listen") {
			return base, cancel, done, stderr, err
		}
	}
}

func startCommandOnce(t *testing.T, command string, env map[string]string) (base string, cancel context.CancelFunc, done chan error, stderr *syncBuffer, err error) {
	t.Helper()
	port := freePort(t)
	vars := map[string]string{"PORT": strconv.Itoa(port), "CHORUS_DATA_DIR": t.TempDir()}
	for k, v := range env {
		vars[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	done = make(chan error, 1)
	stderr = &syncBuffer{}
	go func() {
		done <- Run(ctx, []string{command}, func(k string) string { return vars[k] }, io.Discard, stderr)
	}()
	base = "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(patience)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			return base, cancel, done, stderr, nil
		}
		select {
		case err := <-done:
			cancel()
			return "", nil, nil, nil, err
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("server did not answer /healthz within %v; it wrote:\n%s", patience, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// mailboxes holds, by base URL, the in-process SMTP server each server
// that start runs sends its mail to: the tests read invitation and guardian
// links the way the recipient does, never from the outbox, which shows no
// links (issue 9). A test that wants the outbox sets SMTP_URL to "".
var mailboxes sync.Map

// mailbox is the SMTP server that the server at base sends to.
func mailbox(t *testing.T, base string) *testenv.SMTPServer {
	t.Helper()
	m, ok := mailboxes.Load(base)
	if !ok {
		t.Fatalf("%s sends no mail to a test SMTP server (started with SMTP_URL set)", base)
	}
	return m.(*testenv.SMTPServer)
}

// newestLink waits for mail to addr with a link whose path starts with
// prefix, and returns the path of the newest such link.
func newestLink(t *testing.T, base, addr, prefix string) string {
	t.Helper()
	smtp := mailbox(t, base)
	found := ""
	smtp.WaitFor(t, func(testenv.ReceivedMail) bool {
		msgs := smtp.Messages()
		for i := len(msgs) - 1; i >= 0; i-- {
			if !msgs[i].ToAddr(addr) {
				continue
			}
			p, err := msgs[i].Parse()
			if err != nil {
				continue
			}
			for _, l := range linkRE.FindAllString(p.Text, -1) {
				if u, err := url.Parse(l); err == nil && strings.HasPrefix(u.Path, prefix) {
					found = u.Path
					return true
				}
			}
		}
		return false
	}, 10*time.Second)
	return found
}

// start runs Chorus as `chorus serve` would, on embedded defaults, with its
// mail going to an in-process SMTP server (see mailbox) unless env sets
// SMTP_URL.
func start(t *testing.T, env map[string]string) (base string, stop func() error, stderr *syncBuffer) {
	t.Helper()
	var smtp *testenv.SMTPServer
	if _, set := env["SMTP_URL"]; !set {
		smtp = testenv.SMTP(t)
		withMail := map[string]string{"SMTP_URL": smtp.URL}
		for k, v := range env {
			withMail[k] = v
		}
		env = withMail
	}
	base, cancel, done, stderr, err := startOnce(t, env) // on another port if one was taken meanwhile
	if err != nil {
		t.Fatalf("Run returned before serving: %v", err)
	}
	var once sync.Once
	var runErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(ShutdownTimeout + 2*time.Second):
				t.Fatal("Run did not return within the shutdown timeout")
			}
		})
		return runErr
	}
	t.Cleanup(func() { stop() })
	if smtp != nil {
		mailboxes.Store(base, smtp)
		t.Cleanup(func() { mailboxes.Delete(base) })
	}
	return base, stop, stderr
}

func TestServeOnEmbeddedDefaults(t *testing.T) {
	dataDir := t.TempDir()
	base, stop, stderr := start(t, map[string]string{"CHORUS_DATA_DIR": dataDir})

	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	var ready struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}
	json.NewDecoder(resp.Body).Decode(&ready)
	resp.Body.Close()
	if resp.StatusCode != 200 || ready.Checks["documents (sqlite)"] != "ok" || ready.Checks["blobs (disk)"] != "ok" {
		t.Fatalf("readyz: got %d %+v, want 200 with sqlite and disk ok", resp.StatusCode, ready)
	}
	if !strings.Contains(stderr.String(), "http://localhost:") {
		t.Errorf("start-up should print the URL, got %q", stderr.String())
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "chorus.db")); err != nil {
		t.Errorf("the SQLite store should live in CHORUS_DATA_DIR: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

// A request in flight when the signal arrives still gets its answer.
func TestShutdownDrainsInFlightRequests(t *testing.T) {
	base, stop, _ := start(t, nil)
	// A slow client: it sends headers now and the request line's end later,
	// so the request is in flight while we stop.
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: chorus\r\n")
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(200 * time.Millisecond)
	io.WriteString(conn, "\r\n")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	reply, _ := io.ReadAll(conn)
	if !strings.HasPrefix(string(reply), "HTTP/1.1 200") {
		t.Errorf("in-flight request got %q, want a 200 answer", reply)
	}
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
}

func TestBadConfigurationStopsStartUp(t *testing.T) {
	err := Run(context.Background(), nil, func(k string) string {
		if k == "S3_USE_SSL" {
			return "maybe"
		}
		return ""
	}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "S3_USE_SSL") {
		t.Fatalf("got %v, want an error naming S3_USE_SSL", err)
	}
	err = Run(context.Background(), []string{"dance"}, func(string) string { return "" }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "expected serve, web, worker") {
		t.Fatalf("got %v, want the list of commands", err)
	}
}

func TestConfigTableCommand(t *testing.T) {
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"config-table"}, func(string) string { return "" }, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "| `MONGODB_URI` |") {
		t.Errorf("config-table output lacks MONGODB_URI:\n%s", out.String())
	}
}

// rotate-keys switches to a new signing key and keeps the key file private;
// that old tokens stay valid meanwhile is tested in package auth.
func TestRotateKeys(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string {
		if k == "CHORUS_DATA_DIR" {
			return dir
		}
		return ""
	}
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"rotate-keys"}, env, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	first := out.String()
	out.Reset()
	if err := Run(context.Background(), []string{"rotate-keys"}, env, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if out.String() == first || !strings.Contains(out.String(), "signed with key") {
		t.Fatalf("second rotation: got %q after %q", out.String(), first)
	}
	st, err := os.Stat(filepath.Join(dir, "keys", "jwt.json"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v; want 0600", err, st.Mode().Perm())
	}
	err = Run(context.Background(), []string{"rotate-keys"}, func(k string) string {
		if k == "JWT_SIGNING_KEYS" {
			return "c2VlZHNlZWRzZWVkc2VlZHNlZWRzZWVkc2VlZHNlZWQ="
		}
		return env(k)
	}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "JWT_SIGNING_KEYS") {
		t.Fatalf("got %v, want an explanation when keys come from configuration", err)
	}
}
