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

	"chorus/ot"
	"chorus/pledge"
)

// view is what one client shows of an item: the newest text and version it
// has seen, from its own edits' answers and from the live feed.
type view struct {
	mu      sync.Mutex
	text    string
	version int64
}

func (v *view) update(text string, version int64) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if version > v.version {
		v.text, v.version = text, version
	}
}

// apply applies the operations of a live event that are newer than the
// view (an edit's answer may have brought the view past some of them).
func (v *view) apply(t *testing.T, ops []pledge.EditedOp) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, o := range ops {
		if o.Version <= v.version {
			continue
		}
		if o.Version != v.version+1 {
			t.Errorf("live feed: version %d after %d", o.Version, v.version)
			return
		}
		text, err := ot.Apply(v.text, o.Op)
		if err != nil {
			t.Errorf("live feed: version %d does not apply: %v", o.Version, err)
			return
		}
		v.text, v.version = text, o.Version
	}
}

func (v *view) get() (string, int64) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.text, v.version
}

// TestTwentyClientsConverge is the co-editing test of issue 4: 20 clients
// each make 50 edits to the same item at once, each inserting a unique
// marker into the text it last saw. Afterwards every marker is present
// exactly once and every client shows the same text and version.
func TestTwentyClientsConverge(t *testing.T) {
	const clients, edits = 20, 50
	base, _, stderr := start(t, nil)
	setup := regexp.MustCompile(`/setup/([A-Za-z0-9_-]+)`).FindStringSubmatch(stderr.String())
	coord := newClient(t, base)
	coord.do("POST", "/api/setup", map[string]any{"token": setup[1], "orgName": "SIC", "country": "FR", "displayName": "Claire Martin",
		"email": "claire@example.org", "password": "violet-ferry-42-lantern", "language": "en"}, 201)
	panel := str(coord.do("POST", "/api/panels", map[string]any{"name": "Panel", "country": "FR", "languages": []string{"en"}}, 201), "panel", "id")
	group := str(coord.do("POST", "/api/panels/"+panel+"/groups", map[string]any{"name": "Group"}, 201), "group", "id")
	author := joinByMail(t, coord, base, panel, group, "", "amb@example.org", "ambassador", time.Now().AddDate(-17, 0, 0).Format("2006-01-02"))
	author.do("POST", "/api/me/consents/participate/grant", nil, 200)
	joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "") // writing needs a moderated group (rule 1)
	id := str(author.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Pledge", "language": "en"}, 201), "pledge", "id")
	item := author.do("POST", "/api/pledges/"+id+"/items", map[string]any{"heading": "Plain words", "text": "start|"}, 201)
	itemID := str(item, "item", "id")
	edits_ := "/api/pledges/" + id + "/items/" + itemID + "/edits"
	topic := "pledge:" + id

	views := make([]*view, clients)
	var readers sync.WaitGroup
	for i := range views {
		views[i] = &view{text: "start|", version: 1}
		ws, _, err := dialWS(t, base, author, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		ws.send(map[string]any{"type": "subscribe", "topic": topic})
		ws.until("subscribed", is("subscribed", topic))
		readers.Add(1)
		go func(v *view) {
			defer readers.Done()
			for {
				ws.c.SetReadDeadline(time.Now().Add(60 * time.Second))
				data, err := ws.next()
				if err != nil {
					return // closed at the end of the test
				}
				var m wsMsg
				if json.Unmarshal(data, &m) != nil || m.Event != "pledge.item_edited" {
					continue
				}
				var d struct {
					ItemID string            `json:"itemId"`
					Ops    []pledge.EditedOp `json:"ops"`
				}
				if json.Unmarshal(m.Data, &d) == nil && d.ItemID == itemID {
					v.apply(t, d.Ops)
				}
			}
		}(views[i])
	}

	// Markers are 3 characters and a "|"; each is inserted right after a "|"
	// so that no marker is ever inserted inside another one.
	marker := func(c, e int) string { return fmt.Sprintf("%03s|", strings.ToLower(fmt.Sprintf("%x", c*edits+e))) }
	var writers sync.WaitGroup
	errs := make(chan error, clients)
	for c := 0; c < clients; c++ {
		writers.Add(1)
		go func(c int) {
			defer writers.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			for e := 0; e < edits; e++ {
				text, version := views[c].get()
				cuts := []int{}
				for i, r := range text {
					if r == '|' {
						cuts = append(cuts, i+1)
					}
				}
				p := cuts[rng.IntN(len(cuts))]
				status, out := author.try("POST", edits_, map[string]any{"field": "text", "baseVersion": version, "text": text[:p] + marker(c, e) + text[p:]})
				if status != 200 {
					errs <- fmt.Errorf("client %d edit %d: got %d %v", c, e, status, out)
					return
				}
				it, _ := out["item"].(map[string]any)
				ver, _ := it["version"].(float64)
				views[c].update(str(out, "item", "text"), int64(ver))
			}
		}(c)
	}
	writers.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	final := author.do("GET", "/api/pledges/"+id, nil, 200)
	raw, _ := json.Marshal(final)
	var got struct {
		Items []struct {
			ID      string `json:"id"`
			Text    string `json:"text"`
			Version int64  `json:"version"`
		} `json:"items"`
	}
	json.Unmarshal(raw, &got)
	var text string
	var version int64
	for _, it := range got.Items {
		if it.ID == itemID {
			text, version = it.Text, it.Version
		}
	}
	if version != 1+clients*edits {
		t.Errorf("final version %d, want %d (one per accepted edit)", version, 1+clients*edits)
	}
	for c := 0; c < clients; c++ {
		for e := 0; e < edits; e++ {
			if n := strings.Count(text, marker(c, e)); n != 1 {
				t.Fatalf("marker %q of client %d appears %d times, want exactly once", marker(c, e), c, n)
			}
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for c, v := range views {
		for {
			vt, vv := v.get()
			if vv == version && vt == text {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("client %d shows version %d, want %d with the same text", c, vv, version)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}
