package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"chorus/auth"
	"chorus/identity"
	"chorus/mail/outbox"
	"chorus/store"
)

// Issue 9: every panel and every centre isolated. Each test runs on the real
// wiring with two Safer Internet Centres, A and B, one panel each, as the
// black-box probe found them: Claire set Chorus up for centre A, started
// centre B and its panel, and invited Bruno to coordinate panel B. Mail is
// kept in the outbox (what the probe ran), and the test reads a link the
// way only its recipient should: from the store, as an operator would.

// twoCentres is the probe's world.
type twoCentres struct {
	t    *testing.T
	base string
	docs store.Documents

	claire            *client // coordinator of all of centre A (set-up) and of centre B (she started it)
	bruno             *client // coordinator of panel B only
	claireID, brunoID string

	centreA, centreB string
	panelA, panelB   string
	groupA, groupB   string
	partnerA         string // a partner organisation centre A registered
	modA             *client
	modAEmail        string
}

func newTwoCentres(t *testing.T, env map[string]string) *twoCentres {
	t.Helper()
	f := captureFeeds(t)
	vars := map[string]string{"SMTP_URL": ""} // the outbox, as the probe ran it
	for k, v := range env {
		vars[k] = v
	}
	if vars["SMTP_URL"] == "mailbox" { // mail goes out, to the test SMTP server
		delete(vars, "SMTP_URL")
	}
	base, _, stderr := start(t, vars)
	w := &twoCentres{t: t, base: base, docs: f.of(t, base), modAEmail: "moritz@centre-a.example"}
	setup := regexp.MustCompile(`/setup/([A-Za-z0-9_-]+)`).FindStringSubmatch(stderr.String())
	w.claire = newClient(t, base)
	me := w.claire.do("POST", "/api/setup", map[string]any{"token": setup[1], "orgName": "Centre A", "country": "FR",
		"displayName": "Claire Martin", "email": "claire@centre-a.example", "password": "violet-ferry-42-lantern", "language": "en"}, 201)
	w.claireID = str(me, "me", "account", "id")
	w.centreA = str(w.claire.do("GET", "/api/organisations", nil, 200)["organisations"].([]any)[0].(map[string]any), "id")
	w.centreB = str(w.claire.do("POST", "/api/organisations", map[string]any{"name": "Centre B", "kind": "sic", "country": "BE"}, 201), "organisation", "id")
	w.partnerA = str(w.claire.do("POST", "/api/organisations", map[string]any{"name": "AppCo", "kind": "partner", "country": "DE", "centreId": w.centreA}, 201), "organisation", "id")
	w.panelA = str(w.claire.do("POST", "/api/panels", map[string]any{"orgId": w.centreA, "name": "Panel A", "country": "FR", "languages": []string{"en"}}, 201), "panel", "id")
	w.panelB = str(w.claire.do("POST", "/api/panels", map[string]any{"orgId": w.centreB, "name": "Panel B", "country": "BE", "languages": []string{"en"}}, 201), "panel", "id")
	w.groupA = str(w.claire.do("POST", "/api/panels/"+w.panelA+"/groups", map[string]any{"name": "Group A"}, 201), "group", "id")
	w.groupB = str(w.claire.do("POST", "/api/panels/"+w.panelB+"/groups", map[string]any{"name": "Group B"}, 201), "group", "id")
	w.bruno = w.join(w.claire, w.panelB, "", "", "bruno@centre-b.example", "coordinator", "")
	w.brunoID = accountID(w.bruno)
	w.modA = w.join(w.claire, w.panelA, w.groupA, "", w.modAEmail, "moderator", "")
	return w
}

// heldLink is the path of the newest link starting with prefix in mail held
// for addr, read from the store (never through the API), or received by
// the test SMTP server when the world sends its mail.
func (w *twoCentres) heldLink(addr, prefix string) string {
	w.t.Helper()
	if _, ok := mailboxes.Load(w.base); ok {
		return newestLink(w.t, w.base, addr, prefix)
	}
	box, err := outbox.New(context.Background(), w.docs, nil, nil, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	page, err := box.List(context.Background(), outbox.Query{Limit: store.MaxLimit})
	if err != nil {
		w.t.Fatal(err)
	}
	for _, e := range page.Entries {
		if e.Message.To != addr {
			continue
		}
		for _, l := range linkRE.FindAllString(e.Message.Text, -1) {
			if i := strings.Index(l, prefix); i >= 0 {
				return l[i:]
			}
		}
	}
	return ""
}

// join invites email with role and accepts through the held link.
func (w *twoCentres) join(coord *client, panel, group, org, email, role, birth string) *client {
	w.t.Helper()
	body := map[string]any{"email": email, "role": role, "language": "en"}
	if group != "" {
		body["groupId"] = group
	}
	if org != "" {
		body["orgId"] = org
	}
	coord.do("POST", "/api/panels/"+panel+"/invitations", body, 201)
	link := w.heldLink(email, "/invite/")
	if link == "" {
		w.t.Fatalf("no invitation held for %s", email)
	}
	c := newClient(w.t, w.base)
	accept := map[string]any{"displayName": "Test " + strings.Split(email, "@")[0], "password": "violet-ferry-42-lantern", "language": "en"}
	if birth != "" {
		accept["birthDate"], accept["country"] = birth, "FR"
	}
	c.do("POST", "/api/invitations/by-token/"+strings.TrimPrefix(link, "/invite/")+"/accept", accept, 201)
	return c
}

// outboxBody is GET /api/outbox as c receives it, raw.
func outboxBody(t *testing.T, c *client) (int, string) {
	t.Helper()
	status, _, body := download(t, c, "/api/outbox")
	return status, body
}

var appLinks = regexp.MustCompile(`/(invite|guardian|reset|setup)/[A-Za-z0-9_-]{10,}`)

// Finding 1: the panel-B coordinator read every panel's mail, links
// included. Now each coordinator sees only that their own panels' mail is
// waiting (kind, recipient's domain, time), and no link at all.
func TestOutboxShowsOnlyOwnPanelsAndNoLinks(t *testing.T) {
	w := newTwoCentres(t, nil)
	status, body := outboxBody(t, w.bruno)
	if status != 200 {
		t.Fatalf("Bruno's outbox: got %d %s", status, body)
	}
	if strings.Contains(body, "centre-a.example") || strings.Contains(body, w.modAEmail) {
		t.Errorf("Bruno (panel B) sees panel A's mail: %s", body)
	}
	mine := w.bruno.do("GET", "/api/outbox", nil, 200)["messages"].([]any)
	if len(mine) != 1 || str(mine[0].(map[string]any), "kind") != "identity.invitation" || str(mine[0].(map[string]any), "toDomain") != "centre-b.example" {
		t.Errorf("Bruno's outbox: got %v, want his own invitation to panel B, by kind and domain", mine)
	}
	status, body = outboxBody(t, w.claire)
	if status != 200 || !strings.Contains(body, `"toDomain":"centre-a.example"`) {
		t.Fatalf("Claire's outbox: got %d %s, want panel A's invitation", status, body)
	}
	for who, c := range map[string]*client{"Claire": w.claire, "Bruno": w.bruno} {
		_, body := outboxBody(t, c)
		if l := appLinks.FindString(body); l != "" || strings.Contains(body, `"text"`) || strings.Contains(body, `"to"`) {
			t.Errorf("%s's outbox shows a usable link or a whole mail (%q): %s", who, l, body)
		}
	}
	if status, _ := w.modA.try("GET", "/api/outbox", nil); status != 403 {
		t.Errorf("a moderator's outbox: got %d, want 403", status)
	}
}

// Finding 2: anyone asked for a reset of a panel-A moderator's password,
// the panel-B coordinator read /reset/<token> from the outbox, and the
// account was taken over. A reset mail is now never held where staff can
// read it: not in any outbox listing, not in the store.
func TestPasswordResetLinkReachesNoStaff(t *testing.T) {
	w := newTwoCentres(t, nil)
	anon := newClient(t, w.base)
	anon.do("POST", "/api/auth/password-reset", map[string]any{"email": w.modAEmail}, 202)
	for who, c := range map[string]*client{"Claire": w.claire, "Bruno": w.bruno} {
		if _, body := outboxBody(t, c); strings.Contains(body, "password_reset") || strings.Contains(body, "/reset/") {
			t.Errorf("%s's outbox shows the reset mail: %s", who, body)
		}
	}
	if link := w.heldLink(w.modAEmail, "/reset/"); link != "" {
		t.Fatalf("the reset link %s is kept in the outbox, where staff can read it", link)
	}
	// The moderator's account is still theirs, and their queue too.
	mod := newClient(t, w.base)
	mod.do("POST", "/api/auth/login", map[string]any{"email": w.modAEmail, "password": "violet-ferry-42-lantern"}, 200)
	mod.do("GET", "/api/moderation/queue?panelId="+w.panelA, nil, 200)
}

// Finding 3: a 14-year-old of panel A named a guardian; the panel-B
// coordinator read /guardian/<token> from the outbox and confirmed consent
// himself. No coordinator sees the link now; the guardian does.
func TestGuardianLinkReachesOnlyTheGuardian(t *testing.T) {
	w := newTwoCentres(t, nil)
	birth14 := time.Now().AddDate(-14, -2, 0).Format("2006-01-02") // France: consent age 15
	lea := w.join(w.claire, w.panelA, w.groupA, "", "lea@family-a.example", "youth", birth14)
	lea.do("POST", "/api/me/guardian", map[string]any{"email": "parent@family-a.example"}, 202)

	_, body := outboxBody(t, w.bruno)
	if strings.Contains(body, "guardian") || strings.Contains(body, "family-a.example") {
		t.Errorf("Bruno (panel B) sees panel A's guardian mail: %s", body)
	}
	_, body = outboxBody(t, w.claire)
	if !strings.Contains(body, `"kind":"guardian.request"`) || appLinks.MatchString(body) {
		t.Errorf("Claire (panel A) should see that a guardian mail waits, without its link: %s", body)
	}
	// The guardian, who has the mail, decides.
	link := w.heldLink("parent@family-a.example", "/guardian/")
	guardian := newClient(t, w.base)
	guardian.do("POST", "/api"+link+"/confirm", map[string]any{"guardianName": "Anne Dubois", "grants": map[string]bool{"participate": true}}, 200)
	lea.do("POST", "/api/me/consents/participate/grant", nil, 200) // France, under 15: the child and the guardian together
	if got := youthConsent(lea, "participate"); got != "granted" {
		t.Errorf("after the guardian's yes: participate is %q", got)
	}
}

// Finding 6: a panel coordinator had centre-level powers over every
// centre. Organisations, new panels and partner invitations now stay within
// the centre the coordinator belongs to.
func TestCoordinatorPowersStayInTheirCentre(t *testing.T) {
	w := newTwoCentres(t, nil)
	orgs := w.bruno.do("GET", "/api/organisations", nil, 200)["organisations"].([]any)
	if len(orgs) != 1 || str(orgs[0].(map[string]any), "id") != w.centreB {
		t.Errorf("Bruno lists %v, want centre B only (it registered no partner)", orgs)
	}
	problem(t, w.bruno, "POST", "/api/organisations", map[string]any{"name": "Rogue", "kind": "partner", "country": "BE"}, 403, "forbidden")
	problem(t, w.bruno, "POST", "/api/organisations", map[string]any{"name": "Rogue", "kind": "sic", "country": "BE", "centreId": w.centreA}, 404, "not_found")
	problem(t, w.bruno, "POST", "/api/panels", map[string]any{"orgId": w.centreA, "name": "Rogue", "country": "FR", "languages": []string{"en"}}, 404, "not_found")
	problem(t, w.bruno, "POST", "/api/panels", map[string]any{"orgId": w.centreB, "name": "Rogue", "country": "BE", "languages": []string{"en"}}, 403, "forbidden")
	// Centre A's partner cannot be invited into centre B's panel.
	problem(t, w.bruno, "POST", "/api/panels/"+w.panelB+"/invitations", map[string]any{"email": "pat@appco.example", "role": "partner", "orgId": w.partnerA, "language": "en"}, 400, "invalid")
	// Claire coordinates both centres: she sees each with its own partners.
	names := []string{}
	for _, o := range w.claire.do("GET", "/api/organisations", nil, 200)["organisations"].([]any) {
		names = append(names, str(o.(map[string]any), "name"))
	}
	if strings.Join(names, ",") != "Centre A,AppCo,Centre B" {
		t.Errorf("Claire lists %v, want Centre A, AppCo, Centre B", names)
	}
}

// Finding 7: the panel-B coordinator suspended the centre's coordinator,
// who was then refused in every panel. A panel's coordinator cannot
// sanction the centre's coordinators, and a suspension holds only in the
// panel it was given in.
func TestSanctionsStayInTheGiversScope(t *testing.T) {
	w := newTwoCentres(t, nil)
	suspend := map[string]any{"kind": "suspend", "accountId": w.claireID, "panelId": w.panelB, "reason": "taking over"}
	problem(t, w.bruno, "POST", "/api/moderation/sanctions", suspend, 403, "forbidden")
	w.claire.do("GET", "/api/panels/"+w.panelA, nil, 200)
	w.claire.do("GET", "/api/panels/"+w.panelB, nil, 200)

	// Moritz moderates panel A and also coordinates panel B (added as
	// centre B's operator would: accounts are per e-mail, and an invitation
	// makes a new one). Bruno suspends him in panel B: he keeps panel A.
	moritzID := accountID(w.modA)
	if err := identity.NewService(w.docs, nil).AddCoordinator(context.Background(), moritzID, w.panelB); err != nil {
		t.Fatal(err)
	}
	w.bruno.do("POST", "/api/moderation/sanctions", map[string]any{"kind": "suspend", "accountId": moritzID, "panelId": w.panelB, "minutes": 60, "reason": "checking"}, 201)
	w.modA.do("POST", "/api/auth/login", map[string]any{"email": w.modAEmail, "password": "violet-ferry-42-lantern"}, 200) // a suspension ends open sessions
	if status, body := w.modA.try("GET", "/api/moderation/queue?panelId="+w.panelA, nil); status != 200 {
		t.Errorf("Moritz in panel A after a suspension in panel B: got %d %v, want 200", status, body)
	}
	problem(t, w.modA, "GET", "/api/panels/"+w.panelB, nil, 404, "not_found")
	// Suspended in the only panel he has left, he is told why.
	w.claire.do("POST", "/api/moderation/sanctions", map[string]any{"kind": "suspend", "accountId": moritzID, "panelId": w.panelA, "minutes": 60, "reason": "checking"}, 201)
	w.modA.do("POST", "/api/auth/login", map[string]any{"email": w.modAEmail, "password": "violet-ferry-42-lantern"}, 200)
	if detail := problem(t, w.modA, "GET", "/api/moderation/queue", nil, 403, "forbidden"); !strings.Contains(detail, "paused") {
		t.Errorf("suspended everywhere: got %q, want to be told the account is paused", detail)
	}
}

// Medium: 403 told that a panel, group or case of another panel exists.
// What the caller may not know exists answers as what does not exist.
func TestAnotherPanelsThingsAnswerNotFound(t *testing.T) {
	w := newTwoCentres(t, nil)
	for _, path := range []string{"/api/panels/" + w.panelA, "/api/groups/" + w.groupA, "/api/moderation/queue?panelId=" + w.panelA, "/api/moderation/audit?panelId=" + w.panelA} {
		missing := problem(t, w.bruno, "GET", path, nil, 404, "not_found")
		if existing := problem(t, w.bruno, "GET", strings.Replace(strings.Replace(path, w.panelA, "no-such-panel", 1), w.groupA, "no-such-group", 1), nil, 404, "not_found"); existing != missing {
			t.Errorf("%s: another panel's answer %q differs from a missing one's %q", path, missing, existing)
		}
	}
}

// Medium: personal and staff answers are never cached, and JSON routes
// take only JSON, so a form on another site cannot sign someone in.
func TestNoStoreAndJSONOnly(t *testing.T) {
	w := newTwoCentres(t, nil)
	for _, path := range []string{"/api/session", "/api/me/consents", "/api/outbox", "/api/moderation/queue?panelId=" + w.panelA} {
		_, hdr, _ := download(t, w.claire, path)
		if got := hdr.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", path, got)
		}
	}
	req, _ := http.NewRequest("POST", w.base+"/api/auth/login", strings.NewReader(`{"email":"claire@centre-a.example","password":"violet-ferry-42-lantern"}`))
	req.Header.Set("Content-Type", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(body), "application/json") || len(resp.Cookies()) > 0 && strings.Contains(resp.Header.Get("Set-Cookie"), "chorus_at") {
		t.Errorf("a text/plain sign-in: got %d %s (cookies %v), want 400 and no session", resp.StatusCode, body, resp.Cookies())
	}
}

// Finding 4: a coordinator may not approve (rule 2), but hide then restore
// let a youth's held message with a phone number reach the partner, and
// did the same to a screened comment. A restore now returns content only to
// what it was before the hide: held stays held.
func TestHideThenRestoreIsNoApproval(t *testing.T) {
	w := newTwoCentres(t, nil)
	w.claire.do("PATCH", "/api/panels/"+w.panelA+"/settings", map[string]any{"moderatorsRequired": 1}, 200)
	birth16 := time.Now().AddDate(-16, -1, 0).Format("2006-01-02")
	lea := w.join(w.claire, w.panelA, w.groupA, "", "lea@family-a.example", "youth", birth16)
	lea.do("POST", "/api/me/consents/participate/grant", nil, 200)
	sam := w.join(w.claire, w.panelA, w.groupA, "", "sam@family-a.example", "youth", birth16)
	sam.do("POST", "/api/me/consents/participate/grant", nil, 200)
	pat := w.join(w.claire, w.panelA, "", w.partnerA, "pat@appco.example", "partner", "")

	// A live session: Lea's message with a phone number is held.
	session := str(w.modA.do("POST", "/api/panels/"+w.panelA+"/sessions", map[string]any{"title": "Ask AppCo", "startsAt": time.Now(), "organisationIds": []string{w.partnerA}}, 201), "session", "id")
	path := "/api/sessions/" + session
	ws, _, err := dialWS(t, w.base, w.modA, "", http.Header{"Origin": {w.base}})
	if err != nil {
		t.Fatal(err)
	}
	ws.send(map[string]any{"type": "subscribe", "topic": "session:" + session})
	ws.until("subscribed", is("subscribed", "session:"+session))
	waitLive := time.Now().Add(patience)
	for str(lea.do("GET", path, nil, 200), "state", "status") != "live" && time.Now().Before(waitLive) {
		time.Sleep(20 * time.Millisecond)
	}
	held := lea.do("POST", path+"/messages", map[string]any{"text": "call me on 06 12 34 56 78"}, 201)["message"].(map[string]any)
	if held["status"] != "held" {
		t.Fatalf("a phone number: got %v, want held", held)
	}
	decision := path + "/messages/" + str(held, "id") + "/decision"
	problem(t, w.claire, "POST", decision, map[string]any{"action": "approve", "reason": "fine"}, 403, "forbidden")
	w.claire.do("POST", decision, map[string]any{"action": "hide", "reason": "checking"}, 200)
	restored := w.claire.do("POST", decision, map[string]any{"action": "restore", "reason": "checking"}, 200)
	if str(restored, "message", "status") != "held" || str(restored, "caseStatus") != "open" {
		t.Errorf("after hide and restore: got %v, want the message held and its case open", restored)
	}
	if texts := chatTexts(pat, path); texts["call me on 06 12 34 56 78"] != nil {
		t.Errorf("the partner reads the phone number after hide and restore: %v", texts)
	}

	// A screened comment: the same through the moderation queue.
	pledgeID := str(lea.do("POST", "/api/groups/"+w.groupA+"/pledges", map[string]any{"title": "Youth Pledge", "language": "en"}, 201), "pledge", "id")
	itemID := str(lea.do("POST", "/api/pledges/"+pledgeID+"/items", map[string]any{"heading": "Plain words", "text": "Apps should explain their rules."}, 201), "item", "id")
	items := "/api/pledges/" + pledgeID + "/items/" + itemID
	cm := lea.do("POST", items+"/comments", map[string]any{"text": "text me on 06 12 34 56 78"}, 201)["comment"].(map[string]any)
	cs := queueCase(t, w.claire, w.panelA, "pledge_comment", str(cm, "id"))
	actions := "/api/moderation/cases/" + str(cs, "id") + "/actions"
	problem(t, w.claire, "POST", actions, map[string]any{"action": "approve", "reason": "fine"}, 403, "forbidden")
	w.claire.do("POST", actions, map[string]any{"action": "hide", "reason": "checking"}, 200)
	if after := w.claire.do("POST", actions, map[string]any{"action": "restore", "reason": "checking"}, 200); str(after, "case", "status") != "open" {
		t.Errorf("the comment's case after hide and restore: %v, want open", after["case"])
	}
	if _, ok := commentIDs(sam, items)[str(cm, "id")]; ok {
		t.Error("another youth reads the held comment after hide and restore")
	}
	// A moderator still decides, as before.
	w.modA.do("POST", actions, map[string]any{"action": "approve", "reason": "a school number, fine"}, 200)
	if _, ok := commentIDs(sam, items)[str(cm, "id")]; !ok {
		t.Error("after a moderator's approval the group should read the comment")
	}
}

// Finding 5: a pledge title with a phone number and an e-mail address
// passed review and publication, and the partner read it. Every text field
// is screened now (title, headings, texts, summaries, names), and what is
// split across the fields of one item is screened together.
func TestEveryTextFieldIsScreened(t *testing.T) {
	w := newTwoCentres(t, nil)
	birth16 := time.Now().AddDate(-16, -1, 0).Format("2006-01-02")
	lea := w.join(w.claire, w.panelA, w.groupA, "", "lea@family-a.example", "youth", birth16)
	lea.do("POST", "/api/me/consents/participate/grant", nil, 200)

	id := str(lea.do("POST", "/api/groups/"+w.groupA+"/pledges", map[string]any{"title": "Call 06 12 34 56 78 or lea@family-a.example", "language": "en"}, 201), "pledge", "id")
	item := str(lea.do("POST", "/api/pledges/"+id+"/items", map[string]any{"heading": "Plain words", "text": "Apps should explain their rules."}, 201), "item", "id")
	if d := problem(t, w.modA, "POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "in_review"}, 409, "conflict"); !strings.HasPrefix(d, "The title") {
		t.Errorf("review with personal data in the title: detail %q, want it to name the title", d)
	}
	lea.do("PATCH", "/api/pledges/"+id, map[string]any{"title": "Youth Pledge"}, 200)
	// A phone number split between heading and text.
	lea.do("POST", "/api/pledges/"+id+"/items/"+item+"/edits", map[string]any{"field": "heading", "baseVersion": 1, "text": "Call me: 06 12"}, 200)
	lea.do("POST", "/api/pledges/"+id+"/items/"+item+"/edits", map[string]any{"field": "text", "baseVersion": 2, "text": "34 56 78"}, 200)
	if d := problem(t, w.modA, "POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "in_review"}, 409, "conflict"); !strings.HasPrefix(d, "Item 1") {
		t.Errorf("review with a phone number split over two fields: detail %q, want it to name item 1", d)
	}
	// A name is screened too.
	w.claire.do("POST", "/api/panels/"+w.panelA+"/invitations", map[string]any{"email": "kim@family-a.example", "role": "youth", "groupId": w.groupA, "language": "en"}, 201)
	link := w.heldLink("kim@family-a.example", "/invite/")
	kim := newClient(t, w.base)
	problem(t, kim, "POST", "/api/invitations/by-token/"+strings.TrimPrefix(link, "/invite/")+"/accept", map[string]any{"displayName": "Kim snap @kim_secret",
		"password": "violet-ferry-42-lantern", "language": "en", "birthDate": birth16, "country": "FR"}, 400, "invalid")
}

// Medium: a youth invitation took a date of birth of 1990. The youth role
// is for people aged 12 to 25; outside it the answer says so, and the
// invitation stays usable.
func TestYouthRoleIsForTwelveToTwentyFive(t *testing.T) {
	w := newTwoCentres(t, nil)
	w.claire.do("POST", "/api/panels/"+w.panelA+"/invitations", map[string]any{"email": "old@family-a.example", "role": "youth", "groupId": w.groupA, "language": "en"}, 201)
	token := strings.TrimPrefix(w.heldLink("old@family-a.example", "/invite/"), "/invite/")
	c := newClient(t, w.base)
	accept := map[string]any{"displayName": "Olaf Older", "password": "violet-ferry-42-lantern", "language": "en", "birthDate": "1990-01-01", "country": "FR"}
	if d := problem(t, c, "POST", "/api/invitations/by-token/"+token+"/accept", accept, 400, "invalid"); !strings.Contains(d, "12 to 25") {
		t.Errorf("a 36-year-old as youth: detail %q, want it to say the role is for 12 to 25", d)
	}
	accept["birthDate"] = time.Now().AddDate(-25, 0, -1).Format("2006-01-02")
	c.do("POST", "/api/invitations/by-token/"+token+"/accept", accept, 201)
}

// from is a client whose requests come from the loopback address ip, so
// that the server sees different sources.
func from(t *testing.T, base, ip string) *client {
	t.Helper()
	c := newClient(t, base)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	c.http.Transport = &http.Transport{DialContext: d.DialContext}
	c.do("GET", "/api/session", nil, 200)
	return c
}

// Low: five wrong passwords from anyone locked the owner out, and reset
// and guardian mails could be triggered without limit. Guesses now slow
// down their source only; a person gets at most a few such mails an hour,
// and one source asking too often is told to wait.
func TestStrangersNeitherLockOutNorFlood(t *testing.T) {
	w := newTwoCentres(t, map[string]string{"SMTP_URL": "mailbox"})
	stranger, owner := from(t, w.base, "127.0.0.2"), from(t, w.base, "127.0.0.3")
	for range 2 * auth.DefaultAccountLimit {
		stranger.try("POST", "/api/auth/login", map[string]any{"email": w.modAEmail, "password": "wrong-guess-000"})
	}
	if status, _ := stranger.try("POST", "/api/auth/login", map[string]any{"email": w.modAEmail, "password": "violet-ferry-42-lantern"}); status != 429 {
		t.Errorf("the guessing source: got %d, want 429", status)
	}
	owner.do("POST", "/api/auth/login", map[string]any{"email": w.modAEmail, "password": "violet-ferry-42-lantern"}, 200)

	// Twelve reset requests from two sources: three mails reach the person.
	other := from(t, w.base, "127.0.0.4")
	for i := range 12 {
		c := stranger
		if i%2 == 1 {
			c = other
		}
		c.do("POST", "/api/auth/password-reset", map[string]any{"email": w.modAEmail}, 202)
	}
	resets := func() int {
		n := 0
		for _, m := range mailbox(t, w.base).Messages() {
			if p, err := m.Parse(); err == nil && m.ToAddr(w.modAEmail) && strings.Contains(p.Text, "/reset/") {
				n++
			}
		}
		return n
	}
	if got := resets(); got != auth.MailsPerTarget {
		t.Errorf("reset mails after 12 requests: got %d, want %d", got, auth.MailsPerTarget)
	}
	for range auth.MailsPerSource - 6 {
		stranger.do("POST", "/api/auth/password-reset", map[string]any{"email": "nobody@nowhere.example"}, 202)
	}
	problem(t, stranger, "POST", "/api/auth/password-reset", map[string]any{"email": w.modAEmail}, 429, "rate_limited")

	// A guardian is asked at most three times an hour.
	birth14 := time.Now().AddDate(-14, -2, 0).Format("2006-01-02")
	lea := w.join(w.claire, w.panelA, w.groupA, "", "lea@family-a.example", "youth", birth14)
	for range auth.MailsPerTarget {
		lea.do("POST", "/api/me/guardian", map[string]any{"email": "parent@family-a.example"}, 202)
	}
	problem(t, lea, "POST", "/api/me/guardian", map[string]any{"email": "parent@family-a.example"}, 429, "rate_limited")
	n := 0
	for _, m := range mailbox(t, w.base).Messages() {
		if m.ToAddr("parent@family-a.example") {
			n++
		}
	}
	if n != auth.MailsPerTarget {
		t.Errorf("guardian mails: got %d, want %d", n, auth.MailsPerTarget)
	}
}

// Low: a text frame that is not UTF-8 got an application error; the
// socket is failed with close code 1007, as RFC 6455 says.
func TestInvalidUTF8FrameClosesWith1007(t *testing.T) {
	w := newTwoCentres(t, nil)
	ws, _, err := dialWS(t, w.base, w.claire, "", http.Header{"Origin": {w.base}})
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.c.WriteMessage(websocket.TextMessage, []byte("{\"type\":\"subscribe\",\"topic\":\"\xff\xfe\"}")); err != nil {
		t.Fatal(err)
	}
	if ce := ws.closed(); ce.Code != websocket.CloseInvalidFramePayloadData {
		t.Errorf("got close %d %q, want 1007", ce.Code, ce.Text)
	}
}

// Low: the Markdown export passed raw HTML through.
func TestMarkdownExportEscapesHTML(t *testing.T) {
	w := newTwoCentres(t, nil)
	birth16 := time.Now().AddDate(-16, -1, 0).Format("2006-01-02")
	lea := w.join(w.claire, w.panelA, w.groupA, "", "lea@family-a.example", "youth", birth16)
	lea.do("POST", "/api/me/consents/participate/grant", nil, 200)
	id := str(lea.do("POST", "/api/groups/"+w.groupA+"/pledges", map[string]any{"title": "Youth Pledge", "language": "en"}, 201), "pledge", "id")
	lea.do("POST", "/api/pledges/"+id+"/items", map[string]any{"heading": "<img src=x onerror=alert(1)>", "text": "Read <script>alert(1)</script> this", "summary": "<b>short</b>"}, 201)
	status, _, md := download(t, lea, "/api/pledges/"+id+"/export?format=md")
	if status != 200 || strings.Contains(md, "<script>") || strings.Contains(md, "<img") || strings.Contains(md, "<b>") || !strings.Contains(md, "&lt;script&gt;") {
		t.Errorf("Markdown export: got %d\n%s\nwant every HTML tag escaped", status, md)
	}
}
