package media

import (
	"slices"
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

// MaxContentType bounds a blob's content type, which travels in headers.
const MaxContentType = 255

// CheckContentType keeps content types to short printable ASCII, which fits
// any header or trailer of every adapter.
func CheckContentType(ct string) error {
	if len(ct) > MaxContentType {
		return fault.Errorf(fault.Invalid, "The content type is longer than %d bytes.", MaxContentType)
	}
	for i := 0; i < len(ct); i++ {
		if ct[i] < 0x20 || ct[i] > 0x7e {
			return fault.Errorf(fault.Invalid, "The content type has a character that is not printable ASCII.")
		}
	}
	return nil
}

// ContentTypeOr returns ct, or the generic binary type when it is empty.
func ContentTypeOr(ct string) string {
	if ct == "" {
		return "application/octet-stream"
	}
	return ct
}

// SortParts returns parts in number order after checking the list: the
// rules every adapter applies to CompleteUpload.
func SortParts(parts []Part) ([]Part, error) {
	if len(parts) == 0 {
		return nil, fault.Errorf(fault.Invalid, "An upload needs at least one part.")
	}
	if len(parts) > MaxParts {
		return nil, fault.Errorf(fault.Invalid, "An upload has at most %d parts.", MaxParts)
	}
	sorted := slices.Clone(parts)
	slices.SortFunc(sorted, func(a, b Part) int { return a.Number - b.Number })
	for i, p := range sorted {
		if p.Number < 1 || p.Number > MaxParts {
			return nil, fault.Errorf(fault.Invalid, "The part number must be between 1 and %d.", MaxParts)
		}
		if i > 0 && sorted[i-1].Number == p.Number {
			return nil, fault.Errorf(fault.Invalid, "Part %d is listed twice.", p.Number)
		}
	}
	return sorted, nil
}

// NormalizeETag compares ETags without quotes or case.
func NormalizeETag(etag string) string {
	return strings.ToLower(strings.Trim(etag, `"`))
}

// MaxPartSize is the largest part of a multipart upload (S3's limit,
// applied by every adapter).
const MaxPartSize = 5 << 30

// CheckPart validates the arguments of PutPart.
func CheckPart(key string, n int, size int64) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	if n < 1 || n > MaxParts {
		return fault.Errorf(fault.Invalid, "The part number must be between 1 and %d.", MaxParts)
	}
	if size < 0 {
		return fault.Errorf(fault.Invalid, "The part size must be known.")
	}
	if size > MaxPartSize {
		return fault.Errorf(fault.TooLarge, "A part is at most 5 GiB.")
	}
	return nil
}
