package round

import (
	"context"

	"chorus/identity"
	"chorus/moderation"
	"chorus/policy"
)

// Round content in the moderation workflow (moderation's registry):
// partner answers, youth follow-ups, partner replies, commitment updates
// and the reasons youth give with their ratings. This package opens their
// cases and carries out the decisions; here the registry learns where each
// lives, what it says, who may report it, and, for youth text, what a
// withdrawal of consent must reach.

// Register registers the round's kinds of content with the moderation
// workflow.
func (s *Service) Register(m *moderation.Service) {
	byAuthor := map[string]func(ctx context.Context, accountID string) ([]string, error){
		moderation.RoundFollowUp:    s.FollowUpsBy,
		moderation.CommitmentRating: s.reasonsBy,
	}
	for _, t := range []string{moderation.PartnerAnswer, moderation.RoundFollowUp, moderation.RoundReply, moderation.CommitmentUpdate, moderation.CommitmentRating} {
		m.Register(t, moderation.ContentKind{
			Resolve: func(ctx context.Context, id string) (moderation.Content, error) { return s.resolve(ctx, t, id) },
			Apply: func(ctx context.Context, id string, ch moderation.Change) error {
				return s.Apply(ctx, ch.Actor, t, id, shownAs(ch.Outcome))
			},
			MayReport: func(ctx context.Context, by policy.Subject, id string, _ moderation.Content) (bool, error) {
				return s.mayReport(ctx, by, t, id)
			},
			ByAuthor: byAuthor[t],
		})
	}
}

// shownAs is what this package calls a moderation outcome: a withdrawal of
// consent takes content out of view as a hide does.
func shownAs(o moderation.Outcome) string {
	if o == moderation.OutcomeWithdraw {
		return string(moderation.OutcomeHide)
	}
	return string(o)
}

func (s *Service) resolve(ctx context.Context, contentType, id string) (moderation.Content, error) {
	c, err := s.Content(ctx, contentType, id)
	if err != nil {
		return moderation.Content{}, err
	}
	return moderation.Content{PanelID: c.PanelID, OwnerID: c.OwnerID, Text: c.Text, Context: c.Context, Link: "/rounds/" + c.RoundID,
		Language: c.Language, Approved: c.Status == Approved, Hidden: c.Status != Approved}, nil
}

// mayReport: whoever follows the round and can read the text may report
// it (rule 6): approved text, or one's own.
func (s *Service) mayReport(ctx context.Context, by policy.Subject, contentType, id string) (bool, error) {
	c, err := s.Content(ctx, contentType, id)
	if err != nil {
		return false, err
	}
	r, err := s.Round(ctx, c.RoundID)
	if err != nil {
		return false, err
	}
	if !policy.Decide(by, policy.RoundView, r.Resource(by)).Allow {
		return false, nil
	}
	return c.Status == Approved || c.OwnerID == by.AccountID, nil
}

// reasonsBy lists the ratings an account gave with a reason: the reason is
// the rating's only text, so a rating without one has nothing to withdraw
// (its count names nobody).
func (s *Service) reasonsBy(ctx context.Context, accountID string) ([]string, error) {
	ids, err := s.RatingsBy(ctx, accountID)
	if err != nil {
		return nil, err
	}
	out := ids[:0]
	for _, id := range ids {
		v, err := s.RatingByID(ctx, id)
		if err != nil {
			return nil, err
		}
		if v.Reason != "" {
			out = append(out, id)
		}
	}
	return out, nil
}

// OrgOf is the organisation sub speaks for in the round: one of its
// partner memberships in the round's panel whose organisation the round
// invited; empty for none.
func (r Round) OrgOf(sub policy.Subject) string {
	for _, m := range sub.Memberships {
		if m.Role == identity.Partner && m.PanelID == r.PanelID && r.Invites(m.OrgID) {
			return m.OrgID
		}
	}
	return ""
}

// Resource is what the policy needs to know about the round when sub asks.
func (r Round) Resource(sub policy.Subject) policy.Resource {
	org := r.OrgOf(sub)
	return policy.Resource{Kind: policy.KindRound, PanelID: r.PanelID, CentreID: r.CentreID, OrgID: org, Approved: org != "" && r.Scorecard(org).Published}
}
