package readability

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is a word or a number: text[start:end].
type token struct {
	start, end int
	number     bool // digits only (13, 3.5, 1,000)
}

// sentence is text[start:end] and its words; it always has at least one.
type sentence struct {
	start, end int
	words      []token
}

// split cuts text into sentences of words in one pass. A sentence ends at
// ".", "!", "?" or "…" (with any closing quotes and brackets) and at every
// line break, so list items and headings are sentences of their own. A dot
// does not end a sentence after a known abbreviation or an initial, inside a
// word or number (example.com, 3.5), or when the next word starts in lower
// case ("… and so on").
func split(text string, l *language) []sentence {
	var (
		out       []sentence
		cur       = sentence{start: -1}
		lineStart = true
	)
	flush := func() {
		if len(cur.words) > 0 {
			out = append(out, cur)
		}
		cur = sentence{start: -1}
	}
	for i := 0; i < len(text); {
		if lineStart {
			lineStart = false
			i = skipListMarker(text, i)
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isNewline(r):
			flush()
			lineStart = true
			i += size
		case unicode.IsSpace(r):
			i += size
		case isWordRune(r):
			t := scanWord(text, i, l)
			if cur.start < 0 {
				cur.start = openersBefore(text, i)
			}
			cur.words = append(cur.words, t)
			cur.end = t.end
			i = t.end
		case isTerminator(r):
			end, ends := sentenceEnd(text, i, l)
			if cur.start >= 0 {
				cur.end = end
				if ends {
					flush()
				}
			}
			i = end
		default:
			if cur.start >= 0 {
				cur.end = i + size
			}
			i += size
		}
	}
	flush()
	return out
}

// scanWord returns the word or number starting at i. Apostrophes and
// hyphens join letters (don't, e-mail, aujourd'hui); dots and commas join
// digits (3.5, 1,000). In French an elided article or pronoun is a word of
// its own: "l'application" is "l'" and "application".
func scanWord(text string, i int, l *language) token {
	t := token{start: i, number: true}
	j := i
	var prev rune
	for j < len(text) {
		r, n := utf8.DecodeRuneInString(text[j:])
		if isWordRune(r) {
			if !unicode.IsDigit(r) {
				t.number = false
			}
			prev = r
			j += n
			continue
		}
		next, _ := utf8.DecodeRuneInString(text[j+n:])
		joins := isJoiner(r) && isWordRune(prev) && isWordRune(next) ||
			(r == '.' || r == ',') && unicode.IsDigit(prev) && unicode.IsDigit(next)
		if !joins {
			break
		}
		if isApostrophe(r) && l.elision[strings.ToLower(text[i:j])] {
			j += n
			break
		}
		prev = r
		j += n
	}
	t.end = j
	return t
}

// sentenceEnd looks at the run of terminators at i and returns where the
// run (with closing quotes and brackets) ends and whether it ends the
// sentence.
func sentenceEnd(text string, i int, l *language) (end int, ends bool) {
	j, exclaims := i, false
	for j < len(text) {
		r, n := utf8.DecodeRuneInString(text[j:])
		if !isTerminator(r) {
			break
		}
		exclaims = exclaims || r != '.' && r != '…'
		j += n
	}
	singleDot := j == i+1 && text[i] == '.'
	for j < len(text) {
		r, n := utf8.DecodeRuneInString(text[j:])
		if isCloser(r) {
			j += n
			continue
		}
		// French puts a (narrow) space before » : « Oui. »
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			if c, m := utf8.DecodeRuneInString(text[j+n:]); c == '»' || c == '›' {
				j += n + m
				continue
			}
		}
		break
	}
	end = j
	if r, _ := utf8.DecodeRuneInString(text[end:]); end < len(text) && isWordRune(r) {
		return end, false // example.com, the inner dot of z.B.
	}
	if exclaims {
		return end, true
	}
	next, lineEnd := nextOnLine(text, end)
	if singleDot {
		abbr := abbreviationBefore(text, i)
		switch lower := strings.ToLower(abbr); {
		case l.abbrev[lower] || isInitial(abbr):
			return end, false
		case l.abbrevEnd[lower]:
			return end, lineEnd || unicode.IsUpper(next)
		}
	}
	return end, !unicode.IsLower(next)
}

// abbreviationBefore returns the letters and inner dots just before the dot
// at i: "z.B" for "z.B.", "Dr" for "Dr.".
func abbreviationBefore(text string, i int) string {
	j := i
	for j > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:j])
		if !(unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || r == '.' || r == '-') {
			break
		}
		j -= n
	}
	return strings.TrimLeft(text[j:i], ".-")
}

// isInitial reports whether abbr is one capital letter: "J. Smith",
// "M. Dupont".
func isInitial(abbr string) bool {
	r, n := utf8.DecodeRuneInString(abbr)
	return n > 0 && n == len(abbr) && unicode.IsUpper(r)
}

// nextOnLine returns the first non-space rune from i on the same line, and
// whether the line (or the text) ends first.
func nextOnLine(text string, i int) (rune, bool) {
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if isNewline(r) {
			return 0, true
		}
		if !unicode.IsSpace(r) {
			return r, false
		}
		i += n
	}
	return 0, true
}

// openersBefore extends a sentence that starts with the word at i back over
// the opening quotes and brackets right before it: (“Hello, « Bonjour.
func openersBefore(text string, i int) int {
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:i])
		if isOpener(r) {
			i -= n
			continue
		}
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			if p, m := utf8.DecodeLastRuneInString(text[:i-n]); p == '«' || p == '‹' {
				i -= n + m
				continue
			}
		}
		break
	}
	return i
}

// skipListMarker skips the indentation and the list marker of the line that
// starts at i ("- ", "• ", "1. ", "2) ", "a) ", "(iv) ", "## ") so that the
// marker neither counts as a word nor ends a sentence.
func skipListMarker(text string, i int) int {
	j := skipBlanks(text, i)
	r, n := utf8.DecodeRuneInString(text[j:])
	k := j
	switch {
	case strings.ContainsRune("-*•‣◦▪–—+>", r):
		k += n
	case r == '#':
		for k < len(text) && text[k] == '#' {
			k++
		}
	case r == '(':
		k++
		m := k
		for k < len(text) && k-m < 4 && isASCIIAlnum(text[k]) {
			k++
		}
		if k == m || k >= len(text) || text[k] != ')' {
			return j
		}
		k++
	case r < utf8.RuneSelf && unicode.IsDigit(r):
		for k < len(text) && k-j < 3 && text[k] >= '0' && text[k] <= '9' {
			k++
		}
		if k >= len(text) || (text[k] != '.' && text[k] != ')') {
			return j
		}
		k++
	case r < utf8.RuneSelf && unicode.IsLetter(r):
		if k+1 >= len(text) || text[k+1] != ')' {
			return j
		}
		k += 2
	default:
		return j
	}
	// A marker is followed by a space: "-5 °C" and "1.5" are not markers.
	if s, _ := utf8.DecodeRuneInString(text[k:]); k < len(text) && !(s == ' ' || s == '\t' || s == '\u00a0') {
		return j
	}
	return skipBlanks(text, k)
}

func skipBlanks(text string, i int) int {
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if isNewline(r) || !unicode.IsSpace(r) {
			break
		}
		i += n
	}
	return i
}

func isASCIIAlnum(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

// isJoiner: apostrophes, hyphens and the French inclusive middle dot.
func isJoiner(r rune) bool {
	return isApostrophe(r) || r == '-' || r == '‐' || r == '‑' || r == '·'
}

func isTerminator(r rune) bool {
	return r == '.' || r == '!' || r == '?' || r == '…' || r == '‼' || r == '⁇' || r == '⁈' || r == '⁉'
}

func isNewline(r rune) bool {
	return r == '\n' || r == '\v' || r == '\f' || r == '\u0085' || r == '\u2028' || r == '\u2029'
}

func isCloser(r rune) bool { return strings.ContainsRune(`"')]}’”“»›`, r) }

func isOpener(r rune) bool { return strings.ContainsRune(`"'([{‘“„«‹¿¡`, r) }
