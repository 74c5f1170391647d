package main

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestNoWritingInAGroupWithoutAModerator is hole 1 of issue 10: in a group
// with no moderator member, a 22-year-old and a 14-year-old could start a
// pledge and write to each other through its items and their edits, live.
// Every way of writing into the group space is refused there (over HTTP
// and over the socket), while reading still works; with a moderator back
// in the group, writing works again.
func TestNoWritingInAGroupWithoutAModerator(t *testing.T) {
	base, _, stderr := start(t, nil)
	setup := regexp.MustCompile(`/setup/([A-Za-z0-9_-]+)`).FindStringSubmatch(stderr.String())
	coord := newClient(t, base)
	coord.do("POST", "/api/setup", map[string]any{"token": setup[1], "orgName": "SIC FR", "country": "FR", "displayName": "Claire Martin",
		"email": "claire@example.org", "password": "violet-ferry-42-lantern", "language": "en"}, 201)
	panel := str(coord.do("POST", "/api/panels", map[string]any{"name": "Panel", "country": "FR", "languages": []string{"en"}}, 201), "panel", "id")
	lonely := str(coord.do("POST", "/api/panels/"+panel+"/groups", map[string]any{"name": "No moderator"}, 201), "group", "id")
	adult := joinByMail(t, coord, base, panel, lonely, "", "adult@example.org", "youth", time.Now().AddDate(-22, 0, 0).Format("2006-01-02"))
	adult.do("POST", "/api/me/consents/participate/grant", nil, 200)
	// A 14-year-old in France (consent age 15): the guardian said yes.
	minor := joinByMail(t, coord, base, panel, lonely, "", "minor@example.org", "youth", time.Now().AddDate(-14, -1, 0).Format("2006-01-02"))
	minor.do("POST", "/api/me/guardian", map[string]any{"email": "parent@example.org"}, 202)
	link := newestLink(t, base, "parent@example.org", "/guardian/")
	newClient(t, base).do("POST", "/api"+link+"/confirm", map[string]any{"guardianName": "Anne Dubois", "grants": map[string]bool{"participate": true}}, 200)
	minor.do("POST", "/api/me/consents/participate/grant", nil, 200) // France, under 15: the child and the guardian together

	// No pledge can be started.
	problem(t, adult, "POST", "/api/groups/"+lonely+"/pledges", map[string]any{"title": "Secret", "language": "en"}, 403, "forbidden")
	problem(t, minor, "POST", "/api/groups/"+lonely+"/pledges", map[string]any{"title": "Secret", "language": "en"}, 403, "forbidden")

	// A pledge started while a moderator was a member stays readable after
	// the moderator left (here: erased their account), but nobody writes
	// into it any more.
	mod := joinByMail(t, coord, base, panel, lonely, "", "mod@example.org", "moderator", "")
	id := str(adult.do("POST", "/api/groups/"+lonely+"/pledges", map[string]any{"title": "Ours", "language": "en"}, 201), "pledge", "id")
	item := str(adult.do("POST", "/api/pledges/"+id+"/items", map[string]any{"heading": "Plain words", "text": "Apps should explain."}, 201), "item", "id")
	minorLive := newEditor(t, base, minor, id, item, "minor")
	mod.do("POST", "/api/me/erase", map[string]any{"password": "violet-ferry-42-lantern"}, 204)

	items := "/api/pledges/" + id + "/items"
	detail := problem(t, adult, "POST", items, map[string]any{"heading": "Meet", "text": "do not tell your parents"}, 403, "forbidden")
	if !strings.Contains(detail, "moderator") {
		t.Errorf("refusal: got %q, want it to say a moderator must join", detail)
	}
	problem(t, adult, "POST", items+"/"+item+"/edits", map[string]any{"field": "text", "baseVersion": 1, "text": "do not tell your parents, meet me on Saturday"}, 403, "forbidden")
	problem(t, adult, "PATCH", "/api/pledges/"+id, map[string]any{"title": "meet me on Saturday"}, 403, "forbidden")
	problem(t, adult, "POST", items+"/"+item+"/amendments", map[string]any{"text": "meet me on Saturday"}, 403, "forbidden")
	problem(t, adult, "POST", items+"/"+item+"/comments", map[string]any{"text": "meet me on Saturday"}, 403, "forbidden")
	problem(t, minor, "POST", items+"/"+item+"/edits", map[string]any{"field": "text", "baseVersion": 1, "text": "ok"}, 403, "forbidden")
	// Over the socket too, from an editor who subscribed while it was allowed.
	if a, ok := minorLive.insert("ok see you "); !ok || a.Type != "refused" || a.Code != "forbidden" {
		t.Fatalf("socket edit in an unmoderated group: got %+v (open %t), want refused forbidden", a, ok)
	}
	adultLive := newEditor(t, base, adult, id, item, "adult")
	if a, ok := adultLive.insert("meet me "); !ok || a.Type != "refused" {
		t.Fatalf("socket edit of a new subscriber: got %+v (open %t), want refused", a, ok)
	}
	got := adult.do("GET", "/api/pledges/"+id, nil, 200)
	if text := str(got["items"].([]any)[0].(map[string]any), "text"); text != "Apps should explain." {
		t.Fatalf("item text after the refusals: got %q, want it unchanged", text)
	}
	if can := got["can"].(map[string]any); can["edit"] != false || can["comment"] != false || can["amend"] != false {
		t.Errorf("abilities without a moderator: got %v, want no edit, comment or amend", can)
	}

	// A moderator joins again: writing works.
	joinByMail(t, coord, base, panel, lonely, "", "mod2@example.org", "moderator", "")
	adult.do("POST", items+"/"+item+"/edits", map[string]any{"field": "text", "baseVersion": 1, "text": "Apps should explain simply."}, 200)
}
