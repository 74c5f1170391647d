package main

import (
	"strings"
	"testing"
	"time"
)

// joinFrom invites email as youth into the panel and group, accepts with a
// date of birth and country, and grants participate.
func joinFrom(t *testing.T, coord *client, base, panel, group, email, birth, country string) (*client, string) {
	t.Helper()
	coord.do("POST", "/api/panels/"+panel+"/invitations", map[string]any{"email": email, "role": "youth", "groupId": group, "language": "en"}, 201)
	token := strings.TrimPrefix(newestLink(t, base, email, "/invite/"), "/invite/")
	c := newClient(t, base)
	me := c.do("POST", "/api/invitations/by-token/"+token+"/accept", map[string]any{"displayName": strings.Split(email, "@")[0] + " Test",
		"password": "violet-ferry-42-lantern", "language": "en", "birthDate": birth, "country": country}, 201)
	c.do("POST", "/api/me/consents/participate/grant", nil, 200)
	return c, str(me, "me", "account", "id")
}

func accountID(c *client) string {
	return str(c.do("GET", "/api/session", nil, 200), "me", "account", "id")
}

// commentIDs lists the ids of the comments c sees on an item.
func commentIDs(c *client, items string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, x := range c.do("GET", items+"/comments", nil, 200)["comments"].([]any) {
		m := x.(map[string]any)
		out[m["id"].(string)] = m
	}
	return out
}

// TestModerationJourney goes through issue 5 over HTTP and the websocket,
// on the real wiring: reports and the queue, cases and actions, mutes and
// suspensions, safeguarding with helplines and the alert mail, hiding by
// reports, the audit trail and its CSV.
func TestModerationJourney(t *testing.T) {
	base, _, stderr := start(t, nil)
	coord, _, panel, group := centreIn(t, base, stderr, "FR")
	other := str(coord.do("POST", "/api/panels/"+panel+"/groups", map[string]any{"name": "Group B"}, 201), "group", "id")

	birth16 := time.Now().AddDate(-16, -1, 0).Format("2006-01-02")
	amb := joinByMail(t, coord, base, panel, group, "", "amb@example.org", "ambassador", birth16)
	amb.do("POST", "/api/me/consents/participate/grant", nil, 200)
	sam, samID := joinFrom(t, coord, base, panel, group, "sam@example.org", birth16, "FR")
	kim, kimID := joinFrom(t, coord, base, panel, group, "kim@example.org", birth16, "FR")
	rui, _ := joinFrom(t, coord, base, panel, group, "rui@example.org", birth16, "PT") // Portugal: no helpline of its own in the directory
	outsider, _ := joinFrom(t, coord, base, panel, other, "ola@example.org", birth16, "FR")
	mod := joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "")
	modID := accountID(mod)

	pledgeID := str(amb.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Youth Pledge", "language": "en"}, 201), "pledge", "id")
	itemID := str(amb.do("POST", "/api/pledges/"+pledgeID+"/items", map[string]any{"heading": "Plain words", "text": "Apps should explain their rules."}, 201), "item", "id")
	items := "/api/pledges/" + pledgeID + "/items/" + itemID
	comment := func(c *client, text string) string {
		t.Helper()
		return str(c.do("POST", items+"/comments", map[string]any{"text": text}, 201), "comment", "id")
	}
	report := func(c *client, id, category string, status int) map[string]any {
		t.Helper()
		return c.do("POST", "/api/reports", map[string]any{"contentType": "pledge_comment", "contentId": id, "category": category}, status)
	}

	// The moderator follows the panel's moderation live; a youth may not.
	topic := "moderation:" + panel
	live, _, err := dialWS(t, base, mod, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	live.send(map[string]any{"type": "subscribe", "topic": topic})
	live.until("subscribed", is("subscribed", topic))
	spy, _, err := dialWS(t, base, sam, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	spy.send(map[string]any{"type": "subscribe", "topic": topic})
	spy.until("a refusal", func(m wsMsg) bool { return m.Type == "error" && m.Topic == topic })

	// A report opens a case: live for the moderator, first in the queue.
	mean := comment(sam, "Nobody wants to hear what you think about this")
	if r := report(kim, mean, "bullying", 201); r["hidden"] != false || r["helpline"] != nil {
		t.Fatalf("first report: got %v, want not hidden and no helpline", r)
	}
	live.until("the report, live", func(m wsMsg) bool {
		return m.Type == "event" && m.Topic == topic && m.Event == "moderation.report" && strings.Contains(string(m.Data), mean)
	})
	q := mod.do("GET", "/api/moderation/queue?panelId="+panel, nil, 200)
	cases := q["cases"].([]any)
	if len(cases) != 1 || str(cases[0].(map[string]any), "content", "id") != mean || str(cases[0].(map[string]any), "kind") != "report" {
		t.Fatalf("queue: got %v, want the reported comment", q)
	}
	if s := q["summary"].(map[string]any); s["waiting"] != float64(1) || s["byCategory"].(map[string]any)["bullying"] != float64(1) {
		t.Errorf("queue summary: got %v", s)
	}
	if all := mod.do("GET", "/api/moderation/queue", nil, 200)["cases"].([]any); len(all) != 1 {
		t.Errorf("queue of all my panels: got %d cases, want 1", len(all))
	}
	caseID := str(cases[0].(map[string]any), "id")
	problem(t, sam, "GET", "/api/moderation/queue", nil, 403, "forbidden")
	problem(t, sam, "GET", "/api/moderation/queue?panelId="+panel, nil, 403, "forbidden")
	problem(t, sam, "GET", "/api/moderation/cases/"+caseID, nil, 403, "forbidden")

	// The case in context, for the moderator.
	cv := mod.do("GET", "/api/moderation/cases/"+caseID, nil, 200)
	if str(cv, "content", "text") != "Nobody wants to hear what you think about this" || str(cv, "content", "context") != "Apps should explain their rules." ||
		str(cv, "content", "link") != "/pledges/"+pledgeID || str(cv, "content", "authorName") != "sam Test" || len(cv["reports"].([]any)) != 1 {
		t.Fatalf("case view: got %v", cv)
	}

	// Reports that must not work: unseen content and unknown content look
	// the same; a wrong category is explained.
	problem(t, outsider, "POST", "/api/reports", map[string]any{"contentType": "pledge_comment", "contentId": mean, "category": "bullying"}, 404, "not_found")
	problem(t, kim, "POST", "/api/reports", map[string]any{"contentType": "pledge_comment", "contentId": "no-such-comment", "category": "bullying"}, 404, "not_found")
	problem(t, kim, "POST", "/api/reports", map[string]any{"contentType": "secret_diary", "contentId": mean, "category": "bullying"}, 404, "not_found")
	if d := problem(t, rui, "POST", "/api/reports", map[string]any{"contentType": "pledge_comment", "contentId": mean, "category": "spam"}, 400, "invalid"); !strings.Contains(d, "bullying") {
		t.Errorf("unknown category: detail %q should list the categories", d)
	}
	problem(t, kim, "POST", "/api/reports", map[string]any{"contentType": "pledge_comment", "contentId": mean, "category": "bullying"}, 409, "conflict")

	// An action needs a reason; without one nothing changes.
	problem(t, mod, "POST", "/api/moderation/cases/"+caseID+"/actions", map[string]any{"action": "hide"}, 400, "invalid")
	problem(t, sam, "POST", "/api/moderation/cases/"+caseID+"/actions", map[string]any{"action": "hide", "reason": "x"}, 403, "forbidden")
	// Only moderators approve (rule 2), not coordinators.
	problem(t, coord, "POST", "/api/moderation/cases/"+caseID+"/actions", map[string]any{"action": "approve", "reason": "Looks fine"}, 403, "forbidden")
	if cv := mod.do("GET", "/api/moderation/cases/"+caseID, nil, 200); str(cv, "case", "status") != "open" || len(cv["case"].(map[string]any)["history"].([]any)) != 1 {
		t.Fatalf("a refused action changed the case: %v", cv["case"])
	}
	if _, ok := commentIDs(kim, items)[mean]; !ok {
		t.Fatal("a refused action hid the comment")
	}
	hidden := mod.do("POST", "/api/moderation/cases/"+caseID+"/actions", map[string]any{"action": "hide", "reason": "Unkind to the group"}, 200)
	if str(hidden, "case", "status") != "hidden" {
		t.Fatalf("hide: got %v", hidden)
	}
	if _, ok := commentIDs(kim, items)[mean]; ok {
		t.Fatal("a hidden comment is still shown to the group")
	}
	if c, ok := commentIDs(mod, items)[mean]; !ok || c["hidden"] != true {
		t.Fatalf("the moderator should still see the hidden comment: %v", c)
	}

	// Sanctions: youth never sanction; a moderator mutes a youth in the
	// group, who may read but not post there until the mute is lifted.
	mute := map[string]any{"kind": "mute", "accountId": samID, "panelId": panel, "groupId": group, "minutes": 30, "reason": "Repeated unkind comments"}
	problem(t, kim, "POST", "/api/moderation/sanctions", mute, 403, "forbidden")
	problem(t, kim, "POST", "/api/moderation/sanctions", map[string]any{"kind": "suspend", "accountId": samID, "panelId": panel, "reason": "x"}, 403, "forbidden")
	problem(t, mod, "POST", "/api/moderation/sanctions", map[string]any{"kind": "mute", "accountId": samID, "panelId": panel, "groupId": group, "reason": "no length"}, 400, "invalid")
	x := mod.do("POST", "/api/moderation/sanctions", mute, 201)
	sanctionID := str(x, "sanction", "id")
	if d := problem(t, sam, "POST", items+"/comments", map[string]any{"text": "Sorry about that"}, 403, "forbidden"); !strings.Contains(d, "paused") {
		t.Errorf("muted comment: detail %q should say posting is paused", d)
	}
	problem(t, sam, "POST", items+"/edits", map[string]any{"field": "text", "baseVersion": 1, "text": "x"}, 403, "forbidden")
	sam.do("GET", "/api/pledges/"+pledgeID, nil, 200)
	sam.do("GET", items+"/comments", nil, 200)
	if xs := mod.do("GET", "/api/moderation/sanctions?accountId="+samID+"&panelId="+panel, nil, 200)["sanctions"].([]any); len(xs) != 1 {
		t.Errorf("sanctions list: got %v", xs)
	}
	problem(t, mod, "POST", "/api/moderation/sanctions/"+sanctionID+"/lift", map[string]any{"reason": ""}, 400, "invalid")
	mod.do("POST", "/api/moderation/sanctions/"+sanctionID+"/lift", map[string]any{"reason": "Talked it through"}, 200)
	comment(sam, "Sorry about that")

	// Safeguarding: the reporter gets their country's helpline first, with
	// 116 111 beside it in the EU, the moderators a mail with a link, no
	// content.
	worry := comment(kim, "I do not feel safe at home lately")
	fr := report(sam, worry, "safeguarding", 201)
	if h := fr["helpline"].(map[string]any); h["phone"] != "3018" || h["name"] == "" || h["european"] != "116 111" {
		t.Fatalf("helpline for France: got %v, want 3018 with 116 111 beside it", h)
	}
	pt := report(rui, worry, "safeguarding", 201)
	if h := pt["helpline"].(map[string]any); h["phone"] != "800 21 90 90" || h["european"] != "116 111" {
		t.Fatalf("helpline for Portugal: got %v, want Linha Internet Segura with 116 111 beside it", h)
	}
	if h := rui.do("GET", "/api/helpline", nil, 200)["helpline"].(map[string]any); h["phone"] != "800 21 90 90" || h["european"] != "116 111" {
		t.Errorf("GET /api/helpline: got %v", h)
	}
	alerts := 0
	for _, m := range mailbox(t, base).Messages() {
		p, err := m.Parse()
		if err != nil || !m.ToAddr("mod@example.org") || !strings.Contains(p.Text, "/moderation/cases/") {
			continue
		}
		alerts++
		if strings.Contains(p.Text, "safe at home") {
			t.Errorf("an alert mail must not carry the content: %v", p.Text)
		}
	}
	if alerts != 2 {
		t.Errorf("safeguarding alerts to the moderator: got %d, want 2", alerts)
	}
	if first := mod.do("GET", "/api/moderation/queue?panelId="+panel, nil, 200)["cases"].([]any)[0].(map[string]any); str(first, "category") != "safeguarding" {
		t.Errorf("a safeguarding report must come first in the queue: %v", first)
	}

	// Three different people report a comment: hidden until a moderator
	// decides; restoring shows it again.
	loud := comment(amb, "Everyone who disagrees is wrong")
	for i, c := range []*client{sam, kim, rui} {
		r := report(c, loud, "inappropriate", 201)
		if want := i == 2; r["hidden"] != want {
			t.Fatalf("report %d: got hidden %v, want %v", i+1, r["hidden"], want)
		}
	}
	if _, ok := commentIDs(kim, items)[loud]; ok {
		t.Fatal("a comment three people reported is still shown")
	}
	loudCase := ""
	for _, c := range mod.do("GET", "/api/moderation/queue?panelId="+panel+"&category=inappropriate", nil, 200)["cases"].([]any) {
		if str(c.(map[string]any), "content", "id") == loud {
			loudCase = str(c.(map[string]any), "id")
		}
	}
	if loudCase == "" {
		t.Fatal("the reported comment has no case in the queue")
	}
	mod.do("POST", "/api/moderation/cases/"+loudCase+"/actions", map[string]any{"action": "restore", "reason": "Strong words, but no rule broken"}, 200)
	if _, ok := commentIDs(kim, items)[loud]; !ok {
		t.Fatal("a restored comment is not shown again")
	}

	// Audit: coordinators only; the CSV has a row per action.
	problem(t, mod, "GET", "/api/moderation/audit", nil, 403, "forbidden")
	problem(t, sam, "GET", "/api/moderation/audit.csv", nil, 403, "forbidden")
	entries := coord.do("GET", "/api/moderation/audit?panelId="+panel+"&person="+samID, nil, 200)["entries"].([]any)
	if len(entries) == 0 {
		t.Fatal("audit: nothing about sam")
	}
	problem(t, coord, "GET", "/api/moderation/audit?from=yesterday", nil, 400, "invalid")
	status, hdr, csv := download(t, coord, "/api/moderation/audit.csv?panelId="+panel)
	if status != 200 || hdr.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.HasPrefix(hdr.Get("Content-Disposition"), "attachment") {
		t.Fatalf("audit CSV: got %d %v", status, hdr)
	}
	for _, want := range []string{"time,action,actor", "moderation.report", "moderation.hide", "moderation.mute", "moderation.lift",
		"moderation.hidden_by_reports", "moderation.restore", "Unkind to the group", modID, kimID} {
		if !strings.Contains(csv, want) {
			t.Errorf("audit CSV lacks %q:\n%s", want, csv)
		}
	}

	// A suspension signs the person out; signed in again, they are told why.
	problem(t, mod, "POST", "/api/moderation/sanctions", map[string]any{"kind": "suspend", "accountId": modID, "panelId": panel, "reason": "x"}, 403, "forbidden")
	until := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	mod.do("POST", "/api/moderation/sanctions", map[string]any{"kind": "suspend", "accountId": kimID, "panelId": panel, "until": until, "reason": "Threats to another member"}, 201)
	kim.do("GET", "/api/pledges/"+pledgeID, nil, 401)
	kim.do("POST", "/api/auth/login", map[string]string{"email": "kim@example.org", "password": "violet-ferry-42-lantern"}, 200)
	if d := problem(t, kim, "GET", "/api/pledges/"+pledgeID, nil, 403, "forbidden"); !strings.Contains(d, "paused by a moderator until") {
		t.Errorf("suspended: detail %q should say until when", d)
	}
}
