package auth

import (
	"testing"
	"time"

	"chorus/fault"
)

func newTestResets(t *testing.T) (*Resets, *fakeClock) {
	t.Helper()
	clk := newClock()
	r, err := NewResets(ctx, mustOpenDB(t, clk))
	if err != nil {
		t.Fatal(err)
	}
	r.Now = clk.Now
	return r, clk
}

func TestResetSingleUse(t *testing.T) {
	r, _ := newTestResets(t)
	tok, err := r.Start(ctx, "acc1")
	if err != nil {
		t.Fatal(err)
	}
	if !wellFormed(tok) {
		t.Fatalf("got token %q", tok)
	}
	if _, err := r.docs.Get(ctx, ResetCollection, tok); !fault.Is(err, fault.NotFound) {
		t.Errorf("the reset token is stored in the clear (Get by token: %v)", err)
	}
	got, err := r.Finish(ctx, tok)
	if err != nil || got != "acc1" {
		t.Fatalf("Finish = %q, %v; want acc1, nil", got, err)
	}
	_, err = r.Finish(ctx, tok)
	wantCode(t, err, fault.Invalid)
	if got := fault.MessageOf(err); got != msgBadReset {
		t.Errorf("got message %q, want %q", got, msgBadReset)
	}
}

func TestResetExpires(t *testing.T) {
	r, clk := newTestResets(t)
	tok, err := r.Start(ctx, "acc1")
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(ResetTokenTTL + time.Minute)
	_, err = r.Finish(ctx, tok)
	wantCode(t, err, fault.Invalid)

	// Just before the hour is up it still works.
	tok, _ = r.Start(ctx, "acc1")
	clk.Advance(ResetTokenTTL - time.Second)
	if _, err := r.Finish(ctx, tok); err != nil {
		t.Errorf("Finish within the hour: %v", err)
	}
}

func TestResetNewerReplacesOlder(t *testing.T) {
	r, _ := newTestResets(t)
	old, _ := r.Start(ctx, "acc1")
	other, _ := r.Start(ctx, "acc2")
	newer, _ := r.Start(ctx, "acc1")
	_, err := r.Finish(ctx, old)
	wantCode(t, err, fault.Invalid)
	if got, err := r.Finish(ctx, newer); err != nil || got != "acc1" {
		t.Errorf("newest token: got %q, %v", got, err)
	}
	if got, err := r.Finish(ctx, other); err != nil || got != "acc2" {
		t.Errorf("another account's token: got %q, %v", got, err)
	}
}

func TestResetRefusesForgedTokens(t *testing.T) {
	r, _ := newTestResets(t)
	tok, _ := r.Start(ctx, "acc1")
	forged, _ := newOpaqueToken()
	for name, bad := range map[string]string{
		"empty": "", "garbage": "<script>", "forged": forged, "truncated": tok[:40], "padded": tok + "=",
	} {
		if _, err := r.Finish(ctx, bad); !fault.Is(err, fault.Invalid) {
			t.Errorf("%s: got %v, want invalid", name, err)
		}
	}
	if _, err := r.Finish(ctx, tok); err != nil {
		t.Errorf("the real token stopped working after bad tries: %v", err)
	}
}
