package consent_test

import (
	"testing"
	"time"

	"chorus/consent"
)

func missingOf(t *testing.T, e *env, id string, scope consent.Scope) consent.Missing {
	t.Helper()
	p, err := e.svc.ProgressOf(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Scopes {
		if s.Scope == scope {
			return s.Missing
		}
	}
	t.Fatalf("no %s in %+v", scope, p)
	return ""
}

// TestProgressSaysWhatIsMissing: staff see, per scope, what a young
// person's consent still waits for, and where the guardian request stands
// ("waiting for the guardian since ..., reminder sent").
func TestProgressSaysWhatIsMissing(t *testing.T) {
	e := newEnv(t)
	e.youth("de12", "DE", 12, "de")
	if m := missingOf(t, e, "de12", consent.Participate); m != consent.MissingGuardianLink {
		t.Errorf("nobody asked yet: got %q, want %q", m, consent.MissingGuardianLink)
	}
	asked := e.clock.Now()
	e.askGuardian(t, "de12", "de")
	if m := missingOf(t, e, "de12", consent.Participate); m != consent.MissingGuardian {
		t.Errorf("after asking: got %q, want %q", m, consent.MissingGuardian)
	}
	e.clock.Advance(consent.RequestTTL - consent.ReminderWindow + time.Minute)
	if _, err := e.svc.SendReminders(e.ctx); err != nil {
		t.Fatal(err)
	}
	p, _ := e.svc.ProgressOf(e.ctx, "de12")
	if g := p.Guardian; g.Status != consent.GuardianWaiting || g.RequestedAt == nil || !g.RequestedAt.Equal(asked) || g.RemindedAt == nil || g.DomainOnly != "…@family.example.org" {
		t.Errorf("guardian request: got %+v, want waiting since %v with the reminder sent, the address's domain only", g, asked)
	}

	// The guardian grants video_publish by e-mail: a signed form is what is missing.
	tok := tokenFrom(t, e.mail.last(t))
	if err := e.svc.ConfirmGuardian(e.ctx, tok, "Anne Parent", map[consent.Scope]bool{consent.Participate: true, consent.VideoPublish: true}); err != nil {
		t.Fatal(err)
	}
	if m := missingOf(t, e, "de12", consent.VideoPublish); m != consent.MissingSignedForm {
		t.Errorf("video_publish by e-mail: got %q, want %q", m, consent.MissingSignedForm)
	}
	if m := missingOf(t, e, "de12", consent.Participate); m != consent.MissingNothing {
		t.Errorf("participate granted: got %q, want nothing", m)
	}

	// France below 15: the guardian said yes, the child not yet.
	e.youth("fr13", "FR", 13, "fr")
	e.confirm(t, "fr13", map[consent.Scope]bool{consent.Participate: true})
	if m := missingOf(t, e, "fr13", consent.Participate); m != consent.MissingChild {
		t.Errorf("joint, guardian only: got %q, want %q", m, consent.MissingChild)
	}
	if _, err := e.svc.Withdraw(e.ctx, "fr13", consent.Participate, "fr"); err != nil {
		t.Fatal(err)
	}
	if m := missingOf(t, e, "fr13", consent.Participate); m != consent.MissingWithdrawn {
		t.Errorf("withdrawn: got %q, want %q", m, consent.MissingWithdrawn)
	}
}
