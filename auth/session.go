package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"chorus/fault"
	"chorus/store"
)

// Collections of the sessions.
const (
	// SessionCollection holds one record per session (refresh-token
	// family), id = session id.
	SessionCollection = "auth_sessions"
	// RefreshCollection holds one record per refresh token ever issued,
	// id = SHA-256 of the token, until the token would have expired.
	RefreshCollection = "auth_refresh"
)

// RefreshTokenTTL is how long a refresh token works if it is not used. Each
// use gives a new one, so a device that is used at least once a month stays
// signed in.
const RefreshTokenTTL = 30 * 24 * time.Hour

// Messages about sessions, for people.
const (
	msgSessionEnded = "Your session has ended. Please sign in again."
	msgReused       = "This sign-in was used twice, so to keep your account safe we signed you out on all your devices. Please sign in again."
)

// Session is one signed-in device: a family of refresh tokens, each used
// once to get the next. Its ID is the "sid" of the access tokens issued for
// it.
type Session struct {
	ID               string
	AccountID        string
	RefreshToken     string    // give it to the client; it is stored only as a hash
	RefreshExpiresAt time.Time // when RefreshToken stops working unless used
}

// Sessions keeps refresh tokens in a store. Refresh tokens are opaque
// random strings, stored hashed, and rotated on every use: presenting one
// that was already used means it was copied, so the whole family and every
// other session of the account are revoked.
type Sessions struct {
	docs store.Documents
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// TTL is how long a refresh token works; 0 means RefreshTokenTTL.
	TTL time.Duration
}

// NewSessions declares the collections in docs and returns Sessions.
func NewSessions(ctx context.Context, docs store.Documents) (*Sessions, error) {
	for _, sc := range []store.Schema{
		{Collection: SessionCollection, Indexes: []store.Index{{Field: "accountId"}, {Field: "revoked"}}},
		{Collection: RefreshCollection, Indexes: []store.Index{{Field: "familyId"}}},
	} {
		if err := docs.Declare(ctx, sc); err != nil {
			return nil, fmt.Errorf("auth.NewSessions: %w", err)
		}
	}
	return &Sessions{docs: docs}, nil
}

// family is the stored form of a session.
type family struct {
	AccountID  string `json:"accountId"`
	CreatedAt  int64  `json:"createdAt"` // unix ms
	LastUsedAt int64  `json:"lastUsedAt"`
	ExpiresAt  int64  `json:"expiresAt"`
	Revoked    bool   `json:"revoked"`
	RevokedAt  int64  `json:"revokedAt,omitempty"`
	Reason     string `json:"reason,omitempty"` // "sign_out", "everywhere", "reuse"
}

// refresh is the stored form of a refresh token.
type refresh struct {
	FamilyID  string `json:"familyId"`
	AccountID string `json:"accountId"`
	ExpiresAt int64  `json:"expiresAt"` // unix ms
	Used      bool   `json:"used"`
	UsedAt    int64  `json:"usedAt,omitempty"`
}

func (s *Sessions) now() time.Time { return clock(s.Now) }

func (s *Sessions) ttl() time.Duration {
	if s.TTL > 0 {
		return s.TTL
	}
	return RefreshTokenTTL
}

func newID() string {
	b := make([]byte, 16)
	rand.Read(b) // never returns an error
	return base64.RawURLEncoding.EncodeToString(b)
}

// Start begins a new session for an account that has just signed in and
// returns it with its first refresh token.
func (s *Sessions) Start(ctx context.Context, accountID string) (Session, error) {
	if accountID == "" {
		return Session{}, fault.Errorf(fault.Internal, "auth: a session needs an account")
	}
	now := s.now()
	expires := now.Add(s.ttl())
	id := newID()
	f := family{AccountID: accountID, CreatedAt: now.UnixMilli(), LastUsedAt: now.UnixMilli(), ExpiresAt: expires.UnixMilli()}
	if _, err := s.docs.Insert(ctx, SessionCollection, store.Record{ID: id, ExpiresAt: expires, Data: mustJSON(f)}); err != nil {
		return Session{}, fmt.Errorf("auth.Start: %w", err)
	}
	token, err := s.issue(ctx, id, accountID, expires)
	if err != nil {
		return Session{}, fmt.Errorf("auth.Start: %w", err)
	}
	return Session{ID: id, AccountID: accountID, RefreshToken: token, RefreshExpiresAt: expires}, nil
}

func (s *Sessions) issue(ctx context.Context, familyID, accountID string, expires time.Time) (string, error) {
	token, hash := newOpaqueToken()
	r := refresh{FamilyID: familyID, AccountID: accountID, ExpiresAt: expires.UnixMilli()}
	if _, err := s.docs.Insert(ctx, RefreshCollection, store.Record{ID: hash, ExpiresAt: expires, Data: mustJSON(r)}); err != nil {
		return "", err
	}
	return token, nil
}

// Rotate uses a refresh token: it marks it used and returns the session
// with a new refresh token. An unknown, expired or signed-out token is
// fault.Unauthorized. A token that was already used (a replay: someone
// kept a copy) is fault.Unauthorized too, and first revokes its session and
// every other session of the account, which signs the person out
// everywhere; the thief's copy and the person's own device both stop
// working. Two refreshes racing with the same token count as reuse, so
// clients must not refresh in parallel.
func (s *Sessions) Rotate(ctx context.Context, token string) (Session, error) {
	if !wellFormed(token) {
		return Session{}, fault.Errorf(fault.Unauthorized, msgSessionEnded)
	}
	now := s.now()
	rec, err := s.docs.Get(ctx, RefreshCollection, hashToken(token))
	if fault.Is(err, fault.NotFound) {
		return Session{}, fault.Errorf(fault.Unauthorized, msgSessionEnded)
	}
	if err != nil {
		return Session{}, fmt.Errorf("auth.Rotate: %w", err)
	}
	var r refresh
	if err := json.Unmarshal(rec.Data, &r); err != nil {
		return Session{}, fault.Wrap(fault.Internal, err, "auth: a stored refresh token is damaged")
	}
	if now.UnixMilli() >= r.ExpiresAt {
		return Session{}, fault.Errorf(fault.Unauthorized, msgSessionEnded)
	}
	fam, _, err := s.family(ctx, r.FamilyID)
	if err != nil {
		return Session{}, fmt.Errorf("auth.Rotate: %w", err)
	}
	if fam == nil || fam.Revoked || now.UnixMilli() >= fam.ExpiresAt {
		// A used token of a session that has already ended signs nobody
		// out: otherwise an old stolen token could do so again and again.
		return Session{}, fault.Errorf(fault.Unauthorized, msgSessionEnded)
	}
	if r.Used {
		return Session{}, s.reused(ctx, r)
	}
	r.Used, r.UsedAt = true, now.UnixMilli()
	rec.Data = mustJSON(r)
	if _, err := s.docs.Update(ctx, RefreshCollection, rec); err != nil {
		if fault.Is(err, fault.Conflict) || fault.Is(err, fault.NotFound) {
			return Session{}, s.reused(ctx, r) // someone used it at the same moment
		}
		return Session{}, fmt.Errorf("auth.Rotate: %w", err)
	}

	expires := now.Add(s.ttl())
	if err := s.extend(ctx, r.FamilyID, now, expires); err != nil {
		return Session{}, fmt.Errorf("auth.Rotate: %w", err)
	}
	next, err := s.issue(ctx, r.FamilyID, r.AccountID, expires)
	if err != nil {
		return Session{}, fmt.Errorf("auth.Rotate: %w", err)
	}
	return Session{ID: r.FamilyID, AccountID: r.AccountID, RefreshToken: next, RefreshExpiresAt: expires}, nil
}

// reused handles a replayed refresh token: everything of the account is
// revoked and the event recorded for the audit trail, in one transaction.
func (s *Sessions) reused(ctx context.Context, r refresh) error {
	err := s.docs.InTransaction(ctx, func(ctx context.Context) error {
		if err := s.revokeAll(ctx, r.AccountID, "reuse"); err != nil {
			return err
		}
		_, err := s.docs.AppendEvent(ctx, store.Event{
			Actor: "system", Type: "auth.refresh_reused", Subject: "account:" + r.AccountID,
			Data: mustJSON(map[string]string{"sessionId": r.FamilyID}),
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("auth.Rotate: %w", err)
	}
	return fault.Errorf(fault.Unauthorized, msgReused)
}

// family returns the stored session with id, or nil if it does not exist
// (or has expired).
func (s *Sessions) family(ctx context.Context, id string) (*family, store.Record, error) {
	rec, err := s.docs.Get(ctx, SessionCollection, id)
	if fault.Is(err, fault.NotFound) {
		return nil, rec, nil
	}
	if err != nil {
		return nil, rec, err
	}
	var f family
	if err := json.Unmarshal(rec.Data, &f); err != nil {
		return nil, rec, fault.Wrap(fault.Internal, err, "auth: a stored session is damaged")
	}
	return &f, rec, nil
}

// casAttempts bounds compare-and-set retries: conflicts come only from
// requests of the same person racing, so a few tries always suffice.
const casAttempts = 8

// updateFamily applies change to the session with id, retrying on
// concurrent updates. A missing session is left alone. change returns false
// to leave the record as it is.
func (s *Sessions) updateFamily(ctx context.Context, id string, change func(*family, *store.Record) bool) error {
	for range casAttempts {
		f, rec, err := s.family(ctx, id)
		if err != nil || f == nil {
			return err
		}
		if !change(f, &rec) {
			return nil
		}
		rec.Data = mustJSON(f)
		_, err = s.docs.Update(ctx, SessionCollection, rec)
		if fault.Is(err, fault.Conflict) {
			continue
		}
		if fault.Is(err, fault.NotFound) {
			return nil
		}
		return err
	}
	return fault.Errorf(fault.Unavailable, "auth: too many concurrent changes to a session; please try again")
}

// extend records a use of the session and moves its expiry to the new
// refresh token's. A session revoked meanwhile is an Unauthorized error.
func (s *Sessions) extend(ctx context.Context, id string, now, expires time.Time) error {
	var revoked bool
	err := s.updateFamily(ctx, id, func(f *family, rec *store.Record) bool {
		if f.Revoked {
			revoked = true
			return false
		}
		f.LastUsedAt, f.ExpiresAt = now.UnixMilli(), expires.UnixMilli()
		rec.ExpiresAt = expires
		return true
	})
	if err == nil && revoked {
		return fault.Errorf(fault.Unauthorized, msgSessionEnded)
	}
	return err
}

// revoke marks the session revoked. The record stays until it would have
// expired, so SessionActive keeps answering no and the audit can see why.
func (s *Sessions) revoke(ctx context.Context, id, reason string) error {
	now := s.now().UnixMilli()
	return s.updateFamily(ctx, id, func(f *family, _ *store.Record) bool {
		if f.Revoked {
			return false
		}
		f.Revoked, f.RevokedAt, f.Reason = true, now, reason
		return true
	})
}

// revokeAll revokes every active session of the account.
func (s *Sessions) revokeAll(ctx context.Context, accountID, reason string) error {
	q := store.Query{
		Where: []store.Cond{{Field: "accountId", Op: store.Eq, Value: accountID}, {Field: "revoked", Op: store.Eq, Value: false}},
		Limit: store.MaxLimit,
	}
	for {
		page, err := s.docs.Find(ctx, SessionCollection, q)
		if err != nil {
			return err
		}
		for _, rec := range page.Records {
			if err := s.revoke(ctx, rec.ID, reason); err != nil {
				return err
			}
		}
		if page.Next == "" {
			return nil
		}
		q.After = page.Next
	}
}

// SignOut ends one session (the "sid" of the caller's access token): its
// refresh token stops working and SessionActive refuses its access tokens
// from now on. Ending a session that has already ended, or never existed,
// is not an error, so signing out twice is harmless.
func (s *Sessions) SignOut(ctx context.Context, sessionID string) error {
	if err := s.revoke(ctx, sessionID, "sign_out"); err != nil {
		return fmt.Errorf("auth.SignOut: %w", err)
	}
	return nil
}

// SignOutEverywhere ends every session of the account, e.g. from "sign out
// of all devices" or after a password reset, and records an event.
func (s *Sessions) SignOutEverywhere(ctx context.Context, accountID string) error {
	err := s.docs.InTransaction(ctx, func(ctx context.Context) error {
		if err := s.revokeAll(ctx, accountID, "everywhere"); err != nil {
			return err
		}
		_, err := s.docs.AppendEvent(ctx, store.Event{
			Actor: accountID, Type: "auth.signed_out_everywhere", Subject: "account:" + accountID,
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("auth.SignOutEverywhere: %w", err)
	}
	return nil
}

// SessionActive returns nil when the session is active and
// fault.Unauthorized when it was signed out, revoked, has expired or never
// existed. The authentication middleware calls it on every request after
// Tokens.Verify, so that signing out takes effect at once rather than when
// the access token expires.
func (s *Sessions) SessionActive(ctx context.Context, sessionID string) error {
	if sessionID == "" {
		return fault.Errorf(fault.Unauthorized, msgSessionEnded)
	}
	f, _, err := s.family(ctx, sessionID)
	if err != nil {
		return fmt.Errorf("auth.SessionActive: %w", err)
	}
	if f == nil || f.Revoked || s.now().UnixMilli() >= f.ExpiresAt {
		return fault.Errorf(fault.Unauthorized, msgSessionEnded)
	}
	return nil
}

// mustJSON encodes values this package defines, which cannot fail.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
