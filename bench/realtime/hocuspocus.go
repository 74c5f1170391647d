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
	cpu0 := cpuTime(srv.Process.Pid)
	gen := exec.CommandContext(ctx, node, "loadgen.mjs", fmt.Sprintf("ws://127.0.0.1:%d", port), strconv.Itoa(cfg.Authors),
		strconv.FormatInt(cfg.Interval.Milliseconds(), 10), strconv.FormatInt(cfg.Duration.Milliseconds(), 10), strconv.Itoa(cfg.TextLen))
	gen.Dir = dir
	gen.Stderr = os.Stderr
	t0 := time.Now()
	b, err := gen.Output()
	if err != nil {
		return CoeditResult{}, 0, fmt.Errorf("hocuspocus load generator: %w", err)
	}
	serverCores := (cpuTime(srv.Process.Pid) - cpu0).Seconds() / time.Since(t0).Seconds()
	var r struct {
		Editors, Workers              int
		Complete, Incomplete, Asked   int
		Rate, P50, P95, CPUCores      float64
		Converged                     bool
		Scrambled, Kept, Intact, Back int
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return CoeditResult{}, 0, fmt.Errorf("hocuspocus load generator said %q: %w", b, err)
	}
	ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
	return CoeditResult{Authors: cfg.Authors, Editors: r.Editors, Asked: r.Asked, Accepted: r.Asked, Edits: r.Complete + r.Incomplete, Complete: r.Complete,
		Incomplete: r.Incomplete, Latency: Latency{P50: ms(r.P50), P95: ms(r.P95), N: r.Complete, Missing: r.Incomplete},
		Rate: r.Rate, AskedRate: r.Rate, LoadCPU: r.CPUCores,
		Markers: Markers{Kept: r.Kept, Intact: r.Intact, Back: r.Back, Scrambled: r.Scrambled, Converged: r.Converged}}, serverCores, nil
}
