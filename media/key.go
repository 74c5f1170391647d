package media

import (
	"strings"

	"chorus/fault"
)

// ValidateKey reports whether key is a valid blob key: a slash-separated path
// of letters, digits, '-', '_' and '.', at most MaxKeyLength bytes, with no
// "..", no leading slash, and no empty or "." segment (so that two spellings
// such as "a//b" and "a/./b" never name one blob). Any other key is
// fault.Invalid. Both adapters call it before touching their backend.
func ValidateKey(key string) error {
	if key == "" {
		return fault.Errorf(fault.Invalid, "The blob key is empty.")
	}
	if err := checkPath(key, "blob key"); err != nil {
		return err
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" || seg == "." {
			return fault.Errorf(fault.Invalid, "The blob key %q has an empty or \".\" segment.", key)
		}
	}
	return nil
}

// ValidatePrefix reports whether prefix can start a valid key; List uses it.
// The empty prefix (every blob) is valid; a trailing slash is allowed.
func ValidatePrefix(prefix string) error {
	return checkPath(prefix, "blob key prefix")
}

// checkPath holds the rules shared by keys and prefixes.
func checkPath(s, what string) error {
	if len(s) > MaxKeyLength {
		return fault.Errorf(fault.Invalid, "The %s is longer than %d bytes.", what, MaxKeyLength)
	}
	if strings.HasPrefix(s, "/") {
		return fault.Errorf(fault.Invalid, "The %s %q starts with a slash.", what, s)
	}
	if strings.Contains(s, "..") {
		return fault.Errorf(fault.Invalid, "The %s %q contains \"..\".", what, s)
	}
	for i := 0; i < len(s); i++ {
		if !keyByte(s[i]) {
			return fault.Errorf(fault.Invalid, "The %s %q contains a character other than letters, digits, '-', '_', '.' and '/'.", what, s)
		}
	}
	return nil
}

func keyByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	case c == '-', c == '_', c == '.', c == '/':
		return true
	}
	return false
}
