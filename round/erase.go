package round

import (
	"context"
	"time"

	"chorus/store"
)

// EraseAuthor removes what an erased person wrote or did in rounds (GDPR
// Art. 17): the words of their follow-up questions (each keeps its place,
// hidden, so partners' replies still follow the thread), the reasons of
// their ratings (the rating itself stays counted, naming nobody), and
// their reactions. Partner answers, replies and updates are their
// organisation's, and stay; names were never stored with them. It returns
// how many documents it changed; running it again changes none.
func (s *Service) EraseAuthor(ctx context.Context, accountID string) (int, error) {
	n := 0
	ids, err := s.FollowUpsBy(ctx, accountID)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		changed := false
		if _, err := changeDoc(ctx, s, colFollowUps, id, func(f *FollowUp) error {
			changed = f.Text != "" || f.Status != Hidden
			f.Text, f.Status, f.BeforeHide = "", Hidden, ""
			return nil
		}); err != nil {
			return n, err
		}
		if changed {
			n++
		}
	}
	if ids, err = s.RatingsBy(ctx, accountID); err != nil {
		return n, err
	}
	for _, id := range ids {
		changed := false
		if _, err := changeDoc(ctx, s, colRatings, id, func(v *StoredRating) error {
			changed = v.Reason != ""
			v.Reason, v.ReasonStatus, v.BeforeHide = "", "", ""
			return nil
		}); err != nil {
			return n, err
		}
		if changed {
			n++
		}
	}
	q := store.Query{Where: []store.Cond{{Field: "accountId", Op: store.Eq, Value: accountID}}, Limit: store.MaxLimit}
	reactions, err := store.FindAs[storedReaction](ctx, s.Docs, colReactions, q, maxListed)
	if err != nil {
		return n, err
	}
	for _, d := range reactions {
		if err := s.Docs.Delete(ctx, colReactions, d.Value.ID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Contributions is what a person wrote or did in rounds, for their export
// (GDPR Art. 15 and 20).
type Contributions struct {
	FollowUps []FollowUp     `json:"followUps"`
	Ratings   []StoredRating `json:"ratings"`
	Reactions []Reacted      `json:"reactions"`
}

// Reacted is one reaction a person gave.
type Reacted struct {
	RoundID  string    `json:"roundId"`
	AnswerID string    `json:"answerId"`
	Reaction Reaction  `json:"reaction"`
	At       time.Time `json:"at"`
}

// ContributionsOf gathers what accountID asked, rated and reacted in every
// round.
func (s *Service) ContributionsOf(ctx context.Context, accountID string) (Contributions, error) {
	out := Contributions{FollowUps: []FollowUp{}, Ratings: []StoredRating{}, Reactions: []Reacted{}}
	fus, err := store.FindAs[FollowUp](ctx, s.Docs, colFollowUps, store.Query{Where: []store.Cond{{Field: "authorId", Op: store.Eq, Value: accountID}}, Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return out, err
	}
	for _, d := range fus {
		out.FollowUps = append(out.FollowUps, d.Value)
	}
	rs, err := store.FindAs[StoredRating](ctx, s.Docs, colRatings, store.Query{Where: []store.Cond{{Field: "accountId", Op: store.Eq, Value: accountID}}, Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return out, err
	}
	for _, d := range rs {
		out.Ratings = append(out.Ratings, d.Value)
	}
	res, err := store.FindAs[storedReaction](ctx, s.Docs, colReactions, store.Query{Where: []store.Cond{{Field: "accountId", Op: store.Eq, Value: accountID}}, Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return out, err
	}
	for _, d := range res {
		out.Reactions = append(out.Reactions, Reacted{RoundID: d.Value.RoundID, AnswerID: d.Value.AnswerID, Reaction: d.Value.Reaction, At: d.Value.At})
	}
	return out, nil
}
