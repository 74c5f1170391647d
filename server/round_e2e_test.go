package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"chorus/testenv"
)

// caseOf finds the open moderation case of content in the panel's queue.
func caseOf(t *testing.T, mod *client, panel, contentType, contentID string) string {
	t.Helper()
	for _, c := range mod.do("GET", "/api/moderation/queue?panelId="+panel, nil, 200)["cases"].([]any) {
		cs := c.(map[string]any)
		if str(cs, "content", "type") == contentType && str(cs, "content", "id") == contentID {
			return str(cs, "id")
		}
	}
	t.Fatalf("no case for %s %s in the queue", contentType, contentID)
	return ""
}

func approveCase(t *testing.T, mod *client, panel, contentType, contentID string) {
	t.Helper()
	mod.do("POST", "/api/moderation/cases/"+caseOf(t, mod, panel, contentType, contentID)+"/actions", map[string]any{"action": "approve", "reason": "fine"}, 200)
}

// answersOf is what c reads of a round: answers by organisation name, per item heading order.
func answersOf(c *client, path string) [][]map[string]any {
	var out [][]map[string]any
	for _, it := range c.do("GET", path+"/answers", nil, 200)["items"].([]any) {
		var as []map[string]any
		for _, a := range it.(map[string]any)["answers"].([]any) {
			as = append(as, a.(map[string]any))
		}
		out = append(out, as)
	}
	return out
}

// waitMail waits for a mail to addr whose subject contains want.
func waitMail(t *testing.T, base, addr, want string) testenv.ParsedMail {
	t.Helper()
	var got testenv.ParsedMail
	mailbox(t, base).WaitFor(t, func(m testenv.ReceivedMail) bool {
		p, err := m.Parse()
		if err == nil && m.ToAddr(addr) && strings.Contains(p.Subject, want) {
			got = p
			return true
		}
		return false
	}, 15*time.Second)
	return got
}

// TestRoundJourney runs a feedback round through the real wiring: a
// coordinator opens it for two organisations, they answer (one late after
// an extension, reminded by mail), a moderator approves both ways, youth
// see answers live, react and ask, the partner replies, the coordinator
// reads the matrix, the CSV and the report; then commitments, a progress
// update, youth ratings and the scorecard. Bad input on the way.
func TestRoundJourney(t *testing.T) {
	base, _, stderr := start(t, map[string]string{"WORKER_INTERVAL": "1s"})
	setup := regexp.MustCompile(`/setup/([A-Za-z0-9_-]+)`).FindStringSubmatch(stderr.String())
	coord := newClient(t, base)
	coord.do("POST", "/api/setup", map[string]any{"token": setup[1], "orgName": "SIC FR", "country": "FR", "displayName": "Claire Martin",
		"email": "claire@example.org", "password": "violet-ferry-42-lantern", "language": "fr"}, 201)
	panel := str(coord.do("POST", "/api/panels", map[string]any{"name": "Panel", "country": "FR", "languages": []string{"fr"}}, 201), "panel", "id")
	group := str(coord.do("POST", "/api/panels/"+panel+"/groups", map[string]any{"name": "Group A"}, 201), "group", "id")
	orgA := str(coord.do("POST", "/api/organisations", map[string]any{"name": "AppCo", "kind": "partner", "country": "DE"}, 201), "organisation", "id")
	orgB := str(coord.do("POST", "/api/organisations", map[string]any{"name": "BetaNet", "kind": "partner", "country": "IE"}, 201), "organisation", "id")
	orgC := str(coord.do("POST", "/api/organisations", map[string]any{"name": "CeeCorp", "kind": "partner", "country": "IT"}, 201), "organisation", "id")

	birth16 := time.Now().AddDate(-16, -1, 0).Format("2006-01-02") // France: consent age 15
	youth := joinByMail(t, coord, base, panel, group, "", "lea@example.org", "youth", birth16)
	youth.do("POST", "/api/me/consents/participate/grant", nil, 200)
	noConsent := joinByMail(t, coord, base, panel, group, "", "kim@example.org", "youth", birth16)
	mod := joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "")
	pa := joinByMail(t, coord, base, panel, "", orgA, "pat@appco.example", "partner", "")
	pa2 := joinByMail(t, coord, base, panel, "", orgA, "ada@appco.example", "partner", "")
	pb := joinByMail(t, coord, base, panel, "", orgB, "bob@betanet.example", "partner", "")
	pc := joinByMail(t, coord, base, panel, "", orgC, "cid@ceecorp.example", "partner", "")

	// A published pledge in French, two items.
	id := str(mod.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Engagement des jeunes", "language": "fr"}, 201), "pledge", "id")
	item1 := str(mod.do("POST", "/api/pledges/"+id+"/items", map[string]any{"heading": "Des mots simples", "text": "Les applis expliquent leurs règles.", "summary": "Dis-le simplement"}, 201), "item", "id")
	item2 := str(mod.do("POST", "/api/pledges/"+id+"/items", map[string]any{"heading": "Réglages sûrs", "text": "Privé par défaut."}, 201), "item", "id")
	mod.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "in_review"}, 200)
	mod.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "published"}, 200)

	// Opening: coordinators only; bad deadlines and organisations refused.
	deadline := time.Now().Add(6 * time.Second).UTC()
	open := map[string]any{"organisationIds": []string{orgA, orgB}, "deadline": deadline, "questions": map[string]string{item1: "Comment l’expliquerez-vous à 13 ans ?"}}
	problem(t, youth, "POST", "/api/pledges/"+id+"/rounds", open, 403, "forbidden")
	problem(t, mod, "POST", "/api/pledges/"+id+"/rounds", open, 403, "forbidden")
	problem(t, coord, "POST", "/api/pledges/"+id+"/rounds", map[string]any{"organisationIds": []string{orgA}, "deadline": time.Now().Add(-time.Hour)}, 400, "invalid")
	problem(t, coord, "POST", "/api/pledges/"+id+"/rounds", map[string]any{"organisationIds": []string{"nope"}, "deadline": deadline}, 400, "invalid")
	rnd := coord.do("POST", "/api/pledges/"+id+"/rounds", open, 201)["round"].(map[string]any)
	rid := str(rnd, "id")
	path, topic := "/api/rounds/"+rid, "round:"+rid
	if rnd["state"] != "open" || len(rnd["items"].([]any)) != 2 || str(rnd, "language") != "fr" {
		t.Fatalf("opened round: %v", rnd)
	}
	// Rule 8: youth see who can see the round, the invited organisations included.
	if w, _ := json.Marshal(youth.do("GET", path, nil, 200)["watchers"]); !strings.Contains(string(w), `{"orgId":"`+orgB+`","role":"partner"}`) || !strings.Contains(string(w), `"role":"moderator"`) || strings.Contains(string(w), orgC) {
		t.Fatalf("watchers: %s, want the panel's moderators and both invited organisations, not CeeCorp", w)
	}

	// A supervised live session with the round's partners, linked from it.
	problem(t, pa, "POST", path+"/sessions", map[string]any{"title": "Talk with the partners", "startsAt": time.Now().Add(time.Hour)}, 403, "forbidden")
	linked := mod.do("POST", path+"/sessions", map[string]any{"title": "Talk with the partners", "startsAt": time.Now().Add(time.Hour)}, 201)
	if s := linked["round"].(map[string]any)["sessions"].([]any); len(s) != 1 || len(linked["session"].(map[string]any)["organisations"].([]any)) != 2 {
		t.Fatalf("linked session: %v", linked)
	}
	if list := pb.do("GET", "/api/panels/"+panel+"/sessions", nil, 200)["sessions"].([]any); len(list) != 1 {
		t.Fatalf("B's sessions: %v, want the round's", list)
	}

	// Partner A's home shows the pledge and the round; CeeCorp was not invited.
	home := pa.do("GET", "/api/partner/home", nil, 200)
	if len(home["pledges"].([]any)) != 1 || len(home["rounds"].([]any)) != 1 || str(home["rounds"].([]any)[0].(map[string]any), "me", "role") != "partner" {
		t.Fatalf("partner home: %v", home)
	}
	if home := pc.do("GET", "/api/partner/home", nil, 200); len(home["rounds"].([]any)) != 0 {
		t.Fatalf("an organisation not invited sees rounds: %v", home["rounds"])
	}
	problem(t, pc, "GET", path, nil, 404, "not_found")
	problem(t, pc, "PUT", path+"/items/"+item1+"/draft", map[string]any{"explanation": "x"}, 404, "not_found")

	// Youth follow the round live; CeeCorp may not.
	ws, _, err := dialWS(t, base, youth, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.send(map[string]any{"type": "subscribe", "topic": topic})
	ws.until("subscribed", is("subscribed", topic))
	spy, _, err := dialWS(t, base, pc, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	spy.send(map[string]any{"type": "subscribe", "topic": topic})
	spy.until("a refusal", func(m wsMsg) bool { return m.Type == "error" && m.Topic == topic })
	waiting, _, err := dialWS(t, base, noConsent, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	waiting.send(map[string]any{"type": "subscribe", "topic": topic})
	waiting.until("a refusal for want of consent", func(m wsMsg) bool { return m.Type == "error" && m.Topic == topic && m.Code == "forbidden" })
	waiting.c.Close()

	// A drafts; the colleague sees the draft, nobody else does.
	pa.do("PUT", path+"/items/"+item1+"/draft", map[string]any{"stance": "commit", "explanation": "Nous allons simplifier"}, 200)
	if d := pa2.do("GET", path+"/items/"+item1+"/mine", nil, 200); str(d, "draft", "explanation") != "Nous allons simplifier" || str(d, "draftBy") != "pat Test" {
		t.Fatalf("colleague's view of the draft: %v", d)
	}
	if d := pb.do("GET", path+"/items/"+item1+"/mine", nil, 200); d["draft"] != nil {
		t.Fatalf("another organisation reads A's draft: %v", d)
	}
	for who, c := range map[string]*client{"youth": youth, "moderator": mod, "B": pb} {
		for _, as := range answersOf(c, path) {
			if len(as) != 0 {
				t.Fatalf("%s reads answers before anything was submitted: %v", who, as)
			}
		}
	}

	// Bad answers: each a problem, nothing stored.
	due := time.Now().AddDate(0, 3, 0).Format("2006-01-02")
	good := map[string]any{"stance": "commit", "explanation": "Nous publierons un résumé en mots simples.",
		"actions": []any{map[string]any{"text": "Publier un résumé", "dueDate": due}}, "evidence": []string{"https://appco.example/terms"}}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range good {
			m[kk] = vv
		}
		m[k] = v
		return m
	}
	for name, body := range map[string]map[string]any{
		"stance":         with("stance", "maybe"),
		"javascript":     with("evidence", []string{"javascript:alert(1)"}),
		"data":           with("evidence", []string{"data:text/html,hi"}),
		"http":           with("evidence", []string{"http://appco.example"}),
		"due yesterday":  with("actions", []any{map[string]any{"text": "x", "dueDate": time.Now().AddDate(0, 0, -1).Format("2006-01-02")}}),
		"due in 6 years": with("actions", []any{map[string]any{"text": "x", "dueDate": time.Now().AddDate(6, 0, 0).Format("2006-01-02")}}),
		"oversized":      with("explanation", strings.Repeat("a", 4001)),
	} {
		if detail := problem(t, pa, "POST", path+"/items/"+item1+"/answer", body, 400, "invalid"); detail == "" {
			t.Fatalf("%s: no detail", name)
		}
	}
	problem(t, pa, "POST", path+"/items/not-an-item/answer", good, 404, "not_found")
	problem(t, youth, "POST", path+"/items/"+item1+"/answer", good, 403, "forbidden")

	// A answers both items (one commit, one decline whose text a
	// spreadsheet would run); B answers nothing yet.
	a1 := str(pa.do("POST", path+"/items/"+item1+"/answer", good, 201), "answer", "id")
	a2 := str(pa2.do("POST", path+"/items/"+item2+"/answer", map[string]any{"stance": "decline", "explanation": "=HYPERLINK(\"x\") pas pour nous"}, 201), "answer", "id")
	if mine := pa2.do("GET", path+"/items/"+item1+"/mine", nil, 200); mine["draft"] != nil || str(mine, "answer", "status") != "pending" {
		t.Fatalf("after submitting: %v, want the draft gone and the answer pending", mine)
	}
	for _, as := range answersOf(youth, path) {
		if len(as) != 0 {
			t.Fatalf("youth read unapproved partner text: %v", as)
		}
	}
	if as := answersOf(pb, path); len(as[0]) != 0 {
		t.Fatalf("B reads A's answer before approval: %v", as)
	}

	// B misses the deadline: reminded before and at it, refused, then
	// answers late after an extension.
	waitMail(t, base, "bob@betanet.example", "Feedback round \"Engagement des jeunes\"")
	for time.Now().Before(deadline.Add(200 * time.Millisecond)) {
		time.Sleep(100 * time.Millisecond)
	}
	at := waitMail(t, base, "bob@betanet.example", "answers due")
	if !strings.Contains(at.Text, "/rounds/"+rid) {
		t.Fatalf("reminder: %q, want the round's link", at.Text)
	}
	mailbox(t, base).WaitFor(t, func(m testenv.ReceivedMail) bool {
		p, err := m.Parse()
		return err == nil && m.ToAddr("bob@betanet.example") && strings.Contains(p.Text, "has come")
	}, 15*time.Second)
	problem(t, pb, "POST", path+"/items/"+item1+"/answer", good, 409, "conflict")
	problem(t, pb, "POST", path+"/extensions", map[string]any{"organisationId": orgB, "deadline": time.Now().Add(time.Hour)}, 403, "forbidden")
	coord.do("POST", path+"/extensions", map[string]any{"organisationId": orgB, "deadline": time.Now().Add(time.Hour)}, 200)
	late := pb.do("POST", path+"/items/"+item1+"/answer", with("stance", "partly"), 201)["answer"].(map[string]any)
	if late["late"] != true {
		t.Fatalf("B's answer after the extension: %v, want late", late)
	}
	problem(t, pa, "POST", path+"/items/"+item1+"/answer", good, 409, "conflict") // A's deadline did not move

	// The moderator reads the answer in the queue, in context, then
	// approves it: the youth has it live.
	shown := mod.do("GET", "/api/moderation/cases/"+caseOf(t, mod, panel, "partner_answer", a1+"_r1"), nil, 200)
	if c := shown["content"].(map[string]any); !strings.Contains(str(c, "text"), "Publier un résumé") || str(c, "link") != "/rounds/"+rid ||
		!strings.Contains(str(c, "context"), "Des mots simples") || str(c, "authorName") != "pat Test" || shown["case"].(map[string]any)["kind"] != "partner_text" {
		t.Fatalf("the case of A's answer: %v", shown)
	}
	approveCase(t, mod, panel, "partner_answer", a1+"_r1")
	ev := ws.until("the approved answer", event(topic, "round.answer_approved"))
	if !strings.Contains(string(ev.Data), "Nous publierons un résumé") {
		t.Fatalf("live answer: %s", ev.Data)
	}
	as := answersOf(youth, path)
	if len(as[0]) != 1 || str(as[0][0], "organisation", "name") != "AppCo" || as[0][0]["reactions"] != nil || len(as[1]) != 0 {
		t.Fatalf("youth's answers after approval: %v, want AppCo's one approved answer and no counts", as)
	}
	approveCase(t, mod, panel, "partner_answer", a2+"_r1")
	approveCase(t, mod, panel, "partner_answer", str(late, "id")+"_r1")

	// Whoever reads an approved answer may report it; what they cannot read
	// they cannot report.
	if r := youth.do("POST", "/api/reports", map[string]any{"contentType": "partner_answer", "contentId": a2 + "_r1", "category": "inappropriate"}, 201); r["report"] == nil {
		t.Fatalf("youth reports an approved answer: %v", r)
	}
	problem(t, pc, "POST", "/api/reports", map[string]any{"contentType": "partner_answer", "contentId": a2 + "_r1", "category": "other", "text": "?"}, 404, "not_found")

	// Reactions: youth with participate only; counts never to youth.
	problem(t, noConsent, "PUT", path+"/answers/"+a1+"/reaction", map[string]any{"reaction": "clear"}, 403, "forbidden")
	problem(t, pa, "PUT", path+"/answers/"+a1+"/reaction", map[string]any{"reaction": "clear"}, 403, "forbidden")
	problem(t, youth, "PUT", path+"/answers/"+a1+"/reaction", map[string]any{"reaction": "love"}, 400, "invalid")
	panel2 := str(coord.do("POST", "/api/panels", map[string]any{"name": "Other panel", "country": "FR", "languages": []string{"fr"}}, 201), "panel", "id")
	group2 := str(coord.do("POST", "/api/panels/"+panel2+"/groups", map[string]any{"name": "Group B"}, 201), "group", "id")
	elsewhere := joinByMail(t, coord, base, panel2, group2, "", "eli@example.org", "youth", birth16)
	elsewhere.do("POST", "/api/me/consents/participate/grant", nil, 200)
	problem(t, elsewhere, "PUT", path+"/answers/"+a1+"/reaction", map[string]any{"reaction": "clear"}, 404, "not_found")
	problem(t, elsewhere, "GET", path+"/answers", nil, 404, "not_found")
	problem(t, youth, "PUT", path+"/answers/"+a1+"x/reaction", map[string]any{"reaction": "clear"}, 404, "not_found")
	youth.do("PUT", path+"/answers/"+a1+"/reaction", map[string]any{"reaction": "want_more"}, 200)
	ws.until("the reaction", event(topic, "round.reacted"))
	if mine := answersOf(youth, path)[0][0]; mine["myReaction"] != "want_more" || mine["reactions"] != nil {
		t.Fatalf("youth's view after reacting: %v", mine)
	}
	if counts := answersOf(pa, path)[0]; counts[0]["reactions"].(map[string]any)["want_more"] != float64(1) {
		t.Fatalf("A's view of reactions: %v", counts)
	}

	// A follow-up: moderated before A sees it, shown by first name and country.
	fu := str(youth.do("POST", path+"/answers/"+a1+"/followups", map[string]any{"text": "Pour quand exactement ?"}, 201), "followUp", "id")
	problem(t, youth, "POST", path+"/answers/"+a1+"/followups", map[string]any{"text": strings.Repeat("q", 501)}, 400, "invalid")
	if f := answersOf(pa, path)[0][0]["followUps"].([]any); len(f) != 0 {
		t.Fatalf("A reads an unapproved follow-up: %v", f)
	}
	problem(t, pa, "POST", path+"/followups/"+fu+"/replies", map[string]any{"text": "En mars."}, 404, "not_found")
	approveCase(t, mod, panel, "round_followup", fu)
	ws.until("the approved follow-up", event(topic, "round.followup_approved"))
	f := answersOf(pa, path)[0][0]["followUps"].([]any)
	if len(f) != 1 || str(f[0].(map[string]any), "author") != "lea (FR)" {
		t.Fatalf("A's view of the follow-up: %v, want lea (FR)", f)
	}
	problem(t, pb, "POST", path+"/followups/"+fu+"/replies", map[string]any{"text": "Pas nous."}, 404, "not_found")
	reply := str(pa.do("POST", path+"/followups/"+fu+"/replies", map[string]any{"text": "En mars, promis."}, 201), "reply", "id")
	approveCase(t, mod, panel, "round_reply", reply)
	ws.until("the approved reply", event(topic, "round.reply_approved"))
	if r := answersOf(youth, path)[0][0]["followUps"].([]any)[0].(map[string]any)["replies"].([]any); len(r) != 1 || str(r[0].(map[string]any), "organisation") != "AppCo" {
		t.Fatalf("youth's view of the reply: %v", r)
	}

	// The coordinator's matrix, CSV and report.
	problem(t, youth, "GET", path+"/matrix", nil, 403, "forbidden")
	problem(t, pa, "GET", path+"/export.csv", nil, 403, "forbidden")
	m := coord.do("GET", path+"/matrix", nil, 200)
	counts := m["counts"].(map[string]any)
	if counts["commit"] != float64(1) || counts["decline"] != float64(1) || counts["partly"] != float64(1) || counts["unanswered"] != float64(1) {
		t.Fatalf("matrix counts: %v", counts)
	}
	if len(m["cells"].([]any)) != 4 {
		t.Fatalf("matrix cells: %v", m["cells"])
	}
	status, hdr, body := download(t, coord, path+"/export.csv")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || err != nil {
		t.Fatalf("CSV: %d %v %v\n%s", status, hdr, err, body)
	}
	want := [][]string{
		{"Point", "Titre", "Organisation", "Position", "en retard", "Statut", "Envoyée", "Révision", "Explication", "Action", "Échéance", "Preuves"},
		{"1", "Des mots simples", "AppCo", "s’engage", "non", "validée", "", "1", "Nous publierons un résumé en mots simples.", "Publier un résumé", due, "https://appco.example/terms"},
		{"1", "Des mots simples", "BetaNet", "en partie", "oui", "validée", "", "1", "Nous publierons un résumé en mots simples.", "Publier un résumé", due, "https://appco.example/terms"},
		{"2", "Réglages sûrs", "AppCo", "refuse", "non", "validée", "", "1", "'=HYPERLINK(\"x\") pas pour nous", "", "", ""},
		{"2", "Réglages sûrs", "BetaNet", "sans réponse", "", "", "", "", "", "", "", ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("CSV rows: got %d, want %d:\n%s", len(rows), len(want), body)
	}
	for i := range want {
		rows[i][6] = want[i][6] // the submission time
		if fmt.Sprint(rows[i]) != fmt.Sprint(want[i]) {
			t.Fatalf("CSV row %d:\n got %q\nwant %q", i, rows[i], want[i])
		}
	}
	status, hdr, report := download(t, coord, path+"/report")
	for _, s := range []string{`<html lang="fr">`, "Tour de retours: Engagement des jeunes", "Des mots simples", "✔ s’engage: 1", "✘ refuse", "BetaNet (en retard)", "Publier un résumé", "Comment l’expliquerez-vous à 13 ans ?", `<a href="https://appco.example/terms">`} {
		if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") || !strings.Contains(report, s) {
			t.Fatalf("report: %d %v lacks %q:\n%s", status, hdr, s, report)
		}
	}
	if strings.Contains(report, "lea") {
		t.Fatal("the report names a youth")
	}

	// Closing: actions become commitments; A updates one with evidence.
	problem(t, pa, "POST", path+"/close", nil, 403, "forbidden")
	closed := coord.do("POST", path+"/close", nil, 200)
	cms := closed["commitments"].([]any)
	if len(cms) != 2 {
		t.Fatalf("commitments: %v, want A's and B's action", cms)
	}
	var cm string
	for _, c := range cms {
		if str(c.(map[string]any), "organisation", "id") == orgA {
			cm = str(c.(map[string]any), "id")
		}
	}
	coord.do("POST", path+"/review", map[string]any{"dueAt": time.Now().AddDate(1, 0, 0)}, 200)
	problem(t, pb, "POST", path+"/commitments/"+cm+"/updates", map[string]any{"status": "done", "note": "x"}, 404, "not_found")
	problem(t, pa, "POST", path+"/commitments/"+cm+"/updates", map[string]any{"status": "finished", "note": "x"}, 400, "invalid")
	upd := pa.do("POST", path+"/commitments/"+cm+"/updates", map[string]any{"status": "done", "note": "Le résumé est en ligne.", "evidence": []string{"https://appco.example/summary"}}, 201)
	if str(upd, "commitment", "status") != "done" {
		t.Fatalf("A's commitment after the update: %v", upd)
	}
	statusFor := func(c *client) string {
		for _, x := range c.do("GET", path+"/commitments", nil, 200)["commitments"].([]any) {
			if str(x.(map[string]any), "id") == cm {
				return str(x.(map[string]any), "status")
			}
		}
		return ""
	}
	if s := statusFor(youth); s != "planned" {
		t.Fatalf("youth see %q before the update is approved, want planned", s)
	}
	approveCase(t, mod, panel, "commitment_update", cm+"_u1")
	ws.until("the progress", event(topic, "round.commitment_updated"))
	if s := statusFor(youth); s != "done" {
		t.Fatalf("youth see %q after approval, want done", s)
	}

	// Youth rate; the scorecard shows counts, never names.
	problem(t, pa, "PUT", path+"/commitments/"+cm+"/rating", map[string]any{"rating": "kept"}, 403, "forbidden")
	problem(t, youth, "PUT", path+"/commitments/"+cm+"/rating", map[string]any{"rating": "great"}, 400, "invalid")
	youth.do("PUT", path+"/commitments/"+cm+"/rating", map[string]any{"rating": "kept", "reason": "Je l'ai lu."}, 200)
	problem(t, pa, "GET", path+"/scorecards", nil, 403, "forbidden") // not published yet
	problem(t, base2(coord), "GET", "/api/public/scorecards/"+rid+"/"+orgA, nil, 404, "not_found")
	coord.do("POST", path+"/scorecards/"+orgA+"/publish", map[string]any{"public": true}, 200)
	ws.until("the scorecard", event(topic, "round.scorecard_published"))
	sc := pa.do("GET", path+"/scorecards", nil, 200)["scorecards"].([]any)
	if len(sc) != 1 || sc[0].(map[string]any)["totals"].(map[string]any)["kept"] != float64(1) {
		t.Fatalf("A's scorecard: %v", sc)
	}
	pub := base2(coord).do("GET", "/api/public/scorecards/"+rid+"/"+orgA, nil, 200)
	if s := fmt.Sprint(pub); !strings.Contains(s, "Publier un résumé") || strings.Contains(s, "lea") || strings.Contains(s, "Je l'ai lu") {
		t.Fatalf("public scorecard: %v, want the commitment, no name, no unapproved reason", pub)
	}

	// Lea withdraws her consent to take part: her question leaves every
	// audience at once (consent withdrawal reaches round content too).
	youth.do("POST", "/api/me/consents/participate/withdraw", nil, 200)
	if f := answersOf(pa, path)[0][0]["followUps"].([]any); len(f) != 0 {
		t.Fatalf("after Lea withdrew her consent, A still reads her question: %v", f)
	}
	ws.c.Close()
	spy.c.Close()
}

// base2 is a client of the same server that is not signed in.
func base2(c *client) *client { return newClient(c.t, c.base) }
