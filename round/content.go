package round

import (
	"context"
	"strings"

	"chorus/fault"
	"chorus/moderation"
	"chorus/store"
)

// Content is a round's moderated text as the moderation queue shows it.
type Content struct {
	RoundID  string
	PanelID  string
	OwnerID  string
	Text     string
	Context  string // what it is about: the item, the answer, the commitment
	Language string
	Status   Status
}

// Content finds the moderated text id of contentType (see Apply).
//
// Errors: fault.NotFound for unknown content.
func (s *Service) Content(ctx context.Context, contentType, id string) (Content, error) {
	switch contentType {
	case moderation.PartnerAnswer:
		aid, n, ok := parseRevisionRef(id)
		if !ok {
			break
		}
		a, err := s.Answer(ctx, aid)
		if err != nil || n > len(a.Revisions) {
			break
		}
		r, err := s.Round(ctx, a.RoundID)
		if err != nil {
			return Content{}, err
		}
		rev := a.Revisions[n-1]
		it, _ := r.Item(a.ItemID)
		text := string(rev.Body.Stance) + ": " + rev.Body.Explanation
		for _, act := range rev.Body.Actions {
			text += "\n- " + act.Text + " (" + act.DueDate + ")"
		}
		if len(rev.Body.Evidence) > 0 {
			text += "\n" + strings.Join(rev.Body.Evidence, "\n")
		}
		return Content{RoundID: r.ID, PanelID: r.PanelID, OwnerID: rev.ByID, Text: text, Context: it.Heading + ": " + it.Text, Language: r.Language, Status: rev.Status}, nil
	case moderation.RoundFollowUp:
		f, err := s.FollowUp(ctx, id)
		if err != nil {
			break
		}
		return s.contentOf(ctx, f.RoundID, f.AuthorID, f.Text, f.AnswerID, f.Status)
	case moderation.RoundReply:
		rp, err := s.ReplyByID(ctx, id)
		if err != nil {
			break
		}
		f, err := s.FollowUp(ctx, rp.FollowUpID)
		if err != nil {
			return Content{}, err
		}
		c, err := s.contentOf(ctx, rp.RoundID, rp.AuthorID, rp.Text, "", rp.Status)
		c.Context = f.Text
		return c, err
	case moderation.CommitmentUpdate:
		i := strings.LastIndex(id, "_u")
		if i <= 0 {
			break
		}
		c, err := s.Commitment(ctx, id[:i])
		if err != nil {
			break
		}
		for _, u := range c.Updates {
			if UpdateRef(c.ID, u.N) == id {
				out, err := s.contentOf(ctx, c.RoundID, u.ByID, string(u.Status)+": "+u.Note+"\n"+strings.Join(u.Evidence, "\n"), "", u.Moderation)
				out.Context = c.Text
				return out, err
			}
		}
	case moderation.CommitmentRating:
		v, err := s.RatingByID(ctx, id)
		if err != nil {
			break
		}
		c, err := s.Commitment(ctx, v.CommitmentID)
		if err != nil {
			return Content{}, err
		}
		out, err := s.contentOf(ctx, v.RoundID, v.AccountID, string(v.Rating)+": "+v.Reason, "", v.ReasonStatus)
		out.Context = c.Text
		return out, err
	}
	return Content{}, fault.Errorf(fault.NotFound, "This content does not exist.")
}

// contentOf fills a Content for text in a round; answerID, when set, gives
// the context (the approved answer it is about).
func (s *Service) contentOf(ctx context.Context, roundID, owner, text, answerID string, st Status) (Content, error) {
	r, err := s.Round(ctx, roundID)
	if err != nil {
		return Content{}, err
	}
	c := Content{RoundID: r.ID, PanelID: r.PanelID, OwnerID: owner, Text: text, Language: r.Language, Status: st}
	if answerID != "" {
		if a, err := s.Answer(ctx, answerID); err == nil {
			if rev, ok := a.Shown(); ok {
				c.Context = rev.Body.Explanation
			}
		}
	}
	return c, nil
}

// FollowUpsBy lists the ids of the follow-ups an account asked, so that a
// withdrawal of its consent reaches every one (moderation's ByAuthor).
func (s *Service) FollowUpsBy(ctx context.Context, accountID string) ([]string, error) {
	return s.idsBy(ctx, colFollowUps, "authorId", accountID)
}

// RatingsBy lists the ids of the ratings an account gave (their reasons are
// its text).
func (s *Service) RatingsBy(ctx context.Context, accountID string) ([]string, error) {
	return s.idsBy(ctx, colRatings, "accountId", accountID)
}

func (s *Service) idsBy(ctx context.Context, col, field, accountID string) ([]string, error) {
	q := store.Query{Where: []store.Cond{{Field: field, Op: store.Eq, Value: accountID}}, Limit: store.MaxLimit}
	var out []string
	for {
		page, err := s.Docs.Find(ctx, col, q)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Records {
			out = append(out, r.ID)
		}
		if page.Next == "" {
			return out, nil
		}
		q.After = page.Next
	}
}
