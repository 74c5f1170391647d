package readability

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The 5,000 most frequent words of each language; see data/README.md.
var (
	//go:embed data/en.txt
	wordsEN string
	//go:embed data/fr.txt
	wordsFR string
	//go:embed data/de.txt
	wordsDE string
)

var (
	commonEN = sync.OnceValue(func() map[string]struct{} { return wordSet(wordsEN) })
	commonFR = sync.OnceValue(func() map[string]struct{} { return wordSet(wordsFR) })
	commonDE = sync.OnceValue(func() map[string]struct{} { return wordSet(wordsDE) })
)

func wordSet(list string) map[string]struct{} {
	m := make(map[string]struct{}, 5000)
	for w := range strings.Lines(list) {
		if w = strings.TrimSpace(w); w != "" {
			m[w] = struct{}{}
		}
	}
	return m
}

// rare reports whether word (as it appears in the text) is outside the
// common words. Numbers and short words are never rare; a compound with
// hyphens or apostrophes is common when it is listed whole or when each of
// its long parts is.
func (l *language) rare(word string, common map[string]struct{}) bool {
	w := normalize(word)
	if letters(w) <= MaxShortWord || strings.IndexFunc(w, unicode.IsDigit) >= 0 {
		return false
	}
	if l.known(w, common) {
		return false
	}
	parts := strings.FieldsFunc(w, func(r rune) bool { return r == '\'' || r == '-' || r == '·' })
	if len(parts) < 2 {
		return true
	}
	for _, p := range parts {
		if letters(p) > MaxShortWord && !l.known(p, common) {
			return true
		}
	}
	return false
}

func (l *language) known(w string, common map[string]struct{}) bool {
	if _, ok := common[w]; ok {
		return true
	}
	for _, s := range l.stems(w) {
		if _, ok := common[s]; ok {
			return true
		}
	}
	return false
}

// normalize lower-cases a word and unifies apostrophes and hyphens the way
// the word lists spell them.
func normalize(word string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '’', 'ʼ':
			return '\''
		case '‐', '‑':
			return '-'
		}
		return unicode.ToLower(r)
	}, word)
}

func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// The stems functions undo the commonest inflections so that "settings"
// counts as common when "setting" is listed. Wrong stems are harmless: they
// can only make a word common that is common in another form.

func stemsEN(w string) []string {
	var s []string
	if v, ok := strings.CutSuffix(w, "'s"); ok {
		return []string{v}
	}
	if v, ok := strings.CutSuffix(w, "ies"); ok {
		s = append(s, v+"y")
	}
	if v, ok := strings.CutSuffix(w, "es"); ok {
		s = append(s, v)
	}
	if v, ok := strings.CutSuffix(w, "s"); ok {
		s = append(s, v)
	}
	if v, ok := strings.CutSuffix(w, "ed"); ok {
		s = append(s, v, v+"e")
	}
	if v, ok := strings.CutSuffix(w, "ing"); ok {
		s = append(s, v, v+"e")
	}
	if v, ok := strings.CutSuffix(w, "ly"); ok {
		s = append(s, v)
	}
	return s
}

func stemsFR(w string) []string {
	var s []string
	if v, ok := strings.CutSuffix(w, "aux"); ok {
		s = append(s, v+"al") // généraux → général
	}
	if v, ok := strings.CutSuffix(w, "s"); ok {
		s = append(s, v)
		w = v
	} else if v, ok := strings.CutSuffix(w, "x"); ok {
		s = append(s, v)
		w = v
	}
	if v, ok := strings.CutSuffix(w, "e"); ok {
		s = append(s, v) // personnelle → personnel
	}
	// Present-tense verbs: gardons, gardez → garder; vendons → vendre.
	for _, ending := range []string{"on", "ez"} {
		if v, ok := strings.CutSuffix(w, ending); ok && len(v) > 2 {
			s = append(s, v+"er", v+"re", v+"ir")
		}
	}
	return s
}

func stemsDE(w string) []string {
	var s []string
	for _, suffix := range []string{"ern", "en", "er", "es", "e", "n", "s"} {
		if v, ok := strings.CutSuffix(w, suffix); ok && utf8.RuneCountInString(v) > 2 {
			s = append(s, v)
		}
	}
	return s
}
