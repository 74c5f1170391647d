package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"chorus/testenv"
)

// readyVideo: youth starts a video in the group and uploads a clip with
// GPS metadata, processed.
func readyVideo(t *testing.T, p videoPeople) string {
	t.Helper()
	clip, err := os.ReadFile(testenv.Clip(t, t.TempDir(), "gps.mp4", 2, 160, 120, true,
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"))
	if err != nil {
		t.Fatal(err)
	}
	vid := str(p.youth.do("POST", "/api/groups/"+p.group+"/videos", map[string]any{"title": "Apps and us"}, 201), "video", "id")
	up := p.youth.tusCreate(vid, len(clip), tusMeta("filename", "gps.mp4", "filetype", "video/mp4"))
	if st, out := p.youth.tusPatch(up, 0, clip); st != 204 {
		t.Fatalf("upload: %d %v", st, out)
	}
	if v := waitVersion(t, p.youth, vid, 1); v["state"] != "ready" {
		t.Fatalf("version: %v", v)
	}
	return vid
}

func reasonsOf(sharing map[string]any, audience string) []string {
	for _, a := range sharing["audiences"].([]any) {
		a := a.(map[string]any)
		if a["audience"] == audience {
			var out []string
			for _, r := range a["reasons"].([]any) {
				out = append(out, r.(string))
			}
			return out
		}
	}
	return nil
}

// TestVideoReviewAndConsentGatedSharing goes through tagging, review,
// the consents of everyone who appears, a moderator's approval, a partner
// watching, an event link, and a guardian's withdrawal that takes the
// video from the partner at once, through the real wiring.
func TestVideoReviewAndConsentGatedSharing(t *testing.T) {
	testenv.FFmpeg(t)
	base, _, stderr := start(t, nil)
	p := setUpVideoPeople(t, base, stderr)
	org := str(p.coord.do("POST", "/api/organisations", map[string]any{"name": "AppCo", "kind": "partner", "country": "DE"}, 201), "organisation", "id")
	partner := joinByMail(t, p.coord, base, p.panel, "", org, "pat@appco.example", "partner", "")
	birth19 := time.Now().AddDate(-19, 0, 0).Format("2006-01-02")
	ada := joinByMail(t, p.coord, base, p.panel, p.group, "", "ada@example.org", "youth", birth19)
	for _, sc := range []string{"participate", "video_appear", "video_publish"} {
		ada.do("POST", "/api/me/consents/"+sc+"/grant", nil, 200)
	}
	vid := readyVideo(t, p)
	path := "/api/videos/" + vid
	adaID, samID := accountID(ada), accountID(p.youth)

	// The script: a document of scenes co-written like a pledge's items,
	// never listed with the pledges nor sent for review.
	script := str(p.youth.do("POST", path+"/script", nil, 201), "scriptId")
	if again := str(p.youth.do("POST", path+"/script", nil, 200), "scriptId"); again != script {
		t.Errorf("starting the script twice: %q then %q", script, again)
	}
	for _, scene := range []map[string]any{{"heading": "Sam", "text": "We open on a phone screen."}, {"heading": "Ada", "text": "Who reads the terms?"}} {
		ada.do("POST", "/api/pledges/"+script+"/items", scene, 201)
	}
	if items := p.youth.do("GET", "/api/pledges/"+script, nil, 200)["items"].([]any); len(items) != 2 {
		t.Errorf("script scenes: %v", items)
	}
	if ps := p.youth.do("GET", "/api/groups/"+p.group+"/pledges", nil, 200)["pledges"].([]any); len(ps) != 0 {
		t.Errorf("the group's pledges list the script: %v", ps)
	}
	problem(t, p.mod, "POST", "/api/pledges/"+script+"/transitions", map[string]any{"to": "in_review"}, 400, "invalid")
	problem(t, p.outsider, "POST", path+"/script", nil, 404, "not_found")

	// Tags: oneself at once; someone else only from the group, waiting for them.
	p.youth.do("POST", path+"/tags", map[string]any{}, 201)
	tags := p.youth.do("POST", path+"/tags", map[string]any{"accountId": adaID}, 201)["tags"].([]any)
	if len(tags) != 2 || tags[0].(map[string]any)["confirmed"] != true || tags[1].(map[string]any)["confirmed"] != false {
		t.Fatalf("tags: %v, want Sam confirmed and Ada waiting", tags)
	}
	problem(t, p.youth, "POST", path+"/tags", map[string]any{"accountId": accountID(p.outsider)}, 400, "invalid")
	problem(t, p.youth, "POST", path+"/tags", map[string]any{"accountId": 42}, 400, "invalid")
	problem(t, p.noConsent, "POST", path+"/tags", map[string]any{}, 403, "forbidden")
	problem(t, p.outsider, "POST", path+"/tags", map[string]any{}, 404, "not_found")
	problem(t, p.outsider, "GET", path+"/sharing", nil, 404, "not_found")
	if r := reasonsOf(p.youth.do("GET", path+"/sharing", nil, 200), "partners"); len(r) != 2 || !strings.Contains(r[1], "ada has not confirmed") {
		t.Errorf("reasons before Ada confirms: %v", r)
	}
	ada.do("POST", path+"/tags/me/confirm", nil, 200)

	v1 := path + "/versions/1"
	request := map[string]any{"partners": []string{org}, "panel": true}
	// Consent: the refusal names who and what.
	if d := problem(t, p.youth, "POST", v1+"/share-request", request, 403, "forbidden"); !strings.Contains(d, "sam does not have permission") || !strings.Contains(d, "video_appear") {
		t.Errorf("Sam without video_appear: %q", d)
	}
	p.youth.do("POST", "/api/me/consents/video_appear/grant", nil, 200)
	if d := problem(t, p.youth, "POST", v1+"/share-request", request, 403, "forbidden"); !strings.Contains(d, "sam does not have permission") || !strings.Contains(d, "video_publish") {
		t.Errorf("Sam without video_publish: %q", d)
	}
	p.youth.do("POST", "/api/me/guardian", map[string]any{"email": "parent@example.org"}, 202)
	gtoken := strings.TrimPrefix(newestLink(t, base, "parent@example.org", "/guardian/"), "/guardian/")
	guardian := newClient(t, base)
	guardian.do("POST", "/api/guardian/"+gtoken+"/confirm", map[string]any{"guardianName": "Marie Martin", "grants": map[string]bool{"video_publish": true}}, 200)
	mtoken := strings.TrimPrefix(newestLink(t, base, "parent@example.org", "/guardian/manage/"), "/guardian/manage/")
	if status := upload(t, p.coord, "/api/accounts/"+samID+"/consent-forms", "video_publish", "form.pdf", "application/pdf"); status != 201 {
		t.Fatalf("signed form: %d", status)
	}
	// Review: the uploader's own approval is not enough; captions in the panel's language.
	p.youth.do("POST", v1+"/approval", nil, 200)
	if d := problem(t, p.youth, "POST", v1+"/share-request", request, 409, "conflict"); !strings.Contains(d, "other than the person who uploaded") {
		t.Errorf("only the uploader approved: %q", d)
	}
	problem(t, p.noConsent, "POST", v1+"/approval", nil, 403, "forbidden")
	if ap := ada.do("POST", v1+"/approval", nil, 200)["approvals"].([]any); len(ap) != 2 {
		t.Errorf("approvals: %v", ap)
	}
	if d := problem(t, p.youth, "POST", v1+"/share-request", request, 409, "conflict"); !strings.Contains(d, "captions") {
		t.Errorf("without captions: %q", d)
	}
	if st, out := putVTT(t, p.youth, v1+"/captions/en", "WEBVTT\n\n00:00:00.500 --> 00:00:01.500\n<script>x</script>\n"); st != 400 || !strings.Contains(str(out, "detail"), "Line 4") {
		t.Errorf("bad captions: %d %v", st, out)
	}
	if st, out := putVTT(t, p.youth, v1+"/captions/en", "WEBVTT\n\n00:00:00.500 --> 00:00:01.500\nHello\n"); st != 200 {
		t.Fatalf("captions: %d %v", st, out)
	}
	problem(t, p.youth, "POST", v1+"/share-request", map[string]any{"partners": []string{"no-such-org"}}, 400, "invalid")
	problem(t, p.youth, "POST", v1+"/share-request", map[string]any{}, 400, "invalid")

	if r := p.youth.do("POST", v1+"/share-request", request, 201)["request"].(map[string]any); r["state"] != "waiting" {
		t.Fatalf("request: %v", r)
	}
	problem(t, p.youth, "POST", v1+"/share-request", request, 409, "conflict")
	if got := partner.do("GET", "/api/shared/videos", nil, 200)["videos"].([]any); len(got) != 0 {
		t.Fatalf("before a moderator approved, the partner sees %v", got)
	}

	// A moderator approves the case; only moderators may.
	var caseID string
	for _, c := range p.mod.do("GET", "/api/moderation/queue?panelId="+p.panel, nil, 200)["cases"].([]any) {
		if c := c.(map[string]any); str(c, "content", "type") == "video_version" {
			caseID = str(c, "id")
		}
	}
	if caseID == "" {
		t.Fatal("no video_version case in the moderators' queue")
	}
	problem(t, p.coord, "POST", "/api/moderation/cases/"+caseID+"/actions", map[string]any{"action": "approve", "reason": "fine"}, 403, "forbidden")
	p.mod.do("POST", "/api/moderation/cases/"+caseID+"/actions", map[string]any{"action": "approve", "reason": "Captions and consents in order"}, 200)

	// The partner watches it with captions, without the location.
	shared := partner.do("GET", "/api/shared/videos", nil, 200)["videos"].([]any)
	if len(shared) != 1 {
		t.Fatalf("the partner's shared videos: %v", shared)
	}
	sv := shared[0].(map[string]any)
	sharePath := "/api/shared/videos/" + str(sv, "id")
	if caps := sv["captions"].([]any); len(caps) != 1 {
		t.Errorf("shared captions: %v", caps)
	}
	resp, body := fetch(t, partner, str(sv, "rendition"), nil)
	if resp.StatusCode != 200 || len(body) == 0 || strings.Contains(string(body), testenv.GPSLocation) {
		t.Fatalf("partner playing: %d, %d bytes", resp.StatusCode, len(body))
	}
	if resp, body := fetch(t, partner, sharePath+"/captions/en", nil); resp.StatusCode != 200 || !strings.Contains(string(body), "Hello") {
		t.Errorf("partner captions: %d %q", resp.StatusCode, body)
	}
	for _, who := range []*client{p.outsider, p.noConsent} {
		if resp, _ := fetch(t, who, sharePath, nil); resp.StatusCode != 404 {
			t.Errorf("someone else opening the partner's share: %d, want 404", resp.StatusCode)
		}
	}
	// The panel's youth (another group) see it through the panel's share; without participate, nobody does.
	inPanel := p.outsider.do("GET", "/api/shared/videos", nil, 200)["videos"].([]any)
	if len(inPanel) != 1 || str(inPanel[0].(map[string]any), "audience") != "panel" {
		t.Fatalf("a youth of the panel: %v, want the panel's share", inPanel)
	}
	panelPath := "/api/shared/videos/" + str(inPanel[0].(map[string]any), "id")
	p.outsider.do("GET", panelPath, nil, 200)
	if got := p.noConsent.do("GET", "/api/shared/videos", nil, 200)["videos"].([]any); len(got) != 0 {
		t.Errorf("a youth without participate sees %v", got)
	}
	if resp, _ := fetch(t, partner, panelPath, nil); resp.StatusCode != 404 {
		t.Errorf("the partner opening the panel's share: %d, want 404", resp.StatusCode)
	}
	if resp, _ := fetch(t, partner, sharePath+"/thumbnails", nil); resp.StatusCode != 404 {
		t.Errorf("partner asking for other files: %d, want 404", resp.StatusCode)
	}
	problem(t, partner, "GET", path, nil, 404, "not_found") // the group's workspace stays closed

	// An event link, by a moderator only, expiring and revocable.
	soon := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	problem(t, p.youth, "POST", v1+"/links", map[string]any{"label": "Forum", "expiresAt": soon}, 403, "forbidden")
	problem(t, p.mod, "POST", v1+"/links", map[string]any{"label": "", "expiresAt": soon}, 400, "invalid")
	problem(t, p.mod, "POST", v1+"/links", map[string]any{"label": "Forum", "expiresAt": "2020-01-01T00:00:00Z"}, 400, "invalid")
	link := p.mod.do("POST", v1+"/links", map[string]any{"label": "Safer Internet Forum", "expiresAt": soon}, 201)["link"].(map[string]any)
	watch := "/api" + str(link, "path")
	anon := newClient(t, base)
	if w := anon.do("GET", watch, nil, 200)["video"].(map[string]any); w["title"] != "Apps and us" {
		t.Errorf("event link: %v", w)
	}
	if resp, _ := fetch(t, anon, watch+"/rendition", map[string]string{"Range": "bytes=0-99"}); resp.StatusCode != 206 {
		t.Errorf("event link playing: %d", resp.StatusCode)
	}
	anon.do("GET", watch+"x", nil, 404)

	// Comments at a moment, screened, threaded, resolved.
	c1 := ada.do("POST", v1+"/comments", map[string]any{"at": 1.2, "text": "The sound drops here"}, 201)["comment"].(map[string]any)
	p.youth.do("POST", v1+"/comments", map[string]any{"threadId": str(c1, "id"), "text": "Fixed in the next cut"}, 201)
	held := ada.do("POST", v1+"/comments", map[string]any{"at": 0.5, "text": "call me on +33 6 12 34 56 78"}, 201)["comment"].(map[string]any)
	if held["held"] != true || held["reasons"] == nil {
		t.Errorf("a comment with a phone number: %v, want held with reasons", held)
	}
	problem(t, ada, "POST", v1+"/comments", map[string]any{"at": 99, "text": "late"}, 400, "invalid")
	problem(t, ada, "POST", v1+"/comments", map[string]any{"text": "when?"}, 400, "invalid")
	problem(t, p.noConsent, "POST", v1+"/comments", map[string]any{"at": 1, "text": "x"}, 403, "forbidden")
	if cs := p.youth.do("GET", v1+"/comments", nil, 200)["comments"].([]any); len(cs) != 2 {
		t.Errorf("Sam sees %d comments, want 2 (not Ada's held one)", len(cs))
	}
	p.youth.do("POST", v1+"/comments/"+str(c1, "id")+"/resolve", map[string]any{"resolved": true}, 200)

	// The guardian withdraws video_publish: the partner and the event link lose it at once.
	guardian.do("POST", "/api/guardian/manage/"+mtoken+"/scopes/video_publish/withdraw", nil, 200)
	if resp, _ := fetch(t, partner, sharePath, nil); resp.StatusCode != 404 {
		t.Errorf("partner after the withdrawal: %d, want 404", resp.StatusCode)
	}
	if resp, _ := fetch(t, partner, str(sv, "rendition"), nil); resp.StatusCode != 404 {
		t.Errorf("partner playing after the withdrawal: %d, want 404", resp.StatusCode)
	}
	if got := partner.do("GET", "/api/shared/videos", nil, 200)["videos"].([]any); len(got) != 0 {
		t.Errorf("partner's list after the withdrawal: %v", got)
	}
	p.outsider.do("GET", panelPath, nil, 200) // video_appear still holds: the panel keeps it
	// The event link goes too (each request checks; the worker sweeps what nobody opens).
	deadline := time.Now().Add(time.Minute)
	for {
		resp, _ := fetch(t, anon, watch, nil)
		if resp.StatusCode == 404 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("event link after the withdrawal: %d after a minute", resp.StatusCode)
		}
		time.Sleep(time.Second)
	}
	// The group is told it left (not who withdrew); the moderators are told who and why.
	for who, wantName := range map[*client]bool{p.youth: false, p.mod: true} {
		var reasons []string
		for _, sh := range who.do("GET", path+"/sharing", nil, 200)["shares"].([]any) {
			if sh := sh.(map[string]any); sh["state"] == "withdrawn" {
				for _, r := range sh["reasons"].([]any) {
					reasons = append(reasons, r.(string))
				}
			}
		}
		if len(reasons) == 0 || strings.Contains(fmt.Sprint(reasons), "sam") != wantName {
			t.Errorf("withdrawal reasons shown (names: %t): %v", wantName, reasons)
		}
	}
}
