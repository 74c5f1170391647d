package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"chorus/testenv"
)

// client is one person's browser: a cookie jar and the CSRF header.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, base: base, http: &http.Client{Jar: jar, Timeout: patience}}
	c.do("GET", "/api/session", nil, 200) // picks up the CSRF cookie, as the app does
	return c
}

func (c *client) csrf() string {
	u, _ := url.Parse(c.base)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "chorus_csrf" {
			return ck.Value
		}
	}
	return ""
}

// do sends a JSON request and checks the status; it returns the decoded body.
func (c *client) do(method, path string, body any, want int) map[string]any {
	c.t.Helper()
	status, out := c.try(method, path, body)
	if status != want {
		c.t.Fatalf("%s %s: got %d, want %d: %v", method, path, status, want, out)
	}
	return out
}

func (c *client) try(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, r)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf())
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

var linkRE = regexp.MustCompile(`https?://[^\s"<]+`)

// linkIn waits for a mail to addr whose subject or text matches and
// returns the path of the first link in it.
func linkIn(t *testing.T, smtp *testenv.SMTPServer, addr, pathPrefix string) string {
	t.Helper()
	var found string
	smtp.WaitFor(t, func(m testenv.ReceivedMail) bool {
		if !m.ToAddr(addr) {
			return false
		}
		p, err := m.Parse()
		if err != nil {
			return false
		}
		for _, l := range linkRE.FindAllString(p.Text, -1) {
			u, _ := url.Parse(l)
			if strings.HasPrefix(u.Path, pathPrefix) {
				found = u.Path
				return true
			}
		}
		return false
	}, patience)
	return found
}

func str(m map[string]any, keys ...string) string {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = mm[k]
	}
	s, _ := v.(string)
	return s
}

// TestPeopleJourneys walks the journeys through the real wiring
// with real SMTP delivery: set-up, invitation, guardian consent, withdrawal,
// and what a partner can (not) see.
func TestPeopleJourneys(t *testing.T) {
	smtp := testenv.SMTP(t)
	base, _, stderr := start(t, map[string]string{"SMTP_URL": smtp.URL, "MAIL_FROM": "chorus@example.org"})
	setup := regexp.MustCompile(`/setup/([A-Za-z0-9_-]+)`).FindStringSubmatch(stderr.String())
	if setup == nil {
		t.Fatalf("no set-up link printed on first start: %q", stderr.String())
	}

	coord := newClient(t, base)
	me := coord.do("POST", "/api/setup", map[string]any{"token": setup[1], "orgName": "Centre pour un internet plus sûr", "country": "FR",
		"displayName": "Claire Martin", "email": "claire@example.org", "password": "violet-ferry-42-lantern", "language": "fr"}, 201)
	if str(me, "me", "band") != "adult" {
		t.Fatalf("coordinator band: got %v", me)
	}
	coord.do("POST", "/api/setup", map[string]any{"token": setup[1], "orgName": "x", "country": "FR", "displayName": "x", "email": "x@example.org", "password": "violet-ferry-42-lantern"}, 404)

	panel := str(coord.do("POST", "/api/panels", map[string]any{"name": "Panel jeunesse", "country": "FR", "languages": []string{"fr", "en"}}, 201), "panel", "id")
	group := str(coord.do("POST", "/api/panels/"+panel+"/groups", map[string]any{"name": "Groupe A"}, 201), "group", "id")
	partnerOrg := str(coord.do("POST", "/api/organisations", map[string]any{"name": "AppCo", "kind": "partner", "country": "DE"}, 201), "organisation", "id")

	// Journey 1: a 13-year-old from France (consent age 15) joins.
	coord.do("POST", "/api/panels/"+panel+"/invitations", map[string]any{"email": "lea@example.org", "role": "youth", "groupId": group, "language": "fr"}, 201)
	invite := linkIn(t, smtp, "lea@example.org", "/invite/")
	token := strings.TrimPrefix(invite, "/invite/")
	youth := newClient(t, base)
	info := youth.do("GET", "/api/invitations/by-token/"+token, nil, 200)
	if info["needsBirthDate"] != true || info["groupName"] != "Groupe A" {
		t.Fatalf("invitation info: got %v", info)
	}
	birth := time.Now().AddDate(-13, -2, 0).Format("2006-01-02")
	for name, bad := range map[string]map[string]any{
		"future birth date": {"displayName": "Léa Dubois", "password": "violet-ferry-42-lantern", "birthDate": time.Now().AddDate(1, 0, 0).Format("2006-01-02"), "country": "FR"},
		"implausible age":   {"displayName": "Léa Dubois", "password": "violet-ferry-42-lantern", "birthDate": "1890-01-01", "country": "FR"},
		"unknown country":   {"displayName": "Léa Dubois", "password": "violet-ferry-42-lantern", "birthDate": birth, "country": "XX"},
		"common password":   {"displayName": "Léa Dubois", "password": "password123", "birthDate": birth, "country": "FR"},
		"oversized name":    {"displayName": strings.Repeat("L", 500), "password": "violet-ferry-42-lantern", "birthDate": birth, "country": "FR"},
		"unknown field":     {"displayName": "Léa", "password": "violet-ferry-42-lantern", "birthDate": birth, "country": "FR", "isAdmin": true},
	} {
		if status, out := youth.try("POST", "/api/invitations/by-token/"+token+"/accept", bad); status != 400 || str(out, "type") != "/problems/invalid" {
			t.Errorf("%s: got %d %v, want 400 invalid", name, status, out)
		}
	}
	me = youth.do("POST", "/api/invitations/by-token/"+token+"/accept", map[string]any{"displayName": "Léa Dubois", "password": "violet-ferry-42-lantern",
		"birthDate": birth, "country": "FR", "language": "fr"}, 201)
	if str(me, "me", "band") != "minor_below_consent_age" || me["me"].(map[string]any)["canEnterWorkspace"] != false {
		t.Fatalf("youth after sign-up: got %v", me)
	}
	youthID := str(me, "me", "account", "id")
	if status, out := youth.try("GET", "/api/groups/"+group, nil); status != 403 || !strings.Contains(str(out, "detail"), "") {
		t.Fatalf("workspace before consent: got %d %v, want 403", status, out)
	}

	youth.do("POST", "/api/me/guardian", map[string]any{"email": "parent@example.org"}, 202)
	if g := str(youth.do("GET", "/api/session", nil, 200), "me", "guardian"); g != "waiting" {
		t.Fatalf("guardian state: got %q, want waiting", g)
	}
	guardianPath := linkIn(t, smtp, "parent@example.org", "/guardian/")
	for _, m := range smtp.Messages() {
		if m.ToAddr("parent@example.org") && (strings.Contains(string(m.Data), "Dubois") || strings.Contains(string(m.Data), birth)) {
			t.Fatal("a guardian mail must not contain the child's surname or date of birth")
		}
	}
	gtoken := strings.TrimPrefix(guardianPath, "/guardian/")
	guardian := newClient(t, base) // no account: the link is the credential
	page := guardian.do("GET", "/api/guardian/"+gtoken, nil, 200)
	if page["childFirstName"] != "Léa" || page["language"] != "fr" {
		t.Fatalf("guardian page: got %v", page)
	}
	guardian.do("GET", "/api/guardian/forged-token-123", nil, 404)
	// In France below 15 the child and the guardian consent together.
	youth.do("POST", "/api/me/consents/participate/grant", nil, 200)
	guardian.do("POST", "/api/guardian/"+gtoken+"/confirm", map[string]any{"guardianName": "Marie Dubois",
		"grants": map[string]bool{"participate": true, "video_publish": false}}, 200)
	if status, _ := guardian.try("POST", "/api/guardian/"+gtoken+"/confirm", map[string]any{"guardianName": "Marie Dubois",
		"grants": map[string]bool{"participate": true}}); status < 400 {
		t.Fatal("a guardian link must work only once")
	}
	manage := linkIn(t, smtp, "parent@example.org", "/guardian/manage/")
	youth.do("GET", "/api/groups/"+group, nil, 200)
	consents := youth.do("GET", "/api/session", nil, 200)["me"].(map[string]any)["consents"].(map[string]any)
	if consents["participate"] != "granted" || consents["video_publish"] == "granted" {
		t.Fatalf("consents after guardian: got %v", consents)
	}

	// Journey 2: the guardian withdraws; the youth's next action is refused.
	mtoken := strings.TrimPrefix(manage, "/guardian/manage/")
	guardian.do("POST", "/api/guardian/manage/"+mtoken+"/scopes/participate/withdraw", nil, 200)
	status, out := youth.try("GET", "/api/groups/"+group, nil)
	if status != 403 || str(out, "detail") == "" {
		t.Fatalf("workspace after withdrawal: got %d %v, want 403 with an explanation", status, out)
	}
	ledger := coord.do("GET", "/api/accounts/"+youthID+"/consents", nil, 200)
	if h, _ := ledger["history"].([]any); len(h) < 3 {
		t.Fatalf("the coordinator should see the ledger with grants and the withdrawal: %v", ledger)
	}

	// Journey 3: an adult partner sees neither the youth's name nor a way to message them.
	coord.do("POST", "/api/panels/"+panel+"/invitations", map[string]any{"email": "sam@appco.example", "role": "partner", "orgId": partnerOrg, "language": "en"}, 201)
	ptoken := strings.TrimPrefix(linkIn(t, smtp, "sam@appco.example", "/invite/"), "/invite/")
	partner := newClient(t, base)
	partner.do("POST", "/api/invitations/by-token/"+ptoken+"/accept", map[string]any{"displayName": "Sam Partner", "password": "violet-ferry-42-lantern", "language": "en"}, 201)
	view := partner.do("GET", "/api/panels/"+panel, nil, 200)
	raw, _ := json.Marshal(view)
	if strings.Contains(string(raw), "Dubois") {
		t.Fatalf("a partner must not see a minor's full name: %s", raw)
	}
	if strings.Contains(string(raw), youthID) {
		t.Fatalf("a partner must not receive a minor's account id: %s", raw)
	}
	partner.do("GET", "/api/accounts/"+youthID+"/consents", nil, 403)
	partner.do("GET", "/api/groups/"+group, nil, 403)
	for _, p := range []string{"/api/messages", "/api/accounts/" + youthID + "/messages", "/api/direct/" + youthID} {
		if status, _ := partner.try("POST", p, map[string]string{"text": "hi"}); status != 404 {
			t.Errorf("POST %s: got %d, want 404: no private channel to a minor exists", p, status)
		}
	}

	// A strong scope: the guardian's e-mail grant waits for a checked, signed form.
	youth.do("POST", "/api/me/consents/video_publish/grant", nil, 200)
	guardian.do("POST", "/api/guardian/manage/"+mtoken+"/scopes/video_publish/grant", nil, 200)
	if st := youthConsent(youth, "video_publish"); st != "needs_verification" {
		t.Fatalf("video_publish before the form: got %q, want needs_verification", st)
	}
	if status := upload(t, partner, "/api/accounts/"+youthID+"/consent-forms", "video_publish", "form.pdf", "application/pdf"); status != 403 {
		t.Errorf("partner uploading a consent form: got %d, want 403", status)
	}
	if status := upload(t, coord, "/api/accounts/"+youthID+"/consent-forms", "video_publish", "form.exe", "application/x-msdownload"); status != 400 {
		t.Errorf("consent form of the wrong type: got %d, want 400", status)
	}
	if st := youthConsent(youth, "video_publish"); st != "needs_verification" {
		t.Fatalf("refused uploads must change nothing: got %q", st)
	}
	if status := upload(t, coord, "/api/accounts/"+youthID+"/consent-forms", "video_publish", "form.pdf", "application/pdf"); status != 201 {
		t.Fatalf("coordinator uploading the signed form: got %d, want 201", status)
	}
	if st := youthConsent(youth, "video_publish"); st != "granted" {
		t.Fatalf("video_publish after the checked form: got %q, want granted", st)
	}

	// Export my data (and the guardian the child's), then erase my account.
	for who, export := range map[*client]string{youth: "/api/me/export", guardian: "/api/guardian/manage/" + mtoken + "/export"} {
		req, _ := http.NewRequest("GET", base+export, nil)
		resp, err := who.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		zipped, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
		if resp.StatusCode != 200 || err != nil || len(zr.File) != 5 {
			t.Fatalf("%s: got %d, %v", export, resp.StatusCode, err)
		}
	}
	// The guardian asks for the erasure: the coordinator is told in her
	// language, formally, with the reference to look up and nothing more.
	guardian.do("POST", "/api/guardian/manage/"+mtoken+"/deletion-request", nil, 202)
	asked := smtp.WaitFor(t, func(m testenv.ReceivedMail) bool {
		p, err := m.Parse()
		return err == nil && m.ToAddr("claire@example.org") && strings.Contains(p.Text, "Référence : "+youthID)
	}, 10*time.Second)
	if p, _ := asked.Parse(); !strings.Contains(p.Text, "Ouvrez les demandes de suppression") || !strings.Contains(p.HTML, "<p>Référence : "+youthID+"</p>") || strings.Contains(p.Text, "Léa") {
		t.Errorf("deletion request to the coordinator:\n%s\n%s", p.Text, p.HTML)
	}
	youth.do("POST", "/api/me/erase", map[string]string{"password": "not-my-password-1"}, 403)
	youth.do("POST", "/api/me/erase", map[string]string{"password": "violet-ferry-42-lantern"}, 204)
	again := newClient(t, base)
	again.do("POST", "/api/auth/login", map[string]string{"email": "lea@example.org", "password": "violet-ferry-42-lantern"}, 401)
	raw, _ = json.Marshal(coord.do("GET", "/api/panels/"+panel, nil, 200))
	if strings.Contains(string(raw), "Léa") {
		t.Errorf("an erased account must leave the panel: %s", raw)
	}
}

func youthConsent(c *client, scope string) string {
	consents, _ := c.do("GET", "/api/session", nil, 200)["me"].(map[string]any)["consents"].(map[string]any)
	s, _ := consents[scope].(string)
	return s
}

// upload posts a small file as a multipart form, as the coordinator's page does.
func upload(t *testing.T, c *client, path, scope, name, ctype string) int {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("scope", scope)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", ctype)
	part, _ := w.CreatePart(h)
	part.Write([]byte("%PDF-1.4 signed consent form"))
	w.Close()
	req, _ := http.NewRequest("POST", c.base+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.csrf())
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestSessionSecurity(t *testing.T) {
	base, _, stderr := start(t, nil)
	setup := regexp.MustCompile(`/setup/([A-Za-z0-9_-]+)`).FindStringSubmatch(stderr.String())
	coord := newClient(t, base)
	coord.do("POST", "/api/setup", map[string]any{"token": setup[1], "orgName": "SIC", "country": "DE", "displayName": "Jonas Weber",
		"email": "jonas@example.org", "password": "violet-ferry-42-lantern", "language": "de"}, 201)

	t.Run("unsafe request without the CSRF header is refused", func(t *testing.T) {
		req, _ := http.NewRequest("POST", base+"/api/panels", strings.NewReader(`{"name":"x","country":"DE"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := coord.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 {
			t.Fatalf("got %d, want 403", resp.StatusCode)
		}
	})

	t.Run("wrong password and unknown e-mail get the same answer", func(t *testing.T) {
		anon := newClient(t, base)
		_, a := anon.try("POST", "/api/auth/login", map[string]string{"email": "jonas@example.org", "password": "wrong-password-123"})
		_, b := anon.try("POST", "/api/auth/login", map[string]string{"email": "nobody@example.org", "password": "wrong-password-123"})
		if str(a, "detail") != str(b, "detail") || str(a, "type") != "/problems/unauthorized" {
			t.Fatalf("got %v and %v", a, b)
		}
	})

	t.Run("repeated failures are throttled with Retry-After", func(t *testing.T) {
		anon := newClient(t, base)
		var status int
		for i := 0; i < 8 && status != 429; i++ {
			status, _ = anon.try("POST", "/api/auth/login", map[string]string{"email": "victim@example.org", "password": fmt.Sprintf("guess-%d-abcdef", i)})
		}
		if status != 429 {
			t.Fatalf("got %d after repeated failures, want 429", status)
		}
	})

	t.Run("a replayed refresh token signs the person out everywhere", func(t *testing.T) {
		api := newClient(t, base)
		tok := api.do("POST", "/api/auth/token", map[string]string{"email": "jonas@example.org", "password": "violet-ferry-42-lantern"}, 200)
		first := str(tok, "refreshToken")
		rotated := api.do("POST", "/api/auth/token/refresh", map[string]string{"refreshToken": first}, 200)
		api.do("POST", "/api/auth/token/refresh", map[string]string{"refreshToken": first}, 401)
		api.do("POST", "/api/auth/token/refresh", map[string]string{"refreshToken": str(rotated, "refreshToken")}, 401)
		// The browser session of the same person ended too.
		coord.do("GET", "/api/panels", nil, 401)
	})

	t.Run("forged and expired tokens are refused", func(t *testing.T) {
		anon := newClient(t, base)
		req, _ := http.NewRequest("GET", base+"/api/panels", nil)
		req.Header.Set("Authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")
		resp, err := anon.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("got %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		anon.do("GET", "/api/invitations/by-token/not-a-real-token", nil, 404)
		anon.do("POST", "/api/auth/password-reset/confirm", map[string]string{"token": "nope", "password": "violet-ferry-42-lantern"}, 400)
	})
}
