package consent_test

import (
	"testing"
	"time"

	"chorus/consent"
	"chorus/store/storetest"
)

// consentCollections are every collection consent writes.
var consentCollections = []string{consent.RecordsCollection, consent.RequestsCollection, consent.AccessCollection, consent.MilestoneCollection}

// faulty puts a store that fails chosen writes under the service.
func (e *env) faulty() *storetest.Faulty {
	f := &storetest.Faulty{Documents: e.docs}
	e.svc.Docs = f
	return f
}

// Every consent operation of several writes (a ledger record and its
// event; a guardian's confirm; a new guardian link replacing the old one;
// coming of age) is all or none: whichever write fails, nothing of it is
// left, and the event trail never misses a change or reports one that did
// not happen.
func TestConsentWritesAreAllOrNone(t *testing.T) {
	e := newEnv(t)
	e.youth("fr14", "FR", 14, "fr")
	e.youth("de17", "DE", 17, "de")
	f := e.faulty()

	t.Run("self grant and withdraw", func(t *testing.T) {
		for _, op := range []func() error{
			func() error { _, err := e.svc.Grant(e.ctx, "de17", consent.Participate, "de"); return err },
			func() error { _, err := e.svc.Withdraw(e.ctx, "de17", consent.Participate, "de"); return err },
		} {
			if n := storetest.EveryWriteFails(t, f, consentCollections, op); n < 2 {
				t.Errorf("the operation made %d writes, want the record and its event", n)
			}
		}
	})

	var manage string
	t.Run("guardian request and confirm", func(t *testing.T) {
		storetest.EveryWriteFails(t, f, consentCollections, func() error {
			return e.svc.RequestGuardian(e.ctx, "fr14", "parent@family.example.org", "fr")
		})
		// A second request replaces the first: the old link stops working
		// in the same transaction the new one starts in.
		tok := ""
		if n := storetest.EveryWriteFails(t, f, consentCollections, func() error {
			err := e.svc.RequestGuardian(e.ctx, "fr14", "parent@family.example.org", "fr")
			if err == nil {
				tok = tokenFrom(t, e.mail.last(t))
			}
			return err
		}); n < 3 {
			t.Errorf("a replacing request made %d writes, want the old link retired, the new one and the event", n)
		}
		if n := storetest.EveryWriteFails(t, f, consentCollections, func() error {
			return e.svc.ConfirmGuardian(e.ctx, tok, "Anne Parent", map[consent.Scope]bool{consent.Participate: true, consent.VideoAppear: true})
		}); n < 6 {
			t.Errorf("a confirm made %d writes, want the link used, two records, two events, the manage link and its event", n)
		}
		// France below 15: the child and the guardian consent together.
		if st := e.states(t, "fr14"); st[consent.Participate] != consent.StatePartial {
			t.Errorf("participate after the guardian's confirm: %s, want partial", st[consent.Participate])
		}
		manage = tokenFrom(t, e.mail.last(t))
		storetest.EveryWriteFails(t, f, consentCollections, func() error {
			_, err := e.svc.GuardianWithdraw(e.ctx, manage, consent.VideoAppear)
			return err
		})
	})

	t.Run("coming of age", func(t *testing.T) {
		kid := e.youth("de17b", "DE", 17, "de")
		turns18 := start.AddDate(0, 0, 10)
		kid.BirthDate = time.Date(turns18.Year()-18, turns18.Month(), turns18.Day(), 0, 0, 0, 0, time.UTC)
		e.people.add(kid)
		f.Fail = nil
		e.confirm(t, "de17b", map[consent.Scope]bool{consent.VideoPublish: true})
		e.clock.Set(turns18.Add(12 * time.Hour))
		person := []consent.Person{{AccountID: "de17b", BirthDate: kid.BirthDate, Country: "DE"}}
		storetest.EveryWriteFails(t, f, consentCollections, func() error {
			_, err := e.svc.HandleComingOfAge(e.ctx, person)
			return err
		})
	})
}
