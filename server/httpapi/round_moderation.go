package httpapi

import (
	"context"

	"chorus/moderation"
	"chorus/policy"
	"chorus/round"
)

// Round content in the moderation workflow: partner answers, youth
// follow-ups, partner replies, commitment updates and the reasons youth
// give with their ratings. Package round opens their cases and carries out
// the decisions; here the registry learns where each lives, what it says,
// who may report it, and (for youth text) what a withdrawal of consent
// must reach.

func (a *API) registerRoundKinds(m *moderation.Service, rs *round.Service) {
	byAuthor := map[string]func(ctx context.Context, accountID string) ([]string, error){
		moderation.RoundFollowUp:    rs.FollowUpsBy,
		moderation.CommitmentRating: rs.RatingsBy,
	}
	for _, t := range []string{moderation.PartnerAnswer, moderation.RoundFollowUp, moderation.RoundReply, moderation.CommitmentUpdate, moderation.CommitmentRating} {
		m.Register(t, moderation.ContentKind{
			Resolve: func(ctx context.Context, id string) (contentInfo, error) { return a.resolveRoundContent(ctx, t, id) },
			Apply: func(ctx context.Context, id string, ch moderation.Change) error {
				return rs.Apply(ctx, ch.Actor, t, id, shownAs(ch.Outcome))
			},
			MayReport: func(ctx context.Context, by policy.Subject, id string, _ moderation.Content) (bool, error) {
				return a.mayReportRoundContent(ctx, by, t, id)
			},
			ByAuthor: byAuthor[t],
		})
	}
}

// mayReportRoundContent: whoever follows the round and can read the text
// may report it (rule 6): approved text, or one's own.
func (a *API) mayReportRoundContent(ctx context.Context, by policy.Subject, contentType, id string) (bool, error) {
	c, err := a.people.Rounds.Content(ctx, contentType, id)
	if err != nil {
		return false, err
	}
	r, err := a.people.Rounds.Round(ctx, c.RoundID)
	if err != nil {
		return false, err
	}
	if !policy.Decide(by, policy.RoundView, roundResource(by, r)).Allow {
		return false, nil
	}
	return c.Status == round.Approved || c.OwnerID == by.AccountID, nil
}

func (a *API) resolveRoundContent(ctx context.Context, contentType, id string) (contentInfo, error) {
	c, err := a.people.Rounds.Content(ctx, contentType, id)
	if err != nil {
		return contentInfo{}, err
	}
	return contentInfo{PanelID: c.PanelID, OwnerID: c.OwnerID, Text: c.Text, Context: c.Context, Link: "/rounds/" + c.RoundID,
		Language: c.Language, Approved: c.Status == round.Approved, Hidden: c.Status != round.Approved}, nil
}
