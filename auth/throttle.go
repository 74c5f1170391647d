package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"chorus/fault"
	"chorus/store"
)

// ThrottleCollection holds failed sign-in counters, one record per account
// and per client address, id = SHA-256 of the key (no e-mail address or IP
// is stored in the clear).
const ThrottleCollection = "auth_throttle"

// Throttle defaults.
const (
	// DefaultAccountLimit is how many failed sign-ins of one account from
	// one client address are allowed without waiting; from then on each
	// failure doubles the wait for that address. The owner, signing in from
	// elsewhere, is not held up by a stranger's guesses.
	DefaultAccountLimit = 5
	// DefaultAbuseLimit is how many failed sign-ins of one account, from
	// all addresses together, prove a spread-out guessing attack: only
	// then does the account itself wait, wherever the owner signs in from.
	DefaultAbuseLimit = 100
	// DefaultAddressLimit is higher than the account limit because a whole
	// school class may sign in from one address, and 13-year-olds mistype.
	DefaultAddressLimit = 20
	// DefaultThrottleWindow: a counter is forgotten this long after its last
	// failure (or the end of its wait).
	DefaultThrottleWindow = 15 * time.Minute
	// DefaultBaseDelay is the first wait; it doubles with every failure.
	DefaultBaseDelay = time.Second
	// DefaultMaxDelay caps the wait: long enough to stop guessing, short
	// enough that an attacker cannot lock a person out for long.
	DefaultMaxDelay = 15 * time.Minute
)

// ThrottledError is the cause inside the fault.RateLimited error that Allow
// returns; the HTTP layer finds it with RetryAfter to set Retry-After.
type ThrottledError struct {
	RetryAfter time.Duration
}

// Error says how long the wait is, for logs.
func (e *ThrottledError) Error() string {
	return fmt.Sprintf("sign-in throttled for %v", e.RetryAfter)
}

// RetryAfter returns how long to wait when err came from Throttle.Allow.
func RetryAfter(err error) (time.Duration, bool) {
	var te *ThrottledError
	if errors.As(err, &te) {
		return te.RetryAfter, true
	}
	return 0, false
}

// Throttle slows down password guessing per source: once AccountLimit
// sign-ins of one account from one client address, or AddressLimit of any
// accounts from one address, have failed within Window, the next attempt
// from that address must wait BaseDelay, and each further failure doubles
// the wait, up to MaxDelay. So a stranger's wrong passwords slow down the
// stranger, never lock the owner out; only AbuseLimit failures of one
// account from everywhere together (a spread-out attack) make the account
// itself wait. The counters live in the store, so every web process sees
// the same ones, and expire on their own. Set the fields before first use.
type Throttle struct {
	docs         store.Documents
	Now          func() time.Time // nil means time.Now
	AccountLimit int
	AbuseLimit   int
	AddressLimit int
	Window       time.Duration
	BaseDelay    time.Duration
	MaxDelay     time.Duration
}

// NewThrottle declares the collection in docs and returns a Throttle with
// the default settings.
func NewThrottle(ctx context.Context, docs store.Documents) (*Throttle, error) {
	if err := docs.Declare(ctx, store.Schema{Collection: ThrottleCollection}); err != nil {
		return nil, fmt.Errorf("auth.NewThrottle: %w", err)
	}
	return &Throttle{
		docs:         docs,
		AccountLimit: DefaultAccountLimit,
		AbuseLimit:   DefaultAbuseLimit,
		AddressLimit: DefaultAddressLimit,
		Window:       DefaultThrottleWindow,
		BaseDelay:    DefaultBaseDelay,
		MaxDelay:     DefaultMaxDelay,
	}, nil
}

// counter is the stored form of one key's failures.
type counter struct {
	Failures    int   `json:"failures"`
	LastFailure int64 `json:"lastFailure"` // unix ms
	LockedUntil int64 `json:"lockedUntil"` // unix ms; 0: not waiting
}

type throttleKey struct {
	id    string
	limit int
}

// keys returns the counters an attempt touches: the account (an e-mail
// address, compared without case) from this client address, the account
// from everywhere, and the client address. An IPv6 address counts as its
// /64, which is what one customer usually gets. The first key is the one a
// success clears.
func (t *Throttle) keys(account, addr string) []throttleKey {
	var keys []throttleKey
	account = strings.ToLower(strings.TrimSpace(account))
	if addr = strings.TrimSpace(addr); addr != "" {
		if ip, err := netip.ParseAddr(addr); err == nil {
			ip = ip.Unmap().WithZone("")
			if ip.Is6() {
				ip = netip.PrefixFrom(ip, 64).Masked().Addr()
			}
			addr = ip.String()
		}
	}
	if account != "" {
		keys = append(keys,
			throttleKey{id: throttleID("account_from", account+"\x00"+addr), limit: t.AccountLimit},
			throttleKey{id: throttleID("account", account), limit: t.AbuseLimit})
	}
	if addr != "" {
		keys = append(keys, throttleKey{id: throttleID("addr", addr), limit: t.AddressLimit})
	}
	return keys
}

func throttleID(kind, value string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + value))
	return kind + "_" + hex.EncodeToString(sum[:16])
}

func (t *Throttle) now() time.Time { return clock(t.Now) }

// Allow reports whether a sign-in for account (the e-mail typed) from addr
// (the client's IP address) may be tried now. When it may not, it returns
// how long to wait and a fault.RateLimited error whose message says so in
// plain words; RetryAfter(err) gives the wait too. Either argument may be
// empty to check only the other.
func (t *Throttle) Allow(ctx context.Context, account, addr string) (time.Duration, error) {
	now := t.now().UnixMilli()
	var wait time.Duration
	for _, k := range t.keys(account, addr) {
		c, _, err := t.get(ctx, k.id)
		if err != nil {
			return 0, fmt.Errorf("auth.Throttle.Allow: %w", err)
		}
		if c != nil && c.LockedUntil > now {
			wait = max(wait, time.Duration(c.LockedUntil-now)*time.Millisecond)
		}
	}
	if wait > 0 {
		return wait, &fault.Error{
			Code:    fault.RateLimited,
			Message: "Too many tries to sign in. Please wait " + humanWait(wait) + " and try again.",
			Err:     &ThrottledError{RetryAfter: wait},
		}
	}
	return 0, nil
}

// Failed records a failed sign-in for account from addr.
func (t *Throttle) Failed(ctx context.Context, account, addr string) error {
	for _, k := range t.keys(account, addr) {
		if err := t.fail(ctx, k); err != nil {
			return fmt.Errorf("auth.Throttle.Failed: %w", err)
		}
	}
	return nil
}

// Succeeded records a successful sign-in: the account's counter for this
// address starts again. The address's counter does not, or one account the
// attacker owns would let them keep guessing others' passwords from the
// same address; nor does the account's from everywhere.
func (t *Throttle) Succeeded(ctx context.Context, account, addr string) error {
	if strings.TrimSpace(account) == "" {
		return nil
	}
	keys := t.keys(account, addr)
	if len(keys) == 0 {
		return nil
	}
	err := t.docs.Delete(ctx, ThrottleCollection, keys[0].id)
	if err != nil && !fault.Is(err, fault.NotFound) {
		return fmt.Errorf("auth.Throttle.Succeeded: %w", err)
	}
	return nil
}

// get returns the live counter with id, or nil.
func (t *Throttle) get(ctx context.Context, id string) (*counter, store.Record, error) {
	rec, err := t.docs.Get(ctx, ThrottleCollection, id)
	if fault.Is(err, fault.NotFound) {
		return nil, rec, nil
	}
	if err != nil {
		return nil, rec, err
	}
	var c counter
	if err := json.Unmarshal(rec.Data, &c); err != nil {
		return nil, rec, fault.Wrap(fault.Internal, err, "auth: a stored sign-in counter is damaged")
	}
	if t.now().UnixMilli() >= t.forgetAt(c).UnixMilli() {
		return nil, rec, nil // the store's clock may lag ours; treat it as gone
	}
	return &c, rec, nil
}

// forgetAt is when a counter no longer counts.
func (t *Throttle) forgetAt(c counter) time.Time {
	return time.UnixMilli(max(c.LastFailure, c.LockedUntil)).Add(t.Window)
}

// throttleAttempts bounds compare-and-set retries of a counter; it is
// higher than casAttempts because a guessing attack sends many failures for
// one address at once, and each conflict means another one was counted.
const throttleAttempts = 64

func (t *Throttle) fail(ctx context.Context, k throttleKey) error {
	for range throttleAttempts {
		now := t.now()
		c, rec, err := t.get(ctx, k.id)
		if err != nil {
			return err
		}
		if c == nil {
			c = &counter{}
		}
		c.Failures++
		c.LastFailure = now.UnixMilli()
		if over := c.Failures - k.limit + 1; over > 0 {
			c.LockedUntil = now.Add(t.delay(over)).UnixMilli()
		}
		rec.ID, rec.Data, rec.ExpiresAt = k.id, mustJSON(c), t.forgetAt(*c)
		if rec.Version == 0 {
			_, err = t.docs.Insert(ctx, ThrottleCollection, rec)
		} else {
			// Also when our clock says the stored counter is over but the
			// store still keeps it: it starts again in place.
			_, err = t.docs.Update(ctx, ThrottleCollection, rec)
		}
		if fault.Is(err, fault.Conflict) || fault.Is(err, fault.NotFound) {
			continue // another attempt raced us; count again on fresh data
		}
		return err
	}
	return fault.Errorf(fault.Unavailable, "auth: too many sign-in attempts at once; please try again")
}

// delay is the wait after the over-th failure counting from the limit.
func (t *Throttle) delay(over int) time.Duration {
	d := t.BaseDelay
	for i := 1; i < over && d < t.MaxDelay; i++ {
		d *= 2
	}
	return min(d, t.MaxDelay)
}

// humanWait says a wait in words, rounded up.
func humanWait(d time.Duration) string {
	if d <= time.Minute {
		s := int((d + time.Second - 1) / time.Second)
		if s <= 1 {
			return "1 second"
		}
		return fmt.Sprintf("%d seconds", s)
	}
	m := int((d + time.Minute - 1) / time.Minute)
	return fmt.Sprintf("%d minutes", m)
}
