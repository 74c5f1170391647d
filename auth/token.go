package auth

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"chorus/fault"
)

// Access token settings.
const (
	// AccessTokenTTL is how long an access token works. Short, because a
	// stolen one cannot be called back without a store look-up; sessions
	// that are signed out are caught by Sessions.SessionActive.
	AccessTokenTTL = 15 * time.Minute
	// DefaultLeeway is the clock skew tolerated between web processes.
	DefaultLeeway = 5 * time.Second
	// accessTokenType is the JWT "typ" header (RFC 9068), so that no other
	// JWT signed with the same key passes as an access token.
	accessTokenType = "at+jwt"
	// maxTokenLen turns away absurd input before any parsing.
	maxTokenLen = 4096
)

// msgBadToken is what a person is told about any access token that does not
// work: the reason is for logs only.
const msgBadToken = "Your sign-in is not valid any more. Please sign in again."

// Claims are what an access token says.
type Claims struct {
	AccountID string    // "sub"
	SessionID string    // "sid": the refresh-token family, see Sessions
	TokenID   string    // "jti"
	IssuedAt  time.Time // "iat" (also "nbf")
	ExpiresAt time.Time // "exp"
}

// jwtClaims is the JSON form of Claims.
type jwtClaims struct {
	jwt.RegisteredClaims
	SessionID string `json:"sid"`
}

// Tokens issues and verifies access tokens: JWTs signed with EdDSA
// (Ed25519) by the newest key of Keys, for AccessTokenTTL.
type Tokens struct {
	Keys     *KeySet
	Issuer   string           // "iss", e.g. the public URL
	Audience string           // "aud", e.g. "chorus-api"
	Leeway   time.Duration    // clock skew tolerated on verify; 0 means DefaultLeeway
	Now      func() time.Time // nil means time.Now

	// Tokens whose signature was checked, so that a client sending the
	// same token with every request (every keystroke, when co-editing)
	// pays for one signature check per token rather than per request. A
	// signature stays good (keys are never withdrawn before the tokens
	// they signed expire); the expiry is checked on every use.
	mu       sync.Mutex
	verified map[string]Claims
}

// maxVerified bounds the tokens remembered; past it they are forgotten.
const maxVerified = 10_000

// NewTokens returns Tokens that sign with keys for issuer and audience.
func NewTokens(keys *KeySet, issuer, audience string) *Tokens {
	return &Tokens{Keys: keys, Issuer: issuer, Audience: audience}
}

func (t *Tokens) now() time.Time { return clock(t.Now) }

// Issue returns a signed access token for the account in the session, and
// its claims.
func (t *Tokens) Issue(accountID, sessionID string) (string, Claims, error) {
	if accountID == "" || sessionID == "" || t.Issuer == "" || t.Audience == "" {
		return "", Claims{}, fault.Errorf(fault.Internal, "auth: an access token needs an account, a session, an issuer and an audience")
	}
	now := t.now().UTC().Truncate(time.Second) // JWT times are whole seconds
	jti := make([]byte, 16)
	rand.Read(jti) // never returns an error
	c := Claims{
		AccountID: accountID,
		SessionID: sessionID,
		TokenID:   base64.RawURLEncoding.EncodeToString(jti),
		IssuedAt:  now,
		ExpiresAt: now.Add(AccessTokenTTL),
	}
	key := t.Keys.signer()
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwtClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    t.Issuer,
			Subject:   c.AccountID,
			Audience:  jwt.ClaimStrings{t.Audience},
			ExpiresAt: jwt.NewNumericDate(c.ExpiresAt),
			NotBefore: jwt.NewNumericDate(c.IssuedAt),
			IssuedAt:  jwt.NewNumericDate(c.IssuedAt),
			ID:        c.TokenID,
		},
		SessionID: c.SessionID,
	})
	tok.Header["kid"] = key.id
	tok.Header["typ"] = accessTokenType
	signed, err := tok.SignedString(key.private)
	if err != nil {
		return "", Claims{}, fault.Wrap(fault.Internal, err, "auth: cannot sign the access token")
	}
	return signed, c, nil
}

// Verify checks an access token and returns its claims. Only EdDSA is
// accepted ("none", HS256 and the rest are refused whatever the header
// says), the key is chosen by "kid" among Keys (no kid, or an unknown or
// dropped one, is refused), and the issuer, audience, type, expiry and
// not-before are checked. Every failure is fault.Unauthorized with the same
// message; the cause is wrapped for logs. Verify does not know about signed
// out sessions: call Sessions.SessionActive with Claims.SessionID too.
func (t *Tokens) Verify(token string) (Claims, error) {
	t.mu.Lock()
	c, ok := t.verified[token]
	t.mu.Unlock()
	if ok && t.now().Before(c.ExpiresAt.Add(t.leeway())) {
		return c, nil
	}
	c, err := t.verify(token)
	if err != nil {
		return Claims{}, fault.Wrap(fault.Unauthorized, err, msgBadToken)
	}
	t.mu.Lock()
	if t.verified == nil || len(t.verified) >= maxVerified {
		t.verified = map[string]Claims{}
	}
	// The key is copied: callers may pass a string whose bytes are reused
	// once their request is over (fasthttp's zero-copy cookie values).
	t.verified[strings.Clone(token)] = c
	t.mu.Unlock()
	return c, nil
}

func (t *Tokens) leeway() time.Duration {
	if t.Leeway == 0 {
		return DefaultLeeway
	}
	return t.Leeway
}

func (t *Tokens) verify(token string) (Claims, error) {
	if t.Issuer == "" || t.Audience == "" {
		return Claims{}, errors.New("auth: Tokens needs an issuer and an audience")
	}
	if token == "" {
		return Claims{}, errors.New("no token")
	}
	if len(token) > maxTokenLen {
		return Claims{}, errors.New("token too long")
	}
	leeway := t.leeway()
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithIssuer(t.Issuer),
		jwt.WithAudience(t.Audience),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(t.now),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithStrictDecoding(),
	)
	var claims jwtClaims
	_, err := parser.ParseWithClaims(token, &claims, func(tok *jwt.Token) (any, error) {
		// WithValidMethods already pins the algorithm; checking the type
		// too keeps this safe if that option is ever dropped.
		if _, ok := tok.Method.(*jwt.SigningMethodEd25519); !ok {
			return nil, fmt.Errorf("unexpected signing method %v", tok.Header["alg"])
		}
		if typ, _ := tok.Header["typ"].(string); typ != accessTokenType {
			return nil, fmt.Errorf("unexpected token type %q", typ)
		}
		kid, _ := tok.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("no key id")
		}
		pub, ok := t.Keys.publicKey(kid)
		if !ok {
			return nil, fmt.Errorf("unknown key id %q", kid)
		}
		return pub, nil
	})
	if err != nil {
		return Claims{}, err
	}
	if claims.Subject == "" || claims.SessionID == "" || claims.ID == "" || claims.IssuedAt == nil {
		return Claims{}, errors.New("missing sub, sid, jti or iat")
	}
	return Claims{
		AccountID: claims.Subject,
		SessionID: claims.SessionID,
		TokenID:   claims.ID,
		IssuedAt:  claims.IssuedAt.UTC(),
		ExpiresAt: claims.ExpiresAt.UTC(),
	}, nil
}
