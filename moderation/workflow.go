package moderation

import (
	"context"
	"slices"

	"chorus/consent"
	"chorus/fault"
	"chorus/policy"
	"chorus/store"
)

// DecideInput is a moderator's decision on a case, from the queue or from a
// route of the content's own (publishing a pledge).
type DecideInput struct {
	CaseID  string
	By      policy.Subject // the moderator; the caller asked the policy already (policy.ModerationDecision)
	Action  Action
	Reason  string
	Message string // request_changes: to the author or group
}

// MsgConsentWithdrawn is what a moderator is told who tries to show content
// whose author no longer takes part.
const MsgConsentWithdrawn = "The person who wrote this no longer takes part (their permission was withdrawn), so it cannot be shown again."

// Decide is the one path of a moderator's decision: the content's kind may
// refuse first (its life cycle, or the policy for what it would do); so does
// the author's consent, since nothing is approved or restored into an
// audience the author's consent no longer allows (policy content.appear,
// asked about the author as they are now); then the decision is recorded
// and the content follows it.
//
// Errors: those of Act; fault.Conflict (MsgConsentWithdrawn) when the
// author's consent stands in the way; what the kind's Check returns.
func (s *Service) Decide(ctx context.Context, in DecideInput) (Case, error) {
	// The decision, its audit row and what the content does are one change
	// (rule 6): never a case approved and its pledge unpublished.
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Case, error) { return s.decide(ctx, in) })
}

func (s *Service) decide(ctx context.Context, in DecideInput) (Case, error) {
	c, err := s.Case(ctx, in.CaseID)
	if err != nil {
		return Case{}, err
	}
	kind, known := s.Kind(c.Content.Type)
	outcome, follows := OutcomeOf(in.Action)
	follows = follows && known
	if follows {
		if outcome == OutcomeApprove || outcome == OutcomeRestore {
			if err := s.authorMayAppear(ctx, kind, c); err != nil {
				return Case{}, err
			}
		}
		if kind.Check != nil {
			if err := kind.Check(ctx, c.Content.ID, in.By, outcome); err != nil {
				return Case{}, err
			}
		}
	}
	c, err = s.Act(ctx, ActInput{CaseID: c.ID, Actor: in.By.AccountID, Action: in.Action, Reason: in.Reason, Message: in.Message})
	if err != nil {
		return Case{}, err
	}
	if follows {
		ch := Change{Actor: in.By.AccountID, Outcome: outcome}
		if in.Action == RequestChanges {
			ch.Message = c.ChangesMessage
		}
		if err := kind.Apply(ctx, c.Content.ID, ch); err != nil && !fault.Is(err, fault.NotFound) {
			return Case{}, err
		}
	}
	return c, nil
}

// authorMayAppear refuses showing content of an author who may not appear
// there any more (consent withdrawn, or the account gone).
func (s *Service) authorMayAppear(ctx context.Context, kind ContentKind, c Case) error {
	if c.Content.OwnerID == "" {
		return nil // a group's, not a person's (a pledge version)
	}
	content, err := kind.Resolve(ctx, c.Content.ID)
	if fault.Is(err, fault.NotFound) {
		return nil // nothing left to show; the decision is recorded
	}
	if err != nil {
		return err
	}
	ok, err := s.mayAppear(ctx, content)
	if err != nil {
		return err
	}
	if !ok {
		return fault.Errorf(fault.Conflict, "%s", MsgConsentWithdrawn)
	}
	return nil
}

// mayAppear asks the policy whether the author of content may appear where
// it was written, as they are now.
func (s *Service) mayAppear(ctx context.Context, content Content) (bool, error) {
	if s.authors == nil {
		return false, nil // fail closed
	}
	author, err := s.authors(ctx, content.OwnerID)
	if fault.Is(err, fault.NotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return policy.Decide(author, policy.ContentAppear, content.Resource()).Allow, nil
}

// Withdrawal is a consent withdrawn, as it reaches content.
type Withdrawal struct {
	AccountID string        // whose consent
	Scope     consent.Scope // which scope
	By        string        // who withdrew it: "self" or "guardian"
}

// AuditConsentWithdrawn is the audit action of content taken out of its
// audiences because its author's consent was withdrawn.
const AuditConsentWithdrawn = "moderation.consent_withdrawn"

// WithdrawByAuthor makes a withdrawal of consent reach content at once:
// every piece of content the author wrote, of every registered kind that
// lists content by author, that the author may no longer appear with
// (policy content.appear, asked about them as they are now) leaves every
// audience but theirs and the panel's supervisors, held or visible; each
// active case about it records why, with the consents in effect now, so a
// moderator sees it; and each change is in the audit trail. Calling it
// again changes nothing more. It returns how many pieces it took out.
func (s *Service) WithdrawByAuthor(ctx context.Context, w Withdrawal) (int, error) {
	if w.AccountID == "" {
		return 0, fault.Errorf(fault.Invalid, "Say whose consent was withdrawn.")
	}
	var author policy.Subject
	known := false
	if s.authors != nil {
		a, err := s.authors(ctx, w.AccountID)
		switch {
		case err == nil:
			author, known = a, true
		case !fault.Is(err, fault.NotFound):
			return 0, err
		}
	}
	consents := []string{}
	for _, sc := range author.Consents {
		consents = append(consents, string(sc))
	}
	reason := "consent withdrawn: " + string(w.Scope)
	if w.By != "" {
		reason += " (by " + w.By + ")"
	}
	n := 0
	for _, typ := range s.ContentTypes() {
		kind, _ := s.Kind(typ)
		if kind.ByAuthor == nil {
			continue
		}
		ids, err := kind.ByAuthor(ctx, w.AccountID)
		if err != nil {
			return n, err
		}
		for _, id := range ids {
			content, err := kind.Resolve(ctx, id)
			if fault.Is(err, fault.NotFound) {
				continue
			}
			if err != nil {
				return n, err
			}
			if known && policy.Decide(author, policy.ContentAppear, content.Resource()).Allow {
				continue // this scope did not cover it
			}
			// The content leaving its audiences and the record of why are
			// one change.
			err = s.Docs.InTransaction(ctx, func(ctx context.Context) error {
				if !content.Hidden {
					if err := kind.Apply(ctx, id, Change{Actor: System, Outcome: OutcomeWithdraw}); err != nil && !fault.Is(err, fault.NotFound) {
						return err
					}
				}
				return s.noteWithdrawal(ctx, typ, id, content, consents, reason)
			})
			if err != nil {
				return n, err
			}
			if !content.Hidden {
				n++
			}
		}
	}
	return n, nil
}

// noteWithdrawal records on the content's active case, if any, that its
// author's consent was withdrawn, with the consents in effect now, and puts
// it in the audit trail.
func (s *Service) noteWithdrawal(ctx context.Context, typ, id string, content Content, consents []string, reason string) error {
	c, err := s.CaseFor(ctx, typ, id)
	if fault.Is(err, fault.NotFound) || (err == nil && !c.Status.Active()) {
		_, err := s.record(ctx, AuditEntry{PanelID: content.PanelID, Action: AuditConsentWithdrawn, Actor: System, Person: content.OwnerID,
			ContentType: typ, ContentID: id, Reason: reason}, nil)
		return err
	}
	if err != nil {
		return err
	}
	if slices.Equal(c.AuthorConsents, consents) && len(c.History) > 0 && c.History[len(c.History)-1].Action == historyConsentWithdrawn {
		return nil // noted already
	}
	c, err = s.updateCase(ctx, c.ID, func(c *Case) error {
		c.AuthorConsents = consents
		c.ConsentWithdrawn = reason
		c.History = append(c.History, Entry{Action: historyConsentWithdrawn, Actor: System, At: s.now().UnixMilli(), Reason: reason, From: c.Status, To: c.Status})
		return nil
	})
	if err != nil {
		return err
	}
	_, err = s.record(ctx, auditFor(c, AuditConsentWithdrawn, System, reason), map[string]any{"authorConsents": consents})
	return err
}

// historyConsentWithdrawn is the history entry of a case whose author's
// consent was withdrawn.
const historyConsentWithdrawn = "consent_withdrawn"

// HoldInput is content that screening held, for a moderator to look at.
type HoldInput struct {
	Content ContentRef // with OwnerID: the author
	PanelID string
	GroupID string
	Hits    []string // the kinds of hit screening found (at least one)
	// Author is the author as they are now (band and consents, for the
	// moderator); empty: Hold asks Authors about Content.OwnerID.
	Author policy.Subject
}

// Hold puts held content before a moderator: when the author rewrote
// content whose case waited for them, the case goes back to the queue
// (Resubmit); otherwise a screening case is opened. Hits are recorded once
// each.
func (s *Service) Hold(ctx context.Context, in HoldInput) (Case, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Case, error) { return s.hold(ctx, in) })
}

func (s *Service) hold(ctx context.Context, in HoldInput) (Case, error) {
	if in.Author.AccountID == "" && in.Content.OwnerID != "" {
		in.Author.AccountID = in.Content.OwnerID
		if s.authors != nil {
			a, err := s.authors(ctx, in.Content.OwnerID)
			switch {
			case err == nil:
				in.Author = a
			case !fault.Is(err, fault.NotFound):
				return Case{}, err
			}
		}
	}
	c, err := s.resubmit(ctx, in.Content, in.Author.AccountID) // not Resubmit: its NotFound would fail the whole transaction
	if !fault.Is(err, fault.NotFound) {
		return c, err
	}
	var hits []string
	for _, h := range in.Hits {
		if !slices.Contains(hits, h) {
			hits = append(hits, h)
		}
	}
	open := OpenInput{Kind: KindScreening, Content: in.Content, PanelID: in.PanelID, GroupID: in.GroupID,
		Hits: hits, AuthorBand: string(in.Author.Band), Actor: in.Author.AccountID}
	for _, sc := range in.Author.Consents {
		open.AuthorConsents = append(open.AuthorConsents, string(sc))
	}
	c, _, err = s.Open(ctx, open)
	return c, err
}
