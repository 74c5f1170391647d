package httpapi

import (
	"context"

	"chorus/consent"
	"chorus/fault"
	"chorus/moderation"
	"chorus/policy"
)

// contentInfo is what moderation needs to know about a piece of content
// (moderation.Content).
type contentInfo = moderation.Content

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
