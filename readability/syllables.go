package readability

import (
	"strings"
	"unicode"
)

// Syllables are estimated from groups of vowels, with each language's usual
// corrections. The estimate is wrong for some words (English "recipe",
// German "Museum") and right on average, which is what the formulas need.

// parts lower-cases word, drops apostrophes and everything that is not a
// letter, and cuts it at hyphens: "e-mail" is "e" and "mail", "don't" is
// "dont".
func parts(word string) [][]rune {
	var out [][]rune
	var cur []rune
	for _, r := range word {
		switch {
		case unicode.IsLetter(r):
			cur = append(cur, unicode.ToLower(r))
		case r == '-' || r == '‐' || r == '‑' || r == '·':
			if len(cur) > 0 {
				out = append(out, cur)
				cur = nil
			}
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// sumParts adds up count over the parts of word, at least one syllable a
// part and a word (a number is one syllable).
func sumParts(word string, count func([]rune) int) int {
	n := 0
	for _, p := range parts(word) {
		n += max(1, count(p))
	}
	return max(1, n)
}

// English.

func syllablesEN(word string) int { return sumParts(word, countEN) }

func isVowelEN(w []rune, i int) bool {
	switch w[i] {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	case 'y': // a consonant before a vowel at the start: yes, you
		return i > 0 || len(w) == 1 || !strings.ContainsRune("aeiou", w[1])
	}
	return false
}

func countEN(w []rune) int {
	// A silent e before a suffix: safe-ly, state-ment, care-ful.
	for _, suffix := range []string{"ly", "ful", "ness", "less", "ment"} {
		s := []rune(suffix)
		if stem := len(w) - len(s); stem >= 4 && w[stem-1] == 'e' && string(w[stem:]) == suffix {
			return max(1, countEN(w[:stem])) + countEN(s)
		}
	}
	n := 0
	for i := range w {
		if isVowelEN(w, i) && (i == 0 || !isVowelEN(w, i-1)) {
			n++
		}
	}
	if n <= 1 {
		return n
	}
	// Vowel pairs that are two syllables: me-di-a, ra-di-o, u-su-al, pre-mi-um.
	for i := 1; i < len(w); i++ {
		a, b, before := w[i-1], w[i], rune(0)
		if i >= 2 {
			before = w[i-2]
		}
		switch {
		case a == 'i' && b == 'a' && !strings.ContainsRune("ctsg", before),
			a == 'i' && b == 'o' && !strings.ContainsRune("ctsxgln", before) && before != 0,
			a == 'u' && b == 'a' && !strings.ContainsRune("gq", before),
			a == 'i' && b == 'u':
			n++
		}
	}
	// A final e alone in its vowel group is silent (make, notice), and so
	// is the e of -ed and -es, except where it is heard: table, centre,
	// wanted, needed, boxes, wishes, pages, places, tables.
	l := len(w)
	consonant := func(i int) bool { return i >= 0 && !isVowelEN(w, i) }
	lr := func(i int) bool { // -ble, -tre: a consonant before l or r
		return (w[i] == 'l' || w[i] == 'r') && consonant(i-1) && w[i-1] != w[i]
	}
	switch {
	case strings.HasSuffix(string(w), "que"):
		n--
	case w[l-1] == 'e' && consonant(l-2):
		if !lr(l - 2) {
			n--
		}
	case l >= 3 && w[l-2] == 'e' && w[l-1] == 'd' && consonant(l-3):
		if w[l-3] != 't' && w[l-3] != 'd' {
			n--
		}
	case l >= 4 && w[l-2] == 'e' && w[l-1] == 's' && consonant(l-3):
		end := string(w[:l-1])
		heard := strings.ContainsRune("sxz", w[l-3]) || lr(l-3) ||
			strings.HasSuffix(end, "che") || strings.HasSuffix(end, "she") ||
			strings.HasSuffix(end, "ge") || strings.HasSuffix(end, "ce")
		if !heard {
			n--
		}
	}
	return max(1, n)
}

// French.

func isVowelFR(w []rune, i int) bool {
	switch w[i] {
	case 'a', 'e', 'i', 'o', 'y', 'à', 'â', 'ä', 'é', 'è', 'ê', 'ë', 'î', 'ï', 'ô', 'ö', 'ù', 'û', 'ü', 'ÿ', 'æ', 'œ':
		return true
	case 'u': // silent after q, and after g before e or i: quand, guerre, guide
		if i > 0 && w[i-1] == 'q' {
			return false
		}
		if i > 0 && w[i-1] == 'g' && i+1 < len(w) && strings.ContainsRune("eiéèêy", w[i+1]) {
			return false
		}
		return true
	}
	return false
}

// pronouncedENT are words whose final -ent is heard; in most other words
// ending in a consonant and -ent it is a silent verb ending (ils parlent).
var pronouncedENT = set("souvent", "parent", "présent", "absent", "accent", "argent", "content", "agent",
	"urgent", "talent", "évident", "différent", "intelligent", "excellent", "récent", "transparent",
	"prudent", "fréquent", "pertinent", "compétent", "cohérent", "permanent", "adolescent", "innocent",
	"décent", "serpent", "torrent", "équivalent", "résident", "président", "incident", "accident",
	"continent", "apparent", "violent", "consent", "dent", "vent", "cent", "lent", "gent",
	"précédent", "sergent", "régent", "ardent", "strident",
	"éloquent", "imminent", "éminent", "latent", "patent", "décadent", "confident", "omniprésent")

func syllablesFR(word string) int {
	n := 0
	for _, p := range parts(word) {
		c := countFR(p)
		// An elided word (l', qu', j') has no syllable of its own.
		if c > 0 || !strings.ContainsAny(word, "'’ʼ") {
			c = max(1, c)
		}
		n += c
	}
	return n
}

func countFR(w []rune) int {
	n, lastGroup := 0, -1 // lastGroup: where the last vowel group starts
	for i := range w {
		if !isVowelFR(w, i) {
			continue
		}
		// A new syllable starts after a consonant, after é (ré-a-li-té,
		// i-dé-e) and at a diaeresis (na-ïf, No-ël).
		if i == 0 || !isVowelFR(w, i-1) || w[i-1] == 'é' || strings.ContainsRune("ëïüÿ", w[i]) {
			n++
			lastGroup = i
		}
	}
	if n <= 1 {
		return n
	}
	// A final e alone in its vowel group is silent: table, idée, tables,
	// données, ils parlent.
	s, l := string(w), len(w)
	switch {
	case lastGroup == l-1 && w[l-1] == 'e',
		lastGroup == l-2 && w[l-2] == 'e' && w[l-1] == 's':
		n--
	case lastGroup == l-3 && strings.HasSuffix(s, "ent") && !strings.HasSuffix(s, "ment") && !pronouncedENT[s]:
		n--
	}
	return n
}

// German.

func isVowelDE(w []rune, i int) bool {
	switch w[i] {
	case 'a', 'e', 'i', 'o', 'y', 'ä', 'ö', 'ü':
		return true
	case 'u':
		return i == 0 || w[i-1] != 'q' // Quelle
	}
	return false
}

// diphthongDE lists the vowel pairs that make one syllable; any other pair
// is two (The-a-ter, Si-tu-a-ti-on).
var diphthongDE = set("ei", "ie", "au", "eu", "äu", "ai", "ey", "ay", "aa", "ee", "oo")

func syllablesDE(word string) int { return sumParts(word, countDE) }

func countDE(w []rune) int {
	n, size := 0, 0 // size of the current vowel group
	for i := range w {
		switch {
		case i >= 1 && i+1 < len(w) && string(w[i-1:i+2]) == "eau", // French loans: Niveau, Plateau
			i >= 2 && string(w[i-2:i+1]) == "eau":
			size++
		case !isVowelDE(w, i):
			size = 0
		case size == 1 && diphthongDE[string(w[i-1:i+1])]:
			size = 2
		default:
			n++
			size = 1
		}
	}
	return n
}
