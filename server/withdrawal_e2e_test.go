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

// TestWithdrawalReachesRoundContent is hole 3 of issue 10 for feedback
// rounds: after a guardian withdrew participate, the youth's approved
// follow-up question and rating reason leave the partner's view at once,
// no moderator approves her held question or held reason, and each case
// shows the withdrawal.
func TestWithdrawalReachesRoundContent(t *testing.T) {
	base, _, stderr := start(t, nil)
	setup := regexp.MustCompile(`/setup/([A-Za-z0-9_-]+)`).FindStringSubmatch(stderr.String())
	coord := newClient(t, base)
	coord.do("POST", "/api/setup", map[string]any{"token": setup[1], "orgName": "SIC FR", "country": "FR", "displayName": "Claire Martin",
		"email": "claire@example.org", "password": "violet-ferry-42-lantern", "language": "en"}, 201)
	panel := str(coord.do("POST", "/api/panels", map[string]any{"name": "Panel", "country": "FR", "languages": []string{"en"}}, 201), "panel", "id")
	group := str(coord.do("POST", "/api/panels/"+panel+"/groups", map[string]any{"name": "Group A"}, 201), "group", "id")
	org := str(coord.do("POST", "/api/organisations", map[string]any{"name": "AppCo", "kind": "partner", "country": "DE"}, 201), "organisation", "id")
	mod := joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "")
	pa := joinByMail(t, coord, base, panel, "", org, "pat@appco.example", "partner", "")
	lea := joinByMail(t, coord, base, panel, group, "", "lea@example.org", "youth", time.Now().AddDate(-14, -1, 0).Format("2006-01-02"))
	lea.do("POST", "/api/me/guardian", map[string]any{"email": "parent@example.org"}, 202)
	guardian := newClient(t, base)
	guardian.do("POST", "/api"+newestLink(t, base, "parent@example.org", "/guardian/")+"/confirm", map[string]any{"guardianName": "Anne Dubois", "grants": map[string]bool{"participate": true}}, 200)
	lea.do("POST", "/api/me/consents/participate/grant", nil, 200)

	id := str(mod.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Pledge", "language": "en"}, 201), "pledge", "id")
	item := str(mod.do("POST", "/api/pledges/"+id+"/items", map[string]any{"heading": "Plain words", "text": "Apps should explain."}, 201), "item", "id")
	mod.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "in_review"}, 200)
	mod.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "published"}, 200)
	rid := str(coord.do("POST", "/api/pledges/"+id+"/rounds", map[string]any{"organisationIds": []string{org}, "deadline": time.Now().Add(time.Hour)}, 201), "round", "id")
	path := "/api/rounds/" + rid
	due := time.Now().AddDate(0, 3, 0).Format("2006-01-02")
	answer := str(pa.do("POST", path+"/items/"+item+"/answer", map[string]any{"stance": "commit", "explanation": "We will write a summary.",
		"actions": []any{map[string]any{"text": "Publish a summary", "dueDate": due}, map[string]any{"text": "Add a video", "dueDate": due}}}, 201), "answer", "id")
	approveCase(t, mod, panel, "partner_answer", answer+"_r1")

	// Lea asks twice: one question a moderator approves, one screening holds.
	shown := str(lea.do("POST", path+"/answers/"+answer+"/followups", map[string]any{"text": "When exactly?"}, 201), "followUp", "id")
	approveCase(t, mod, panel, "round_followup", shown)
	held := str(lea.do("POST", path+"/answers/"+answer+"/followups", map[string]any{"text": "Write to me at lea.dubois@example.org"}, 201), "followUp", "id")
	heldCase := caseOf(t, mod, panel, "round_followup", held)
	if f := answersOf(pa, path)[0][0]["followUps"].([]any); len(f) != 1 {
		t.Fatalf("the partner reads %v, want Lea's approved question", f)
	}
	// She rates both commitments: one reason approved, one held.
	leaID := str(lea.do("GET", "/api/session", nil, 200), "me", "account", "id")
	var cms []string
	for _, c := range coord.do("POST", path+"/close", nil, 200)["commitments"].([]any) {
		cms = append(cms, str(c.(map[string]any), "id"))
	}
	if len(cms) != 2 {
		t.Fatalf("commitments: %v, want two", cms)
	}
	lea.do("PUT", path+"/commitments/"+cms[0]+"/rating", map[string]any{"rating": "kept", "reason": "I read it, it is clear."}, 200)
	approveCase(t, mod, panel, "commitment_rating", cms[0]+"_"+leaID)
	lea.do("PUT", path+"/commitments/"+cms[1]+"/rating", map[string]any{"rating": "partly", "reason": "Call me on +33 6 12 34 56 78"}, 200)
	heldReasonCase := caseOf(t, mod, panel, "commitment_rating", cms[1]+"_"+leaID)
	coord.do("POST", path+"/scorecards/"+org+"/publish", map[string]any{"public": false}, 200)
	reasons := func() []any {
		var out []any
		for _, sc := range pa.do("GET", path+"/scorecards", nil, 200)["scorecards"].([]any) {
			for _, l := range sc.(map[string]any)["commitments"].([]any) {
				if rs, _ := l.(map[string]any)["reasons"].([]any); len(rs) > 0 {
					out = append(out, rs...)
				}
			}
		}
		return out
	}
	if got := reasons(); len(got) != 1 {
		t.Fatalf("the partner's scorecard reasons: %v, want Lea's approved one", got)
	}

	// The guardian withdraws participate.
	manage := strings.TrimPrefix(newestLink(t, base, "parent@example.org", "/guardian/manage/"), "/guardian/manage/")
	guardian.do("POST", "/api/guardian/manage/"+manage+"/scopes/participate/withdraw", nil, 200)

	if f := answersOf(pa, path)[0][0]["followUps"].([]any); len(f) != 0 {
		t.Errorf("after the withdrawal the partner still reads %v", f)
	}
	if got := reasons(); len(got) != 0 {
		t.Errorf("after the withdrawal the partner's scorecard still shows %v", got)
	}
	for _, cs := range []string{heldCase, heldReasonCase} {
		detail := problem(t, mod, "POST", "/api/moderation/cases/"+cs+"/actions", map[string]any{"action": "approve", "reason": "fine"}, 409, "conflict")
		if !strings.Contains(detail, "no longer takes part") {
			t.Errorf("approve after the withdrawal: got %q, want it to say the author no longer takes part", detail)
		}
		view := mod.do("GET", "/api/moderation/cases/"+cs, nil, 200)["case"].(map[string]any)
		if !strings.Contains(str(view, "consentWithdrawn"), "participate") {
			t.Errorf("case %s: got consentWithdrawn %q, want the withdrawal of participate", cs, str(view, "consentWithdrawn"))
		}
	}
	if f := answersOf(pa, path)[0][0]["followUps"].([]any); len(f) != 0 {
		t.Errorf("after refused approvals the partner reads %v", f)
	}
}
