package consent

import (
	"regexp"
	"slices"
	"testing"
	"time"
)

var placeholder = regexp.MustCompile(`\{\w+\}`)

// TestEveryMailInEveryLanguage: a language Chorus speaks without a mail text
// would send a guardian an English mail by surprise.
func TestEveryMailInEveryLanguage(t *testing.T) {
	kinds := []string{MailGuardianRequest, MailGuardianReminder, MailGuardianDone, MailYouthConsentAge, MailYouthAdult, MailGuardianEnded}
	for _, kind := range kinds {
		en := mailTexts[kind]["en"]
		for _, lang := range Languages {
			m, ok := mailTexts[kind][lang]
			if !ok || m.Subject == "" || len(m.Paragraphs) != len(en.Paragraphs) || (m.LinkLabel == "") != (en.LinkLabel == "") {
				t.Errorf("%s in %s: missing or not shaped like the English one", kind, lang)
				continue
			}
			got := placeholder.FindAllString(m.Subject+" "+joinLines(m.Paragraphs), -1)
			want := placeholder.FindAllString(en.Subject+" "+joinLines(en.Paragraphs), -1)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s in %s has placeholders %v, want %v", kind, lang, got, want)
			}
		}
	}
}

func TestDatesInEveryLanguage(t *testing.T) {
	d := time.Date(2026, time.March, 7, 12, 0, 0, 0, time.UTC)
	want := map[string]string{"en": "7 March 2026", "fr": "7 mars 2026", "de": "7. März 2026", "it": "7 marzo 2026", "es": "7 de marzo de 2026"}
	for _, lang := range Languages {
		if got := formatDate(d, lang); got != want[lang] {
			t.Errorf("formatDate in %s = %q, want %q", lang, got, want[lang])
		}
	}
}

func joinLines(ps []string) string {
	s := ""
	for _, p := range ps {
		s += p + "\n"
	}
	return s
}
