// Package pseudonym names people for an audience that must not learn their
// account ids (partners: an id can be linked to a name, issue 14). A
// pseudonym is a keyed hash (HMAC-SHA-256) of the audience and the id: the
// same person has the same pseudonym for one audience, on every process and
// after a restart, and unrelated ones for two audiences; nobody without the
// key can go back to the id. The key is made once and kept in the store.
package pseudonym

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"chorus/fault"
	"chorus/store"
)

// Collection holds the key.
const Collection = "pseudonym_keys"

const keyID = "v1"

// Prefix starts every pseudonym, so nobody mistakes one for an account id.
const Prefix = "anon-"

// Namer makes pseudonyms.
type Namer struct {
	key []byte
}

// New returns a Namer with key (tests).
func New(key []byte) *Namer { return &Namer{key: append([]byte(nil), key...)} }

type keyDoc struct {
	Key string `json:"key"` // base64
}

// Load returns the Namer of this deployment, making its key on first use;
// processes starting together agree on one key (the first insert wins).
func Load(ctx context.Context, docs store.Documents) (*Namer, error) {
	if err := docs.Declare(ctx, store.Schema{Collection: Collection}); err != nil {
		return nil, fmt.Errorf("pseudonym: declare: %w", err)
	}
	d, err := store.GetAs[keyDoc](ctx, docs, Collection, keyID)
	if fault.Is(err, fault.NotFound) {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("pseudonym: key: %w", err)
		}
		err = store.InsertAs(ctx, docs, Collection, keyID, keyDoc{Key: base64.StdEncoding.EncodeToString(b)}, time.Time{})
		if err != nil && !fault.Is(err, fault.Conflict) {
			return nil, fmt.Errorf("pseudonym: keep the key: %w", err)
		}
		d, err = store.GetAs[keyDoc](ctx, docs, Collection, keyID)
	}
	if err != nil {
		return nil, fmt.Errorf("pseudonym: read the key: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(d.Value.Key)
	if err != nil || len(key) < 16 {
		return nil, fault.Errorf(fault.Internal, "pseudonym: the stored key is not readable")
	}
	return New(key), nil
}

// For names accountID for audience. What is not an account id (empty,
// "system", "guardian:...", an existing pseudonym) stays as it is.
func (n *Namer) For(audience, accountID string) string {
	if accountID == "" || accountID == "system" || strings.Contains(accountID, ":") || strings.HasPrefix(accountID, Prefix) {
		return accountID
	}
	m := hmac.New(sha256.New, n.key)
	m.Write([]byte(audience))
	m.Write([]byte{0})
	m.Write([]byte(accountID))
	return Prefix + hex.EncodeToString(m.Sum(nil)[:10])
}
