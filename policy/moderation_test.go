package policy

import (
	"reflect"
	"testing"

	"chorus/consent"
	"chorus/identity"
)

// Moderation (issue 5): who reports, who sees the queue, who decides and
// who sanctions. The matrix (testdata/matrix.txt) checks every combination;
// these cases name the ones people rely on.

func TestModerationWhoDoesWhat(t *testing.T) {
	caseIn := func(panel, group, author string) Resource {
		return Resource{Kind: KindCase, PanelID: panel, GroupID: group, OwnerID: author}
	}
	sanctionOf := func(panel, group, who string) Resource {
		return Resource{Kind: KindSanction, PanelID: panel, GroupID: group, OwnerID: who}
	}
	content := func(group, org string, approved bool) Resource {
		return Resource{Kind: KindContent, PanelID: "p1", GroupID: group, OwnerID: "y13", OrgID: org, Approved: approved}
	}
	queue := Resource{Kind: KindPanel, PanelID: "p1"}
	otherModerator := member("mod2", consent.Adult, identity.Moderator, "p2", "")
	otherCoordinator := member("coord2", consent.Adult, identity.Coordinator, "p2", "")
	runRuleCases(t, []ruleCase{
		// Reporting: whoever can see the content.
		{"youth reports in own group", youth13, ContentReport, content("g1", "", false), true, ""},
		{"youth reports without participate", youth13NoOK, ContentReport, content("g1", "", false), false, "consent_required:participate"},
		{"youth reports another group's content", youth13, ContentReport, content("g2", "", false), false, ReasonNotAMember},
		{"partner reports approved content published to them", partnerO1, ContentReport, content("g1", "o1", true), true, ""},
		{"partner reports unapproved content", partnerO1, ContentReport, content("g1", "o1", false), false, ReasonNotApproved},
		{"partner reports content of another organisation", partnerO1, ContentReport, content("g1", "o2", true), false, ""},
		{"moderator reports", moderatorP1, ContentReport, content("g2", "", false), true, ""},

		// The queue and cases: the panel's moderators and coordinators.
		{"moderator sees the queue", moderatorP1, ModerationQueueView, queue, true, ""},
		{"coordinator sees the queue", coordinator, ModerationQueueView, queue, true, ""},
		{"moderator of another panel", otherModerator, ModerationQueueView, queue, false, ReasonNotAMember},
		{"youth never sees the queue", youth17, ModerationQueueView, queue, false, ReasonRoleNotAllowed},
		{"partner never sees the queue", partnerO1, ModerationQueueView, queue, false, ReasonRoleNotAllowed},
		{"partner never sees a case", partnerO1, ModerationCaseView, caseIn("p1", "g1", "y13"), false, ""},
		{"minor holding a moderator role", minorAsStaff, ModerationCaseView, caseIn("p1", "g1", "y13"), false, ReasonAdultsOnly},

		// Deciding: moderators approve; coordinators take protective steps only.
		{"moderator approves", moderatorP1, ModerationApprove, caseIn("p1", "g2", "y13"), true, ""},
		{"coordinator cannot approve (rule 2)", coordinator, ModerationApprove, caseIn("p1", "g1", "y13"), false, ReasonRoleNotAllowed},
		{"coordinator hides", coordinator, ModerationAct, caseIn("p1", "g1", "y13"), true, ""},
		{"moderator of another panel cannot act", otherModerator, ModerationAct, caseIn("p1", "g1", "y13"), false, ReasonNotAMember},
		{"ambassador cannot act", youth17, ModerationAct, caseIn("p1", "g1", "y13"), false, ReasonRoleNotAllowed},

		// Sanctions: never by youth; staff only by coordinators.
		{"moderator mutes a youth", moderatorG1, ModerationSanction, sanctionOf("p1", "g1", "y13"), true, ""},
		{"moderator cannot sanction staff", moderatorG1, ModerationSanctionStaff, sanctionOf("p1", "g1", "modp"), false, ReasonRoleNotAllowed},
		{"coordinator sanctions a moderator", coordinator, ModerationSanctionStaff, sanctionOf("p1", "", "mod"), true, ""},
		{"coordinator of another panel", otherCoordinator, ModerationSanctionStaff, sanctionOf("p1", "", "mod"), false, ReasonNotAMember},
		{"ambassador cannot mute", youth17, ModerationSanction, sanctionOf("p1", "g1", "y13"), false, ReasonRoleNotAllowed},
		{"partner cannot mute", partnerO1, ModerationSanction, sanctionOf("p1", "g1", "y13"), false, ReasonRoleNotAllowed},

		// The audit trail: coordinators.
		{"coordinator exports the audit", coordinator, AuditExport, Resource{Kind: KindAudit, PanelID: "p1"}, true, ""},
		{"moderator cannot export the audit", moderatorP1, AuditExport, Resource{Kind: KindAudit, PanelID: "p1"}, false, ReasonRoleNotAllowed},
	})
}

// Youth never sanction anyone and never decide about content, whatever
// they hold and wherever the target is.
func TestYouthNeverModerate(t *testing.T) {
	for _, a := range []Action{ModerationSanction, ModerationSanctionStaff, ModerationAct, ModerationApprove, ModerationQueueView, ModerationCaseView} {
		forEachCase(a, func(c matrixCase) {
			if c.role.IsYouth() || c.role == identity.Partner || c.role == roleNone {
				if d := Decide(c.s, a, c.r); d.Allow {
					t.Fatalf("%s: got allow, want deny for %s", a, c)
				}
			}
		})
	}
}

// Only coordinators sanction staff: no moderator may mute or suspend
// another moderator or a coordinator; and no panel's coordinator may
// sanction a coordinator of the whole centre, who is above them (issue 9).
func TestOnlyCoordinatorsSanctionStaff(t *testing.T) {
	forEachCase(ModerationSanctionStaff, func(c matrixCase) {
		d := Decide(c.s, ModerationSanctionStaff, c.r)
		if d.Allow && c.role != identity.Coordinator && c.role != roleCentre {
			t.Fatalf("got allow for %s, want coordinators only", c)
		}
		if d.Allow && c.r.OwnerCentreStaff && c.role != roleCentre {
			t.Fatalf("got allow for %s, want only the centre's own coordinators to sanction its coordinators", c)
		}
	})
}

// Tenancy (issue 9): two centres, c1 and c2. What a coordinator of a panel
// of c1 and a coordinator of the whole of c1 may do, and that nothing of
// theirs reaches c2.
func TestTenancyAcrossTwoCentres(t *testing.T) {
	panelCoord := Subject{AccountID: "pc1", Band: consent.Adult, Memberships: []identity.Membership{{PanelID: "p1", CentreID: "c1", Role: identity.Coordinator}}}
	centreCoord := Subject{AccountID: "cc1", Band: consent.Adult, Memberships: []identity.Membership{{OrgID: "c1", Role: identity.Coordinator}}}
	centre := func(id string) Resource { return Resource{Kind: KindCentre, CentreID: id} }
	sanction := func(centreID, panel, who string, above bool) Resource {
		return Resource{Kind: KindSanction, CentreID: centreID, PanelID: panel, OwnerID: who, OwnerCentreStaff: above}
	}
	runRuleCases(t, []ruleCase{
		{"panel coordinator lists own centre's organisations", panelCoord, OrganisationView, centre("c1"), true, ""},
		{"panel coordinator lists another centre's", panelCoord, OrganisationView, centre("c2"), false, ReasonNotAMember},
		{"panel coordinator registers an organisation", panelCoord, OrganisationCreate, centre("c1"), false, ReasonCentreStaffOnly},
		{"panel coordinator creates a panel in own centre", panelCoord, PanelCreate, centre("c1"), false, ReasonCentreStaffOnly},
		{"panel coordinator creates a panel in another centre", panelCoord, PanelCreate, centre("c2"), false, ReasonNotAMember},
		{"centre coordinator creates a panel", centreCoord, PanelCreate, centre("c1"), true, ""},
		{"centre coordinator creates a panel in another centre", centreCoord, PanelCreate, centre("c2"), false, ReasonNotAMember},
		{"centre coordinator registers a partner", centreCoord, OrganisationCreate, centre("c1"), true, ""},
		{"centre coordinator lists another centre's organisations", centreCoord, OrganisationView, centre("c2"), false, ReasonNotAMember},
		{"panel coordinator suspends a moderator of the panel", panelCoord, ModerationSanctionStaff, sanction("c1", "p1", "mod", false), true, ""},
		{"panel coordinator suspends the centre's coordinator", panelCoord, ModerationSanctionStaff, sanction("c1", "p1", "cc1", true), false, ReasonOwnerAbove},
		{"centre coordinator suspends a panel coordinator", centreCoord, ModerationSanctionStaff, sanction("c1", "p1", "pc1", false), true, ""},
		{"centre coordinator suspends in another centre", centreCoord, ModerationSanctionStaff, sanction("c2", "p3", "pc3", false), false, ReasonNotAMember},
		{"centre coordinator mutes a youth of the centre", centreCoord, ModerationSanction, sanction("c1", "p2", "y", false), true, ""},
	})
}

// Which sanction action a target needs, from their memberships: staff of
// the panel, or of its whole centre, are sanctioned as staff.
func TestSanctionAsksAboutStaffAsStaff(t *testing.T) {
	in := func(role identity.Role, panel, group string) identity.Membership {
		return identity.Membership{PanelID: panel, GroupID: group, Role: role}
	}
	for _, c := range []struct {
		name   string
		ms     []identity.Membership
		act    Action
		above  bool
		member bool
	}{
		{"a youth of the panel", []identity.Membership{in(identity.Youth, "p1", "g1")}, ModerationSanction, false, true},
		{"a partner of the panel", []identity.Membership{{PanelID: "p1", OrgID: "o1", Role: identity.Partner}}, ModerationSanction, false, true},
		{"a moderator of the panel", []identity.Membership{in(identity.Moderator, "p1", "g1")}, ModerationSanctionStaff, false, true},
		{"a coordinator of the panel", []identity.Membership{in(identity.Coordinator, "p1", "")}, ModerationSanctionStaff, false, true},
		{"a moderator elsewhere, a youth here", []identity.Membership{in(identity.Moderator, "p2", ""), in(identity.Youth, "p1", "g1")}, ModerationSanction, false, true},
		{"the centre's coordinator", []identity.Membership{{OrgID: "c1", Role: identity.Coordinator}}, ModerationSanctionStaff, true, false},
		{"another centre's coordinator", []identity.Membership{{OrgID: "c2", Role: identity.Coordinator}}, ModerationSanction, false, false},
		{"nobody of the panel", nil, ModerationSanction, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			act, r, member := Sanction("x", c.ms, "c1", "p1", "g1")
			want := Resource{Kind: KindSanction, OwnerID: "x", CentreID: "c1", PanelID: "p1", GroupID: "g1", OwnerCentreStaff: c.above}
			if act != c.act || !reflect.DeepEqual(r, want) || member != c.member {
				t.Errorf("got %s %+v member %v, want %s %+v member %v", act, r, member, c.act, want, c.member)
			}
		})
	}
}
