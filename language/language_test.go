package language_test

import (
	"testing"

	"chorus/language"
)

func TestEnglishComesFirstAndIsTheDefault(t *testing.T) {
	if language.Codes[0] != language.Default || language.Default != "en" {
		t.Fatalf("got Codes[0]=%q Default=%q, want en first and the default", language.Codes[0], language.Default)
	}
}

func TestValid(t *testing.T) {
	for _, code := range []string{"en", "fr", "de", "it", "es"} {
		if !language.Valid(code) {
			t.Errorf("Valid(%q) = false, want true", code)
		}
	}
	for _, code := range []string{"", "EN", "fr-FR", "xx"} {
		if language.Valid(code) {
			t.Errorf("Valid(%q) = true, want false", code)
		}
	}
}

func TestOfCountryNamesOnlyLanguagesChorusSpeaks(t *testing.T) {
	for country, want := range map[string]string{"FR": "fr", "DE": "de", "AT": "de", "IT": "it", "ES": "es", "IE": "en", "DK": "", "": ""} {
		got := language.OfCountry(country)
		if got != want {
			t.Errorf("OfCountry(%q) = %q, want %q", country, got, want)
		}
		if got != "" && !language.Valid(got) {
			t.Errorf("OfCountry(%q) = %q, a language Chorus does not speak", country, got)
		}
	}
}
