package consent_test

import (
	"strings"
	"testing"
	"time"

	"chorus/consent"
	"chorus/fault"
)

func TestFindComingOfAge(t *testing.T) {
	a := consent.DefaultAges()
	ppl := []consent.Person{
		{AccountID: "de16", BirthDate: date("2010-06-15"), Country: "DE"},   // 16 on 2026-06-15: Germany's age
		{AccountID: "fr15", BirthDate: date("2011-06-15"), Country: "FR"},   // 15 on 2026-06-15: France's age
		{AccountID: "be15", BirthDate: date("2011-06-15"), Country: "BE"},   // 15: passed Belgium's 13 long ago
		{AccountID: "adult", BirthDate: date("2008-06-15"), Country: "BE"},  // 18 on 2026-06-15
		{AccountID: "leap", BirthDate: date("2008-02-29"), Country: "DE"},   // 18 on 2026-03-01
		{AccountID: "leap16", BirthDate: date("2012-02-29"), Country: "DE"}, // 16 on 2028-02-29
	}
	ids := func(ps []consent.Person) string {
		var s []string
		for _, p := range ps {
			s = append(s, p.AccountID)
		}
		return strings.Join(s, ",")
	}
	tests := []struct {
		day, consentAge, adult string
	}{
		{"2026-06-14", "", ""},
		{"2026-06-15", "de16,fr15", "adult"},
		{"2026-06-16", "", ""},
		{"2026-02-28", "", ""},
		{"2026-03-01", "", "leap"},
		{"2028-02-29", "leap16", ""},
		{"2028-03-01", "", ""},
	}
	berlin, _ := time.LoadLocation("Europe/Berlin") // the day in DE, FR and BE
	for _, tt := range tests {
		// Any hour of the day there counts as that day.
		for _, h := range []time.Duration{0, 23*time.Hour + 59*time.Minute} {
			d := date(tt.day)
			m := a.FindComingOfAge(ppl, time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, berlin).Add(h))
			if got := ids(m.ReachedConsentAge); got != tt.consentAge {
				t.Errorf("%s: reached consent age = %q, want %q", tt.day, got, tt.consentAge)
			}
			if got := ids(m.TurnedAdult); got != tt.adult {
				t.Errorf("%s: turned 18 = %q, want %q", tt.day, got, tt.adult)
			}
		}
	}
}

func TestHandleComingOfAge(t *testing.T) {
	e := newEnv(t)
	// Born so that they turn 18 exactly 10 days after start.
	d := start.AddDate(0, 0, 10)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	turns18 := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, berlin) // midnight of the 18th birthday, in Germany
	kid := e.youth("de17", "DE", 17, "de")
	kid.BirthDate = time.Date(turns18.Year()-18, turns18.Month(), turns18.Day(), 0, 0, 0, 0, time.UTC)
	e.people.add(kid)
	manage := e.confirm(t, "de17", map[consent.Scope]bool{consent.VideoPublish: true})
	if _, err := e.svc.RecordSignedForm(e.ctx, "coord1", "de17", consent.VideoPublish, "forms/de17.pdf"); err != nil {
		t.Fatal(err)
	}
	person := []consent.Person{{AccountID: "de17", BirthDate: kid.BirthDate, Country: "DE"}}

	e.clock.Set(turns18.Add(-time.Second)) // the evening before
	m, err := e.svc.HandleComingOfAge(e.ctx, person)
	if err != nil || len(m.TurnedAdult) != 0 {
		t.Fatalf("the day before: %+v, %v", m, err)
	}
	if _, err := e.svc.OpenGuardianAccess(e.ctx, manage); err != nil {
		t.Fatalf("manage link the day before 18: %v", err)
	}

	e.clock.Set(turns18.Add(6 * time.Hour))
	before := len(e.mail.all())
	m, err = e.svc.HandleComingOfAge(e.ctx, person)
	if err != nil || len(m.TurnedAdult) != 1 {
		t.Fatalf("on the 18th birthday: %+v, %v", m, err)
	}
	sent := e.mail.all()[before:]
	to := map[string]string{}
	for _, msg := range sent {
		to[msg.To] = msg.Kind
		if strings.Contains(msg.Text, kid.BirthDate.Format("2006-01-02")) {
			t.Errorf("mail %s contains the date of birth", msg.Kind)
		}
	}
	if to["parent@family.example.org"] != consent.MailGuardianEnded || to[kid.Email] != consent.MailYouthAdult || len(sent) != 2 {
		t.Fatalf("mails on the 18th birthday = %v, want one to the guardian and one to the youth", to)
	}
	_, err = e.svc.OpenGuardianAccess(e.ctx, manage)
	wantMessage(t, err, fault.Invalid, consent.MsgAccessEnded, "manage link at 18")
	_, err = e.svc.GuardianWithdraw(e.ctx, manage, consent.VideoPublish)
	wantCode(t, err, fault.Invalid, "guardian withdrawing at 18")

	// Idempotent: a second run the same day tells nobody again.
	m, err = e.svc.HandleComingOfAge(e.ctx, person)
	if err != nil || len(m.TurnedAdult) != 0 || len(e.mail.all()) != before+2 {
		t.Fatalf("second run: %+v, %v, %d mails", m, err, len(e.mail.all())-before)
	}

	// The guardian's grants stay on record and keep counting until the
	// young adult changes them.
	hist, _ := e.svc.History(e.ctx, "de17")
	if len(hist) != 2 || hist[0].Actor != consent.ByGuardian {
		t.Fatalf("ledger after 18 = %+v", hist)
	}
	if st := e.states(t, "de17"); st[consent.VideoPublish] != consent.StateGranted {
		t.Fatalf("video_publish after 18 = %s, want granted (the guardian's verified grant)", st[consent.VideoPublish])
	}
	if _, err := e.svc.Withdraw(e.ctx, "de17", consent.VideoPublish, "de"); err != nil {
		t.Fatal(err)
	}
	if st := e.states(t, "de17"); st[consent.VideoPublish] != consent.StateWithdrawn {
		t.Fatalf("video_publish after the adult withdrew = %s", st[consent.VideoPublish])
	}
}

func TestHandleReachedConsentAge(t *testing.T) {
	e := newEnv(t)
	kid := e.youth("fr14", "FR", 14, "fr")
	kid.BirthDate = time.Date(start.Year()-15, start.Month(), start.Day(), 0, 0, 0, 0, time.UTC) // 15 today
	e.people.add(kid)
	person := []consent.Person{{AccountID: "fr14", BirthDate: kid.BirthDate, Country: "FR"}}
	m, err := e.svc.HandleComingOfAge(e.ctx, person)
	if err != nil || len(m.ReachedConsentAge) != 1 {
		t.Fatalf("HandleComingOfAge = %+v, %v", m, err)
	}
	msg := e.mail.last(t)
	if msg.To != kid.Email || msg.Kind != consent.MailYouthConsentAge || !strings.Contains(msg.Text, "Salut Léa") {
		t.Fatalf("mail = %+v", msg)
	}
	if m, _ := e.svc.HandleComingOfAge(e.ctx, person); len(m.ReachedConsentAge) != 0 {
		t.Fatal("told twice")
	}
}
