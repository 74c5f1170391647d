package main

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestAuditTrailReadsAsPeopleSayIt: the coordinator searches the trail by
// a person's name and a pledge's title instead of ids, reads the content by
// its name, sees that screening (not the author) opened a held comment's
// case, finds invitations and consent changes there too, and a publication
// case names its group.
func TestAuditTrailReadsAsPeopleSayIt(t *testing.T) {
	base, _, stderr := start(t, nil)
	coord, coordID, panel, group := centreIn(t, base, stderr, "FR")
	birth16 := time.Now().AddDate(-16, -1, 0).Format("2006-01-02")
	joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "")
	amb := joinByMail(t, coord, base, panel, group, "", "amb@example.org", "ambassador", birth16)
	amb.do("POST", "/api/me/consents/participate/grant", nil, 200)
	sam, samID := joinFrom(t, coord, base, panel, group, "sam@example.org", birth16, "FR")

	pledgeID := str(amb.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Clear Terms Pledge", "language": "en"}, 201), "pledge", "id")
	itemID := str(amb.do("POST", "/api/pledges/"+pledgeID+"/items", map[string]any{"heading": "Plain words", "text": "Apps should explain their rules."}, 201), "item", "id")
	held := str(sam.do("POST", "/api/pledges/"+pledgeID+"/items/"+itemID+"/comments", map[string]any{"text": "Call me on 06 12 34 56 78"}, 201), "comment", "id")

	search := func(query string) []map[string]any {
		t.Helper()
		var out []map[string]any
		for _, e := range coord.do("GET", "/api/moderation/audit?panelId="+panel+query, nil, 200)["entries"].([]any) {
			out = append(out, e.(map[string]any))
		}
		return out
	}
	actions := func(es []map[string]any) []string {
		var out []string
		for _, e := range es {
			out = append(out, fmt.Sprintf("%s by %s", e["action"], e["actor"]))
		}
		return out
	}

	// By name, in any case: everything Sam did or that was about Sam.
	aboutSam := search("&person=" + url.QueryEscape("SAM test"))
	want := []string{"moderation.opened by system", "consent.granted by " + samID, "invitation.accepted by " + samID}
	if got := actions(aboutSam); !slices.Equal(got, want) {
		t.Fatalf("about Sam by name: got %v, want %v", got, want)
	}
	opened := aboutSam[0]
	if opened["person"] != samID || opened["contentId"] != held || opened["contentTitle"] != "Clear Terms Pledge" || opened["contentLink"] != "/pledges/"+pledgeID {
		t.Errorf("the held comment's entry: got %v, want about Sam, named by its pledge", opened)
	}
	if aboutSam[1]["category"] != "participate" || aboutSam[2]["category"] != "youth" {
		t.Errorf("consent and invitation entries: got %v, want the scope and the role", aboutSam[1:])
	}
	// The invitations the coordinator sent are there, by her.
	if sent := search("&action=invitation.sent"); len(sent) != 3 || sent[0]["actor"] != coordID {
		t.Errorf("invitations sent: got %v, want 3 by the coordinator", actions(sent))
	}
	// By a pledge's title, in part and any case.
	if got := actions(search("&content=" + url.QueryEscape("terms pledge"))); !slices.Equal(got, []string{"moderation.opened by system"}) {
		t.Errorf("by title: got %v, want the held comment only", got)
	}
	if got := search("&content=nothing-called-this"); len(got) != 0 {
		t.Errorf("an unknown title: got %v, want nothing", got)
	}
	if got := search("&person=" + url.QueryEscape("nobody here")); len(got) != 0 {
		t.Errorf("an unknown name: got %v, want nothing", got)
	}
	// The CSV follows the same search.
	if _, _, csv := download(t, coord, "/api/moderation/audit.csv?panelId="+panel+"&content=Clear"); strings.Count(strings.TrimSpace(csv), "\n") != 1 {
		t.Errorf("CSV by title: got %q, want a header and one row", csv)
	}

	// A publication case names the group it comes from.
	amb.do("POST", "/api/pledges/"+pledgeID+"/transitions", map[string]any{"to": "in_review"}, 200)
	var pub string
	for _, e := range search("&action=moderation.opened") {
		if e["contentType"] == "pledge_version" {
			pub = e["caseId"].(string)
		}
	}
	if cv := coord.do("GET", "/api/moderation/cases/"+pub, nil, 200); str(cv, "content", "groupName") == "" || str(cv, "content", "title") != "Clear Terms Pledge" {
		t.Errorf("publication case: got %v, want its group's name and the pledge's title", cv["content"])
	}
}

// TestPanelConsentsWaiting: the coordinator's home lists the young people
// who cannot take part yet, with where their guardian stands, and nobody
// who has said yes; a young person reads nobody else's consent in it.
func TestPanelConsentsWaiting(t *testing.T) {
	base, _, stderr := start(t, nil)
	coord, _, panel, group := centreIn(t, base, stderr, "FR")
	birth16 := time.Now().AddDate(-16, -1, 0).Format("2006-01-02")
	birth13 := time.Now().AddDate(-13, -1, 0).Format("2006-01-02")
	sam, _ := joinFrom(t, coord, base, panel, group, "sam@example.org", birth16, "FR") // said yes
	coord.do("POST", "/api/panels/"+panel+"/invitations", map[string]any{"email": "lou@example.org", "role": "youth", "groupId": group, "language": "fr"}, 201)
	token := strings.TrimPrefix(newestLink(t, base, "lou@example.org", "/invite/"), "/invite/")
	lou := newClient(t, base)
	louID := str(lou.do("POST", "/api/invitations/by-token/"+token+"/accept", map[string]any{"displayName": "Lou Martin",
		"password": "violet-ferry-42-lantern", "language": "fr", "birthDate": birth13, "country": "FR"}, 201), "me", "account", "id")

	waiting := func() []any {
		t.Helper()
		return coord.do("GET", "/api/panels/"+panel+"/consents/waiting", nil, 200)["waiting"].([]any)
	}
	w := waiting()
	if len(w) != 1 || str(w[0].(map[string]any), "accountId") != louID || str(w[0].(map[string]any), "name") != "Lou Martin" ||
		str(w[0].(map[string]any), "guardian") != "none" || str(w[0].(map[string]any), "scopes", "participate") != "not_granted" {
		t.Fatalf("waiting: got %v, want Lou only, with no guardian asked yet", w)
	}
	lou.do("POST", "/api/me/guardian", map[string]any{"email": "parent@example.org"}, 202)
	if w := waiting(); len(w) != 1 || str(w[0].(map[string]any), "guardian") != "waiting" {
		t.Errorf("after Lou named her guardian: got %v, want her guardian waiting", w)
	}
	if w := sam.do("GET", "/api/panels/"+panel+"/consents/waiting", nil, 200)["waiting"].([]any); len(w) != 0 {
		t.Errorf("Sam's list: got %v, want nobody (he may not read Lou's consent)", w)
	}
}

// TestMyWaiting: a young person's home learns that a moderator asked them
// to change their comment, with the message and where it is; nobody else's.
func TestMyWaiting(t *testing.T) {
	base, _, stderr := start(t, nil)
	coord, _, panel, group := centreIn(t, base, stderr, "FR")
	birth16 := time.Now().AddDate(-16, -1, 0).Format("2006-01-02")
	mod := joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "")
	amb := joinByMail(t, coord, base, panel, group, "", "amb@example.org", "ambassador", birth16)
	amb.do("POST", "/api/me/consents/participate/grant", nil, 200)
	sam, _ := joinFrom(t, coord, base, panel, group, "sam@example.org", birth16, "FR")
	pledgeID := str(amb.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Clear Terms Pledge", "language": "en"}, 201), "pledge", "id")
	itemID := str(amb.do("POST", "/api/pledges/"+pledgeID+"/items", map[string]any{"heading": "Plain words", "text": "Apps should explain their rules."}, 201), "item", "id")
	held := str(sam.do("POST", "/api/pledges/"+pledgeID+"/items/"+itemID+"/comments", map[string]any{"text": "Call me on 06 12 34 56 78"}, 201), "comment", "id")

	if w := sam.do("GET", "/api/me/waiting", nil, 200)["waiting"].([]any); len(w) != 0 {
		t.Fatalf("before the moderator answered: got %v, want nothing waiting for Sam", w)
	}
	cases := mod.do("GET", "/api/moderation/queue?panelId="+panel, nil, 200)["cases"].([]any)
	caseID := str(cases[0].(map[string]any), "id")
	mod.do("POST", "/api/moderation/cases/"+caseID+"/actions", map[string]any{"action": "request_changes", "reason": "A phone number", "message": "Please take out your number."}, 200)
	w := sam.do("GET", "/api/me/waiting", nil, 200)["waiting"].([]any)
	if len(w) != 1 {
		t.Fatalf("after the change request: got %v, want Sam's comment", w)
	}
	got := w[0].(map[string]any)
	if got["contentId"] != held || got["title"] != "Clear Terms Pledge" || got["link"] != "/pledges/"+pledgeID || got["message"] != "Please take out your number." {
		t.Errorf("waiting: got %v", got)
	}
	if w := amb.do("GET", "/api/me/waiting", nil, 200)["waiting"].([]any); len(w) != 0 {
		t.Errorf("the ambassador: got %v, want nothing (it is Sam's)", w)
	}
}
