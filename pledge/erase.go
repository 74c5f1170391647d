package pledge

import (
	"context"

	"chorus/fault"
	"chorus/store"
)

// Erased is what erasing an author's words changed (the README's retention
// table, GDPR Art. 17).
type Erased struct {
	Comments     int `json:"comments"`
	Amendments   int `json:"amendments"`
	Endorsements int `json:"endorsements"`
}

// EraseAuthor removes what accountID wrote for themselves when their
// account is erased: the text of their comments (each stays, marked
// erased, so the answers of others still read as a thread), the text and
// reason of their amendments (an open one is withdrawn; an accepted one
// keeps its text, which is now the group's pledge text), and their
// endorsements. Items and revisions are the group's shared work and stay;
// they name the account id, which reads as "Former member" from now on.
// Running it again changes nothing more.
func (s *Service) EraseAuthor(ctx context.Context, accountID string) (Erased, error) {
	var out Erased
	by := []store.Cond{{Field: "author", Op: store.Eq, Value: accountID}}
	comments, err := store.FindAs[Comment](ctx, s.Docs, colComments, store.Query{Where: by, Limit: store.MaxLimit}, maxErased)
	if err != nil {
		return out, err
	}
	for _, d := range comments {
		if d.Value.Erased {
			continue
		}
		if _, err := s.updateComment(ctx, d.Value.ID, func(c *Comment) error {
			c.Text, c.Note, c.Hits, c.Held, c.Edited, c.Erased = "", "", nil, false, false, true
			return nil
		}); err != nil {
			return out, err
		}
		out.Comments++
	}
	amendments, err := store.FindAs[Amendment](ctx, s.Docs, colAmendments, store.Query{Where: by, Limit: store.MaxLimit}, maxErased)
	if err != nil {
		return out, err
	}
	for _, d := range amendments {
		if d.Value.Erased {
			continue
		}
		if _, err := s.updateAmendment(ctx, d.Value.ID, func(a *Amendment) error {
			if a.State != "accepted" {
				a.Text, a.Diff, a.Hits = "", nil, nil
			}
			if a.State == "open" {
				a.State = "withdrawn"
			}
			a.Reason, a.ReasonHits, a.Held, a.Erased = "", nil, false, true
			return nil
		}); err != nil {
			return out, err
		}
		out.Amendments++
	}
	ends, err := store.FindAs[endorsement](ctx, s.Docs, colEndorsements, store.Query{
		Where: []store.Cond{{Field: "accountId", Op: store.Eq, Value: accountID}}, Limit: store.MaxLimit}, maxErased)
	if err != nil {
		return out, err
	}
	for _, d := range ends {
		if err := s.Docs.Delete(ctx, colEndorsements, endorsementID(d.Value.PledgeID, accountID)); err != nil && !fault.Is(err, fault.NotFound) {
			return out, err
		}
		out.Endorsements++
	}
	return out, nil
}

// maxErased bounds what one erasure reads of one kind; beyond it the
// store answers an error rather than a silent partial erasure.
const maxErased = 100000

// Contributions is everything accountID wrote in pledges, for their export
// (GDPR Art. 15 and 20): the revisions of items they made (with the text
// each made), their comments and their amendments.
type Contributions struct {
	Revisions  []Revision  `json:"revisions"`
	Comments   []Comment   `json:"comments"`
	Amendments []Amendment `json:"amendments"`
}

// ContributionsOf returns what accountID wrote, oldest first per kind.
func (s *Service) ContributionsOf(ctx context.Context, accountID string) (Contributions, error) {
	out := Contributions{Revisions: []Revision{}, Comments: []Comment{}, Amendments: []Amendment{}}
	by := []store.Cond{{Field: "author", Op: store.Eq, Value: accountID}}
	revs, err := store.FindAs[Revision](ctx, s.Docs, colRevisions, store.Query{Where: by, Limit: store.MaxLimit}, maxErased)
	if err != nil {
		return out, err
	}
	for _, d := range revs {
		r := d.Value
		r.Ops, r.Client, r.Seq = nil, "", 0 // how the editor sent it; the text is what they wrote
		out.Revisions = append(out.Revisions, r)
	}
	comments, err := store.FindAs[Comment](ctx, s.Docs, colComments, store.Query{Where: by, OrderBy: "atMs", Limit: store.MaxLimit}, maxErased)
	if err != nil {
		return out, err
	}
	for _, d := range comments {
		out.Comments = append(out.Comments, d.Value)
	}
	amendments, err := store.FindAs[Amendment](ctx, s.Docs, colAmendments, store.Query{Where: by, OrderBy: "atMs", Limit: store.MaxLimit}, maxErased)
	if err != nil {
		return out, err
	}
	for _, d := range amendments {
		out.Amendments = append(out.Amendments, d.Value)
	}
	return out, nil
}
