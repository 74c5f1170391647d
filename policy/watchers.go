package policy

import (
	"cmp"
	"slices"
	"strings"

	"chorus/identity"
)

// Watcher is one audience that can see a space or a piece of content: every
// member holding Role in the panel (PanelID), only in one group (GroupID
// set), or in one partner organisation (OrgID set, PanelID empty).
type Watcher struct {
	Role    identity.Role `json:"role"`
	PanelID string        `json:"panelId,omitempty"`
	GroupID string        `json:"groupId,omitempty"`
	OrgID   string        `json:"orgId,omitempty"`
}

// Watchers answers safeguarding rule 8, "who can see this?", for a space or
// a piece of content. It reads the same rule table as Decide (every grant of
// every action that reveals r's kind), so the answer always matches what is
// enforced. The person a thing is about always sees it too and is not listed.
// Youth members are listed as the group that can see it; they still need
// their own consent to open it.
func Watchers(r Resource) []Watcher {
	var out []Watcher
	for _, a := range Actions() {
		rl := rules[a]
		if !rl.reveals || rl.kind != r.Kind {
			continue
		}
		for _, g := range rl.grants {
			if !conditionsHold(g.when, r) {
				continue
			}
			for _, role := range g.roles {
				switch {
				case g.rel&samePanel != 0 && r.PanelID != "":
					out = append(out, Watcher{Role: role, PanelID: r.PanelID})
				case g.rel&sameGroup != 0 && r.PanelID != "" && r.GroupID != "":
					out = append(out, Watcher{Role: role, PanelID: r.PanelID, GroupID: r.GroupID})
				case g.rel&(sameOrg|orgInPanel) != 0 && r.OrgID != "":
					out = append(out, Watcher{Role: role, OrgID: r.OrgID})
				}
			}
		}
	}
	return compact(out)
}

func conditionsHold(cs []condition, r Resource) bool {
	for _, c := range cs {
		if !c.holds(r) {
			return false
		}
	}
	return true
}

// compact sorts watchers and drops duplicates and group audiences already
// covered by a panel audience for the same role.
func compact(ws []Watcher) []Watcher {
	panelWide := map[identity.Role]bool{}
	for _, w := range ws {
		if w.PanelID != "" && w.GroupID == "" {
			panelWide[w.Role] = true
		}
	}
	ws = slices.DeleteFunc(ws, func(w Watcher) bool { return w.GroupID != "" && panelWide[w.Role] })
	slices.SortFunc(ws, func(a, b Watcher) int {
		return cmp.Or(
			cmp.Compare(roleOrder(a.Role), roleOrder(b.Role)),
			strings.Compare(a.PanelID, b.PanelID),
			strings.Compare(a.GroupID, b.GroupID),
			strings.Compare(a.OrgID, b.OrgID),
		)
	})
	return slices.Compact(ws)
}

func roleOrder(r identity.Role) int {
	if i := slices.Index(identity.Roles, r); i >= 0 {
		return i
	}
	return len(identity.Roles)
}
