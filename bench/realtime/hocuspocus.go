package realtime

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// HocuspocusDir is where the Yjs peer lives: a plain in-memory Hocuspocus
// server and its load generator, with their own lock file (make bench
// installs them with npm ci).
const HocuspocusDir = "bench/hocuspocus"

// ErrNoHocuspocus means node or the peer's npm packages are missing.
var ErrNoHocuspocus = errors.New("node or bench/hocuspocus/node_modules is missing (make bench installs them)")

// RunHocuspocus runs the co-editing workload of RunCoedit against a fresh
// Hocuspocus server in its own node process, from a load generator in
// another (bench/hocuspocus/loadgen.mjs); root is the repository.
func RunHocuspocus(ctx context.Context, root string, cfg CoeditConfig) (CoeditResult, float64, error) {
	dir := filepath.Join(root, HocuspocusDir)
	node, err := exec.LookPath("node")
	if err != nil {
		return CoeditResult{}, 0, ErrNoHocuspocus
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@hocuspocus", "server")); err != nil {
		return CoeditResult{}, 0, ErrNoHocuspocus
	}
	srv := exec.CommandContext(ctx, node, "server.mjs", "0")
	srv.Dir = dir
	out, err := srv.StdoutPipe()
	if err != nil {
		return CoeditResult{}, 0, err
	}
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		return CoeditResult{}, 0, err
	}
	defer func() {
		_ = srv.Process.Kill()
		_ = srv.Wait()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	port, perr := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "listening ")))
	if err != nil || perr != nil {
		return CoeditResult{}, 0, fmt.Errorf("hocuspocus server did not start: %q %v", line, err)
	}
	// The observers join first, so that every edit reaches all N sockets.
	url := fmt.Sprintf("ws://127.0.0.1:%d", port)
	document := fmt.Sprintf("pledge-%d", time.Now().UnixNano())
	editors := min(cfg.Authors, hocuspocusEditors(cfg.Authors))
	obs, err := openHPObservers(ctx, url, document, cfg.Authors-editors)
	if err != nil {
		return CoeditResult{}, 0, fmt.Errorf("hocuspocus observers: %w", err)
	}
	defer obs.close()
	gen := exec.CommandContext(ctx, node, "loadgen.mjs", url, strconv.Itoa(cfg.Authors),
		strconv.FormatInt(cfg.Interval.Milliseconds(), 10), strconv.FormatInt(cfg.Duration.Milliseconds(), 10), strconv.Itoa(cfg.TextLen))
	gen.Dir = dir
	gen.Env = append(os.Environ(), "DOC="+document, "EDITORS="+strconv.Itoa(editors))
	gen.Stderr = os.Stderr
	stdout, err := gen.StdoutPipe()
	if err != nil {
		return CoeditResult{}, 0, err
	}
	if err := gen.Start(); err != nil {
		return CoeditResult{}, 0, err
	}
	// The server's CPU while the authors edit, as on the Chorus side, and
	// the observers' (this process's).
	var (
		cpu0, cpu1, own0, own1 time.Duration
		t0, t1                 time.Time
		b                      []byte
	)
	lines := bufio.NewScanner(stdout)
	lines.Buffer(make([]byte, 64<<10), 64<<20)
	for lines.Scan() {
		switch l := lines.Bytes(); string(l) {
		case "editing":
			cpu0, own0, t0 = cpuTime(srv.Process.Pid), cpuTime(os.Getpid()), time.Now()
			obs.editing.Store(true)
		case "edited":
			cpu1, own1, t1 = cpuTime(srv.Process.Pid), cpuTime(os.Getpid()), time.Now()
			obs.editing.Store(false)
		default:
			b = append([]byte(nil), l...)
		}
	}
	if err := gen.Wait(); err != nil {
		return CoeditResult{}, 0, fmt.Errorf("hocuspocus load generator: %w", err)
	}
	obs.quiet(ctx, time.Minute)
	serverCores, ownCores, perSocket := 0.0, 0.0, 0.0
	if t1.After(t0) && !t0.IsZero() {
		if n := len(obs.conns); n > 0 {
			perSocket = float64(obs.editingMsgs.Load()) / float64(n) / t1.Sub(t0).Seconds()
		}
		serverCores = (cpu1 - cpu0).Seconds() / t1.Sub(t0).Seconds()
		ownCores = (own1 - own0).Seconds() / t1.Sub(t0).Seconds()
	}
	var r struct {
		Editors, Workers, Asked       int
		Start, Duration               float64 // ms on the monotonic clock (monoMicros); the edits' length
		Rate, CPUCores                float64
		SentAt                        map[string]float64    // marker -> ms on the monotonic clock
		Seen                          map[string]hpNodeSeen // by the editors' sockets
		Deleted                       []string
		Converged                     bool
		Scrambled, Kept, Intact, Back int
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return CoeditResult{}, 0, fmt.Errorf("hocuspocus load generator said %.200q: %w", b, err)
	}
	// Latency per marker inserted after the warm-up: from the edit until
	// the last observer has it, once every other socket has (editors'
	// arrivals wait on their node event loop, which also makes the edits
	// and applies every update to a Y.Doc: that measures the load
	// generator, so it is reported apart). With no observers (a run of at
	// most hocuspocusEditors(N) authors) the editors' arrivals are all there is.
	deleted := make(map[string]bool, len(r.Deleted))
	for _, m := range r.Deleted {
		deleted[m] = true
	}
	warm := r.Start + r.Duration/10
	ms := func(from, to float64) time.Duration { return time.Duration((to - from) * float64(time.Millisecond)) }
	var lat, editorsLat []time.Duration
	incomplete := 0
	for m, at := range r.SentAt {
		if at < warm {
			continue
		}
		n, last := obs.received(m)
		s := r.Seen[m]
		switch {
		case n+s.N < cfg.Authors-1:
			if !deleted[m] {
				incomplete++
			}
		case len(obs.conns) == 0:
			lat = append(lat, ms(at, s.Last))
		default:
			lat = append(lat, ms(at, last))
			editorsLat = append(editorsLat, ms(at, s.Last))
		}
	}
	return CoeditResult{Authors: cfg.Authors, Editors: r.Editors, Asked: r.Asked, Accepted: r.Asked, Edits: len(lat) + incomplete, Complete: len(lat),
		Incomplete: incomplete, Latency: summarise(lat, incomplete), EditorsLatency: summarise(editorsLat, 0),
		Rate: r.Rate, AskedRate: r.Rate, LoadCPU: r.CPUCores + ownCores, FramesPerSocket: perSocket,
		Markers: Markers{Kept: r.Kept, Intact: r.Intact, Back: r.Back, Scrambled: r.Scrambled, Converged: r.Converged}}, serverCores, nil
}

// hpNodeSeen is how many of the node side's sockets received a marker, and
// when the last did (ms on the monotonic clock).
type hpNodeSeen struct {
	N    int
	Last float64
}

// hocuspocusEditors is how many of a run's Hocuspocus sockets hold a Y.Doc
// and make the edits, one node process each; the others observe (see
// openHPObservers). Few, as each editor's Y.Doc applies every update, but
// one per 100 authors (at least 2): at 400 authors 2 editors, 667 edits a
// second each, fell behind.
func hocuspocusEditors(authors int) int { return max(2, (authors+99)/100) }
