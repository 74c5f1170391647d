package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	natsserver "github.com/nats-io/nats-server/v2/server"

	"chorus/config"
	"chorus/realtime"
	"chorus/store"
)

// feeds captures each test server's publishing store by port, so a test
// can append an event "through" that server where no API change exists yet.
type feeds struct {
	mu   sync.Mutex
	docs map[int]store.Documents
}

func captureFeeds(t *testing.T) *feeds {
	f := &feeds{docs: map[int]store.Documents{}}
	storesOpened = func(cfg config.Config, docs store.Documents) {
		f.mu.Lock()
		f.docs[cfg.Port] = docs
		f.mu.Unlock()
	}
	t.Cleanup(func() { storesOpened = nil })
	return f
}

func (f *feeds) of(t *testing.T, base string) store.Documents {
	t.Helper()
	u, _ := url.Parse(base)
	port, _ := strconv.Atoi(u.Port())
	f.mu.Lock()
	defer f.mu.Unlock()
	d := f.docs[port]
	if d == nil {
		t.Fatalf("no store captured for %s", base)
	}
	return d
}

type wsMsg struct {
	Type    string          `json:"type"`
	Topic   string          `json:"topic"`
	ID      int64           `json:"id"`
	Event   string          `json:"event"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`

	Members []realtime.PresenceMember `json:"members"`
}

type wsConn struct {
	t       *testing.T
	c       *websocket.Conn
	pending [][]byte // messages of the last frame not read yet
}

// dialWS opens /ws as c's browser would (its cookies), or with a ticket
// when c is nil.
func dialWS(t *testing.T, base string, c *client, query string, hdr http.Header) (*wsConn, *http.Response, error) {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: patience}
	if c != nil {
		d.Jar = c.http.Jar
	}
	conn, resp, err := d.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws"+query, hdr)
	if err != nil {
		return nil, resp, err
	}
	t.Cleanup(func() { conn.Close() })
	return &wsConn{t: t, c: conn}, resp, nil
}

func (w *wsConn) send(v any) {
	w.t.Helper()
	w.c.SetWriteDeadline(time.Now().Add(patience))
	if err := w.c.WriteJSON(v); err != nil {
		w.t.Fatal(err)
	}
}

// next reads the next message (a frame may hold several).
func (w *wsConn) next() ([]byte, error) {
	if len(w.pending) == 0 {
		_, frame, err := w.c.ReadMessage()
		if err != nil {
			return nil, err
		}
		w.pending = realtime.Messages(frame)
	}
	data := w.pending[0]
	w.pending = w.pending[1:]
	return data, nil
}

// until reads messages until one matches, within patience.
func (w *wsConn) until(desc string, match func(wsMsg) bool) wsMsg {
	w.t.Helper()
	deadline := time.Now().Add(patience)
	w.c.SetReadDeadline(deadline)
	for {
		data, err := w.next()
		if err != nil {
			w.t.Fatalf("waiting for %s: %v", desc, err)
		}
		var m wsMsg
		if err := json.Unmarshal(data, &m); err != nil {
			w.t.Fatalf("not JSON: %s", data)
		}
		if match(m) {
			return m
		}
	}
}

// closed waits for the server to close the socket and returns the close error.
func (w *wsConn) closed() *websocket.CloseError {
	w.t.Helper()
	w.c.SetReadDeadline(time.Now().Add(patience))
	for {
		if _, _, err := w.c.ReadMessage(); err != nil {
			var ce *websocket.CloseError
			if !errors.As(err, &ce) {
				w.t.Fatalf("socket ended without a close frame: %v", err)
			}
			return ce
		}
	}
}

func is(typ, topic string) func(wsMsg) bool {
	return func(m wsMsg) bool { return m.Type == typ && m.Topic == topic }
}

// coordinatorWithGroup sets up the first coordinator through base and
// returns them with a panel and a group.
func coordinatorWithGroup(t *testing.T, base string, stderr *syncBuffer) (coord *client, accountID, panel, group string) {
	t.Helper()
	return centreIn(t, base, stderr, "BE")
}

// centreIn sets up a centre in country through the first-run link: its
// coordinator, a panel there and a group in it.
func centreIn(t *testing.T, base string, stderr *syncBuffer, country string) (coord *client, accountID, panel, group string) {
	t.Helper()
	setup := regexp.MustCompile(`/setup/([A-Za-z0-9_-]+)`).FindStringSubmatch(stderr.String())
	if setup == nil {
		t.Fatalf("no set-up link printed: %q", stderr.String())
	}
	coord = newClient(t, base)
	me := coord.do("POST", "/api/setup", map[string]any{"token": setup[1], "orgName": "Centre", "country": country,
		"displayName": "Claire Martin", "email": "claire@example.org", "password": "violet-ferry-42-lantern", "language": "en"}, 201)
	accountID = str(me, "me", "account", "id")
	panel = str(coord.do("POST", "/api/panels", map[string]any{"name": "Youth panel", "country": country, "languages": []string{"en"}}, 201), "panel", "id")
	group = str(coord.do("POST", "/api/panels/"+panel+"/groups", map[string]any{"name": "Group A"}, 201), "group", "id")
	return coord, accountID, panel, group
}

func TestRealtimeEndToEnd(t *testing.T) {
	f := captureFeeds(t)
	const metricsToken = "realtime-test-metrics-token"
	base, _, stderr := start(t, map[string]string{"METRICS_TOKEN": metricsToken})
	coord, me, panel, group := coordinatorWithGroup(t, base, stderr)

	// Not signed in: refused before the upgrade, with a problem.
	if _, resp, err := dialWS(t, base, nil, "", nil); err == nil || resp == nil || resp.StatusCode != 401 {
		t.Fatalf("anonymous /ws: got %v %v, want 401", resp, err)
	}
	// The cookie from another site's page: refused.
	if _, resp, err := dialWS(t, base, coord, "", http.Header{"Origin": {"https://evil.example"}}); err == nil || resp.StatusCode != 403 {
		t.Fatalf("cross-site /ws: got %v %v, want 403", resp, err)
	}
	if status, _ := coord.try("GET", "/ws", nil); status != 400 {
		t.Fatalf("plain GET /ws: got %d, want 400", status)
	}

	ws, _, err := dialWS(t, base, coord, "", http.Header{"Origin": {base}})
	if err != nil {
		t.Fatal(err)
	}
	// Resume from the start: the group's creation is replayed, then live.
	ws.send(map[string]any{"type": "subscribe", "topic": "group:" + group, "after": 0})
	if m := ws.until("the replayed creation", is("event", "group:"+group)); m.Event != "identity.group_created" {
		t.Fatalf("replay: got %+v", m)
	}
	ws.until("subscribed", is("subscribed", "group:"+group))
	ev, err := f.of(t, base).AppendEvent(context.Background(), store.Event{Actor: me, Type: "group.renamed", Subject: "group:" + group, Data: json.RawMessage(`{"name":"Group B"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if m := ws.until("the live group event", is("event", "group:"+group)); m.ID != ev.ID || m.Event != "group.renamed" || !strings.Contains(string(m.Data), "Group B") {
		t.Fatalf("live: got %+v, want event %d", m, ev.ID)
	}

	// A change through the API reaches the socket: a new panel makes the
	// coordinator a member, an event on their own account.
	ws.send(map[string]any{"type": "subscribe", "topic": "account:" + me})
	ws.until("subscribed", is("subscribed", "account:"+me))
	coord.do("POST", "/api/panels", map[string]any{"name": "Second panel", "country": "BE", "languages": []string{"en"}}, 201)
	if m := ws.until("the membership event", is("event", "account:"+me)); m.Event != "identity.membership_added" {
		t.Fatalf("got %+v", m)
	}
	ws.send(map[string]any{"type": "subscribe", "topic": "panel:" + panel})
	ws.until("subscribed", is("subscribed", "panel:"+panel))

	// What the policy refuses.
	for topic, code := range map[string]string{
		"account:someone-else": "forbidden",
		"group:no-such-group":  "not_found",
		"video:1":              "not_found",
	} {
		ws.send(map[string]any{"type": "subscribe", "topic": topic})
		if m := ws.until("an error", is("error", topic)); m.Code != code {
			t.Errorf("subscribe %s: got %+v, want %s", topic, m, code)
		}
	}

	// A non-browser client: a single-use ticket instead of the cookie.
	tk := str(coord.do("POST", "/api/ws-ticket", nil, 201), "ticket")
	ws2, _, err := dialWS(t, base, nil, "?ticket="+url.QueryEscape(tk), nil)
	if err != nil {
		t.Fatalf("ticket: %v", err)
	}
	if _, resp, err := dialWS(t, base, nil, "?ticket="+url.QueryEscape(tk), nil); err == nil || resp.StatusCode != 401 {
		t.Fatalf("a used ticket: got %v %v, want 401", resp, err)
	}
	anon := newClient(t, base)
	if status, _ := anon.try("POST", "/api/ws-ticket", nil); status != 401 {
		t.Fatalf("ticket without signing in: got %d, want 401", status)
	}
	ws2.send(map[string]any{"type": "subscribe", "topic": "group:" + group})
	ws2.until("subscribed", is("subscribed", "group:"+group))

	req, _ := http.NewRequest("GET", base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(metrics), "chorus_websocket_connections 2") || !strings.Contains(string(metrics), "chorus_websocket_slow_clients_dropped_total 0") {
		t.Errorf("metrics lack the websocket series:\n%s", metrics)
	}

	// Signing out on one device ends that device's socket at once; the
	// other session's socket stays.
	laptop := newClient(t, base)
	laptop.do("POST", "/api/auth/login", map[string]string{"email": "claire@example.org", "password": "violet-ferry-42-lantern"}, 200)
	ws3, _, err := dialWS(t, base, laptop, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	ws3.send(map[string]any{"type": "subscribe", "topic": "panel:" + panel})
	ws3.until("subscribed", is("subscribed", "panel:"+panel))
	start := time.Now()
	laptop.do("POST", "/api/auth/logout", nil, 204)
	if ce := ws3.closed(); ce.Code != realtime.CloseSessionExpired || time.Since(start) > 5*time.Second {
		t.Errorf("after signing out one device: got close %d %q after %v, want %d at once", ce.Code, ce.Text, time.Since(start), realtime.CloseSessionExpired)
	}
	ws.send(map[string]any{"type": "unsubscribe", "topic": "panel:" + panel})
	ws.send(map[string]any{"type": "subscribe", "topic": "panel:" + panel})
	ws.until("the other session still subscribed", is("subscribed", "panel:"+panel))

	// Signing out everywhere ends both sockets at once, with a reason.
	coord.do("POST", "/api/auth/logout-all", nil, 204)
	for _, w := range []*wsConn{ws, ws2} {
		if ce := w.closed(); ce.Code != realtime.CloseSessionExpired {
			t.Errorf("after sign-out: got close %d %q, want %d", ce.Code, ce.Text, realtime.CloseSessionExpired)
		}
	}
}

// startNATS runs a NATS server on a random loopback port.
func startNATS(t *testing.T) string {
	t.Helper()
	ns, err := natsserver.NewServer(&natsserver.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("NATS server not ready within 10 s")
	}
	t.Cleanup(func() {
		ns.Shutdown()
		ns.WaitForShutdown()
	})
	return ns.ClientURL()
}

// Two Chorus processes share one store and a NATS server: a change made
// through A reaches a client connected to B.
func TestRealtimeAcrossProcessesWithNATS(t *testing.T) {
	f := captureFeeds(t)
	natsURL := startNATS(t)
	dir := t.TempDir()
	env := map[string]string{"CHORUS_DATA_DIR": dir, "NATS_URL": natsURL}
	baseA, _, stderrA := start(t, env)
	coordA, me, panel, group := coordinatorWithGroup(t, baseA, stderrA)
	baseB, stopB, _ := start(t, env)

	// The same person, signed in on B (the session lives in the shared store).
	coordB := newClient(t, baseB)
	coordB.do("POST", "/api/auth/login", map[string]any{"email": "claire@example.org", "password": "violet-ferry-42-lantern"}, 200)
	wsB, _, err := dialWS(t, baseB, coordB, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	wsB.send(map[string]any{"type": "subscribe", "topic": "account:" + me})
	wsB.until("subscribed", is("subscribed", "account:"+me))
	wsB.send(map[string]any{"type": "subscribe", "topic": "group:" + group})
	wsB.until("subscribed", is("subscribed", "group:"+group))

	// A change through A's API...
	coordA.do("POST", "/api/panels", map[string]any{"name": "Made on A", "country": "BE", "languages": []string{"en"}}, 201)
	if m := wsB.until("the event from process A", is("event", "account:"+me)); m.Event != "identity.membership_added" {
		t.Fatalf("got %+v", m)
	}
	// ...and an event appended by A's services on a group topic.
	ev, err := f.of(t, baseA).AppendEvent(context.Background(), store.Event{Actor: me, Type: "group.renamed", Subject: "group:" + group})
	if err != nil {
		t.Fatal(err)
	}
	if m := wsB.until("the group event from process A", is("event", "group:"+group)); m.ID != ev.ID {
		t.Fatalf("got %+v, want id %d", m, ev.ID)
	}

	// Presence crosses processes too: a moderator of the group (who may
	// write in its space, so is announced there) joins it on B.
	joinByMail(t, coordA, baseA, panel, group, "", "mod@example.org", "moderator", "")
	modB := newClient(t, baseB)
	modB.do("POST", "/api/auth/login", map[string]any{"email": "mod@example.org", "password": "violet-ferry-42-lantern"}, 200)
	wsA, _, err := dialWS(t, baseA, coordA, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	wsA.send(map[string]any{"type": "subscribe", "topic": "group:" + group})
	wsA.until("subscribed", is("subscribed", "group:"+group))
	wsMod, _, err := dialWS(t, baseB, modB, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	wsMod.send(map[string]any{"type": "subscribe", "topic": "group:" + group})
	wsA.until("the moderator's presence, from B", func(m wsMsg) bool {
		return m.Type == "presence" && slices.Contains(m.Members, realtime.PresenceMember{AccountID: accountID(modB)})
	})

	// Stopping B closes its sockets with 1001 (going away).
	done := make(chan error, 1)
	go func() { done <- stopB() }()
	if ce := wsB.closed(); ce.Code != websocket.CloseGoingAway {
		t.Errorf("on shutdown: got close %d %q, want 1001", ce.Code, ce.Text)
	}
	if err := <-done; err != nil {
		t.Fatalf("stopping B: %v", err)
	}
}
