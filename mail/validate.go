package mail

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"chorus/fault"
)

// Limits on a message. A message that breaks one is refused rather than
// truncated: a cut-off consent text or link is worse than an error.
const (
	MaxAddressLen = 254     // RFC 5321 path limit
	MaxSubjectLen = 200     // in characters; long subjects are folded and unreadable
	MaxBodyLen    = 1 << 20 // bytes, for Text and for HTML
)

// Validate checks m before any adapter keeps or sends it, so that every
// Sender refuses the same messages. It returns fault.Invalid when To is not
// exactly one bare address (no display name, no list, no group, no CR/LF or
// other control characters: nothing that could add a header or a
// recipient), when Subject or Text is empty, or when a field is not UTF-8 or
// too long. HTML may be empty; Kind is free text.
//
// A display name is refused on purpose: it would be the place where a
// minor's full name ends up in a header.
func Validate(m Message) error {
	if _, err := Address(m.To); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(m.Subject) == "":
		return fault.Errorf(fault.Invalid, "mail: the subject is empty")
	case !utf8.ValidString(m.Subject) || hasControl(m.Subject):
		return fault.Errorf(fault.Invalid, "mail: the subject must be one line of UTF-8 text")
	case utf8.RuneCountInString(m.Subject) > MaxSubjectLen:
		return fault.Errorf(fault.Invalid, "mail: the subject is longer than %d characters", MaxSubjectLen)
	case strings.TrimSpace(m.Text) == "":
		return fault.Errorf(fault.Invalid, "mail: the text body is empty")
	case !utf8.ValidString(m.Text) || !utf8.ValidString(m.HTML) || !utf8.ValidString(m.Kind):
		return fault.Errorf(fault.Invalid, "mail: the message is not UTF-8")
	case len(m.Text) > MaxBodyLen || len(m.HTML) > MaxBodyLen:
		return fault.Errorf(fault.Invalid, "mail: the body is larger than %d bytes", MaxBodyLen)
	case hasControl(m.Kind):
		return fault.Errorf(fault.Invalid, "mail: the kind must be one line of text")
	}
	return nil
}

// Address parses to as a single bare e-mail address ("name@example.org")
// and returns it. It returns fault.Invalid for anything else, including a
// display name, a list, or any control character (CR/LF header injection).
func Address(to string) (string, error) {
	bad := func(why string) error {
		return fault.Errorf(fault.Invalid, "mail: the recipient address %s", why)
	}
	switch {
	case to == "":
		return "", bad("is empty")
	case len(to) > MaxAddressLen:
		return "", bad("is too long")
	case !utf8.ValidString(to) || hasControl(to):
		return "", bad("contains control characters")
	}
	a, err := mail.ParseAddress(to)
	if err != nil {
		return "", bad("is not a valid single address")
	}
	// ParseAddress accepts "Name <a@b>" and surrounding spaces and comments;
	// only the bare address itself is allowed.
	if a.Name != "" || a.Address != to {
		return "", bad("must be a bare address without a name")
	}
	at := strings.LastIndexByte(to, '@')
	if at <= 0 || at == len(to)-1 {
		return "", bad("has no domain")
	}
	return to, nil
}

// Domain returns the part of a valid address after the last "@", lower
// case: what logs may show of a recipient.
func Domain(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(addr[at+1:])
}

// hasControl reports whether s contains a control character such as CR, LF,
// TAB or NUL (or a Unicode line or paragraph separator).
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
	})
}
