package screen

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

var kinds = []Kind{Email, Link, Phone, Handle, Address, Word}

func TestReasonCatalogues(t *testing.T) {
	en := slices.Sorted(maps.Keys(reasons["en"]))
	for _, lang := range []string{"en", "fr", "de"} {
		texts, ok := reasons[lang]
		if !ok {
			t.Fatalf("no reason catalogue for %s", lang)
		}
		if got := slices.Sorted(maps.Keys(texts)); !slices.Equal(got, en) {
			t.Errorf("%s keys = %v, want the English keys %v", lang, got, en)
		}
		for _, k := range kinds {
			key := hit(k, 0, 1).Reason
			if strings.TrimSpace(texts[key]) == "" {
				t.Errorf("%s has no text for %s", lang, key)
			}
		}
		for key, text := range texts {
			if lang == "fr" {
				for _, p := range []string{" :", " ;", " ?", " !"} {
					if strings.Contains(text, p) {
						t.Errorf("fr %s: %q has a plain space before %q, want a no-break space", key, text, p[1:])
					}
				}
			}
			if lang == "fr" && strings.Contains(text, "vous") || lang == "de" && strings.Contains(text, " Sie ") {
				t.Errorf("%s %s: %q uses the formal form; texts for young people say tu/du", lang, key, text)
			}
		}
	}
}

func TestReason(t *testing.T) {
	tests := []struct{ key, lang, want string }{
		{"screen.reason.phone", "en", "It looks like a phone number."},
		{"screen.reason.phone", "fr-CA", "On dirait un numéro de téléphone."},
		{"screen.reason.phone", "de_AT", "Das sieht aus wie eine Telefonnummer."},
		{"screen.reason.phone", "it", "Sembra un numero di telefono."},
		{"screen.reason.phone", "es-ES", "Parece un número de teléfono."},
		{"screen.reason.phone", "nl", "It looks like a phone number."},
		{"screen.reason.phone", "", "It looks like a phone number."},
		{"screen.reason.nope", "fr", "screen.reason.nope"},
	}
	for _, tt := range tests {
		if got := Reason(tt.key, tt.lang); !strings.HasPrefix(got, tt.want) {
			t.Errorf("Reason(%q, %q) = %q, want it to start with %q", tt.key, tt.lang, got, tt.want)
		}
	}
}
