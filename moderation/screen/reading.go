package screen

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
	"golang.org/x/text/unicode/norm"
)

// reading is a text as screening reads it: in Unicode NFKC (full-width
// "ｆｕｃｋ" and mathematical "𝐟𝐮𝐜𝐤" are "fuck", "０６" is "06"), without
// invisible characters (zero-width spaces, soft hyphens, direction marks,
// combining marks left over after NFKC) and with the letters and digits
// of other scripts that look like Latin ones read as those (Cyrillic "а",
// Greek "ο", Arabic-Indic "٦"). Every detector runs on the reading; hits
// are moved back to the text the young person wrote (restore), so that the
// UI highlights what they typed.
type reading struct {
	text string
	// from[i] and to[i] are the bytes of the original text that byte i of
	// text was read from; nil when text is the original.
	from, to []int32
}

// read returns the reading of text. Texts in plain ASCII, or whose other
// characters need nothing (accented Latin letters, typographic quotes),
// are their own reading and cost one pass.
func read(text string) reading {
	if !needsReading(text) {
		return reading{text: text}
	}
	r := reading{from: make([]int32, 0, len(text)), to: make([]int32, 0, len(text))}
	buf := make([]byte, 0, len(text))
	var it norm.Iter
	it.InitString(norm.NFKC, text)
	for !it.Done() {
		start := it.Pos()
		seg := it.Next()
		end := it.Pos()
		for len(seg) > 0 {
			c, n := utf8.DecodeRune(seg)
			seg = seg[n:]
			if invisible(c) {
				continue
			}
			if l, ok := lookalikes()[c]; ok {
				c = l
			}
			before := len(buf)
			buf = utf8.AppendRune(buf, c)
			for range len(buf) - before {
				r.from = append(r.from, int32(start))
				r.to = append(r.to, int32(end))
			}
		}
	}
	r.text = string(buf)
	return r
}

// needsReading reports whether text has a character that its reading
// changes.
func needsReading(text string) bool {
	ascii := true
	for i := 0; i < len(text); {
		if text[i] < utf8.RuneSelf {
			i++
			continue
		}
		ascii = false
		c, n := utf8.DecodeRuneInString(text[i:])
		i += n
		if invisible(c) {
			return true
		}
		if _, ok := lookalikes()[c]; ok {
			return true
		}
	}
	return !ascii && !norm.NFKC.IsNormalString(text)
}

// invisible reports whether c shows nothing, or nothing of its own:
// format characters (zero-width space and joiners, soft hyphen, direction
// marks, tags), variation selectors and combining marks that NFKC did not
// join to a letter (strike-through, "zalgo" stacks).
func invisible(c rune) bool {
	if c < 0xAD {
		return false
	}
	return unicode.Is(unicode.Cf, c) || unicode.Is(unicode.Mn, c) || unicode.Is(unicode.Me, c) ||
		unicode.Is(unicode.Variation_Selector, c)
}

// lookalikes maps the characters that Unicode's confusables data
// (UTS #39, through github.com/mtibben/confusables) reads as one Latin
// letter, a digit or "@", "." or "-", to that character: Cyrillic "а" to
// "a", Greek "Ο" to "O", "ı" to "i", "–" to "-". Other decimal digits
// ("٦", "६") are read as the ASCII digit of their value. Latin letters
// with accents keep them: the word lists fold those themselves, and
// "é" is not an "e" to a reader. The table is made once, on first use
// (about 20 ms).
var lookalikes = sync.OnceValue(func() map[rune]rune {
	m := map[rune]rune{}
	for c := rune(0x80); c <= 0x1FFFF; c++ {
		if c >= 0xD800 && c < 0xE000 || !unicode.IsPrint(c) || invisible(c) {
			continue
		}
		s := confusables.Skeleton(string(c))
		if len(s) != 1 {
			continue
		}
		l := rune(s[0])
		if !isASCIILetterOrDigit(l) && l != '@' && l != '.' && l != '-' {
			continue
		}
		// The skeleton of "I" is "l": an upper-case look-alike of "l" is
		// an "I" ("ІDІОТ" is "IDIOT").
		if l == 'l' && unicode.IsUpper(c) {
			l = 'I'
		}
		m[c] = l
	}
	for _, rg := range unicode.Nd.R16 {
		addDigits(m, rune(rg.Lo), rune(rg.Hi))
	}
	for _, rg := range unicode.Nd.R32 {
		addDigits(m, rune(rg.Lo), rune(rg.Hi))
	}
	return m
})

// addDigits reads the decimal digits lo to hi (runs of ten, zero first,
// as Unicode lays them out) as ASCII digits.
func addDigits(m map[rune]rune, lo, hi rune) {
	for c := lo; c <= hi; c++ {
		if c >= 0x80 {
			m[c] = '0' + (c-lo)%10
		}
	}
}

func isASCIILetterOrDigit(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// restore moves hits found in the reading back to the original text.
func (r reading) restore(hits []Hit) []Hit {
	if r.from == nil {
		return hits
	}
	out := hits[:0]
	for _, h := range hits {
		h.Start, h.End = int(r.from[h.Start]), int(r.to[h.End-1])
		// Two hits read from one character ("ﬁ" is "fi") become one.
		if len(out) > 0 && h.Start < out[len(out)-1].End {
			continue
		}
		out = append(out, h)
	}
	return out
}
