package moderation_test

import (
	"slices"
	"testing"

	"chorus/identity"
	"chorus/moderation"
)

func TestSafeguardingAlertRecipients(t *testing.T) {
	m := func(id string, r identity.Role, group string) identity.Member {
		return identity.Member{Account: identity.Account{ID: id}, Membership: identity.Membership{PanelID: "p1", GroupID: group, Role: r}}
	}
	panel := []identity.Member{m("y", identity.Youth, "g1"), m("mo", identity.Moderator, "g1"), m("mo", identity.Moderator, "g2"),
		m("max", identity.Moderator, ""), m("co", identity.Coordinator, ""), m("pa", identity.Partner, "")}
	ids := func(as []identity.Account) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.ID)
		}
		return out
	}
	for _, c := range []struct {
		name    string
		lead    string
		members []identity.Member
		want    []string
	}{
		{"the lead", "co", panel, []string{"co"}},
		{"no lead: the moderators, once each", "", panel, []string{"mo", "max"}},
		{"a lead who is no staff here: the moderators", "y", panel, []string{"mo", "max"}},
		{"no moderator: the coordinators", "", []identity.Member{m("co", identity.Coordinator, ""), m("y", identity.Youth, "g1")}, []string{"co"}},
		{"nobody", "", []identity.Member{m("y", identity.Youth, "g1")}, nil},
	} {
		if got := ids(moderation.AlertRecipients(c.lead, c.members)); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}
