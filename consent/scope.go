// Package consent is about consent for minors: the digital age of consent
// per country, the scope registry, who must grant each scope, the guardian
// flow and the append-only consent ledger.
package consent

// Scope is one thing a person may consent to. The registry (scopes.json)
// holds each scope's texts, who manages it by age and the verification it
// needs.
type Scope string

// The scopes of DESIGN.md.
const (
	Participate           Scope = "participate"
	VideoAppear           Scope = "video_appear"
	VideoPublish          Scope = "video_publish"
	NameVisibleToPartners Scope = "name_visible_to_partners"
)

// Scopes lists every scope, in the order they are shown.
var Scopes = []Scope{Participate, VideoAppear, VideoPublish, NameVisibleToPartners}

// AgeBand is where a person stands against adulthood and their country's
// digital age of consent (GDPR Art. 8). It decides who must consent.
type AgeBand string

// The age bands the policy distinguishes.
const (
	Adult                AgeBand = "adult"                   // 18 or older
	MinorAtConsentAge    AgeBand = "minor_at_consent_age"    // under 18, at or above the country's age
	MinorBelowConsentAge AgeBand = "minor_below_consent_age" // below the country's age: a guardian must consent
)

// AgeBands lists every band, for the policy matrix.
var AgeBands = []AgeBand{Adult, MinorAtConsentAge, MinorBelowConsentAge}

// IsMinor reports whether the band is under 18.
func (b AgeBand) IsMinor() bool { return b != Adult }
