package auth

import (
	"testing"
	"time"

	"chorus/fault"
)

func TestRateLimitPerKeyAndWindow(t *testing.T) {
	clk := newClock()
	r, err := NewRateLimit(ctx, mustOpenDB(t, clk), 3, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	r.Now = clk.Now
	for i := range 3 {
		if _, err := r.Take(ctx, "reset_to", "mia@example.org"); err != nil {
			t.Fatalf("event %d: %v", i+1, err)
		}
	}
	clk.Advance(10 * time.Minute)
	wait, err := r.Take(ctx, "reset_to", "mia@example.org")
	wantCode(t, err, fault.RateLimited)
	if wait != 50*time.Minute || fault.MessageOf(err) != "This was asked for too often. Please wait 50 minutes and try again." {
		t.Errorf("the fourth: wait %v, %q; want 50 minutes, said so", wait, fault.MessageOf(err))
	}
	if _, err := r.Take(ctx, "reset_to", "sam@example.org"); err != nil {
		t.Errorf("another key: %v, want allowed", err)
	}
	if _, err := r.Take(ctx, "reset_from", "mia@example.org"); err != nil {
		t.Errorf("another kind with the same key: %v, want allowed", err)
	}
	clk.Advance(50 * time.Minute)
	if _, err := r.Take(ctx, "reset_to", "mia@example.org"); err != nil {
		t.Errorf("after the window: %v, want allowed again", err)
	}
}
