package screen

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// phones finds phone numbers as people write them in Europe: international
// (+44 7700 900123, 0049 151 23456789), national with a trunk 0
// (06 12 34 56 78, 0151/23456789, (030) 1234567, +44 (0)7700 900123), and
// the nine- or ten-digit mobile numbers without one (Italy, Spain, Poland,
// Portugal: 333 123 4567, 612 34 56 78). Shorter numbers are never phone
// numbers, so helplines (116 111, 3018, 0800 1111) stay visible, as do
// years, ages, times and counts.
func phones(text string) []Hit {
	var hits []Hit
	for i := 0; i < len(text); {
		c := text[i]
		if c != '+' && c != '(' && !isDigit(c) || afterWord(text, i) {
			i++
			continue
		}
		run, end := scanNumber(text, i)
		if end == i {
			i++
			continue
		}
		hits = append(hits, run.phones()...)
		i = end
	}
	return hits
}

// number is a run of digit groups: "+44 (0)7700 900123" has four.
type number struct {
	plus   bool     // written with a leading +
	groups []group  // in text order
	seps   []string // seps[i] stands between groups[i] and groups[i+1]
	digits []byte   // the digits of every group, in a row
}

type group struct {
	start, end int // in the text, with the brackets (and the + of the first group)
	digits     int // offset of the group's first digit in number.digits
}

// digitsOf returns the digits of groups s to e (included).
func (n *number) digitsOf(s, e int) []byte {
	end := len(n.digits)
	if e+1 < len(n.groups) {
		end = n.groups[e+1].digits
	}
	return n.digits[n.groups[s].digits:end]
}

func (n *number) groupLen(k int) int { return len(n.digitsOf(k, k)) }

// scanNumber reads a run at text[i:] and returns it with the offset after
// its last group; end is i when there is none. A group is digits, or
// digits in brackets ("(0)", "(030)"); groups are separated by one space,
// dot, hyphen or slash, or by nothing next to a bracket. A group glued to
// a letter ("10km") is left out.
func scanNumber(text string, i int) (n number, end int) {
	end = i
	j := i
	if text[j] == '+' {
		n.plus = true
		j++
	}
	for {
		paren := j < len(text) && text[j] == '('
		k := j
		if paren {
			k++
		}
		d := k
		for d < len(text) && isDigit(text[d]) {
			d++
		}
		if d == k || paren && (d == len(text) || text[d] != ')') {
			return n, end
		}
		g := group{start: j, end: d, digits: len(n.digits)}
		if len(n.groups) == 0 {
			g.start = i
		}
		if paren {
			g.end++
		}
		if beforeLetter(text, g.end) {
			return n, g.end
		}
		n.groups = append(n.groups, g)
		n.digits = append(n.digits, text[k:d]...)
		end = g.end
		s := sepLen(text[end:])
		next := end + s
		if next >= len(text) || s == 0 && !paren && text[next] != '(' ||
			!isDigit(text[next]) && (text[next] != '(' || next+1 >= len(text) || !isDigit(text[next+1])) {
			return n, end
		}
		n.seps = append(n.seps, text[end:next])
		j = next
	}
}

// sepLen returns the length of the separator at the start of s: up to
// three spaces and signs on one line ("06 12", "06.12", "06 - 12",
// "06_12", "06*12"), or a comma alone ("06,12"). Colons, and commas with
// a space, list things ("09:00, 10:30") and end a number.
func sepLen(s string) int {
	if strings.HasPrefix(s, ",") {
		if len(s) > 1 && isDigit(s[1]) {
			return 1
		}
		return 0
	}
	n, runes := 0, 0
	for n < len(s) && runes < 3 {
		r, w := utf8.DecodeRuneInString(s[n:])
		if r != ' ' && r != '\u00a0' && r != '\u202f' && !strings.ContainsRune(".-/_*~|·•", r) {
			break
		}
		n += w
		runes++
	}
	return n
}

// maxPhoneDigits bounds a phone number: 00, a country code and at most 15
// digits in all (ITU E.164).
const maxPhoneDigits = 17

// phones returns the phone numbers in the run, longest first from the
// left, so that two numbers in a row ("0612345678 0698765432") or a number
// after a year are found.
func (n *number) phones() []Hit {
	var hits []Hit
	for s := 0; s < len(n.groups); s++ {
		last := s
		for last+1 < len(n.groups) && len(n.digitsOf(s, last+1)) <= maxPhoneDigits {
			last++
		}
		for e := last; e >= s; e-- {
			if n.isPhone(s, e) {
				hits = append(hits, hit(Phone, n.groups[s].start, n.groups[e].end))
				s = e
				break
			}
		}
	}
	return hits
}

// isPhone reports whether groups s to e (included) make a phone number.
func (n *number) isPhone(s, e int) bool {
	digits := n.digitsOf(s, e)
	l := len(digits)
	switch {
	case bytes.HasPrefix(digits, []byte("000")):
		return false
	case n.plus && s == 0:
		return l >= 8 && l <= 15
	case bytes.HasPrefix(digits, []byte("00")):
		return l >= 10 && l <= maxPhoneDigits
	case digits[0] == '0':
		return l >= 9 && l <= 13 && !n.isDate(s)
	default:
		// Without a trunk 0: a mobile number written alone, first group
		// of three or more digits; round numbers ("350 000 000") are counts.
		return s == 0 && e == len(n.groups)-1 && (l == 9 || l == 10) && digits[0] >= '3' &&
			n.groupLen(0) >= 3 && !bytes.HasSuffix(digits, []byte("00")) && !freephone(string(digits))
	}
}

// freephone reports whether digits, written without a trunk 0, are a
// free service number (Portugal's and Italy's 800, Spain's 900, as
// helplines have them: 800 21 90 90): nobody's own phone.
func freephone(digits string) bool {
	return strings.HasPrefix(digits, "800") || strings.HasPrefix(digits, "900")
}

// isDate reports whether groups s... start with a date (01/05/2026 10 ...).
func (n *number) isDate(s int) bool {
	if s+2 >= len(n.groups) {
		return false
	}
	return n.groupLen(s) <= 2 && n.groupLen(s+1) <= 2 && n.groupLen(s+2) == 4 &&
		n.seps[s] == n.seps[s+1] && len(strings.TrimSpace(n.seps[s])) == 1 && strings.Contains("./-", strings.TrimSpace(n.seps[s]))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// afterWord reports whether text[i] follows a letter or digit.
func afterWord(text string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return i > 0 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// beforeLetter reports whether a letter starts at text[i].
func beforeLetter(text string, i int) bool {
	r, _ := utf8.DecodeRuneInString(text[i:])
	return unicode.IsLetter(r)
}
