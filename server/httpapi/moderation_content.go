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
		ps.Register(m)
	}
	if ls := a.people.LiveSessions; ls != nil {
		ls.Register(m)
	}
	if vs := a.deps.Videos; vs != nil && vs.Review != nil {
		m.Register(review.ContentVersion, moderation.ContentKind{Resolve: a.resolveVideoVersion, Apply: a.applyVideoVersion,
			Check: a.checkVideoVersion, NoReports: true})
		m.Register(review.ContentComment, moderation.ContentKind{Resolve: a.resolveVideoComment, Apply: a.applyVideoComment, ByAuthor: vs.Review.CommentsBy})
	}
	a.registerRoundKinds(m)
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

// shownAs is what a content's own package calls an outcome (for the kinds
// registered here): a withdrawal of consent takes content out of view as a
// hide does.
func shownAs(o moderation.Outcome) string {
	if o == moderation.OutcomeWithdraw {
		return string(moderation.OutcomeHide)
	}
	return string(o)
}
