package compose

import (
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"chorus/language"
)

// full has every placeholder set, so any text renders with it.
var full = Vars{FirstName: "Léa", GuardianName: "Anne Martin", Panel: "Panel Nord", Reference: "acc-1",
	Expires: time.Date(2026, time.March, 7, 12, 0, 0, 0, time.UTC), Due: time.Date(2026, time.April, 7, 12, 0, 0, 0, time.UTC),
	Link: "https://chorus.example.org/x/tok", Round: "Youth Pledge", Organisation: "AppCo", Count: 2}

// withLink is full with a link only when the text has a label for one.
func withLink(c compiled) Vars {
	v := full
	if c.linkLabel == "" {
		v.Link = ""
	}
	return v
}

// A name or a panel's name is what a person typed, and a link is built
// from PUBLIC_URL and a token: in HTML none of them may become markup or
// leave its attribute; in the plain text they read as they are.
func TestPlaceholdersAreEscapedInHTMLAndPlainInText(t *testing.T) {
	name := `<script>alert("x")</script>`
	link := `https://chorus.example.org/guardian/a"onmouseover="alert(1)'<b>`
	cases := []struct {
		kind string
		aud  Audience
		v    Vars
	}{
		{"guardian.request", Adult, Vars{FirstName: name, Expires: full.Expires, Link: link}},
		{"identity.invitation", Youth, Vars{Panel: name, Link: link}},
		{"moderation.safeguarding_alert", Adult, Vars{Panel: name, Link: link}},
	}
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			m, err := Render(c.kind, c.aud, "en", c.v)
			if err != nil {
				t.Fatal(err)
			}
			for _, raw := range []string{"<script>", `"onmouseover=`, "'<b>", `alert("x")`} {
				if strings.Contains(m.HTML, raw) {
					t.Errorf("HTML contains %q unescaped:\n%s", raw, m.HTML)
				}
			}
			if !strings.Contains(m.HTML, "&lt;script&gt;") {
				t.Errorf("HTML lacks the escaped name:\n%s", m.HTML)
			}
			if !strings.Contains(m.HTML, `href="https://chorus.example.org/guardian/a%22onmouseover=%22alert%281%29%27%3cb%3e"`) {
				t.Errorf("HTML lacks the link, escaped inside its attribute:\n%s", m.HTML)
			}
			if !strings.Contains(m.Text, name) || !strings.Contains(m.Text, link) {
				t.Errorf("text body should carry the name and the link as they are:\n%s", m.Text)
			}
			if strings.Contains(m.Text, "&lt;") || strings.Contains(m.Text, "&#") {
				t.Errorf("text body is HTML-escaped:\n%s", m.Text)
			}
		})
	}
}

var placeholderRE = regexp.MustCompile(`\{\{[^}]*\}\}`)

func placeholders(t text) []string {
	got := placeholderRE.FindAllString(t.Subject+" "+strings.Join(t.Paragraphs, " "), -1)
	slices.Sort(got)
	return slices.Compact(got)
}

// rawTexts reads the files as they are, for comparing their shapes.
func rawTexts(t *testing.T) map[string]map[string]map[Audience]text {
	t.Helper()
	out := map[string]map[string]map[Audience]text{}
	for _, lang := range language.Codes {
		b, err := textFiles.ReadFile("texts/" + lang + ".json")
		if err != nil {
			t.Fatalf("no mail texts in %s: add texts/%s.json", lang, lang)
		}
		var kinds map[string]map[Audience]text
		if err := json.Unmarshal(b, &kinds); err != nil {
			t.Fatal(err)
		}
		out[lang] = kinds
	}
	return out
}

// Every kind and audience English has exists in every language Chorus
// speaks, shaped like the English one (paragraphs, link, placeholders),
// and renders; no language keeps a kind English no longer has.
func TestEveryKindInEveryLanguage(t *testing.T) {
	raw := rawTexts(t)
	en := raw[language.Default]
	if len(en) == 0 {
		t.Fatal("no English mail texts")
	}
	for _, lang := range language.Codes {
		for kind, byAud := range en {
			for aud, want := range byAud {
				got, ok := raw[lang][kind][aud]
				if !ok {
					t.Errorf("%s: no %s text for %s", lang, aud, kind)
					continue
				}
				if got.Subject == "" || len(got.Paragraphs) != len(want.Paragraphs) || (got.LinkLabel == "") != (want.LinkLabel == "") {
					t.Errorf("%s %s %s: not shaped like the English one (subject, %d paragraphs, link label or not)", lang, kind, aud, len(want.Paragraphs))
				}
				if g, w := placeholders(got), placeholders(want); !reflect.DeepEqual(g, w) {
					t.Errorf("%s %s %s: placeholders %v, want %v", lang, kind, aud, g, w)
				}
				m, err := Render(kind, aud, lang, withLink(texts[lang][kind][aud]))
				if err != nil {
					t.Errorf("%s %s %s: %v", lang, kind, aud, err)
					continue
				}
				if m.Kind != kind || m.Subject == "" || !strings.Contains(m.HTML, `lang="`+lang+`"`) || strings.Contains(m.Text, "{{") || strings.Contains(m.Text, "<no value>") {
					t.Errorf("%s %s %s rendered %+v", lang, kind, aud, m)
				}
			}
		}
		for kind, byAud := range raw[lang] {
			for aud := range byAud {
				if _, ok := en[kind][aud]; !ok {
					t.Errorf("%s has a %s text for %s that English has not: remove it", lang, aud, kind)
				}
			}
		}
	}
	if !slices.Contains(Kinds(), "identity.invitation") || !slices.IsSorted(Kinds()) {
		t.Errorf("Kinds() = %v", Kinds())
	}
}

// A caller that leaves a placeholder empty, or sends a link a kind has no
// place for (or none where it needs one), gets an error, not a mail with
// a hole in it.
func TestMissingValuesAreErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		kind string
		aud  Audience
		v    Vars
		want string
	}{
		{"no panel", "identity.invitation", Youth, Vars{Link: full.Link}, "Panel"},
		{"no expiry", "guardian.request", Adult, Vars{FirstName: "Léa", Link: full.Link}, "Expires"},
		{"no link", "auth.password_reset", Adult, Vars{}, "link"},
		{"a link it has no place for", "guardian.account_erased", Adult, Vars{FirstName: "Léa", Link: full.Link}, "link"},
		{"no due date", "guardian.deletion_received", Adult, Vars{FirstName: "Léa"}, "Due"},
		{"no such audience", "guardian.request", Youth, full, "no youth mail"},
		{"no such kind", "nothing.here", Adult, full, "no adult mail"},
	} {
		if _, err := Render(c.kind, c.aud, "fr", c.v); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error naming %q", c.name, err, c.want)
		}
	}
}

func TestUnknownPlaceholderOrBadTemplateIsRefused(t *testing.T) {
	set, err := load(fstest.MapFS{"texts/en.json": {Data: []byte(`{"k": {"adult": {"subject": "s", "paragraphs": ["born {{.BirthDate}}"]}}}`)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := render(set, "k", Adult, "en", full); err == nil {
		t.Error("a text using a placeholder Vars lacks rendered")
	}
	if _, err := load(fstest.MapFS{"texts/en.json": {Data: []byte(`{"k": {"adult": {"subject": "{{.Panel", "paragraphs": []}}}`)}}); err == nil {
		t.Error("a text that does not parse loaded")
	}
	if _, err := load(fstest.MapFS{"texts/en.json": {Data: []byte(`{"k": {"staff": {"subject": "s", "paragraphs": []}}}`)}}); err == nil {
		t.Error("an audience other than youth or adult loaded")
	}
}

func TestUnknownLanguageFallsBackToEnglish(t *testing.T) {
	m, err := Render("identity.invitation", Adult, "pt", Vars{Panel: "P", Link: full.Link})
	if err != nil || m.Subject != "You are invited to Chorus" || !strings.Contains(m.HTML, `lang="en"`) {
		t.Fatalf("got %q %v, want the English mail", m.Subject, err)
	}
}

func TestTextBodyEndsWithTheLinkUnderItsLabel(t *testing.T) {
	m, err := Render("identity.invitation", Adult, "de", Vars{Panel: "Nord", Link: full.Link})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(m.Text, "\n\nKonto anlegen:\n"+full.Link+"\n") || !strings.Contains(m.Text, "„Nord“") {
		t.Errorf("text body:\n%s", m.Text)
	}
	if !strings.Contains(m.HTML, `<a href="`+full.Link+`">Konto anlegen</a>`) {
		t.Errorf("HTML body:\n%s", m.HTML)
	}
}

func TestDatesInEveryLanguage(t *testing.T) {
	d := time.Date(2026, time.March, 7, 23, 30, 0, 0, time.FixedZone("", -2*3600)) // 8 March in UTC
	want := map[string]string{"en": "8 March 2026", "fr": "8 mars 2026", "de": "8. März 2026", "it": "8 marzo 2026", "es": "8 de marzo de 2026"}
	for _, lang := range language.Codes {
		if got := FormatDate(d, lang); got != want[lang] {
			t.Errorf("FormatDate in %s = %q, want %q", lang, got, want[lang])
		}
	}
}

// Register: young people are addressed informally, guardians and staff
// formally (the same words web/src/i18n/audience.test.ts looks for).
var (
	informal = map[string]*regexp.Regexp{
		"fr": regexp.MustCompile(`(?:^|[^\pL'’-])(?:[tT]u|[tT]e|[tT]oi|[tT]on|[tT]a|[tT]es)(?:$|[^\pL])|(?:^|[^\pL])[tT]['’]`),
		"de": regexp.MustCompile(`(?:^|[^\pL])(?:[dD]u|[dD]ich|[dD]ir|[dD]ein\pL*)(?:$|[^\pL])`),
		"it": regexp.MustCompile(`(?:^|[^\pL'’-])(?:[tT]u|[tT]i|[tT]uo|[tT]ua|[tT]uoi|[tT]ue)(?:$|[^\pL])`),
		"es": regexp.MustCompile(`(?:^|[^\pL'’-])(?:[tT]ú|[tT]e|[tT]u|[tT]us|[tT]i|[cC]ontigo)(?:$|[^\pL])`),
	}
	formal = map[string]*regexp.Regexp{
		"fr": regexp.MustCompile(`(?:^|[^\pL])(?:[vV]ous|[vV]otre|[vV]os)(?:$|[^\pL])`),
		"de": regexp.MustCompile(`\pL[^\pL.!?:]*[^\pL](?:Sie|Ihnen|Ihr|Ihre|Ihrem|Ihren|Ihrer|Ihres)(?:$|[^\pL])`),
		"it": regexp.MustCompile(`(?:^|[^\pL])(?:Lei|Suo|Sua|Suoi|Sue)(?:$|[^\pL])`),
		"es": regexp.MustCompile(`(?:^|[^\pL])(?:[uU]sted|[uU]stedes)(?:$|[^\pL])`),
	}
)

func TestRegisterFitsTheAudience(t *testing.T) {
	raw := rawTexts(t)
	for lang, inf := range informal {
		for kind, byAud := range raw[lang] {
			for aud, tx := range byAud {
				for _, s := range append([]string{tx.Subject, tx.LinkLabel}, tx.Paragraphs...) {
					if aud == Adult && inf.MatchString(s) {
						t.Errorf("%s %s (adult) is informal: %s", lang, kind, s)
					}
					if aud == Youth && formal[lang].MatchString(s) {
						t.Errorf("%s %s (youth) is formal: %s", lang, kind, s)
					}
				}
			}
		}
	}
}
