package screen

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"chorus/fault"
	"chorus/moderation/helpline"
)

// found renders hits as "kind:text" so that a failure shows what was hit
// and a wrong offset shows as wrong text.
func found(text string, r Result) []string {
	out := []string{}
	for _, h := range r.Hits {
		out = append(out, string(h.Kind)+":"+text[h.Start:h.End])
	}
	return out
}

type screenCase struct {
	name, lang, text string
	want             []string
}

func runCases(t *testing.T, s *Screener, tests []screenCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := s.Screen(tt.text, tt.lang)
			if err != nil {
				t.Fatalf("Screen(%q) error: %v", tt.text, err)
			}
			got := found(tt.text, r)
			if strings.Join(got, " | ") != strings.Join(tt.want, " | ") {
				t.Errorf("Screen(%q, %s)\n got  %q\n want %q", tt.text, tt.lang, got, tt.want)
			}
			if r.Held() != (len(tt.want) > 0) {
				t.Errorf("Held() = %v, want %v", r.Held(), len(tt.want) > 0)
			}
		})
	}
}

func TestPersonalData(t *testing.T) {
	runCases(t, builtin(), []screenCase{
		// E-mail addresses.
		{"email", "en", "Write to lena.k+panel@gmail.com today.", []string{"email:lena.k+panel@gmail.com"}},
		{"email accented", "fr", "Mon mail : zoé.martin@exemple.fr", []string{"email:zoé.martin@exemple.fr"}},
		{"email de", "de", "Schreib an max_muster@web.de!", []string{"email:max_muster@web.de"}},
		{"at sign alone", "en", "Meet @ 3 pm at school.", nil},

		// Phone numbers.
		{"uk international", "en", "Call me on +44 7700 900123.", []string{"phone:+44 7700 900123"}},
		{"uk national", "en", "Text 07700 900123 tonight", []string{"phone:07700 900123"}},
		{"uk with (0)", "en", "+44 (0)7700 900123", []string{"phone:+44 (0)7700 900123"}},
		{"fr international", "fr", "Appelle le +33 6 12 34 56 78 !", []string{"phone:+33 6 12 34 56 78"}},
		{"fr spaces", "fr", "mon 06 12 34 56 78 stp", []string{"phone:06 12 34 56 78"}},
		{"fr dots", "fr", "mon 06.12.34.56.78", []string{"phone:06.12.34.56.78"}},
		{"fr no-break spaces", "fr", "06\u00a012\u00a034\u00a056\u00a078", []string{"phone:06\u00a012\u00a034\u00a056\u00a078"}},
		{"fr unseparated", "fr", "tel:0612345678", []string{"phone:0612345678"}},
		{"de international", "de", "Handy: +49 151 23456789", []string{"phone:+49 151 23456789"}},
		{"de national", "de", "Ruf 0151 23456789 an", []string{"phone:0151 23456789"}},
		{"de slash", "de", "Tel. 0151/23456789", []string{"phone:0151/23456789"}},
		{"de area code in brackets", "de", "(030) 1234567", []string{"phone:(030) 1234567"}},
		{"de 0049", "de", "0049 151 23456789", []string{"phone:0049 151 23456789"}},
		{"it mobile", "it", "scrivimi al 333 123 4567", []string{"phone:333 123 4567"}},
		{"two numbers in a row", "fr", "0612345678 0698765432", []string{"phone:0612345678", "phone:0698765432"}},
		{"number after a year", "fr", "En 2024 06 12 34 56 78", []string{"phone:06 12 34 56 78"}},
		{"helpline 116 111", "de", "Ruf die Nummer gegen Kummer an: 116 111.", nil},
		{"helpline 116111", "en", "Call 116111 any time", nil},
		{"helpline 3018", "fr", "Appelle le 3018, c'est gratuit.", nil},
		{"helpline childline", "en", "Childline: 0800 1111", nil},
		{"helpline ireland", "en", "Childline Ireland 1800 66 66 66", nil},
		{"years", "en", "In 2024 and 2025, and again in 2026.", nil},
		{"year range", "de", "von 2024-2026", nil},
		{"ages and times", "en", "We are 13 years old, online 24 hours a day, until 3 pm.", nil},
		{"date", "fr", "le 01/05/2026 10 jeunes", nil},
		{"date de", "de", "Am 01.05.2026 um 10 Uhr", nil},
		{"round count", "fr", "350 000 000 utilisateurs", nil},
		{"count with grouping", "en", "over 2 500 000 children", nil},
		{"list of ages", "en", "ages 9 10 11 12 13", nil},
		{"decimal", "de", "3,5 Stunden und 12.5 %", nil},
		{"glued to letters", "en", "code AB0612345678 or 0612345678km", nil},

		// Street addresses.
		{"en street", "en", "I live at 12 Baker Street.", []string{"address:12 Baker Street"}},
		{"en letter and abbreviation", "en", "221b Baker St, London", []string{"address:221b Baker St"}},
		{"en lower case", "en", "come to 12 baker street", []string{"address:12 baker street"}},
		{"en two names", "en", "10 Downing Street", []string{"address:10 Downing Street"}},
		{"en common street word", "en", "5 Park Lane and 3 Abbey Close", []string{"address:5 Park Lane", "address:3 Abbey Close"}},
		{"en not a street", "en", "2 close friends spend 24 hours on the road", nil},
		{"en road trip", "en", "the 3 main ways to the park", nil},
		{"fr rue", "fr", "J'habite 5 rue de la Paix.", []string{"address:5 rue de la Paix"}},
		{"fr comma and bis", "fr", "au 12 bis, avenue Victor Hugo", []string{"address:12 bis, avenue Victor Hugo"}},
		{"fr boulevard", "fr", "3 boulevard Saint-Michel", []string{"address:3 boulevard Saint-Michel"}},
		{"fr lower case", "fr", "5 rue des lilas et voilà", []string{"address:5 rue des lilas"}},
		{"fr place needs a name", "fr", "il reste 3 place de parking", nil},
		{"fr place", "fr", "2 place de la Bastille", []string{"address:2 place de la Bastille"}},
		{"fr not a street", "fr", "j'ai 2 cours de maths et 3 routes", nil},
		{"de compound", "de", "Ich wohne Hauptstraße 5.", []string{"address:Hauptstraße 5"}},
		{"de ss", "de", "Bahnhofstrasse 10a", []string{"address:Bahnhofstrasse 10a"}},
		{"de abbreviation", "de", "Musterstr. 12 und Musterstr.13", []string{"address:Musterstr. 12", "address:Musterstr.13"}},
		{"de two words", "de", "Berliner Straße 12", []string{"address:Berliner Straße 12"}},
		{"de weg allee platz", "de", "Kirchweg 3, Lindenallee 7, Marktplatz 1", []string{"address:Kirchweg 3", "address:Lindenallee 7", "address:Marktplatz 1"}},
		{"de Nr", "de", "Goethestraße Nr. 4", []string{"address:Goethestraße Nr. 4"}},
		{"de ranking", "de", "Wir sind auf Platz 3 und der Weg 2 ist lang.", nil},
		{"de compound without number", "de", "Die Hauptstraße ist laut, 5 Kinder", nil},

		// Handles.
		{"handle", "en", "follow @lena_k.2010 now", []string{"handle:@lena_k.2010"}},
		{"handle at start", "fr", "@zoe_m ajoute-moi", []string{"handle:@zoe_m"}},
		{"handle trailing dot", "de", "Folgt @max.", []string{"handle:@max"}},
		{"handle not email", "en", "lena@gmail.com", []string{"email:lena@gmail.com"}},

		// Links.
		{"https", "en", "See https://example.com/a?b=c).", []string{"link:https://example.com/a?b=c"}},
		{"www", "fr", "va sur www.exemple.fr, stp", []string{"link:www.exemple.fr"}},
		{"bare domain", "en", "I'm on tiktok.com/@lena_k", []string{"link:tiktok.com/@lena_k"}},
		{"bare country domain", "de", "Schau auf spiegel.de nach", []string{"link:spiegel.de"}},
		{"short-word domain with path", "en", "t.me/lena", []string{"link:t.me/lena"}},
		{"abbreviations", "en", "Apps, e.g. games, i.e. fun. Version 3.5 is out.", nil},
		{"abbreviations fr de", "de", "z.B. Spiele, d.h. Spaß, ca. 3.5 km", nil},
		{"missing space", "en", "That is the end.Then we went home. fine.It is ok. look.at this", nil},
		{"file names", "en", "read report.pdf and index.html", nil},
	})
}

// A young person telling another where to find help must not be held.
func TestHelplinesAreNotPhoneNumbers(t *testing.T) {
	for _, c := range strings.Fields("AT BE BG CY CZ DE DK EE ES FI FR GB GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK") {
		h := helpline.For(c)
		text := "Call " + h.Phone + " or see " + h.Name + "."
		if r, _ := Screen(text, "en"); r.Held() {
			t.Errorf("%s: %q is held: %v", c, text, found(text, r))
		}
	}
}

func TestWords(t *testing.T) {
	runCases(t, builtin(), []screenCase{
		{"fr word", "fr", "T'es un connard.", []string{"word:connard"}},
		{"capitalised", "fr", "Connard !", []string{"word:Connard"}},
		{"upper case", "fr", "CONNARD", []string{"word:CONNARD"}},
		{"accent-insensitive", "fr", "sale batard et bâtard", []string{"word:batard", "word:bâtard"}},
		{"decomposed accent", "fr", "encule\u0301", []string{"word:encule\u0301"}},
		{"repeated letters", "fr", "connnnnard, idiooooot", []string{"word:connnnnard", "word:idiooooot"}},
		{"leetspeak", "en", "you 1d10t, a$$hole, $hit, b1tch, l0s3r", []string{"word:1d10t", "word:a$$hole", "word:$hit", "word:b1tch", "word:l0s3r"}},
		{"phrase", "fr", "Ferme ta gueule", []string{"word:Ferme ta gueule"}},
		{"phrase with hyphens", "fr", "fils-de-pute", []string{"word:fils-de-pute"}},
		{"phrase with apostrophe", "de", "Halt's Maul!", []string{"word:Halt's Maul"}},
		{"phrase over English", "en", "just kill yourself", []string{"word:kill yourself"}},
		{"de sharp s", "de", "So eine Scheiße, Scheisse", []string{"word:Scheiße", "word:Scheisse"}},
		{"de umlaut spelled out", "de", "Arschlöcher, Arschloecher", []string{"word:Arschlöcher", "word:Arschloecher"}},
		{"English in German", "de", "du bist ein loser", []string{"word:loser"}},
		{"English in French", "fr", "what the fuck", []string{"word:fuck"}},
		{"whole words only", "en", "Scunthorpe, shitake, classic, assessment, bitchin", nil},
		{"accents are not repeats", "fr", "Un cône de glace", nil},
		{"harmless in English", "en", "A bite of the cake, pros and cons", nil},
		{"harmless in German", "de", "Das Buch ist dick und die Farbe hell.", nil},
		{"harmless in French", "fr", "La réponse arrive en retard.", nil},
		{"victims are not insults", "de", "Opfer von Cybermobbing brauchen Hilfe.", nil},
		{"unknown language gets every list", "", "connard, Arschloch, idiot", []string{"word:connard", "word:Arschloch", "word:idiot"}},
		{"region ignored", "fr-BE", "connard", []string{"word:connard"}},
		{"French list not in German", "de", "connard", nil},
	})
}

func TestOverlapsPreferPersonalData(t *testing.T) {
	runCases(t, builtin(), []screenCase{
		{"email over link and handle", "en", "idiot@shit.com", []string{"email:idiot@shit.com"}},
		{"link over handle", "en", "instagram.com/@connard", []string{"link:instagram.com/@connard"}},
		{"handle over word", "fr", "@connard", []string{"handle:@connard"}},
		{"link over phone", "en", "https://x.com/0612345678", []string{"link:https://x.com/0612345678"}},
		{"in text order", "en", "fuck, 12 Baker Street, @bob, +44 7700 900123, www.x.com, a@b.co",
			[]string{"word:fuck", "address:12 Baker Street", "handle:@bob", "phone:+44 7700 900123", "link:www.x.com", "email:a@b.co"}},
	})
}

func TestExtraWords(t *testing.T) {
	s, err := New(Lists{Extra: map[string][]string{
		"fr": {"  tête de nœud ", "Boulet"},
		"IT": {"stronzo"},
		"de": {"Dödel"},
	}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	runCases(t, s, []screenCase{
		{"extra phrase", "fr", "Quelle tete de noeud", []string{"word:tete de noeud"}},
		{"extra word", "fr", "BOULET", []string{"word:BOULET"}},
		{"built-in kept", "fr", "connard", []string{"word:connard"}},
		{"new language", "it", "che stronzo", []string{"word:stronzo"}},
		{"new language checks English", "it", "fuck", []string{"word:fuck"}},
		{"new language is not French", "it", "connard", nil},
		{"umlaut", "de", "Doedel", []string{"word:Doedel"}},
		{"extra not elsewhere", "en", "boulet", nil},
	})
	// The built-in screener does not see another panel's words.
	if r, _ := Screen("boulet", "fr"); r.Held() {
		t.Errorf("Screen(boulet) held by the built-in lists, want not held")
	}
}

func TestExtraWordsValidated(t *testing.T) {
	tooMany := make([]string, MaxExtraWords+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("w%d", i)
	}
	tests := []struct {
		name  string
		extra map[string][]string
		want  string // in the message
	}{
		{"empty word", map[string][]string{"fr": {"ok", "  "}}, "empty"},
		{"too long", map[string][]string{"en": {strings.Repeat("é", MaxWordLen+1)}}, "longer than 64"},
		{"no letter", map[string][]string{"de": {"1234"}}, "no letter"},
		{"bad language", map[string][]string{"french": {"x"}}, "language code"},
		{"too many", map[string][]string{"en": tooMany}, "at most 5000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(Lists{Extra: tt.extra})
			if !fault.Is(err, fault.Invalid) {
				t.Fatalf("New error = %v, want fault.Invalid", err)
			}
			if !strings.Contains(fault.MessageOf(err), tt.want) {
				t.Errorf("message %q, want it to mention %q", fault.MessageOf(err), tt.want)
			}
		})
	}
	limit := make([]string, MaxExtraWords)
	for i := range limit {
		limit[i] = fmt.Sprintf("w%d", i)
	}
	if _, err := New(Lists{Extra: map[string][]string{"en": limit, "fr": {strings.Repeat("a", MaxWordLen)}}}); err != nil {
		t.Errorf("New at the limits: %v", err)
	}
}

func TestBuiltinListsAreValid(t *testing.T) {
	for lang, list := range map[string]string{"en": listEN, "fr": listFR, "de": listDE} {
		words := parseList(list)
		if len(words) < 20 {
			t.Errorf("%s: %d words, want a starter list of at least 20", lang, len(words))
		}
		// Each entry must be found in a text of its language.
		for _, e := range words {
			w := e.text
			if r, _ := Screen("« "+w+" »", lang); len(r.Hits) == 0 || found("« "+w+" »", r)[0] != "word:"+w {
				t.Errorf("%s: %q is not found in its own language: %v", lang, w, found("« "+w+" »", r))
			}
		}
	}
}

func TestTooLong(t *testing.T) {
	if _, err := Screen(strings.Repeat("a", MaxText), "en"); err != nil {
		t.Errorf("Screen(MaxText bytes) = %v, want no error", err)
	}
	if _, err := Screen(strings.Repeat("a", MaxText+1), "en"); !fault.Is(err, fault.Invalid) {
		t.Errorf("Screen(MaxText+1 bytes) error = %v, want fault.Invalid", err)
	}
}

func TestResultJSON(t *testing.T) {
	r, _ := Screen("ok", "en")
	b, _ := json.Marshal(r)
	if string(b) != `{"hits":[]}` {
		t.Errorf("clean result = %s, want {\"hits\":[]}", b)
	}
	r, _ = Screen("+44 7700 900123", "en")
	b, _ = json.Marshal(r)
	if want := `{"hits":[{"kind":"phone","start":0,"end":15,"reason":"screen.reason.phone"}]}`; string(b) != want {
		t.Errorf("held result = %s, want %s", b, want)
	}
}

// FuzzScreen checks that any text screens without a panic into hits a UI
// can highlight. Seeds are in testdata/fuzz/FuzzScreen.
func FuzzScreen(f *testing.F) {
	f.Fuzz(func(t *testing.T, text, lang string) {
		r, err := Screen(text, lang)
		if err != nil {
			if len(text) <= MaxText {
				t.Fatalf("Screen error %v for a text of %d bytes", err, len(text))
			}
			return
		}
		end := 0
		for _, h := range r.Hits {
			if h.Start < end || h.End <= h.Start || h.End > len(text) {
				t.Fatalf("hit %+v out of order, empty or out of bounds (previous end %d, len %d)", h, end, len(text))
			}
			if utf8.ValidString(text) && !utf8.ValidString(text[h.Start:h.End]) {
				t.Fatalf("hit %+v cuts a character: %q", h, text[h.Start:h.End])
			}
			if h.Reason != "screen.reason."+string(h.Kind) {
				t.Fatalf("hit %+v has reason %q", h, h.Reason)
			}
			end = h.End
		}
	})
}

// BenchmarkScreen screens pledge-like texts of 1 KiB with a few hits each.
func BenchmarkScreen(b *testing.B) {
	texts := map[string]string{
		"en": "We ask every app to explain its rules in words a 13-year-old understands. " +
			"Settings should be private by default, and nobody should see where we are. " +
			"In 2024 and 2025 we met 24 hours in total; call 116 111 if you need help. " +
			"Write to me at lena@example.com or follow @lena_k, you idiot. ",
		"fr": "Nous demandons à chaque appli d'expliquer ses règles avec des mots simples\u00a0! " +
			"Les réglages doivent être privés par défaut, et personne ne doit savoir où nous sommes. " +
			"En 2024, nous étions 30 jeunes de 13 à 17 ans. Appelle le 3018 si besoin. " +
			"Mon numéro : 06 12 34 56 78, j'habite 5 rue de la Paix, espèce de connard. ",
		"de": "Wir bitten jede App, ihre Regeln in einfachen Worten zu erklären. " +
			"Einstellungen sollen standardmäßig privat sein, und niemand soll sehen, wo wir sind. " +
			"Seit 2024 treffen wir uns alle 2 Wochen um 17 Uhr. Ruf 116 111 an, wenn du Hilfe brauchst. " +
			"Ich wohne in der Hauptstraße 5, schau auf www.beispiel.de, du Vollidiot. ",
	}
	for _, lang := range []string{"en", "fr", "de"} {
		text := texts[lang]
		for len(text) < 1024 {
			text += texts[lang]
		}
		text = text[:strings.LastIndexByte(text[:1024], ' ')]
		b.Run(lang, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				if _, err := Screen(text, lang); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "texts/s")
		})
	}
}

// Screening reads the text normalised, and points at what was typed.
func TestObfuscationPointsAtWhatWasTyped(t *testing.T) {
	runCases(t, panelOf(t, "en", "fr", "de"), []screenCase{
		{"cyrillic", "en", "you fu\u0441k", []string{"word:fu\u0441k"}},
		{"full-width", "en", "a \uff46\uff55\uff43\uff4b!", []string{"word:\uff46\uff55\uff43\uff4b"}},
		{"zero-width inside", "fr", "un con\u200bnard", []string{"word:con\u200bnard"}},
		{"arabic-indic digits", "en", "call \u0660\u0667\u0667\u0660\u0660 \u0669\u0660\u0660\u0661\u0662\u0663", []string{"phone:\u0660\u0667\u0667\u0660\u0660 \u0669\u0660\u0660\u0661\u0662\u0663"}},
		{"spaced", "en", "you f . u . c . k", []string{"word:f . u . c . k"}},
		{"spaced among letters", "en", "a b f u c k", []string{"word:f u c k"}},
		{"wildcard", "en", "f**k", []string{"word:f**k"}},
		{"wildcard needs letters", "en", "a*** b**", nil},
		{"one is l", "en", "s1ut", []string{"word:s1ut"}},
		{"email spelled", "fr", "zoe arobase orange point fr !", []string{"email:zoe arobase orange point fr"}},
		{"email spaced", "en", "lena.k @ gmail . com", []string{"email:lena.k @ gmail . com"}},
		{"plain at and weak dot", "fr", "rendez-vous at Paris point de vue", nil},
		{"link spelled", "de", "auf beispiel punkt de", []string{"link:beispiel punkt de"}},
		{"link path", "en", "tiktok dot com slash lena_k", []string{"link:tiktok dot com slash lena_k"}},
		{"sentence end is no dot", "en", "I said ok. Com is short for come.", nil},
		{"spoken phone", "de", "null eins fünf eins zwei drei vier fünf sechs sieben acht", []string{"phone:null eins fünf eins zwei drei vier fünf sechs sieben acht"}},
		{"spoken with plus", "en", "plus four four seven seven zero zero nine zero zero", []string{"phone:four four seven seven zero zero nine zero zero"}},
		{"counting is no phone", "en", "three, four, five, six, seven, eight, nine, ten, eleven", nil},
		{"phone any separator", "fr", "06_12_34_56_78", []string{"phone:06_12_34_56_78"}},
		{"list of times", "de", "09:00, 10:30, 12:00", nil},
		{"handle after platform", "en", "my snapchat is tommy2011", []string{"handle:snapchat is tommy2011"}},
		{"handle before platform", "en", "add tommy2011 on snap", []string{"handle:tommy2011 on snap"}},
		{"discord tag", "en", "discord: tommy#1234", []string{"handle:discord: tommy#1234"}},
		{"product is no handle", "en", "Snapchat on iOS17 and PS5", nil},
		{"another sentence", "en", "I left snapchat. Tommy2011 did not.", nil},
	})
}

func panelOf(t *testing.T, langs ...string) *Screener {
	t.Helper()
	s, err := New(Lists{Languages: langs})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Rule 5: every list of the panel's languages applies to every text of
// the panel, whatever its own language, except a word a list marks as
// ordinary in the text's language ("bite" is French slang, an English word).
func TestPanelLanguages(t *testing.T) {
	mixed := panelOf(t, "en", "fr", "DE-at")
	runCases(t, mixed, []screenCase{
		{"German under English", "en", "du bist ein Arschloch", []string{"word:Arschloch"}},
		{"French under German", "de", "t'es un connard", []string{"word:connard"}},
		{"ordinary English word", "en", "a bite of the cake", nil},
		{"French slang in French", "fr", "une bite", []string{"word:bite"}},
		{"French slang in German", "de", "eine bite", []string{"word:bite"}},
	})
	runCases(t, panelOf(t, "en"), []screenCase{
		{"not a language of the panel", "en", "du bist ein Arschloch", nil},
	})
	if _, err := New(Lists{Languages: []string{"english"}}); !fault.Is(err, fault.Invalid) {
		t.Errorf("New(Languages: english) error = %v, want fault.Invalid", err)
	}
}

// A panel's own words apply to every text of the panel.
func TestOwnWords(t *testing.T) {
	s, err := New(Lists{Languages: []string{"fr"}, Own: []string{" Boulet ", "tête de nœud"}})
	if err != nil {
		t.Fatal(err)
	}
	runCases(t, s, []screenCase{
		{"own word in French", "fr", "quel boulet", []string{"word:boulet"}},
		{"own word in English", "en", "such a b0ul3t", []string{"word:b0ul3t"}},
		{"own phrase", "de", "tete de noeud", []string{"word:tete de noeud"}},
	})
	if _, err := New(Lists{Own: []string{"ok", "123"}}); !fault.Is(err, fault.Invalid) {
		t.Errorf("New(Own: 123) error = %v, want fault.Invalid", err)
	}
}
