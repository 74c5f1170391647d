package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// editor is one person editing an item over the websocket.
type editor struct {
	t      *testing.T
	ws     *wsConn
	topic  string
	item   string
	client string
	seq    int
}

func newEditor(t *testing.T, base string, c *client, pledgeID, itemID, name string) *editor {
	t.Helper()
	ws, _, err := dialWS(t, base, c, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	topic := "pledge:" + pledgeID
	ws.send(map[string]any{"type": "subscribe", "topic": topic})
	ws.until("subscribed", is("subscribed", topic))
	return &editor{t: t, ws: ws, topic: topic, item: itemID, client: name}
}

type editAnswer struct {
	Type    string `json:"type"`
	Seq     int    `json:"seq"`
	Client  string `json:"client"`
	Version int64  `json:"version"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// insert sends an edit that puts text at the start of the item's text
// (always valid, whatever the base) and returns the answer; ok is false
// when the socket closed instead.
func (e *editor) insert(text string) (editAnswer, bool) {
	e.t.Helper()
	e.seq++
	e.ws.send(map[string]any{"type": "edit", "topic": e.topic, "itemId": e.item, "field": "text", "base": 1, "op": []any{text}, "client": e.client, "seq": e.seq})
	e.ws.c.SetReadDeadline(time.Now().Add(patience))
	for {
		data, err := e.ws.next()
		if err != nil {
			return editAnswer{}, false
		}
		var a editAnswer
		if json.Unmarshal(data, &a) == nil && (a.Type == "ack" || a.Type == "refused") && a.Client == e.client && a.Seq == e.seq {
			return a, true
		}
	}
}

// TestSocketEditsStopFromTheNextOneAfterRightsGo: people edit a stream of
// changes over the socket; a consent withdrawal, a mute and the pledge
// going to review each stop the very next edit, and nothing refused gets
// into the text.
func TestSocketEditsStopFromTheNextOneAfterRightsGo(t *testing.T) {
	base, _, stderr := start(t, nil)
	setup := regexp.MustCompile(`/setup/([A-Za-z0-9_-]+)`).FindStringSubmatch(stderr.String())
	coord := newClient(t, base)
	coord.do("POST", "/api/setup", map[string]any{"token": setup[1], "orgName": "SIC FR", "country": "FR", "displayName": "Claire Martin",
		"email": "claire@example.org", "password": "violet-ferry-42-lantern", "language": "en"}, 201)
	panel := str(coord.do("POST", "/api/panels", map[string]any{"name": "Panel", "country": "FR", "languages": []string{"en"}}, 201), "panel", "id")
	group := str(coord.do("POST", "/api/panels/"+panel+"/groups", map[string]any{"name": "Group A"}, 201), "group", "id")
	birth16 := time.Now().AddDate(-16, -1, 0).Format("2006-01-02")
	people := map[string]*client{}
	for _, name := range []string{"amb", "sam", "kim"} {
		role := "youth"
		if name == "amb" {
			role = "ambassador"
		}
		people[name] = joinByMail(t, coord, base, panel, group, "", name+"@example.org", role, birth16)
		people[name].do("POST", "/api/me/consents/participate/grant", nil, 200)
	}
	mod := joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "")
	id := str(people["amb"].do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Youth Pledge", "language": "en"}, 201), "pledge", "id")
	itemID := str(people["amb"].do("POST", "/api/pledges/"+id+"/items", map[string]any{"heading": "Plain words", "text": "|"}, 201), "item", "id")
	eds := map[string]*editor{}
	for name, c := range people {
		eds[name] = newEditor(t, base, c, id, itemID, name)
	}

	sent := map[string]int{}
	stream := func(name string, n int) {
		t.Helper()
		for range n {
			i := sent[name]
			sent[name]++
			if a, ok := eds[name].insert(fmt.Sprintf("[%s%d]", name, i)); !ok || a.Type != "ack" || a.Version < 2 {
				t.Fatalf("%s edit %d: got %+v (socket open: %v), want ack", name, i, a, ok)
			}
		}
	}
	refusedNext := func(name, after string) {
		t.Helper()
		if a, ok := eds[name].insert("[" + name + "-after]"); ok && a.Type != "refused" {
			t.Fatalf("%s's next edit after %s: got %+v, want refused", name, after, a)
		}
	}
	stream("sam", 5)
	stream("kim", 5)
	stream("amb", 5)

	people["sam"].do("POST", "/api/me/consents/participate/withdraw", nil, 200)
	refusedNext("sam", "withdrawing consent")
	stream("kim", 3) // others go on

	mod.do("POST", "/api/moderation/sanctions", map[string]any{"kind": "mute", "accountId": accountID(people["kim"]), "panelId": panel, "groupId": group,
		"until": time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "reason": "Spamming the item"}, 201)
	refusedNext("kim", "a mute")
	stream("amb", 3)

	people["amb"].do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "in_review"}, 200)
	refusedNext("amb", "the pledge went to review")

	var detail struct {
		Items []struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		} `json:"items"`
	}
	raw, _ := json.Marshal(people["amb"].do("GET", "/api/pledges/"+id, nil, 200))
	json.Unmarshal(raw, &detail)
	text := ""
	for _, it := range detail.Items {
		if it.ID == itemID {
			text = it.Text
		}
	}
	for _, want := range []string{"[sam4]", "[kim7]", "[amb7]", "|"} {
		if !strings.Contains(text, want) {
			t.Errorf("text %q lacks %s", text, want)
		}
	}
	if strings.Contains(text, "-after]") {
		t.Errorf("a refused edit got into the text: %q", text)
	}
}
