package main

import (
	"archive/zip"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"chorus/testenv"
)

// TestGuardianDeletionRequestJourney: a guardian asks, through their link,
// to delete their 13-year-old's data; they get an acknowledgement with the
// one-month deadline; the coordinators see the request with its due date
// and erase the account on the guardian's behalf, which does what
// self-erasure does; the guardian link then ends, saying so; and the
// coordinator still reaches and exports the consent ledger, naming nobody.
func TestGuardianDeletionRequestJourney(t *testing.T) {
	base, _, stderr := start(t, map[string]string{"CONTROLLER_NAME": "Centre pour un internet plus sûr", "CONTROLLER_CONTACT": "dpo@example.org"})
	smtp := mailbox(t, base)
	coord, _, panel, group := centreIn(t, base, stderr, "FR")
	youth, youthID := joinFrom(t, coord, base, panel, group, "lea@example.org", time.Now().AddDate(-13, -2, 0).Format(time.DateOnly), "FR")
	youth.do("POST", "/api/me/guardian", map[string]any{"email": "parent@example.org"}, 202)
	// Staff see what her consent waits for: the guardian, asked just now.
	mods := joinedStaff(t, base, coord, panel, group)
	for _, staff := range []*client{coord, mods} {
		people := staff.do("GET", "/api/panels/"+panel+"/consents", nil, 200)["members"].([]any)
		lea := people[0].(map[string]any)
		if len(people) != 1 || str(lea, "accountId") != youthID || str(lea, "guardian", "status") != "waiting" || str(lea, "guardian", "requestedAt") == "" ||
			scopeMissing(lea, "participate") != "guardian" {
			t.Fatalf("panel consents for staff: got %v, want Léa waiting for her guardian", people)
		}
		if (staff == coord) != (lea["canRecordForms"] == true) {
			t.Errorf("canRecordForms: got %v for %v", lea["canRecordForms"], staff == coord)
		}
	}
	youth.do("GET", "/api/panels/"+panel+"/consents", nil, 403)
	gtoken := strings.TrimPrefix(newestLink(t, base, "parent@example.org", "/guardian/"), "/guardian/")
	guardian := newClient(t, base)
	guardian.do("POST", "/api/guardian/"+gtoken+"/confirm", map[string]any{"guardianName": "Marie Dubois", "grants": map[string]bool{"participate": true}}, 200)
	manage := "/api/guardian/manage/" + strings.TrimPrefix(newestLink(t, base, "parent@example.org", "/guardian/manage/"), "/guardian/manage/")

	// Léa writes: a held comment with her address (a screening case), and an ordinary one.
	pledge := str(youth.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Youth Pledge", "language": "en"}, 201), "pledge", "id")
	item := str(youth.do("POST", "/api/pledges/"+pledge+"/items", map[string]any{"heading": "Plain words", "text": "Apps should talk to us simply"}, 201), "item", "id")
	comments := "/api/pledges/" + pledge + "/items/" + item + "/comments"
	youth.do("POST", comments, map[string]any{"text": "write to me at lea.dubois@example.org"}, 201)
	youth.do("POST", comments, map[string]any{"text": "My little brother uses this app"}, 201)
	if q := queue(t, coord); !strings.Contains(q, "lea.dubois@example.org") {
		t.Fatalf("the held comment should be in the queue with its excerpt: %s", q)
	}

	// Her export, and her guardian's, hold everything about her (Art. 15, 20).
	for who, path := range map[*client]string{youth: "/api/me/export", guardian: manage + "/export"} {
		files := unzip(t, who, path)
		for name, want := range map[string][]string{
			"summary.html":         {"little brother", "lea.dubois@example.org", "participate", `lang="en"`},
			"contributions.json":   {"little brother", "Apps should talk to us simply", `"videos"`, `"rounds"`},
			"moderation.json":      {"lea.dubois@example.org", `"kind": "screening"`},
			"consent-records.json": {"ISO/IEC TS 27560", "parent@example.org", "Centre pour un internet plus sûr", "dpo@example.org", "pii_categories", "retention"},
			"account.json":         {"lea@example.org"},
		} {
			for _, w := range want {
				if !strings.Contains(files[name], w) {
					t.Errorf("%s: %s lacks %q:\n%s", path, name, w, files[name])
				}
			}
		}
	}

	// The request: acknowledged to the guardian with the date, shown to the coordinator.
	ack := guardian.do("POST", manage+"/deletion-request", nil, 202)
	due, err := time.Parse(time.RFC3339, str(ack, "dueAt"))
	if err != nil || due.Sub(time.Now().AddDate(0, 1, 0)).Abs() > time.Hour {
		t.Fatalf("deletion request: got %v, want due in one month", ack)
	}
	waitMailText(t, smtp, "parent@example.org", "will be erased by "+due.Format("2 January 2006"))
	waitMailText(t, smtp, "claire@example.org", "done by "+due.Format("2 January 2006"))
	guardian.do("POST", manage+"/deletion-request", nil, 202) // asking again: still the one request
	reqs := coord.do("GET", "/api/deletion-requests", nil, 200)["requests"].([]any)
	if len(reqs) != 1 || str(reqs[0].(map[string]any), "accountId") != youthID || str(reqs[0].(map[string]any), "dueAt") == "" {
		t.Fatalf("deletion requests: got %v, want Léa's with its due date", reqs)
	}
	youth.do("GET", "/api/deletion-requests", nil, 403)

	// Erase on behalf: a reason is needed; nobody but the panel's coordinator may.
	coord.do("POST", "/api/accounts/"+youthID+"/erase", map[string]any{"reason": ""}, 400)
	problem(t, youth, "POST", "/api/accounts/"+accountID(coord)+"/erase", map[string]any{"reason": "x"}, 403, "forbidden")
	youth.do("GET", "/api/session", nil, 200) // the refused attempts changed nothing
	coord.do("POST", "/api/accounts/"+youthID+"/erase", map[string]any{"reason": "The guardian's deletion request"}, 200)
	audit, _ := json.Marshal(coord.do("GET", "/api/moderation/audit?action=moderation.account_erased", nil, 200))
	if !strings.Contains(string(audit), "The guardian's deletion request") || !strings.Contains(string(audit), youthID) {
		t.Errorf("the panel's audit trail should show the erasure with its reason: %s", audit)
	}

	if s := youth.do("GET", "/api/session", nil, 200); s["signedIn"] != false {
		t.Errorf("the erased person is still signed in: %v", s)
	}
	if q := queue(t, coord); strings.Contains(q, "lea.dubois") {
		t.Errorf("the erased person's held comment is still in the queue: %s", q)
	}
	raw, _ := json.Marshal(coord.do("GET", comments, nil, 200))
	if strings.Contains(string(raw), "little brother") || strings.Contains(string(raw), "lea Test") {
		t.Errorf("the erased person's comments still read as written: %s", raw)
	}
	if reqs := coord.do("GET", "/api/deletion-requests", nil, 200)["requests"].([]any); len(reqs) != 0 {
		t.Errorf("the request stays open after the erasure: %v", reqs)
	}

	// The guardian link ends with the account, saying so plainly.
	for _, path := range []string{manage, manage + "/export"} {
		if detail := problem(t, guardian, "GET", path, nil, 400, "invalid"); !strings.Contains(detail, "has been erased") {
			t.Errorf("%s after erasure: got %q, want it to say the account was erased", path, detail)
		}
	}
	waitMailText(t, smtp, "parent@example.org", "has been erased")

	// The controller keeps its evidence: reachable and exportable, naming nobody.
	ledger := coord.do("GET", "/api/accounts/"+youthID+"/consents", nil, 200)
	raw, _ = json.Marshal(ledger)
	if ledger["erased"] == nil || len(ledger["history"].([]any)) < 3 || strings.Contains(string(raw), "parent@") || strings.Contains(string(raw), "Marie") {
		t.Errorf("ledger after erasure: got %s, want the records, pseudonymised", raw)
	}
	status, _, body := download(t, coord, "/api/accounts/"+youthID+"/consents/export")
	if status != 200 || !strings.Contains(body, "ISO/IEC TS 27560") || strings.Contains(body, "parent@") || strings.Contains(body, "Marie") {
		t.Errorf("ledger export after erasure: got %d %s", status, body)
	}
}

// joinedStaff adds the group's moderator (a group needs one for comments) and returns them.
func joinedStaff(t *testing.T, base string, coord *client, panel, group string) *client {
	t.Helper()
	return joinByMail(t, coord, base, panel, group, "", "max@example.org", "moderator", "")
}

// scopeMissing is what one scope of a member's consent waits for.
func scopeMissing(member map[string]any, scope string) string {
	for _, s := range member["scopes"].([]any) {
		if m := s.(map[string]any); m["scope"] == scope {
			v, _ := m["missing"].(string)
			return v
		}
	}
	return "?"
}

// unzip downloads a zip and returns its files' contents by name.
func unzip(t *testing.T, c *client, path string) map[string]string {
	t.Helper()
	status, _, body := download(t, c, path)
	zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if status != 200 || err != nil {
		t.Fatalf("%s: got %d %v", path, status, err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		out[f.Name] = string(b)
	}
	return out
}

// queue is the moderation queue as the coordinator reads it.
func queue(t *testing.T, c *client) string {
	t.Helper()
	raw, _ := json.Marshal(c.do("GET", "/api/moderation/queue", nil, 200))
	return string(raw)
}

// waitMailText waits for a mail to addr whose text contains want.
func waitMailText(t *testing.T, smtp *testenv.SMTPServer, addr, want string) {
	t.Helper()
	smtp.WaitFor(t, func(m testenv.ReceivedMail) bool {
		p, err := m.Parse()
		return err == nil && m.ToAddr(addr) && strings.Contains(p.Text, want)
	}, 10*time.Second)
}
