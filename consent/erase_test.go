package consent_test

import (
	"strings"
	"testing"

	"chorus/consent"
	"chorus/fault"
)

// TestErasureEndsGuardianLinksAndConsent is the consent row of the README's
// retention table: an erased child's guardian link ends, saying so plainly;
// every scope stops being relied on; the guardian is told; an unanswered
// request ends too; and the ledger stays as proof.
func TestErasureEndsGuardianLinksAndConsent(t *testing.T) {
	e := newEnv(t)
	e.youth("de12", "DE", 12, "de")
	manage := e.confirm(t, "de12", map[consent.Scope]bool{consent.Participate: true})
	pending := e.askGuardian(t, "de12", "de") // a second guardian, never answered
	before, _ := e.svc.History(e.ctx, "de12")
	if e.states(t, "de12")[consent.Participate] != consent.StateGranted {
		t.Fatal("participate should be held before the erasure")
	}

	if err := e.svc.EndForErasure(e.ctx, "de12", "de12"); err != nil {
		t.Fatalf("EndForErasure: %v", err)
	}
	if st := e.states(t, "de12")[consent.Participate]; st != consent.StateWithdrawn {
		t.Errorf("participate after erasure: got %s, want withdrawn", st)
	}
	hist, _ := e.svc.History(e.ctx, "de12")
	if len(hist) != len(before)+1 {
		t.Fatalf("ledger: got %d records, want the %d kept and one erasure withdrawal", len(hist), len(before))
	}
	last := hist[len(hist)-1]
	if last.Actor != consent.ByErasure || last.Method != consent.MethodErasure || last.Action != consent.Withdrawn || last.RecordedBy != "de12" {
		t.Errorf("erasure record: got %+v", last)
	}
	for name, err := range map[string]error{
		"manage page":     func() error { _, err := e.svc.OpenGuardianAccess(e.ctx, manage); return err }(),
		"manage export":   func() error { _, err := e.svc.GuardianExport(e.ctx, manage); return err }(),
		"manage grant":    func() error { _, err := e.svc.GuardianGrant(e.ctx, manage, consent.Participate); return err }(),
		"deletion":        func() error { _, err := e.svc.GuardianContact(e.ctx, manage); return err }(),
		"pending request": func() error { _, err := e.svc.OpenGuardianLink(e.ctx, pending); return err }(),
	} {
		if fault.CodeOf(err) != fault.Invalid || fault.MessageOf(err) != consent.MsgAccountErased {
			t.Errorf("%s after erasure: got %v, want %q", name, err, consent.MsgAccountErased)
		}
	}
	m := e.mail.last(t)
	if m.Kind != consent.MailGuardianErased || m.To != "parent@family.example.org" || !strings.Contains(m.Text, "Léa's account in Chorus has been erased") {
		t.Errorf("guardian told: got %q to %s:\n%s", m.Kind, m.To, m.Text)
	}
	n := len(e.mail.all())
	if err := e.svc.EndForErasure(e.ctx, "de12", "de12"); err != nil {
		t.Fatal(err)
	}
	if again, _ := e.svc.History(e.ctx, "de12"); len(again) != len(hist) || len(e.mail.all()) != n {
		t.Errorf("ending again: got %d records and %d more mails, want nothing new", len(again)-len(hist), len(e.mail.all())-n)
	}
}

// TestDeletionRequestIsAcknowledged: the guardian who asks for deletion
// gets a mail saying it was received and by when it will be done.
func TestDeletionRequestIsAcknowledged(t *testing.T) {
	e := newEnv(t)
	e.youth("fr13", "FR", 13, "fr")
	manage := e.confirm(t, "fr13", map[consent.Scope]bool{consent.Participate: true})
	c, err := e.svc.GuardianContact(e.ctx, manage)
	if err != nil || c.AccountID != "fr13" || c.Email != "parent@family.example.org" {
		t.Fatalf("contact: got %+v %v", c, err)
	}
	if err := e.svc.AcknowledgeDeletion(e.ctx, c, start.AddDate(0, 1, 0)); err != nil {
		t.Fatal(err)
	}
	m := e.mail.last(t)
	if m.Kind != consent.MailDeletionAcknowledged || m.To != c.Email || !strings.Contains(m.Text, "erased by 23 December 2026") {
		t.Errorf("acknowledgement: got %q to %s:\n%s", m.Kind, m.To, m.Text)
	}
}
