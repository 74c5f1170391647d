package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"

	"chorus/moderation"
	protocol "chorus/realtime"
)

// ModerationConfig sizes the queue-latency run: Reporters youth of the
// group file Reports reports between them, each on its own comment, while
// one moderator follows the panel's moderation topic.
type ModerationConfig struct {
	Reports   int           // reports filed, each on a comment of its own (2 to moderation.MaxQueueLimit)
	Reporters int           // youth filing them, at the same time (at least 2)
	Interval  time.Duration // each reporter sends something (a report or a typing probe) this often, ±20 %
	// SafeguardingEvery makes every n-th report a safeguarding one (which
	// also mails the moderators); the others are bullying. 0: none.
	SafeguardingEvery int
}

// ModerationResult is what one run measured. Latencies run from the
// reporter sending the POST (or the typing message) on.
//
// The run has two halves with half the reports each. In the first the
// moderator only listens on the socket; in the second the moderator also
// fetches the queue on every report's event (one request in flight, another
// at once if events came meanwhile), as the moderator's page does, but
// without the page's 250 ms pause that gathers a burst of events into one
// request. The halves tell the socket's latency apart from the load the
// queue requests add.
type ModerationResult struct {
	Reports, Reporters int

	// First half: until the moderator's socket has the report's event,
	// and the baseline, a typing message from the reporter's socket to the
	// moderator's through the same server, interleaved with the reports.
	Socket, Typing Latency
	// Per category, first half, until the moderator's socket has the event.
	Bullying, Safeguarding Latency

	// Second half: until a queue answer holds the report's case; the
	// socket and the typing baseline meanwhile.
	Queue, SocketQueued, TypingQueued Latency
	QueueRTT                          time.Duration // p50 of one queue GET
	QueueGets                         int           // queue GETs sent
	QueueCases                        int           // cases in the last queue answer

	// ServerCPU is the server process's CPU use in each half, in cores
	// (CPU seconds per second).
	ServerCPU [2]float64

	RTT     time.Duration // p50 of the report's HTTP round trip, both halves
	Failed  int           // reports the API refused or that timed out
	FailWhy string
	Rate    float64 // reports per second, all reporters
}

// modProbe is one thing the moderator waits for: a report's event or a
// typing message.
type modProbe struct {
	t0       int64 // ns since the run's epoch: when it was sent
	socket   int64 // how long until the moderator's socket had it; 0: not yet
	queue    int64 // how long until a queue answer had it (reports of the second half)
	category string
	half     int // 0 or 1
}

// moderationSeq keeps the e-mail addresses of repeated runs on one server
// apart.
var moderationSeq atomic.Int64

var (
	reportKey = []byte(`"event":"moderation.report"`)
	typingKey = []byte(`"type":"typing"`)
)

// RunModeration measures how long a report takes to reach a moderator:
// on the websocket (moderation:<panel>) and in the queue, against a typing
// message between the same two sockets.
func RunModeration(ctx context.Context, srv *Server, fix *Fixture, cfg ModerationConfig) (ModerationResult, error) {
	res := ModerationResult{Reports: cfg.Reports, Reporters: cfg.Reporters}
	if cfg.Reporters < 2 || cfg.Reports < 2 || cfg.Reports > moderation.MaxQueueLimit {
		return res, fmt.Errorf("moderation: need at least 2 reporters and 2 to %d reports, got %d and %d", moderation.MaxQueueLimit, cfg.Reporters, cfg.Reports)
	}
	run := moderationSeq.Add(1)
	mod, err := fix.addModerator(ctx, fmt.Sprintf("moderator%d@bench.example", run))
	if err != nil {
		return res, fmt.Errorf("moderator: %w", err)
	}
	reporters, err := fix.inviteMany(ctx, cfg.Reporters, func(i int) string { return fmt.Sprintf("reporter%d-%d@bench.example", run, i) })
	if err != nil {
		return res, fmt.Errorf("reporters: %w", err)
	}
	pl, err := fix.NewPledge(ctx, 200)
	if err != nil {
		return res, err
	}

	// Comment j is written by reporter j+1 and reported by reporter j
	// (nobody reports their own words).
	hc := newHTTPClient(cfg.Reporters + 4)
	apis := make([]*api, cfg.Reporters)
	for i, r := range reporters {
		apis[i] = &api{base: srv.Base, hc: hc, token: r.Token}
	}
	comments, err := postComments(ctx, pl, apis, cfg.Reports)
	if err != nil {
		return res, fmt.Errorf("comments: %w", err)
	}

	// The moderator's socket follows the panel's moderation topic, and the
	// pledge for the typing baseline.
	modConn, err := dialWS(ctx, srv.Base, mod.Token, nil)
	if err != nil {
		return res, err
	}
	defer modConn.Close()
	for _, topic := range []string{moderation.Topic(fix.Panel), pl.Topic()} {
		if err := subscribe(modConn, topic, 30*time.Second); err != nil {
			return res, fmt.Errorf("moderator: %w", err)
		}
	}
	var tokens []string
	for _, r := range reporters {
		tokens = append(tokens, r.Token)
	}
	socks, err := openSubscribers(ctx, srv.Base, tokens, pl.Topic(), cfg.Reporters)
	if err != nil {
		return res, fmt.Errorf("reporter sockets: %w", err)
	}
	for _, c := range socks {
		go discard(c)
	}
	defer func() {
		for _, c := range socks {
			c.Close()
		}
	}()

	var (
		mu       sync.Mutex
		reports  = map[string]*modProbe{} // by comment id
		typings  = map[string]*modProbe{} // on their way, by probe item (probeItem)
		sent     []*modProbe              // every typing probe, for the figures
		last     atomic.Int64
		fetching atomic.Bool // the second half: the moderator fetches the queue on events
		dirty    = make(chan struct{}, 1)
	)
	epoch := time.Now()
	since := func() int64 { return int64(time.Since(epoch)) }
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for {
			_, frame, err := modConn.ReadMessage()
			if err != nil {
				return
			}
			now := since()
			last.Store(now)
			for _, msg := range protocol.Messages(frame) {
				var p *modProbe
				switch {
				case bytes.Contains(msg, reportKey):
					var ev struct {
						Data struct {
							ContentRef struct {
								ID string `json:"id"`
							} `json:"contentRef"`
						} `json:"data"`
					}
					if json.Unmarshal(msg, &ev) == nil {
						mu.Lock()
						p = reports[ev.Data.ContentRef.ID]
						mu.Unlock()
					}
					if fetching.Load() {
						select {
						case dirty <- struct{}{}:
						default:
						}
					}
				case bytes.Contains(msg, typingKey):
					if k := probeNumber(msg); k >= 0 {
						mu.Lock()
						p = typings[strconv.FormatInt(k, 10)]
						mu.Unlock()
					}
				}
				if p != nil {
					mu.Lock()
					if p.socket == 0 {
						p.socket = max(now-p.t0, 1)
					}
					mu.Unlock()
				}
			}
		}
	}()

	queueCtx, stopQueue := context.WithCancel(ctx)
	defer stopQueue()
	modAPI := &api{base: srv.Base, hc: newHTTPClient(2), token: mod.Token}
	queuePath := "/api/moderation/queue?" + url.Values{"panelId": {fix.Panel}, "limit": {strconv.Itoa(moderation.MaxQueueLimit)}}.Encode()
	var queueRTTs []time.Duration
	var queueErr error
	queueDone := make(chan struct{})
	go func() {
		defer close(queueDone)
		for {
			select {
			case <-queueCtx.Done():
				return
			case <-dirty:
			}
			var page struct {
				Cases []struct {
					Content struct {
						ID string `json:"id"`
					} `json:"content"`
				} `json:"cases"`
			}
			t0 := time.Now()
			if err := modAPI.call(queueCtx, "GET", queuePath, nil, &page, http.StatusOK); err != nil {
				if queueCtx.Err() == nil {
					queueErr = err
				}
				return
			}
			now := since()
			queueRTTs = append(queueRTTs, time.Since(t0))
			res.QueueCases = len(page.Cases)
			mu.Lock()
			for _, c := range page.Cases {
				if p := reports[c.Content.ID]; p != nil && p.queue == 0 {
					p.queue = max(now-p.t0, 1)
				}
			}
			mu.Unlock()
		}
	}()
	waitQuiet(ctx, &last, epoch, 300*time.Millisecond, 30*time.Second)

	// The reporters: each alternates a report and a typing probe, one
	// every Interval.
	var (
		rttMu   sync.Mutex
		rtts    []time.Duration
		failed  atomic.Int64
		failWhy atomic.Value
		probeN  atomic.Int64
	)
	half := func(h, from, to int) {
		start := time.Now()
		var wg sync.WaitGroup
		for i := range cfg.Reporters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(i), uint64(11+h)))
				next := start.Add(time.Duration(r.Int64N(int64(cfg.Interval))))
				pause := func() bool {
					if d := time.Until(next); d > 0 {
						if sleepCtx(ctx, d) != nil {
							return false
						}
					}
					next = time.Now().Add(time.Duration(float64(cfg.Interval) * (0.8 + 0.4*r.Float64())))
					return true
				}
				for j := from + (i-from%cfg.Reporters+cfg.Reporters)%cfg.Reporters; j < to; j += cfg.Reporters {
					if !pause() {
						return
					}
					category := moderation.CategoryBullying
					if cfg.SafeguardingEvery > 0 && j%cfg.SafeguardingEvery == cfg.SafeguardingEvery-1 {
						category = moderation.CategorySafeguarding
					}
					p := &modProbe{category: category, half: h}
					mu.Lock()
					p.t0 = since()
					reports[comments[j]] = p
					mu.Unlock()
					t0 := time.Now()
					err := apis[i].call(ctx, "POST", "/api/reports", map[string]any{"contentType": "pledge_comment", "contentId": comments[j], "category": category}, nil, http.StatusCreated)
					if err != nil {
						failed.Add(1)
						failWhy.CompareAndSwap(nil, err.Error())
						mu.Lock()
						delete(reports, comments[j])
						mu.Unlock()
					} else {
						rttMu.Lock()
						rtts = append(rtts, time.Since(t0))
						rttMu.Unlock()
					}

					if !pause() {
						return
					}
					n := probeN.Add(1) % probeItems
					k := strconv.FormatInt(n, 10)
					b, _ := json.Marshal(map[string]any{"type": "typing", "topic": pl.Topic(), "itemId": pl.probeItem(n)})
					p = &modProbe{half: h}
					mu.Lock()
					if old := typings[k]; old != nil && old.socket == 0 {
						mu.Unlock() // this probe item is still on its way: skip a turn
						continue
					}
					p.t0 = since()
					typings[k] = p
					sent = append(sent, p)
					mu.Unlock()
					_ = socks[i].SetWriteDeadline(time.Now().Add(5 * time.Second))
					if err := socks[i].WriteMessage(websocket.TextMessage, b); err != nil {
						failWhy.CompareAndSwap(nil, "typing: "+err.Error())
					}
				}
			}()
		}
		wg.Wait()
	}
	// arrived waits until everything sent has arrived, at most 5 s.
	arrived := func() {
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && ctx.Err() == nil; {
			mu.Lock()
			waiting := 0
			for _, p := range reports {
				if p.socket == 0 || p.half == 1 && p.queue == 0 {
					waiting++
				}
			}
			for _, p := range typings {
				if p.socket == 0 {
					waiting++
				}
			}
			mu.Unlock()
			if waiting == 0 {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// Each half is timed with the server's CPU use.
	start := time.Now()
	mid := cfg.Reports / 2
	for h, span := range [][2]int{{0, mid}, {mid, cfg.Reports}} {
		fetching.Store(h == 1)
		cpu0, t0 := cpuTime(srv.PID()), time.Now()
		half(h, span[0], span[1])
		arrived()
		if cpu1 := cpuTime(srv.PID()); cpu0 >= 0 && cpu1 >= 0 {
			res.ServerCPU[h] = (cpu1 - cpu0).Seconds() / time.Since(t0).Seconds()
		}
	}
	took := time.Since(start)
	stopQueue()
	<-queueDone
	modConn.Close()
	<-readerDone
	if queueErr != nil {
		return res, fmt.Errorf("moderation queue: %w", queueErr)
	}

	var sock, sockQ, queue, typing, typingQ, bully, safe deliveries
	for _, p := range reports {
		switch {
		case p.half == 1:
			sockQ.add(p.socket)
			queue.add(p.queue)
		case p.category == moderation.CategorySafeguarding:
			sock.add(p.socket)
			safe.add(p.socket)
		default:
			sock.add(p.socket)
			bully.add(p.socket)
		}
	}
	for _, p := range sent {
		if p.half == 1 {
			typingQ.add(p.socket)
		} else {
			typing.add(p.socket)
		}
	}
	res.Socket, res.Typing, res.Bullying, res.Safeguarding = sock.summary(), typing.summary(), bully.summary(), safe.summary()
	res.Queue, res.SocketQueued, res.TypingQueued = queue.summary(), sockQ.summary(), typingQ.summary()
	res.RTT = summarise(rtts, 0).P50
	res.QueueRTT = summarise(queueRTTs, 0).P50
	res.QueueGets = len(queueRTTs)
	res.Failed = int(failed.Load())
	if why, ok := failWhy.Load().(string); ok {
		res.FailWhy = why
	}
	res.Rate = float64(len(rtts)) / took.Seconds()
	if len(rtts) == 0 {
		return res, fmt.Errorf("no report was accepted (%d refused: %s)", res.Failed, res.FailWhy)
	}
	return res, nil
}

// CPUTime is the CPU time (user and system) process pid has used so far,
// or -1 when /proc cannot tell.
func CPUTime(pid int) time.Duration { return cpuTime(pid) }

func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	// The fields after the command name (in brackets, may hold spaces):
	// utime and stime are the 12th and 13th, in clock ticks (100 a second
	// on Linux).
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return -1
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	k, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return time.Duration(u+k) * 10 * time.Millisecond
}

// deliveries gathers delivery times.
type deliveries struct {
	ds      []time.Duration
	missing int
}

// add counts one delivery that took ns (0: it never arrived).
func (d *deliveries) add(ns int64) {
	if ns == 0 {
		d.missing++
		return
	}
	d.ds = append(d.ds, time.Duration(ns))
}

func (d *deliveries) summary() Latency { return summarise(d.ds, d.missing) }

// postComments writes n comments on the pledge's item, comment j by
// apis[(j+1) % len(apis)], and returns their ids.
func postComments(ctx context.Context, pl Pledge, apis []*api, n int) ([]string, error) {
	return inParallel(n, 8, func(j int) (string, error) {
		var out struct {
			Comment struct {
				ID string `json:"id"`
			} `json:"comment"`
		}
		text := fmt.Sprintf("Point %d: apps should explain their rules in words young people understand, and say it before we sign up.", j%50+1)
		err := apis[(j+1)%len(apis)].call(ctx, "POST", "/api/pledges/"+pl.ID+"/items/"+pl.Item+"/comments", map[string]any{"text": text}, &out, http.StatusCreated)
		return out.Comment.ID, err
	})
}

// inviteMany invites n youth into the group, a few at a time.
func (f *Fixture) inviteMany(ctx context.Context, n int, email func(i int) string) ([]Account, error) {
	return inParallel(n, 4, func(i int) (Account, error) {
		return f.invite(ctx, email(i), fmt.Sprintf("Alex Reporter%c", 'A'+i%26))
	})
}

// addModerator invites an adult moderator of the panel (and of the group)
// and signs them in.
func (f *Fixture) addModerator(ctx context.Context, email string) (Account, error) {
	if err := f.coord.call(ctx, "POST", "/api/panels/"+f.Panel+"/invitations",
		map[string]any{"email": email, "role": "moderator", "language": "en", "groupId": f.Group}, nil, http.StatusCreated); err != nil {
		return Account{}, err
	}
	token, err := f.invitationToken(ctx, email)
	if err != nil {
		return Account{}, err
	}
	anon := &api{base: f.srv.Base, hc: newHTTPClient(1)}
	var me struct {
		Me struct {
			Account struct {
				ID string `json:"id"`
			} `json:"account"`
		} `json:"me"`
	}
	if err := anon.call(ctx, "POST", "/api/invitations/by-token/"+token+"/accept",
		map[string]any{"displayName": "Morgan Moderator", "password": password, "language": "en"}, &me, http.StatusCreated); err != nil {
		return Account{}, err
	}
	acc := Account{ID: me.Me.Account.ID}
	acc.Token, err = accessToken(ctx, f.srv.Base, email)
	return acc, err
}

// invitationToken finds the token of the invitation mailed to email.
func (f *Fixture) invitationToken(_ context.Context, email string) (string, error) {
	return f.srv.invitationToken(email)
}
