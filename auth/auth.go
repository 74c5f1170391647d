// Package auth is how people prove who they are to Chorus: password hashing
// and policy, short-lived signed access tokens, rotating refresh tokens
// grouped in sessions, password-reset tokens and login throttling. It knows
// nothing of HTTP; the server's handlers and middleware call it.
//
// The pieces and how a request uses them:
//
//   - sign in: Throttle.Allow, VerifyPassword (FakeVerify for an unknown
//     e-mail), Throttle.Failed or Throttle.Succeeded, Sessions.Start, then
//     Tokens.Issue for the session;
//   - every request: Tokens.Verify, then Sessions.SessionActive, so that a
//     session that was signed out stops working at once;
//   - refresh: Sessions.Rotate, then Tokens.Issue;
//   - password reset: Resets.Start, the link by mail, Resets.Finish, then
//     HashPassword and Sessions.SignOutEverywhere.
//
// Secrets are never stored in the clear: refresh and reset tokens are kept as
// SHA-256 hashes (they are 256-bit random values, so a fast hash is enough),
// passwords as argon2id hashes.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// tokenBytes is the entropy of opaque tokens (refresh and reset): 256 bits,
// far beyond guessing.
const tokenBytes = 32

// tokenLen is the length of an opaque token as text (unpadded base64url).
var tokenLen = base64.RawURLEncoding.EncodedLen(tokenBytes)

// newOpaqueToken returns a fresh random token and the hash to store.
func newOpaqueToken() (token, hash string) {
	b := make([]byte, tokenBytes)
	rand.Read(b) // never returns an error; it crashes the program if the OS has no randomness
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

// wellFormed reports whether s could be a token made by newOpaqueToken, so
// that garbage is turned away before it reaches the store.
func wellFormed(s string) bool {
	if len(s) != tokenLen {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == tokenBytes
}

// hashToken is the store id of an opaque token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// clock returns now, or time.Now when now is nil.
func clock(now func() time.Time) time.Time {
	if now == nil {
		return time.Now()
	}
	return now()
}
