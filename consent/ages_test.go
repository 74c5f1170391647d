package consent_test

import (
	"testing"
	"time"

	"chorus/consent"
	"chorus/fault"
)

func TestAgesTable(t *testing.T) {
	a := consent.DefaultAges()
	if a.Checked != "2026-11-23" {
		t.Errorf("checked = %q, want 2026-11-23", a.Checked)
	}
	tests := []struct {
		country string
		age     int
		joint   bool
		known   bool
	}{
		{"FR", 15, true, true},
		{"fr", 15, true, true}, // codes are normalised
		{"DE", 16, false, true},
		{"BE", 13, false, true},
		{"AT", 14, false, true},
		{"CZ", 15, false, true},
		{"ZZ", 16, false, false}, // unknown: GDPR's default 16
		{"", 16, false, false},
	}
	for _, tt := range tests {
		age, joint, known := a.ConsentAge(tt.country)
		if age != tt.age || joint != tt.joint || known != tt.known {
			t.Errorf("ConsentAge(%q) = %d, %v, %v; want %d, %v, %v", tt.country, age, joint, known, tt.age, tt.joint, tt.known)
		}
		if got := a.KnownCountry(tt.country); got != tt.known {
			t.Errorf("KnownCountry(%q) = %v, want %v", tt.country, got, tt.known)
		}
	}
	for code, c := range a.Countries {
		if c.Age < 13 || c.Age > 16 {
			t.Errorf("%s: age %d outside GDPR Art. 8's 13-16", code, c.Age)
		}
	}
	err := a.ValidateCountry("XX")
	if fault.CodeOf(err) != fault.Invalid || fault.MessageOf(err) == "" {
		t.Errorf("ValidateCountry(XX) = %v, want a clear fault.Invalid", err)
	}
	if err := a.ValidateCountry("PT"); err != nil {
		t.Errorf("ValidateCountry(PT) = %v", err)
	}
}

func TestParseAgesRejectsAgesGDPRForbids(t *testing.T) {
	for _, bad := range []string{
		`{"default": 16, "checked": "2026-11-23", "countries": {"FR": {"age": 12}}}`,
		`{"default": 17, "checked": "2026-11-23", "countries": {}}`,
		`{"default": 16, "checked": "", "countries": {}}`,
		`{"default": 16, "checked": "2026-11-23", "countries": {"fr": {"age": 15}}}`,
	} {
		if _, err := consent.ParseAges([]byte(bad)); err == nil {
			t.Errorf("ParseAges(%s) = nil error, want one", bad)
		}
	}
}

func TestAgeOn(t *testing.T) {
	tests := []struct {
		birth, on string
		want      int
	}{
		{"2012-05-03", "2026-05-02", 13},
		{"2012-05-03", "2026-05-03", 14}, // the birthday itself
		{"2012-05-03", "2026-05-04", 14},
		{"2008-12-31", "2026-12-30", 17},
		{"2008-12-31", "2026-12-31", 18},
		{"2008-02-29", "2026-02-28", 17}, // common year: not yet
		{"2008-02-29", "2026-03-01", 18}, // common year: 1 March
		{"2008-02-29", "2028-02-28", 19},
		{"2008-02-29", "2028-02-29", 20}, // leap year: the day itself
	}
	for _, tt := range tests {
		// The hour of the day must not matter.
		on := date(tt.on).Add(23*time.Hour + 59*time.Minute)
		if got := consent.AgeOn(date(tt.birth), on); got != tt.want {
			t.Errorf("AgeOn(%s, %s) = %d, want %d", tt.birth, tt.on, got, tt.want)
		}
	}
}

func TestBand(t *testing.T) {
	a := consent.DefaultAges()
	on := date("2026-11-23")
	tests := []struct {
		birth, country string
		want           consent.AgeBand
	}{
		{"2012-11-24", "FR", consent.MinorBelowConsentAge}, // 13, one day before 14
		{"2011-11-24", "FR", consent.MinorBelowConsentAge}, // 14
		{"2011-11-23", "FR", consent.MinorAtConsentAge},    // 15 today
		{"2011-11-23", "DE", consent.MinorBelowConsentAge}, // 15 < 16
		{"2013-11-23", "BE", consent.MinorAtConsentAge},    // 13 today
		{"2011-11-23", "ZZ", consent.MinorBelowConsentAge}, // unknown: 16
		{"2008-11-24", "BE", consent.MinorAtConsentAge},    // 17, 18 tomorrow
		{"2008-11-23", "BE", consent.Adult},                // 18 today
	}
	for _, tt := range tests {
		if got := a.Band(date(tt.birth), tt.country, on); got != tt.want {
			t.Errorf("Band(%s, %s) = %s, want %s", tt.birth, tt.country, got, tt.want)
		}
	}
	if !a.Joint(consent.MinorBelowConsentAge, "FR") || a.Joint(consent.MinorAtConsentAge, "FR") || a.Joint(consent.MinorBelowConsentAge, "DE") {
		t.Error("joint consent must apply only below the consent age in FR")
	}
}

func TestValidateYouthBirthDate(t *testing.T) {
	now := date("2026-11-23").Add(15 * time.Hour)
	tests := []struct {
		in     string
		wantOK bool
	}{
		{"2012-05-03", true},
		{"2014-11-23", true},  // 12 today
		{"2014-11-24", false}, // 11: too young for Chorus
		{"2026-11-24", false}, // tomorrow
		{"2030-01-01", false}, // future
		{"2000-11-24", true},  // 25, 26 tomorrow: still youth
		{"2000-11-23", false}, // 26 today: the youth role is for 12 to 25 (issue 9)
		{"1990-01-01", false}, // a 36-year-old joining as youth
		{"2013-02-30", false}, // no such day
		{"03/05/2012", false}, // wrong form
		{"", false},
	}
	for _, tt := range tests {
		_, err := consent.ValidateYouthBirthDate(tt.in, now)
		if tt.wantOK && err != nil {
			t.Errorf("ValidateYouthBirthDate(%q) = %v, want ok", tt.in, err)
		}
		if !tt.wantOK {
			if fault.CodeOf(err) != fault.Invalid || fault.MessageOf(err) == "" {
				t.Errorf("ValidateYouthBirthDate(%q) = %v, want a clear fault.Invalid", tt.in, err)
			}
		}
	}
	_, err := consent.ValidateYouthBirthDate("2030-01-01", now)
	if msg := fault.MessageOf(err); msg != "Your date of birth cannot be in the future. Please check it." {
		t.Errorf("future message = %q", msg)
	}
}

// A person's age changes at midnight in their country (the capital's time
// zone; UTC-12 for a country not in the table), whatever the server's time
// zone or the zone of the clock's reading.
func TestAgeFollowsThePersonsCountry(t *testing.T) {
	a := consent.DefaultAges()
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	servers := []*time.Location{time.UTC, time.FixedZone("Honolulu", -10*3600), time.FixedZone("Tokyo", 9*3600)}
	tests := []struct {
		birth, country, now string
		want                consent.AgeBand
	}{
		// 00:30 on 2 March in Paris: 15, France's age of consent.
		{"2011-03-02", "FR", "2026-03-01T23:30:00Z", consent.MinorAtConsentAge},
		{"2011-03-02", "FR", "2026-03-01T22:30:00Z", consent.MinorBelowConsentAge},
		// London is on UTC in March: still 1 March at 23:30.
		{"2008-03-02", "GB", "2026-03-01T23:30:00Z", consent.MinorAtConsentAge},
		{"2008-03-02", "GB", "2026-03-02T00:30:00Z", consent.Adult},
		// Nicosia is UTC+2: 18 from 22:00 UTC the day before.
		{"2008-03-02", "CY", "2026-03-01T22:30:00Z", consent.Adult},
		// Unknown country: the day that begins last, UTC-12.
		{"2008-03-02", "ZZ", "2026-03-02T11:30:00Z", consent.MinorAtConsentAge},
		{"2008-03-02", "ZZ", "2026-03-02T12:30:00Z", consent.Adult},
	}
	for _, tt := range tests {
		for _, server := range servers {
			now := at(tt.now).In(server)
			if got := a.Band(date(tt.birth), tt.country, now); got != tt.want {
				t.Errorf("Band(born %s in %s, at %s on a server in %s) = %s, want %s", tt.birth, tt.country, tt.now, server, got, tt.want)
			}
		}
	}
	for _, server := range servers {
		m := a.FindComingOfAge([]consent.Person{{AccountID: "fr15", BirthDate: date("2011-03-02"), Country: "FR"}}, at("2026-03-01T23:30:00Z").In(server))
		if len(m.ReachedConsentAge) != 1 {
			t.Errorf("on a server in %s, 00:30 on her birthday in Paris: %+v, want fr15 reaching consent age", server, m)
		}
	}
	for _, zone := range []string{`""`, `"Local"`, `"Mars/Olympus"`} {
		table := `{"default": 16, "checked": "2026-01-01", "countries": {"FR": {"name": "France", "age": 15, "zone": ` + zone + `}}}`
		if _, err := consent.ParseAges([]byte(table)); err == nil {
			t.Errorf("ParseAges with zone %s: nil error, want one", zone)
		}
	}
}
