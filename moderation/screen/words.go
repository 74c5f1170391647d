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

// entry is one line of a word list: a word or phrase, and the languages
// in whose texts it is an ordinary word and so not checked ("bite !en":
// French slang, an English word).
type entry struct {
	text   string
	except []string
}

func parseList(list string) []entry {
	var entries []entry
	for line := range strings.Lines(list) {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		e := entry{text: line}
		if i := strings.Index(line, " !"); i >= 0 {
			e.text = strings.TrimSpace(line[:i])
			e.except = strings.Split(strings.TrimSpace(line[i+2:]), ",")
		}
		entries = append(entries, e)
	}
	return entries
}

// token is a run of letters and digits in a text, with the keys it is
// looked up by.
type token struct {
	start, end int // byte offsets in the text
	// key is the token in lower case, accents dropped (ß is ss), leetspeak
	// read as letters, and every run of one letter cut to two: "Connnard"
	// and "c0nnard" are "connard". A "*" standing for a letter stays "*".
	key string
	// squeezed is key with every run cut to one: "idiooot" is "idiot". A
	// word is looked up squeezed only when it is stretched, so that "cône"
	// does not match "conne"; phrases are always compared squeezed.
	squeezed string
	// alt is key with the "1"s read as "l" rather than "i" ("1oser"), or
	// "" when the token has no "1".
	alt       string
	stretched bool // a letter was repeated three times or more
	letter    bool // the token has a letter (not only digits)
	wild      bool // key has a "*" standing for a letter ("f*ck")
}

// tokenize splits text into tokens. Apostrophes, hyphens and every other
// sign separate tokens, except that @ and $ inside a word are read as
// letters ("b@tard", "a$$hole"), as is a $ before one ("$hit"), an "!"
// between letters ("b!tch"), and a "*" between letters stands for one
// ("f*ck", "sh**").
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
		letter, wild := false, false
		for i < len(text) {
			r, n = utf8.DecodeRuneInString(text[i:])
			if r == '*' || r == '!' {
				// "!" between letters only; "*" also ends a word ("sh**").
				j := i
				for j < len(text) && text[j] == byte(r) {
					j++
				}
				inside := j < len(text) && startsWord(text[j:])
				if !inside && (r == '!' || !letter) {
					break
				}
				wild = wild || r == '*'
				i = j
				if !inside {
					break
				}
				continue
			}
			if !inWord(r) && r != '@' && r != '$' {
				break
			}
			letter = letter || unicode.IsLetter(r)
			i += n
		}
		t := token{start: start, end: i, letter: letter, wild: wild && letter}
		t.key, t.squeezed, t.alt, t.stretched, buf = normalize(text[start:i], letter, buf)
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
func normalize(raw string, letter bool, buf []byte) (key, squeezed, alt string, stretched bool, _ []byte) {
	buf = buf[:0]
	var last rune
	run, ones := 0, false
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
			ones = ones || r == '1'
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
	if ones {
		alt, _, _, _, buf = normalize(strings.ReplaceAll(raw, "1", "l"), letter, buf)
	}
	return key, squeeze(key), alt, stretched, buf
}

// unleet reads the digits and signs that stand in for letters.
func unleet(r rune) rune {
	switch r {
	case '0':
		return 'o'
	case '1', '!':
		return 'i'
	case '3':
		return 'e'
	case '4', '@':
		return 'a'
	case '5', '$':
		return 's'
	case '7':
		return 't'
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
	longest int // bytes in the longest key of words
}

// umlauts spells out German umlauts, so that a word listed with one also
// matches when written without ("Arschloecher").
var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue")

func newDict(entries []string) *dict {
	d := &dict{words: map[string]bool{}, squeezed: map[string]bool{}, phrases: map[string][][]string{}}
	add := func(entry string) {
		toks := tokenize(entry)
		switch len(toks) {
		case 0: // New refuses an entry without a letter
		case 1:
			d.words[toks[0].key] = true
			d.squeezed[toks[0].squeezed] = true
			d.longest = max(d.longest, len(toks[0].key))
		default:
			keys := make([]string, len(toks))
			for i, t := range toks {
				keys[i] = t.squeezed
			}
			d.phrases[keys[0]] = append(d.phrases[keys[0]], keys)
		}
	}
	for _, entry := range entries {
		add(entry)
		if spelled := umlauts.Replace(entry); spelled != entry {
			add(spelled)
		}
	}
	for _, ps := range d.phrases {
		slices.SortStableFunc(ps, func(a, b []string) int { return len(b) - len(a) })
	}
	return d
}

// find returns a Word hit for each listed word or phrase among toks (of
// text), preferring the longest phrase where several start at the same
// token, and for listed words spelled out letter by letter ("f u c k",
// "c.o.n.n.a.r.d").
func (d *dict) find(text string, toks []token) []Hit {
	var hits []Hit
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if n := d.spaced(text, toks[i:]); n > 0 {
			hits = append(hits, hit(Word, t.start, toks[i+n-1].end))
			i += n - 1
			continue
		}
		if !t.letter {
			continue
		}
		if n := d.phrase(toks[i:]); n > 0 {
			hits = append(hits, hit(Word, t.start, toks[i+n-1].end))
			i += n - 1
			continue
		}
		if d.words[t.key] || t.alt != "" && d.words[t.alt] || t.stretched && d.squeezed[t.squeezed] || t.wild && d.wildcard(t.key) {
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

// wildcard reports whether key, with each "*" standing for one letter,
// is a listed word: "f*ck", "sh**". At least half of it must be letters,
// so that "a***" is not every listed word of four letters.
func (d *dict) wildcard(key string) bool {
	stars := strings.Count(key, "*")
	if 2*stars > len(key) {
		return false
	}
next:
	for w := range d.words {
		if len(w) != len(key) {
			continue
		}
		for i := range len(w) {
			if key[i] != '*' && key[i] != w[i] {
				continue next
			}
		}
		return true
	}
	return false
}

// spaced returns the number of tokens, at the start of toks, of a listed
// word spelled out one letter at a time with one to three signs or spaces
// between the letters ("f u c k", "f.u.c.k", "k-y-s"), or 0. Three
// letters or more: "e.g." and "a b" are not words.
func (d *dict) spaced(text string, toks []token) int {
	if len(toks) < 3 || !single(text, toks[0]) {
		return 0
	}
	var word []byte
	best := 0
	for k := 0; k < len(toks) && len(word) < d.longest; k++ {
		t := toks[k]
		if !single(text, t) || k > 0 && !spacedGap(text[toks[k-1].end:t.start]) {
			break
		}
		word = append(word, t.key...)
		if !t.letter {
			word[len(word)-1] = byte(unleet(rune(word[len(word)-1])))
		}
		if k >= 2 && d.words[string(word)] {
			best = k + 1
		}
	}
	return best
}

// single reports whether t is one letter, or one digit that leetspeak
// reads as a letter.
func single(text string, t token) bool {
	if utf8.RuneCountInString(text[t.start:t.end]) != 1 {
		return false
	}
	return t.letter || unleet(rune(text[t.start])) != rune(text[t.start])
}

// spacedGap reports whether gap, between two letters of a word spelled
// out, is one to three spaces or signs on one line.
func spacedGap(gap string) bool {
	if gap == "" || utf8.RuneCountInString(gap) > 3 {
		return false
	}
	for _, r := range gap {
		if r == '\n' || r == '\r' || unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
