package consent_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"chorus/consent"
	"chorus/fault"
	"chorus/store"
)

func TestGuardianHappyPath(t *testing.T) {
	e := newEnv(t)
	kid := e.youth("fr13", "FR", 13, "fr")
	fullName := "Léa Martin-Dubois"
	// Even if identity handed over the full display name by mistake, only
	// the first name may reach the guardian.
	kid.FirstName = fullName
	e.people.add(kid)

	if st, _ := e.svc.GuardianState(e.ctx, "fr13"); st != consent.GuardianNone {
		t.Fatalf("state before asking = %s, want none", st)
	}
	tok := e.askGuardian(t, "fr13", "fr")
	if st, _ := e.svc.GuardianState(e.ctx, "fr13"); st != consent.GuardianWaiting {
		t.Fatalf("state after asking = %s, want waiting", st)
	}

	m := e.mail.last(t)
	if m.To != "parent@family.example.org" || m.Kind != consent.MailGuardianRequest {
		t.Fatalf("mail to %q kind %q", m.To, m.Kind)
	}
	if !strings.Contains(m.Subject, "Léa") || !strings.Contains(m.Text, "Bonjour") || !strings.Contains(m.HTML, `lang="fr"`) {
		t.Errorf("mail not localised in French with the first name:\n%s\n%s", m.Subject, m.Text)
	}
	b := kid.BirthDate
	for _, leak := range []string{
		"Martin", fullName,
		b.Format("2006-01-02"), b.Format("02/01/2006"), b.Format("2.1.2006"), b.Format("02.01.2006"),
	} {
		for part, body := range map[string]string{"subject": m.Subject, "text": m.Text, "html": m.HTML} {
			if strings.Contains(body, leak) {
				t.Errorf("mail %s contains %q: never the full name or the date of birth", part, leak)
			}
		}
	}
	if !strings.Contains(m.Text, "https://chorus.example.org/guardian/"+tok) {
		t.Errorf("mail lacks the link PUBLIC_URL/guardian/<token>")
	}
	// Only the hash of the token is stored.
	page, err := e.docs.Find(e.ctx, consent.RequestsCollection, store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range page.Records {
		if strings.Contains(string(r.Data), tok) {
			t.Fatal("the raw token is stored")
		}
	}

	gp, err := e.svc.OpenGuardianLink(e.ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if gp.ChildFirstName != "Léa" || gp.Language != "fr" || len(gp.Scopes) != 4 {
		t.Fatalf("guardian page = %+v", gp)
	}
	for _, s := range gp.Scopes {
		if s.Manager != consent.ManagedByJoint || s.Text == "" || s.TextHash == "" || s.State != consent.StateNotGranted {
			t.Errorf("scope on the page = %+v", s)
		}
	}

	err = e.svc.ConfirmGuardian(e.ctx, tok, "Anne Martin", map[consent.Scope]bool{consent.Participate: true, consent.VideoAppear: true, consent.VideoPublish: false})
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := e.svc.GuardianState(e.ctx, "fr13"); st != consent.GuardianApproved {
		t.Fatalf("state after confirming = %s, want approved", st)
	}
	hist, _ := e.svc.History(e.ctx, "fr13")
	if len(hist) != 2 {
		t.Fatalf("got %d records, want 2 (not granting leaves no record)", len(hist))
	}
	wantHash, _ := consent.DefaultRegistry().TextHash(consent.Participate, consent.ForGuardian, "fr")
	if r := hist[0]; r.Actor != consent.ByGuardian || r.GuardianEmail != "parent@family.example.org" || r.GuardianName != "Anne Martin" ||
		r.Method != consent.MethodEmailConfirmed || r.Level != consent.LevelEmailConfirmed || r.TextHash != wantHash || r.Language != "fr" || r.Country != "FR" {
		t.Errorf("guardian record = %+v", r)
	}

	done := e.mail.last(t)
	if done.Kind != consent.MailGuardianDone || done.To != "parent@family.example.org" || !strings.Contains(done.Text, "/guardian/manage/") {
		t.Fatalf("confirmation mail = %+v", done)
	}
	manage := tokenFrom(t, done)
	mp, err := e.svc.OpenGuardianAccess(e.ctx, manage)
	if err != nil {
		t.Fatal(err)
	}
	if len(mp.History) != 2 || mp.ValidUntil.Before(start) {
		t.Errorf("manage page = %+v", mp)
	}
	if _, err := e.svc.GuardianExport(e.ctx, manage); err != nil {
		t.Errorf("guardian export: %v", err)
	}
}

func TestGuardianLinkBadTokens(t *testing.T) {
	e := newEnv(t)
	e.youth("de14", "DE", 14, "de")
	tok := e.askGuardian(t, "de14", "de")
	grants := map[consent.Scope]bool{consent.Participate: true}
	count := func() int { h, _ := e.svc.History(e.ctx, "de14"); return len(h) }

	t.Run("forged", func(t *testing.T) {
		forged := "A" + tok[1:]
		if forged == tok {
			forged = "B" + tok[1:]
		}
		for _, bad := range []string{forged, "", "abc", tok + "x", "../../etc/passwd", strings.Repeat("!", 43)} {
			_, err := e.svc.OpenGuardianLink(e.ctx, bad)
			wantMessage(t, err, fault.NotFound, consent.MsgLinkUnknown, "open "+bad)
			err = e.svc.ConfirmGuardian(e.ctx, bad, "Anne", grants)
			wantCode(t, err, fault.NotFound, "confirm "+bad)
		}
		// A manage token is not a request token, and the other way round.
		_, err := e.svc.OpenGuardianAccess(e.ctx, tok)
		wantCode(t, err, fault.NotFound, "request token used as manage token")
	})

	t.Run("bad input changes nothing", func(t *testing.T) {
		for name, tc := range map[string]struct {
			guardian string
			grants   map[consent.Scope]bool
		}{
			"no name":       {"  ", grants},
			"long name":     {strings.Repeat("a", 101), grants},
			"control char":  {"Anne\x00", grants},
			"no choice":     {"Anne", map[consent.Scope]bool{}},
			"unknown scope": {"Anne", map[consent.Scope]bool{"sell_data": true}},
		} {
			err := e.svc.ConfirmGuardian(e.ctx, tok, tc.guardian, tc.grants)
			wantCode(t, err, fault.Invalid, name)
		}
		if n := count(); n != 0 {
			t.Fatalf("bad input wrote %d records", n)
		}
		if _, err := e.svc.OpenGuardianLink(e.ctx, tok); err != nil {
			t.Fatalf("bad input used the link up: %v", err)
		}
	})

	t.Run("expired", func(t *testing.T) {
		e.clock.Advance(consent.RequestTTL + time.Second)
		defer e.clock.Set(start)
		_, err := e.svc.OpenGuardianLink(e.ctx, tok)
		wantMessage(t, err, fault.Invalid, "This link has expired. Ask your child to send a new one.", "open expired")
		err = e.svc.ConfirmGuardian(e.ctx, tok, "Anne", grants)
		wantMessage(t, err, fault.Invalid, consent.MsgLinkExpired, "confirm expired")
		if n := count(); n != 0 {
			t.Fatalf("expired link wrote %d records", n)
		}
		if st, _ := e.svc.GuardianState(e.ctx, "de14"); st != consent.GuardianExpired {
			t.Fatalf("state = %s, want expired", st)
		}
	})

	t.Run("reused", func(t *testing.T) {
		if err := e.svc.ConfirmGuardian(e.ctx, tok, "Anne", grants); err != nil {
			t.Fatal(err)
		}
		before, mails := count(), len(e.mail.all())
		err := e.svc.ConfirmGuardian(e.ctx, tok, "Someone Else", map[consent.Scope]bool{consent.Participate: false, consent.VideoAppear: true})
		wantMessage(t, err, fault.Invalid, consent.MsgLinkUsed, "second confirm")
		_, err = e.svc.OpenGuardianLink(e.ctx, tok)
		wantMessage(t, err, fault.Invalid, consent.MsgLinkUsed, "open used")
		if count() != before || len(e.mail.all()) != mails {
			t.Fatal("a reused link changed something")
		}
		if st := e.states(t, "de14"); st[consent.Participate] != consent.StateGranted || st[consent.VideoAppear] != consent.StateNotGranted {
			t.Fatalf("states after a reused link = %v", st)
		}
	})
}

func TestGuardianLinkReplacedByNewRequest(t *testing.T) {
	e := newEnv(t)
	e.youth("de14", "DE", 14, "de")
	old := e.askGuardian(t, "de14", "de")
	e.clock.Advance(time.Hour)
	fresh := e.askGuardian(t, "de14", "de")
	_, err := e.svc.OpenGuardianLink(e.ctx, old)
	wantMessage(t, err, fault.Invalid, consent.MsgLinkReplaced, "old link")
	if _, err := e.svc.OpenGuardianLink(e.ctx, fresh); err != nil {
		t.Fatalf("new link: %v", err)
	}
}

func TestRequestGuardianBadInput(t *testing.T) {
	e := newEnv(t)
	kid := e.youth("de14", "DE", 14, "de")
	e.youth("adult", "DE", 18, "de")
	for name, tc := range map[string]struct {
		account, email, lang string
		code                 fault.Code
	}{
		"not an address":  {"de14", "parent at home", "de", fault.Invalid},
		"display name":    {"de14", "Anne <parent@family.example.org>", "de", fault.Invalid},
		"no domain dot":   {"de14", "parent@localhost", "de", fault.Invalid},
		"own address":     {"de14", strings.ToUpper(kid.Email), "de", fault.Invalid},
		"language":        {"de14", "parent@family.example.org", "nl", fault.Invalid},
		"adult":           {"adult", "parent@family.example.org", "de", fault.Invalid},
		"unknown account": {"ghost", "parent@family.example.org", "de", fault.NotFound},
	} {
		err := e.svc.RequestGuardian(e.ctx, tc.account, tc.email, tc.lang)
		wantCode(t, err, tc.code, name)
		if fault.MessageOf(err) == "" {
			t.Errorf("%s: no message", name)
		}
	}
	if n := len(e.mail.all()); n != 0 {
		t.Fatalf("bad input sent %d mails", n)
	}
	if st, _ := e.svc.GuardianState(e.ctx, "de14"); st != consent.GuardianNone {
		t.Fatalf("bad input created a request: %s", st)
	}
}

func TestSendRemindersIsIdempotent(t *testing.T) {
	e := newEnv(t)
	e.youth("de14", "DE", 14, "de")
	e.askGuardian(t, "de14", "de")
	e.youth("de15", "DE", 15, "en")
	e.askGuardian(t, "de15", "en")
	requests := len(e.mail.all())

	e.clock.Advance(4 * 24 * time.Hour) // 72 h left: too early
	if n, err := e.svc.SendReminders(e.ctx); err != nil || n != 0 {
		t.Fatalf("SendReminders 72 h before expiry = %d, %v; want 0", n, err)
	}
	e.clock.Advance(24*time.Hour + time.Minute) // just under 48 h left
	n, err := e.svc.SendReminders(e.ctx)
	if err != nil || n != 2 {
		t.Fatalf("SendReminders = %d, %v; want 2", n, err)
	}
	rem := e.mail.all()[requests:]
	for _, m := range rem {
		if m.Kind != consent.MailGuardianReminder {
			t.Errorf("mail kind %q, want reminder", m.Kind)
		}
	}
	if n, err := e.svc.SendReminders(e.ctx); err != nil || n != 0 {
		t.Fatalf("second SendReminders = %d, %v; want 0", n, err)
	}
	e.clock.Advance(time.Hour)
	if n, _ := e.svc.SendReminders(e.ctx); n != 0 {
		t.Fatalf("a later run sent %d more reminders", n)
	}
	// The reminder's link works for the same single-use request.
	tok := tokenFrom(t, rem[0])
	if err := e.svc.ConfirmGuardian(e.ctx, tok, "Anne", map[consent.Scope]bool{consent.Participate: true}); err != nil {
		t.Fatalf("confirm through the reminder: %v", err)
	}
	if len(e.mail.all()) != requests+3 {
		t.Fatalf("mails = %d, want %d", len(e.mail.all()), requests+3)
	}
	// Expired requests get no reminder.
	e.clock.Advance(3 * 24 * time.Hour)
	if n, _ := e.svc.SendReminders(e.ctx); n != 0 {
		t.Fatalf("reminders for expired requests: %d", n)
	}
}

func TestGuardianDeclinedAndAccessScope(t *testing.T) {
	e := newEnv(t)
	e.youth("de16", "DE", 16, "de") // at Germany's consent age
	tok := e.askGuardian(t, "de16", "de")
	gp, err := e.svc.OpenGuardianLink(e.ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	// At the consent age the guardian decides only video_publish and name visibility.
	if len(gp.Scopes) != 2 || gp.Scopes[0].Scope != consent.VideoPublish || gp.Scopes[1].Scope != consent.NameVisibleToPartners {
		t.Fatalf("guardian scopes at 16 = %+v", gp.Scopes)
	}
	err = e.svc.ConfirmGuardian(e.ctx, tok, "Anne", map[consent.Scope]bool{consent.Participate: true})
	wantMessage(t, err, fault.Invalid, consent.MsgNotYourDecision, "guardian granting a youth-managed scope")
	if err := e.svc.ConfirmGuardian(e.ctx, tok, "Anne", map[consent.Scope]bool{consent.VideoPublish: false}); err != nil {
		t.Fatal(err)
	}
	if st, _ := e.svc.GuardianState(e.ctx, "de16"); st != consent.GuardianDeclined {
		t.Fatalf("state = %s, want declined", st)
	}
	manage := tokenFrom(t, e.mail.last(t))
	_, err = e.svc.GuardianWithdraw(e.ctx, manage, consent.Participate)
	wantCode(t, err, fault.Forbidden, "guardian withdrawing a youth-managed scope")
}

func TestAgeAssurance(t *testing.T) {
	e := newEnv(t)
	e.youth("de14", "DE", 14, "de")
	manage := e.confirm(t, "de14", map[consent.Scope]bool{consent.NameVisibleToPartners: true})

	_, err := e.svc.RecordAgeAssurance(e.ctx, manage, consent.NameVisibleToPartners, "sess-1")
	wantCode(t, err, fault.Unavailable, "no provider configured")

	var asked string
	e.svc.Assurance = assurance{CheckGuardianFn: func(_ context.Context, email, ref string) (consent.AssuranceResult, error) {
		asked = email
		return consent.AssuranceResult{Adult: ref == "sess-ok", Provider: "test-provider"}, nil
	}}
	_, err = e.svc.RecordAgeAssurance(e.ctx, manage, consent.NameVisibleToPartners, "sess-minor")
	wantCode(t, err, fault.Forbidden, "provider does not vouch")
	if st := e.states(t, "de14"); st[consent.NameVisibleToPartners] != consent.StateNeedsVerification {
		t.Fatalf("name visibility = %s, want needs_verification", st[consent.NameVisibleToPartners])
	}
	rec, err := e.svc.RecordAgeAssurance(e.ctx, manage, consent.NameVisibleToPartners, "sess-ok")
	if err != nil {
		t.Fatal(err)
	}
	if asked != "parent@family.example.org" || rec.Method != consent.MethodAgeAssurance || rec.Evidence != "test-provider:sess-ok" {
		t.Errorf("record = %+v, provider asked about %q", rec, asked)
	}
	if st := e.states(t, "de14"); st[consent.NameVisibleToPartners] != consent.StateGranted {
		t.Fatalf("name visibility after age assurance = %s, want granted", st[consent.NameVisibleToPartners])
	}
}
