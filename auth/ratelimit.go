package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"chorus/fault"
	"chorus/store"
)

// Limits on mail that anyone can make Chorus send, per hour.
const (
	MailsPerTarget = 3  // to one person: a reset, a guardian's request
	MailsPerSource = 10 // from one client address or one account
	MailWindow     = time.Hour
)

// RateCollection holds the counters of RateLimit, one record per key and
// window, id = SHA-256 of the key (no address is stored in the clear).
const RateCollection = "auth_rates"

// RateLimit allows at most Limit events per key within each Window (a fixed
// window that starts with the key's first event). Mail that anyone can
// make Chorus send (a password reset, a guardian's request) is limited so,
// per target and per source: nobody can flood a mailbox, or use Chorus to.
// The counters live in the store, so every web process shares them.
type RateLimit struct {
	docs   store.Documents
	Now    func() time.Time // nil means time.Now
	Limit  int
	Window time.Duration
}

// NewRateLimit declares the collection in docs and returns a RateLimit of
// limit events per window.
func NewRateLimit(ctx context.Context, docs store.Documents, limit int, window time.Duration) (*RateLimit, error) {
	if err := docs.Declare(ctx, store.Schema{Collection: RateCollection}); err != nil {
		return nil, fmt.Errorf("auth.NewRateLimit: %w", err)
	}
	return &RateLimit{docs: docs, Limit: limit, Window: window}, nil
}

type rateCounter struct {
	Count int   `json:"count"`
	Since int64 `json:"since"` // unix ms: the start of the window
}

// Take counts one event for key (kind names what is counted, e.g.
// "reset_to"). It returns nil while the key is within its limit, and
// otherwise fault.RateLimited saying how long to wait, with the wait;
// the event is then not counted.
func (r *RateLimit) Take(ctx context.Context, kind, key string) (time.Duration, error) {
	id := throttleID(kind, key)
	for range throttleAttempts {
		now := clock(r.Now)
		rec, err := r.docs.Get(ctx, RateCollection, id)
		var c rateCounter
		switch {
		case fault.Is(err, fault.NotFound):
			rec = store.Record{ID: id}
		case err != nil:
			return 0, fmt.Errorf("auth.RateLimit.Take: %w", err)
		default:
			if err := json.Unmarshal(rec.Data, &c); err != nil {
				return 0, fault.Wrap(fault.Internal, err, "auth: a stored rate counter is damaged")
			}
		}
		end := time.UnixMilli(c.Since).Add(r.Window)
		if c.Count == 0 || !now.Before(end) {
			c = rateCounter{Since: now.UnixMilli()}
			end = now.Add(r.Window)
		}
		if c.Count >= r.Limit {
			wait := end.Sub(now)
			return wait, fault.Errorf(fault.RateLimited, "This was asked for too often. Please wait %d minutes and try again.", int((wait+time.Minute-1)/time.Minute))
		}
		c.Count++
		rec.Data, rec.ExpiresAt = mustJSON(c), end
		if rec.Version == 0 {
			_, err = r.docs.Insert(ctx, RateCollection, rec)
		} else {
			_, err = r.docs.Update(ctx, RateCollection, rec)
		}
		if fault.Is(err, fault.Conflict) || fault.Is(err, fault.NotFound) {
			continue // another event raced us: count again on fresh data
		}
		if err != nil {
			return 0, fmt.Errorf("auth.RateLimit.Take: %w", err)
		}
		return 0, nil
	}
	return 0, fault.Errorf(fault.Unavailable, "auth: too many requests at once; please try again")
}
