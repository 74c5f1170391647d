package screen

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// addresses finds street addresses: a house number before the street in
// English ("221b Baker Street") and French ("5, rue de la Paix"), after it
// in German ("Hauptstraße 5", "Berliner Str. 12").
func addresses(text string, toks []token) []Hit {
	var hits []Hit
	for i := 0; i < len(toks); i++ {
		start, end, ok := addressAt(text, toks, i)
		if !ok {
			continue
		}
		if len(hits) > 0 && start < hits[len(hits)-1].End {
			continue
		}
		hits = append(hits, hit(Address, start, end))
		for i+1 < len(toks) && toks[i+1].start < end {
			i++
		}
	}
	return hits
}

// addressAt looks for an address whose street word is toks[i].
func addressAt(text string, toks []token, i int) (start, end int, ok bool) {
	t := toks[i]
	if !t.letter {
		return 0, 0, false
	}
	// English: number, one to three words of the name, street word. A
	// street word that is also a common word ("Close", "Park") counts only
	// capitalised after a capitalised name.
	if plain, common := enStreets[t.key], enStreetsCommon[t.key]; plain || common && capitalised(text, t) {
		for k := 1; k <= 3 && i-k-1 >= 0; k++ {
			name := toks[i-k]
			if !name.letter || hasDigit(text, name) || enNotName[name.key] || common && !capitalised(text, name) ||
				!joined(text, name, toks[i-k+1]) {
				break
			}
			if num := toks[i-k-1]; houseNumber(text[num.start:num.end]) && near(text, num, name) {
				return num.start, t.end, true
			}
		}
	}
	// French: number, street word, name ("de la Paix", "Victor Hugo"). A
	// street word that is also a common word ("place") counts only before a
	// capitalised name.
	if frStreets[t.key] && i >= 1 {
		num := toks[i-1]
		if num.key == "bis" || num.key == "ter" {
			if i < 2 || !near(text, toks[i-2], num) {
				return 0, 0, false
			}
			num = toks[i-2]
		}
		if !houseNumber(text[num.start:num.end]) || !near(text, toks[i-1], t) {
			return 0, 0, false
		}
		end, named := t.end, false
		for k := i + 1; k < len(toks) && k <= i+5 && toks[k].letter && joined(text, toks[k-1], toks[k]); k++ {
			if !named && frParticles[toks[k].key] || capitalised(text, toks[k]) || !named && frStreetsPlain[t.key] {
				end, named = toks[k].end, named || !frParticles[toks[k].key]
				continue
			}
			break
		}
		if !named {
			return 0, 0, false
		}
		return num.start, end, true
	}
	// German: a compound street name ("Hauptstraße", "Kirchweg") or a
	// capitalised word and a street word ("Berliner Straße"), then the
	// number, perhaps after "Nr.".
	start = t.start
	switch {
	case deStreets[t.key] && i >= 1 && capitalised(text, toks[i-1]) && !deNotName[toks[i-1].key] &&
		toks[i-1].letter && joined(text, toks[i-1], t):
		start = toks[i-1].start
	case !deCompound(t.key):
		return 0, 0, false
	}
	k := i + 1
	if k < len(toks) && (toks[k].key == "nr" || toks[k].key == "nummer") && near(text, t, toks[k]) {
		k++
	}
	if k < len(toks) && houseNumber(text[toks[k].start:toks[k].end]) && near(text, toks[k-1], toks[k]) {
		return start, toks[k].end, true
	}
	return 0, 0, false
}

var (
	enStreets       = set("street", "st", "road", "rd", "avenue", "ave", "lane", "boulevard", "blvd", "terrace", "crescent")
	enStreetsCommon = set("way", "close", "drive", "court", "place", "square", "row", "hill", "park", "grove", "gardens", "mews")
	// enNotName are words that do not name a street, so that "24 hours on
	// the road" is not an address.
	enNotName = set("the", "a", "an", "of", "on", "in", "at", "to", "for", "from", "by", "with", "and", "or",
		"my", "your", "our", "their", "his", "her", "its", "is", "are", "was", "per", "every", "each", "this", "that",
		"hour", "hours", "minute", "minutes", "day", "days", "week", "weeks", "month", "months", "year", "years", "time", "times")
	frStreetsPlain = set("rue", "avenue", "av", "boulevard", "bd", "impasse", "allee", "chemin", "quai", "chaussee")
	frStreets      = set("rue", "avenue", "av", "boulevard", "bd", "impasse", "allee", "chemin", "quai", "chaussee", "place", "route", "square")
	frParticles    = set("de", "du", "des", "la", "le", "les", "l", "d", "saint", "sainte")
	deStreets      = set("strasse", "str", "weg", "platz", "allee", "gasse")
	deSuffixes     = []string{"strasse", "str", "weg", "platz", "allee", "gasse", "damm", "ufer"}
	// deNotName are capitalised words before a street word that do not name
	// a street, so that "Auf Platz 3" is not an address.
	deNotName = set("auf", "am", "im", "in", "an", "zum", "zur", "der", "die", "das", "den", "dem", "des", "ein", "eine",
		"einen", "einem", "kein", "keine", "mein", "meine", "dein", "deine", "unser", "unsere", "euer", "eure", "ihr",
		"ihre", "sein", "seine", "von", "vom", "bis", "mit", "nach", "fur", "uber", "durch", "jeder", "jede", "jedes",
		"dieser", "diese", "dieses", "welcher", "welche", "welches")
)

// deCompound reports whether key is a German compound ending in a street
// word, with at least three letters before it.
func deCompound(key string) bool {
	for _, s := range deSuffixes {
		if len(key) >= len(s)+3 && strings.HasSuffix(key, s) {
			return true
		}
	}
	return false
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// houseNumber reports whether s is a house number: one to four digits,
// perhaps with a letter or "bis"/"ter" ("221b", "12bis").
func houseNumber(s string) bool {
	d := 0
	for d < len(s) && isDigit(s[d]) {
		d++
	}
	if d == 0 || d > 4 {
		return false
	}
	rest := strings.ToLower(s[d:])
	return rest == "" || len(rest) == 1 && rest[0] >= 'a' && rest[0] <= 'z' || rest == "bis" || rest == "ter"
}

func capitalised(text string, t token) bool {
	r, _ := utf8.DecodeRuneInString(text[t.start:])
	return unicode.IsUpper(r)
}

func hasDigit(text string, t token) bool {
	return strings.IndexFunc(text[t.start:t.end], unicode.IsDigit) >= 0
}

// near reports whether only a short gap of spaces, a comma or a dot
// separates the number of an address from its street ("12, rue", "Str. 5").
func near(text string, a, b token) bool { return gapOf(text[a.end:b.start], " \t\u00a0\u202f,.") }

// joined reports whether two words belong to one street name ("St Mary's",
// "de la Paix", "Konrad-Adenauer").
func joined(text string, a, b token) bool { return gapOf(text[a.end:b.start], " \t\u00a0\u202f-'’") }

func gapOf(gap, signs string) bool {
	if utf8.RuneCountInString(gap) > 3 {
		return false
	}
	for _, r := range gap {
		if !strings.ContainsRune(signs, r) {
			return false
		}
	}
	return true
}
