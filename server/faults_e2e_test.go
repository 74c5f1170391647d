package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"chorus/ot"
	"chorus/pledge"
	"chorus/realtime"
	"chorus/testenv"
)

// The fault test's bounds: how many clients write how often, and how long
// all of it may take.
const (
	faultAccounts = 10 // youth; each is signed in on 5 clients
	faultClients  = 50
	faultWrites   = 10               // per client, edits and comments in turn
	faultBudget   = 60 * time.Second // from the first write to the last check
)

// TestScaledOutStackUnderFaults runs Chorus as production does: two web
// processes and a worker, on FerretDB (MongoDB protocol), MinIO and NATS,
// all on loopback. 50 clients, half on each web process, co-edit one item
// and comment on it; mid-load one web process is killed (SIGKILL), later
// the worker too (and started again). The clients of the dead process
// reconnect to the other one and resume from the last event they saw.
// Afterwards: every acknowledged write is there exactly once (an edit's
// marker in the text, a comment in the list), writes whose answer was lost
// at most once, refused ones never; every client shows the final text and
// every comment; no client got an event twice.
func TestScaledOutStackUnderFaults(t *testing.T) {
	began := time.Now()
	prebuildChorus()
	db, s3 := testenv.FerretDB(t), testenv.MinIO(t)
	bin := chorusBinary(t)
	env := oneDeployment(t, mongoEnv(db, "chorus_faults"))
	for k, v := range map[string]string{"S3_ENDPOINT": s3.Endpoint, "S3_ACCESS_KEY": s3.AccessKey, "S3_SECRET_KEY": s3.SecretKey,
		"S3_USE_SSL": "false", "NATS_URL": startNATS(t), "CHORUS_LOG_LEVEL": "warn"} {
		env[k] = v
	}
	webA := startProcess(t, bin, "web", env)
	coord, _, panel, group := centreIn(t, webA.base, webA.stderr, "FR")
	joinByMail(t, coord, webA.base, panel, group, "", "mod@example.org", "moderator", "") // writing needs a moderated group (rule 1)
	birth16 := time.Now().AddDate(-16, -1, 0).Format("2006-01-02")
	youth := make([]*client, faultAccounts)
	for i := range youth {
		youth[i], _ = joinFrom(t, coord, webA.base, panel, group, fmt.Sprintf("y%02d@example.org", i), birth16, "FR")
	}
	pledgeID := str(youth[0].do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Youth Pledge", "language": "en"}, 201), "pledge", "id")
	itemID := str(youth[0].do("POST", "/api/pledges/"+pledgeID+"/items", map[string]any{"heading": "Plain words", "text": "start|"}, 201), "item", "id")
	webB := startProcess(t, bin, "web", env)
	worker := startProcess(t, bin, "worker", env)

	setUp := time.Since(began)
	began = time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), faultBudget)
	defer cancel()
	clients := make([]*faultClient, faultClients)
	for i := range clients {
		clients[i] = newFaultClient(i, youth[i%faultAccounts].http, [2]string{webA.base, webB.base}, i%2, pledgeID, itemID)
	}
	var listening, writing sync.WaitGroup
	listenCtx, stopListening := context.WithCancel(ctx)
	defer stopListening()
	for _, c := range clients {
		listening.Go(func() { c.listen(listenCtx) })
	}
	for _, c := range clients {
		if !c.waitSubscribed(ctx) {
			t.Fatalf("client %d: not subscribed: %v", c.id, ctx.Err())
		}
	}
	var written atomic.Int64
	for _, c := range clients {
		writing.Go(func() { c.write(ctx, &written) })
	}

	// The faults, at a third and at two thirds of the writes.
	total := int64(faultClients * faultWrites)
	waitFor := func(n int64) {
		for written.Load() < n && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor(total / 3)
	webA.kill()
	killedAt := written.Load()
	waitFor(2 * total / 3)
	worker.kill()
	worker = startProcess(t, bin, "worker", env)
	writing.Wait()
	loaded := time.Since(began)
	if ctx.Err() != nil {
		t.Fatalf("the writes did not finish within %s: %d of %d done", faultBudget, written.Load(), total)
	}
	if killedAt >= total {
		t.Fatalf("web A was killed after the load (%d of %d writes), not during it", killedAt, total)
	}

	// What the surviving process holds now.
	truth := newFaultClient(-1, youth[0].http, [2]string{webB.base, webB.base}, 0, pledgeID, itemID)
	text, version, err := truth.item(ctx)
	if err != nil {
		t.Fatal(err)
	}
	comments, err := truth.commentList(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// Every write once if acknowledged, at most once if its answer was lost,
	// never if refused.
	var acked, lost, refused, movedOn int
	commentCount := map[string]int{}
	for _, text := range comments {
		commentCount[text]++
	}
	for _, c := range clients {
		for _, w := range c.writes {
			n := strings.Count(text, w.marker)
			if w.comment {
				n = commentCount[w.text]
			}
			switch {
			case w.outcome == acknowledged && n != 1:
				t.Errorf("client %d: acknowledged %s %q is there %d times, want once", c.id, w.kind(), w.marker, n)
			case w.outcome == answerLost && n > 1:
				t.Errorf("client %d: %s %q whose answer was lost is there %d times, want at most once", c.id, w.kind(), w.marker, n)
			case w.outcome == refusedByServer && n != 0:
				t.Errorf("client %d: refused %s %q is there %d times, want never (%s)", c.id, w.kind(), w.marker, n, w.why)
			}
			switch w.outcome {
			case acknowledged:
				acked++
			case answerLost:
				lost++
			case refusedByServer:
				refused++
			}
		}
		if c.home.Load() != 1 && c.started == 0 {
			t.Errorf("client %d of web A never moved to web B", c.id)
		}
		if c.started == 0 && c.ackedAfterMove.Load() > 0 {
			movedOn++
		}
	}
	if acked < int(total)*9/10 {
		t.Errorf("only %d of %d writes acknowledged (%d answers lost, %d refused)", acked, total, lost, refused)
	}
	if movedOn == 0 {
		t.Error("no client of web A had a write acknowledged by web B after the kill")
	}

	// Every client converges: the item's final text, every acknowledged
	// comment, nothing the server does not hold; and no event reached a
	// client twice. A comment whose answer was lost may be missing from live
	// views: the process may have died after storing it and before
	// appending (or publishing) its event, as the two are not one
	// transaction yet; a reload shows it.
	must := map[string]bool{} // comment ids every client shows
	for _, c := range clients {
		for _, w := range c.writes {
			if w.comment && w.outcome == acknowledged {
				for id, text := range comments {
					if text == w.text {
						must[id] = true
					}
				}
			}
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	unseen := 0 // comments whose answer was lost, missing from a client's view
	for _, c := range clients {
		for {
			ok, missing := c.shows(text, version, comments, must)
			if ok {
				unseen += missing
				break
			}
			if time.Now().After(deadline) {
				got, gotVersion, n := c.view()
				t.Fatalf("client %d (started on web %c) shows version %d and %d comments, want version %d, the %d acknowledged of the %d comments (text equal: %v)",
					c.id, 'A'+c.started, gotVersion, n, version, len(must), len(comments), got == text)
			}
			time.Sleep(20 * time.Millisecond)
		}
		for id, n := range c.deliveries() {
			if n > 1 {
				t.Errorf("client %d got event %d %d times", c.id, id, n)
			}
		}
	}
	stopListening()
	listening.Wait()

	select {
	case <-worker.exited:
		t.Errorf("the restarted worker exited: %v", worker.err)
	default:
	}
	if logs := worker.stdout.String(); strings.Contains(logs, `"level":"ERROR"`) {
		t.Errorf("the restarted worker logged errors:\n%s", tail(logs, 2000))
	}
	if took := time.Since(began); took > faultBudget {
		t.Errorf("the scenario took %s, want under %s", took, faultBudget)
	}
	t.Logf("%d writes: %d acknowledged, %d answers lost, %d refused; web A killed after %d; %d clients moved on; %d lost-answer comments missing from live views; set up in %s; then load for %s, %s until converged",
		total, acked, lost, refused, killedAt, movedOn, unseen, setUp.Round(time.Millisecond), loaded.Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
}

// outcome is what a client learnt of one write.
type outcome int

const (
	acknowledged    outcome = iota + 1 // 2xx: done
	answerLost                         // no answer (the process died) or 5xx: done or not
	refusedByServer                    // 4xx: not done
)

type faultWrite struct {
	comment bool
	marker  string // in the item's text, or in the comment
	text    string // the comment's text
	outcome outcome
	why     string
}

func (w faultWrite) kind() string {
	if w.comment {
		return "comment"
	}
	return "edit"
}

// faultClient is one browser tab: it writes through the HTTP API of its web
// process and follows the pledge on that process's websocket, keeping what
// it shows (the item's newest text and the comments) from both. When its
// process dies it moves to the other one, for HTTP and the socket, and
// resumes the socket from the last event it saw.
type faultClient struct {
	id             int
	http           *http.Client // shared by the clients of one account (one sign-in)
	bases          [2]string
	home           atomic.Int32 // index into bases
	started        int32        // the home it started on
	pledge, itemID string
	writes         []faultWrite
	ackedAfterMove atomic.Int64
	subscribed     chan struct{} // closed at the first "subscribed"

	mu       sync.Mutex
	text     string
	version  int64
	stale    bool              // an edit event was missed: read the item again before the next edit
	comments map[string]string // id -> text
	seen     map[int64]int     // event id -> deliveries
	last     int64             // newest event id seen
}

func newFaultClient(id int, hc *http.Client, bases [2]string, home int, pledgeID, itemID string) *faultClient {
	c := &faultClient{id: id, http: hc, bases: bases, started: int32(home), pledge: pledgeID, itemID: itemID,
		subscribed: make(chan struct{}), comments: map[string]string{}, seen: map[int64]int{}}
	c.home.Store(int32(home))
	return c
}

func (c *faultClient) base() string { return c.bases[c.home.Load()] }

// moveFrom switches to the other process if base is still the home.
func (c *faultClient) moveFrom(base string) {
	if h := c.home.Load(); c.bases[h] == base {
		c.home.CompareAndSwap(h, 1-h)
	}
}

// call sends a JSON request to the home process. err is set when no answer
// came (the process is gone); the client then moves to the other one.
func (c *faultClient) call(ctx context.Context, method, path string, body any) (int, map[string]any, error) {
	base := c.base()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, r)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	u, _ := url.Parse(base)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "chorus_csrf" {
			req.Header.Set("X-CSRF-Token", ck.Value)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.moveFrom(base)
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.moveFrom(base)
		return 0, nil, err
	}
	out := map[string]any{}
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out, nil
}

// write makes faultWrites writes, edits and comments in turn, each edit
// inserting a unique marker after a "|" of the text it last saw.
func (c *faultClient) write(ctx context.Context, written *atomic.Int64) {
	rng := rand.New(rand.NewPCG(uint64(c.id), 16))
	items := "/api/pledges/" + c.pledge + "/items/" + c.itemID
	c.refetch(ctx)
	for i := range faultWrites {
		w := faultWrite{comment: i%2 == 1, marker: fmt.Sprintf("%03x|", c.id*faultWrites+i)}
		var status int
		var out map[string]any
		var err error
		if w.comment {
			w.text = "An idea to keep: " + w.marker
			status, out, err = c.call(ctx, "POST", items+"/comments", map[string]any{"text": w.text})
		} else {
			if c.isStale() {
				c.refetch(ctx)
			}
			text, version, _ := c.view()
			var cuts []int
			for j, r := range text {
				if r == '|' {
					cuts = append(cuts, j+1)
				}
			}
			p := cuts[rng.IntN(len(cuts))]
			status, out, err = c.call(ctx, "POST", items+"/edits", map[string]any{"field": "text", "baseVersion": version, "text": text[:p] + w.marker + text[p:]})
		}
		switch {
		case err != nil || status >= 500:
			w.outcome, w.why = answerLost, fmt.Sprint(status, err)
			// Catch up on the other process before going on.
			if text, version, err := c.item(ctx); err == nil {
				c.see(text, version)
			}
		case status >= 400:
			w.outcome, w.why = refusedByServer, fmt.Sprint(status, out)
		default:
			w.outcome = acknowledged
			if c.home.Load() != c.started {
				c.ackedAfterMove.Add(1)
			}
			if !w.comment {
				it, _ := out["item"].(map[string]any)
				v, _ := it["version"].(float64)
				c.see(str(out, "item", "text"), int64(v))
			}
		}
		c.writes = append(c.writes, w)
		written.Add(1)
	}
}

// item reads the item's text and version over HTTP.
func (c *faultClient) item(ctx context.Context) (string, int64, error) {
	status, out, err := c.call(ctx, "GET", "/api/pledges/"+c.pledge, nil)
	if err != nil || status != 200 {
		return "", 0, fmt.Errorf("GET pledge: %d %v %v", status, out, err)
	}
	raw, _ := json.Marshal(out["items"])
	var items []struct {
		ID      string `json:"id"`
		Text    string `json:"text"`
		Version int64  `json:"version"`
	}
	_ = json.Unmarshal(raw, &items)
	for _, it := range items {
		if it.ID == c.itemID {
			return it.Text, it.Version, nil
		}
	}
	return "", 0, fmt.Errorf("item %s missing from %v", c.itemID, out)
}

// commentList reads the item's comments over HTTP: id -> text.
func (c *faultClient) commentList(ctx context.Context) (map[string]string, error) {
	status, out, err := c.call(ctx, "GET", "/api/pledges/"+c.pledge+"/items/"+c.itemID+"/comments", nil)
	if err != nil || status != 200 {
		return nil, fmt.Errorf("GET comments: %d %v %v", status, out, err)
	}
	got := map[string]string{}
	list, _ := out["comments"].([]any)
	for _, x := range list {
		m, _ := x.(map[string]any)
		got[str(m, "id")] = str(m, "text")
	}
	return got, nil
}

// see keeps the newest version of the item.
func (c *faultClient) see(text string, version int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version > c.version {
		c.text, c.version = text, version
	}
	if version >= c.version {
		c.stale = false
	}
}

func (c *faultClient) isStale() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stale
}

// applyOps applies the operations of an edit event that follow the
// version the view has; after a gap (an event missed while a process
// died) the view is stale until it is read again over HTTP.
func (c *faultClient) applyOps(ops []pledge.EditedOp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, o := range ops {
		if o.Version <= c.version {
			continue
		}
		text, err := ot.Apply(c.text, o.Op)
		if o.Version != c.version+1 || err != nil {
			c.stale = true
			return
		}
		c.text, c.version = text, o.Version
	}
}

func (c *faultClient) view() (string, int64, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.text, c.version, len(c.comments)
}

// shows reports whether the client shows the item at text and version, every
// comment in must and only comments the server holds, and how many of the
// server's other comments it does not show.
func (c *faultClient) shows(text string, version int64, comments map[string]string, must map[string]bool) (bool, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.text != text || c.version != version {
		return false, 0
	}
	for id := range must {
		if _, ok := c.comments[id]; !ok {
			return false, 0
		}
	}
	for id := range c.comments {
		if _, ok := comments[id]; !ok {
			return false, 0
		}
	}
	return true, len(comments) - len(c.comments)
}

func (c *faultClient) deliveries() map[int64]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[int64]int, len(c.seen))
	for id, n := range c.seen {
		out[id] = n
	}
	return out
}

func (c *faultClient) waitSubscribed(ctx context.Context) bool {
	select {
	case <-c.subscribed:
		return true
	case <-ctx.Done():
		return false
	}
}

// listen follows the pledge on the home process's websocket until ctx ends,
// reconnecting (to the other process when the home is gone) and resuming
// after the last event seen.
func (c *faultClient) listen(ctx context.Context) {
	var once sync.Once
	for ctx.Err() == nil {
		base := c.base()
		d := websocket.Dialer{HandshakeTimeout: 2 * time.Second, Jar: c.http.Jar}
		conn, _, err := d.DialContext(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws", nil)
		if err != nil {
			c.moveFrom(base)
			time.Sleep(20 * time.Millisecond)
			continue
		}
		stop := context.AfterFunc(ctx, func() { conn.Close() })
		c.mu.Lock()
		after := c.last
		c.mu.Unlock()
		topic := "pledge:" + c.pledge
		err = conn.WriteJSON(map[string]any{"type": "subscribe", "topic": topic, "after": after})
		for err == nil {
			var frame []byte
			if _, frame, err = conn.ReadMessage(); err != nil {
				break
			}
			for _, data := range realtime.Messages(frame) {
				var m wsMsg
				if json.Unmarshal(data, &m) != nil || m.Topic != topic {
					continue
				}
				switch m.Type {
				case realtime.MsgSubscribed:
					once.Do(func() { close(c.subscribed) })
				case realtime.MsgRefetch:
					c.refetch(ctx)
				case realtime.MsgEvent:
					c.apply(m)
				}
			}
		}
		stop()
		conn.Close()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			c.moveFrom(base) // the process is gone, not just this socket
		}
	}
}

// apply records an event and what it changes in the view.
func (c *faultClient) apply(m wsMsg) {
	c.mu.Lock()
	c.seen[m.ID]++
	c.last = max(c.last, m.ID)
	c.mu.Unlock()
	switch m.Event {
	case "pledge.item_edited":
		var d struct {
			ItemID string            `json:"itemId"`
			Field  string            `json:"field"`
			Ops    []pledge.EditedOp `json:"ops"`
		}
		if json.Unmarshal(m.Data, &d) == nil && d.ItemID == c.itemID && d.Field == "text" {
			c.applyOps(d.Ops)
		}
	case "pledge.comment_added":
		var d struct {
			Comment struct {
				ID   string `json:"id"`
				Text string `json:"text"`
			} `json:"comment"`
		}
		if json.Unmarshal(m.Data, &d) == nil {
			c.mu.Lock()
			c.comments[d.Comment.ID] = d.Comment.Text
			c.mu.Unlock()
		}
	}
}

// refetch reloads the view over HTTP, as the app does when told to.
func (c *faultClient) refetch(ctx context.Context) {
	if text, version, err := c.item(ctx); err == nil {
		c.see(text, version)
	}
	if comments, err := c.commentList(ctx); err == nil {
		c.mu.Lock()
		for id, text := range comments {
			c.comments[id] = text
		}
		c.mu.Unlock()
	}
}
