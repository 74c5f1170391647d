package auth

import (
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"

	"chorus/fault"
)

func TestHashVerifyRoundtrip(t *testing.T) {
	const pw = "correct horse battery staple"
	h, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=19456,t=2,p=1$"; !strings.HasPrefix(h, want) {
		t.Fatalf("got hash %q, want prefix %q", h, want)
	}
	ok, err := VerifyPassword(pw, h)
	if err != nil || !ok {
		t.Fatalf("VerifyPassword(right) = %v, %v; want true, nil", ok, err)
	}
	for _, wrong := range []string{"correct horse battery stapl", "Correct horse battery staple", "", strings.Repeat("x", 300)} {
		if ok, err := VerifyPassword(wrong, h); err != nil || ok {
			t.Errorf("VerifyPassword(%q) = %v, %v; want false, nil", wrong, ok, err)
		}
	}
	if NeedsRehash(h) {
		t.Error("NeedsRehash(fresh hash) = true, want false")
	}
	h2, _ := HashPassword(pw)
	if h2 == h {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestOlderParametersStillVerifyAndNeedRehash(t *testing.T) {
	const pw = "a password from 2024"
	old := phc{memory: 8 * 1024, time: 1, threads: 1, salt: []byte("0123456789abcdef")}
	old.key = argon2Key(pw, old)
	enc := old.String()
	if ok, err := VerifyPassword(pw, enc); err != nil || !ok {
		t.Fatalf("VerifyPassword(old params) = %v, %v; want true, nil", ok, err)
	}
	if !NeedsRehash(enc) {
		t.Error("NeedsRehash(weaker params) = false, want true")
	}
}

func TestParsePHCGarbage(t *testing.T) {
	good, _ := HashPassword("some long password")
	parts := strings.Split(good, "$")
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	for name, enc := range map[string]string{
		"empty":          "",
		"text":           "hunter2",
		"bcrypt":         "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":        with(1, "argon2i"),
		"old version":    with(2, "v=16"),
		"params order":   with(3, "t=2,m=19456,p=1"),
		"zero memory":    with(3, "m=0,t=2,p=1"),
		"huge memory":    with(3, "m=99999999,t=2,p=1"),
		"huge time":      with(3, "m=19456,t=1000,p=1"),
		"too many lanes": with(3, "m=19456,t=2,p=255"),
		"negative":       with(3, "m=-1,t=2,p=1"),
		"bad salt":       with(4, "!!!"),
		"short salt":     with(4, "YWJj"),
		"padded hash":    with(5, parts[5]+"="),
		"empty hash":     with(5, ""),
		"extra field":    good + "$x",
		"missing field":  strings.Join(parts[:5], "$"),
	} {
		t.Run(name, func(t *testing.T) {
			ok, err := VerifyPassword("some long password", enc)
			if ok {
				t.Fatalf("VerifyPassword(%q) matched", enc)
			}
			wantCode(t, err, fault.Internal)
			if !NeedsRehash(enc) {
				t.Errorf("NeedsRehash(%q) = false, want true", enc)
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	const email, name = "mia.schmidt@example.org", "Mia Schmidt"
	tests := []struct {
		name, password string
		want           string // "" for accepted, else the message
	}{
		{"good", "purple-otter-sings-loud", ""},
		{"good unicode", "éléphant rosé qui danse", ""},
		{"exactly 10", "q7#Lm2!xVb", ""},
		{"too short", "q7#Lm2!xV", msgTooShort},
		{"short in runes", "ééééé1234", msgTooShort},
		{"empty", "", msgTooShort},
		{"too long", strings.Repeat("ab", 129), msgTooLong},
		{"256 bytes is fine", strings.Repeat("zq7", 85) + "x", ""},
		{"common", "1234567890", msgCommon},
		{"common any case", "QwertyUIOP", msgCommon},
		{"common long", "iloveyou123", msgCommon},
		{"email local part", "xx-Mia.Schmidt-2026", msgPersonal},
		{"display name no spaces", "miaschmidt!!rocks", msgPersonal},
		{"one word of the name", "greatSCHMIDTpass", msgPersonal},
		{"repeated", "aaaaaaaaaaaa", msgRepeated},
		{"control char", "good password\x00here", msgNoControl},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPassword(tt.password, email, name)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("CheckPassword(%q) = %v, want nil", tt.password, err)
				}
				return
			}
			wantCode(t, err, fault.Invalid)
			if got := fault.MessageOf(err); got != tt.want {
				t.Errorf("got message %q, want %q", got, tt.want)
			}
		})
	}
	if got := fault.MessageOf(CheckPassword("short", "", "")); got != "Choose a longer password: at least 10 characters." {
		t.Errorf("too-short message = %q", got)
	}
	// Short names are not held against a password: "al" is in too many.
	if err := CheckPassword("totally-valid-pass", "al@example.org", "Al"); err != nil {
		t.Errorf("short name: got %v, want nil", err)
	}
}

func TestCommonPasswordList(t *testing.T) {
	set := commonPasswords()
	if len(set) < 10000 {
		t.Fatalf("got %d common passwords, want at least 10000", len(set))
	}
	for _, pw := range []string{"password", "123456", "qwertyuiop", "PASSWORD1"} {
		if !IsCommonPassword(pw) {
			t.Errorf("IsCommonPassword(%q) = false, want true", pw)
		}
	}
	for _, line := range []string{"# license: mit; its notice follows as the license asks.", "", "#"} {
		if _, ok := set[line]; ok {
			t.Errorf("header line %q was read as a password", line)
		}
	}
}

func argon2Key(pw string, h phc) []byte {
	return argon2.IDKey([]byte(pw), h.salt, h.time, h.memory, h.threads, 32)
}
