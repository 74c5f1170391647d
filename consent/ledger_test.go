package consent_test

import (
	"reflect"
	"strings"
	"testing"

	"chorus/consent"
	"chorus/fault"
	"chorus/store"
)

// TestLedgerIsAppendOnly proves there is no API that changes or removes a
// ledger record, and that every decision is a new record with the next
// sequence number and a store event.
func TestLedgerIsAppendOnly(t *testing.T) {
	typ := reflect.TypeOf(&consent.Service{})
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		for _, verb := range []string{"Update", "Delete", "Edit", "Remove", "Erase", "Replace", "Set"} {
			if strings.HasPrefix(name, verb) {
				t.Errorf("Service has a method %s: the ledger must be append-only", name)
			}
		}
	}

	e := newEnv(t)
	e.youth("adult1", "DE", 20, "de")
	for _, step := range []func() (consent.Record, error){
		func() (consent.Record, error) { return e.svc.Grant(e.ctx, "adult1", consent.Participate, "de") },
		func() (consent.Record, error) { return e.svc.Grant(e.ctx, "adult1", consent.VideoPublish, "de") },
		func() (consent.Record, error) { return e.svc.Withdraw(e.ctx, "adult1", consent.VideoPublish, "de") },
	} {
		if _, err := step(); err != nil {
			t.Fatal(err)
		}
	}
	hist, err := e.svc.History(e.ctx, "adult1")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 3 {
		t.Fatalf("got %d records, want 3", len(hist))
	}
	wantHash, _ := consent.DefaultRegistry().TextHash(consent.VideoPublish, consent.ForYouth, "de")
	for i, r := range hist {
		if r.Seq != int64(i+1) {
			t.Errorf("record %d has seq %d, want %d", i, r.Seq, i+1)
		}
		if r.Actor != consent.BySelf || r.Language != "de" || r.Country != "DE" || r.Time.IsZero() || r.Method != consent.MethodSignedIn {
			t.Errorf("record %d = %+v: missing who/how/language/country/time", i, r)
		}
	}
	if hist[2].TextHash != wantHash || hist[2].Action != consent.Withdrawn {
		t.Errorf("last record = %+v, want a withdrawal of video_publish with the German youth text hash", hist[2])
	}

	events, err := e.docs.Events(e.ctx, store.EventQuery{Subject: "account:adult1"})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, ev := range events {
		types = append(types, ev.Type)
	}
	if got, want := strings.Join(types, ","), "consent.granted,consent.granted,consent.withdrawn"; got != want {
		t.Errorf("events = %s, want %s", got, want)
	}
}

func TestEffectiveGuardianManagedAndVerification(t *testing.T) {
	e := newEnv(t)
	e.youth("k14", "DE", 14, "en") // below Germany's 16

	// A child below the consent age cannot grant participate alone.
	_, err := e.svc.Grant(e.ctx, "k14", consent.Participate, "en")
	wantCode(t, err, fault.Forbidden, "self grant below the consent age")
	if st := e.states(t, "k14"); st[consent.Participate] != consent.StateNotGranted {
		t.Fatalf("participate = %s, want not_granted", st[consent.Participate])
	}

	manage := e.confirm(t, "k14", map[consent.Scope]bool{consent.Participate: true, consent.VideoPublish: true})
	st := e.states(t, "k14")
	if st[consent.Participate] != consent.StateGranted {
		t.Errorf("participate = %s, want granted (a confirmed e-mail suffices)", st[consent.Participate])
	}
	if st[consent.VideoPublish] != consent.StateNeedsVerification {
		t.Errorf("video_publish = %s, want needs_verification (a confirmed e-mail is not enough)", st[consent.VideoPublish])
	}
	if st[consent.VideoAppear] != consent.StateNotGranted {
		t.Errorf("video_appear = %s, want not_granted", st[consent.VideoAppear])
	}

	// A coordinator checked the signed form: now it counts.
	rec, err := e.svc.RecordSignedForm(e.ctx, "coord1", "k14", consent.VideoPublish, "forms/k14/video_publish.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Method != consent.MethodSignedFormChecked || rec.Level != consent.LevelStrong || rec.Actor != consent.ByGuardian || rec.GuardianEmail != "parent@family.example.org" {
		t.Errorf("signed-form record = %+v", rec)
	}
	if st := e.states(t, "k14"); st[consent.VideoPublish] != consent.StateGranted {
		t.Errorf("video_publish after the signed form = %s, want granted", st[consent.VideoPublish])
	}

	// No guardian grant to verify.
	_, err = e.svc.RecordSignedForm(e.ctx, "coord1", "k14", consent.NameVisibleToPartners, "forms/x.pdf")
	wantCode(t, err, fault.Invalid, "signed form without a guardian grant")
	_, err = e.svc.RecordSignedForm(e.ctx, "coord1", "k14", consent.VideoPublish, "")
	wantCode(t, err, fault.Invalid, "signed form without an upload")

	// The child's own withdrawal takes effect at once, even on a
	// guardian-managed scope, and only the child can lift it.
	if _, err := e.svc.Withdraw(e.ctx, "k14", consent.VideoPublish, "en"); err != nil {
		t.Fatal(err)
	}
	if st := e.states(t, "k14"); st[consent.VideoPublish] != consent.StateWithdrawn {
		t.Fatalf("video_publish right after the child withdrew = %s, want withdrawn", st[consent.VideoPublish])
	}
	if _, err := e.svc.GuardianGrant(e.ctx, manage, consent.VideoPublish); err != nil {
		t.Fatal(err)
	}
	if st := e.states(t, "k14"); st[consent.VideoPublish] == consent.StateGranted {
		t.Fatal("a guardian's new grant must not override the child's withdrawal")
	}
	if _, err := e.svc.Grant(e.ctx, "k14", consent.VideoPublish, "en"); err != nil {
		t.Fatalf("child undoing their own withdrawal: %v", err)
	}
	// The guardian's new grant came through the e-mail link only: it needs
	// verification again.
	if st := e.states(t, "k14"); st[consent.VideoPublish] != consent.StateNeedsVerification {
		t.Fatalf("video_publish = %s, want needs_verification", st[consent.VideoPublish])
	}

	// The guardian withdraws participate: effective at the next call.
	if _, err := e.svc.GuardianWithdraw(e.ctx, manage, consent.Participate); err != nil {
		t.Fatal(err)
	}
	if st := e.states(t, "k14"); st[consent.Participate] != consent.StateWithdrawn {
		t.Fatalf("participate right after the guardian withdrew = %s, want withdrawn", st[consent.Participate])
	}
}

func TestEffectiveJointInFrance(t *testing.T) {
	e := newEnv(t)
	e.youth("fr13", "FR", 13, "fr")
	manage := e.confirm(t, "fr13", map[consent.Scope]bool{consent.Participate: true})
	if st := e.states(t, "fr13"); st[consent.Participate] != consent.StatePartial {
		t.Fatalf("participate with only the guardian = %s, want partial", st[consent.Participate])
	}
	if _, err := e.svc.Grant(e.ctx, "fr13", consent.Participate, "fr"); err != nil {
		t.Fatalf("a 13-year-old in France grants jointly: %v", err)
	}
	if st := e.states(t, "fr13"); st[consent.Participate] != consent.StateGranted {
		t.Fatalf("participate with child and guardian = %s, want granted", st[consent.Participate])
	}
	if _, err := e.svc.GuardianWithdraw(e.ctx, manage, consent.Participate); err != nil {
		t.Fatal(err)
	}
	if st := e.states(t, "fr13"); st[consent.Participate] != consent.StateWithdrawn {
		t.Fatalf("participate after the guardian withdrew = %s, want withdrawn", st[consent.Participate])
	}
	if _, err := e.svc.GuardianGrant(e.ctx, manage, consent.Participate); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Withdraw(e.ctx, "fr13", consent.Participate, "fr"); err != nil {
		t.Fatal(err)
	}
	if st := e.states(t, "fr13"); st[consent.Participate] != consent.StateWithdrawn {
		t.Fatalf("participate after the child withdrew = %s, want withdrawn", st[consent.Participate])
	}

	// Only the child alone: partial too.
	e.youth("fr14", "FR", 14, "fr")
	if _, err := e.svc.Grant(e.ctx, "fr14", consent.Participate, "fr"); err != nil {
		t.Fatal(err)
	}
	if st := e.states(t, "fr14"); st[consent.Participate] != consent.StatePartial {
		t.Fatalf("participate with only the child = %s, want partial", st[consent.Participate])
	}
}

func TestEffectiveSelfManaged(t *testing.T) {
	e := newEnv(t)
	e.youth("be13", "BE", 13, "fr") // at Belgium's consent age
	if _, err := e.svc.Grant(e.ctx, "be13", consent.Participate, "fr"); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Grant(e.ctx, "be13", consent.VideoPublish, "fr")
	wantCode(t, err, fault.Forbidden, "a minor granting video_publish alone")
	st := e.states(t, "be13")
	if st[consent.Participate] != consent.StateGranted || st[consent.VideoPublish] != consent.StateNotGranted {
		t.Fatalf("states = %v", st)
	}
	if _, err := e.svc.Withdraw(e.ctx, "be13", consent.Participate, "fr"); err != nil {
		t.Fatal(err)
	}
	if st := e.states(t, "be13"); st[consent.Participate] != consent.StateWithdrawn {
		t.Fatalf("participate right after withdrawing = %s, want withdrawn", st[consent.Participate])
	}

	e.youth("adult", "FR", 19, "fr")
	if _, err := e.svc.Grant(e.ctx, "adult", consent.VideoPublish, "fr"); err != nil {
		t.Fatalf("an adult grants video_publish alone: %v", err)
	}
	if st := e.states(t, "adult"); st[consent.VideoPublish] != consent.StateGranted {
		t.Fatalf("adult video_publish = %s", st[consent.VideoPublish])
	}

	_, err = e.svc.Grant(e.ctx, "adult", "tracking", "fr")
	wantCode(t, err, fault.Invalid, "unknown scope")
	_, err = e.svc.Grant(e.ctx, "adult", consent.Participate, "nl")
	wantCode(t, err, fault.Invalid, "unknown language")
	_, err = e.svc.Grant(e.ctx, "nobody", consent.Participate, "fr")
	wantCode(t, err, fault.NotFound, "unknown account")
}
