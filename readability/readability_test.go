package readability

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"chorus/fault"
)

func TestSyllables(t *testing.T) {
	tests := []struct {
		lang string
		want map[string]int
	}{
		{"en", map[string]int{
			"the": 1, "cat": 1, "you": 1, "yes": 1, "free": 1, "style": 1,
			"make": 1, "age": 1, "one": 1, "write": 1, // silent final e
			"table": 2, "little": 2, "people": 2, "simple": 2, // -le is heard
			"jumped": 1, "used": 1, "wanted": 2, "needed": 2, "agreed": 2, // -ed
			"makes": 1, "rules": 1, "boxes": 2, "ages": 2, "tables": 2, "purposes": 3, // -es
			"safely": 2, "likely": 2, "statement": 2, // silent e before a suffix
			"data": 2, "privacy": 3, "company": 3, "personal": 3, "processing": 3,
			"information": 4, "children": 2, "understand": 3, "beautiful": 3,
			"language": 2, "usually": 4, "media": 3, "radio": 3, "situation": 4,
			"service": 2, "notice": 2, "online": 2, "someone": 2, "unique": 2,
			"security": 4, "appropriate": 4, "organisational": 6, "implementation": 5,
			"don't": 1, "e-mail": 2, "child-friendly": 3, "13": 1,
		}},
		{"fr", map[string]int{
			"enfant": 2, "maison": 2, "oiseau": 2, "beaucoup": 2, "aujourd'hui": 3,
			"école": 2, "table": 1, "personne": 2, "simple": 1, "guerre": 1, "être": 1, // silent e
			"tables": 1, "données": 2, "idée": 2, "créée": 2, "vie": 1, "joue": 1, // silent e, es
			"parlent": 1, "doivent": 1, "utilisent": 3, // silent -ent
			"souvent": 2, "transparent": 3, "moment": 2, "rapidement": 4, // heard -ent
			"réalité": 4, "créer": 2, "naïf": 2, "Noël": 2, // hiatus after é, diaeresis
			"application": 4, "confidentialité": 6, "accueil": 2, "quelque": 1,
			"l'": 0, "qu'": 0, "jusqu'": 1, // an elided word has no syllable of its own
		}},
		{"de", map[string]int{
			"Kinder": 2, "Daten": 2, "Eltern": 2, "schön": 1, "Straße": 2, "Spiel": 1,
			"Einwilligung": 4, "Datenschutzerklärung": 6, "verständlich": 3,
			"vielleicht": 2, "Mauer": 2, "Bäume": 2, "Feuer": 2, "Leute": 2, // ei ie au äu eu
			"Äußerung": 3, "freie": 2, "beeinträchtigen": 5, "Quelle": 2,
			"Theater": 3, "Poesie": 3, "Situation": 5, // other vowel pairs are two
			"Implementierungskosten": 7, "Verantwortliche": 5,
		}},
	}
	for _, tt := range tests {
		l, _ := languageOf(tt.lang)
		for word, want := range tt.want {
			t.Run(tt.lang+"/"+word, func(t *testing.T) {
				if got := l.syllables(word); got != want {
					t.Errorf("syllables(%q) = %d, want %d", word, got, want)
				}
			})
		}
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name, lang, text string
		want             []string
	}{
		{"title abbreviation", "en", "Dr. Smith arrived. He sat down.",
			[]string{"Dr. Smith arrived.", "He sat down."}},
		{"e.g. before a capital", "en", "We need some data, e.g. Your name. Then we stop.",
			[]string{"We need some data, e.g. Your name.", "Then we stop."}},
		{"etc. ends before a capital", "en", "Apples, pears, etc. We like them.",
			[]string{"Apples, pears, etc.", "We like them."}},
		{"etc. inside", "en", "Apples, pears, etc. are fruit.",
			[]string{"Apples, pears, etc. are fruit."}},
		{"initials", "en", "J. K. Rowling wrote it.",
			[]string{"J. K. Rowling wrote it."}},
		{"ellipsis before lower case", "en", "Wait... what? Really!",
			[]string{"Wait... what?", "Really!"}},
		{"ellipsis character", "en", "Well… Maybe.",
			[]string{"Well…", "Maybe."}},
		{"interrobang run", "en", "Really?! Yes.",
			[]string{"Really?!", "Yes."}},
		{"decimal number and domain", "en", "It costs 3.50 euros on example.com today. Thanks.",
			[]string{"It costs 3.50 euros on example.com today.", "Thanks."}},
		{"closing quote", "en", `He said "Stop." Then he left.`,
			[]string{`He said "Stop."`, "Then he left."}},
		{"opening bracket", "en", "Fine. (We ask first.) Done.",
			[]string{"Fine.", "(We ask first.)", "Done."}},
		{"list items and line breaks", "en", "You can:\n- ask us\n* delete it\n1. First item\n2) Second item\n(a) Third\n\nLast line without a dot",
			[]string{"You can:", "ask us", "delete it", "First item", "Second item", "Third", "Last line without a dot"}},
		{"line break without punctuation", "en", "Your data\nOur promise",
			[]string{"Your data", "Our promise"}},
		{"M. and etc.", "fr", "M. Dupont est là. Il parle, etc. Bien.",
			[]string{"M. Dupont est là.", "Il parle, etc.", "Bien."}},
		{"space before ! and ?", "fr", "Bonjour ! Ça va ?",
			[]string{"Bonjour !", "Ça va ?"}},
		{"guillemets", "fr", "« Oui. » Non.",
			[]string{"« Oui. »", "Non."}},
		{"z.B. before a noun", "de", "Wir speichern z.B. Namen. Das ist gut.",
			[]string{"Wir speichern z.B. Namen.", "Das ist gut."}},
		{"Art. before a number", "de", "Siehe Art. 12 DSGVO. Danke.",
			[]string{"Siehe Art. 12 DSGVO.", "Danke."}},
		{"usw. at the end", "de", "Äpfel, Birnen usw. Das war's.",
			[]string{"Äpfel, Birnen usw.", "Das war's."}},
		{"German quotes", "de", "Er sagte „Nein.“ Dann ging er.",
			[]string{"Er sagte „Nein.“", "Dann ging er."}},
		{"no words", "en", "... !!\n- \n",
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.name, func(t *testing.T) {
			l, _ := languageOf(tt.lang)
			var got []string
			for _, s := range split(tt.text, l) {
				got = append(got, tt.text[s.start:s.end])
			}
			if !equal(got, tt.want) {
				t.Errorf("split(%q)\n got %q\nwant %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		name, lang, text string
		want             []string
	}{
		{"elision splits in French", "fr", "l'application qu’il aujourd'hui c'est-à-dire",
			[]string{"l'", "application", "qu’", "il", "aujourd'hui", "c'", "est-à-dire"}},
		{"contractions stay whole in English", "en", "don't it’s children's",
			[]string{"don't", "it’s", "children's"}},
		{"accents and ß", "de", "Straße, Größe; Äußerung.",
			[]string{"Straße", "Größe", "Äußerung"}},
		{"hyphens and numbers", "en", "e-mail at 13, or 1,000 in 2024 - not -",
			[]string{"e-mail", "at", "13", "or", "1,000", "in", "2024", "not"}},
		{"inclusive writing", "fr", "les utilisateur·rice·s",
			[]string{"les", "utilisateur·rice·s"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.name, func(t *testing.T) {
			l, _ := languageOf(tt.lang)
			var got []string
			for _, s := range split(tt.text, l) {
				for _, w := range s.words {
					got = append(got, tt.text[w.start:w.end])
				}
			}
			if !equal(got, tt.want) {
				t.Errorf("words of %q\n got %q\nwant %q", tt.text, got, tt.want)
			}
		})
	}
}

// Reference texts: a child-friendly privacy notice and a GDPR clause
// (Art. 32(1)) in each language. The counts were made by hand.
var references = []struct {
	lang                           string
	simple, complex                string
	sentences, words, syllables    int // of simple
	cSentences, cWords, cSyllables int // of complex
}{
	{
		lang:      "en",
		simple:    "We keep your data safe. You can ask us to delete it. We never sell it.",
		sentences: 3, words: 16, syllables: 19,
		complex: "Taking into account the state of the art, the cost of implementation and the nature, scope, " +
			"context and purposes of processing, the controller shall implement appropriate technical and " +
			"organisational measures to ensure a level of security appropriate to the risk.",
		cSentences: 1, cWords: 40, cSyllables: 76,
	},
	{
		lang:      "fr",
		simple:    "Nous gardons tes données. Tu peux nous demander de les effacer. Nous ne les vendons jamais.",
		sentences: 3, words: 16, syllables: 24,
		complex: "Compte tenu de l'état des connaissances, des coûts de mise en œuvre et de la nature, de la portée, " +
			"du contexte et des finalités du traitement, le responsable du traitement met en œuvre les mesures " +
			"techniques et organisationnelles appropriées afin de garantir un niveau de sécurité adapté au risque.",
		cSentences: 1, cWords: 50, cSyllables: 83,
	},
	{
		lang:      "de",
		simple:    "Wir schützen deine Daten. Du kannst uns bitten, sie zu löschen. Wir verkaufen sie nie.",
		sentences: 3, words: 15, syllables: 22,
		complex: "Unter Berücksichtigung des Stands der Technik, der Implementierungskosten und der Art, des Umfangs, " +
			"der Umstände und der Zwecke der Verarbeitung trifft der Verantwortliche geeignete technische und " +
			"organisatorische Maßnahmen, um ein dem Risiko angemessenes Schutzniveau zu gewährleisten.",
		cSentences: 1, cWords: 36, cSyllables: 83,
	},
}

// formula is the published formula of each language, written out again so
// that the test does not trust the code under test.
func formula(lang string, sentences, words, syllables int) float64 {
	wps, spw := float64(words)/float64(sentences), float64(syllables)/float64(words)
	switch lang {
	case "en":
		return 206.835 - 1.015*wps - 84.6*spw
	case "fr":
		return 207 - 1.015*wps - 73.6*spw
	default:
		return 180 - wps - 58.5*spw
	}
}

func TestAnalyzeReferenceTexts(t *testing.T) {
	scales := map[string]Scale{"en": FleschReadingEase, "fr": KandelMoles, "de": Amstad}
	for _, ref := range references {
		t.Run(ref.lang, func(t *testing.T) {
			simple := mustAnalyze(t, ref.simple, ref.lang)
			complex := mustAnalyze(t, ref.complex, ref.lang)
			for _, c := range []struct {
				name                       string
				r                          Report
				sentences, words, syllable int
			}{
				{"simple", simple, ref.sentences, ref.words, ref.syllables},
				{"complex", complex, ref.cSentences, ref.cWords, ref.cSyllables},
			} {
				if c.r.Sentences != c.sentences || c.r.Words != c.words || c.r.Syllables != c.syllable {
					t.Errorf("%s: got %d sentences, %d words, %d syllables; want %d, %d, %d",
						c.name, c.r.Sentences, c.r.Words, c.r.Syllables, c.sentences, c.words, c.syllable)
				}
				want := formula(ref.lang, c.sentences, c.words, c.syllable)
				if math.Abs(c.r.Score-want) > 1e-9 {
					t.Errorf("%s: got score %v, want %v", c.name, c.r.Score, want)
				}
				if c.r.Band != BandOf(want) {
					t.Errorf("%s: got band %s, want %s", c.name, c.r.Band, BandOf(want))
				}
				if c.r.Scale != scales[ref.lang] || c.r.Language != ref.lang {
					t.Errorf("%s: got scale %s for %s, want %s for %s", c.name, c.r.Scale, c.r.Language, scales[ref.lang], ref.lang)
				}
			}
			if simple.Score <= complex.Score {
				t.Errorf("got simple %.1f <= complex %.1f, want the notice to score higher than the clause", simple.Score, complex.Score)
			}
			if simple.Band != VeryEasy && simple.Band != Easy {
				t.Errorf("simple: got band %s, want very_easy or easy", simple.Band)
			}
			if complex.Band != Difficult && complex.Band != VeryDifficult {
				t.Errorf("complex: got band %s, want difficult or very_difficult", complex.Band)
			}
			if len(complex.LongSentences) != 1 || complex.LongSentences[0].Words != ref.cWords {
				t.Errorf("complex: got long sentences %+v, want the one clause of %d words", complex.LongSentences, ref.cWords)
			}
			if len(complex.RareWords) == 0 {
				t.Errorf("complex: got no rare words, want some")
			}
		})
	}
}

func TestBandOf(t *testing.T) {
	tests := []struct {
		score float64
		want  Band
	}{
		{120, VeryEasy}, {90, VeryEasy}, {89.9, Easy}, {80, Easy}, {75, FairlyEasy},
		{65, Standard}, {55, FairlyDifficult}, {30, Difficult}, {29.9, VeryDifficult}, {-40, VeryDifficult},
	}
	for _, tt := range tests {
		if got := BandOf(tt.score); got != tt.want {
			t.Errorf("BandOf(%v) = %s, want %s", tt.score, got, tt.want)
		}
	}
}

func TestLongSentences(t *testing.T) {
	short := "This is short."
	long21 := "This first long sentence has twenty one words, which is just one word over the limit, so it is left out."
	long25 := "This other sentence is longer than the first long one, since it keeps going with many more small words until it has twenty five words."
	long23 := "Here is a third long sentence that also goes on for a while so that it ends up with twenty three words today."
	long22 := "A fourth long sentence, with twenty two words in all, still makes the list because the first one is a bit shorter."
	text := short + " " + long21 + "\n" + long25 + " " + long23 + " " + long22
	r := mustAnalyze(t, text, "en")
	want := []struct {
		text  string
		words int
	}{{long25, 25}, {long23, 23}, {long22, 22}}
	if len(r.LongSentences) != len(want) {
		t.Fatalf("got %d long sentences, want %d: %+v", len(r.LongSentences), len(want), r.LongSentences)
	}
	for i, w := range want {
		s := r.LongSentences[i]
		if got := text[s.Start:s.End]; got != w.text || s.Words != w.words {
			t.Errorf("long sentence %d: got %q (%d words), want %q (%d words)", i, got, s.Words, w.text, w.words)
		}
	}
	// Exactly twenty words is not above the threshold.
	twenty := "One two three four five six seven eight nine ten one two three four five six seven eight nine ten."
	if r := mustAnalyze(t, twenty, "en"); r.Words != 20 || len(r.LongSentences) != 0 {
		t.Errorf("twenty words: got %d words and %d long sentences, want 20 and 0", r.Words, len(r.LongSentences))
	}
}

func TestRareWords(t *testing.T) {
	tests := []struct {
		name, lang, text string
		want             []string
	}{
		{"legal words", "en", "Our pseudonymisation of 2024 data is fine, and your interoperability too.",
			[]string{"pseudonymisation", "interoperability"}},
		{"common words, plurals and short words", "en", "We keep your friends' names safe. Ask us why, or say no.",
			nil},
		{"every occurrence", "en", "Pseudonymisation. More pseudonymisation.",
			[]string{"Pseudonymisation", "pseudonymisation"}},
		{"French elision and plurals", "fr", "L'interopérabilité des enfants et des personnes",
			[]string{"interopérabilité"}},
		{"German compounds are rare", "de", "Die Datenschutzerklärung für Kinder ist gut.",
			[]string{"Datenschutzerklärung"}},
		{"numbers are never rare", "de", "Seit 123456789 und 3.14159.",
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.name, func(t *testing.T) {
			r := mustAnalyze(t, tt.text, tt.lang)
			var got []string
			for _, w := range r.RareWords {
				if tt.text[w.Start:w.End] != w.Text {
					t.Errorf("rare word %q: got text[%d:%d] = %q", w.Text, w.Start, w.End, tt.text[w.Start:w.End])
				}
				got = append(got, w.Text)
			}
			if !equal(got, tt.want) {
				t.Errorf("got rare words %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOffsetsAreBytes(t *testing.T) {
	// Multi-byte letters before the word: offsets count bytes, not runes.
	text := "Ça, c'était l'été. Élèves et « professeurs » discutent la confidentialité et l'interopérabilité de leurs données avec beaucoup de personnes différentes chaque jour à l'école aujourd'hui."
	r := mustAnalyze(t, text, "fr")
	if len(r.LongSentences) != 1 {
		t.Fatalf("got %d long sentences, want 1", len(r.LongSentences))
	}
	s := r.LongSentences[0]
	if got, want := text[s.Start:s.End], text[strings.Index(text, "Élèves"):]; got != want {
		t.Errorf("got long sentence %q, want %q", got, want)
	}
	found := false
	for _, w := range r.RareWords {
		if w.Text == "interopérabilité" {
			found = true
			if want := strings.Index(text, "interopérabilité"); w.Start != want || w.End != want+len("interopérabilité") {
				t.Errorf("got offsets %d:%d, want %d:%d", w.Start, w.End, want, want+len("interopérabilité"))
			}
		}
	}
	if !found {
		t.Errorf("got rare words %+v, want interopérabilité among them", r.RareWords)
	}
}

func TestAnalyzeEmpty(t *testing.T) {
	for _, text := range []string{"", "   ", "\n\t \r\n", "... !? …", "- \n* \n"} {
		for _, lang := range []string{"en", "fr", "de"} {
			r := mustAnalyze(t, text, lang)
			if r.Score != 0 || math.IsNaN(r.Score) || r.Band != NoText || r.Sentences != 0 || r.Words != 0 || r.Syllables != 0 {
				t.Errorf("Analyze(%q, %s): got %+v, want a zero report with band no_text", text, lang, r)
			}
			if r.LongSentences == nil || r.RareWords == nil {
				t.Errorf("Analyze(%q, %s): got nil lists, want empty ones (JSON [])", text, lang)
			}
			if _, err := json.Marshal(r); err != nil {
				t.Errorf("Analyze(%q, %s): got %v marshalling, want JSON", text, lang, err)
			}
		}
	}
}

func TestAnalyzeLanguage(t *testing.T) {
	for _, lang := range []string{"en", "EN", "fr-CA", "de_AT", " de "} {
		if _, err := Analyze("Hello.", lang); err != nil {
			t.Errorf("Analyze(_, %q): got %v, want no error", lang, err)
		}
	}
	for _, lang := range []string{"", "es", "english", "e"} {
		_, err := Analyze("Hola.", lang)
		var f *fault.Error
		if !errors.As(err, &f) || f.Code != fault.Invalid {
			t.Errorf("Analyze(_, %q): got %v, want a fault.Invalid error", lang, err)
		}
	}
}

func TestWordLists(t *testing.T) {
	for _, c := range []struct {
		lang   string
		common map[string]struct{}
		has    []string
	}{
		{"en", commonEN(), []string{"you", "the", "privacy", "children"}},
		{"fr", commonFR(), []string{"vous", "être", "personnes", "aujourd"}},
		{"de", commonDE(), []string{"ich", "daten", "kinder", "straße"}},
	} {
		if got := len(c.common); got != 5000 {
			t.Errorf("%s: got %d common words, want 5000", c.lang, got)
		}
		for _, w := range c.has {
			if _, ok := c.common[w]; !ok {
				t.Errorf("%s: got no %q in the common words, want it", c.lang, w)
			}
		}
	}
}

// tenKB returns a 10 KB English text of mixed sentences.
func tenKB() string {
	var b strings.Builder
	for b.Len() < 10<<10 {
		b.WriteString(references[0].simple + " " + references[0].complex + "\n- We ask your parents first, e.g. when you are under 13.\n")
	}
	return b.String()
}

func BenchmarkAnalyze(b *testing.B) {
	text := tenKB()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := Analyze(text, "en"); err != nil {
			b.Fatal(err)
		}
	}
}

func mustAnalyze(t *testing.T, text, lang string) Report {
	t.Helper()
	r, err := Analyze(text, lang)
	if err != nil {
		t.Fatalf("Analyze(%q, %s): %v", text, lang, err)
	}
	return r
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
