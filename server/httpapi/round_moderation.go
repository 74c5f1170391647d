package httpapi

import (
	"context"

	"chorus/identity"
	"chorus/moderation"
	"chorus/policy"
	"chorus/round"
)

// Round content in the moderation queue: partner answers, youth
// follow-ups, partner replies, commitment updates and the reasons youth
// give with their ratings. Package round opens their cases and carries out
// the decisions; here the queue learns where each lives and what it says,
// and who may report it.

func (a *API) registerRoundKinds(m *moderation.Service) {
	if a.people.Rounds == nil {
		return
	}
	for _, t := range []string{moderation.PartnerAnswer, moderation.RoundFollowUp, moderation.RoundReply, moderation.CommitmentUpdate, moderation.CommitmentRating} {
		m.Register(t, moderation.ContentKind{
			Resolve: func(ctx context.Context, id string) (contentInfo, error) { return a.resolveRoundContent(ctx, t, id) },
			Apply: func(ctx context.Context, id string, ch moderation.Change) error {
				return a.people.Rounds.Apply(ctx, ch.Actor, t, id, shownAs(ch.Outcome))
			},
			MayReport: func(ctx context.Context, by policy.Subject, id string, _ contentInfo) (bool, error) {
				return a.mayReportRoundContent(ctx, caller{Subject: by, Account: identity.Account{ID: by.AccountID}}, t, id)
			},
		})
	}
}

// mayReportRoundContent: whoever follows the round and can read the text
// may report it (rule 6): approved text, or one's own.
func (a *API) mayReportRoundContent(ctx context.Context, cl caller, contentType, id string) (bool, error) {
	c, err := a.people.Rounds.Content(ctx, contentType, id)
	if err != nil {
		return false, err
	}
	r, err := a.people.Rounds.Round(ctx, c.RoundID)
	if err != nil {
		return false, err
	}
	if !policy.Decide(cl.Subject, policy.RoundView, roundResource(cl.Subject, r)).Allow {
		return false, nil
	}
	return c.Status == round.Approved || c.OwnerID == cl.Account.ID, nil
}

func (a *API) resolveRoundContent(ctx context.Context, contentType, id string) (contentInfo, error) {
	c, err := a.people.Rounds.Content(ctx, contentType, id)
	if err != nil {
		return contentInfo{}, err
	}
	return contentInfo{PanelID: c.PanelID, OwnerID: c.OwnerID, Text: c.Text, Context: c.Context, Link: "/rounds/" + c.RoundID,
		Language: c.Language, Approved: c.Status == round.Approved, Hidden: c.Status != round.Approved}, nil
}
