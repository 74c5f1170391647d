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

// contentInfo is what moderation needs to know about a piece of content
// (moderation.Content).
type contentInfo = moderation.Content

// registerKinds registers the kinds of content of this API's features with
// the moderation workflow (moderation.Service.Register), which decides on
// them and makes withdrawals of consent reach them.
func (a *API) registerKinds() {
	if a.people == nil || a.people.Moderation == nil {
		return
	}
	m := a.people.Moderation
	if ps := a.people.Pledges; ps != nil {
		m.Register(moderation.PledgeComment, moderation.ContentKind{Resolve: a.resolvePledgeComment, Apply: a.applyPledgeComment, ByAuthor: ps.CommentsBy})
		m.Register(moderation.Amendment, moderation.ContentKind{Resolve: a.resolveAmendment, Apply: a.applyAmendment, ByAuthor: ps.AmendmentsBy})
		m.Register(moderation.PledgeVersion, moderation.ContentKind{Resolve: a.resolvePledgeVersion, Apply: a.applyPledgeVersion,
			Check: a.checkPledgeVersion, NoReports: true})
	}
	if ls := a.people.LiveSessions; ls != nil {
		m.Register(moderation.SessionMessage, moderation.ContentKind{Resolve: a.resolveSessionMessage, Apply: a.applySessionMessage,
			MayReport: a.mayReportSessionMessage, ByAuthor: ls.MessagesBy})
	}
	if vs := a.deps.Videos; vs != nil && vs.Review != nil {
		m.Register(review.ContentVersion, moderation.ContentKind{Resolve: a.resolveVideoVersion, Apply: a.applyVideoVersion,
			Check: a.checkVideoVersion, NoReports: true})
		m.Register(review.ContentComment, moderation.ContentKind{Resolve: a.resolveVideoComment, Apply: a.applyVideoComment, ByAuthor: vs.Review.CommentsBy})
	}
	if rs := a.people.Rounds; rs != nil {
		a.registerRoundKinds(m, rs)
	}
}

// shownAs is what the content's own package calls an outcome: a withdrawal
// of consent takes content out of view as a hide does.
func shownAs(o moderation.Outcome) string {
	if o == moderation.OutcomeWithdraw {
		return string(moderation.OutcomeHide)
	}
	return string(o)
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
	info := contentInfo{PanelID: p.PanelID, GroupID: p.GroupID, OwnerID: cm.Author, Text: cm.Text, Link: "/pledges/" + p.ID, Title: p.Title,
		Language: p.Language, Hidden: cm.Held || cm.Hidden}
	if it, err := ps.Item(ctx, p.ID, cm.ItemID); err == nil {
		info.Context = it.Text
	} else if !fault.Is(err, fault.NotFound) {
		return contentInfo{}, err
	}
	return info, nil
}

func (a *API) applyPledgeComment(ctx context.Context, id string, ch moderation.Change) error {
	_, err := a.people.Pledges.ModerateComment(ctx, ch.Actor, id, shownAs(ch.Outcome))
	return err
}

// noContent is the one answer for content that does not exist, that the
// caller may not see, or of a type nobody can report: it never says which.
func noContent() error {
	return fault.Errorf(fault.NotFound, "This content does not exist.")
}

// contentResource is what the policy needs to know about content.
func contentResource(info contentInfo) policy.Resource { return info.Resource() }

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
