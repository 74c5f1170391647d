package screen

import (
	_ "embed"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The built-in lists; see the header of each file for what belongs there.
var (
	//go:embed words/en.txt
	listEN string
	//go:embed words/fr.txt
	listFR string
	//go:embed words/de.txt
	listDE string
)

func parseList(list string) []string {
	var words []string
	for line := range strings.Lines(list) {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			words = append(words, line)
		}
	}
	return words
}

// token is a run of letters and digits in a text, with the keys it is
// looked up by.
type token struct {
	start, end int // byte offsets in the text
	// key is the token in lower case, accents dropped (ß is ss), leetspeak
	// read as letters, and every run of one letter cut to two: "Connnard"
	// and "c0nnard" are "connard".
	key string
	// squeezed is key with every run cut to one: "idiooot" is "idiot". A
	// word is looked up squeezed only when it is stretched, so that "cône"
	// does not match "conne"; phrases are always compared squeezed.
	squeezed  string
	stretched bool // a letter was repeated three times or more
	letter    bool // the token has a letter (not only digits)
}

// tokenize splits text into tokens. Apostrophes, hyphens and every other
// sign separate tokens, except that @ and $ inside a word are read as
// letters ("b@tard", "a$$hole"), as is a $ before one ("$hit").
func tokenize(text string) []token {
	toks := make([]token, 0, len(text)/6)
	var buf []byte
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !inWord(r) && (r != '$' || !startsWord(text[i+n:])) {
			i += n
			continue
		}
		start := i
		letter := false
		for i < len(text) {
			r, n = utf8.DecodeRuneInString(text[i:])
			if !inWord(r) && r != '@' && r != '$' {
				break
			}
			letter = letter || unicode.IsLetter(r)
			i += n
		}
		t := token{start: start, end: i, letter: letter}
		t.key, t.squeezed, t.stretched, buf = normalize(text[start:i], letter, buf)
		toks = append(toks, t)
	}
	return toks
}

func inWord(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func startsWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

// normalize returns the keys of one token (see token), using buf as
// scratch space. Digits are read as letters only in a token that has a
// letter, so that numbers stay numbers.
func normalize(raw string, letter bool, buf []byte) (key, squeezed string, stretched bool, _ []byte) {
	buf = buf[:0]
	var last rune
	run := 0
	emit := func(c rune) {
		if c == last {
			run++
		} else {
			last, run = c, 1
		}
		if run <= 2 {
			buf = utf8.AppendRune(buf, c)
		}
		if run == 3 {
			stretched = true
		}
	}
	for _, r := range raw {
		if unicode.Is(unicode.Mn, r) {
			continue // a combining accent: "e\u0301" is "é", which folds to "e"
		}
		if letter {
			r = unleet(r)
		}
		r = unicode.ToLower(r)
		if f := folded(r); f != "" {
			for _, c := range f {
				emit(c)
			}
			continue
		}
		emit(r)
	}
	key = string(buf)
	return key, squeeze(key), stretched, buf
}

// unleet reads the digits and signs that stand in for letters.
func unleet(r rune) rune {
	switch r {
	case '0':
		return 'o'
	case '1':
		return 'i'
	case '3':
		return 'e'
	case '4', '@':
		return 'a'
	case '$':
		return 's'
	}
	return r
}

// folded returns r without its accent, or "" when r has none.
func folded(r rune) string {
	if r < 0xC0 {
		return ""
	}
	return folds[r]
}

// folds drops the accents of the Latin letters used in European languages.
var folds = func() map[rune]string {
	m := map[rune]string{'æ': "ae", 'œ': "oe", 'ß': "ss", 'ẞ': "ss"}
	for base, accented := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćčĉċ", "d": "ďđ", "e": "èéêëēĕėęě",
		"g": "ğĝġģ", "i": "ìíîïĩīĭįı", "l": "łľĺļ", "n": "ñńňņ",
		"o": "òóôõöøōŏő", "r": "řŕŗ", "s": "śšşŝș", "t": "ťţț",
		"u": "ùúûüũūŭůűų", "y": "ýÿŷ", "z": "źżž",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()

// squeeze cuts every run of one letter to one.
func squeeze(s string) string {
	if !hasRun(s) {
		return s
	}
	var b strings.Builder
	var last rune = -1
	for _, r := range s {
		if r != last {
			b.WriteRune(r)
			last = r
		}
	}
	return b.String()
}

func hasRun(s string) bool {
	var last rune = -1
	for _, r := range s {
		if r == last {
			return true
		}
		last = r
	}
	return false
}

// dict is a set of listed words and phrases, by key.
type dict struct {
	words    map[string]bool // keys of one-word entries
	squeezed map[string]bool // squeezed keys of one-word entries
	// phrases maps the squeezed key of a phrase's first word to the
	// squeezed keys of its words, longest phrase first.
	phrases map[string][][]string
}

// umlauts spells out German umlauts, so that a word listed with one also
// matches when written without ("Arschloecher").
var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue")

func newDict(lists ...[]string) *dict {
	d := &dict{words: map[string]bool{}, squeezed: map[string]bool{}, phrases: map[string][][]string{}}
	add := func(entry string) {
		toks := tokenize(entry)
		switch len(toks) {
		case 0: // New refuses an entry without a letter
		case 1:
			d.words[toks[0].key] = true
			d.squeezed[toks[0].squeezed] = true
		default:
			keys := make([]string, len(toks))
			for i, t := range toks {
				keys[i] = t.squeezed
			}
			d.phrases[keys[0]] = append(d.phrases[keys[0]], keys)
		}
	}
	for _, list := range lists {
		for _, entry := range list {
			add(entry)
			if spelled := umlauts.Replace(entry); spelled != entry {
				add(spelled)
			}
		}
	}
	for _, ps := range d.phrases {
		slices.SortStableFunc(ps, func(a, b []string) int { return len(b) - len(a) })
	}
	return d
}

// find returns a Word hit for each listed word or phrase among toks,
// preferring the longest phrase where several start at the same token.
func (d *dict) find(toks []token) []Hit {
	var hits []Hit
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if !t.letter {
			continue
		}
		if n := d.phrase(toks[i:]); n > 0 {
			hits = append(hits, hit(Word, t.start, toks[i+n-1].end))
			i += n - 1
			continue
		}
		if d.words[t.key] || t.stretched && d.squeezed[t.squeezed] {
			hits = append(hits, hit(Word, t.start, t.end))
		}
	}
	return hits
}

// phrase returns the number of tokens of the longest phrase that toks start
// with, or 0.
func (d *dict) phrase(toks []token) int {
next:
	for _, p := range d.phrases[toks[0].squeezed] {
		if len(p) > len(toks) {
			continue
		}
		for k := 1; k < len(p); k++ {
			if toks[k].squeezed != p[k] {
				continue next
			}
		}
		return len(p)
	}
	return 0
}
