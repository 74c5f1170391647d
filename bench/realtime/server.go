// Package realtime benchmarks Chorus's real-time path against a real server
// process: idle websockets per server (memory), fan-out of one event to many
// subscribers (against a bare gofiber/websocket broadcast in the same run),
// many authors co-editing one pledge item, and reports reaching a
// moderator (against a typing message between the same sockets).
//
// The Chorus server always runs as a child process built from ./server, so
// that its memory is its own and the load generators do not share its Go
// runtime. Load generators that need many sockets re-execute the benchmark
// binary in a worker role (see MaybeRunRole).
package realtime

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"chorus/testenv"
)

// Server is a Chorus server running as a child process.
type Server struct {
	Base string // http://127.0.0.1:port
	Port int
	// Mail receives what the server sends (invitations): the outbox shows
	// no links, so the benchmark reads them as their recipients would.
	Mail  *testenv.SMTPServer
	cmd   *exec.Cmd
	pprof string // the server's pprof base URL (ProfileServer), or ""
	errs  *lockedBuffer
	ended chan struct{}
}

// BuildServer compiles ./server of the module into dir, with the build
// tags given, and returns the binary's path.
func BuildServer(dir string, tags ...string) (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the chorus module")
	}
	bin := filepath.Join(dir, "chorus")
	args := []string{"build", "-o", bin}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	cmd := exec.Command("go", append(args, "./server")...)
	cmd.Dir = filepath.Dir(mod)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./server: %w\n%s", err, b)
	}
	return bin, nil
}

// RaiseFileLimit sets this process's open-file limit to its hard limit;
// child processes inherit it.
func RaiseFileLimit() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	return lim.Cur, nil
}

// benchMetricsToken lets the benchmark read the server's /metrics.
const benchMetricsToken = "bench-metrics-token-0123456789"

// StartServer runs `chorus serve` on a free loopback port with embedded
// stores in dataDir, and waits until it answers.
func StartServer(bin, dataDir string) (*Server, error) { return StartServerWith(bin, dataDir) }

// StartServerWith is StartServer with more environment variables
// ("S3_ENDPOINT=...").
func StartServerWith(bin, dataDir string, extraEnv ...string) (*Server, error) {
	// A free port can be taken between probing and binding (the machine
	// opens thousands of connections): start again on another one then.
	for attempt := 1; ; attempt++ {
		s, err := startServerOnce(bin, dataDir, extraEnv)
		if err == nil || attempt == 3 || !strings.Contains(err.Error(), "cannot listen") {
			return s, err
		}
	}
}

func startServerOnce(bin, dataDir string, extraEnv []string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	mail, err := testenv.StartSMTP()
	if err != nil {
		return nil, err
	}
	env := []string{"PORT=" + strconv.Itoa(port), "CHORUS_DATA_DIR=" + dataDir, "CHORUS_LOG_LEVEL=warn", "METRICS_TOKEN=" + benchMetricsToken, "SMTP_URL=" + mail.URL}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "CHORUS_"), strings.HasPrefix(name, "S3_"), name == "PORT", name == "PUBLIC_URL",
			name == "MONGODB_URI", name == "NATS_URL", name == "SMTP_URL", name == "JWT_SIGNING_KEYS", name == "GOMAXPROCS", name == "METRICS_TOKEN":
			continue // the benchmark decides these
		}
		env = append(env, kv)
	}
	env = append(env, extraEnv...)
	s := &Server{Base: "http://127.0.0.1:" + strconv.Itoa(port), Port: port, Mail: mail, errs: &lockedBuffer{}, ended: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Env = env
	s.cmd.Stdout = io.Discard
	s.cmd.Stderr = s.errs
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlives the benchmark
	if err := s.cmd.Start(); err != nil {
		mail.Close()
		return nil, err
	}
	go func() { _ = s.cmd.Wait(); close(s.ended) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.Base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case <-s.ended:
			mail.Close()
			return nil, fmt.Errorf("chorus exited before serving: %s", s.errs.String())
		default:
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, errors.New("chorus did not answer /healthz within 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// PID is the server process's id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

var setupRE = regexp.MustCompile(`/setup/([A-Za-z0-9_-]+)`)

// setupToken is the first-run token the server prints.
func (s *Server) setupToken() (string, error) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := setupRE.FindStringSubmatch(s.errs.String()); m != nil {
			return m[1], nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "", fmt.Errorf("no set-up link printed: %q", s.errs.String())
}

// Stop asks the server to shut down (SIGTERM) and kills it after 15 s.
func (s *Server) Stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.ended:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.ended
	}
	s.Mail.Close()
}

// invitationToken is the token of the newest invitation mailed to email.
func (s *Server) invitationToken(email string) (string, error) {
	msgs := s.Mail.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if !msgs[i].ToAddr(email) {
			continue
		}
		p, err := msgs[i].Parse()
		if err != nil {
			return "", err
		}
		if sub := inviteRE.FindStringSubmatch(p.Text); sub != nil {
			return sub[1], nil
		}
	}
	return "", fmt.Errorf("no invitation mailed to %s", email)
}

// RSS is the server's resident memory in bytes (VmRSS).
func (s *Server) RSS() (int64, error) { return rssOf(s.PID()) }

func rssOf(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}

// Metrics reads the Go runtime gauges the server exports on /metrics
// (go_goroutines, go_memstats_heap_inuse_bytes, ...).
func (s *Server) Metrics() (map[string]float64, error) {
	req, err := http.NewRequest(http.MethodGet, s.Base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+benchMetricsToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.Contains(line, "{") {
			continue
		}
		name, val, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
			out[name] = f
		}
	}
	return out, sc.Err()
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() > 1<<20 { // keep the start (the set-up link), drop the rest
		return len(p), nil
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
