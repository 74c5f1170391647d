package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"

	protocol "chorus/realtime"
)

// CoeditConfig sizes one co-editing run.
type CoeditConfig struct {
	Authors  int
	Interval time.Duration // each author edits this often (jittered ±20 %)
	Duration time.Duration // how long authors keep editing
	TextLen  int           // the item keeps about this many characters
}

// CoeditResult is what one co-editing run measured. Latency is per edit:
// from the author sending it to the last other author receiving its event.
type CoeditResult struct {
	Authors    int
	Edits      int // edits sent after the warm-up
	Complete   int // edits every other author received
	Failed     int // edits the API refused or that timed out
	FailWhy    string
	Incomplete int // edits some other author never received
	Dropped    int // sockets the server closed
	DropsEarly int // of which while everyone was joining, before the edits began
	DropWhy    string
	Latency    Latency
	RTT        time.Duration // p50 of the edit's HTTP round trip
	Rate       float64       // edits per second, all authors
}

type author struct {
	i    int
	conn *websocket.Conn
	api  *api

	mu      sync.Mutex
	version int64
	text    string
	raw     []byte // the newest event not yet decoded into text

	recv      []int64 // recv[version]: ns since the run's epoch when the event arrived
	dropped   error
	droppedAt int64 // ns since epoch
}

type sentEdit struct {
	author  int
	version int64
	at      int64 // ns since epoch
}

// RunCoedit has cfg.Authors authors, each with a socket subscribed to one
// pledge, edit the same item over the HTTP API every cfg.Interval.
func RunCoedit(ctx context.Context, srv *Server, fix *Fixture, cfg CoeditConfig) (CoeditResult, error) {
	res := CoeditResult{Authors: cfg.Authors}
	pl, err := fix.NewPledge(ctx, cfg.TextLen)
	if err != nil {
		return res, err
	}
	var tokens []string
	for _, y := range fix.Youth {
		tokens = append(tokens, y.Token)
	}
	conns, err := openSubscribers(ctx, srv.Base, tokens, pl.Topic(), cfg.Authors)
	if err != nil {
		return res, err
	}
	hc := newHTTPClient(cfg.Authors)
	expect := int(float64(cfg.Authors)*cfg.Duration.Seconds()/cfg.Interval.Seconds()*1.3) + 64
	authors := make([]*author, cfg.Authors)
	epoch := time.Now()
	var last atomic.Int64
	var closing atomic.Bool
	var readers sync.WaitGroup
	for i, c := range conns {
		a := &author{i: i, conn: c, api: &api{base: srv.Base, hc: hc, token: tokens[i%len(tokens)]},
			version: pl.Version, text: pl.Text, recv: make([]int64, expect)}
		authors[i] = a
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				_, frame, err := c.ReadMessage()
				if err != nil {
					if !closing.Load() {
						a.dropped, a.droppedAt = err, int64(time.Since(epoch))
					}
					return
				}
				now := int64(time.Since(epoch))
				last.Store(now)
				for _, msg := range protocol.Messages(frame) {
					v := editedVersion(msg)
					if v < 0 {
						continue
					}
					if int(v) >= len(a.recv) {
						a.recv = append(a.recv, make([]int64, int(v)-len(a.recv)+1024)...)
					}
					a.recv[v] = now
					a.mu.Lock()
					if v > a.version {
						a.version, a.raw = v, msg
					}
					a.mu.Unlock()
				}
			}
		}()
	}
	closeAll := func() {
		closing.Store(true)
		for _, c := range conns {
			c.Close()
		}
		readers.Wait()
	}
	defer func() {
		if !closing.Load() {
			closeAll()
		}
	}()
	// Everyone says which item they are on, as the editor does.
	for _, a := range authors {
		_ = a.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
		if err := a.conn.WriteJSON(map[string]any{"type": "presence", "topic": pl.Topic(), "itemId": pl.Item}); err != nil {
			return res, err
		}
	}
	waitQuiet(ctx, &last, epoch, 500*time.Millisecond, 60*time.Second)

	var (
		sentMu  sync.Mutex
		sent    []sentEdit
		rtts    []time.Duration
		failed  atomic.Int64
		failWhy atomic.Value
	)
	start := time.Now()
	began := int64(start.Sub(epoch))
	warm := int64(start.Sub(epoch) + cfg.Duration/10)
	end := start.Add(cfg.Duration)
	var editors sync.WaitGroup
	for _, a := range authors {
		editors.Add(1)
		go func() {
			defer editors.Done()
			r := rand.New(rand.NewPCG(uint64(a.i), 7))
			next := start.Add(time.Duration(r.Int64N(int64(cfg.Interval))))
			for {
				if d := time.Until(next); d > 0 {
					time.Sleep(d)
				}
				if time.Now().After(end) || ctx.Err() != nil {
					return
				}
				a.mu.Lock()
				if a.raw != nil {
					var ev struct {
						Data struct {
							Text string `json:"text"`
						} `json:"data"`
					}
					if json.Unmarshal(a.raw, &ev) == nil {
						a.text = ev.Data.Text
					}
					a.raw = nil
				}
				base, text := a.version, typeText(r, a.text, cfg.TextLen)
				a.mu.Unlock()
				t0 := time.Now()
				it, err := a.api.edit(ctx, pl, base, text)
				rtt := time.Since(t0)
				next = t0.Add(time.Duration(float64(cfg.Interval) * (0.8 + 0.4*r.Float64())))
				if err != nil {
					failed.Add(1)
					failWhy.CompareAndSwap(nil, err.Error())
					continue
				}
				sentMu.Lock()
				sent = append(sent, sentEdit{author: a.i, version: it.Item.Version, at: int64(t0.Sub(epoch))})
				rtts = append(rtts, rtt)
				sentMu.Unlock()
				a.mu.Lock()
				if it.Item.Version > a.version {
					a.version, a.text, a.raw = it.Item.Version, it.Item.Text, nil
				}
				a.mu.Unlock()
			}
		}()
	}
	editors.Wait()
	took := time.Since(start)
	waitQuiet(ctx, &last, epoch, time.Second, 15*time.Second)
	closeAll()

	// An author has an edit once it has any version from the edit's on:
	// edits merged together arrive as one event carrying the newest version.
	for _, a := range authors {
		a.recv = firstFrom(a.recv)
	}
	var lat []time.Duration
	for _, e := range sent {
		if e.at < warm {
			continue
		}
		res.Edits++
		worst, ok := int64(0), true
		for _, a := range authors {
			if a.i == e.author {
				continue
			}
			if int(e.version) >= len(a.recv) || a.recv[e.version] == 0 {
				ok = false
				break
			}
			worst = max(worst, a.recv[e.version]-e.at)
		}
		if !ok {
			res.Incomplete++
			continue
		}
		res.Complete++
		lat = append(lat, time.Duration(worst))
	}
	for _, a := range authors {
		if a.dropped != nil {
			res.Dropped++
			if a.droppedAt < began {
				res.DropsEarly++
			}
			if res.DropWhy == "" {
				res.DropWhy = a.dropped.Error()
			}
		}
	}
	res.Failed = int(failed.Load())
	if why, ok := failWhy.Load().(string); ok {
		res.FailWhy = why
	}
	res.Latency = summarise(lat, res.Incomplete)
	res.RTT = summarise(rtts, 0).P50
	res.Rate = float64(len(sent)) / took.Seconds()
	if res.Edits == 0 {
		return res, fmt.Errorf("no edits were measured (%d refused)", res.Failed)
	}
	return res, nil
}

// firstFrom turns arrival times per version (0: never) into the first
// arrival of that version or any later one.
func firstFrom(recv []int64) []int64 {
	out := make([]int64, len(recv))
	var best int64
	for v := len(recv) - 1; v >= 0; v-- {
		if recv[v] != 0 && (best == 0 || recv[v] < best) {
			best = recv[v]
		}
		out[v] = best
	}
	return out
}

// waitQuiet waits until no message arrived for d, at most limit.
func waitQuiet(ctx context.Context, last *atomic.Int64, epoch time.Time, d, limit time.Duration) {
	end := time.Now().Add(limit)
	for time.Now().Before(end) && ctx.Err() == nil {
		if time.Since(epoch)-time.Duration(last.Load()) > d {
			return
		}
		time.Sleep(d / 4)
	}
}
