package main

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestWithdrawalReachesHeldAndVisibleContent is hole 3 of issue 10: after a
// guardian withdrew participate, a moderator could still approve the
// youth's held comment into view, and the case still showed the old
// consents. Now the withdrawal takes the youth's comments out of the group
// at once (held and visible), no moderator approves or restores them back,
// and the case shows the consents in effect and why.
func TestWithdrawalReachesHeldAndVisibleContent(t *testing.T) {
	base, _, stderr := start(t, nil)
	setup := regexp.MustCompile(`/setup/([A-Za-z0-9_-]+)`).FindStringSubmatch(stderr.String())
	coord := newClient(t, base)
	coord.do("POST", "/api/setup", map[string]any{"token": setup[1], "orgName": "SIC FR", "country": "FR", "displayName": "Claire Martin",
		"email": "claire@example.org", "password": "violet-ferry-42-lantern", "language": "en"}, 201)
	panel := str(coord.do("POST", "/api/panels", map[string]any{"name": "Panel", "country": "FR", "languages": []string{"en"}}, 201), "panel", "id")
	group := str(coord.do("POST", "/api/panels/"+panel+"/groups", map[string]any{"name": "Group A"}, 201), "group", "id")
	amb := joinByMail(t, coord, base, panel, group, "", "amb@example.org", "ambassador", time.Now().AddDate(-17, 0, 0).Format("2006-01-02"))
	amb.do("POST", "/api/me/consents/participate/grant", nil, 200)
	mod := joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "")
	// A 14-year-old in France: the guardian and the child say yes together.
	lea := joinByMail(t, coord, base, panel, group, "", "lea@example.org", "youth", time.Now().AddDate(-14, -1, 0).Format("2006-01-02"))
	lea.do("POST", "/api/me/guardian", map[string]any{"email": "parent@example.org"}, 202)
	link := newestLink(t, base, "parent@example.org", "/guardian/")
	guardian := newClient(t, base)
	guardian.do("POST", "/api"+link+"/confirm", map[string]any{"guardianName": "Anne Dubois", "grants": map[string]bool{"participate": true}}, 200)
	lea.do("POST", "/api/me/consents/participate/grant", nil, 200)

	id := str(amb.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Pledge", "language": "en"}, 201), "pledge", "id")
	item := str(amb.do("POST", "/api/pledges/"+id+"/items", map[string]any{"heading": "Plain words", "text": "Apps should explain."}, 201), "item", "id")
	comments := "/api/pledges/" + id + "/items/" + item + "/comments"
	visible := str(lea.do("POST", comments, map[string]any{"text": "I agree, short words please."}, 201), "comment", "id")
	held := lea.do("POST", comments, map[string]any{"text": "Write to me at lea.dubois@example.org"}, 201)
	if held["comment"].(map[string]any)["held"] != true {
		t.Fatalf("a comment with an e-mail address: got %v, want it held", held)
	}
	heldID := str(held, "comment", "id")
	var caseID string
	for _, c := range mod.do("GET", "/api/moderation/queue?panelId="+panel, nil, 200)["cases"].([]any) {
		if cs := c.(map[string]any); str(cs, "content", "id") == heldID {
			caseID = str(cs, "id")
		}
	}
	if caseID == "" {
		t.Fatal("no case for the held comment")
	}

	// The guardian withdraws participate through the link in their mail.
	manage := strings.TrimPrefix(newestLink(t, base, "parent@example.org", "/guardian/manage/"), "/guardian/manage/")
	guardian.do("POST", "/api/guardian/manage/"+manage+"/scopes/participate/withdraw", nil, 200)

	// The visible comment left the group.
	for _, c := range amb.do("GET", comments, nil, 200)["comments"].([]any) {
		if str(c.(map[string]any), "id") == visible {
			t.Fatalf("after the withdrawal the group still sees %v", c)
		}
	}
	// No moderator shows the held one.
	detail := problem(t, mod, "POST", "/api/moderation/cases/"+caseID+"/actions", map[string]any{"action": "approve", "reason": "fine"}, 409, "conflict")
	if !strings.Contains(detail, "no longer takes part") {
		t.Errorf("approve after the withdrawal: got %q, want it to say the author no longer takes part", detail)
	}
	for _, c := range amb.do("GET", comments, nil, 200)["comments"].([]any) {
		if str(c.(map[string]any), "id") == heldID {
			t.Fatalf("after a refused approval the group sees %v", c)
		}
	}
	// The case shows the consents in effect, and why.
	view := mod.do("GET", "/api/moderation/cases/"+caseID, nil, 200)
	cs := view["case"].(map[string]any)
	if !strings.Contains(str(cs, "consentWithdrawn"), "participate") {
		t.Errorf("case: got consentWithdrawn %q, want the withdrawal of participate", str(cs, "consentWithdrawn"))
	}
	if got, _ := cs["authorConsents"].([]any); slices.Contains(got, any("participate")) {
		t.Errorf("case: got author consents %v, want participate gone", got)
	}
	if got, _ := view["content"].(map[string]any)["authorConsents"].([]any); slices.Contains(got, any("participate")) {
		t.Errorf("case content: got author consents now %v, want participate gone", got)
	}
	// Protective steps still go.
	mod.do("POST", "/api/moderation/cases/"+caseID+"/actions", map[string]any{"action": "hide", "reason": "consent withdrawn"}, 200)
}
