package main

import (
	"strings"
	"testing"
	"time"

	"chorus/testenv"
)

// TestWithdrawalReachesVideoComments is hole 3 of issue 10 for group
// videos, through the real wiring: after a guardian withdrew participate,
// the youth's visible comment on a video leaves the group at once, no
// moderator approves her held one, and the case shows the withdrawal.
func TestWithdrawalReachesVideoComments(t *testing.T) {
	testenv.FFmpeg(t)
	base, _, stderr := start(t, nil)
	p := setUpVideoPeople(t, base, stderr)
	// A 14-year-old in France: the guardian and the child say yes together.
	lea := joinByMail(t, p.coord, base, p.panel, p.group, "", "lea14@example.org", "youth", time.Now().AddDate(-14, -1, 0).Format("2006-01-02"))
	lea.do("POST", "/api/me/guardian", map[string]any{"email": "parent@example.org"}, 202)
	guardian := newClient(t, base)
	guardian.do("POST", "/api"+newestLink(t, base, "parent@example.org", "/guardian/")+"/confirm", map[string]any{"guardianName": "Anne Dubois", "grants": map[string]bool{"participate": true}}, 200)
	lea.do("POST", "/api/me/consents/participate/grant", nil, 200)

	v1 := "/api/videos/" + readyVideo(t, p) + "/versions/1"
	visible := str(lea.do("POST", v1+"/comments", map[string]any{"at": 1.0, "text": "The music is too loud here"}, 201), "comment", "id")
	held := lea.do("POST", v1+"/comments", map[string]any{"at": 0.5, "text": "Write to me at lea.dubois@example.org"}, 201)["comment"].(map[string]any)
	if held["held"] != true {
		t.Fatalf("a comment with an e-mail address: got %v, want it held", held)
	}
	heldCase := caseOf(t, p.mod, p.panel, "video_comment", str(held, "id"))
	seen := func() []string {
		var ids []string
		for _, c := range p.youth.do("GET", v1+"/comments", nil, 200)["comments"].([]any) {
			ids = append(ids, str(c.(map[string]any), "id"))
		}
		return ids
	}
	if ids := seen(); len(ids) != 1 || ids[0] != visible {
		t.Fatalf("Sam sees comments %v, want Lea's visible one only", ids)
	}

	manage := strings.TrimPrefix(newestLink(t, base, "parent@example.org", "/guardian/manage/"), "/guardian/manage/")
	guardian.do("POST", "/api/guardian/manage/"+manage+"/scopes/participate/withdraw", nil, 200)

	if ids := seen(); len(ids) != 0 {
		t.Errorf("after the withdrawal Sam still sees comments %v", ids)
	}
	detail := problem(t, p.mod, "POST", "/api/moderation/cases/"+heldCase+"/actions", map[string]any{"action": "approve", "reason": "fine"}, 409, "conflict")
	if !strings.Contains(detail, "no longer takes part") {
		t.Errorf("approve after the withdrawal: got %q, want it to say the author no longer takes part", detail)
	}
	if ids := seen(); len(ids) != 0 {
		t.Errorf("after a refused approval Sam sees comments %v", ids)
	}
	cs := p.mod.do("GET", "/api/moderation/cases/"+heldCase, nil, 200)["case"].(map[string]any)
	if !strings.Contains(str(cs, "consentWithdrawn"), "participate") {
		t.Errorf("case: got consentWithdrawn %q, want the withdrawal of participate", str(cs, "consentWithdrawn"))
	}
	// Protective steps still go.
	p.mod.do("POST", "/api/moderation/cases/"+heldCase+"/actions", map[string]any{"action": "hide", "reason": "consent withdrawn"}, 200)
}
