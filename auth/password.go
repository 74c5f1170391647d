package auth

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"chorus/fault"
)

// Argon2id parameters for new hashes. They follow the OWASP Password Storage
// Cheat Sheet's first argon2id option (m=19 MiB, t=2, p=1): slow and
// memory-hard enough that a leaked database is expensive to attack on GPUs,
// yet a sign-in costs a small web server only some tens of milliseconds and
// 19 MiB. Raising them later is safe: VerifyPassword reads the parameters
// from each stored hash and NeedsRehash tells when to upgrade one.
const (
	Argon2Memory  uint32 = 19 * 1024 // KiB
	Argon2Time    uint32 = 2         // passes over the memory
	Argon2Threads uint8  = 1         // lanes; 1 keeps one sign-in on one core
	Argon2SaltLen        = 16        // bytes; RFC 9106 recommends 128 bits
	Argon2KeyLen         = 32        // bytes of output
)

// Password policy. The length rules follow NIST SP 800-63B: a minimum length
// matters more than character classes, and a maximum only guards against
// abuse (hashing megabytes on every attempt).
const (
	MinPasswordLength = 10  // characters (runes)
	MaxPasswordBytes  = 256 // bytes of UTF-8
)

// Limits on parameters read from a stored hash, so that a corrupt or planted
// hash cannot make one sign-in allocate gigabytes.
const (
	maxArgon2Memory  = 1 << 20 // KiB: 1 GiB
	maxArgon2Time    = 16
	maxArgon2Threads = 16
)

// Messages for people choosing a password; many of them are 13.
const (
	msgTooShort  = "Choose a longer password: at least 10 characters."
	msgTooLong   = "Choose a shorter password: at most 256 characters."
	msgCommon    = "Choose a different password: this one is on a list of passwords that many people use, so it is easy to guess."
	msgPersonal  = "Choose a password without your name or e-mail address in it: those are easy to guess."
	msgRepeated  = "Choose a password that is not just one character again and again."
	msgNoControl = "Your password has an invisible character in it. Please type it again."
)

// HashPassword returns the argon2id hash of password in PHC string format:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded standard base64).
// It does not check the policy: call CheckPassword first.
func HashPassword(password string) (string, error) {
	if len(password) > MaxPasswordBytes {
		return "", fault.Errorf(fault.Invalid, msgTooLong)
	}
	salt := make([]byte, Argon2SaltLen)
	rand.Read(salt) // never returns an error
	key := argon2.IDKey([]byte(password), salt, Argon2Time, Argon2Memory, Argon2Threads, Argon2KeyLen)
	return phc{
		memory: Argon2Memory, time: Argon2Time, threads: Argon2Threads, salt: salt, key: key,
	}.String(), nil
}

// VerifyPassword reports whether password matches the stored hash encoded.
// The comparison takes the same time however much of the hash matches. A
// hash that cannot be parsed is an Internal error (the stored data is
// broken), never a match.
func VerifyPassword(password, encoded string) (bool, error) {
	h, err := parsePHC(encoded)
	if err != nil {
		return false, fault.Wrap(fault.Internal, err, "the stored password hash is damaged")
	}
	if len(password) > MaxPasswordBytes {
		// No hash can match a password the policy never let in; refuse before
		// spending time on it.
		return false, nil
	}
	key := argon2.IDKey([]byte(password), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1, nil
}

// FakeVerify spends about the time VerifyPassword spends, for a sign-in with
// an e-mail address that has no account: response times then do not tell
// which addresses have accounts.
func FakeVerify(password string) {
	salt := make([]byte, Argon2SaltLen)
	if len(password) > MaxPasswordBytes {
		password = password[:MaxPasswordBytes]
	}
	argon2.IDKey([]byte(password), salt, Argon2Time, Argon2Memory, Argon2Threads, Argon2KeyLen)
}

// NeedsRehash reports whether encoded was made with other (older or weaker)
// parameters than HashPassword uses now, or cannot be parsed. After a
// successful sign-in the caller hashes the password again and stores it.
func NeedsRehash(encoded string) bool {
	h, err := parsePHC(encoded)
	if err != nil {
		return true
	}
	return h.memory != Argon2Memory || h.time != Argon2Time || h.threads != Argon2Threads ||
		len(h.salt) != Argon2SaltLen || len(h.key) != Argon2KeyLen
}

// phc is a parsed argon2id hash.
type phc struct {
	memory    uint32
	time      uint32
	threads   uint8
	salt, key []byte
}

var b64 = base64.RawStdEncoding

func (h phc) String() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, h.memory, h.time, h.threads, b64.EncodeToString(h.salt), b64.EncodeToString(h.key))
}

// parsePHC parses $argon2id$v=19$m=M,t=T,p=P$salt$hash strictly: the
// parameters in this order, each within bounds, salt and hash non-trivial.
func parsePHC(s string) (phc, error) {
	var h phc
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" {
		return h, fmt.Errorf("not a PHC string")
	}
	if parts[1] != "argon2id" {
		return h, fmt.Errorf("unsupported algorithm %q", parts[1])
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return h, fmt.Errorf("unsupported version %q", parts[2])
	}
	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return h, fmt.Errorf("want m, t and p parameters")
	}
	var vals [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(params[i], name)
		if !ok {
			return h, fmt.Errorf("want parameter %s first in position %d", name, i+1)
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || n == 0 {
			return h, fmt.Errorf("bad parameter %s%s", name, v)
		}
		vals[i] = n
	}
	if vals[0] > maxArgon2Memory || vals[1] > maxArgon2Time || vals[2] > maxArgon2Threads {
		return h, fmt.Errorf("parameters out of bounds")
	}
	h.memory, h.time, h.threads = uint32(vals[0]), uint32(vals[1]), uint8(vals[2])
	if h.memory < 8*uint32(h.threads) {
		return h, fmt.Errorf("memory below 8 KiB per lane")
	}
	var err error
	if h.salt, err = b64.Strict().DecodeString(parts[4]); err != nil || len(h.salt) < 8 {
		return h, fmt.Errorf("bad salt")
	}
	if h.key, err = b64.Strict().DecodeString(parts[5]); err != nil || len(h.key) < 16 || len(h.key) > 128 {
		return h, fmt.Errorf("bad hash")
	}
	return h, nil
}

// CheckPassword applies the password policy for an account with the given
// e-mail address and display name (either may be empty). It returns a
// fault.Invalid error whose message tells the person what to change:
// shorter than MinPasswordLength characters, longer than MaxPasswordBytes,
// containing control characters, one character repeated, on the list of
// common passwords (ignoring case), or containing the e-mail's local part or
// the display name (or one of its words of three letters or more).
func CheckPassword(password, email, displayName string) error {
	if len(password) > MaxPasswordBytes {
		return fault.Errorf(fault.Invalid, msgTooLong)
	}
	if !utf8.ValidString(password) || strings.IndexFunc(password, unicode.IsControl) >= 0 {
		return fault.Errorf(fault.Invalid, msgNoControl)
	}
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return fault.Errorf(fault.Invalid, msgTooShort)
	}
	lower := strings.ToLower(password)
	if first, _ := utf8.DecodeRuneInString(lower); strings.Trim(lower, string(first)) == "" {
		return fault.Errorf(fault.Invalid, msgRepeated)
	}
	if IsCommonPassword(lower) {
		return fault.Errorf(fault.Invalid, msgCommon)
	}
	for _, part := range personalParts(email, displayName) {
		if strings.Contains(lower, part) {
			return fault.Errorf(fault.Invalid, msgPersonal)
		}
	}
	return nil
}

// minPersonalPart is the shortest name or e-mail part that a password may
// not contain: shorter ones ("al", "jo") occur in too many good passwords.
const minPersonalPart = 3

// personalParts returns the lower-case pieces of who someone is that their
// password may not contain.
func personalParts(email, displayName string) []string {
	var parts []string
	add := func(s string) {
		s = strings.ToLower(strings.TrimSpace(s))
		if utf8.RuneCountInString(s) >= minPersonalPart {
			parts = append(parts, s)
		}
	}
	if local, _, ok := strings.Cut(email, "@"); ok {
		add(local)
	} else {
		add(email)
	}
	name := strings.Join(strings.Fields(displayName), "")
	add(name)
	for _, word := range strings.FieldsFunc(displayName, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		add(word)
	}
	return parts
}

// commonPasswordsFile is the reject list; see the header of the file for
// its source and license.
//
//go:embed data/common-passwords.txt
var commonPasswordsFile []byte

var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 50000)
	sc := bufio.NewScanner(bytes.NewReader(commonPasswordsFile))
	header := true
	for sc.Scan() {
		line := sc.Text()
		if header { // the header ends at the first empty line
			header = line != ""
			continue
		}
		if line != "" {
			set[strings.ToLower(line)] = struct{}{}
		}
	}
	return set
})

// IsCommonPassword reports whether password, ignoring case, is on the
// shipped list of common passwords (data/common-passwords.txt).
func IsCommonPassword(password string) bool {
	_, ok := commonPasswords()[strings.ToLower(password)]
	return ok
}
