package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// sessionState reads a session.paused / session.resumed event's data.
type sessionState struct {
	Reason  string `json:"reason"`
	Present int    `json:"present"`
	Needed  int    `json:"needed"`
}

func stateOfEvent(t *testing.T, m wsMsg) sessionState {
	t.Helper()
	var s sessionState
	if err := json.Unmarshal(m.Data, &s); err != nil {
		t.Fatalf("event data %s: %v", m.Data, err)
	}
	return s
}

func event(topic, name string) func(wsMsg) bool {
	return func(m wsMsg) bool { return m.Type == "event" && m.Topic == topic && m.Event == name }
}

// chatTexts lists the chat texts c reads in the session, with their authors.
func chatTexts(c *client, path string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, x := range c.do("GET", path, nil, 200)["chat"].([]any) {
		m := x.(map[string]any)
		out[m["text"].(string)] = m
	}
	return out
}

// TestLiveSessionPausesWithoutAModerator goes through issue 5's live
// session over real websockets on the real wiring: a panel needing one
// moderator, a youth, a partner and a moderator connected; the moderator's
// socket closes and the session pauses for both the youth and the partner,
// refusing posts; the moderator comes back and it resumes.
func TestLiveSessionPausesWithoutAModerator(t *testing.T) {
	base, _, stderr := start(t, nil)
	coord, _, panel, group := coordinatorWithGroup(t, base, stderr)
	problem(t, coord, "PATCH", "/api/panels/"+panel+"/settings", map[string]any{"moderatorsRequired": 0}, 400, "invalid")
	settings := coord.do("PATCH", "/api/panels/"+panel+"/settings", map[string]any{"moderatorsRequired": 1}, 200)
	if n := settings["panel"].(map[string]any)["settings"].(map[string]any)["moderatorsRequired"]; n != float64(1) {
		t.Fatalf("settings: got %v, want 1 moderator", settings)
	}
	org := str(coord.do("POST", "/api/organisations", map[string]any{"name": "AppCo", "kind": "partner", "country": "DE"}, 201), "organisation", "id")
	otherOrg := str(coord.do("POST", "/api/organisations", map[string]any{"name": "OtherCo", "kind": "partner", "country": "IE"}, 201), "organisation", "id")
	birth16 := time.Now().AddDate(-16, -1, 0).Format("2006-01-02")
	youth, _ := joinFrom(t, coord, base, panel, group, "lea@example.org", birth16, "FR")
	mod := joinByMail(t, coord, base, panel, "", "", "max@example.org", "moderator", "")
	partner := joinByMail(t, coord, base, panel, "", org, "pat@example.org", "partner", "")
	outsider := joinByMail(t, coord, base, panel, "", otherOrg, "oli@example.org", "partner", "")
	problem(t, youth, "PATCH", "/api/panels/"+panel+"/settings", map[string]any{"moderatorsRequired": 1}, 403, "forbidden")

	// A moderator schedules; youth may not.
	problem(t, youth, "POST", "/api/panels/"+panel+"/sessions", map[string]any{"title": "x", "startsAt": time.Now()}, 403, "forbidden")
	problem(t, mod, "POST", "/api/panels/"+panel+"/sessions", map[string]any{"title": strings.Repeat("a", 121), "startsAt": time.Now()}, 400, "invalid")
	created := mod.do("POST", "/api/panels/"+panel+"/sessions", map[string]any{"title": "Ask AppCo", "startsAt": time.Now(), "organisationIds": []string{org}}, 201)
	id := str(created, "session", "id")
	topic, path := "session:"+id, "/api/sessions/"+id
	if n := created["session"].(map[string]any)["minModerators"]; n != float64(1) {
		t.Fatalf("session: got %v, want the panel's 1 moderator", created)
	}
	if list := partner.do("GET", "/api/panels/"+panel+"/sessions", nil, 200)["sessions"].([]any); len(list) != 1 {
		t.Fatalf("the invited partner's list: got %v", list)
	}
	// Whoever schedules is offered every partner organisation to invite
	// (moderators may not list organisations otherwise); others are not.
	inv, _ := mod.do("GET", "/api/panels/"+panel+"/sessions", nil, 200)["invitable"].([]any)
	var invitable []string
	for _, o := range inv {
		invitable = append(invitable, str(o.(map[string]any), "id"))
	}
	if slices.Sort(invitable); !slices.Equal(invitable, sorted(org, otherOrg)) {
		t.Fatalf("invitable for the moderator: got %v, want AppCo and OtherCo", inv)
	}
	if r := youth.do("GET", "/api/panels/"+panel+"/sessions", nil, 200); r["invitable"] != nil {
		t.Fatalf("a youth is offered organisations to invite: %v", r["invitable"])
	}
	if list := outsider.do("GET", "/api/panels/"+panel+"/sessions", nil, 200)["sessions"].([]any); len(list) != 0 {
		t.Fatalf("a partner not invited lists: %v, want nothing", list)
	}
	problem(t, outsider, "GET", path, nil, 404, "not_found") // not invited: not told the session exists

	// Nobody supervises yet: paused, and it says why. Rule 8: the youth
	// sees who can see the session, the invited organisation included.
	page := youth.do("GET", path, nil, 200)
	if w, _ := json.Marshal(page["watchers"]); !strings.Contains(string(w), `{"orgId":"`+org+`","role":"partner"}`) || !strings.Contains(string(w), `"role":"moderator"`) {
		t.Fatalf("watchers: got %s, want the panel's moderators and the invited organisation's partners", w)
	}
	if st := page["state"].(map[string]any); st["status"] != "paused" || st["needed"] != float64(1) || st["present"] != float64(0) {
		t.Fatalf("before anyone came: got %v, want paused 0/1", st)
	}
	if detail := problem(t, youth, "POST", path+"/messages", map[string]any{"text": "Hello?"}, 409, "conflict"); !strings.Contains(detail, "a moderator has to be here") {
		t.Fatalf("paused post: got %q", detail)
	}

	// The three connect; the session goes live when the moderator does.
	connect := func(c *client, who string) *wsConn {
		t.Helper()
		ws, _, err := dialWS(t, base, c, "", http.Header{"Origin": {base}})
		if err != nil {
			t.Fatal(err)
		}
		ws.send(map[string]any{"type": "subscribe", "topic": topic})
		ws.until(who+" subscribed", is("subscribed", topic))
		return ws
	}
	youthWS := connect(youth, "the youth")
	partnerWS := connect(partner, "the partner")
	spy, _, err := dialWS(t, base, outsider, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	spy.send(map[string]any{"type": "subscribe", "topic": topic})
	spy.until("a refusal", func(m wsMsg) bool { return m.Type == "error" && m.Topic == topic && m.Code == "not_found" })
	modWS := connect(mod, "the moderator")
	for who, ws := range map[string]*wsConn{"youth": youthWS, "partner": partnerWS} {
		if st := stateOfEvent(t, ws.until(who+" hears the session resume", event(topic, "session.resumed"))); st.Present != 1 || st.Needed != 1 {
			t.Fatalf("%s: resumed with %+v, want 1/1", who, st)
		}
	}
	youth.do("POST", path+"/messages", map[string]any{"text": "Hi, I have a question about privacy"}, 201)
	fromPartner := str(partner.do("POST", path+"/messages", map[string]any{"text": "Hello from AppCo"}, 201), "message", "id")
	q := str(youth.do("POST", path+"/questions", map[string]any{"text": "Why are your terms so long?"}, 201), "message", "id")
	partnerWS.until("the youth's post, as a notice", event(topic, "session.message_posted"))

	// The moderator's socket closes: both hear the pause, and posts are refused.
	modWS.c.Close()
	for who, ws := range map[string]*wsConn{"youth": youthWS, "partner": partnerWS} {
		if st := stateOfEvent(t, ws.until(who+" hears the session pause", event(topic, "session.paused"))); st.Present != 0 || st.Needed != 1 || st.Reason != "not_enough_moderators" {
			t.Fatalf("%s: paused with %+v, want 0/1 not_enough_moderators", who, st)
		}
	}
	problem(t, youth, "POST", path+"/messages", map[string]any{"text": "Is anyone there?"}, 409, "conflict")
	problem(t, partner, "POST", path+"/messages", map[string]any{"text": "We are still here"}, 409, "conflict")
	problem(t, youth, "POST", path+"/questions", map[string]any{"text": "And now?"}, 409, "conflict")
	if st := partner.do("GET", path, nil, 200)["state"].(map[string]any); st["status"] != "paused" || !strings.Contains(st["message"].(string), "moderator") {
		t.Fatalf("partner's view while paused: got %v", st)
	}
	// Said in the reader's language.
	req, _ := http.NewRequest("POST", base+path+"/messages", strings.NewReader(`{"text":"Salut"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", youth.csrf())
	req.Header.Set("Accept-Language", "fr")
	resp, err := youth.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var fr map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&fr)
	resp.Body.Close()
	if resp.StatusCode != 409 || !strings.HasPrefix(str(fr, "detail"), "La session est en pause") {
		t.Fatalf("paused, in French: got %d %v", resp.StatusCode, fr)
	}

	// The moderator returns: resumed for both, and posting works again.
	modWS = connect(mod, "the moderator again")
	youthWS.until("the youth hears the session resume", event(topic, "session.resumed"))
	partnerWS.until("the partner hears the session resume", event(topic, "session.resumed"))
	youth.do("POST", path+"/messages", map[string]any{"text": "Welcome back!"}, 201)

	// Rule 2: the minor's words reach the partner only once a moderator
	// approved them, and the partner's words reach youth the same way.
	if texts := chatTexts(partner, path); texts["Welcome back!"] != nil || texts["Hello from AppCo"] == nil {
		t.Fatalf("the partner reads %v: want their own message, not the minor's yet", texts)
	}
	if texts := chatTexts(youth, path); texts["Hello from AppCo"] != nil {
		t.Fatalf("youth read partner text before approval: %v", texts)
	}
	mine := chatTexts(youth, path)["Welcome back!"]
	problem(t, youth, "POST", path+"/messages/"+mine["id"].(string)+"/decision", map[string]any{"action": "approve", "reason": "mine"}, 403, "forbidden")
	mod.do("POST", path+"/messages/"+mine["id"].(string)+"/decision", map[string]any{"action": "approve", "reason": "fine"}, 200)
	mod.do("POST", path+"/messages/"+fromPartner+"/decision", map[string]any{"action": "approve", "reason": "fine"}, 200)
	mod.do("POST", path+"/messages/"+q+"/decision", map[string]any{"action": "approve", "reason": "good question"}, 200)
	// Rule 4: the partner sees the minor by first name and country only;
	// youth see the partner by name and organisation.
	if m := chatTexts(partner, path)["Welcome back!"]; m == nil || str(m, "author", "name") != "lea (FR)" || str(m, "author", "id") != "" {
		t.Fatalf("the partner reads the approved message as %v, want it from lea (FR) and no account id", m)
	}
	if m := chatTexts(youth, path)["Hello from AppCo"]; m == nil || str(m, "author", "name") != "pat Test" || str(m, "author", "organisation") != "AppCo" {
		t.Fatalf("youth read the partner's message as %v, want pat Test of AppCo", m)
	}
	// The board: the partner answers the approved question.
	partner.do("POST", path+"/questions/"+q+"/answers", map[string]any{"text": "We are making them shorter."}, 201)
	problem(t, youth, "POST", path+"/questions/"+q+"/answers", map[string]any{"text": "me too"}, 403, "forbidden")
	problem(t, partner, "POST", path+"/questions", map[string]any{"text": "Do you like apps?"}, 403, "forbidden")

	// Screening holds what a youth should not share; they see why.
	held := youth.do("POST", path+"/messages", map[string]any{"text": "mail me: lea.dubois@example.org"}, 201)["message"].(map[string]any)
	if held["status"] != "held" || held["heldFor"] != "screening" || len(held["reasons"].([]any)) == 0 {
		t.Fatalf("held message: got %v, want held with reasons", held)
	}

	// Session messages can be reported by whoever reads them: the youth
	// reports the partner's message; the partner cannot report a message
	// held from them (it does not exist for them); nobody reports their own.
	if r := youth.do("POST", "/api/reports", map[string]any{"contentType": "session_message", "contentId": fromPartner, "category": "inappropriate"}, 201); r["report"] == nil {
		t.Fatalf("youth reports the partner's message: got %v", r)
	}
	problem(t, partner, "POST", "/api/reports", map[string]any{"contentType": "session_message", "contentId": str(held, "id"), "category": "other", "text": "?"}, 404, "not_found")
	problem(t, partner, "POST", "/api/reports", map[string]any{"contentType": "session_message", "contentId": fromPartner, "category": "other", "text": "mine"}, 400, "invalid")

	// Transcripts for moderators and coordinators only.
	problem(t, youth, "GET", path+"/transcript", nil, 403, "forbidden")
	if msgs := coord.do("GET", path+"/transcript", nil, 200)["messages"].([]any); len(msgs) != 6 {
		t.Fatalf("transcript: got %d messages, want 6 (held ones included)", len(msgs))
	}
	status, hdr, csv := download(t, mod, path+"/transcript.csv")
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || !strings.Contains(csv, "lea.dubois@example.org") || !strings.Contains(csv, "pat Test") {
		t.Fatalf("transcript CSV: got %d %v\n%s", status, hdr, csv)
	}
	modWS.c.Close()
}

func sorted(xs ...string) []string {
	slices.Sort(xs)
	return xs
}
