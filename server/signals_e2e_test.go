package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestTypingAndPresenceCarryNoFreeText is hole 2 of issue 10 through the
// real wiring: typing and presence carry only identifiers the server
// checked (an item of that pledge), someone who may not post in a topic
// (a coordinator on a pledge, anyone on a panel's feed) relays nothing
// there, and a youth without participate follows no panel feed at all.
func TestTypingAndPresenceCarryNoFreeText(t *testing.T) {
	base, _, stderr := start(t, nil)
	setup := regexp.MustCompile(`/setup/([A-Za-z0-9_-]+)`).FindStringSubmatch(stderr.String())
	coord := newClient(t, base)
	coord.do("POST", "/api/setup", map[string]any{"token": setup[1], "orgName": "SIC FR", "country": "FR", "displayName": "Claire Martin",
		"email": "claire@example.org", "password": "violet-ferry-42-lantern", "language": "en"}, 201)
	panel := str(coord.do("POST", "/api/panels", map[string]any{"name": "Panel", "country": "FR", "languages": []string{"en"}}, 201), "panel", "id")
	group := str(coord.do("POST", "/api/panels/"+panel+"/groups", map[string]any{"name": "Group A"}, 201), "group", "id")
	org := str(coord.do("POST", "/api/organisations", map[string]any{"name": "AppCo", "kind": "partner", "country": "DE"}, 201), "organisation", "id")
	youth := joinByMail(t, coord, base, panel, group, "", "sam@example.org", "youth", time.Now().AddDate(-16, -1, 0).Format("2006-01-02"))
	youth.do("POST", "/api/me/consents/participate/grant", nil, 200)
	kid := joinByMail(t, coord, base, panel, group, "", "lea@example.org", "youth", time.Now().AddDate(-13, -1, 0).Format("2006-01-02")) // no guardian yet
	mod := joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "")
	partner := joinByMail(t, coord, base, panel, "", org, "pat@appco.example", "partner", "")
	id := str(youth.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Pledge", "language": "en"}, 201), "pledge", "id")
	item := str(youth.do("POST", "/api/pledges/"+id+"/items", map[string]any{"heading": "Plain words", "text": "Apps should explain."}, 201), "item", "id")

	dial := func(c *client) *wsConn {
		ws, _, err := dialWS(t, base, c, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		return ws
	}
	refused := func(ws *wsConn, topic string) wsMsg {
		return ws.until("a refusal on "+topic, func(m wsMsg) bool { return m.Type == "error" && m.Topic == topic })
	}

	// The panel's feed: not for a youth without participate, nor partners.
	panelTopic := "panel:" + panel
	for name, c := range map[string]*client{"kid": kid, "partner": partner} {
		ws := dial(c)
		ws.send(map[string]any{"type": "subscribe", "topic": panelTopic})
		if m := refused(ws, panelTopic); m.Code != "forbidden" && m.Code != "not_found" {
			t.Errorf("%s subscribing to the panel feed: got %+v, want a refusal", name, m)
		}
	}
	modWS := dial(mod)
	youthWS := dial(youth)
	coordWS := dial(coord)
	for _, ws := range []*wsConn{modWS, youthWS, coordWS} {
		ws.send(map[string]any{"type": "subscribe", "topic": panelTopic})
		ws.until("subscribed", is("subscribed", panelTopic))
	}
	// Nobody posts on a panel's feed: nothing is relayed there.
	coordWS.send(map[string]any{"type": "typing", "topic": panelTopic, "itemId": "hi, add me on insta @paula"})
	refused(coordWS, panelTopic)
	coordWS.send(map[string]any{"type": "presence", "topic": panelTopic, "itemId": "hi, add me on insta @paula"})
	refused(coordWS, panelTopic)

	// A pledge: the coordinator reads it but may not edit it, so relays nothing.
	topic := "pledge:" + id
	for _, ws := range []*wsConn{modWS, youthWS, coordWS} {
		ws.send(map[string]any{"type": "subscribe", "topic": topic})
		ws.until("subscribed", is("subscribed", topic))
	}
	coordWS.send(map[string]any{"type": "typing", "topic": topic, "itemId": item})
	refused(coordWS, topic)
	// Free text in place of an item is refused, from anyone.
	youthWS.send(map[string]any{"type": "typing", "topic": topic, "itemId": "do not tell your parents, meet me on Saturday"})
	if m := refused(youthWS, topic); m.Code != "invalid" {
		t.Errorf("free text as an item: got %+v, want invalid", m)
	}
	youthWS.send(map[string]any{"type": "presence", "topic": topic, "itemId": "meet me on Saturday"})
	refused(youthWS, topic)
	youthWS.send(map[string]any{"type": "presence", "topic": topic, "itemId": item})
	youthWS.send(map[string]any{"type": "typing", "topic": topic, "itemId": item})

	// The moderator sees the youth on the real item, and nothing else.
	coordID, youthID := accountID(coord), accountID(youth)
	for {
		_, frame, err := modWS.c.ReadMessage()
		if err != nil {
			t.Fatalf("waiting for the youth's typing: %v", err)
		}
		for _, raw := range strings.Split(string(frame), "\n") {
			var m struct {
				Type      string `json:"type"`
				Topic     string `json:"topic"`
				AccountID string `json:"accountId"`
				ItemID    string `json:"itemId"`
				Members   []struct {
					AccountID string `json:"accountId"`
					ItemID    string `json:"itemId"`
				} `json:"members"`
			}
			if json.Unmarshal([]byte(raw), &m) != nil {
				continue
			}
			switch m.Type {
			case "presence":
				for _, p := range m.Members {
					if p.AccountID == coordID || (p.ItemID != "" && p.ItemID != item) || m.Topic == panelTopic {
						t.Fatalf("presence relayed on %s: %+v", m.Topic, m.Members)
					}
				}
			case "typing":
				if m.Topic != topic || m.AccountID != youthID || m.ItemID != item {
					t.Fatalf("typing relayed: got %+v, want only the youth on the item", m)
				}
				return
			}
		}
	}
}
