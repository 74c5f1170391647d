package auth

import (
	"testing"

	"chorus/store/storetest"
)

// Signing out everywhere, and the revocation after a refresh token came
// back, revoke every session and record it in one transaction: whichever
// write fails, no session is left half revoked and no event claims a
// revocation that did not happen.
func TestRevokingEverythingIsAllOrNone(t *testing.T) {
	s, _, db := newTestSessions(t)
	f := &storetest.Faulty{Documents: db}
	s.docs = f
	mustStart(t, s, "acc1")
	mustStart(t, s, "acc1")
	if n := storetest.EveryWriteFails(t, f, []string{SessionCollection}, func() error { return s.SignOutEverywhere(ctx, "acc1") }); n < 3 {
		t.Errorf("signing out of two sessions made %d writes, want two revocations and the event", n)
	}
	stolen := mustStart(t, s, "acc2")
	mustStart(t, s, "acc2")
	if _, err := s.Rotate(ctx, stolen.RefreshToken); err != nil {
		t.Fatal(err)
	}
	before := storetest.Take(t, db, SessionCollection)
	writes := f.FailNth(3) // the second revocation
	if _, err := s.Rotate(ctx, stolen.RefreshToken); err == nil {
		t.Fatal("a replayed refresh token was accepted")
	}
	if writes() < 3 {
		t.Fatalf("the reuse made %d writes, want at least 3", writes())
	}
	if d := before.Diff(storetest.Take(t, db, SessionCollection)); d != "" {
		t.Errorf("a failed revocation after reuse left a part behind: %s", d)
	}
}
