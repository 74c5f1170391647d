// Package policy is the one place where Chorus decides whether someone may
// do something. HTTP handlers and websocket subscriptions ask Decide (or
// Check) and never decide on their own.
//
// The rules are data: the table in rules.go says, per action, which roles in
// which relation to the resource may act, which consent scope a youth must
// hold, and which conditions the resource must meet. Decide reads that table
// and so does Watchers, so what a youth is told about who can see a space is
// exactly what is enforced (safeguarding rule 8 of DESIGN.md).
//
// The safeguarding rules enforced here:
//   - Rule 1: there is no action for a private or direct message between
//     accounts, so such a channel cannot exist; posting needs a group space
//     that has at least one moderator member.
//   - Rule 2 (the policy's part): partners see youth content only when a
//     moderator approved it and it was published to their organisation.
//   - Rule 4: partners see a minor's full name only when the minor holds
//     name_visible_to_partners (see VisibleName).
//   - Rule 7: nobody adds anyone to a group; people join by accepting an
//     invitation themselves. No profile is visible outside the panel.
//   - Rule 8: Watchers lists who can see a space or a piece of content.
package policy

import (
	"slices"

	"chorus/consent"
	"chorus/identity"
)

// Subject is who asks. The zero Subject is someone who is not signed in.
//
// Tenancy: a Safer Internet Centre (an organisation) runs panels, a panel
// has groups, and partner organisations are invited per panel. A
// membership with a PanelID places the subject in that panel (its CentreID
// names the panel's centre); a membership with no PanelID and the centre
// as OrgID makes a centre coordinator, staff of the whole centre. Every
// power is bounded by those places: nothing here reaches another centre.
type Subject struct {
	AccountID   string
	Band        consent.AgeBand       // the zero band is treated as a minor below consent age: fail closed
	Memberships []identity.Membership // in panels (PanelID set) or centre-wide (PanelID empty, OrgID the centre)
	Consents    []consent.Scope       // scopes currently in effect, whoever granted them
}

// SignedIn reports whether the subject is a known account.
func (s Subject) SignedIn() bool { return s.AccountID != "" }

// Holds reports whether the subject currently holds scope.
func (s Subject) Holds(scope consent.Scope) bool { return slices.Contains(s.Consents, scope) }

// Kind says what sort of thing a Resource is. Every action applies to one
// kind; asking about another kind is denied, so a resource built for one
// question cannot answer another by accident.
type Kind string

// The resource kinds.
const (
	KindPanel      Kind = "panel"      // a panel (PanelID)
	KindGroup      Kind = "group"      // a group inside a panel (PanelID, GroupID)
	KindSpace      Kind = "space"      // a group's conversation space (PanelID, GroupID, GroupHasModerator)
	KindContent    Kind = "content"    // a piece of group content: pledge item, comment, video (PanelID, GroupID, OwnerID, Approved, OrgID when published)
	KindInvitation Kind = "invitation" // an invitation into a panel or group (PanelID, GroupID)
	KindProfile    Kind = "profile"    // a person as others see them (OwnerID, PanelID, GroupID, OwnerBand, OwnerConsents)
	KindConsent    Kind = "consent"    // a person's consent ledger or signed form (OwnerID, PanelID, GroupID)
	KindMembership Kind = "membership" // a membership being created (OwnerID = who joins, PanelID, GroupID, Invited)
	KindAccount    Kind = "account"    // an account as a whole, for export and erasure (OwnerID)
	KindAudit      Kind = "audit"      // a panel's audit trail (PanelID)
	KindOutbox     Kind = "outbox"     // mail held in the embedded outbox about a panel (PanelID)
	KindPledge     Kind = "pledge"     // a group's pledge (PanelID, GroupID, GroupHasModerator, Approved = a moderator published a version)
	KindCase       Kind = "case"       // a moderation case about a piece of content (PanelID, GroupID, OwnerID = the content's author)
	KindSanction   Kind = "sanction"   // a mute or suspension of a person, or lifting one (OwnerID = the person, PanelID, GroupID for a mute)
	KindSession    Kind = "session"    // a supervised live session of a panel, or one being scheduled (PanelID; OrgID = the asker's organisation when the session invited it)
	KindCentre     Kind = "centre"     // a Safer Internet Centre as a whole: its organisations, its new panels (CentreID)
	KindVideo      Kind = "video"      // a group's video, or one being started in a group (PanelID, GroupID)
	KindRound      Kind = "round"      // a feedback round of a panel (PanelID, CentreID; OrgID = the asker's organisation when the round invited it; Approved = that organisation's scorecard is published)
)

// Resource is what a question is about: its kind and just the context the
// rules need. Fill in what the kind's comment lists; the rest stays zero.
type Resource struct {
	Kind     Kind
	CentreID string // the Safer Internet Centre the panel belongs to (the panel's OrgID); KindCentre: the centre itself
	PanelID  string
	GroupID  string // empty: the panel as a whole
	OrgID    string // partner organisation the content is published to; empty: not published

	OwnerID       string          // the account the thing belongs to or is about
	OwnerBand     consent.AgeBand // the owner's age band (rule 4); zero is treated as a minor
	OwnerConsents []consent.Scope // scopes the owner currently holds (rule 4)

	// Role is the role an invitation or a membership is for (KindInvitation,
	// KindMembership): partners are never members of a group.
	Role identity.Role

	GroupHasModerator bool // the group space has at least one moderator member (rule 1)
	Approved          bool // a moderator approved this content (rule 2)
	Invited           bool // an open invitation for OwnerID to this panel or group exists (rule 7)
	// OwnerCentreStaff: the person (OwnerID) coordinates the resource's
	// centre, which puts them above the staff of each of its panels.
	OwnerCentreStaff bool
}

// Decision is the answer to one question. Reason is a short, stable,
// machine-readable code (for logs, tests and the API's problem type); Scope
// is set when a missing consent is what stands in the way.
type Decision struct {
	Allow  bool
	Reason string
	Scope  consent.Scope
}

// The reasons a Decision carries. Allowed decisions carry ReasonAllowed.
const (
	ReasonAllowed           = "allowed"
	ReasonNotSignedIn       = "not_signed_in"
	ReasonUnknownAction     = "unknown_action"
	ReasonWrongResource     = "wrong_resource_kind"
	ReasonNotAMember        = "not_a_member"
	ReasonRoleNotAllowed    = "role_not_allowed"
	ReasonNotYourself       = "not_yourself"
	ReasonAdultsOnly        = "role_requires_adult"
	ReasonConsentRequired   = "consent_required" // followed by ":" and the scope
	ReasonNoModerator       = "no_moderator_in_space"
	ReasonNotApproved       = "not_approved"
	ReasonNotInvited        = "not_invited"
	ReasonNameNotShared     = "name_not_shared"
	ReasonOwnerAbove        = "owner_above_you"      // the person is staff above the asker (a centre coordinator)
	ReasonCentreStaffOnly   = "centre_staff_only"    // only coordinators of the whole centre may
	ReasonPartnerNotInGroup = "partner_not_in_group" // partners are members of a panel, never of a group
)

// Decide answers whether s may do a on r. Unknown actions, a subject who is
// not signed in and a resource of the wrong kind are always denied.
func Decide(s Subject, a Action, r Resource) Decision {
	if !s.SignedIn() {
		return Decision{Reason: ReasonNotSignedIn}
	}
	rule, ok := rules[a]
	if !ok {
		return Decision{Reason: ReasonUnknownAction}
	}
	if r.Kind != rule.kind {
		return Decision{Reason: ReasonWrongResource}
	}
	best := Decision{Reason: noRelationReason(s, r, rule)}
	bestStage := stageRelation
	for _, g := range rule.grants {
		d, stage := g.evaluate(s, r)
		if d.Allow {
			return d
		}
		if stage > bestStage {
			best, bestStage = d, stage
		}
	}
	return best
}

// stage is how far a grant got before it failed; the deepest failure gives
// the most useful reason ("ask your guardian" beats "not a member").
type stage int

const (
	stageRelation stage = iota
	stageBand
	stageConsent
	stageCondition
)

func (g grant) evaluate(s Subject, r Resource) (Decision, stage) {
	if g.roles == nil { // any signed-in account, for itself
		if !isSelf(s, r) {
			return Decision{}, stageRelation
		}
		return g.checkConsentAndConditions(s, r)
	}
	failed := Decision{}
	failedAt := stageRelation
	for _, m := range s.Memberships {
		if !slices.Contains(g.roles, m.Role) || g.rel&relationsOf(s, m, r) == 0 {
			continue
		}
		if !m.Role.IsYouth() && s.Band != consent.Adult {
			// Staff roles are for vetted adults only: a minor holding one is
			// a data error, and the role grants nothing.
			if failedAt < stageBand {
				failed, failedAt = Decision{Reason: ReasonAdultsOnly}, stageBand
			}
			continue
		}
		return g.checkConsentAndConditions(s, r)
	}
	return failed, failedAt
}

func (g grant) checkConsentAndConditions(s Subject, r Resource) (Decision, stage) {
	if g.needs != "" && !s.Holds(g.needs) {
		return Decision{Reason: ReasonConsentRequired + ":" + string(g.needs), Scope: g.needs}, stageConsent
	}
	for _, c := range g.when {
		if !c.holds(r) {
			return Decision{Reason: c.reason}, stageCondition
		}
	}
	return Decision{Allow: true, Reason: ReasonAllowed}, stageCondition
}

// relation is a set of ways a subject can stand towards a resource.
type relation uint8

const (
	self        relation = 1 << iota // the resource is about the subject
	sameGroup                        // a membership in the resource's group
	samePanel                        // a membership anywhere in the resource's panel (includes same group)
	sameOrg                          // a partner membership in the organisation the resource is published to
	anywhere                         // the role is held in any membership
	orgInPanel                       // a partner membership in the resource's panel, for the organisation it is published (or a session invited)
	sameCentre                       // a centre-wide membership (no panel) in the resource's centre
	centrePanel                      // a membership in a panel of the resource's centre
)

func isSelf(s Subject, r Resource) bool { return r.OwnerID != "" && r.OwnerID == s.AccountID }

// relationsOf is every relation that membership m (of subject s) has to r.
// Empty identifiers never match each other.
func relationsOf(s Subject, m identity.Membership, r Resource) relation {
	rel := anywhere
	if isSelf(s, r) {
		rel |= self
	}
	if m.PanelID != "" && m.PanelID == r.PanelID {
		rel |= samePanel
		if m.GroupID != "" && m.GroupID == r.GroupID {
			rel |= sameGroup
		}
	}
	if m.OrgID != "" && m.OrgID == r.OrgID {
		rel |= sameOrg
		if m.PanelID != "" && m.PanelID == r.PanelID {
			rel |= orgInPanel
		}
	}
	if r.CentreID != "" {
		if m.PanelID == "" && m.OrgID == r.CentreID {
			rel |= sameCentre
		}
		if m.PanelID != "" && m.CentreID == r.CentreID {
			rel |= centrePanel
		}
	}
	return rel
}

// noRelationReason explains a denial where no grant applied to the subject at all.
func noRelationReason(s Subject, r Resource, rl rule) string {
	for _, m := range s.Memberships {
		if relationsOf(s, m, r)&centrePanel == 0 {
			continue
		}
		for _, g := range rl.grants {
			if g.rel&sameCentre != 0 && slices.Contains(g.roles, m.Role) {
				return ReasonCentreStaffOnly // a panel's coordinator asking for a power of the whole centre
			}
		}
	}
	selfOnly := true
	for _, g := range rl.grants {
		if g.rel != self {
			selfOnly = false
		}
	}
	if selfOnly && !isSelf(s, r) {
		return ReasonNotYourself
	}
	for _, m := range s.Memberships {
		for _, g := range rl.grants {
			if slices.Contains(g.roles, m.Role) {
				return ReasonNotAMember // the right role, in the wrong place
			}
		}
	}
	for _, m := range s.Memberships {
		if relationsOf(s, m, r)&(samePanel|sameOrg|orgInPanel|sameCentre) != 0 {
			return ReasonRoleNotAllowed
		}
	}
	return ReasonNotAMember
}
