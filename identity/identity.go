// Package identity is about who is who in Chorus: organisations, panels,
// groups, accounts and their memberships. It knows nothing of HTTP or of
// any particular store.
package identity

import "time"

// Role is what a member may do in a panel. Guardians have no role and no
// account: they act through signed links (see package consent).
type Role string

// The roles of DESIGN.md's People table.
const (
	Youth       Role = "youth"       // panellist, 12-25, often a minor
	Ambassador  Role = "ambassador"  // experienced youth who leads a group
	Moderator   Role = "moderator"   // vetted adult from a Safer Internet Centre
	Partner     Role = "partner"     // member of an industry partner organisation
	Coordinator Role = "coordinator" // Safer Internet Centre staff
)

// Roles lists every role, for validation and for the policy matrix.
var Roles = []Role{Youth, Ambassador, Moderator, Partner, Coordinator}

// IsYouth reports whether r is one of the youth roles (which need a date of
// birth and may be minors).
func (r Role) IsYouth() bool { return r == Youth || r == Ambassador }

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, known := range Roles {
		if r == known {
			return true
		}
	}
	return false
}

// OrgKind tells the two kinds of organisation apart.
type OrgKind string

// Organisation kinds.
const (
	SaferInternetCentre OrgKind = "sic"
	IndustryPartner     OrgKind = "partner"
)

// Membership places an account in a panel (and optionally a group) with a
// role. Partners belong to their organisation, and to the panels that
// invited it. A coordinator's membership without a panel, with the centre
// as OrgID, is staff of the whole Safer Internet Centre (see package
// policy for what that allows).
type Membership struct {
	PanelID  string `json:"panelId"`
	GroupID  string `json:"groupId,omitempty"`  // empty: the whole panel
	OrgID    string `json:"orgId,omitempty"`    // the partner's organisation; the centre, for centre-wide staff
	CentreID string `json:"centreId,omitempty"` // the Safer Internet Centre that runs PanelID
	Role     Role   `json:"role"`
}

// CentreWide reports whether m is a coordinator of a whole centre (OrgID).
func (m Membership) CentreWide() bool {
	return m.PanelID == "" && m.OrgID != "" && m.Role == Coordinator
}

// Account is a person who signs in. Youth accounts carry a date of birth
// and a country: together they decide which consents are needed.
type Account struct {
	ID          string    `json:"id"`
	Email       string    `json:"email"`
	DisplayName string    `json:"displayName"`
	BirthDate   string    `json:"birthDate,omitempty"` // YYYY-MM-DD, youth only
	Country     string    `json:"country,omitempty"`   // ISO 3166-1 alpha-2
	Language    string    `json:"language"`            // en, fr or de
	CreatedAt   time.Time `json:"createdAt"`
}
