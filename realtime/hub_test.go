package realtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"chorus/fault"
	"chorus/realtime"
	"chorus/store"
	"chorus/store/sqlite"
)

// env is one process: a store, a broker, the feed and a hub behind an
// HTTP test server that upgrades /ws?account=ID.
type env struct {
	t      *testing.T
	docs   store.Documents // the feed: appending here publishes
	broker realtime.Broker
	hub    *realtime.Hub
	url    string
	perms  *perms
	served chan error // why each Serve returned
}

// perms is the test's authorization: account -> topics allowed.
type perms struct {
	mu    sync.Mutex
	allow map[string]map[string]bool
}

func (p *perms) set(account, topic string, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.allow[account] == nil {
		p.allow[account] = map[string]bool{}
	}
	p.allow[account][topic] = ok
}

func (p *perms) authorize(_ context.Context, account, topic string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.allow[account][topic] {
		return nil
	}
	return fault.Errorf(fault.Forbidden, "You may not see %s.", topic)
}

func openStore(t *testing.T) store.Documents {
	t.Helper()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "chorus.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newEnv(t *testing.T, raw store.Documents, b realtime.Broker, tune func(*realtime.Config)) *env {
	t.Helper()
	e := &env{t: t, broker: b, perms: &perms{allow: map[string]map[string]bool{}}, served: make(chan error, 100)}
	e.docs = realtime.Publishing(raw, b)
	cfg := realtime.Config{Broker: b, Events: raw, Authorize: e.perms.authorize}
	if tune != nil {
		tune(&cfg)
	}
	hub, err := realtime.NewHub(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.hub = hub
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sock, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		p := realtime.Peer{AccountID: r.URL.Query().Get("account"), Audience: r.URL.Query().Get("audience")}
		if ttl := r.URL.Query().Get("ttl"); ttl != "" {
			d, _ := time.ParseDuration(ttl)
			p.ExpiresAt = time.Now().Add(d)
		}
		e.served <- hub.Serve(context.Background(), sock, p)
	}))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hub.Shutdown(ctx)
		srv.Close()
	})
	e.url = "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	return e
}

func (e *env) append(subject, typ string) store.Event {
	e.t.Helper()
	ev, err := e.docs.AppendEvent(context.Background(), store.Event{Actor: "acc-x", Type: typ, Subject: subject, Data: json.RawMessage(`{"n":1}`)})
	if err != nil {
		e.t.Fatal(err)
	}
	return ev
}

// patience bounds every wait of these tests: generous, because a loaded
// machine (CI runs every package at once, under the race detector) can
// stall for seconds, and bounded, so that a hang fails.
const patience = 15 * time.Second

// wsClient is a test client with bounded reads.
type wsClient struct {
	t       *testing.T
	conn    *websocket.Conn
	pending [][]byte // messages of the last frame not read yet
}

type msg struct {
	Type      string                    `json:"type"`
	Topic     string                    `json:"topic"`
	ID        int64                     `json:"id"`
	Event     string                    `json:"event"`
	Last      int64                     `json:"last"`
	Code      string                    `json:"code"`
	Message   string                    `json:"message"`
	Reason    string                    `json:"reason"`
	AccountID string                    `json:"accountId"`
	ItemID    string                    `json:"itemId"`
	Members   []realtime.PresenceMember `json:"members"`
	Actor     string                    `json:"actor"`
}

func (e *env) dial(account, query string) *wsClient {
	e.t.Helper()
	d := websocket.Dialer{HandshakeTimeout: patience}
	conn, _, err := d.Dial(e.url+"?account="+account+query, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { conn.Close() })
	return &wsClient{t: e.t, conn: conn}
}

func (c *wsClient) send(v any) {
	c.t.Helper()
	c.conn.SetWriteDeadline(time.Now().Add(patience))
	if err := c.conn.WriteJSON(v); err != nil {
		c.t.Fatal(err)
	}
}

// next reads one message within patience.
func (c *wsClient) next() (msg, error) {
	var m msg
	if len(c.pending) == 0 {
		c.conn.SetReadDeadline(time.Now().Add(patience))
		_, frame, err := c.conn.ReadMessage()
		if err != nil {
			return m, err
		}
		c.pending = realtime.Messages(frame)
	}
	data := c.pending[0]
	c.pending = c.pending[1:]
	if err := json.Unmarshal(data, &m); err != nil {
		c.t.Fatalf("not JSON: %s", data)
	}
	return m, nil
}

// until reads until a message matches, failing after patience.
func (c *wsClient) until(desc string, match func(msg) bool) msg {
	c.t.Helper()
	deadline := time.Now().Add(patience)
	for time.Now().Before(deadline) {
		m, err := c.next()
		if err != nil {
			c.t.Fatalf("waiting for %s: %v", desc, err)
		}
		if match(m) {
			return m
		}
	}
	c.t.Fatalf("no %s within %v", desc, patience)
	return msg{}
}

func (c *wsClient) subscribe(topic string, after *int64) {
	c.t.Helper()
	m := map[string]any{"type": "subscribe", "topic": topic}
	if after != nil {
		m["after"] = *after
	}
	c.send(m)
}

func isType(typ, topic string) func(msg) bool {
	return func(m msg) bool { return m.Type == typ && m.Topic == topic }
}

func TestSubscribeAuthorizedAndDenied(t *testing.T) {
	e := newEnv(t, openStore(t), realtime.NewLocalBroker(), nil)
	e.perms.set("ana", "group:1", true)
	c := e.dial("ana", "")
	c.subscribe("group:2", nil)
	if m := c.until("an error", isType("error", "group:2")); m.Code != "forbidden" || !strings.Contains(m.Message, "group:2") {
		t.Fatalf("denied subscribe: got %+v, want a forbidden error naming the topic", m)
	}
	c.subscribe("group:1", nil)
	c.until("subscribed", isType("subscribed", "group:1"))
	e.append("group:2", "x.changed") // not subscribed: never delivered
	ev := e.append("group:1", "x.changed")
	m := c.until("the event", isType("event", "group:1"))
	if m.ID != ev.ID || m.Event != "x.changed" {
		t.Fatalf("got %+v, want event %d x.changed", m, ev.ID)
	}
	c.subscribe("group:1", nil)
	if m := c.until("an error", isType("error", "group:1")); m.Code != "conflict" {
		t.Fatalf("second subscribe: got %+v, want conflict", m)
	}
	c.send(map[string]any{"type": "unsubscribe", "topic": "group:1"})
	c.until("unsubscribed", isType("unsubscribed", "group:1"))
	e.append("group:1", "x.after_unsubscribe")
	c.subscribe("group:1", nil) // a fresh subscription sees only what comes next
	c.until("subscribed", isType("subscribed", "group:1"))
	last := e.append("group:1", "x.next")
	if m := c.until("the next event", isType("event", "group:1")); m.ID != last.ID {
		t.Fatalf("after resubscribe: got event %d, want %d (nothing from while unsubscribed)", m.ID, last.ID)
	}
}

// TestSubscriptionsPerConnectionAreBounded: a connection follows at most
// Config.MaxTopics topics; one more is refused and changes nothing, and an
// unsubscribe makes room again. Each topic gets its own events.
func TestSubscriptionsPerConnectionAreBounded(t *testing.T) {
	const max = 5
	e := newEnv(t, openStore(t), realtime.NewLocalBroker(), func(c *realtime.Config) { c.MaxTopics = max })
	c := e.dial("ana", "")
	for i := range max + 1 {
		e.perms.set("ana", fmt.Sprintf("group:%d", i), true)
	}
	for i := range max {
		c.subscribe(fmt.Sprintf("group:%d", i), nil)
		c.until("subscribed", isType("subscribed", fmt.Sprintf("group:%d", i)))
	}
	extra := fmt.Sprintf("group:%d", max)
	c.subscribe(extra, nil)
	if m := c.until("an error", isType("error", extra)); m.Code != "too_large" {
		t.Fatalf("subscribe %d of %d: got %+v, want too_large", max+1, max, m)
	}
	e.append(extra, "x.refused") // not subscribed: never delivered
	for i := max - 1; i >= 0; i-- {
		ev := e.append(fmt.Sprintf("group:%d", i), "x.changed")
		m := c.until("the event", func(m msg) bool { return m.Type == "event" })
		if m.Topic != fmt.Sprintf("group:%d", i) || m.ID != ev.ID {
			t.Fatalf("got event %d on %s, want %d on group:%d", m.ID, m.Topic, ev.ID, i)
		}
	}
	c.send(map[string]any{"type": "unsubscribe", "topic": "group:2"})
	c.until("unsubscribed", isType("unsubscribed", "group:2"))
	c.subscribe(extra, nil)
	c.until("subscribed after making room", isType("subscribed", extra))
	ev := e.append(extra, "x.changed")
	if m := c.until("the event", isType("event", extra)); m.ID != ev.ID {
		t.Fatalf("%s: got event %d (%s on %s), want %d", extra, m.ID, m.Event, m.Topic, ev.ID)
	}
}

// Resume: what was missed comes first, in order, then live events, each once.
func TestResumeReplaysMissedEventsThenLiveOnes(t *testing.T) {
	e := newEnv(t, openStore(t), realtime.NewLocalBroker(), nil)
	e.perms.set("ana", "pledge:7", true)
	first := e.append("pledge:7", "item.edited")
	var want []int64
	for i := 0; i < 20; i++ {
		want = append(want, e.append("pledge:7", "item.edited").ID)
		e.append("pledge:8", "item.edited") // another topic: never replayed
	}
	c := e.dial("ana", "")
	// Events keep coming while the client resumes.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 30; i++ {
			select {
			case <-stop:
				return
			default:
			}
			ev, err := e.docs.AppendEvent(context.Background(), store.Event{Actor: "x", Type: "item.edited", Subject: "pledge:7"})
			if err != nil {
				return
			}
			mu.Lock()
			want = append(want, ev.ID)
			mu.Unlock()
			time.Sleep(time.Millisecond)
		}
	}()
	c.subscribe("pledge:7", &first.ID)
	wg.Wait()
	close(stop)
	final := e.append("pledge:7", "item.final")
	want = append(want, final.ID)
	var got []int64
	acked := false
	for {
		m, err := c.next()
		if err != nil {
			t.Fatalf("after %v: %v", got, err)
		}
		if m.Type == "subscribed" {
			acked = true
			continue
		}
		if m.Type != "event" || m.Topic != "pledge:7" {
			continue
		}
		got = append(got, m.ID)
		if m.ID == final.ID {
			break
		}
	}
	if !acked {
		t.Error("no subscribed message")
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got ids %v, want %v (in order, no gaps, no duplicates)", got, want)
	}
}

func TestResumeTooFarBehindAsksForRefetch(t *testing.T) {
	e := newEnv(t, openStore(t), realtime.NewLocalBroker(), func(c *realtime.Config) { c.MaxReplay = 5 })
	e.perms.set("ana", "group:1", true)
	after := int64(0)
	for i := 0; i < 6; i++ {
		e.append("group:1", "x")
	}
	c := e.dial("ana", "")
	c.subscribe("group:1", &after)
	m, err := c.next()
	if err != nil || m.Type != "refetch" || m.Topic != "group:1" {
		t.Fatalf("got %+v %v, want refetch first", m, err)
	}
	c.until("subscribed", isType("subscribed", "group:1"))
	ev := e.append("group:1", "x.live")
	if m := c.until("a live event", isType("event", "group:1")); m.ID != ev.ID {
		t.Fatalf("got %d, want the live event %d after the refetch", m.ID, ev.ID)
	}
	// Within reach: replayed, no refetch.
	c2 := e.dial("ana", "")
	behind := ev.ID - 3
	c2.subscribe("group:1", &behind)
	for i := int64(1); i <= 3; i++ {
		m, err := c2.next()
		if err != nil || m.Type != "event" || m.ID != behind+i {
			t.Fatalf("replay %d: got %+v %v", i, m, err)
		}
	}
}

// stuckSocket is a client that sends its first messages and then never
// reads: every write blocks until the socket is closed.
type stuckSocket struct {
	mu       sync.Mutex
	inbox    [][]byte
	deadline time.Time
	closed   chan struct{}
	once     sync.Once
}

func newStuck(first ...[]byte) *stuckSocket {
	return &stuckSocket{inbox: first, closed: make(chan struct{})}
}

func (s *stuckSocket) ReadMessage() (int, []byte, error) {
	_, r, err := s.NextReader()
	if err != nil {
		return 0, nil, err
	}
	b, _ := io.ReadAll(r)
	return websocket.TextMessage, b, nil
}

func (s *stuckSocket) NextReader() (int, io.Reader, error) {
	for {
		s.mu.Lock()
		d := s.deadline
		if len(s.inbox) > 0 {
			m := s.inbox[0]
			s.inbox = s.inbox[1:]
			s.mu.Unlock()
			return websocket.TextMessage, strings.NewReader(string(m)), nil
		}
		s.mu.Unlock()
		if !d.IsZero() && time.Now().After(d) {
			return 0, nil, errors.New("read deadline")
		}
		select {
		case <-s.closed:
			return 0, nil, errors.New("closed")
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func (s *stuckSocket) WriteMessage(int, []byte) error {
	<-s.closed
	return errors.New("closed")
}

func (s *stuckSocket) WriteControl(_ int, _ []byte, deadline time.Time) error {
	select {
	case <-s.closed:
	case <-time.After(time.Until(deadline)):
	}
	return errors.New("cannot write")
}

func (s *stuckSocket) SetReadDeadline(t time.Time) error {
	s.mu.Lock()
	s.deadline = t
	s.mu.Unlock()
	return nil
}
func (s *stuckSocket) SetWriteDeadline(time.Time) error  { return nil }
func (s *stuckSocket) SetReadLimit(int64)                {}
func (s *stuckSocket) SetPongHandler(func(string) error) {}
func (s *stuckSocket) Close() error                      { s.once.Do(func() { close(s.closed) }); return nil }

func TestSlowClientIsDroppedWithoutSlowingOthers(t *testing.T) {
	const queue = 16
	e := newEnv(t, openStore(t), realtime.NewLocalBroker(), func(c *realtime.Config) {
		c.QueueSize = queue
		c.CloseGrace = 200 * time.Millisecond
		c.WriteWait = time.Second
	})
	e.perms.set("slow", "group:1", true)
	e.perms.set("fast", "group:1", true)
	fast := e.dial("fast", "")
	fast.subscribe("group:1", nil)
	fast.until("subscribed", isType("subscribed", "group:1"))

	stuck := newStuck([]byte(`{"type":"subscribe","topic":"group:1"}`))
	slowDone := make(chan error, 1)
	go func() { slowDone <- e.hub.Serve(context.Background(), stuck, realtime.Peer{AccountID: "slow"}) }()
	waitFor(t, "the slow client to subscribe", func() bool { return len(e.hub.Presence("group:1")) == 2 })

	// The stuck client takes one message and no more, so its queue is full
	// after `queue` events and the next one drops it. The normal client
	// reads each burst before the next is published, and a burst is half
	// the queue: it keeps up however slowly this machine runs, so what the
	// test proves rests on outcomes, not on timing. It gets every event, in
	// order, while the stuck client is clogged and after it is gone.
	const burst, bursts = queue / 2, 8 // 4 queues' worth
	var got, want []int64
	for b := 0; b < bursts; b++ {
		for range burst {
			want = append(want, appendWithin(t, e.docs, "group:1").ID)
		}
		last := want[len(want)-1]
		fast.until("the burst", func(m msg) bool {
			if m.Type == "event" {
				got = append(got, m.ID)
			}
			return m.ID == last
		})
		if len(want) == 2*queue { // past its queue and then some: gone
			select {
			case err := <-slowDone:
				if !errors.Is(err, realtime.ErrTooSlow) {
					t.Fatalf("slow client ended with %v, want ErrTooSlow", err)
				}
			case <-time.After(patience):
				t.Fatalf("the slow client was not dropped after %d events with a queue of %d", len(want), queue)
			}
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the normal client got %v, want %v", got, want)
	}
	if c := e.hub.Connections(); c != 1 {
		t.Errorf("open connections: got %d, want 1", c)
	}
	// Its presence left with it.
	waitFor(t, "the slow client's presence to leave", func() bool { return len(e.hub.Presence("group:1")) == 1 })
}

// appendWithin appends an event to subject. A publisher that waited for a
// client that never reads would never return; the bound is per append (a
// durable store write each, slow on a busy disk) so that a hang fails and
// a slow machine does not.
func appendWithin(t *testing.T, docs store.Documents, subject string) store.Event {
	t.Helper()
	type result struct {
		ev  store.Event
		err error
	}
	done := make(chan result, 1)
	go func() {
		ev, err := docs.AppendEvent(context.Background(), store.Event{Actor: "acc-x", Type: "x", Subject: subject})
		done <- result{ev, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		return r.ev
	case <-time.After(patience):
		t.Fatalf("appending an event took over %v: a slow client blocked the publisher", patience)
		return store.Event{}
	}
}

// waitFor polls cond until it holds, failing after patience.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", patience, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Through a real socket: the close code and reason say why.
func TestSlowRealClientGetsTooSlowClose(t *testing.T) {
	e := newEnv(t, openStore(t), realtime.NewLocalBroker(), func(c *realtime.Config) {
		c.QueueSize = 4
		c.CloseGrace = 200 * time.Millisecond
	})
	e.perms.set("slow", "group:1", true)
	c := e.dial("slow", "")
	c.subscribe("group:1", nil)
	c.until("subscribed", isType("subscribed", "group:1"))
	// Big events fill the socket buffers and then the queue while the
	// client does not read.
	big := json.RawMessage(`{"text":"` + strings.Repeat("x", 256<<10) + `"}`)
	for i := 0; i < 200; i++ {
		if _, err := e.docs.AppendEvent(context.Background(), store.Event{Type: "x", Subject: "group:1", Data: big}); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-e.served:
			if !errors.Is(err, realtime.ErrTooSlow) {
				t.Fatalf("got %v, want ErrTooSlow", err)
			}
			for {
				if _, err := c.next(); err != nil {
					var ce *websocket.CloseError
					// The close frame sits behind the backlog the client never
					// read, so it may see it or just the cut connection.
					if errors.As(err, &ce) && ce.Code != realtime.CloseTooSlow && ce.Code != websocket.CloseAbnormalClosure {
						t.Fatalf("close: got %d %q, want %d \"too slow\"", ce.Code, ce.Text, realtime.CloseTooSlow)
					}
					return
				}
			}
		default:
		}
	}
	select {
	case err := <-e.served:
		if !errors.Is(err, realtime.ErrTooSlow) {
			t.Fatalf("got %v, want ErrTooSlow", err)
		}
	case <-time.After(patience):
		t.Fatal("a client that never reads was not dropped")
	}
}

func TestPresenceJoinItemTypingLeave(t *testing.T) {
	e := newEnv(t, openStore(t), realtime.NewLocalBroker(), nil)
	e.perms.set("ana", "pledge:1", true)
	e.perms.set("ben", "pledge:1", true)
	ana := e.dial("ana", "")
	ana.subscribe("pledge:1", nil)
	ana.until("own presence", func(m msg) bool { return m.Type == "presence" && len(m.Members) == 1 })
	ben := e.dial("ben", "")
	ben.subscribe("pledge:1", nil)
	ana.until("ben joining", func(m msg) bool { return m.Type == "presence" && len(m.Members) == 2 })
	ben.send(map[string]any{"type": "presence", "topic": "pledge:1", "itemId": "item-3"})
	m := ana.until("ben on item-3", func(m msg) bool {
		return m.Type == "presence" && len(m.Members) == 2 && m.Members[1].ItemID == "item-3"
	})
	if m.Members[1].AccountID != "ben" {
		t.Fatalf("presence: got %+v", m.Members)
	}
	ben.send(map[string]any{"type": "typing", "topic": "pledge:1", "itemId": "item-3"})
	if m := ana.until("typing", isType("typing", "pledge:1")); m.AccountID != "ben" || m.ItemID != "item-3" {
		t.Fatalf("typing: got %+v", m)
	}
	ben.conn.Close()
	m = ana.until("ben leaving", func(m msg) bool { return m.Type == "presence" && len(m.Members) == 1 })
	if m.Members[0].AccountID != "ana" {
		t.Fatalf("after leave: got %+v", m.Members)
	}
	// Typing in a topic one is not subscribed to is refused.
	ana.send(map[string]any{"type": "typing", "topic": "pledge:2", "itemId": "i"})
	if m := ana.until("an error", isType("error", "pledge:2")); m.Code != "invalid" {
		t.Fatalf("got %+v", m)
	}
}

// Two processes on one broker see each other's presence and events.
func TestTwoHubsShareOneBroker(t *testing.T) {
	raw := openStore(t)
	b := realtime.NewLocalBroker()
	a := newEnv(t, raw, b, nil)
	bb := newEnv(t, raw, b, nil)
	for _, e := range []*env{a, bb} {
		e.perms.set("ana", "group:1", true)
		e.perms.set("ben", "group:1", true)
	}
	ana := a.dial("ana", "")
	ana.subscribe("group:1", nil)
	ana.until("subscribed", isType("subscribed", "group:1"))
	ben := bb.dial("ben", "")
	ben.subscribe("group:1", nil)
	ben.until("ana's presence from the other hub", func(m msg) bool { return m.Type == "presence" && len(m.Members) == 2 })
	ev := a.append("group:1", "x.changed")
	if m := ben.until("the event from the other hub", isType("event", "group:1")); m.ID != ev.ID {
		t.Fatalf("got %+v", m)
	}
}

func TestRevocationEndsSubscriptionAtOnce(t *testing.T) {
	e := newEnv(t, openStore(t), realtime.NewLocalBroker(), nil)
	e.perms.set("lea", "group:1", true)
	e.perms.set("lea", "account:lea", true)
	c := e.dial("lea", "")
	c.subscribe("group:1", nil)
	c.until("subscribed", isType("subscribed", "group:1"))
	c.subscribe("account:lea", nil)
	c.until("subscribed", isType("subscribed", "account:lea"))

	e.perms.set("lea", "group:1", false) // what the policy now says
	e.append("account:lea", "consent.withdrawn")
	start := time.Now() // published: the durable write is not what is timed
	m := c.until("unsubscribed", isType("unsubscribed", "group:1"))
	if m.Code != "forbidden" || m.Reason == "" {
		t.Fatalf("got %+v, want a forbidden unsubscribe with a reason", m)
	}
	// At once, not at a heartbeat (25 s): a bound far from both ends, so
	// that a loaded machine does not fail it.
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("revocation took %v", took)
	}
	e.append("group:1", "x.secret")
	mark := e.append("account:lea", "x.marker")
	c.until("the marker", func(m msg) bool {
		if m.Type == "event" && m.Topic == "group:1" {
			t.Fatalf("an event of a revoked topic arrived: %+v", m)
		}
		return m.ID == mark.ID
	})
	// An event that revokes nothing leaves subscriptions alone.
	e.perms.set("lea", "group:1", true)
	c.subscribe("group:1", nil)
	c.until("subscribed", isType("subscribed", "group:1"))
	e.append("account:lea", "consent.granted")
	ev := e.append("group:1", "x.ok")
	c.until("the group event", func(m msg) bool { return m.ID == ev.ID })
}

func TestBadInputGetsErrorsAndTheConnectionSurvives(t *testing.T) {
	e := newEnv(t, openStore(t), realtime.NewLocalBroker(), func(c *realtime.Config) { c.RateLimit = 20; c.RateBurst = 20 })
	e.perms.set("ana", "group:1", true)
	c := e.dial("ana", "")
	for name, raw := range map[string]string{
		"not JSON":       `{nope`,
		"unknown type":   `{"type":"dance","topic":"group:1"}`,
		"no type":        `{"topic":"group:1"}`,
		"unknown field":  `{"type":"subscribe","topic":"group:1","admin":true}`,
		"bad topic":      `{"type":"subscribe","topic":"group 1"}`,
		"negative after": `{"type":"subscribe","topic":"group:1","after":-1}`,
		"oversized":      `{"type":"subscribe","topic":"` + strings.Repeat("g", 70<<10) + `"}`,
	} {
		c.conn.WriteMessage(websocket.TextMessage, []byte(raw))
		m, err := c.next()
		if err != nil || m.Type != "error" || m.Message == "" {
			t.Errorf("%s: got %+v %v, want an error message", name, m, err)
		}
	}
	c.subscribe("group:1", nil)
	c.until("subscribed after bad input", isType("subscribed", "group:1"))
	// Flooding is refused with a clear error.
	for i := 0; i < 40; i++ {
		c.send(map[string]any{"type": "presence", "topic": "group:1"})
	}
	c.until("rate limited", func(m msg) bool { return m.Type == "error" && m.Code == "rate_limited" })
}

func TestExpiredSessionClosesWith4001(t *testing.T) {
	e := newEnv(t, openStore(t), realtime.NewLocalBroker(), nil)
	c := e.dial("ana", "&ttl=300ms")
	_, err := c.next()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != realtime.CloseSessionExpired || ce.Text != "session expired" {
		t.Fatalf("got %v, want close 4001 \"session expired\"", err)
	}
	if err := <-e.served; !errors.Is(err, realtime.ErrSessionExpired) {
		t.Fatalf("Serve returned %v", err)
	}
}

func TestShutdownClosesEverySocketWith1001(t *testing.T) {
	// A peer that does not answer the close would hold the drain for the
	// whole CloseGrace, longer than Shutdown's context: Shutdown returning
	// nil says the answers ended the sockets, on a machine however slow.
	e := newEnv(t, openStore(t), realtime.NewLocalBroker(), func(c *realtime.Config) { c.CloseGrace = time.Minute })
	c1, c2 := e.dial("ana", ""), e.dial("ben", "")
	waitFor(t, "both sockets", func() bool { return e.hub.Connections() == 2 })
	// Clients that answer the close let the hub drain at once.
	for _, c := range []*wsClient{c1, c2} {
		go func() {
			for {
				if _, err := c.next(); err != nil {
					return
				}
			}
		}()
	}
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	if err := e.hub.Shutdown(ctx); err != nil {
		t.Fatalf("drain: %v (the sockets did not end when their clients answered the close)", err)
	}
	for i := 0; i < 2; i++ {
		if err := <-e.served; !errors.Is(err, realtime.ErrShuttingDown) {
			t.Errorf("Serve returned %v, want ErrShuttingDown", err)
		}
	}
	c3 := e.dial("cleo", "")
	_, err := c3.next()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != realtime.CloseGoingAway {
		t.Fatalf("a socket opened during shutdown: got %v, want close 1001", err)
	}
}

func FuzzDecodeInbound(f *testing.F) {
	for _, s := range []string{
		`{"type":"subscribe","topic":"group:1","after":5}`,
		`{"type":"unsubscribe","topic":"pledge:x"}`,
		`{"type":"presence","topic":"pledge:x","itemId":"i1"}`,
		`{"type":"typing","topic":"pledge:x","itemId":"i1"}`,
		`{"type":"typing","topic":"pledge:x"}`,
		`{}`, `[]`, `null`, `{"type":"subscribe","topic":"a:b"} {}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := realtime.DecodeInbound(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		if in.Topic == "" || len(in.Topic) > realtime.MaxTopicLen || len(in.ItemID) > realtime.MaxItemLen {
			t.Fatalf("accepted %+v", in)
		}
	})
}

// A burst of joins reaches a subscriber as a few coalesced snapshots (the
// newest always last), and presence never counts against the queue limit.
func TestPresenceBurstIsCoalescedAndDropsNobody(t *testing.T) {
	e := newEnv(t, openStore(t), realtime.NewLocalBroker(), func(c *realtime.Config) { c.QueueSize = 4 })
	const n = 30
	for i := 0; i <= n; i++ {
		e.perms.set(fmt.Sprint("acc-", i), "pledge:1", true)
	}
	ana := e.dial("acc-0", "")
	ana.subscribe("pledge:1", nil)
	ana.until("subscribed", isType("subscribed", "pledge:1"))
	for i := 1; i <= n; i++ {
		c := e.dial(fmt.Sprint("acc-", i), "")
		c.subscribe("pledge:1", nil)
	}
	snapshots := 0
	ana.until("everyone", func(m msg) bool {
		if m.Type == "presence" {
			snapshots++
		}
		return m.Type == "presence" && len(m.Members) == n+1
	})
	if snapshots > n/2 {
		t.Errorf("%d presence snapshots for %d joins: not coalesced", snapshots, n)
	}
	if c := e.hub.Connections(); c != n+1 {
		t.Errorf("open connections: got %d, want %d", c, n+1)
	}
	// Typing repeated at once is let through once; another item goes at once.
	ben := e.dial("acc-1", "")
	ben.subscribe("pledge:1", nil)
	ben.until("subscribed", isType("subscribed", "pledge:1"))
	for _, item := range []string{"i1", "i1", "i1", "i2"} {
		ben.send(map[string]any{"type": "typing", "topic": "pledge:1", "itemId": item})
	}
	if m := ana.until("typing i1", isType("typing", "pledge:1")); m.ItemID != "i1" {
		t.Fatalf("typing: got %+v", m)
	}
	if m := ana.until("typing i2", isType("typing", "pledge:1")); m.ItemID != "i2" {
		t.Fatalf("typing after i1: got %+v, want i2 (repeats of i1 are held back)", m)
	}
}

// The hub's one heartbeat pings every socket about once per PingInterval.
func TestHeartbeatPingsEverySocket(t *testing.T) {
	e := newEnv(t, openStore(t), realtime.NewLocalBroker(), func(c *realtime.Config) { c.PingInterval = 80 * time.Millisecond })
	var mu sync.Mutex
	pings := map[int]int{}
	for i := 0; i < 3; i++ {
		c := e.dial(fmt.Sprint("acc-", i), "")
		c.conn.SetPingHandler(func(string) error {
			mu.Lock()
			pings[i]++
			mu.Unlock()
			return nil
		})
		go func() {
			for {
				if _, _, err := c.conn.ReadMessage(); err != nil {
					return
				}
			}
		}()
	}
	// Two pings each, however long a loaded machine takes: the heartbeat
	// comes back to every socket, not just once.
	waitFor(t, "two pings on every socket", func() bool {
		mu.Lock()
		defer mu.Unlock()
		for i := 0; i < 3; i++ {
			if pings[i] < 2 {
				return false
			}
		}
		return true
	})
}

// A quiet socket gets a message at once; on a busy one, what arrives
// within WriteGap of the last write shares one frame.
func TestBusySocketGathersABurstIntoOneFrame(t *testing.T) {
	// A gap long enough that a loaded machine tells "at once" from "after
	// the gap", and that the burst's appends (a durable write each) land
	// within it.
	const gap = time.Second
	e := newEnv(t, openStore(t), realtime.NewLocalBroker(), func(c *realtime.Config) { c.WriteGap = gap })
	e.perms.set("a", "group:1", true)
	c := e.dial("a", "")
	c.subscribe("group:1", nil)
	c.until("subscribed", isType("subscribed", "group:1"))
	c.until("own presence", isType("presence", "group:1"))
	time.Sleep(gap + gap/10) // quiet again

	// events reads the next frame that holds events and counts them.
	events := func() int {
		t.Helper()
		for {
			c.conn.SetReadDeadline(time.Now().Add(patience))
			_, data, err := c.conn.ReadMessage()
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, m := range realtime.Messages(data) {
				if bytes.Contains(m, []byte(`"type":"event"`)) {
					n++
				}
			}
			if n > 0 {
				return n
			}
		}
	}
	e.append("group:1", "first")
	sent := time.Now() // the local broker has queued it for the socket
	if n := events(); n != 1 || time.Since(sent) > gap*3/4 {
		t.Fatalf("a quiet socket: %d events after %v; want the one event at once", n, time.Since(sent))
	}
	for range 5 {
		e.append("group:1", "burst")
	}
	if n := events(); n < 2 {
		t.Fatalf("the burst after a write: %d event(s) in the next frame, want them gathered", n)
	}
}

// Two processes append and publish on their own, so a subscriber may hear
// of an event after a newer one (A appended 1, B appended 2, B published
// first). The late event is still delivered, once; a repeat is not.
func TestLateEventIsDeliveredOnce(t *testing.T) {
	raw := openStore(t)
	b := realtime.NewLocalBroker()
	e := newEnv(t, raw, b, nil)
	e.perms.set("ana", "group:1", true)
	c := e.dial("ana", "")
	c.subscribe("group:1", nil)
	c.until("subscribed", isType("subscribed", "group:1"))
	var evs []store.Event
	for range 2 {
		ev, err := raw.AppendEvent(context.Background(), store.Event{Actor: "acc-x", Type: "x.changed", Subject: "group:1"})
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	publish := func(ev store.Event) {
		t.Helper()
		data, _ := json.Marshal(map[string]any{"id": ev.ID, "time": ev.Time, "actor": ev.Actor, "type": ev.Type, "subject": ev.Subject})
		if err := b.Publish(context.Background(), realtime.SubjectEvents, data); err != nil {
			t.Fatal(err)
		}
	}
	publish(evs[1])
	publish(evs[0])
	publish(evs[1])
	publish(evs[0])
	last := e.append("group:1", "x.next")
	var got []int64
	c.until("the next event", func(m msg) bool {
		if m.Type == "event" {
			got = append(got, m.ID)
		}
		return m.ID == last.ID
	})
	if want := []int64{evs[1].ID, evs[0].ID, last.ID}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("delivered %v, want %v (the late one once, no repeats)", got, want)
	}
}

// Events can reach a client out of id order (another process, or a
// transaction, publishes a moment later). A client that resumes names the
// ids it has beyond its resume point, so what was still on its way when
// the connection broke is replayed, and nothing twice.
func TestResumeReplaysAnEventThatWasLateWhenTheConnectionBroke(t *testing.T) {
	raw := openStore(t)
	b := realtime.NewLocalBroker()
	e := newEnv(t, raw, b, nil)
	e.perms.set("ana", "group:1", true)
	c := e.dial("ana", "")
	c.subscribe("group:1", nil)
	floor := c.until("subscribed", isType("subscribed", "group:1")).Last
	var evs []store.Event
	for range 2 {
		ev, err := raw.AppendEvent(context.Background(), store.Event{Actor: "acc-x", Type: "x.changed", Subject: "group:1"})
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	// Only the newer one arrives before the connection breaks.
	data, _ := json.Marshal(map[string]any{"id": evs[1].ID, "time": evs[1].Time, "actor": evs[1].Actor, "type": evs[1].Type, "subject": evs[1].Subject})
	if err := b.Publish(context.Background(), realtime.SubjectEvents, data); err != nil {
		t.Fatal(err)
	}
	c.until("the newer event", func(m msg) bool { return m.Type == "event" && m.ID == evs[1].ID })
	c.conn.Close()

	again := e.dial("ana", "")
	again.send(map[string]any{"type": "subscribe", "topic": "group:1", "after": floor, "have": []int64{evs[1].ID}})
	var got []int64
	again.until("subscribed", func(m msg) bool {
		if m.Type == "event" {
			got = append(got, m.ID)
		}
		return m.Type == "subscribed"
	})
	next := e.append("group:1", "x.next")
	again.until("the next event", func(m msg) bool {
		if m.Type == "event" {
			got = append(got, m.ID)
		}
		return m.ID == next.ID
	})
	if want := []int64{evs[0].ID, next.ID}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after resuming: %v, want %v (the late one replayed, the one it had not again)", got, want)
	}
}

func TestHaveNeedsAfterAndIdsBeyondIt(t *testing.T) {
	for _, raw := range []string{
		`{"type":"subscribe","topic":"group:1","have":[5]}`,
		`{"type":"subscribe","topic":"group:1","after":5,"have":[5]}`,
		`{"type":"subscribe","topic":"group:1","after":5,"have":[` + strings.Repeat("6,", 64) + `7]}`,
		`{"type":"unsubscribe","topic":"group:1","after":5,"have":[6]}`,
	} {
		if _, err := realtime.DecodeInbound([]byte(raw)); err == nil {
			t.Errorf("%s: accepted", raw)
		}
	}
	if _, err := realtime.DecodeInbound([]byte(`{"type":"subscribe","topic":"group:1","after":5,"have":[6,9]}`)); err != nil {
		t.Errorf("a valid have: %v", err)
	}
}
