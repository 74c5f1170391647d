package main

import (
	"strings"
	"testing"
	"time"
)

// queueCase finds the case of a content item in the panel's queue (any
// status), or fails.
func queueCase(t *testing.T, mod *client, panel, contentType, contentID string) map[string]any {
	t.Helper()
	for _, status := range []string{"", "&status=changes_requested", "&status=approved"} {
		for _, c := range mod.do("GET", "/api/moderation/queue?panelId="+panel+status, nil, 200)["cases"].([]any) {
			c := c.(map[string]any)
			if str(c, "content", "type") == contentType && str(c, "content", "id") == contentID {
				return c
			}
		}
	}
	t.Fatalf("no %s case for %s in the queue", contentType, contentID)
	return nil
}

func amendmentIDs(c *client, items string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, x := range c.do("GET", items+"/amendments", nil, 200)["amendments"].([]any) {
		m := x.(map[string]any)
		out[m["id"].(string)] = m
	}
	return out
}

// TestScreeningJourney goes through issue 5's screening of what youth
// write and the publication of pledges, over HTTP on the real wiring: a
// held amendment, an item whose personal data blocks the review, and the
// publication case that the queue and the pledge routes decide alike.
func TestScreeningJourney(t *testing.T) {
	base, _, stderr := start(t, nil)
	coord, _, panel, group := centreIn(t, base, stderr, "FR")
	birth16 := time.Now().AddDate(-16, -1, 0).Format("2006-01-02")
	amb := joinByMail(t, coord, base, panel, group, "", "amb@example.org", "ambassador", birth16)
	amb.do("POST", "/api/me/consents/participate/grant", nil, 200)
	sam, _ := joinFrom(t, coord, base, panel, group, "sam@example.org", birth16, "FR")
	kim, _ := joinFrom(t, coord, base, panel, group, "kim@example.org", birth16, "FR")
	mod := joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "")

	id := str(amb.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Youth Pledge", "language": "en"}, 201), "pledge", "id")
	itemID := str(amb.do("POST", "/api/pledges/"+id+"/items", map[string]any{"heading": "Plain words", "text": "Apps should explain their rules."}, 201), "item", "id")
	items := "/api/pledges/" + id + "/items/" + itemID

	// A held amendment: only its author and moderators see it, nobody can
	// accept it, and a screening case waits in the queue.
	am := sam.do("POST", items+"/amendments", map[string]any{"text": "Apps should explain their rules. Ask sam@example.org", "reason": "so people can ask"}, 201)["amendment"].(map[string]any)
	amID := str(am, "id")
	if am["held"] != true || len(am["reasons"].([]any)) == 0 {
		t.Fatalf("an amendment with an e-mail address: got %v, want held with the reasons", am)
	}
	if _, ok := amendmentIDs(kim, items)[amID]; ok {
		t.Fatal("another youth sees a held amendment")
	}
	if _, ok := amendmentIDs(mod, items)[amID]; !ok {
		t.Fatal("the moderator does not see the held amendment")
	}
	decision := "/api/pledges/" + id + "/amendments/" + amID + "/decision"
	problem(t, amb, "POST", decision, map[string]any{"accept": true}, 404, "not_found")
	if d := problem(t, mod, "POST", decision, map[string]any{"accept": true}, 409, "conflict"); !strings.Contains(d, "moderator") {
		t.Errorf("accepting a held amendment: detail %q should say a moderator checks it", d)
	}
	amCase := queueCase(t, mod, panel, "amendment", amID)
	if str(amCase, "kind") != "screening" || str(amCase, "category") != "email" {
		t.Fatalf("the amendment's case: got %v", amCase)
	}
	actions := "/api/moderation/cases/" + str(amCase, "id") + "/actions"
	mod.do("POST", actions, map[string]any{"action": "request_changes", "reason": "personal data", "message": "Please leave out your e-mail address."}, 200)
	if got := amendmentIDs(sam, items)[amID]; got["changesMessage"] != "Please leave out your e-mail address." {
		t.Fatalf("the author's view: got %v, want the moderator's message", got)
	}
	problem(t, kim, "PATCH", "/api/pledges/"+id+"/amendments/"+amID, map[string]any{"text": "mine"}, 404, "not_found")
	rewritten := sam.do("PATCH", "/api/pledges/"+id+"/amendments/"+amID, map[string]any{"text": "Apps should explain their rules in plain words.", "reason": "clearer"}, 200)["amendment"].(map[string]any)
	if rewritten["held"] != true || rewritten["hits"] != nil || rewritten["edited"] != true {
		t.Fatalf("the rewrite: got %v, want still held, no hits", rewritten)
	}
	if c := queueCase(t, mod, panel, "amendment", amID); str(c, "status") != "open" {
		t.Fatalf("after the rewrite the case is %v, want open again", c["status"])
	}
	mod.do("POST", actions, map[string]any{"action": "approve", "reason": "fine now"}, 200)
	if _, ok := amendmentIDs(kim, items)[amID]; !ok {
		t.Fatal("an approved amendment is not shown to the group")
	}
	if got := amb.do("POST", decision, map[string]any{"accept": true}, 200); str(got, "amendment", "state") != "accepted" {
		t.Fatalf("accepting the approved amendment: got %v", got)
	}

	// An e-mail address in an item: the item says so, and the pledge cannot
	// go to review until it is out.
	item := amb.do("GET", items+"/history", nil, 200)["revisions"].([]any)
	version := item[len(item)-1].(map[string]any)["version"]
	edited := kim.do("POST", items+"/edits", map[string]any{"field": "text", "baseVersion": version,
		"text": "Apps should explain their rules in plain words. Questions: kim@example.org"}, 200)["item"].(map[string]any)
	hits, _ := edited["hits"].(map[string]any)
	if hits == nil || len(hits["text"].([]any)) != 1 || str(hits["text"].([]any)[0].(map[string]any), "kind") != "email" {
		t.Fatalf("an item with an e-mail address: got hits %v, want the e-mail in the text", edited["hits"])
	}
	if got := amb.do("GET", "/api/pledges/"+id, nil, 200)["items"].([]any)[0].(map[string]any); got["hits"] == nil {
		t.Errorf("the pledge's items should carry the hits: %v", got)
	}
	if d := problem(t, amb, "POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "in_review"}, 409, "conflict"); !strings.HasPrefix(d, "Item 1 has something") {
		t.Fatalf("review with an e-mail address in item 1: detail %q", d)
	}
	cleared := kim.do("POST", items+"/edits", map[string]any{"field": "text", "baseVersion": edited["version"], "text": "Apps should explain their rules in plain words."}, 200)["item"].(map[string]any)
	if cleared["hits"] != nil {
		t.Fatalf("after removing the address: hits %v, want none", cleared["hits"])
	}

	// Going to review opens a publication case; approving it in the queue
	// publishes the pledge.
	amb.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "in_review"}, 200)
	pub := queueCase(t, mod, panel, "pledge_version", id+":v0001")
	if str(pub, "kind") != "publication" || str(pub, "status") != "open" || str(pub, "content", "ownerId") != "" {
		t.Fatalf("the publication case: got %v", pub)
	}
	cv := mod.do("GET", "/api/moderation/cases/"+str(pub, "id"), nil, 200)
	if text := str(cv, "content", "text"); !strings.Contains(text, "Youth Pledge") || !strings.Contains(text, "in plain words") {
		t.Errorf("the moderator reads %q, want the pledge's title and items", text)
	}
	problem(t, sam, "POST", "/api/reports", map[string]any{"contentType": "pledge_version", "contentId": id + ":v0001", "category": "other"}, 404, "not_found")
	problem(t, coord, "POST", "/api/moderation/cases/"+str(pub, "id")+"/actions", map[string]any{"action": "approve", "reason": "ok"}, 403, "forbidden")
	mod.do("POST", "/api/moderation/cases/"+str(pub, "id")+"/actions", map[string]any{"action": "approve", "reason": "Ready for partners"}, 200)
	if p := amb.do("GET", "/api/pledges/"+id, nil, 200)["pledge"].(map[string]any); p["state"] != "published" || len(p["publishedVersions"].([]any)) != 1 {
		t.Fatalf("after approval in the queue: got %v, want published version 1", p)
	}
	problem(t, mod, "POST", "/api/moderation/cases/"+str(pub, "id")+"/actions", map[string]any{"action": "hide", "reason": "changed my mind"}, 409, "conflict")

	// The next version: the pledge routes decide on the case as the queue
	// does: request changes, resubmit (the same case is open again), publish.
	amb.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "in_review"}, 200)
	next := queueCase(t, mod, panel, "pledge_version", id+":v0002")
	mod.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "draft", "reason": "Too vague", "message": "Say which apps."}, 200)
	if c := queueCase(t, mod, panel, "pledge_version", id+":v0002"); str(c, "status") != "changes_requested" || c["changesMessage"] != "Say which apps." {
		t.Fatalf("after asking for changes on the pledge: case %v", c)
	}
	amb.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "in_review"}, 200)
	if c := queueCase(t, mod, panel, "pledge_version", id+":v0002"); str(c, "id") != str(next, "id") || str(c, "status") != "open" {
		t.Fatalf("after resubmitting: case %v, want %s open again", c, str(next, "id"))
	}
	mod.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "published"}, 200)
	c := queueCase(t, mod, panel, "pledge_version", id+":v0002")
	h := c["history"].([]any)
	if str(c, "status") != "approved" || str(h[len(h)-1].(map[string]any), "reason") != "published" {
		t.Fatalf("after publishing on the pledge: case %v, want approved with the reason published", c)
	}
}
