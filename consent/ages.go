package consent

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // the zones of the table, whatever the server has installed

	"chorus/fault"
)

// The digital age of consent is GDPR Art. 8(1): below 16 (or the lower age a
// Member State sets, never below 13) a child's consent to an information
// society service is lawful only when given or authorised by the holder of
// parental responsibility. The ages change with national law, so they are
// data (data/consent-ages.json, with the date they were last checked), not
// code.
//
//go:embed data/consent-ages.json
var agesJSON []byte

// Chorus's youth roles are for people aged 12 to 25 (DESIGN.md): a date of
// birth outside that is refused at sign-up.
const (
	MinYouthAge = 12 // youngest panellist a Safer Internet Centre invites
	MaxYouthAge = 25 // oldest panellist: the youth role is for people aged 12 to 25 (DESIGN.md)
	AdultAge    = 18 // guardian control ends; video_publish becomes self-managed
)

// CountryAge is one row of the ages table.
type CountryAge struct {
	Name string `json:"name"`
	Age  int    `json:"age"`
	// Joint marks countries where, below Age, the child and a parent consent
	// together rather than the parent alone (France: Loi Informatique et
	// Libertés art. 45).
	Joint bool   `json:"joint_consent,omitempty"`
	Note  string `json:"note,omitempty"`
	// Zone is the IANA time zone in which people of the country have
	// their birthday (the capital's): ages change at midnight there,
	// whatever the server's time zone.
	Zone string `json:"zone"`
	loc  *time.Location
}

// UnknownZone is where the day of a person of a country not in the table
// is counted: UTC-12, where a day begins last, so that nobody is counted a
// year older before their birthday has begun anywhere.
var UnknownZone = time.FixedZone("UTC-12", -12*60*60)

// Ages is the table of digital ages of consent per country (GDPR Art. 8).
type Ages struct {
	Default   int                   `json:"default"`
	Countries map[string]CountryAge `json:"countries"`
	Checked   string                `json:"checked"` // YYYY-MM-DD: when a person last checked the table against the law
	Sources   []string              `json:"sources"`
}

// DefaultAges returns the embedded table. It panics only if the embedded file
// is broken, which the package's tests rule out.
func DefaultAges() *Ages {
	a, err := ParseAges(agesJSON)
	if err != nil {
		panic(err)
	}
	return a
}

// ParseAges reads an ages table (the format of data/consent-ages.json) and
// checks that every age is one GDPR Art. 8 allows (13 to 16), so a typo in
// the data cannot silently let younger children consent alone.
func ParseAges(b []byte) (*Ages, error) {
	var a Ages
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("consent: ages table: %w", err)
	}
	if a.Default < 13 || a.Default > 16 {
		return nil, fmt.Errorf("consent: ages table: default %d outside GDPR Art. 8's 13-16", a.Default)
	}
	if _, err := time.Parse(time.DateOnly, a.Checked); err != nil {
		return nil, fmt.Errorf("consent: ages table: checked date %q: %w", a.Checked, err)
	}
	for code, c := range a.Countries {
		if len(code) != 2 || strings.ToUpper(code) != code {
			return nil, fmt.Errorf("consent: ages table: country code %q is not ISO 3166-1 alpha-2", code)
		}
		if c.Age < 13 || c.Age > 16 {
			return nil, fmt.Errorf("consent: ages table: %s age %d outside GDPR Art. 8's 13-16", code, c.Age)
		}
		loc, err := time.LoadLocation(c.Zone)
		if err != nil || c.Zone == "" || c.Zone == "Local" {
			return nil, fmt.Errorf("consent: ages table: %s zone %q is not an IANA time zone such as Europe/Paris", code, c.Zone)
		}
		c.loc = loc
		a.Countries[code] = c
	}
	return &a, nil
}

func normCountry(country string) string { return strings.ToUpper(strings.TrimSpace(country)) }

// KnownCountry reports whether the table has a row for country. Sign-up
// rejects unknown codes: the fallback in ConsentAge is for data that predates
// a table change, not for new accounts.
func (a *Ages) KnownCountry(country string) bool {
	_, ok := a.Countries[normCountry(country)]
	return ok
}

// ValidateCountry returns fault.Invalid with a message for the person
// signing up when country is not in the table.
func (a *Ages) ValidateCountry(country string) error {
	if !a.KnownCountry(country) {
		return fault.Errorf(fault.Invalid, "We do not know the country code %q. Choose your country from the list.", country)
	}
	return nil
}

// ConsentAge returns the digital age of consent for country, whether below it
// the child and the guardian consent together, and whether the country is in
// the table (if not, the table's default applies, which is GDPR's 16 and the
// safest choice).
func (a *Ages) ConsentAge(country string) (age int, jointBelow bool, known bool) {
	c, ok := a.Countries[normCountry(country)]
	if !ok {
		return a.Default, false, false
	}
	return c.Age, c.Joint, true
}

// Today returns now as a clock shows it in country (see CountryAge.Zone
// and UnknownZone): the day on which a person of country has their age.
func (a *Ages) Today(country string, now time.Time) time.Time {
	if c, ok := a.Countries[normCountry(country)]; ok && c.loc != nil {
		return now.In(c.loc)
	}
	return now.In(UnknownZone)
}

// AgeOn returns a person's age in whole years on the calendar day of now (in
// now's location). Someone born on 29 February has their birthday on 1 March
// in common years: they are not a year older before the day after 28 February.
func AgeOn(birthDate, now time.Time) int {
	by, bm, bd := birthDate.Date()
	ny, nm, nd := now.Date()
	age := ny - by
	// Normalising (year, Feb, 29) in a common year yields 1 March, which is
	// exactly the birthday rule above.
	birthday := time.Date(ny, bm, bd, 0, 0, 0, 0, time.UTC)
	today := time.Date(ny, nm, nd, 0, 0, 0, 0, time.UTC)
	if today.Before(birthday) {
		age--
	}
	return age
}

// Band returns the age band of a person born on birthDate who lives in
// country, on the day that now is in country (Today). The band decides
// who manages each scope.
func (a *Ages) Band(birthDate time.Time, country string, now time.Time) AgeBand {
	age := AgeOn(birthDate, a.Today(country, now))
	consentAge, _, _ := a.ConsentAge(country)
	switch {
	case age >= AdultAge:
		return Adult
	case age >= consentAge:
		return MinorAtConsentAge
	default:
		return MinorBelowConsentAge
	}
}

// Joint reports whether, for a person of band in country, scopes managed
// jointly (child and guardian together) apply.
func (a *Ages) Joint(band AgeBand, country string) bool {
	_, joint, _ := a.ConsentAge(country)
	return joint && band == MinorBelowConsentAge
}

// ParseBirthDate parses a date of birth in the form YYYY-MM-DD (the form
// identity.Account keeps). Impossible dates such as 2013-02-30 are rejected.
func ParseBirthDate(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fault.Errorf(fault.Invalid, "Enter your date of birth as year-month-day, for example 2011-04-23.")
	}
	return t, nil
}

// ValidateYouthBirthDate parses and checks the date of birth a youth gives at
// sign-up: not in the future, at least MinYouthAge (Chorus is for young
// people aged 12 to 25) and at most MaxYouthAge. The messages are meant
// for the young person.
func ValidateYouthBirthDate(s string, now time.Time) (time.Time, error) {
	birth, err := ParseBirthDate(s)
	if err != nil {
		return time.Time{}, err
	}
	ny, nm, nd := now.Date()
	if birth.After(time.Date(ny, nm, nd, 0, 0, 0, 0, time.UTC)) {
		return time.Time{}, fault.Errorf(fault.Invalid, "Your date of birth cannot be in the future. Please check it.")
	}
	age := AgeOn(birth, now)
	if age > MaxYouthAge {
		return time.Time{}, fault.Errorf(fault.Invalid, "This invitation is for a young person aged %d to %d. Please check the year, or ask the person who invited you for an invitation that fits you.", MinYouthAge, MaxYouthAge)
	}
	if age < MinYouthAge {
		return time.Time{}, fault.Errorf(fault.Invalid, "Chorus is for young people aged %d to 25. You can join when you are %d.", MinYouthAge, MinYouthAge)
	}
	return birth, nil
}

// BirthdayOf returns the calendar day in year on which a person born on
// birthDate turns a year older (1 March for 29 February in common years),
// matching AgeOn.
func BirthdayOf(birthDate time.Time, year int) time.Time {
	_, m, d := birthDate.Date()
	return time.Date(year, m, d, 0, 0, 0, 0, time.UTC)
}
