package auth

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/fault"
)

func newTestThrottle(t *testing.T) (*Throttle, *fakeClock) {
	t.Helper()
	clk := newClock()
	th, err := NewThrottle(ctx, mustOpenDB(t, clk))
	if err != nil {
		t.Fatal(err)
	}
	th.Now = clk.Now
	return th, clk
}

func fail(t *testing.T, th *Throttle, account, addr string, n int) {
	t.Helper()
	for range n {
		if err := th.Failed(ctx, account, addr); err != nil {
			t.Fatal(err)
		}
	}
}

// wait returns Allow's wait, checking that a refusal is a proper error.
func wait(t *testing.T, th *Throttle, account, addr string) time.Duration {
	t.Helper()
	d, err := th.Allow(ctx, account, addr)
	if d == 0 {
		if err != nil {
			t.Fatalf("Allow = 0, %v; want nil error with no wait", err)
		}
		return 0
	}
	wantCode(t, err, fault.RateLimited)
	if ra, ok := RetryAfter(err); !ok || ra != d {
		t.Errorf("RetryAfter(err) = %v, %v; want %v, true", ra, ok, d)
	}
	if msg := fault.MessageOf(err); !strings.HasPrefix(msg, "Too many tries to sign in. Please wait ") {
		t.Errorf("got message %q", msg)
	}
	return d
}

func TestThrottleBackoffGrowsAndResets(t *testing.T) {
	th, clk := newTestThrottle(t)
	const who, addr = "Mia@Example.org", "203.0.113.7"

	fail(t, th, who, addr, DefaultAccountLimit-1)
	if d := wait(t, th, who, addr); d != 0 {
		t.Fatalf("after %d failures: wait %v, want none", DefaultAccountLimit-1, d)
	}
	fail(t, th, who, addr, 1)
	want := time.Second
	for i := range 14 {
		if got := wait(t, th, who, addr); got != want {
			t.Fatalf("step %d: got wait %v, want %v", i, got, want)
		}
		// The account counts without regard to case; the owner signing in
		// from another address is not held up (issue 9).
		if got := wait(t, th, "mia@example.org", addr); got != want {
			t.Fatalf("step %d, other case: got wait %v, want %v", i, got, want)
		}
		if got := wait(t, th, "mia@example.org", "198.51.100.1"); got != 0 {
			t.Fatalf("step %d, the owner elsewhere: got wait %v, want none", i, got)
		}
		clk.Advance(want)
		if got := wait(t, th, who, addr); got != 0 {
			t.Fatalf("step %d: still waiting %v after the wait", i, got)
		}
		fail(t, th, who, addr, 1)
		want = min(2*want, DefaultMaxDelay)
	}
	if want != DefaultMaxDelay {
		t.Fatalf("the wait never reached the cap: %v", want)
	}
	_, err := th.Allow(ctx, who, addr)
	if msg := fault.MessageOf(err); !strings.Contains(msg, "15 minutes") {
		t.Errorf("got message %q, want it to say 15 minutes", msg)
	}

	clk.Advance(DefaultMaxDelay)
	if err := th.Succeeded(ctx, who, addr); err != nil {
		t.Fatal(err)
	}
	fail(t, th, who, addr, DefaultAccountLimit-1)
	if d := wait(t, th, who, addr); d != 0 {
		t.Errorf("after success and %d failures: wait %v, want none", DefaultAccountLimit-1, d)
	}
}

func TestThrottleForgetsAfterWindow(t *testing.T) {
	th, clk := newTestThrottle(t)
	fail(t, th, "a@example.org", "", DefaultAccountLimit)
	if d := wait(t, th, "a@example.org", ""); d != time.Second {
		t.Fatalf("got wait %v, want 1s", d)
	}
	clk.Advance(time.Second + DefaultThrottleWindow)
	fail(t, th, "a@example.org", "", 1)
	if d := wait(t, th, "a@example.org", ""); d != 0 {
		t.Errorf("one failure after the window: wait %v, want none", d)
	}
}

func TestThrottlePerAddressIndependentOfAccount(t *testing.T) {
	th, _ := newTestThrottle(t)
	const school, home = "203.0.113.7", "198.51.100.20"

	// One account's failures do not hold up others at the same address
	// (a whole class may share it).
	fail(t, th, "a@example.org", school, DefaultAccountLimit)
	if d := wait(t, th, "b@example.org", school); d != 0 {
		t.Errorf("another account at the same address: wait %v, want none", d)
	}

	// Many accounts failing from one address hold up that address for
	// everyone, but not other addresses.
	for i := range DefaultAddressLimit - DefaultAccountLimit {
		fail(t, th, string(rune('c'+i%20))+"x@example.org", school, 1)
	}
	if d := wait(t, th, "new@example.org", school); d != time.Second {
		t.Errorf("fresh account at a throttled address: wait %v, want 1s", d)
	}
	if d := wait(t, th, "new@example.org", home); d != 0 {
		t.Errorf("fresh account at another address: wait %v, want none", d)
	}
	// A success does not clear the address: one owned account must not
	// let an attacker keep guessing others.
	if err := th.Succeeded(ctx, "new@example.org", school); err != nil {
		t.Fatal(err)
	}
	if d := wait(t, th, "", school); d != time.Second {
		t.Errorf("address after a success: wait %v, want 1s", d)
	}
}

// A stranger's wrong passwords slow the stranger down and never lock the
// owner out; a guessing attack spread over many addresses does make the
// account wait, wherever it is tried from (issue 9).
func TestStrangersCannotLockTheOwnerOut(t *testing.T) {
	th, _ := newTestThrottle(t)
	const owner, stranger, home = "mia@example.org", "203.0.113.9", "198.51.100.20"
	fail(t, th, owner, stranger, 3*DefaultAccountLimit)
	if d := wait(t, th, owner, stranger); d == 0 {
		t.Error("the stranger may keep guessing without waiting")
	}
	if d := wait(t, th, owner, home); d != 0 {
		t.Errorf("the owner at home after a stranger's %d guesses: wait %v, want none", 3*DefaultAccountLimit, d)
	}
	for i := range DefaultAbuseLimit {
		fail(t, th, owner, fmt.Sprintf("192.0.2.%d", i%250), 1)
	}
	if d := wait(t, th, owner, "198.51.100.77"); d == 0 {
		t.Errorf("after %d failures from many addresses: no wait, want the account to wait", DefaultAbuseLimit)
	}
}

func TestThrottleIPv6CountsPerSlash64(t *testing.T) {
	th, _ := newTestThrottle(t)
	for i := range DefaultAddressLimit {
		fail(t, th, "", "2001:db8:1:2::"+string(rune('a'+i%6)), 1)
	}
	if d := wait(t, th, "", "2001:db8:1:2:ffff::1"); d == 0 {
		t.Error("the same /64 is not throttled")
	}
	if d := wait(t, th, "", "2001:db8:1:3::1"); d != 0 {
		t.Errorf("another /64: wait %v, want none", d)
	}
	if d := wait(t, th, "", "::ffff:203.0.113.9"); d != 0 {
		t.Errorf("IPv4: wait %v, want none", d)
	}
}

func TestHumanWait(t *testing.T) {
	for d, want := range map[time.Duration]string{
		300 * time.Millisecond:  "1 second",
		time.Second:             "1 second",
		1500 * time.Millisecond: "2 seconds",
		time.Minute:             "60 seconds",
		61 * time.Second:        "2 minutes",
		15 * time.Minute:        "15 minutes",
	} {
		if got := humanWait(d); got != want {
			t.Errorf("humanWait(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestThrottleCountsConcurrentFailures(t *testing.T) {
	th, _ := newTestThrottle(t)
	th.AccountLimit = 10
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if err := th.Failed(ctx, "a@example.org", ""); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// All ten were counted: the tenth failure starts the wait.
	if d := wait(t, th, "a@example.org", ""); d != time.Second {
		t.Errorf("after 10 concurrent failures: wait %v, want 1s", d)
	}
}
