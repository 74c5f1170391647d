package main

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestAskForChangesReachesTheGroup is hole 4 of issue 10: a moderator who
// asked for changes on a pledge's publication case sent it back to draft,
// but the group never saw the message. The group sees it on the pledge, and
// live, whether the moderator asked from the pledge or from the queue; it
// goes once the group asks for a review again.
func TestAskForChangesReachesTheGroup(t *testing.T) {
	base, _, stderr := start(t, nil)
	setup := regexp.MustCompile(`/setup/([A-Za-z0-9_-]+)`).FindStringSubmatch(stderr.String())
	coord := newClient(t, base)
	coord.do("POST", "/api/setup", map[string]any{"token": setup[1], "orgName": "SIC FR", "country": "FR", "displayName": "Claire Martin",
		"email": "claire@example.org", "password": "violet-ferry-42-lantern", "language": "en"}, 201)
	panel := str(coord.do("POST", "/api/panels", map[string]any{"name": "Panel", "country": "FR", "languages": []string{"en"}}, 201), "panel", "id")
	group := str(coord.do("POST", "/api/panels/"+panel+"/groups", map[string]any{"name": "Group A"}, 201), "group", "id")
	amb := joinByMail(t, coord, base, panel, group, "", "amb@example.org", "ambassador", time.Now().AddDate(-17, 0, 0).Format("2006-01-02"))
	amb.do("POST", "/api/me/consents/participate/grant", nil, 200)
	youth := joinByMail(t, coord, base, panel, group, "", "sam@example.org", "youth", time.Now().AddDate(-16, 0, 0).Format("2006-01-02"))
	youth.do("POST", "/api/me/consents/participate/grant", nil, 200)
	mod := joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "")
	id := str(amb.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Pledge", "language": "en"}, 201), "pledge", "id")
	amb.do("POST", "/api/pledges/"+id+"/items", map[string]any{"heading": "Plain words", "text": "Apps should explain."}, 201)

	live, _, err := dialWS(t, base, youth, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	topic := "pledge:" + id
	live.send(map[string]any{"type": "subscribe", "topic": topic})
	live.until("subscribed", is("subscribed", topic))

	// From the pledge itself.
	const first = "Please say who the pledge is for in the first item."
	amb.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "in_review"}, 200)
	mod.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "draft", "message": first}, 200)
	live.until("the message, live", func(m wsMsg) bool {
		return m.Type == "event" && m.Topic == topic && strings.Contains(string(m.Data), first)
	})
	got := youth.do("GET", "/api/pledges/"+id, nil, 200)
	if msg := str(got, "pledge", "changesRequested", "message"); msg != first {
		t.Fatalf("the pledge the group sees: got changesRequested %v, want %q", got["pledge"], first)
	}

	// From the queue: the same.
	const second = "Add a child-friendly summary, please."
	amb.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "in_review"}, 200)
	if got := amb.do("GET", "/api/pledges/"+id, nil, 200); str(got, "pledge", "changesRequested", "message") != "" {
		t.Errorf("in review again: got changesRequested %v, want none", got["pledge"])
	}
	var caseID string
	for _, c := range mod.do("GET", "/api/moderation/queue?panelId="+panel, nil, 200)["cases"].([]any) {
		if cs := c.(map[string]any); str(cs, "kind") == "publication" {
			caseID = str(cs, "id")
		}
	}
	if caseID == "" {
		t.Fatal("no publication case in the queue")
	}
	mod.do("POST", "/api/moderation/cases/"+caseID+"/actions", map[string]any{"action": "request_changes", "reason": "summary missing", "message": second}, 200)
	live.until("the second message, live", func(m wsMsg) bool {
		return m.Type == "event" && m.Topic == topic && strings.Contains(string(m.Data), second)
	})
	got = youth.do("GET", "/api/pledges/"+id, nil, 200)
	if str(got, "pledge", "state") != "draft" || str(got, "pledge", "changesRequested", "message") != second {
		t.Fatalf("after the queue's request: got %v, want a draft with %q", got["pledge"], second)
	}
}
