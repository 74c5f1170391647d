package realtime

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/gofiber/fiber/v2"
	fiberws "github.com/gofiber/websocket/v2"

	protocol "chorus/realtime"
)

// FanoutConfig sizes the fan-out benchmark.
type FanoutConfig struct {
	Subscribers int // sockets on the one topic
	Events      int // events measured per kind and side
}

// Latency summarises delivery times.
type Latency struct {
	P50, P95, P99 time.Duration
	N             int // deliveries measured
	Missing       int // deliveries that did not arrive within 5 s
}

func summarise(ds []time.Duration, missing int) Latency {
	if len(ds) == 0 {
		return Latency{Missing: missing}
	}
	slices.Sort(ds)
	at := func(q float64) time.Duration { return ds[int(q*float64(len(ds)-1)+0.5)] }
	return Latency{P50: at(0.50), P95: at(0.95), P99: at(0.99), N: len(ds), Missing: missing}
}

// FanoutResult holds, for two kinds of message, Chorus's and the baseline's
// delivery latency to every subscriber.
type FanoutResult struct {
	Subscribers int
	// Typing: a client sends a typing message on its socket; the server
	// fans it out to every other subscriber of the topic.
	ChorusTyping, BaseTyping Latency
	// Edit: a client POSTs a pledge edit; the server merges it, stores it,
	// appends the event, and fans the event out. The baseline relays a
	// message of the same size from a socket.
	ChorusEdit, BaseEdit Latency
	EditRTT              time.Duration // p50 of the edit's HTTP round trip
	TypingBytes          int
	EditBytes            int
}

// probe is one message being waited for: when each subscriber got it.
type probe struct {
	t0   time.Time
	recv []atomic.Int64 // nanoseconds after t0; 0: not yet
	left atomic.Int64
	done chan struct{}
}

// receivers reads the subscribers' sockets and times the probes.
type receivers struct {
	key    func(msg []byte) string // names the probe a message carries; nil: probeOf
	probes sync.Map                // key -> *probe
	last   atomic.Int64
	conns  []*websocket.Conn
	wg     sync.WaitGroup
}

func (r *receivers) start(conns []*websocket.Conn) {
	r.conns = conns
	keyOf := r.key
	if keyOf == nil {
		keyOf = probeOf
	}
	for i, c := range conns {
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			for {
				_, frame, err := c.ReadMessage()
				if err != nil {
					return
				}
				now := time.Now()
				r.last.Store(now.UnixNano())
				for _, msg := range protocol.Messages(frame) {
					key := keyOf(msg)
					if key == "" {
						continue
					}
					if v, ok := r.probes.Load(key); ok {
						p := v.(*probe)
						if p.recv[i].CompareAndSwap(0, max(int64(now.Sub(p.t0)), 1)) {
							if p.left.Add(-1) == 0 {
								close(p.done)
							}
						}
					}
				}
			}
		}()
	}
}

// probeOf names the probe msg carries: "t<k>" for typing in probe item k, "v<n>" for the edit that made version n; "" otherwise.
func probeOf(msg []byte) string {
	if k := probeNumber(msg); k >= 0 {
		return "t" + strconv.FormatInt(k, 10)
	}
	if v := editedVersion(msg); v >= 0 {
		return "v" + strconv.FormatInt(v, 10)
	}
	return ""
}

// quiet waits until no message arrived for d (bounded by limit): the
// presence announcements of the subscribes are over.
func (r *receivers) quiet(ctx context.Context, d, limit time.Duration) {
	end := time.Now().Add(limit)
	for time.Now().Before(end) && ctx.Err() == nil {
		if time.Since(time.Unix(0, r.last.Load())) > d {
			return
		}
		time.Sleep(d / 4)
	}
}

// fire registers probe key, runs send, and waits until every subscriber
// got it (at most 5 s).
func (r *receivers) fire(key string, send func() error) ([]time.Duration, int, error) {
	p := &probe{recv: make([]atomic.Int64, len(r.conns)), done: make(chan struct{})}
	p.left.Store(int64(len(r.conns)))
	p.t0 = time.Now()
	r.probes.Store(key, p)
	defer r.probes.Delete(key)
	if err := send(); err != nil {
		return nil, 0, err
	}
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
	}
	r.probes.Delete(key)
	var out []time.Duration
	missing := 0
	for i := range p.recv {
		if d := p.recv[i].Load(); d == 0 {
			missing++
		} else {
			out = append(out, time.Duration(d))
		}
	}
	return out, missing, nil
}

func (r *receivers) close() {
	for _, c := range r.conns {
		c.Close()
	}
	r.wg.Wait()
}

// openSubscribers opens n sockets to base, each subscribed to topic when
// topic is not "" (the baseline has no subscribe).
func openSubscribers(ctx context.Context, base string, tokens []string, topic string, n int) ([]*websocket.Conn, error) {
	conns, err := inParallel(n, 8, func(i int) (*websocket.Conn, error) {
		tok := ""
		if len(tokens) > 0 {
			tok = tokens[i%len(tokens)]
		}
		c, err := dialWS(ctx, base, tok, nil)
		if err == nil && topic != "" {
			if err = subscribe(c, topic, 30*time.Second); err != nil {
				c.Close()
				return nil, err
			}
		}
		return c, err
	})
	if err != nil {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
		return nil, err
	}
	return conns, nil
}

// RunFanout measures one message to cfg.Subscribers sockets on Chorus (srv)
// and on the bare Fiber broadcast baseline, alternating rounds.
func RunFanout(ctx context.Context, srv *Server, fix *Fixture, cfg FanoutConfig) (FanoutResult, error) {
	res := FanoutResult{Subscribers: cfg.Subscribers}
	pl, err := fix.NewPledge(ctx, 800)
	if err != nil {
		return res, err
	}
	var tokens []string
	for _, y := range fix.Youth {
		tokens = append(tokens, y.Token)
	}
	subs, err := openSubscribers(ctx, srv.Base, tokens, pl.Topic(), cfg.Subscribers)
	if err != nil {
		return res, fmt.Errorf("chorus subscribers: %w", err)
	}
	chorus := &receivers{}
	chorus.start(subs)
	defer chorus.close()
	pub, err := dialWS(ctx, srv.Base, fix.Youth[0].Token, nil)
	if err != nil {
		return res, err
	}
	defer pub.Close()
	if err := subscribe(pub, pl.Topic(), 30*time.Second); err != nil {
		return res, err
	}
	go discard(pub)
	chorus.quiet(ctx, 500*time.Millisecond, 60*time.Second)

	// The baseline: its own process, the same number of sockets.
	bl, err := startBaseline()
	if err != nil {
		return res, err
	}
	defer bl.stop()
	bsubs, err := openSubscribers(ctx, bl.base, nil, "", cfg.Subscribers)
	if err != nil {
		return res, fmt.Errorf("baseline subscribers: %w", err)
	}
	base := &receivers{}
	base.start(bsubs)
	defer base.close()
	bpub, err := dialWS(ctx, bl.base, "", nil)
	if err != nil {
		return res, err
	}
	defer bpub.Close()
	go discard(bpub)
	time.Sleep(200 * time.Millisecond)

	editor := &api{base: srv.Base, hc: newHTTPClient(2), token: fix.Youth[0].Token}
	rnd := rand.New(rand.NewPCG(1, 2))
	text, version := pl.Text, pl.Version
	typingMsg := func(k int) []byte {
		b, _ := json.Marshal(map[string]any{"type": "typing", "topic": pl.Topic(), "itemId": pl.probeItem(int64(k))})
		return b
	}
	// The baseline relays exactly the bytes Chorus sends its subscribers.
	typingOut := func(k int) []byte {
		b, _ := json.Marshal(map[string]any{"type": "typing", "topic": pl.Topic(), "accountId": fix.Youth[0].ID, "itemId": pl.probeItem(int64(k))})
		return b
	}
	editOut := func(v int64, text string) []byte {
		b, _ := json.Marshal(map[string]any{"type": "event", "topic": pl.Topic(), "id": 1000 + v, "event": "pledge.item_edited", "actor": fix.Youth[0].ID,
			"time": time.Now().UTC(), "data": map[string]any{"author": fix.Youth[0].ID, "baseVersion": v - 1, "field": "text", "itemId": pl.Item, "text": text, "version": v}})
		return b
	}
	send := func(c *websocket.Conn, b []byte) error {
		_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
		return c.WriteMessage(websocket.TextMessage, b)
	}
	var cT, bT, cE, bE, rtts []time.Duration
	var cTm, bTm, cEm, bEm int
	probeN := 0
	rounds := max(1, min(5, cfg.Events))
	for round := range rounds {
		per := cfg.Events / rounds
		if round < cfg.Events%rounds {
			per++
		}
		for range per { // Chorus, typing
			probeN++
			ds, miss, err := chorus.fire("t"+strconv.Itoa(probeN%probeItems), func() error { return send(pub, typingMsg(probeN)) })
			if err != nil {
				return res, err
			}
			cT, cTm = append(cT, ds...), cTm+miss
			time.Sleep(25 * time.Millisecond) // stay under the socket's rate limit (50/s)
		}
		for range per { // baseline, typing-sized
			probeN++
			ds, miss, err := base.fire("t"+strconv.Itoa(probeN%probeItems), func() error { return send(bpub, typingOut(probeN)) })
			if err != nil {
				return res, err
			}
			bT, bTm = append(bT, ds...), bTm+miss
			time.Sleep(25 * time.Millisecond)
		}
		for range per { // Chorus, a pledge edit over HTTP
			next := typeText(rnd, text, 800)
			var rtt time.Duration
			ds, miss, err := chorus.fire("v"+strconv.FormatInt(version+1, 10), func() error {
				t0 := time.Now()
				it, err := editor.edit(ctx, pl, version, next)
				rtt = time.Since(t0)
				if err == nil && it.Item.Version != version+1 {
					err = fmt.Errorf("edit made version %d, want %d", it.Item.Version, version+1)
				}
				if err == nil {
					text, version = it.Item.Text, it.Item.Version
				}
				return err
			})
			if err != nil {
				return res, err
			}
			rtts = append(rtts, rtt)
			cE, cEm = append(cE, ds...), cEm+miss
			res.EditBytes = len(editOut(version, text))
			time.Sleep(25 * time.Millisecond)
		}
		for range per { // baseline, edit-sized
			probeN++
			v := int64(1_000_000 + probeN)
			ds, miss, err := base.fire("v"+strconv.FormatInt(v, 10), func() error { return send(bpub, editOut(v, text)) })
			if err != nil {
				return res, err
			}
			bE, bEm = append(bE, ds...), bEm+miss
			time.Sleep(25 * time.Millisecond)
		}
	}
	res.TypingBytes = len(typingOut(probeN))
	res.ChorusTyping, res.BaseTyping = summarise(cT, cTm), summarise(bT, bTm)
	res.ChorusEdit, res.BaseEdit = summarise(cE, cEm), summarise(bE, bEm)
	res.EditRTT = summarise(rtts, 0).P50
	return res, nil
}

func discard(c *websocket.Conn) {
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			return
		}
	}
}

// --- the baseline: a bare gofiber/websocket broadcast ---

type baselineArgs struct {
	Addr     string
	Lifetime time.Duration
}

type baseline struct {
	base string
	cmd  *exec.Cmd
	in   interface{ Close() error }
}

// startBaseline runs the baseline server as its own process (this binary,
// in the fanout-baseline role), like the Chorus server.
func startBaseline() (*baseline, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	args, _ := json.Marshal(baselineArgs{Addr: addr, Lifetime: 10 * time.Minute})
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), roleEnv+"="+roleBaselineFans, argsEnv+"="+string(args))
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Scan()
		ready <- sc.Text()
	}()
	select {
	case line := <-ready:
		if line != "ready" {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			return nil, fmt.Errorf("baseline server: %q", line)
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, errors.New("baseline server did not start within 10 s")
	}
	return &baseline{base: "http://" + addr, cmd: cmd, in: in}, nil
}

func (b *baseline) stop() {
	b.in.Close()
	done := make(chan struct{})
	go func() { _ = b.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = b.cmd.Process.Kill()
		<-done
	}
}

// baselineServer is the simplest broadcast people write with
// gofiber/websocket: the handler registers its connection and relays every
// message it reads to all the others, one write after the other.
func baselineServer(a baselineArgs) {
	time.AfterFunc(a.Lifetime, func() { os.Exit(3) })
	var (
		mu    sync.Mutex
		conns = map[*fiberws.Conn]struct{}{}
	)
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/ws", fiberws.New(func(c *fiberws.Conn) {
		mu.Lock()
		conns[c] = struct{}{}
		mu.Unlock()
		defer func() {
			mu.Lock()
			delete(conns, c)
			mu.Unlock()
		}()
		for {
			_, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			mu.Lock()
			for o := range conns {
				if o != c {
					_ = o.WriteMessage(fiberws.TextMessage, msg)
				}
			}
			mu.Unlock()
		}
	}))
	ln, err := net.Listen("tcp", a.Addr)
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	go func() { _ = app.Listener(ln) }()
	fmt.Println("ready")
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
	}
	_ = app.ShutdownWithTimeout(2 * time.Second)
}
