package main

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// joinByMail invites email into the panel (and group) with role, follows
// the link in the mail the invitee receives, and returns the new person's client.
func joinByMail(t *testing.T, coord *client, base, panel, group, org, email, role, birth string) *client {
	t.Helper()
	body := map[string]any{"email": email, "role": role, "language": "en"}
	if group != "" {
		body["groupId"] = group
	}
	if org != "" {
		body["orgId"] = org
	}
	coord.do("POST", "/api/panels/"+panel+"/invitations", body, 201)
	token := strings.TrimPrefix(newestLink(t, base, email, "/invite/"), "/invite/")
	c := newClient(t, base)
	accept := map[string]any{"displayName": strings.Split(email, "@")[0] + " Test", "password": "violet-ferry-42-lantern", "language": "en"}
	if birth != "" {
		accept["birthDate"], accept["country"] = birth, "FR"
	}
	c.do("POST", "/api/invitations/by-token/"+token+"/accept", accept, 201)
	return c
}

// download fetches an export and returns status, headers and body.
func download(t *testing.T, c *client, path string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func problem(t *testing.T, c *client, method, path string, body any, status int, typ string) string {
	t.Helper()
	got, out := c.try(method, path, body)
	if got != status || str(out, "type") != "/problems/"+typ || str(out, "detail") == "" {
		t.Fatalf("%s %s: got %d %v, want %d /problems/%s with a detail", method, path, got, out, status, typ)
	}
	return str(out, "detail")
}

// TestPledgeJourney drafts, co-edits, reviews, publishes and exports a
// pledge through the real wiring (router, policy, SQLite), with the bad
// input of issue 4 on the way.
func TestPledgeJourney(t *testing.T) {
	base, _, stderr := start(t, nil)
	setup := regexp.MustCompile(`/setup/([A-Za-z0-9_-]+)`).FindStringSubmatch(stderr.String())
	coord := newClient(t, base)
	coord.do("POST", "/api/setup", map[string]any{"token": setup[1], "orgName": "SIC FR", "country": "FR", "displayName": "Claire Martin",
		"email": "claire@example.org", "password": "violet-ferry-42-lantern", "language": "fr"}, 201)
	panel := str(coord.do("POST", "/api/panels", map[string]any{"name": "Panel", "country": "FR", "languages": []string{"en"}}, 201), "panel", "id")
	group := str(coord.do("POST", "/api/panels/"+panel+"/groups", map[string]any{"name": "Group A"}, 201), "group", "id")
	org := str(coord.do("POST", "/api/organisations", map[string]any{"name": "AppCo", "kind": "partner", "country": "DE"}, 201), "organisation", "id")

	birth16 := time.Now().AddDate(-16, -1, 0).Format("2006-01-02") // France: consent age 15
	amb := joinByMail(t, coord, base, panel, group, "", "amb@example.org", "ambassador", birth16)
	amb.do("POST", "/api/me/consents/participate/grant", nil, 200)
	youth := joinByMail(t, coord, base, panel, group, "", "sam@example.org", "youth", birth16)
	youth.do("POST", "/api/me/consents/participate/grant", nil, 200)
	noConsent := joinByMail(t, coord, base, panel, group, "", "kim@example.org", "youth", birth16)
	mod := joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "")
	partner := joinByMail(t, coord, base, panel, "", org, "pat@appco.example", "partner", "")

	created := amb.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Youth Pledge", "language": "en"}, 201)
	id := str(created, "pledge", "id")
	item := amb.do("POST", "/api/pledges/"+id+"/items", map[string]any{"heading": "Plain words", "text": "Apps should explain rules.", "summary": "Say it simply"}, 201)
	itemID := str(item, "item", "id")
	second := str(amb.do("POST", "/api/pledges/"+id+"/items", map[string]any{"heading": "Safe defaults", "text": "Private by default."}, 201), "item", "id")
	items := "/api/pledges/" + id + "/items/" + itemID

	// The ambassador follows the pledge live; a partner may not (the feed
	// carries drafts, which partners never see).
	topic := "pledge:" + id
	live, _, err := dialWS(t, base, amb, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	live.send(map[string]any{"type": "subscribe", "topic": topic})
	live.until("subscribed", is("subscribed", topic))
	spy, _, err := dialWS(t, base, partner, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	spy.send(map[string]any{"type": "subscribe", "topic": topic})
	spy.until("a refusal", func(m wsMsg) bool { return m.Type == "error" && m.Topic == topic })

	// Two people edit the same item from the same version: both edits survive.
	amb.do("POST", items+"/edits", map[string]any{"field": "text", "baseVersion": 1, "text": "Apps should explain rules clearly."}, 200)
	merged := youth.do("POST", items+"/edits", map[string]any{"field": "text", "baseVersion": 1, "text": "All apps should explain rules."}, 200)
	live.until("the youth's edit, live", func(m wsMsg) bool {
		return m.Type == "event" && m.Topic == topic && m.Event == "pledge.item_edited" && strings.Contains(string(m.Data), `"version":3`)
	})
	if got := str(merged, "item", "text"); got != "All apps should explain rules clearly." {
		t.Fatalf("merged text: got %q, want both edits", got)
	}
	if v := merged["item"].(map[string]any)["version"].(float64); v != 3 {
		t.Fatalf("version after two edits: got %v, want 3", v)
	}

	// Bad input: clear problems, and nothing changes.
	problem(t, youth, "POST", items+"/edits", map[string]any{"field": "text", "baseVersion": 3, "text": strings.Repeat("a", 5001)}, 400, "invalid")
	problem(t, youth, "POST", items+"/edits", map[string]any{"field": "text", "baseVersion": 99, "text": "x"}, 400, "invalid")
	problem(t, youth, "POST", items+"/edits", map[string]any{"field": "colour", "baseVersion": 3, "text": "x"}, 400, "invalid")
	problem(t, youth, "POST", "/api/pledges/"+id+"/items/no-such-item/edits", map[string]any{"field": "text", "baseVersion": 1, "text": "x"}, 404, "not_found")
	problem(t, youth, "POST", items+"/edits", map[string]any{"field": "text", "baseVersion": 3, "text": "x", "admin": true}, 400, "invalid")
	problem(t, noConsent, "POST", items+"/edits", map[string]any{"field": "text", "baseVersion": 3, "text": "hacked"}, 403, "forbidden")
	problem(t, partner, "GET", "/api/pledges/"+id, nil, 403, "forbidden")
	problem(t, partner, "GET", "/api/pledges/"+id+"/export?format=md", nil, 403, "forbidden")
	problem(t, partner, "POST", items+"/edits", map[string]any{"field": "text", "baseVersion": 3, "text": "x"}, 403, "forbidden")
	if ps := partner.do("GET", "/api/groups/"+group+"/pledges", nil, 200)["pledges"].([]any); len(ps) != 0 {
		t.Fatalf("a partner must not see drafts in the list: %v", ps)
	}
	got := amb.do("GET", "/api/pledges/"+id, nil, 200)
	if txt := got["items"].([]any)[0].(map[string]any)["text"]; txt != "All apps should explain rules clearly." {
		t.Fatalf("refused edits changed the text: %v", txt)
	}
	if got["endorsements"].(map[string]any)["count"] != nil {
		t.Errorf("youth must not see endorsement counts (rule 7): %v", got["endorsements"])
	}

	// History, diff, restore; move and remove with undo.
	hist := amb.do("GET", items+"/history", nil, 200)["revisions"].([]any)
	if len(hist) != 3 {
		t.Fatalf("history: got %d revisions, want 3", len(hist))
	}
	// A client that has version 2 reads only what it misses; a bad since
	// is a clear problem.
	since := amb.do("GET", items+"/history?since=2", nil, 200)["revisions"].([]any)
	if len(since) != 1 || since[0].(map[string]any)["version"] != 3.0 || since[0].(map[string]any)["text"] != "All apps should explain rules clearly." {
		t.Fatalf("history since 2: got %v, want version 3 only", since)
	}
	for _, bad := range []string{"-1", "two", "1.5", "99999999999999999999", "%20"} {
		detail := problem(t, amb, "GET", items+"/history?since="+bad, nil, 400, "invalid")
		if !strings.Contains(detail, "since") {
			t.Errorf("since=%s: the problem %q does not name the parameter", bad, detail)
		}
	}
	if st, h, _ := download(t, amb, items+"/history?since=x"); st != 400 || h.Get("Content-Type") != "application/problem+json" {
		t.Errorf("since=x: got %d as %q, want 400 application/problem+json", st, h.Get("Content-Type"))
	}
	diff := amb.do("GET", items+"/diff?from=1&to=3", nil, 200)
	if raw := fmt.Sprint(diff); !strings.Contains(raw, "insert") {
		t.Errorf("diff has no insert: %v", raw)
	}
	restored := amb.do("POST", items+"/restore", map[string]any{"version": 1}, 200)
	if str(restored, "item", "text") != "Apps should explain rules." {
		t.Errorf("restore: got %v", restored)
	}
	amb.do("POST", "/api/pledges/"+id+"/items/"+second+"/move", map[string]any{"position": 0}, 200)
	amb.do("DELETE", "/api/pledges/"+id+"/items/"+second, nil, 200)
	if n := len(amb.do("GET", "/api/pledges/"+id, nil, 200)["items"].([]any)); n != 1 {
		t.Fatalf("after removal: got %d items, want 1", n)
	}
	amb.do("POST", "/api/pledges/"+id+"/items/"+second+"/restore", map[string]any{"version": 1}, 200)

	// Comments (the group has a moderator), amendments, endorsements.
	c := youth.do("POST", items+"/comments", map[string]any{"text": "Which rules?", "anchor": map[string]any{"start": 12, "end": 19}}, 201)
	if q := c["comment"].(map[string]any)["anchor"].(map[string]any)["quote"]; q != "explain" {
		t.Fatalf("anchor quote: got %v", q)
	}
	am := youth.do("POST", items+"/amendments", map[string]any{"text": "Apps should explain their rules.", "reason": "clearer"}, 201)
	youth.do("POST", "/api/pledges/"+id+"/amendments/"+str(am, "amendment", "id")+"/decision", map[string]any{"accept": true}, 403)
	amb.do("POST", "/api/pledges/"+id+"/amendments/"+str(am, "amendment", "id")+"/decision", map[string]any{"accept": true}, 200)
	youth.do("PUT", "/api/pledges/"+id+"/endorsements/me", nil, 200)
	if e := mod.do("GET", "/api/pledges/"+id+"/endorsements", nil, 200)["endorsements"].(map[string]any); e["count"] != float64(1) {
		t.Errorf("moderator endorsement count: got %v, want 1", e)
	}

	// Life cycle: a youth cannot publish; the ambassador asks for review,
	// the moderator publishes; then the partner sees that version only.
	problem(t, youth, "POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "in_review"}, 403, "forbidden")
	amb.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "in_review"}, 200)
	problem(t, amb, "POST", items+"/edits", map[string]any{"field": "text", "baseVersion": 1, "text": "x"}, 400, "invalid")
	problem(t, amb, "POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "published"}, 403, "forbidden")
	problem(t, partner, "GET", "/api/pledges/"+id+"/versions/1", nil, 403, "forbidden")
	mod.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "published"}, 200)
	pub := partner.do("GET", "/api/pledges/"+id, nil, 200)
	if pub["pledge"] != nil || pub["items"] != nil || str(pub, "published", "status") != "published" {
		t.Fatalf("partner view: got %v, want only the published version", pub)
	}
	// Partners get pseudonyms, never the account ids of who submitted and published it.
	v1 := partner.do("GET", "/api/pledges/"+id+"/versions/1", nil, 200)
	for _, seenByPartner := range []map[string]any{pub, v1} {
		raw := fmt.Sprint(seenByPartner)
		for _, who := range []*client{amb, mod} {
			if id := accountID(who); strings.Contains(raw, id) {
				t.Errorf("a partner received account id %s: %s", id, raw)
			}
		}
	}
	if by := str(pub, "published", "submittedBy"); !strings.HasPrefix(by, "anon-") || by != str(v1, "version", "submittedBy") {
		t.Errorf("submittedBy for a partner: got %q and %q, want one pseudonym", by, str(v1, "version", "submittedBy"))
	}
	// Edits after publishing start the next version; version 1 stays frozen.
	now := amb.do("GET", "/api/pledges/"+id, nil, 200)["items"].([]any)
	var cur map[string]any
	for _, it := range now {
		if it.(map[string]any)["id"] == itemID {
			cur = it.(map[string]any)
		}
	}
	amb.do("POST", items+"/edits", map[string]any{"field": "text", "baseVersion": cur["version"], "text": "DRAFT ONLY"}, 200)
	status, hdr, md := download(t, partner, "/api/pledges/"+id+"/export?format=md")
	if status != 200 || strings.Contains(md, "DRAFT ONLY") || !strings.Contains(md, "explain their rules") || !strings.Contains(hdr.Get("Content-Disposition"), "attachment") {
		t.Fatalf("partner export: got %d %q %v", status, md, hdr)
	}
	status, hdr, page := download(t, amb, "/api/pledges/"+id+"/export?format=html&version=1")
	// The printable page carries its own stylesheet: it is always a download
	// (opened from disk), never rendered under our origin and its CSP.
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") || !strings.Contains(page, "<h1>Youth Pledge</h1>") ||
		!strings.HasPrefix(hdr.Get("Content-Disposition"), "attachment") {
		t.Fatalf("html export: got %d %v %q", status, hdr, page)
	}
	problem(t, amb, "GET", "/api/pledges/"+id+"/export?format=pdf", nil, 400, "invalid")
	coord.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "in_round"}, 200)
	problem(t, coord, "POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "draft"}, 403, "forbidden")

	events := amb.do("GET", "/api/pledges/"+id+"/history?limit=1000", nil, 200)["events"].([]any)
	types := map[string]bool{}
	for _, e := range events {
		types[e.(map[string]any)["type"].(string)] = true
	}
	for _, want := range []string{"pledge.created", "pledge.item_added", "pledge.item_edited", "pledge.item_moved", "pledge.item_removed", "pledge.item_restored",
		"pledge.comment_added", "pledge.amendment_proposed", "pledge.amendment_decided", "pledge.endorsed", "pledge.state_changed"} {
		if !types[want] {
			t.Errorf("pledge history lacks %s", want)
		}
	}
}
