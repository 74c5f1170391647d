package httpapi

import (
	"context"

	"chorus/consent"
	"chorus/fault"
	"chorus/identity"
	"chorus/media/review"
	"chorus/moderation"
	"chorus/policy"
)

// contentInfo is what moderation needs to know about a piece of content,
// whatever package keeps it: where it lives (for the policy), who wrote it,
// its text, and where a moderator reads it in context.
type contentInfo struct {
	PanelID  string
	GroupID  string
	OwnerID  string
	Text     string
	Context  string // what the content is about, e.g. the pledge item a comment is on
	Link     string // where the app shows it, e.g. /pledges/<id>
	Language string
	Approved bool // a moderator approved it for partners (rule 2)
	// Hidden says that only its author and the panel's supervisors see it
	// now (held by screening, waiting for changes, or hidden).
	Hidden bool
}

// moderatedContent is one kind of content that can be reported and
// moderated: resolve finds it (fault.NotFound when it does not exist) and
// apply carries a moderator's decision out on it (outcome: approve, hide,
// restore or request_changes), so that who sees it follows the case.
// check, when set, runs before the decision is recorded and may refuse it
// (the content is not in a state the outcome fits, or the policy says no
// to what it would do). noReports: the content cannot be reported.
type moderatedContent struct {
	resolve   func(ctx context.Context, id string) (contentInfo, error)
	apply     func(ctx context.Context, actor, id string, outcome string) error
	check     func(ctx context.Context, cl caller, id string, outcome string) error
	noReports bool
	// mayReport replaces the group-content rule (see mayReport) for
	// content that lives in another kind of space, such as a live session.
	mayReport func(ctx context.Context, cl caller, id string, info contentInfo) (bool, error)
}

// contentTypes is the registry of moderated content, by moderation content
// type. A capability whose content can be reported adds its entry here.
func (a *API) contentTypes() map[string]moderatedContent {
	types := map[string]moderatedContent{}
	if a.people.Pledges != nil {
		types[moderation.PledgeComment] = moderatedContent{resolve: a.resolvePledgeComment, apply: a.applyPledgeComment}
		types[moderation.Amendment] = moderatedContent{resolve: a.resolveAmendment, apply: a.applyAmendment}
		types[moderation.PledgeVersion] = moderatedContent{resolve: a.resolvePledgeVersion, apply: a.applyPledgeVersion,
			check: a.checkPledgeVersion, noReports: true}
	}
	if a.deps.Videos != nil && a.deps.Videos.Review != nil {
		types[review.ContentVersion] = moderatedContent{resolve: a.resolveVideoVersion, apply: a.applyVideoVersion,
			check: a.checkVideoVersion, noReports: true}
		types[review.ContentComment] = moderatedContent{resolve: a.resolveVideoComment, apply: a.applyVideoComment}
	}
	if a.people.LiveSessions != nil {
		types[moderation.SessionMessage] = moderatedContent{resolve: a.resolveSessionMessage, apply: a.applySessionMessage,
			mayReport: a.mayReportSessionMessage}
	}
	return types
}

func (a *API) resolvePledgeComment(ctx context.Context, id string) (contentInfo, error) {
	ps := a.people.Pledges
	cm, err := ps.Comment(ctx, id)
	if err != nil {
		return contentInfo{}, err
	}
	p, err := ps.Pledge(ctx, cm.PledgeID)
	if err != nil {
		return contentInfo{}, err
	}
	info := contentInfo{PanelID: p.PanelID, GroupID: p.GroupID, OwnerID: cm.Author, Text: cm.Text, Link: "/pledges/" + p.ID,
		Language: p.Language, Hidden: cm.Held || cm.Hidden}
	if it, err := ps.Item(ctx, p.ID, cm.ItemID); err == nil {
		info.Context = it.Text
	} else if !fault.Is(err, fault.NotFound) {
		return contentInfo{}, err
	}
	return info, nil
}

func (a *API) applyPledgeComment(ctx context.Context, actor, id, outcome string) error {
	_, err := a.people.Pledges.ModerateComment(ctx, actor, id, outcome)
	return err
}

// outcomeOf is what a moderator action means for the content itself;
// escalating changes nothing about who sees it.
var outcomeOf = map[moderation.Action]string{
	moderation.Approve:        "approve",
	moderation.Restore:        "restore",
	moderation.Hide:           "hide",
	moderation.RequestChanges: "request_changes",
}

// noContent is the one answer for content that does not exist, that the
// caller may not see, or of a type nobody can report: it never says which.
func noContent() error {
	return fault.Errorf(fault.NotFound, "This content does not exist.")
}

// contentResource is what the policy needs to know about content.
func contentResource(info contentInfo) policy.Resource {
	return policy.Resource{Kind: policy.KindContent, PanelID: info.PanelID, GroupID: info.GroupID, OwnerID: info.OwnerID, Approved: info.Approved}
}

// canSee reports whether cl may see the content now: the policy lets them
// see content there, and content that is held or hidden only by its author
// and the panel's supervisors (who may open its moderation case).
func (a *API) canSee(ctx context.Context, cl caller, contentType, id string, info contentInfo) (bool, error) {
	r := contentResource(info)
	if !policy.Decide(cl.Subject, policy.ContentView, r).Allow && !policy.Decide(cl.Subject, policy.ContentViewByPartner, r).Allow {
		return false, nil
	}
	if info.OwnerID == cl.Account.ID || moderatesPanel(cl, info.PanelID) {
		return true, nil
	}
	if info.Hidden {
		return false, nil
	}
	hidden, err := a.people.Moderation.Hidden(ctx, contentType, id)
	return !hidden, err
}

// author is what a moderator is told about the author of content: the name
// the policy lets them see, the age band and the consents in effect.
type author struct {
	name     string
	band     consent.AgeBand
	consents []string
}

// authorOf describes accountID as viewer may see them; an erased account
// is described by nothing.
func (a *API) authorOf(ctx context.Context, viewer caller, accountID, panelID, groupID string) (author, error) {
	if accountID == "" {
		return author{}, nil
	}
	who, err := a.callerFor(ctx, accountID)
	if fault.Is(err, fault.NotFound) {
		return author{}, nil
	}
	if err != nil {
		return author{}, err
	}
	out := author{band: who.Subject.Band, consents: []string{}}
	for _, s := range who.Subject.Consents {
		out.consents = append(out.consents, string(s))
	}
	out.name = policy.VisibleName(viewer.Subject, policy.PersonView{AccountID: who.Account.ID, DisplayName: who.Account.DisplayName,
		Country: who.Account.Country, Band: who.Subject.Band, Consents: who.Subject.Consents, PanelID: panelID, GroupID: groupID})
	return out, nil
}

// staffIn reports whether a person holds a staff role (moderator or
// coordinator) in the panel, which makes sanctioning them a coordinator's
// decision (moderation.sanction_staff).
func staffIn(ms []identity.Membership, panelID string) (member, staff bool) {
	for _, m := range ms {
		if m.PanelID != panelID {
			continue
		}
		member = true
		if m.Role == identity.Moderator || m.Role == identity.Coordinator {
			staff = true
		}
	}
	return member, staff
}
