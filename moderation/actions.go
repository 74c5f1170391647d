package moderation

import (
	"context"
	"slices"
	"time"

	"chorus/fault"
	"chorus/store"
)

// Action is what a moderator does with a case.
type Action string

// The actions. Every one needs a reason; request_changes also needs a
// message to the author.
const (
	Approve        Action = "approve"         // the content may be shown (or published, or reach youth)
	RequestChanges Action = "request_changes" // the author is asked to change it
	Hide           Action = "hide"            // nobody but moderators sees it
	Restore        Action = "restore"         // a hidden content item goes back to what it was before the hide: never an approval
	Escalate       Action = "escalate"        // the safeguarding lead or a senior moderator must decide
)

// Actions lists every action.
var Actions = []Action{Approve, RequestChanges, Hide, Restore, Escalate}

// transitions says from which statuses each action may be taken and where
// it leads. Restore additionally needs the content to be hidden, and leads
// back: a case a moderator hid returns to the status it had before the
// hide (Case.BeforeHide), any other keeps its status. Restoring so never
// approves anything (rule 2): content held for a moderator's approval
// before the hide is held again after it.
var transitions = map[Action]struct {
	from []Status
	to   Status // "": see Restore above
}{
	Approve:        {[]Status{StatusOpen, StatusChangesRequested, StatusEscalated}, StatusApproved},
	RequestChanges: {[]Status{StatusOpen, StatusEscalated, StatusHidden}, StatusChangesRequested},
	Hide:           {[]Status{StatusOpen, StatusChangesRequested, StatusEscalated, StatusApproved}, StatusHidden},
	Restore:        {[]Status{StatusOpen, StatusChangesRequested, StatusEscalated, StatusHidden}, ""},
	Escalate:       {[]Status{StatusOpen, StatusChangesRequested, StatusHidden}, StatusEscalated},
}

// restored is where Restore takes a case.
func restored(c Case) Status {
	switch {
	case c.Status != StatusHidden:
		return c.Status // hidden by reports, or moved on after the hide: only the content shows again
	case c.BeforeHide != "":
		return c.BeforeHide
	}
	return StatusOpen // hidden before cases remembered: back to the queue, never approved
}

// ActInput is a moderator's decision on a case.
type ActInput struct {
	CaseID  string
	Actor   string // the moderator (already authorised by the caller)
	Action  Action
	Reason  string // why, for the record; required, at most MaxReason characters
	Message string // request_changes: what the author should change; required, at most MaxMessage characters
}

// Act takes a moderator action on a case, records it in the case's history
// and appends it to the audit trail (who, when, why).
//
// Errors: fault.Invalid for an unknown action or a missing or too long
// reason or message; fault.NotFound for an unknown case; fault.Forbidden
// when the moderator wrote the content; fault.Conflict when the case's
// status does not allow the action (nothing is changed then).
func (s *Service) Act(ctx context.Context, in ActInput) (Case, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Case, error) { return s.act(ctx, in) })
}

func (s *Service) act(ctx context.Context, in ActInput) (Case, error) {
	tr, ok := transitions[in.Action]
	if !ok {
		return Case{}, fault.Errorf(fault.Invalid, "Unknown moderation action %q.", in.Action)
	}
	if in.Actor == "" {
		return Case{}, fault.Errorf(fault.Invalid, "Say who is acting.")
	}
	reason, err := cleanReason(in.Reason)
	if err != nil {
		return Case{}, err
	}
	var message string
	if in.Action == RequestChanges {
		if message, err = cleanText("message to the author", in.Message, MaxMessage, true); err != nil {
			return Case{}, err
		}
	}
	var from Status
	c, err := s.updateCase(ctx, in.CaseID, func(c *Case) error {
		if c.Content.OwnerID == in.Actor {
			return fault.Errorf(fault.Forbidden, "You can't decide about something you wrote yourself. Please ask another moderator.")
		}
		if err := allowed(in.Action, *c); err != nil {
			return err
		}
		from = c.Status
		now := s.now().UnixMilli()
		to := tr.to
		if in.Action == Restore {
			to = restored(*c)
		}
		c.Status = to
		switch in.Action {
		case Approve:
			c.HiddenByModerator, c.HiddenByReports, c.BeforeHide = false, false, ""
		case Restore:
			c.HiddenByModerator, c.HiddenByReports, c.BeforeHide = false, false, ""
		case Hide:
			c.HiddenByModerator, c.BeforeHide = true, from
		case RequestChanges:
			c.ChangesMessage = message
		}
		c.History = append(c.History, Entry{Action: string(in.Action), Actor: in.Actor, At: now, Reason: reason, Message: message, From: from, To: c.Status})
		return nil
	})
	if err != nil {
		return Case{}, err
	}
	extra := map[string]any{"from": from, "to": c.Status}
	if message != "" {
		extra["message"] = message
	}
	_, err = s.record(ctx, auditFor(c, "moderation."+string(in.Action), in.Actor, reason), extra)
	return c, err
}

// allowed returns nil when action a fits the case's status, and otherwise
// fault.Conflict saying why, in words a moderator reads at a glance.
func allowed(a Action, c Case) error {
	if slices.Contains(transitions[a].from, c.Status) && (a != Restore || c.ContentHidden()) {
		return nil
	}
	return fault.Errorf(fault.Conflict, "%s", conflictMessage(a, c))
}

func conflictMessage(a Action, c Case) string {
	switch {
	case c.Status == StatusClosed:
		return "This case is closed, so nothing more can be done with it. If there is a new problem, report the content again."
	case a == Restore:
		return "This content is not hidden, so there is nothing to restore."
	case c.Status == StatusApproved:
		return "This case was already approved. You can still hide the content if needed."
	case a == Approve && c.Status == StatusHidden:
		return "This content is hidden. Use restore if it should be shown again."
	case a == Hide && c.Status == StatusHidden:
		return "This content is already hidden."
	case a == Escalate && c.Status == StatusEscalated:
		return "This case was already escalated."
	case a == RequestChanges && c.Status == StatusChangesRequested:
		return "Changes were already asked for. Wait for the author to change it."
	}
	return "This can't be done to this case now. Please reload it."
}

// updateCase reads a case, lets change modify it and stores it with
// compare-and-set, retrying when someone else changed it meanwhile (the
// check in change then runs again on what they left).
func (s *Service) updateCase(ctx context.Context, id string, change func(*Case) error) (Case, error) {
	for range maxAttempts {
		d, err := store.GetAs[caseDoc](ctx, s.Docs, CasesCollection, id)
		if fault.Is(err, fault.NotFound) {
			return Case{}, noCase()
		}
		if err != nil {
			return Case{}, err
		}
		c := d.Value.Case
		wasActive := c.Status.Active()
		if err := change(&c); err != nil {
			return Case{}, err
		}
		c.UpdatedAt = s.now().UnixMilli()
		_, err = store.UpdateAs(ctx, s.Docs, CasesCollection, id, d.Version, docOf(c), time.Time{})
		if fault.Is(err, fault.Conflict) {
			if !wasActive && c.Status.Active() {
				// Only a newer case of the same content holds the key.
				if _, err := s.activeDoc(ctx, c.Content.Key()); err == nil {
					return Case{}, fault.Errorf(fault.Conflict, "There is a newer case about this content. Please act on that one.")
				}
			}
			continue
		}
		if err != nil {
			return Case{}, err
		}
		return c, nil
	}
	return Case{}, busy()
}
