// Package readability is the plain-language check shown beside every pledge
// item: a readability score for the item's language, with the longest
// sentences and the rare words pointed out so that the writers can simplify
// them. The pledges ask services for age-appropriate language (GDPR Art. 12);
// the check holds the pledges to the same standard.
//
// Scores are heuristics. Syllables are estimated from vowel groups, not from
// a dictionary, and "rare" means "not among the 5,000 most frequent words in
// film subtitles" (see data/README.md). Use the report as a prompt to
// rewrite, never as a verdict.
package readability

import (
	"strings"

	"chorus/fault"
)

// Scale names the readability formula behind a score. All three are read
// the same way: 0 is very hard, 100 is very easy.
type Scale string

// The scales, one per language.
const (
	// FleschReadingEase is Flesch's formula for English:
	// 206.835 − 1.015·words/sentences − 84.6·syllables/words.
	FleschReadingEase Scale = "flesch_reading_ease"
	// KandelMoles is Kandel and Moles' adaptation for French:
	// 207 − 1.015·words/sentences − 73.6·syllables/words.
	KandelMoles Scale = "kandel_moles"
	// Amstad is Amstad's adaptation for German:
	// 180 − words/sentences − 58.5·syllables/words.
	Amstad Scale = "amstad"
)

// Band is a stable code for a range of scores (the UI translates it). The
// ranges are Flesch's, which the French and German adaptations keep.
type Band string

// The bands, easiest first. NoText is the band of a text without words.
const (
	VeryEasy        Band = "very_easy"        // 90 and above
	Easy            Band = "easy"             // 80 to 90
	FairlyEasy      Band = "fairly_easy"      // 70 to 80
	Standard        Band = "standard"         // 60 to 70
	FairlyDifficult Band = "fairly_difficult" // 50 to 60
	Difficult       Band = "difficult"        // 30 to 50
	VeryDifficult   Band = "very_difficult"   // below 30
	NoText          Band = "no_text"          // nothing to score
)

// BandOf returns the band a score falls in.
func BandOf(score float64) Band {
	switch {
	case score >= 90:
		return VeryEasy
	case score >= 80:
		return Easy
	case score >= 70:
		return FairlyEasy
	case score >= 60:
		return Standard
	case score >= 50:
		return FairlyDifficult
	case score >= 30:
		return Difficult
	default:
		return VeryDifficult
	}
}

const (
	// LongSentenceWords is the length, in words, a sentence must exceed
	// to be reported as long.
	LongSentenceWords = 20
	// MaxLongSentences is how many long sentences a report lists at most.
	MaxLongSentences = 3
	// MaxShortWord is the length, in letters, up to which a word is never
	// reported as rare.
	MaxShortWord = 3
)

// Report is the result of Analyze. Offsets are byte offsets into the
// analysed text (text[Start:End]); a browser working in UTF-16 code units
// must convert them.
type Report struct {
	Language  string  `json:"language"` // "en", "fr" or "de"
	Scale     Scale   `json:"scale"`
	Score     float64 `json:"score"` // may fall outside 0..100 for extreme texts
	Band      Band    `json:"band"`
	Sentences int     `json:"sentences"`
	Words     int     `json:"words"`
	Syllables int     `json:"syllables"`
	// LongSentences are the MaxLongSentences longest sentences of more than
	// LongSentenceWords words, longest first (earliest first on a tie).
	LongSentences []Sentence `json:"longSentences"`
	// RareWords are the occurrences, in text order, of words that are not
	// among the language's most frequent words. Numbers and words of up to
	// MaxShortWord letters are never rare.
	RareWords []Word `json:"rareWords"`
}

// Sentence is a sentence of the analysed text.
type Sentence struct {
	Start int `json:"start"`
	End   int `json:"end"`
	Words int `json:"words"`
}

// Word is a word of the analysed text.
type Word struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Analyze scores text written in lang ("en", "fr" or "de"; a region such as
// "fr-CA" is accepted and ignored). It returns a fault.Invalid error for
// other languages. A text without words gives a report with zero counts, a
// zero score and the band NoText.
func Analyze(text, lang string) (Report, error) {
	l, ok := languageOf(lang)
	if !ok {
		return Report{}, fault.Errorf(fault.Invalid, "The plain-language check works in English, French and German.")
	}
	r := Report{
		Language:      l.code,
		Scale:         l.scale,
		Band:          NoText,
		LongSentences: []Sentence{},
		RareWords:     []Word{},
	}
	common := l.common()
	for _, s := range split(text, l) {
		r.Sentences++
		r.Words += len(s.words)
		for _, w := range s.words {
			word := text[w.start:w.end]
			r.Syllables += l.syllables(word)
			if !w.number && l.rare(word, common) {
				r.RareWords = append(r.RareWords, Word{Start: w.start, End: w.end, Text: word})
			}
		}
		if len(s.words) > LongSentenceWords {
			r.LongSentences = insertLong(r.LongSentences, Sentence{Start: s.start, End: s.end, Words: len(s.words)})
		}
	}
	if r.Words == 0 {
		return r, nil
	}
	r.Score = l.score(float64(r.Words)/float64(r.Sentences), float64(r.Syllables)/float64(r.Words))
	r.Band = BandOf(r.Score)
	return r, nil
}

// insertLong keeps the MaxLongSentences longest sentences, longest first;
// sentences arrive in text order, so a tie keeps the earlier one first.
func insertLong(long []Sentence, s Sentence) []Sentence {
	i := len(long)
	for i > 0 && long[i-1].Words < s.Words {
		i--
	}
	if i >= MaxLongSentences {
		return long
	}
	long = append(long, Sentence{})
	copy(long[i+1:], long[i:])
	long[i] = s
	if len(long) > MaxLongSentences {
		long = long[:MaxLongSentences]
	}
	return long
}

// language holds what differs between the supported languages.
type language struct {
	code  string
	scale Scale
	// score applies the formula to words per sentence and syllables per word.
	score func(wps, spw float64) float64
	// syllables estimates the syllables of one word.
	syllables func(word string) int
	// common returns the set of frequent words (loaded once).
	common func() map[string]struct{}
	// stems returns candidate base forms of a lower-case word (plurals).
	stems func(word string) []string
	// abbrev: abbreviations (lower case, without the final dot) after which
	// a dot never ends a sentence; abbrevEnd: those that end one when the
	// next word starts with a capital ("etc.").
	abbrev, abbrevEnd map[string]bool
	// elision: French words that are split off at an apostrophe (l'avis).
	elision map[string]bool
}

func languageOf(tag string) (*language, bool) {
	primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	primary, _, _ = strings.Cut(primary, "_")
	switch primary {
	case "en":
		return english, true
	case "fr":
		return french, true
	case "de":
		return german, true
	}
	return nil, false
}

var english = &language{
	code:      "en",
	scale:     FleschReadingEase,
	score:     func(wps, spw float64) float64 { return 206.835 - 1.015*wps - 84.6*spw },
	syllables: syllablesEN,
	common:    commonEN,
	stems:     stemsEN,
	abbrev:    set("mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "vs", "e.g", "i.e", "cf", "approx", "incl"),
	abbrevEnd: set("etc", "inc", "ltd", "co", "corp", "a.m", "p.m", "no", "nos", "fig", "art", "sec", "para",
		"p", "pp", "vol", "ch", "dept", "min", "max", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
		"sep", "sept", "oct", "nov", "dec"),
}

var french = &language{
	code:      "fr",
	scale:     KandelMoles,
	score:     func(wps, spw float64) float64 { return 207 - 1.015*wps - 73.6*spw },
	syllables: syllablesFR,
	common:    commonFR,
	stems:     stemsFR,
	abbrev:    set("m", "mm", "mme", "mmes", "mlle", "mlles", "dr", "pr", "me", "st", "ste", "p.ex", "ex", "c.-à-d", "c-à-d", "cf", "env"),
	abbrevEnd: set("etc", "cie", "al", "art", "vol", "chap", "p", "av", "bd", "réf", "janv", "févr", "avr",
		"juil", "sept", "oct", "nov", "déc"),
	elision: set("l", "d", "j", "m", "n", "s", "t", "c", "ç", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"),
}

var german = &language{
	code:      "de",
	scale:     Amstad,
	score:     func(wps, spw float64) float64 { return 180 - wps - 58.5*spw },
	syllables: syllablesDE,
	common:    commonDE,
	stems:     stemsDE,
	abbrev: set("z.b", "d.h", "u.a", "z.t", "u.u", "s.o", "s.u", "i.d.r", "bzw", "ca", "dr", "prof", "hr",
		"fr", "vgl", "ggf", "evtl", "inkl", "bzgl", "sog", "gem", "lt", "zzgl", "s"),
	abbrevEnd: set("usw", "etc", "u.ä", "o.ä", "nr", "abs", "art", "mio", "mrd", "str", "st", "max", "min",
		"jan", "feb", "aug", "sept", "okt", "nov", "dez"),
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
