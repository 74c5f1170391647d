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
	if _, _, csv := download(t, coord, "/api/moderation/audit.csv?panelId="+panel+"&content=Clear"); strings.Count(strings.TrimSpace(csv), "\n") != 1 || !strings.Contains(csv, "Clear Terms Pledge") {
		t.Errorf("CSV by title: got %q, want a header and one row, with the title", csv)
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

// TestPanelSettingChangesAreInTheAuditTrail: a coordinator's change of a
// panel's safeguarding settings is in the trail, one entry per setting
// changed, by her: the number of moderators a live session needs (from and
// to), the safeguarding lead (about the new lead), partner
// post-moderation (on or off). Saving the same values again adds nothing.
func TestPanelSettingChangesAreInTheAuditTrail(t *testing.T) {
	base, _, stderr := start(t, nil)
	coord, coordID, panel, group := centreIn(t, base, stderr, "FR")
	mod := joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "")
	modID := str(mod.do("GET", "/api/session", nil, 200), "me", "account", "id")

	change := map[string]any{"moderatorsRequired": 3, "safeguardingLeadId": modID, "partnerPostModeration": true}
	coord.do("PATCH", "/api/panels/"+panel+"/settings", change, 200)
	coord.do("PATCH", "/api/panels/"+panel+"/settings", change, 200)

	var got []string
	for _, e := range coord.do("GET", "/api/moderation/audit?panelId="+panel+"&action=panel.setting_changed", nil, 200)["entries"].([]any) {
		m := e.(map[string]any)
		if m["actor"] != coordID {
			t.Errorf("%v: got actor %v, want the coordinator", m["category"], m["actor"])
		}
		got = append(got, fmt.Sprintf("%v %v %v", m["category"], m["reason"], m["person"]))
	}
	slices.Sort(got)
	want := []string{"moderatorsRequired 2 → 3 <nil>", "partnerPostModeration.on <nil> <nil>", "safeguardingLeadId <nil> " + modID}
	if !slices.Equal(got, want) {
		t.Errorf("settings in the trail: got %q, want %q", got, want)
	}
}
