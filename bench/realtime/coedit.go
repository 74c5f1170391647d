package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"

	"chorus/ot"
	protocol "chorus/realtime"
)

// CoeditConfig sizes one co-editing run.
type CoeditConfig struct {
	Authors  int
	Interval time.Duration // each author edits this often (jittered ±20 %)
	Duration time.Duration // how long authors keep editing
	TextLen  int           // the item keeps about this many characters
	// OnEdits, when set, is called as the authors begin editing, with how
	// long they will (to profile the server over that time).
	OnEdits func(d time.Duration)
}

// CoeditResult is what one co-editing run measured. Latency is per edit:
// from the author sending it to the last other author receiving its op.
type CoeditResult struct {
	Authors    int
	Editors    int // of the authors, those that made the edits (Hocuspocus: the others observe; Chorus: all)
	Asked      int // edits the authors made (several made while one is in flight go as one op)
	Accepted   int // of which the server acknowledged
	Edits      int // ops sent after the warm-up
	Complete   int // ops every other author received
	Failed     int // ops the server refused
	FailWhy    string
	Incomplete int // ops some other author never received
	Dropped    int // sockets the server closed
	DropsEarly int // of which while everyone was joining, before the edits began
	DropWhy    string
	Latency    Latency
	// EditorsLatency (Hocuspocus): until the last editor's socket has an
	// edit, which waits on the editors' node event loop too.
	EditorsLatency Latency
	RTT            time.Duration // p50 of the op's round trip (sent to ack)
	Rate           float64       // edits per second accepted, all authors
	AskedRate      float64       // edits per second made
	Markers        Markers
	LoadCPU        float64 // cores the load generator (this process) used while the authors edited
	// FramesPerSocket is how many websocket messages each socket got a
	// second while the authors edited (Hocuspocus: each observer's).
	FramesPerSocket float64
	ServerCPU       float64 // cores the server used while the authors edited
}

// Markers is what became of the markers the authors inserted, in the text
// the server holds at the end.
type Markers struct {
	Kept      int  // inserted and never deleted
	Intact    int  // of those, present exactly once
	Back      int  // deleted, yet present
	Scrambled int  // characters outside any marker
	Converged bool // every author holds the server's text
}

// Intact100 says whether every kept marker is there exactly once, and nothing else.
func (m Markers) Intact100() bool { return m.Kept == m.Intact && m.Back == 0 && m.Scrambled == 0 }

// markerRE matches a marker "[<author>.<seq>]" (base 36).
var markerRE = regexp.MustCompile(`\[[0-9a-z]+\.[0-9a-z]+\]`)

type author struct {
	i    int
	conn *websocket.Conn
	c    *ot.Client

	mu      sync.Mutex
	sentAt  map[int64]int64 // seq -> ns since epoch, for ops in flight
	edits   map[int64]int   // seq -> edits the op carries
	pending int             // edits made since the last op went
	marks   marks           // what those edits inserted and deleted
	flight  marks           // what the op in flight inserted and deleted
	recv    []int64         // recv[version]: ns since the run's epoch when its op arrived

	dropped   error
	droppedAt int64 // ns since epoch
}

type sentEdit struct {
	author  int
	version int64
	at      int64 // ns since epoch
	rtt     int64
}

// RunCoedit has cfg.Authors authors, each with a socket subscribed to one
// pledge, edit the same item every cfg.Interval with ops over the socket
// (one in flight each, as the browser does): insert a unique marker, or,
// while the text is longer than cfg.TextLen, delete one or two markers.
func RunCoedit(ctx context.Context, srv *Server, fix *Fixture, cfg CoeditConfig) (CoeditResult, error) {
	res := CoeditResult{Authors: cfg.Authors, Editors: cfg.Authors}
	var initial strings.Builder
	for k := 0; initial.Len() < cfg.TextLen; k++ {
		fmt.Fprintf(&initial, "[init.%s]", strconv.FormatInt(int64(k), 36))
	}
	pl, err := fix.NewPledgeText(ctx, initial.String())
	if err != nil {
		return res, err
	}
	inserted, deleted := map[string]bool{}, map[string]bool{}
	for _, m := range markerRE.FindAllString(pl.Text, -1) {
		inserted[m] = true
	}
	var tokens []string
	for _, y := range fix.Youth {
		tokens = append(tokens, y.Token)
	}
	feed := newRunFeed(pl.Text, pl.Version)
	conns, err := openSubscribers(ctx, srv.Base, tokens, pl.Topic(), cfg.Authors)
	if err != nil {
		return res, err
	}
	expect := int(float64(cfg.Authors)*cfg.Duration.Seconds()/cfg.Interval.Seconds()*1.3) + 64
	authors := make([]*author, cfg.Authors)
	epoch := time.Now()
	var (
		markMu   sync.Mutex // guards inserted and deleted
		last     atomic.Int64
		closing  atomic.Bool
		counting atomic.Bool  // the authors are editing: frames are counted
		frames   atomic.Int64 // frames the authors got while counting
		readers  sync.WaitGroup
		sentMu   sync.Mutex
		sent     []sentEdit
		accepted atomic.Int64
		failed   atomic.Int64
		failWhy  atomic.Value
		badFeed  atomic.Value
	)
	// send sends the next op of a (its lock held).
	send := func(a *author) {
		if a.c.Awaiting() {
			return
		}
		op, base, seq, ok := a.c.Next()
		if !ok {
			return
		}
		a.sentAt[seq], a.edits[seq], a.pending = int64(time.Since(epoch)), a.pending, 0
		a.flight, a.marks = a.marks, marks{}
		msg, _ := json.Marshal(map[string]any{"type": "edit", "topic": pl.Topic(), "itemId": pl.Item, "field": "text", "base": base, "op": op, "client": a.c.ID, "seq": seq})
		_ = a.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
		_ = a.conn.WriteMessage(websocket.TextMessage, msg)
	}
	// done records that a's op seq made version (its lock held).
	done := func(a *author, seq, version int64) {
		at, ok := a.sentAt[seq]
		if !ok {
			return
		}
		delete(a.sentAt, seq)
		markMu.Lock()
		a.flight.noteIn(inserted, deleted) // only what was accepted counts
		markMu.Unlock()
		a.flight = marks{}
		accepted.Add(int64(a.edits[seq]))
		delete(a.edits, seq)
		sentMu.Lock()
		sent = append(sent, sentEdit{author: a.i, version: version, at: at, rtt: int64(time.Since(epoch)) - at})
		sentMu.Unlock()
	}
	for i, c := range conns {
		a := &author{i: i, conn: c, c: ot.NewClient(strconv.FormatInt(int64(i), 36), pl.Text, pl.Version),
			sentAt: map[int64]int64{}, edits: map[int64]int{}, recv: make([]int64, expect)}
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
				if counting.Load() {
					frames.Add(1)
				}
				for _, msg := range protocol.Messages(frame) {
					a.receive(feed, msg, now, done, send, &failed, &failWhy, &badFeed)
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

	var asked atomic.Int64
	cpu0, srv0 := cpuTime(os.Getpid()), cpuTime(srv.PID())
	start := time.Now()
	counting.Store(true)
	began := int64(start.Sub(epoch))
	warm := int64(start.Sub(epoch) + cfg.Duration/10)
	end := start.Add(cfg.Duration)
	if cfg.OnEdits != nil {
		cfg.OnEdits(cfg.Duration)
	}
	var editors sync.WaitGroup
	for _, a := range authors {
		editors.Add(1)
		go func() {
			defer editors.Done()
			r := rand.New(rand.NewPCG(uint64(a.i), 7))
			next := start.Add(time.Duration(r.Int64N(int64(cfg.Interval))))
			for n := 0; ; n++ {
				if d := time.Until(next); d > 0 {
					time.Sleep(d)
				}
				if time.Now().After(end) || ctx.Err() != nil {
					return
				}
				// On the author's own clock, not from now: a late wake-up
				// does not lower the rate asked.
				next = next.Add(time.Duration(float64(cfg.Interval) * (0.8 + 0.4*r.Float64())))
				a.mu.Lock()
				op, m := markerEdit(r, a.c.Text(), cfg.TextLen, a.c.ID, n)
				if err := a.c.Edit(op); err == nil {
					a.marks.inserted = append(a.marks.inserted, m.inserted...)
					a.marks.deleted = append(a.marks.deleted, m.deleted...)
					a.pending++
					asked.Add(1)
					send(a)
				}
				a.mu.Unlock()
			}
		}()
	}
	editors.Wait()
	took := time.Since(start)
	counting.Store(false)
	cpu, srvCPU := cpuTime(os.Getpid())-cpu0, cpuTime(srv.PID())-srv0
	// Edits still buffered go once their op in flight is answered. A
	// backlog drains before the texts are compared: every author with
	// nothing unanswered, all at one version, and nothing arriving for a
	// second (a busy server can be silent for longer than that); a minute
	// at most (a dropped socket never settles).
	settled := func() bool {
		v := int64(-1)
		for _, a := range authors {
			a.mu.Lock()
			pending, at := a.c.Pending(), a.c.Version()
			a.mu.Unlock()
			if pending || (v >= 0 && at != v) {
				return false
			}
			v = at
		}
		return true
	}
	for end := time.Now().Add(time.Minute); time.Now().Before(end) && ctx.Err() == nil; {
		waitQuiet(ctx, &last, epoch, time.Second, time.Until(end))
		if settled() {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	text, _, err := (&api{base: srv.Base, hc: newHTTPClient(1), token: tokens[0]}).item(ctx, pl)
	if err != nil {
		return res, err
	}
	closeAll()
	res.Markers = markersIn(text, inserted, deleted)
	res.Markers.Converged = true
	for _, a := range authors {
		if a.dropped != nil {
			continue // counted apart (Dropped)
		}
		if a.c.Text() != text || a.c.Pending() {
			res.Markers.Converged = false
		}
	}
	if why, ok := badFeed.Load().(string); ok {
		return res, fmt.Errorf("an author's feed broke: %s", why)
	}

	for _, a := range authors {
		a.recv = firstFrom(a.recv)
	}
	var lat, rtts []time.Duration
	for _, e := range sent {
		if e.at < warm {
			continue
		}
		res.Edits++
		rtts = append(rtts, time.Duration(e.rtt))
		worst, ok := int64(0), true
		for _, a := range authors {
			if a.i == e.author || (a.dropped != nil && a.droppedAt < e.at+int64(5*time.Second)) {
				continue // a socket the server closed is counted apart (Dropped)
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
	res.Asked, res.Accepted = int(asked.Load()), int(accepted.Load())
	res.Latency = summarise(lat, res.Incomplete)
	res.RTT = summarise(rtts, 0).P50
	res.Rate = float64(res.Accepted) / took.Seconds()
	res.AskedRate = float64(res.Asked) / took.Seconds()
	res.LoadCPU = cpu.Seconds() / took.Seconds()
	res.FramesPerSocket = float64(frames.Load()) / float64(cfg.Authors) / took.Seconds()
	res.ServerCPU = srvCPU.Seconds() / took.Seconds()
	if res.Edits == 0 {
		return res, fmt.Errorf("no edits were measured (%d refused: %s)", res.Failed, res.FailWhy)
	}
	return res, nil
}

// receive handles one server message for a.
func (a *author) receive(feed *runFeed, msg []byte, now int64, done func(*author, int64, int64), send func(*author), failed *atomic.Int64, failWhy, badFeed *atomic.Value) {
	switch {
	case bytes.Contains(msg, editedKey):
		ops, ok := feed.decode(msg)
		if !ok {
			return
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		for _, o := range ops {
			if int(o.V) >= len(a.recv) {
				a.recv = append(a.recv, make([]int64, int(o.V)-len(a.recv)+1024)...)
			}
			a.recv[o.V] = now
			if o.Client == a.c.ID {
				done(a, o.Seq, o.V)
			}
			var err error
			if text, ok := feed.text(o); ok {
				err = a.c.AppliedText(o.V, o.Op, o.Client, o.Seq, text)
			} else {
				err = a.c.Applied(o.V, o.Op, o.Client, o.Seq)
			}
			if err != nil {
				badFeed.CompareAndSwap(nil, err.Error())
			}
		}
		send(a)
	case bytes.Contains(msg, ackKey):
		var m struct {
			Seq     int64 `json:"seq"`
			Version int64 `json:"version"`
		}
		if json.Unmarshal(msg, &m) != nil {
			return
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		done(a, m.Seq, m.Version)
		a.c.Ack(m.Seq, m.Version)
		send(a)
	case bytes.Contains(msg, refusedKey):
		failed.Add(1)
		failWhy.CompareAndSwap(nil, string(msg))
		a.mu.Lock()
		defer a.mu.Unlock()
		a.c.Drop() // as the browser does: what was refused is gone
		a.flight, a.marks, a.pending = marks{}, marks{}, 0
		send(a)
	}
}

// editedOp is one op of a pledge.item_edited event.
type editedOp struct {
	V      int64  `json:"v"`
	Op     ot.Op  `json:"op"`
	Client string `json:"client"`
	Seq    int64  `json:"seq"`
}

// runFeed is what every author of a run receives, worked out once for
// all: each event decoded, and the item's text at each version. The
// authors all receive the same bytes and the same ops; decoding them and
// applying them to the server's text 400 times over would make the load
// generator, not the server, what is measured. Each author still
// transforms every op against what it has not had acknowledged, and keeps
// its own text (ot.Client.AppliedText).
type runFeed struct {
	mu    sync.Mutex
	ops   map[int64][]editedOp // by event id
	texts map[int64]string     // by version
}

func newRunFeed(text string, version int64) *runFeed {
	return &runFeed{ops: map[int64][]editedOp{}, texts: map[int64]string{version: text}}
}

var eventIDKey = []byte(`"id":`)

// decode returns the ops of an event.
func (f *runFeed) decode(msg []byte) ([]editedOp, bool) {
	id := intAfter(msg, eventIDKey, ',')
	f.mu.Lock()
	ops, ok := f.ops[id]
	f.mu.Unlock()
	if ok && id >= 0 {
		return ops, true
	}
	var ev struct {
		Data struct {
			Ops []editedOp `json:"ops"`
		} `json:"data"`
	}
	if json.Unmarshal(msg, &ev) != nil {
		return nil, false
	}
	if id >= 0 {
		f.mu.Lock()
		f.ops[id] = ev.Data.Ops
		f.mu.Unlock()
	}
	return ev.Data.Ops, true
}

// text is the item's text at version o.V, made by o; ok is false when the
// text before it is not known (then the author applies o itself).
func (f *runFeed) text(o editedOp) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if t, ok := f.texts[o.V]; ok {
		return t, true
	}
	prev, ok := f.texts[o.V-1]
	if !ok {
		return "", false
	}
	t, err := ot.Apply(prev, o.Op)
	if err != nil {
		return "", false
	}
	f.texts[o.V] = t
	return t, true
}

var (
	ackKey     = []byte(`"type":"ack"`)
	refusedKey = []byte(`"type":"refused"`)
)

// marks are the markers some edits inserted and deleted.
type marks struct{ inserted, deleted []string }

// noteIn adds m to inserted and deleted.
func (m marks) noteIn(inserted, deleted map[string]bool) {
	for _, s := range m.inserted {
		inserted[s] = true
	}
	for _, s := range m.deleted {
		deleted[s] = true
	}
}

// markerEdit is an author's next change of text: a unique marker inserted
// at a marker boundary or, while the text is longer than maxLen, one or
// two markers deleted, and what it inserts and deletes; the author adds
// that to the run's once the server accepted the edit (an edit refused is
// gone: its marker was never inserted, a marker it deleted stays).
func markerEdit(r *rand.Rand, text string, maxLen int, who string, n int) (ot.Op, marks) {
	var m marks
	units := markerRE.FindAllStringIndex(text, -1)
	if len(text) > maxLen && len(units) > 1 {
		k := r.IntN(len(units) - 1)
		to := min(len(units), k+1+r.IntN(2))
		for _, u := range units[k:to] {
			m.deleted = append(m.deleted, text[u[0]:u[1]])
		}
		return ot.Delete(units[k][0], units[to-1][1]-units[k][0]), m // markers are ASCII: bytes are code points
	}
	mk := "[" + who + "." + strconv.FormatInt(int64(n), 36) + "]"
	m.inserted = append(m.inserted, mk)
	at := len(text)
	if k := r.IntN(len(units) + 1); k < len(units) {
		at = units[k][0]
	}
	return ot.Insert(at, mk), m
}

// markersIn checks the markers of text against what was inserted and deleted.
func markersIn(text string, inserted, deleted map[string]bool) Markers {
	var m Markers
	count := map[string]int{}
	for _, s := range markerRE.FindAllString(text, -1) {
		count[s]++
	}
	m.Scrambled = len(markerRE.ReplaceAllString(text, ""))
	for s := range inserted {
		switch {
		case deleted[s]:
			if count[s] > 0 {
				m.Back++
			}
		default:
			m.Kept++
			if count[s] == 1 {
				m.Intact++
			}
		}
	}
	return m
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
