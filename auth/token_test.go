package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/golang-jwt/jwt/v5"

	"chorus/fault"
)

const (
	testIssuer   = "https://chorus.example"
	testAudience = "chorus-api"
)

func testSeed(b byte) string {
	return base64.StdEncoding.EncodeToString(append(make([]byte, 31), b))
}

// newTestTokens returns Tokens on a key file in a temporary directory.
func newTestTokens(t *testing.T, clk *fakeClock) *Tokens {
	t.Helper()
	ks, err := LoadOrCreateKeys(filepath.Join(t.TempDir(), "keys", "jwt.json"))
	if err != nil {
		t.Fatal(err)
	}
	ks.Now = clk.Now
	tok := NewTokens(ks, testIssuer, testAudience)
	tok.Now = clk.Now
	return tok
}

// forge signs claims with method and key, with the given header fields.
func forge(t *testing.T, method jwt.SigningMethod, key any, header map[string]any, claims jwt.Claims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("forge: %v", err)
	}
	return s
}

// goodClaims are claims Verify would accept, at the clock's time.
func goodClaims(clk *fakeClock) jwtClaims {
	now := clk.Now()
	return jwtClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: testIssuer, Subject: "acc1", Audience: jwt.ClaimStrings{testAudience},
			ExpiresAt: jwt.NewNumericDate(now.Add(AccessTokenTTL)), NotBefore: jwt.NewNumericDate(now),
			IssuedAt: jwt.NewNumericDate(now), ID: "jti1",
		},
		SessionID: "sid1",
	}
}

func TestAccessTokenValid(t *testing.T) {
	clk := newClock()
	tokens := newTestTokens(t, clk)
	s, issued, err := tokens.Issue("acc1", "sid1")
	if err != nil {
		t.Fatal(err)
	}
	got, err := tokens.Verify(s)
	if err != nil {
		t.Fatalf("Verify(fresh token): %v", err)
	}
	if got != issued || got.AccountID != "acc1" || got.SessionID != "sid1" || got.TokenID == "" {
		t.Fatalf("got claims %+v, want %+v", got, issued)
	}
	if d := got.ExpiresAt.Sub(got.IssuedAt); d != 15*time.Minute {
		t.Errorf("got lifetime %v, want 15m", d)
	}
	// The header names the key and the type, and the payload carries the
	// registered claims by their standard names.
	parts := strings.Split(s, ".")
	var header, payload map[string]any
	decodeSegment(t, parts[0], &header)
	decodeSegment(t, parts[1], &payload)
	if header["alg"] != "EdDSA" || header["kid"] != tokens.Keys.SigningKeyID() || header["typ"] != "at+jwt" {
		t.Errorf("got header %v", header)
	}
	for _, k := range []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "sid"} {
		if _, ok := payload[k]; !ok {
			t.Errorf("payload has no %q: %v", k, payload)
		}
	}
	// 14 minutes later it still works; a small skew is forgiven.
	clk.Advance(15*time.Minute + DefaultLeeway - time.Second)
	if _, err := tokens.Verify(s); err != nil {
		t.Errorf("Verify within leeway: %v", err)
	}
	// A token verified before (and remembered) still expires on time.
	clk.Advance(2 * time.Second)
	if _, err := tokens.Verify(s); fault.CodeOf(err) != fault.Unauthorized {
		t.Errorf("Verify after expiry of a token verified before: got %v, want unauthorized", err)
	}
	// Remembering verified tokens is no way round the signature: a token
	// differing in one character of its signature is refused.
	fresh, _, err := tokens.Issue("acc1", "sid1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.Verify(fresh); err != nil {
		t.Fatal(err)
	}
	flip := map[byte]byte{'A': 'B'}
	tampered := []byte(fresh)
	last := len(tampered) - 2
	if b, ok := flip[tampered[last]]; ok {
		tampered[last] = b
	} else {
		tampered[last] = 'A'
	}
	if _, err := tokens.Verify(string(tampered)); fault.CodeOf(err) != fault.Unauthorized {
		t.Errorf("Verify(tampered signature after the genuine one was verified): got %v, want unauthorized", err)
	}
}

func decodeSegment(t *testing.T, seg string, v any) {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}

func TestAccessTokenRefused(t *testing.T) {
	clk := newClock()
	tokens := newTestTokens(t, clk)
	key := tokens.Keys.signer()
	kid := key.id
	pub := key.private.Public().(ed25519.PublicKey)
	good, _, err := tokens.Issue("acc1", "sid1")
	if err != nil {
		t.Fatal(err)
	}
	header := map[string]any{"kid": kid, "typ": "at+jwt"}
	_, stranger, _ := ed25519.GenerateKey(rand.Reader)

	with := func(change func(*jwtClaims)) jwtClaims {
		c := goodClaims(clk)
		change(&c)
		return c
	}
	// The forging helper itself works: a well-made token passes.
	if _, err := tokens.Verify(forge(t, jwt.SigningMethodEdDSA, key.private, header, goodClaims(clk))); err != nil {
		t.Fatalf("control token refused: %v", err)
	}

	parts := strings.Split(good, ".")
	sig := []byte(parts[2])
	if sig[3] == 'A' { // another base64url letter: well-formed, wrong
		sig[3] = 'B'
	} else {
		sig[3] = 'A'
	}
	tamperedSig := parts[0] + "." + parts[1] + "." + string(sig)
	var payload map[string]any
	decodeSegment(t, parts[1], &payload)
	payload["sub"] = "admin"
	raw, _ := json.Marshal(payload)
	tamperedPayload := parts[0] + "." + base64.RawURLEncoding.EncodeToString(raw) + "." + parts[2]

	tests := map[string]string{
		"empty":            "",
		"garbage":          "not.a.jwt",
		"too long":         strings.Repeat("a", 5000),
		"tampered sig":     tamperedSig,
		"tampered payload": tamperedPayload,
		"alg none": forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType,
			header, goodClaims(clk)),
		"alg none unsigned, no kid": forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType,
			nil, goodClaims(clk)),
		// Algorithm confusion: HMAC keyed with the public key, which an
		// attacker knows; a verifier that let the header pick the algorithm
		// would feed the public key to HMAC and accept it.
		"HS256 with public key":        forge(t, jwt.SigningMethodHS256, []byte(pub), header, goodClaims(clk)),
		"HS256 with public key base64": forge(t, jwt.SigningMethodHS256, []byte(base64.StdEncoding.EncodeToString(pub)), header, goodClaims(clk)),
		"no kid":                       forge(t, jwt.SigningMethodEdDSA, key.private, map[string]any{"typ": "at+jwt"}, goodClaims(clk)),
		"unknown kid":                  forge(t, jwt.SigningMethodEdDSA, key.private, map[string]any{"kid": "nope", "typ": "at+jwt"}, goodClaims(clk)),
		"other key, our kid":           forge(t, jwt.SigningMethodEdDSA, stranger, header, goodClaims(clk)),
		"wrong typ":                    forge(t, jwt.SigningMethodEdDSA, key.private, map[string]any{"kid": kid, "typ": "JWT"}, goodClaims(clk)),
		"wrong audience": forge(t, jwt.SigningMethodEdDSA, key.private, header,
			with(func(c *jwtClaims) { c.Audience = jwt.ClaimStrings{"chorus-guardian"} })),
		"no audience": forge(t, jwt.SigningMethodEdDSA, key.private, header,
			with(func(c *jwtClaims) { c.Audience = nil })),
		"wrong issuer": forge(t, jwt.SigningMethodEdDSA, key.private, header,
			with(func(c *jwtClaims) { c.Issuer = "https://evil.example" })),
		"no exp": forge(t, jwt.SigningMethodEdDSA, key.private, header,
			with(func(c *jwtClaims) { c.ExpiresAt = nil })),
		"not yet valid": forge(t, jwt.SigningMethodEdDSA, key.private, header,
			with(func(c *jwtClaims) { c.NotBefore = jwt.NewNumericDate(clk.Now().Add(time.Minute)) })),
		"issued in the future": forge(t, jwt.SigningMethodEdDSA, key.private, header,
			with(func(c *jwtClaims) { c.IssuedAt = jwt.NewNumericDate(clk.Now().Add(time.Minute)) })),
		"no sid": forge(t, jwt.SigningMethodEdDSA, key.private, header,
			with(func(c *jwtClaims) { c.SessionID = "" })),
		"no sub": forge(t, jwt.SigningMethodEdDSA, key.private, header,
			with(func(c *jwtClaims) { c.Subject = "" })),
	}
	causes := map[string]string{
		"alg none":                     "signing method none is invalid",
		"HS256 with public key":        "signing method HS256 is invalid",
		"HS256 with public key base64": "signing method HS256 is invalid",
		"no kid":                       "no key id",
		"unknown kid":                  "unknown key id",
		"other key, our kid":           "verification error",
		"tampered sig":                 "verification error",
		"tampered payload":             "verification error",
		"wrong audience":               "invalid audience",
		"wrong issuer":                 "invalid issuer",
	}
	for name, tok := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := tokens.Verify(tok)
			wantCode(t, err, fault.Unauthorized)
			if want, ok := causes[name]; ok && !strings.Contains(err.Error(), want) {
				t.Errorf("got cause %v, want it to mention %q", err, want)
			}
			if got := fault.MessageOf(err); got != msgBadToken {
				t.Errorf("got message %q, want %q", got, msgBadToken)
			}
		})
	}

	// The confusion tokens are real attacks: a verifier that let the header
	// choose the algorithm would accept them.
	naive := func(tok *jwt.Token) (any, error) {
		if _, ok := tok.Method.(*jwt.SigningMethodHMAC); ok {
			return []byte(pub), nil
		}
		return jwt.UnsafeAllowNoneSignatureType, nil
	}
	for _, name := range []string{"HS256 with public key", "alg none"} {
		if _, err := jwt.Parse(tests[name], naive, jwt.WithTimeFunc(clk.Now)); err != nil {
			t.Errorf("%s: a naive verifier refuses it too (%v), so the test proves nothing", name, err)
		}
	}

	t.Run("expired", func(t *testing.T) {
		clk.Advance(16 * time.Minute)
		_, err := tokens.Verify(good)
		wantCode(t, err, fault.Unauthorized)
	})
}

func TestKeyRotation(t *testing.T) {
	clk := newClock()
	tokens := newTestTokens(t, clk)
	oldKid := tokens.Keys.SigningKeyID()
	before, _, _ := tokens.Issue("acc1", "sid1")

	if err := tokens.Keys.Rotate(); err != nil {
		t.Fatal(err)
	}
	newKid := tokens.Keys.SigningKeyID()
	if newKid == oldKid {
		t.Fatal("Rotate kept the same signing key")
	}
	after, _, _ := tokens.Issue("acc1", "sid1")
	var h map[string]any
	decodeSegment(t, strings.Split(after, ".")[0], &h)
	if h["kid"] != newKid {
		t.Errorf("new token signed by %v, want %v", h["kid"], newKid)
	}
	if _, err := tokens.Verify(before); err != nil {
		t.Errorf("token of the old key after Rotate: %v", err)
	}

	// Another process that reloads the file verifies both and signs with the new key.
	other, err := LoadOrCreateKeys(tokens.Keys.path)
	if err != nil {
		t.Fatal(err)
	}
	other.Now = clk.Now
	if other.SigningKeyID() != newKid {
		t.Errorf("reloaded signing key %q, want %q", other.SigningKeyID(), newKid)
	}
	if _, ok := other.publicKey(oldKid); !ok {
		t.Error("reloaded set lost the old key")
	}

	// Once its tokens have all expired, the old key stops verifying and a
	// later rotation drops it from the file.
	clk.Advance(AccessTokenTTL + DefaultLeeway)
	if _, ok := tokens.Keys.publicKey(oldKid); ok {
		t.Error("old key still verifies after its tokens expired")
	}
	if err := tokens.Keys.Rotate(); err != nil {
		t.Fatal(err)
	}
	if err := other.Reload(); err != nil {
		t.Fatal(err)
	}
	if n := len(other.keys); n != 2 {
		t.Errorf("after the second rotation the file holds %d keys, want 2", n)
	}
	if _, ok := other.publicKey(newKid); !ok {
		t.Error("the previous key must still verify right after a rotation")
	}
}

func TestKeyFileCreatedPrivateAndReloaded(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "secrets")
	path := filepath.Join(dir, "jwt-keys.json")
	ks, err := LoadOrCreateKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o600 {
		t.Errorf("key file mode %v, want 0600", got)
	}
	if info, _ := os.Stat(dir); info.Mode().Perm() != 0o700 {
		t.Errorf("key directory mode %v, want 0700", info.Mode().Perm())
	}
	again, err := LoadOrCreateKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	if again.SigningKeyID() != ks.SigningKeyID() {
		t.Errorf("reloaded kid %q, want %q", again.SigningKeyID(), ks.SigningKeyID())
	}
	issuer := NewTokens(ks, testIssuer, testAudience)
	verifier := NewTokens(again, testIssuer, testAudience)
	tok, _, _ := issuer.Issue("acc1", "sid1")
	if _, err := verifier.Verify(tok); err != nil {
		t.Errorf("token from the first process refused by the second: %v", err)
	}

	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadOrCreateKeys(path)
	wantCode(t, err, fault.Invalid)

	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = LoadOrCreateKeys(path)
	wantCode(t, err, fault.Invalid)
}

func TestKeysFromConfig(t *testing.T) {
	clk := newClock()
	oldSeed, newSeed := testSeed(1), testSeed(2)
	before, err := NewKeySetFromSeeds(oldSeed)
	if err != nil {
		t.Fatal(err)
	}
	after, err := NewKeySetFromSeeds(newSeed, strings.TrimRight(base64.URLEncoding.EncodeToString(mustDecode(t, oldSeed)), "="))
	if err != nil {
		t.Fatal(err)
	}
	same, _ := NewKeySetFromSeeds(oldSeed)
	if same.SigningKeyID() != before.SigningKeyID() {
		t.Error("the same seed must give the same kid in every process")
	}
	if after.SigningKeyID() == before.SigningKeyID() {
		t.Error("the first seed must sign")
	}
	oldTokens := &Tokens{Keys: before, Issuer: testIssuer, Audience: testAudience, Now: clk.Now}
	newTokens := &Tokens{Keys: after, Issuer: testIssuer, Audience: testAudience, Now: clk.Now}
	tok, _, _ := oldTokens.Issue("acc1", "sid1")
	if _, err := newTokens.Verify(tok); err != nil {
		t.Errorf("a token of the old seed is refused while that seed is configured: %v", err)
	}
	wantCode(t, after.Rotate(), fault.Invalid)

	for _, bad := range []string{"", "not base64!", base64.StdEncoding.EncodeToString([]byte("short"))} {
		_, err := NewKeySetFromSeeds(bad)
		wantCode(t, err, fault.Invalid)
	}
	_, err = NewKeySetFromSeeds()
	wantCode(t, err, fault.Invalid)
}

func mustDecode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRotationReachesOtherProcesses(t *testing.T) {
	clk := newClock()
	path := filepath.Join(t.TempDir(), "jwt.json")
	a, err := LoadOrCreateKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadOrCreateKeys(path) // a second web process on the same data dir
	if err != nil {
		t.Fatal(err)
	}
	a.Now, b.Now = clk.Now, clk.Now
	ta := &Tokens{Keys: a, Issuer: testIssuer, Audience: testAudience, Now: clk.Now}
	tb := &Tokens{Keys: b, Issuer: testIssuer, Audience: testAudience, Now: clk.Now}
	if err := a.Rotate(); err != nil {
		t.Fatal(err)
	}
	// Until b reads the file again, its tokens (old key) still verify at a.
	tok, _, _ := tb.Issue("acc1", "sid1")
	if _, err := ta.Verify(tok); err != nil {
		t.Errorf("b's token at a right after the rotation: %v", err)
	}
	clk.Advance(reloadEvery)
	if b.SigningKeyID() != a.SigningKeyID() {
		t.Errorf("b signs with %q a minute after the rotation, want %q", b.SigningKeyID(), a.SigningKeyID())
	}
	tok, _, _ = ta.Issue("acc1", "sid1")
	if _, err := tb.Verify(tok); err != nil {
		t.Errorf("a's new token at b: %v", err)
	}
}

// A caller may pass a token whose bytes are reused after its request
// (fasthttp's cookie values are); what Verify remembers must not change
// with them.
func TestVerifyRemembersACopyOfTheToken(t *testing.T) {
	clk := newClock()
	tokens := newTestTokens(t, clk)
	first, _, err := tokens.Issue("acc-one", "sid1")
	if err != nil {
		t.Fatal(err)
	}
	second, _, err := tokens.Issue("acc-two", "sid2")
	if err != nil || len(second) != len(first) {
		t.Fatalf("second token: %v (length %d, want %d)", err, len(second), len(first))
	}
	buf := []byte(first)
	if _, err := tokens.Verify(unsafe.String(&buf[0], len(buf))); err != nil {
		t.Fatal(err)
	}
	copy(buf, second) // the request is over; its buffer now holds another
	got, err := tokens.Verify(second)
	if err != nil || got.AccountID != "acc-two" {
		t.Fatalf("Verify(second token): %+v, %v; want acc-two", got, err)
	}
	got, err = tokens.Verify(first)
	if err != nil || got.AccountID != "acc-one" {
		t.Fatalf("Verify(first token again): %+v, %v; want acc-one", got, err)
	}
}
