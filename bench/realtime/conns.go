package realtime

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/fasthttp/websocket"
)

// ConnsConfig sizes the idle-connection benchmark.
type ConnsConfig struct {
	N         int           // sockets to open
	PerWorker int           // sockets per client process (each process may hold 20,000 files)
	Topics    int           // the sockets spread over this many group topics
	Hold      time.Duration // how long all N must stay open to count as clean
	Timeout   time.Duration // bound on opening them all
}

// ConnsResult is what the idle-connection benchmark measured.
type ConnsResult struct {
	N, Reached int
	Clean      bool
	Why        string // why N was not reached cleanly
	RSSBefore  int64
	RSSAfter   int64
	// FreeBefore and FreeAfter are the heap the server's runtime holds
	// free but has not given back to the system yet (heap idle − released):
	// part of its RSS that no socket uses (see RSSPerConn).
	FreeBefore, FreeAfter float64
	GOGC                  float64 // the server's GC target, percent
	HeapPerConn           float64 // bytes of Go heap in use per socket (live data and garbage not yet collected)
	LivePerConn           float64 // bytes of live heap per socket, from the GC goal (goal = live + (live + stacks) × GOGC/100)
	StackPerConn          float64 // bytes of goroutine stacks per socket
	GoroutinesConn        float64 // goroutines per socket
	Took                  time.Duration
}

// RSSPerConn is the server's resident memory per open socket: how much
// RSS grew, not counting free heap the runtime kept rather than gave back
// (before the sockets, what set-up freed makes it vary from 45 to 85 MiB
// between runs; the sockets reuse it, so it would hide their memory).
func (r ConnsResult) RSSPerConn() float64 {
	if r.Reached == 0 {
		return 0
	}
	return (float64(r.RSSAfter) - r.FreeAfter - (float64(r.RSSBefore) - r.FreeBefore)) / float64(r.Reached)
}

// RawRSSPerConn is how much RSS grew per open socket, free heap included.
func (r ConnsResult) RawRSSPerConn() float64 {
	if r.Reached == 0 {
		return 0
	}
	return float64(r.RSSAfter-r.RSSBefore) / float64(r.Reached)
}

// freeHeap is the heap the runtime holds free and has not released.
func freeHeap(m map[string]float64) float64 {
	return m["go_memstats_heap_idle_bytes"] - m["go_memstats_heap_released_bytes"]
}

// connWorkerArgs is what a client process is told to do.
type connWorkerArgs struct {
	Base     string
	Token    string
	Topics   []string
	Offset   int
	Count    int
	LocalIP  string
	Parallel int
	Lifetime time.Duration
}

// RunConns opens cfg.N idle, authenticated, subscribed websockets against
// srv from client processes (re-executions of this binary), each from its
// own 127.0.0.x source address, and measures the server's memory.
func RunConns(ctx context.Context, srv *Server, fix *Fixture, cfg ConnsConfig) (ConnsResult, error) {
	res := ConnsResult{N: cfg.N}
	topics := []string{"group:" + fix.Group}
	if cfg.Topics > 1 {
		more, err := fix.AddGroups(ctx, cfg.Topics-1)
		if err != nil {
			return res, err
		}
		for _, g := range more {
			topics = append(topics, "group:"+g)
		}
	}
	// One warm-up socket, so that code paths and pools that exist once per
	// process are counted in "before", not per connection.
	if c, err := dialWS(ctx, srv.Base, fix.Coord.Token, nil); err == nil {
		_ = subscribe(c, topics[0], 10*time.Second)
		c.Close()
	}
	if err := sleepCtx(ctx, 2*time.Second); err != nil {
		return res, err
	}
	var err error
	if res.RSSBefore, err = srv.RSS(); err != nil {
		return res, err
	}
	before, _ := srv.Metrics()

	exe, err := os.Executable()
	if err != nil {
		return res, err
	}
	workers := (cfg.N + cfg.PerWorker - 1) / cfg.PerWorker
	type worker struct {
		cmd   *exec.Cmd
		in    io.WriteCloser
		lines chan string
		want  int
	}
	var ws []*worker
	defer func() {
		for _, w := range ws {
			w.in.Close() // the worker closes its sockets and exits
		}
		for _, w := range ws {
			done := make(chan struct{})
			go func() { _ = w.cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				_ = w.cmd.Process.Kill()
				<-done
			}
		}
	}()
	start := time.Now()
	offset := 0
	for i := range workers {
		n := cfg.N / workers
		if i < cfg.N%workers {
			n++
		}
		args, _ := json.Marshal(connWorkerArgs{Base: srv.Base, Token: fix.Coord.Token, Topics: topics, Offset: offset, Count: n,
			LocalIP: fmt.Sprintf("127.0.0.%d", 10+i), Parallel: 8, Lifetime: cfg.Timeout + cfg.Hold + 2*time.Minute})
		offset += n
		cmd := exec.Command(exe)
		cmd.Env = append(os.Environ(), roleEnv+"="+roleConnWorker, argsEnv+"="+string(args))
		cmd.Stderr = os.Stderr
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		in, err := cmd.StdinPipe()
		if err != nil {
			return res, err
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			return res, err
		}
		if err := cmd.Start(); err != nil {
			return res, err
		}
		w := &worker{cmd: cmd, in: in, lines: make(chan string, 16), want: n}
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				w.lines <- sc.Text()
			}
			close(w.lines)
		}()
		ws = append(ws, w)
	}
	// Each worker answers "ready <n>" or "failed <n> <why>" once it opened
	// what it could.
	timeout := time.After(cfg.Timeout)
	opened := 0
	for _, w := range ws {
		select {
		case line, ok := <-w.lines:
			var n int
			var word string
			fmt.Sscanf(line, "%s %d", &word, &n)
			opened += n
			if !ok || word != "ready" || n != w.want {
				if res.Why == "" {
					res.Why = strings.TrimSpace(strings.TrimPrefix(line, word+" "+fmt.Sprint(n)))
					if !ok {
						res.Why = "a client process ended early"
					}
				}
			}
		case <-timeout:
			res.Why = fmt.Sprintf("not all sockets were open after %s", cfg.Timeout)
		case <-ctx.Done():
			return res, ctx.Err()
		}
		if res.Why != "" && strings.HasPrefix(res.Why, "not all") {
			break
		}
	}
	res.Took = time.Since(start)
	// Let presence messages and garbage settle, then read the memory and
	// keep holding: a clean run keeps every socket for cfg.Hold.
	if err := sleepCtx(ctx, 3*time.Second); err != nil {
		return res, err
	}
	if res.RSSAfter, err = srv.RSS(); err != nil {
		return res, err
	}
	if after, err := srv.Metrics(); err == nil && before != nil && opened > 0 {
		delta := func(name string) float64 { return (after[name] - before[name]) / float64(opened) }
		res.GOGC = 100
		if g, ok := after["go_gc_gogc_percent"]; ok && g > 0 {
			res.GOGC = g
		}
		res.FreeBefore, res.FreeAfter = freeHeap(before), freeHeap(after)
		res.HeapPerConn = delta("go_memstats_heap_inuse_bytes")
		res.StackPerConn = delta("go_memstats_stack_inuse_bytes")
		g := res.GOGC / 100
		res.LivePerConn = (delta("go_memstats_next_gc_bytes") - res.StackPerConn*g) / (1 + g)
		res.GoroutinesConn = delta("go_goroutines")
	}
	if err := sleepCtx(ctx, cfg.Hold); err != nil {
		return res, err
	}
	alive, lost := 0, 0
	for _, w := range ws {
		if _, err := io.WriteString(w.in, "report\n"); err != nil {
			continue
		}
		select {
		case line := <-w.lines:
			var a, l int
			var why string
			fmt.Sscanf(line, "alive %d lost %d", &a, &l)
			if _, rest, ok := strings.Cut(line, " why "); ok {
				why = rest
			}
			alive += a
			lost += l
			if l > 0 && res.Why == "" {
				res.Why = fmt.Sprintf("%d sockets closed while idle: %s", l, why)
			}
		case <-time.After(10 * time.Second):
			if res.Why == "" {
				res.Why = "a client process did not report"
			}
		}
	}
	res.Reached = alive
	res.Clean = alive == cfg.N && res.Why == ""
	// RSS per connection is over the sockets that were open when measured.
	if opened > 0 && opened != alive {
		res.Reached = min(alive, opened)
	}
	return res, nil
}

// connWorker is a client process: it opens its share of sockets, tells the
// parent, then holds them until its stdin closes (or its lifetime ends).
func connWorker(a connWorkerArgs) {
	time.AfterFunc(a.Lifetime, func() { os.Exit(3) })
	ip := net.ParseIP(a.LocalIP)
	if ln, err := net.Listen("tcp", net.JoinHostPort(a.LocalIP, "0")); err == nil {
		ln.Close()
	} else {
		ip = nil // no such loopback address here: any source address
	}
	var (
		mu      sync.Mutex
		conns   []*websocket.Conn
		failed  atomic.Bool
		why     string
		closing atomic.Bool
		lost    atomic.Int64
		lostWhy atomic.Value
	)
	fail := func(err error) {
		mu.Lock()
		if why == "" {
			why = err.Error()
		}
		mu.Unlock()
		failed.Store(true)
	}
	ctx := context.Background()
	sem := make(chan struct{}, a.Parallel)
	var wg sync.WaitGroup
	for i := 0; i < a.Count && !failed.Load(); i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			c, err := dialWS(ctx, a.Base, a.Token, ip)
			if err != nil {
				fail(err)
				return
			}
			if err := subscribe(c, a.Topics[(a.Offset+i)%len(a.Topics)], 30*time.Second); err != nil {
				c.Close()
				fail(err)
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go func() { // reads (and so answers pings) until the socket ends
				for {
					if _, _, err := c.ReadMessage(); err != nil {
						if !closing.Load() {
							lost.Add(1)
							lostWhy.CompareAndSwap(nil, err.Error())
						}
						return
					}
				}
			}()
		}()
	}
	wg.Wait()
	mu.Lock()
	n := len(conns)
	if why == "" {
		fmt.Printf("ready %d\n", n)
	} else {
		fmt.Printf("failed %d %s\n", n, strings.ReplaceAll(why, "\n", " "))
	}
	mu.Unlock()
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		if sc.Text() == "report" {
			w, _ := lostWhy.Load().(string)
			fmt.Printf("alive %d lost %d why %s\n", int64(n)-lost.Load(), lost.Load(), strings.ReplaceAll(w, "\n", " "))
		}
	}
	closing.Store(true)
	for _, c := range conns {
		c.Close()
	}
	os.Exit(0)
}
