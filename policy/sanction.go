package policy

import (
	"slices"

	"chorus/identity"
)

// Sanction is what the policy is asked about sanctioning the person
// accountID (with memberships ms) in a panel of a centre (and a group of
// it): moderation.sanction_staff when they hold a staff role in the panel
// (moderator or coordinator) or coordinate the panel's whole centre, whom
// only coordinators may sanction, and only a centre's own coordinators its
// centre-wide ones; moderation.sanction for youth and partners. Member
// says whether they belong to the panel at all.
func Sanction(accountID string, ms []identity.Membership, centreID, panelID, groupID string) (act Action, r Resource, member bool) {
	staff := false
	for _, m := range ms {
		if m.PanelID != panelID {
			continue
		}
		member = true
		if m.Role == identity.Moderator || m.Role == identity.Coordinator {
			staff = true
		}
	}
	above := slices.ContainsFunc(ms, func(m identity.Membership) bool { return m.CentreWide() && m.OrgID == centreID })
	r = Resource{Kind: KindSanction, OwnerID: accountID, CentreID: centreID, PanelID: panelID, GroupID: groupID, OwnerCentreStaff: above}
	act = ModerationSanction
	if staff || above {
		act = ModerationSanctionStaff
	}
	return act, r, member
}
