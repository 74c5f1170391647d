package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"chorus/ot"
	"chorus/pledge"
)

// wsAuthor is one simulated author on its own socket: an ot.Client fed by
// the live feed and the answers to its edits.
type wsAuthor struct {
	t      *testing.T
	base   string
	who    *client
	topic  string
	itemID string

	mu     sync.Mutex
	c      *ot.Client
	ws     *wsConn
	lastID int64
	fail   error
	gen    int // bumped at each reconnect: a reader of an older socket stops
}

// connect opens a socket, resumes the feed after the last event seen and
// sends again what is in flight once subscribed.
func (a *wsAuthor) connect(resume bool) {
	ws, _, err := dialWS(a.t, a.base, a.who, "", nil)
	if err != nil {
		a.t.Error(err)
		return
	}
	a.mu.Lock()
	a.gen++
	gen := a.gen
	if a.ws != nil {
		a.ws.c.Close()
	}
	a.ws = ws
	sub := map[string]any{"type": "subscribe", "topic": a.topic}
	if resume {
		sub["after"] = a.lastID
	}
	a.mu.Unlock()
	ws.send(sub)
	go a.read(ws, gen)
}

func (a *wsAuthor) read(ws *wsConn, gen int) {
	for {
		ws.c.SetReadDeadline(time.Now().Add(60 * time.Second))
		data, err := ws.next()
		if err != nil {
			return
		}
		var m struct {
			Type    string          `json:"type"`
			ID      int64           `json:"id"`
			Event   string          `json:"event"`
			Seq     int64           `json:"seq"`
			Version int64           `json:"version"`
			Code    string          `json:"code"`
			Message string          `json:"message"`
			Data    json.RawMessage `json:"data"`
		}
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		a.mu.Lock()
		if gen != a.gen {
			a.mu.Unlock()
			return
		}
		switch m.Type {
		case "subscribed":
			a.sendLocked() // the feed caught up: what is in flight goes again (applied once)
		case "event":
			a.lastID = max(a.lastID, m.ID)
			var d struct {
				ItemID string            `json:"itemId"`
				Ops    []pledge.EditedOp `json:"ops"`
			}
			if m.Event == "pledge.item_edited" && json.Unmarshal(m.Data, &d) == nil && d.ItemID == a.itemID {
				for _, o := range d.Ops {
					if err := a.c.Applied(o.Version, o.Op, o.Client, o.Seq); err != nil && a.fail == nil {
						a.fail = fmt.Errorf("version %d does not apply: %w", o.Version, err)
					}
				}
				a.sendLocked()
			}
		case "ack":
			a.c.Ack(m.Seq, m.Version)
			a.sendLocked()
		case "refused":
			if a.fail == nil {
				a.fail = fmt.Errorf("edit %d refused: %s %s", m.Seq, m.Code, m.Message)
			}
		}
		a.mu.Unlock()
	}
}

// sendLocked sends the next op unless one is awaiting its answer.
func (a *wsAuthor) sendLocked() {
	if a.c.Awaiting() {
		return
	}
	a.resendLocked()
}

func (a *wsAuthor) resendLocked() {
	op, base, seq, ok := a.c.Next()
	if !ok || a.ws == nil {
		return
	}
	a.ws.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_ = a.ws.c.WriteJSON(map[string]any{"type": "edit", "topic": a.topic, "itemId": a.itemID, "field": "text", "base": base, "op": op, "client": a.c.ID, "seq": seq})
}

var wsMarker = regexp.MustCompile(`\[[a-z]\d{4}\]`)

// TestFiftyAuthorsOverTheSocketKeepEveryMarker is the end-to-end
// marker-and-delete test of issue 11: 50 authors on their own sockets
// insert unique markers and delete spans of markers (often next to
// others'), with random pauses and reconnects; afterwards every author
// shows the server's text, every marker nobody deleted is there exactly
// once and intact, and no deleted marker is back.
func TestFiftyAuthorsOverTheSocketKeepEveryMarker(t *testing.T) {
	const authors, edits = 50, 16
	base, _, stderr := start(t, nil)
	setup := regexp.MustCompile(`/setup/([A-Za-z0-9_-]+)`).FindStringSubmatch(stderr.String())
	coord := newClient(t, base)
	coord.do("POST", "/api/setup", map[string]any{"token": setup[1], "orgName": "SIC", "country": "FR", "displayName": "Claire Martin",
		"email": "claire@example.org", "password": "violet-ferry-42-lantern", "language": "en"}, 201)
	panel := str(coord.do("POST", "/api/panels", map[string]any{"name": "Panel", "country": "FR", "languages": []string{"en"}}, 201), "panel", "id")
	group := str(coord.do("POST", "/api/panels/"+panel+"/groups", map[string]any{"name": "Group"}, 201), "group", "id")
	amb := joinByMail(t, coord, base, panel, group, "", "amb@example.org", "ambassador", time.Now().AddDate(-17, 0, 0).Format("2006-01-02"))
	amb.do("POST", "/api/me/consents/participate/grant", nil, 200)
	joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "") // writing needs a moderated group (rule 1)
	id := str(amb.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Pledge", "language": "en"}, 201), "pledge", "id")
	var initial strings.Builder
	for i := range 20 {
		fmt.Fprintf(&initial, "[a%04d]", i)
	}
	itemID := str(amb.do("POST", "/api/pledges/"+id+"/items", map[string]any{"heading": "Markers", "text": initial.String()}, 201), "item", "id")

	as := make([]*wsAuthor, authors)
	for i := range as {
		as[i] = &wsAuthor{t: t, base: base, who: amb, topic: "pledge:" + id, itemID: itemID, c: ot.NewClient(fmt.Sprint("author", i), initial.String(), 1)}
		as[i].connect(false)
	}
	var mu sync.Mutex
	inserted, deleted := map[string]bool{}, map[string]bool{}
	for _, m := range wsMarker.FindAllString(initial.String(), -1) {
		inserted[m] = true
	}
	var wg sync.WaitGroup
	for i, a := range as {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 11))
			for e := range edits {
				time.Sleep(time.Duration(r.IntN(60)) * time.Millisecond)
				if r.IntN(12) == 0 {
					a.connect(true) // the network blinks: a new socket resumes where the old one stopped
					continue
				}
				a.mu.Lock()
				units := wsMarker.FindAllString(a.c.Text(), -1)
				var op ot.Op
				mu.Lock()
				if len(units) == 0 || r.IntN(3) != 0 {
					m := fmt.Sprintf("[%c%04d]", 'b'+rune(i%24), i*100+e)
					inserted[m] = true
					op = ot.Insert(utf8.RuneCountInString(strings.Join(units[:r.IntN(len(units)+1)], "")), m)
				} else {
					from := r.IntN(len(units))
					to := min(len(units), from+1+r.IntN(2))
					for _, u := range units[from:to] {
						deleted[u] = true
					}
					op = ot.Delete(utf8.RuneCountInString(strings.Join(units[:from], "")), utf8.RuneCountInString(strings.Join(units[from:to], "")))
				}
				mu.Unlock()
				if err := a.c.Edit(op); err != nil {
					t.Error(err)
				}
				a.sendLocked()
				a.mu.Unlock()
			}
		}()
	}
	wg.Wait()

	item := func() (string, int64) {
		raw, _ := json.Marshal(amb.do("GET", "/api/pledges/"+id, nil, 200))
		var d struct {
			Items []struct {
				ID      string `json:"id"`
				Text    string `json:"text"`
				Version int64  `json:"version"`
			} `json:"items"`
		}
		json.Unmarshal(raw, &d)
		for _, it := range d.Items {
			if it.ID == itemID {
				return it.Text, it.Version
			}
		}
		return "", 0
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		text, version := item()
		done := true
		for _, a := range as {
			a.mu.Lock()
			if a.fail != nil {
				t.Fatal(a.fail)
			}
			if a.c.Pending() || a.c.Version() != version || a.c.Text() != text {
				done = false
				if a.c.Awaiting() && time.Now().After(deadline.Add(-20*time.Second)) {
					a.resendLocked() // an answer lost with a socket closed under it
				}
			}
			a.mu.Unlock()
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("authors did not converge on version %d", version)
		}
		time.Sleep(100 * time.Millisecond)
	}
	text, _ := item()
	if rest := wsMarker.ReplaceAllString(text, ""); rest != "" {
		t.Fatalf("characters scrambled out of their markers: %q in %q", rest, text)
	}
	count := map[string]int{}
	for _, m := range wsMarker.FindAllString(text, -1) {
		count[m]++
	}
	kept := 0
	for m := range inserted {
		switch {
		case deleted[m] && count[m] > 0:
			t.Errorf("marker %s was deleted and came back", m)
		case !deleted[m] && count[m] != 1:
			t.Errorf("marker %s nobody deleted: found %d times, want once", m, count[m])
		case !deleted[m]:
			kept++
		}
	}
	t.Logf("%d markers inserted, %d deleted, %d kept; text of %d characters", len(inserted), len(deleted), kept, utf8.RuneCountInString(text))
}
