package screen

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Each detector (here and in phone.go and address.go) returns its hits in
// text order, without overlaps.

var emailRE = regexp.MustCompile(`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}`)

func emails(text string) []Hit { return matches(text, Email, emailRE, 0, hasAt) }

// handleRE finds @name where the @ does not follow a letter, digit or dot
// (which would make it part of an e-mail address).
var handleRE = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_.@])(@[\p{L}\p{N}_][\p{L}\p{N}_.]*[\p{L}\p{N}_])`)

func handles(text string) []Hit { return matches(text, Handle, handleRE, 1, hasAt) }

func hasAt(s string) bool { return strings.IndexByte(s, '@') >= 0 }

// A bare domain ("tiktok.com/@x") is a link only with a top-level domain
// from this list, so that "e.g.", "3.5" and "end.Then" are not links. The
// domain must be in lower case ("fine.It" is a missing space). Domains that
// are also short words ("look.at", "tell.me") are links only with a path.
const (
	bareTLDs = `com|net|org|info|biz|edu|gov|io|co|app|dev|gg|tv|ly|gl|ee|xyz|online|site|` +
		`eu|uk|fr|de|it|es|nl|pl|pt|ie|ch|lu|dk|se|fi|cz|sk|hu|ro|bg|gr|hr|si|lt|lv|cy|mt|ru|ua`
	pathTLDs = `at|be|me|to|is|no|in|us|so`
	label    = `[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.`
)

var linkRE = regexp.MustCompile(`(?i:https?://|www\.)[\p{L}\p{N}][^\s<>"]*` +
	`|(?:` + label + `)+(?:` + bareTLDs + `)\b(?:[/?#][^\s<>"]*)?` +
	`|(?:` + label + `)+(?:` + pathTLDs + `)/[^\s<>"]*`)

func links(text string) []Hit {
	hits := matches(text, Link, linkRE, 0, mayLink)
	for i, h := range hits {
		// Punctuation that ends a sentence or closes a bracket after a
		// link is not part of it.
		hits[i].End = h.Start + len(strings.TrimRight(text[h.Start:h.End], `.,;:!?'")]}»’”`))
	}
	return hits
}

// mayLink reports whether field has "://", "www." or a dot before a
// top-level domain of the lists: a field without one has no link.
func mayLink(field string) bool {
	if strings.Contains(field, "://") {
		return true
	}
	for i := strings.IndexByte(field, '.'); i >= 0; {
		j := i + 1
		for j < len(field) && field[j] >= 'a' && field[j] <= 'z' {
			j++
		}
		if tlds[field[i+1:j]] && (j == len(field) || !isWordByte(field[j])) ||
			i >= 3 && strings.EqualFold(field[i-3:i], "www") {
			return true
		}
		k := strings.IndexByte(field[j:], '.')
		if k < 0 {
			return false
		}
		i = j + k
	}
	return false
}

var tlds = set(strings.Split(bareTLDs+"|"+pathTLDs, "|")...)

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '_'
}

// matches returns a hit for each match of re's group in text. E-mail
// addresses, handles and links never contain a space, so re runs only on
// the runs of text between spaces that pass the cheap test may: the
// regular expressions are the slow part of screening.
func matches(text string, k Kind, re *regexp.Regexp, group int, may func(field string) bool) []Hit {
	var hits []Hit
	if k != Link && !hasAt(text) {
		return nil
	}
	for i := 0; i < len(text); {
		if n := spaceAt(text, i); n > 0 {
			i += n
			continue
		}
		start := i
		for i < len(text) && spaceAt(text, i) == 0 {
			i++
		}
		field := text[start:i]
		if !may(field) {
			continue
		}
		for _, m := range re.FindAllStringSubmatchIndex(field, -1) {
			hits = append(hits, hit(k, start+m[2*group], start+m[2*group+1]))
		}
	}
	return hits
}

// spaceAt returns the length of the space at text[i], or 0.
func spaceAt(text string, i int) int {
	if c := text[i]; c < utf8.RuneSelf {
		if c == ' ' || c >= '\t' && c <= '\r' {
			return 1
		}
		return 0
	}
	if r, n := utf8.DecodeRuneInString(text[i:]); unicode.IsSpace(r) {
		return n
	}
	return 0
}
