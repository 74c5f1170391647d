package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"chorus/fault"
	"chorus/store"
)

// ResetCollection holds pending password resets, id = SHA-256 of the token.
const ResetCollection = "auth_resets"

// ResetTokenTTL is how long a password-reset link works.
const ResetTokenTTL = time.Hour

const msgBadReset = "This password reset link does not work any more: it was already used or is too old. Please ask for a new one."

// Resets issues single-use password-reset tokens, stored hashed.
type Resets struct {
	docs store.Documents
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// TTL is how long a token works; 0 means ResetTokenTTL.
	TTL time.Duration
}

type reset struct {
	AccountID string `json:"accountId"`
	ExpiresAt int64  `json:"expiresAt"` // unix ms
}

// NewResets declares the collection in docs and returns Resets.
func NewResets(ctx context.Context, docs store.Documents) (*Resets, error) {
	if err := docs.Declare(ctx, store.Schema{Collection: ResetCollection, Indexes: []store.Index{{Field: "accountId"}}}); err != nil {
		return nil, fmt.Errorf("auth.NewResets: %w", err)
	}
	return &Resets{docs: docs}, nil
}

func (r *Resets) now() time.Time { return clock(r.Now) }

// Start returns a new reset token for the account, to be sent in a link by
// e-mail. Earlier tokens of the account stop working: only the newest mail
// counts.
func (r *Resets) Start(ctx context.Context, accountID string) (string, error) {
	if accountID == "" {
		return "", fault.Errorf(fault.Internal, "auth: a password reset needs an account")
	}
	if err := r.forget(ctx, accountID); err != nil {
		return "", fmt.Errorf("auth.Resets.Start: %w", err)
	}
	expires := r.now().Add(r.ttl())
	token, hash := newOpaqueToken()
	data := mustJSON(reset{AccountID: accountID, ExpiresAt: expires.UnixMilli()})
	if _, err := r.docs.Insert(ctx, ResetCollection, store.Record{ID: hash, ExpiresAt: expires, Data: data}); err != nil {
		return "", fmt.Errorf("auth.Resets.Start: %w", err)
	}
	return token, nil
}

func (r *Resets) ttl() time.Duration {
	if r.TTL > 0 {
		return r.TTL
	}
	return ResetTokenTTL
}

// Finish uses a reset token and returns the account it was made for; the
// caller then stores the new password (after CheckPassword) and calls
// Sessions.SignOutEverywhere. A token works once: a second use, an expired,
// unknown or malformed token is fault.Invalid with a message for the person.
func (r *Resets) Finish(ctx context.Context, token string) (string, error) {
	if !wellFormed(token) {
		return "", fault.Errorf(fault.Invalid, msgBadReset)
	}
	id := hashToken(token)
	rec, err := r.docs.Get(ctx, ResetCollection, id)
	if fault.Is(err, fault.NotFound) {
		return "", fault.Errorf(fault.Invalid, msgBadReset)
	}
	if err != nil {
		return "", fmt.Errorf("auth.Resets.Finish: %w", err)
	}
	var rs reset
	if err := json.Unmarshal(rec.Data, &rs); err != nil {
		return "", fault.Wrap(fault.Internal, err, "auth: a stored password reset is damaged")
	}
	// Deleting is what makes the token single-use: of two racing requests
	// only one deletes the record.
	if err := r.docs.Delete(ctx, ResetCollection, id); fault.Is(err, fault.NotFound) {
		return "", fault.Errorf(fault.Invalid, msgBadReset)
	} else if err != nil {
		return "", fmt.Errorf("auth.Resets.Finish: %w", err)
	}
	if r.now().UnixMilli() >= rs.ExpiresAt {
		return "", fault.Errorf(fault.Invalid, msgBadReset)
	}
	if err := r.forget(ctx, rs.AccountID); err != nil {
		return "", fmt.Errorf("auth.Resets.Finish: %w", err)
	}
	return rs.AccountID, nil
}

// forget deletes every pending reset of the account.
func (r *Resets) forget(ctx context.Context, accountID string) error {
	for {
		page, err := r.docs.Find(ctx, ResetCollection, store.Query{
			Where: []store.Cond{{Field: "accountId", Op: store.Eq, Value: accountID}},
			Limit: store.MaxLimit,
		})
		if err != nil {
			return err
		}
		for _, rec := range page.Records {
			if err := r.docs.Delete(ctx, ResetCollection, rec.ID); err != nil && !fault.Is(err, fault.NotFound) {
				return err
			}
		}
		if page.Next == "" {
			return nil
		}
	}
}
