package moderation

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"chorus/fault"
	"chorus/store"
)

// EraseAuthor is erasure (GDPR Art. 17) for the cases about what
// accountID wrote: every such case loses its excerpt (the person's words),
// and a case still waiting for a decision is closed, there being nothing
// left to decide. What moderators did and why stays, as do the reports
// others made (safeguarding rule 6; Art. 17(3)(e)); they name the account
// id only, which no longer leads to a name. Each case changed is recorded
// in the audit trail (AuditErased) by actor. It returns how many cases it
// changed; running it again changes none.
func (s *Service) EraseAuthor(ctx context.Context, accountID, actor string) (int, error) {
	var ids []string
	q := store.Query{Where: []store.Cond{{Field: "party", Op: store.Eq, Value: accountID}}, Limit: store.MaxLimit}
	for {
		page, err := s.Docs.Find(ctx, AuditCollection, q)
		if err != nil {
			return 0, err
		}
		for _, r := range page.Records {
			var row auditRow
			if err := json.Unmarshal(r.Data, &row); err != nil {
				return 0, fault.Wrap(fault.Internal, err, "stored audit entry is not readable")
			}
			if row.CaseID != "" && row.Person == accountID && !slices.Contains(ids, row.CaseID) {
				ids = append(ids, row.CaseID)
			}
		}
		if page.Next == "" {
			break
		}
		q.After = page.Next
	}
	n := 0
	for _, id := range ids {
		var from Status
		c, err := s.updateCase(ctx, id, func(c *Case) error {
			from = c.Status
			if c.Content.OwnerID != accountID || (c.Content.Excerpt == "" && !c.Status.Active()) {
				return errUnchanged
			}
			c.Content.Excerpt = ""
			if c.Status.Active() {
				c.Status, c.HiddenByReports, c.HiddenByModerator = StatusClosed, false, false
			}
			c.History = append(c.History, Entry{Action: "erased", Actor: actor, At: s.now().UnixMilli(), From: from, To: c.Status})
			return nil
		})
		if fault.Is(err, fault.NotFound) || errors.Is(err, errUnchanged) {
			continue
		}
		if err != nil {
			return n, err
		}
		if _, err := s.record(ctx, auditFor(c, AuditErased, actor, ""), map[string]any{"from": from, "to": c.Status}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// RecordErasure puts the erasure of accountID into the audit trail of each
// of their panels: who erased (the person, or a coordinator on their behalf)
// and why, so that coordinators see it where they see every other action
// (safeguarding rule 6; GDPR Art. 5(2)).
func (s *Service) RecordErasure(ctx context.Context, panelIDs []string, accountID, actor, reason string) error {
	for _, p := range panelIDs {
		if _, err := s.record(ctx, AuditEntry{PanelID: p, Action: AuditAccountErased, Actor: actor, Person: accountID, Reason: reason}, nil); err != nil {
			return err
		}
	}
	return nil
}

// ContentGone closes the active case about content erasure deleted (a
// video cut someone erased appears in): moderators have nothing left to
// decide, and the excerpt goes with the content. The change is recorded
// (AuditErased) with actor; content without an active case changes
// nothing.
func (s *Service) ContentGone(ctx context.Context, contentType, contentID, actor string) error {
	c, err := s.CaseFor(ctx, contentType, contentID)
	if fault.Is(err, fault.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var from Status
	c, err = s.updateCase(ctx, c.ID, func(c *Case) error {
		from = c.Status
		if !c.Status.Active() {
			return errUnchanged
		}
		c.Content.Excerpt = ""
		c.Status, c.HiddenByReports, c.HiddenByModerator = StatusClosed, false, false
		c.History = append(c.History, Entry{Action: "erased", Actor: actor, At: s.now().UnixMilli(), From: from, To: c.Status})
		return nil
	})
	if fault.Is(err, fault.NotFound) || errors.Is(err, errUnchanged) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = s.record(ctx, auditFor(c, AuditErased, actor, ""), map[string]any{"from": from, "to": c.Status})
	return err
}

// errUnchanged stops updateCase for a case erasure has nothing to change.
var errUnchanged = errors.New("unchanged")
