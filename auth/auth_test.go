package auth

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"chorus/fault"
	"chorus/store/sqlite"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// mustOpenDB opens the real SQLite adapter in a temporary directory, on the
// same clock as the code under test so that the store's expiry agrees.
func mustOpenDB(tb testing.TB, clk *fakeClock) *sqlite.Store {
	tb.Helper()
	db, err := sqlite.OpenWith(filepath.Join(tb.TempDir(), "db"), sqlite.Options{Now: clk.Now})
	if err != nil {
		tb.Fatalf("sqlite.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// wantCode fails the test unless err carries code.
func wantCode(tb testing.TB, err error, code fault.Code) {
	tb.Helper()
	if got := fault.CodeOf(err); got != code {
		tb.Fatalf("got error %v (code %q), want code %q", err, got, code)
	}
}

func TestOpaqueTokens(t *testing.T) {
	a, ha := newOpaqueToken()
	b, _ := newOpaqueToken()
	if a == b {
		t.Fatal("two tokens are equal")
	}
	if len(a) != 43 || !wellFormed(a) {
		t.Fatalf("token %q: got len %d, well-formed %v; want 43, true", a, len(a), wellFormed(a))
	}
	if ha != hashToken(a) || len(ha) != 64 {
		t.Fatalf("hash %q does not match the token", ha)
	}
	for _, bad := range []string{"", "x", a + "A", a[:42] + "+", a[:42] + "=", "../../../../etc/passwd/../../../../../../../"} {
		if wellFormed(bad) {
			t.Errorf("wellFormed(%q) = true, want false", bad)
		}
	}
}

var ctx = context.Background()
