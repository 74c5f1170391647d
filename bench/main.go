// Command bench measures Chorus against baselines and anchors, in the same
// run on the same machine, and prints one markdown table.
//
//	go run ./bench                       (or: make bench) everything
//	go run ./bench -scale 0.1            a quick look (a tenth of every count)
//	go run ./bench -only conns,fanout    some parts: store, conns, fanout, coedit, moderation, rounds, media
//
// Store rows compare the storage adapters with the bare libraries under
// them (ops/s ratios). Real-time rows run a Chorus server as a child
// process built from ./server: idle websockets (server memory per socket),
// fan-out of one message to many subscribers against a bare
// gofiber/websocket broadcast, and many authors co-editing one pledge item.
// Moderation rows measure screening throughput (texts/s against a regexp
// pass over the same texts) and how long a report takes to reach a
// moderator (against a typing message between the same sockets).
// See README.md for how to read the table. The blob rows need the MinIO
// binary that `make test` builds; without it they are reported as skipped.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"chorus/bench/media"
	"chorus/bench/realtime"
	"chorus/bench/screening"
	"chorus/bench/table"
)

func main() {
	realtime.MaybeRunRole() // a re-executed client process or baseline server never returns
	var (
		scale       = flag.Float64("scale", 1, "multiply every count and duration (0.1 for a quick look)")
		only        = flag.String("only", "store,conns,fanout,coedit,moderation,rounds,media", "comma-separated parts to run: store, conns, fanout, coedit, moderation, rounds, media")
		conns       = flag.Int("conns", 15000, "idle websockets to open against one server")
		perWorker   = flag.Int("conns-per-worker", 4000, "sockets per client process (at most 5000)")
		topics      = flag.Int("topics", 300, "group topics the idle sockets spread over")
		subscribers = flag.Int("subscribers", 1000, "fan-out: subscribers of the one topic")
		events      = flag.Int("events", 50, "fan-out: messages measured per kind and side")
		authors     = flag.String("authors", "50,200,400", "co-editing: comma-separated numbers of authors, one run each")
		coeditTime  = flag.Duration("coedit-time", 20*time.Second, "co-editing: how long each run edits")
		interval    = flag.Duration("edit-interval", 300*time.Millisecond, "co-editing: each author edits this often")
		peer        = flag.String("coedit-peers", "chorus,hocuspocus", "co-editing: which sides to run (chorus, hocuspocus)")
		screenTexts = flag.Int("screen-texts", 200, "moderation: generated 1 KB texts per language for screening")
		screenRound = flag.Duration("screen-round", 500*time.Millisecond, "moderation: how long one screening round runs (3 rounds per side)")
		modReports  = flag.Int("mod-reports", 300, "moderation: reports filed, each on its own comment (at most 1000)")
		modFilers   = flag.Int("mod-reporters", 30, "moderation: youth filing the reports at the same time")
		modInterval = flag.Duration("mod-interval", 500*time.Millisecond, "moderation: each reporter sends a report or a typing probe this often")
		rPartners   = flag.Int("round-partners", 20, "rounds: partner organisations answering at once")
		rItems      = flag.Int("round-items", 30, "rounds: pledge items each partner answers")
		rSubs       = flag.Int("round-subscribers", 200, "rounds: youth sockets following the round")
		rApprovals  = flag.Int("round-approvals", 300, "rounds: answers approved and timed")
		videoMiB    = flag.Int("video-mib", 1024, "media: MiB uploaded for throughput and memory")
		clipSeconds = flag.Int("clip-seconds", 60, "media: length of the 720p clip processed")
	)
	cpuProfile := flag.String("cpuprofile", "", "write the load generator's CPU profile to this file (the server's own is not included)")
	serverProfile := flag.String("server-profile", "", "co-editing: write the server's CPU, blocking, lock and goroutine profiles of each run into this directory (builds the server with pprof on a loopback port)")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	parts := strings.Split(*only, ",")
	want := func(p string) bool { return slices.Contains(parts, p) }
	n := func(base, least int) int { return max(least, int(float64(base)**scale)) }

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir, err := os.MkdirTemp("", "chorus-bench-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)

	var rows []table.Row
	var notes []string
	if want("store") {
		rows = append(rows, storeRows(runStore(dir, *scale))...)
	}
	if want("conns") || want("fanout") || want("coedit") || want("moderation") || want("rounds") || want("media") {
		rt := runRealtime{ctx: ctx, dir: dir}
		if *serverProfile != "" {
			if err := os.MkdirAll(*serverProfile, 0o755); err != nil {
				fail(err)
			}
			rt.prof = &realtime.Profiler{Dir: *serverProfile}
		}
		if err := rt.build(); err != nil {
			fail(err)
		}
		if want("conns") {
			r, ns, err := rt.conns(realtime.ConnsConfig{N: n(*conns, 20), PerWorker: min(*perWorker, 5000), Topics: n(*topics, 2),
				Hold: time.Duration(float64(5*time.Second) * max(*scale, 0.4)), Timeout: 5 * time.Minute})
			check(err, "connections")
			rows, notes = append(rows, r...), append(notes, ns...)
		}
		if want("fanout") {
			r, ns, err := rt.fanout(realtime.FanoutConfig{Subscribers: n(*subscribers, 20), Events: n(*events, 10)})
			check(err, "fan-out")
			rows, notes = append(rows, r...), append(notes, ns...)
		}
		if want("coedit") {
			var counts []int
			for _, s := range strings.Split(*authors, ",") {
				a, err := strconv.Atoi(strings.TrimSpace(s))
				if err != nil {
					fail(fmt.Errorf("-authors: %w", err))
				}
				counts = append(counts, n(a, 5))
			}
			r, ns, err := rt.coedit(strings.Split(*peer, ","), counts, time.Duration(max(float64(*coeditTime)**scale, float64(2*time.Second))), *interval)
			check(err, "co-editing")
			rows, notes = append(rows, r...), append(notes, ns...)
		}
		if want("moderation") {
			r, ns, err := screeningRows(screening.Config{Texts: n(*screenTexts, 10), Size: 1024, Rounds: 3,
				Round: time.Duration(max(float64(*screenRound)**scale, float64(50*time.Millisecond)))})
			check(err, "screening")
			rows, notes = append(rows, r...), append(notes, ns...)
			r, ns, err = rt.moderation(realtime.ModerationConfig{Reports: min(n(*modReports, 10), 1000), Reporters: n(*modFilers, 3),
				Interval: *modInterval, SafeguardingEvery: 4})
			check(err, "moderation queue")
			rows, notes = append(rows, r...), append(notes, ns...)
		}
		if want("rounds") {
			r, ns, err := rt.rounds(realtime.RoundsConfig{Partners: n(*rPartners, 2), Items: n(*rItems, 2), Subscribers: n(*rSubs, 5), Approvals: n(*rApprovals, 5)})
			check(err, "rounds")
			rows, notes = append(rows, r...), append(notes, ns...)
		}
		if want("media") {
			res, err := media.Run(ctx, media.Config{Bin: rt.bin, Dir: filepath.Join(dir, "media"),
				Bytes: int64(n(*videoMiB, 16)) << 20, ClipSeconds: n(*clipSeconds, 3)})
			check(err, "media")
			r, ns := media.Rows(res)
			rows, notes = append(rows, r...), append(notes, ns...)
		}
	}
	fmt.Printf("Measured %s on %d cores (GOMAXPROCS %s), scale %g.\n\n", time.Now().Format("2006-01-02"), numCPU(), gomaxprocs(), *scale)
	table.Print(os.Stdout, rows, append([]string{
		"ratio: store and screening rows = chorus ÷ baseline (ops/s, texts/s); fan-out and moderation-queue rows = baseline p50 ÷ chorus p50 (1.0 = as fast as the baseline); anchor rows have no ratio (the anchor was measured elsewhere).",
	}, notes...))
}

func runStore(dir string, scale float64) []row {
	n := func(base int) int { return max(10, int(float64(base)*scale)) }
	rows, err := documentRows(dir, n)
	if err != nil {
		fail(err)
	}
	mongoRows, err := mongoRows(dir, n)
	if err != nil {
		fail(err)
	}
	rows = append(rows, mongoRows...)
	blobs, err := blobRows(dir, n)
	if err != nil {
		fail(err)
	}
	return append(rows, blobs...)
}

func check(err error, what string) {
	if err != nil {
		fail(fmt.Errorf("%s: %w", what, err))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

func numCPU() int {
	n := 0
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		n = strings.Count(string(b), "processor\t:")
	}
	return n
}

func gomaxprocs() string {
	if v := os.Getenv("GOMAXPROCS"); v != "" {
		return v
	}
	return "default"
}

// runRealtime runs the real-time workloads, each against a fresh server.
type runRealtime struct {
	ctx  context.Context
	dir  string
	bin  string
	seq  int
	prof *realtime.Profiler // -server-profile, or nil
}

func (r *runRealtime) build() error {
	if _, err := realtime.RaiseFileLimit(); err != nil {
		return fmt.Errorf("raising the open-file limit: %w", err)
	}
	var err error
	var tags []string
	if r.prof != nil {
		tags = append(tags, realtime.ProfileTag)
	}
	r.bin, err = realtime.BuildServer(r.dir, tags...)
	return err
}

func (r *runRealtime) server() (*realtime.Server, *realtime.Fixture, error) {
	r.seq++
	start := realtime.StartServer
	if r.prof != nil {
		start = realtime.ProfileServer
	}
	srv, err := start(r.bin, filepath.Join(r.dir, fmt.Sprintf("server%d", r.seq)))
	if err != nil {
		return nil, nil, err
	}
	fix, err := realtime.Setup(r.ctx, srv, 4)
	if err != nil {
		srv.Stop()
		return nil, nil, err
	}
	return srv, fix, nil
}

func (r *runRealtime) conns(cfg realtime.ConnsConfig) ([]table.Row, []string, error) {
	srv, fix, err := r.server()
	if err != nil {
		return nil, nil, err
	}
	defer srv.Stop()
	res, err := realtime.RunConns(r.ctx, srv, fix, cfg)
	if err != nil {
		return nil, nil, err
	}
	perConn := res.RSSPerConn() / 1024
	reached := fmt.Sprintf("%d", res.Reached)
	if !res.Clean {
		reached += " (" + res.Why + ")"
	}
	rows := []table.Row{
		{Workload: fmt.Sprintf("idle websockets, server RSS per socket (%d sockets, subscribed, %d topics)", res.Reached, cfg.Topics),
			Chorus: fmt.Sprintf("%.1f KiB", perConn), Baseline: "Centrifugo ≈ 30 KB (anchor, 1M conns)",
			Aim: table.Verdict("<= 24 KiB", res.Reached > 0 && perConn <= 24)},
		{Workload: "idle websockets, largest N reached cleanly on one server", Chorus: reached,
			Aim: table.Verdict(fmt.Sprintf(">= %d", cfg.N), res.Clean)},
	}
	notes := []string{fmt.Sprintf("idle websockets: server RSS %.0f → %.0f MiB, of which free heap not yet given back %.0f → %.0f MiB (RSS growth per socket with it: %.1f KiB); per socket the Go heap in use grew %.1f KiB (live heap ≈ %.1f KiB, from the GC goal at GOGC %.0f), goroutine stacks %.1f KiB, %.1f goroutines; opening took %s from %d client processes.",
		float64(res.RSSBefore)/(1<<20), float64(res.RSSAfter)/(1<<20), res.FreeBefore/(1<<20), res.FreeAfter/(1<<20), res.RawRSSPerConn()/1024,
		res.HeapPerConn/1024, res.LivePerConn/1024, res.GOGC, res.StackPerConn/1024, res.GoroutinesConn,
		res.Took.Round(time.Second), (cfg.N+cfg.PerWorker-1)/cfg.PerWorker)}
	return rows, notes, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func (r *runRealtime) fanout(cfg realtime.FanoutConfig) ([]table.Row, []string, error) {
	srv, fix, err := r.server()
	if err != nil {
		return nil, nil, err
	}
	defer srv.Stop()
	res, err := realtime.RunFanout(r.ctx, srv, fix, cfg)
	if err != nil {
		return nil, nil, err
	}
	lat := func(l realtime.Latency) string {
		s := fmt.Sprintf("p50 %s, p99 %s", ms(l.P50), ms(l.P99))
		if l.Missing > 0 {
			s += fmt.Sprintf(", %d missing", l.Missing)
		}
		return s
	}
	row := func(name string, c, b realtime.Latency) table.Row {
		ratio := float64(b.P50) / float64(c.P50)
		return table.Row{Workload: name, Chorus: lat(c), Baseline: lat(b), Ratio: fmt.Sprintf("%.2f", ratio),
			Aim: table.Verdict(">= 0.7", ratio >= 0.7 && c.Missing == 0)}
	}
	rows := []table.Row{
		row(fmt.Sprintf("fan-out: typing message (socket in) to %d subscribers, %d messages", cfg.Subscribers, cfg.Events), res.ChorusTyping, res.BaseTyping),
		row(fmt.Sprintf("fan-out: pledge edit (HTTP POST, merge, store, event) to %d subscribers, %d edits", cfg.Subscribers, cfg.Events), res.ChorusEdit, res.BaseEdit),
	}
	notes := []string{fmt.Sprintf("fan-out: latency runs from the publisher sending (socket write, or the edit's POST) to each subscriber reading the message; the baseline (bare gofiber/websocket, one loop writing to every socket, own process) relays messages of the same size (%d and %d bytes) sent on a socket. The edit's HTTP round trip alone: p50 %s.",
		res.TypingBytes, res.EditBytes, ms(res.EditRTT))}
	return rows, notes, nil
}

func (r *runRealtime) coedit(sides []string, counts []int, d, interval time.Duration) ([]table.Row, []string, error) {
	chorus, peer := slices.Contains(sides, "chorus"), slices.Contains(sides, "hocuspocus")
	var (
		srv *realtime.Server
		fix *realtime.Fixture
		err error
	)
	if chorus {
		if srv, fix, err = r.server(); err != nil {
			return nil, nil, err
		}
		defer srv.Stop()
	}
	root, _ := os.Getwd()
	var rows []table.Row
	var notes []string
	markers := func(m realtime.Markers) string {
		s := fmt.Sprintf("markers intact %d of %d", m.Intact, m.Kept)
		if m.Back > 0 || m.Scrambled > 0 {
			s += fmt.Sprintf(", %d deleted ones back, %d characters scrambled", m.Back, m.Scrambled)
		}
		if !m.Converged {
			s += ", authors NOT converged"
		}
		return s
	}
	for _, n := range counts {
		cfg := realtime.CoeditConfig{Authors: n, Interval: interval, Duration: d, TextLen: 800}
		row := table.Row{Workload: fmt.Sprintf("co-editing: %d authors on one item, an edit every %s each, %s", n, interval, d)}
		aim := "ratio >= 1.0, markers 100 %"
		if n < 200 {
			aim = "markers 100 %"
		}
		if n >= 400 {
			aim += ", >= 99 % accepted"
		}
		met := true
		var res realtime.CoeditResult
		if chorus {
			if r.prof != nil {
				cfg.OnEdits = func(d time.Duration) { r.prof.Run(r.ctx, srv, fmt.Sprintf("coedit-%d", n), d) }
			}
			res, err = realtime.RunCoedit(r.ctx, srv, fix, cfg)
			r.prof.Wait()
			if err != nil {
				return nil, nil, err
			}
			serverCores := res.ServerCPU
			row.Chorus = fmt.Sprintf("p50 %s, p95 %s, %s", ms(res.Latency.P50), ms(res.Latency.P95), markers(res.Markers))
			clean := res.Incomplete == 0 && res.Dropped == 0 && res.Failed == 0
			if !clean {
				row.Chorus += fmt.Sprintf(" (%d of %d ops not received by all, %d refused, %d sockets dropped)", res.Incomplete, res.Edits, res.Failed, res.Dropped)
			}
			accepted := float64(res.Accepted) / float64(max(res.Asked, 1))
			met = res.Markers.Intact100() && res.Markers.Converged && clean && (n < 400 || accepted >= 0.99)
			note := fmt.Sprintf("co-editing %d authors, Chorus: %.0f edits/s accepted of %.0f asked (%.1f %%), every op stored as a revision; op round trip (socket, transform, store, ack) p50 %s; latency per op, until the last other author has it; %.0f websocket frames a second to each author; load generator %.2f cores, server %.2f.",
				n, res.Rate, res.AskedRate, 100*accepted, ms(res.RTT), res.FramesPerSocket, res.LoadCPU, serverCores)
			if res.FailWhy != "" {
				note += fmt.Sprintf(" Refused ops, the first: %.200s.", res.FailWhy)
			}
			if res.DropWhy != "" {
				note += fmt.Sprintf(" Dropped sockets: %s (%d of %d while the authors were joining, before any edit).", res.DropWhy, res.DropsEarly, res.Dropped)
			}
			notes = append(notes, note)
		}
		if peer {
			hp, hpServer, hpErr := realtime.RunHocuspocus(r.ctx, root, cfg)
			switch {
			case errors.Is(hpErr, realtime.ErrNoHocuspocus):
				row.Baseline = "Hocuspocus skipped: " + hpErr.Error()
			case hpErr != nil:
				return nil, nil, hpErr
			default:
				row.Baseline = fmt.Sprintf("Hocuspocus p50 %s, p95 %s, %s", ms(hp.Latency.P50), ms(hp.Latency.P95), markers(hp.Markers))
				met = met && hp.Markers.Intact100() && hp.Markers.Converged
				if chorus {
					ratio := float64(hp.Latency.P95) / float64(res.Latency.P95)
					row.Ratio = fmt.Sprintf("%.2f", ratio)
					if n >= 200 {
						met = met && ratio >= 1.0
					}
				}
				note := fmt.Sprintf("co-editing %d authors, Hocuspocus: %.0f edits/s asked and sent of %.0f nominal, by %d editors holding a Y.Doc in node; %d of %d markers received by every other socket; latency until the last of the %d observers (Go sockets reading the update bytes) has it",
					n, hp.AskedRate, float64(n)/interval.Seconds(), hp.Editors, hp.Complete, hp.Edits, n-hp.Editors)
				if hp.EditorsLatency.N > 0 {
					note += fmt.Sprintf(" (until the last editor has it, whose event loop also makes the edits: p50 %s, p95 %s)", ms(hp.EditorsLatency.P50), ms(hp.EditorsLatency.P95))
				}
				notes = append(notes, note+fmt.Sprintf("; %.0f websocket messages a second to each observer; its load generator (node and Go observers) used %.2f cores, its server %.2f.", hp.FramesPerSocket, hp.LoadCPU, hpServer))
			}
		}
		if chorus && peer {
			row.Aim = table.Verdict(aim, met)
		}
		rows = append(rows, row)
	}
	return rows, notes, nil
}
