// Package language names the languages Chorus speaks. Every catalogue
// (web/src/i18n, server/httpapi/messages, the consent texts, the mails in
// mail/compose/texts, screening's reasons) has a text in each of them, and
// each catalogue's test names what a new language still lacks: adding one
// starts here.
package language

import "slices"

// Codes are the languages Chorus speaks (ISO 639-1), English first: English
// is the fallback wherever a text is missing.
var Codes = []string{"en", "fr", "de", "it", "es"}

// Default is the language of people and panels that name none.
const Default = "en"

// Valid reports whether Chorus speaks code.
func Valid(code string) bool { return slices.Contains(Codes, code) }

// OfCountry is the language most people in country (ISO 3166-1 alpha-2,
// upper case) read, when Chorus speaks it; "" otherwise. It is only a
// default that people change: Belgium and Switzerland speak several.
func OfCountry(country string) string {
	switch country {
	case "FR", "BE", "LU", "MC":
		return "fr"
	case "DE", "AT", "CH", "LI":
		return "de"
	case "IT", "SM", "VA":
		return "it"
	case "ES":
		return "es"
	case "IE", "MT", "GB":
		return "en"
	}
	return ""
}
