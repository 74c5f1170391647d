package policy

import (
	"strings"

	"chorus/consent"
)

// PersonView is what is known about a person whose name is about to be
// shown. PanelID, GroupID and OrgID place them where the name appears (the
// panel of the content it is shown next to).
type PersonView struct {
	AccountID   string
	DisplayName string // the full display name, e.g. "Léa Martin"
	Country     string // ISO 3166-1 alpha-2, e.g. "FR"
	Band        consent.AgeBand
	Consents    []consent.Scope
	PanelID     string
	GroupID     string
	OrgID       string
}

// VisibleName is the name viewer may see for person (safeguarding rule 4):
// the full display name when Decide allows profile.view_full_name, otherwise
// the first name and the country, e.g. "Léa (FR)"; to the young people of
// their panel, a minor who does not take part yet (participate) is their
// first name only.
func VisibleName(viewer Subject, person PersonView) string {
	r := Resource{
		Kind:          KindProfile,
		PanelID:       person.PanelID,
		GroupID:       person.GroupID,
		OrgID:         person.OrgID,
		OwnerID:       person.AccountID,
		OwnerBand:     person.Band,
		OwnerConsents: person.Consents,
	}
	if Decide(viewer, ProfileViewFullName, r).Allow {
		return person.DisplayName
	}
	for _, m := range viewer.Memberships {
		if m.Role.IsYouth() && m.PanelID == person.PanelID && person.PanelID != "" {
			// A peer before the person takes part: the first name only.
			return ShortName(person.DisplayName, "")
		}
	}
	return ShortName(person.DisplayName, person.Country)
}

// ShortName is the first name and country form of rule 4: the first word
// of the display name, then the country code in brackets when known.
func ShortName(displayName, country string) string {
	first := ""
	if f := strings.Fields(displayName); len(f) > 0 {
		first = f[0]
	}
	if country == "" {
		return first
	}
	return first + " (" + strings.ToUpper(country) + ")"
}
