package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"chorus/fault"
)

// KeySet holds the Ed25519 keys that sign and verify access tokens, each
// named by a key id (the JWT "kid"). The newest key signs; every key that
// may still have unexpired tokens verifies. A KeySet is safe for concurrent
// use.
//
// Several web processes must share the same keys: give them the same key
// file (one process rotates; the others call Reload) or the same seeds from
// configuration.
type KeySet struct {
	// Now is the clock, used to stamp and retire keys; nil means time.Now.
	// Set it before first use.
	Now func() time.Time
	// Retain is how long a replaced key keeps verifying; zero means
	// AccessTokenTTL plus DefaultLeeway, which outlives every token it signed.
	Retain time.Duration

	rotating sync.Mutex // one Rotate at a time
	mu       sync.RWMutex
	keys     []signingKey // oldest first; the last one signs
	path     string       // "" for keys from configuration, which Rotate refuses to change
	loadedAt time.Time    // when the file was last read
}

// reloadEvery is how often a file-backed KeySet reads its file again, so
// that a rotation by another process reaches this one within a minute (well
// inside Retain, during which the replaced key still verifies).
const reloadEvery = time.Minute

type signingKey struct {
	id      string
	private ed25519.PrivateKey
	created time.Time
	retired time.Time // zero while it is the signing key
}

// keyFile is the JSON layout of the key file.
type keyFile struct {
	Keys []keyFileEntry `json:"keys"`
}

type keyFileEntry struct {
	ID      string    `json:"kid"`
	Seed    string    `json:"seed"` // base64 (standard) of the 32-byte Ed25519 seed
	Created time.Time `json:"created"`
	Retired time.Time `json:"retired,omitzero"`
}

// keyID names a key by its public half, so processes given the same seed
// agree on the id without talking to each other.
func keyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

func newSigningKey(seed []byte, created time.Time) signingKey {
	priv := ed25519.NewKeyFromSeed(seed)
	return signingKey{id: keyID(priv.Public().(ed25519.PublicKey)), private: priv, created: created}
}

// NewKeySetFromSeeds returns a KeySet from keys given in configuration: each
// seed is the base64 (standard or URL alphabet, padded or not) of a 32-byte
// Ed25519 seed, e.g. from `openssl rand -base64 32`. The first seed signs;
// the others only verify, which lets an operator rotate by putting a new
// seed first and dropping the old one 15 minutes later. Bad seeds are
// fault.Invalid.
func NewKeySetFromSeeds(seeds ...string) (*KeySet, error) {
	if len(seeds) == 0 {
		return nil, fault.Errorf(fault.Invalid, "auth: at least one signing key seed is needed")
	}
	ks := &KeySet{}
	for i := len(seeds) - 1; i >= 0; i-- { // oldest first, so the first seed signs
		seed, err := decodeSeed(seeds[i])
		if err != nil {
			return nil, fault.Wrap(fault.Invalid, err, fmt.Sprintf("auth: signing key seed %d is not 32 bytes of base64", i+1))
		}
		ks.keys = append(ks.keys, newSigningKey(seed, time.Time{}))
	}
	return ks, nil
}

func decodeSeed(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != ed25519.SeedSize {
				return nil, fmt.Errorf("seed has %d bytes, want %d", len(b), ed25519.SeedSize)
			}
			return b, nil
		}
	}
	return nil, errors.New("seed is not base64")
}

// LoadOrCreateKeys loads the key file at path, or creates it with one new
// key when it does not exist: the file with mode 0600 and its directory with
// mode 0700, since whoever reads the file can sign in as anyone. A file that
// group or others may read is refused (fault.Invalid): fix its mode.
// Processes sharing the file pick up each other's rotations by reading it
// again at most once a minute.
func LoadOrCreateKeys(path string) (*KeySet, error) {
	ks := &KeySet{path: path}
	err := ks.load()
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fault.Wrap(fault.Unavailable, err, "auth: cannot create the key directory")
		}
		ks.keys = []signingKey{generateKey(ks.now())}
		// Creating never replaces a file: when two processes start at once,
		// the second one loads the key of the first.
		err = ks.write(ks.keys, true)
		if errors.Is(err, fs.ErrExist) {
			err = ks.load()
		}
	}
	if err != nil {
		return nil, err
	}
	return ks, nil
}

// Reload reads the key file again, to pick up a rotation made by another
// process. Keys from configuration have no file: Reload does nothing.
func (ks *KeySet) Reload() error {
	if ks.path == "" {
		return nil
	}
	return ks.load()
}

func generateKey(now time.Time) signingKey {
	seed := make([]byte, ed25519.SeedSize)
	rand.Read(seed) // never returns an error
	return newSigningKey(seed, now.UTC().Truncate(time.Second))
}

func (ks *KeySet) load() error {
	info, err := os.Stat(ks.path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return fault.Wrap(fault.Unavailable, err, "auth: cannot read the key file")
	}
	if info.Mode().Perm()&0o077 != 0 {
		return fault.Errorf(fault.Invalid, "auth: the key file %s may be read by other users (mode %v); run chmod 600 on it", ks.path, info.Mode().Perm())
	}
	raw, err := os.ReadFile(ks.path)
	if err != nil {
		return fault.Wrap(fault.Unavailable, err, "auth: cannot read the key file")
	}
	var f keyFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return fault.Wrap(fault.Invalid, err, "auth: the key file "+ks.path+" is not valid JSON")
	}
	if len(f.Keys) == 0 {
		return fault.Errorf(fault.Invalid, "auth: the key file %s holds no keys", ks.path)
	}
	keys := make([]signingKey, 0, len(f.Keys))
	for i, e := range f.Keys {
		seed, err := decodeSeed(e.Seed)
		if err != nil {
			return fault.Wrap(fault.Invalid, err, fmt.Sprintf("auth: key %d of the key file is damaged", i+1))
		}
		k := newSigningKey(seed, e.Created)
		if e.ID != "" && e.ID != k.id {
			return fault.Errorf(fault.Invalid, "auth: key %d of the key file has id %q, but its seed gives %q", i+1, e.ID, k.id)
		}
		k.retired = e.Retired
		keys = append(keys, k)
	}
	ks.mu.Lock()
	ks.keys = keys
	ks.loadedAt = ks.now()
	ks.mu.Unlock()
	return nil
}

// maybeReload reads the key file again when it was last read more than
// reloadEvery ago. A failed read keeps the keys already loaded.
func (ks *KeySet) maybeReload() {
	if ks.path == "" {
		return
	}
	now := ks.now()
	ks.mu.Lock()
	due := now.Sub(ks.loadedAt) >= reloadEvery || now.Before(ks.loadedAt) // or the clock went back
	if due {
		ks.loadedAt = now
	}
	ks.mu.Unlock()
	if due {
		_ = ks.load()
	}
}

// write writes keys to the key file atomically: a temporary file with mode
// 0600 in the same directory, synced, then renamed over the old one. With
// create it fails with fs.ErrExist instead of replacing a file.
func (ks *KeySet) write(keys []signingKey, create bool) error {
	f := keyFile{Keys: make([]keyFileEntry, 0, len(keys))}
	for _, k := range keys {
		f.Keys = append(f.Keys, keyFileEntry{
			ID: k.id, Seed: base64.StdEncoding.EncodeToString(k.private.Seed()), Created: k.created, Retired: k.retired,
		})
	}
	raw, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fault.Wrap(fault.Internal, err, "auth: cannot encode the key file")
	}
	tmp, err := os.CreateTemp(filepath.Dir(ks.path), ".keys-*") // CreateTemp uses mode 0600
	if err != nil {
		return fault.Wrap(fault.Unavailable, err, "auth: cannot write the key file")
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fault.Wrap(fault.Unavailable, err, "auth: cannot write the key file")
	}
	if _, err := tmp.Write(append(raw, '\n')); err != nil {
		tmp.Close()
		return fault.Wrap(fault.Unavailable, err, "auth: cannot write the key file")
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fault.Wrap(fault.Unavailable, err, "auth: cannot write the key file")
	}
	if err := tmp.Close(); err != nil {
		return fault.Wrap(fault.Unavailable, err, "auth: cannot write the key file")
	}
	if create {
		err = os.Link(tmp.Name(), ks.path)
		if errors.Is(err, fs.ErrExist) {
			return err
		}
	} else {
		err = os.Rename(tmp.Name(), ks.path)
	}
	if err != nil {
		return fault.Wrap(fault.Unavailable, err, "auth: cannot write the key file")
	}
	ks.mu.Lock()
	ks.loadedAt = ks.now()
	ks.mu.Unlock()
	return nil
}

func (ks *KeySet) now() time.Time { return clock(ks.Now) }

func (ks *KeySet) retain() time.Duration {
	if ks.Retain > 0 {
		return ks.Retain
	}
	return AccessTokenTTL + DefaultLeeway
}

// Rotate adds a new signing key and saves the key file. The replaced key
// keeps verifying for Retain, so tokens it signed stay valid until they
// expire; keys retired longer ago than that are dropped. Keys from
// configuration cannot be rotated here (fault.Invalid): change the
// configuration instead.
func (ks *KeySet) Rotate() error {
	if ks.path == "" {
		return fault.Errorf(fault.Invalid, "auth: keys from configuration are rotated by changing the configuration")
	}
	ks.rotating.Lock()
	defer ks.rotating.Unlock()
	now := ks.now()
	ks.mu.RLock()
	keys := make([]signingKey, 0, len(ks.keys)+1)
	for _, k := range ks.keys {
		if k.retired.IsZero() {
			k.retired = now.UTC()
		}
		if now.Sub(k.retired) < ks.retain() {
			keys = append(keys, k)
		}
	}
	ks.mu.RUnlock()
	keys = append(keys, generateKey(now))
	// The file first: if writing fails, nothing changed.
	if err := ks.write(keys, false); err != nil {
		return err
	}
	ks.mu.Lock()
	ks.keys = keys
	ks.mu.Unlock()
	return nil
}

// SigningKeyID returns the id of the key that signs new tokens.
func (ks *KeySet) SigningKeyID() string { return ks.signer().id }

// signer returns the newest key.
func (ks *KeySet) signer() signingKey {
	ks.maybeReload()
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	return ks.keys[len(ks.keys)-1]
}

// publicKey returns the public key with id kid if it may still verify.
func (ks *KeySet) publicKey(kid string) (ed25519.PublicKey, bool) {
	ks.maybeReload()
	now := ks.now()
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	for _, k := range ks.keys {
		if k.id != kid {
			continue
		}
		if !k.retired.IsZero() && now.Sub(k.retired) >= ks.retain() {
			return nil, false
		}
		return k.private.Public().(ed25519.PublicKey), true
	}
	return nil, false
}
