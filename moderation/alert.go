package moderation

import (
	"slices"

	"chorus/identity"
)

// AlertRecipients is who is alerted of a safeguarding report in a panel
// (rule 6): its designated safeguarding lead (leadID) when they are staff
// of the panel; otherwise its moderators; and when it has none, its
// coordinators. Each person once, in the order of members.
func AlertRecipients(leadID string, members []identity.Member) []identity.Account {
	byRole := map[identity.Role][]identity.Account{}
	for _, m := range members {
		r := m.Membership.Role
		if r != identity.Moderator && r != identity.Coordinator {
			continue
		}
		if leadID != "" && m.Account.ID == leadID {
			return []identity.Account{m.Account}
		}
		if !slices.ContainsFunc(byRole[r], func(x identity.Account) bool { return x.ID == m.Account.ID }) {
			byRole[r] = append(byRole[r], m.Account)
		}
	}
	if to := byRole[identity.Moderator]; len(to) > 0 {
		return to
	}
	return byRole[identity.Coordinator]
}
