package auth

import (
	"sync"
	"testing"
	"time"

	"chorus/fault"
	"chorus/store"
)

func newTestSessions(t *testing.T) (*Sessions, *fakeClock, store.Documents) {
	t.Helper()
	clk := newClock()
	db := mustOpenDB(t, clk)
	s, err := NewSessions(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	s.Now = clk.Now
	return s, clk, db
}

func mustStart(t *testing.T, s *Sessions, account string) Session {
	t.Helper()
	sess, err := s.Start(ctx, account)
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

func wantActive(t *testing.T, s *Sessions, id string, active bool) {
	t.Helper()
	err := s.SessionActive(ctx, id)
	if active && err != nil {
		t.Fatalf("SessionActive(%s) = %v, want nil", id, err)
	}
	if !active {
		wantCode(t, err, fault.Unauthorized)
	}
}

func TestRefreshRotation(t *testing.T) {
	s, clk, db := newTestSessions(t)
	first := mustStart(t, s, "acc1")
	if first.ID == "" || !wellFormed(first.RefreshToken) || first.AccountID != "acc1" {
		t.Fatalf("got session %+v", first)
	}
	wantActive(t, s, first.ID, true)

	// The token is stored only as its hash.
	if _, err := db.Get(ctx, RefreshCollection, first.RefreshToken); !fault.Is(err, fault.NotFound) {
		t.Errorf("the refresh token is stored in the clear (Get by token: %v)", err)
	}
	if _, err := db.Get(ctx, RefreshCollection, hashToken(first.RefreshToken)); err != nil {
		t.Errorf("no record under the token's hash: %v", err)
	}

	clk.Advance(time.Hour)
	second, err := s.Rotate(ctx, first.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if second.ID != first.ID || second.AccountID != "acc1" {
		t.Errorf("rotation left the family: got %+v, want session %s", second, first.ID)
	}
	if second.RefreshToken == first.RefreshToken {
		t.Error("rotation returned the same token")
	}
	if want := clk.Now().Add(RefreshTokenTTL); !second.RefreshExpiresAt.Equal(want) {
		t.Errorf("new token expires %v, want %v", second.RefreshExpiresAt, want)
	}
	third, err := s.Rotate(ctx, second.RefreshToken)
	if err != nil {
		t.Fatalf("second rotation: %v", err)
	}
	wantActive(t, s, third.ID, true)
}

func TestRefreshReuseRevokesEverything(t *testing.T) {
	s, _, db := newTestSessions(t)
	stolen := mustStart(t, s, "acc1")
	laptop := mustStart(t, s, "acc1")               // another device of the same person
	someone := mustStart(t, s, "acc2")              // another person
	next, err := s.Rotate(ctx, stolen.RefreshToken) // the thief (or the owner) uses it first
	if err != nil {
		t.Fatal(err)
	}

	_, err = s.Rotate(ctx, stolen.RefreshToken) // ... and the other copy comes back
	wantCode(t, err, fault.Unauthorized)
	if got := fault.MessageOf(err); got != msgReused {
		t.Errorf("got message %q, want %q", got, msgReused)
	}

	wantActive(t, s, stolen.ID, false)
	wantActive(t, s, laptop.ID, false)
	wantActive(t, s, someone.ID, true)
	for name, tok := range map[string]string{"rotated": next.RefreshToken, "laptop": laptop.RefreshToken} {
		if _, err := s.Rotate(ctx, tok); !fault.Is(err, fault.Unauthorized) {
			t.Errorf("%s token after reuse: got %v, want unauthorized", name, err)
		}
	}
	if _, err := s.Rotate(ctx, someone.RefreshToken); err != nil {
		t.Errorf("another account's session was hit: %v", err)
	}

	evs, err := db.Events(ctx, store.EventQuery{Subject: "account:acc1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Type != "auth.refresh_reused" {
		t.Errorf("got events %+v, want one auth.refresh_reused", evs)
	}

	// The person signs in again. Replaying the old token once more must
	// not sign them out again: its session has already ended.
	fresh := mustStart(t, s, "acc1")
	_, err = s.Rotate(ctx, stolen.RefreshToken)
	wantCode(t, err, fault.Unauthorized)
	wantActive(t, s, fresh.ID, true)
}

func TestSignOutStopsAccessTokensAtOnce(t *testing.T) {
	s, clk, _ := newTestSessions(t)
	tokens := newTestTokens(t, clk)
	phone := mustStart(t, s, "acc1")
	tablet := mustStart(t, s, "acc1")
	access, _, _ := tokens.Issue("acc1", phone.ID)

	// What the middleware does on every request.
	authenticate := func(tok string) error {
		c, err := tokens.Verify(tok)
		if err != nil {
			return err
		}
		return s.SessionActive(ctx, c.SessionID)
	}
	if err := authenticate(access); err != nil {
		t.Fatalf("before sign-out: %v", err)
	}
	if err := s.SignOut(ctx, phone.ID); err != nil {
		t.Fatal(err)
	}
	// The access token is still correctly signed and unexpired ...
	if _, err := tokens.Verify(access); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	// ... but it no longer gets in, and the refresh token is dead.
	wantCode(t, authenticate(access), fault.Unauthorized)
	_, err := s.Rotate(ctx, phone.RefreshToken)
	wantCode(t, err, fault.Unauthorized)
	wantActive(t, s, tablet.ID, true)
	if err := s.SignOut(ctx, phone.ID); err != nil {
		t.Errorf("signing out twice: %v", err)
	}
	if err := s.SignOut(ctx, "no-such-session"); err != nil {
		t.Errorf("signing out of an unknown session: %v", err)
	}

	tabletAccess, _, _ := tokens.Issue("acc1", tablet.ID)
	if err := s.SignOutEverywhere(ctx, "acc1"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, authenticate(tabletAccess), fault.Unauthorized)
	_, err = s.Rotate(ctx, tablet.RefreshToken)
	wantCode(t, err, fault.Unauthorized)
}

func TestRefreshRefused(t *testing.T) {
	s, clk, _ := newTestSessions(t)
	sess := mustStart(t, s, "acc1")
	unknown, _ := newOpaqueToken()
	for name, tok := range map[string]string{
		"empty":     "",
		"garbage":   "'; DROP TABLE auth_refresh; --",
		"too long":  sess.RefreshToken + sess.RefreshToken,
		"unknown":   unknown,
		"truncated": sess.RefreshToken[:42],
	} {
		_, err := s.Rotate(ctx, tok)
		if !fault.Is(err, fault.Unauthorized) {
			t.Errorf("%s: got %v, want unauthorized", name, err)
		}
	}
	wantActive(t, s, "", false)
	wantActive(t, s, "no-such-session", false)
	wantActive(t, s, sess.ID, true) // bad input changed nothing

	clk.Advance(RefreshTokenTTL)
	_, err := s.Rotate(ctx, sess.RefreshToken)
	wantCode(t, err, fault.Unauthorized)
	wantActive(t, s, sess.ID, false)
}

func TestRefreshExpiryUsesOwnClock(t *testing.T) {
	// A store whose clock lags still cannot make an expired token work.
	clk := newClock()
	db := mustOpenDB(t, newClock()) // the store's clock never moves
	s, err := NewSessions(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	s.Now = clk.Now
	sess := mustStart(t, s, "acc1")
	clk.Advance(RefreshTokenTTL + time.Second)
	_, err = s.Rotate(ctx, sess.RefreshToken)
	wantCode(t, err, fault.Unauthorized)
	wantActive(t, s, sess.ID, false)
}

func TestConcurrentRefreshCountsAsReuse(t *testing.T) {
	s, _, _ := newTestSessions(t)
	sess := mustStart(t, s, "acc1")
	const n = 4
	results := make(chan error, n)
	var start sync.WaitGroup
	start.Add(1)
	for range n {
		go func() {
			start.Wait()
			_, err := s.Rotate(ctx, sess.RefreshToken)
			results <- err
		}()
	}
	start.Done()
	ok := 0
	for range n {
		err := <-results
		switch {
		case err == nil:
			ok++
		case !fault.Is(err, fault.Unauthorized):
			t.Errorf("got %v, want nil or unauthorized", err)
		}
	}
	if ok > 1 {
		t.Errorf("%d of %d racing refreshes succeeded, want at most 1", ok, n)
	}
	wantActive(t, s, sess.ID, false)
}
