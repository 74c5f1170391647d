package round

import (
	"context"
	"slices"
	"time"

	"chorus/fault"
	"chorus/identity"
	"chorus/mail"
	"chorus/mail/compose"
)

// Reminder kinds: a few days before a deadline, and at it.
const (
	ReminderBefore = "before"
	ReminderAt     = "at"
)

// Mail kinds this package sends (mail.Message.Kind; their words are in
// mail/compose): a few days before a deadline, and at it.
const (
	MailAnswersDue    = "round.answers_due"
	MailAnswersMissed = "round.answers_missed"
	MailReviewDue     = "round.review_due"
	MailReviewMissed  = "round.review_missed"
)

// Remind sends the reminders that are due now: to the partner members of
// every invited organisation with unanswered items (of an open round), and
// of every organisation with commitments not updated since a progress
// review opened (of a closed round): ReminderLead before the deadline, and
// at it. Each is marked sent before it goes (so two workers never send it
// twice) and unmarked if sending fails, to be tried on the next run. It
// returns how many mails went out.
func (s *Service) Remind(ctx context.Context, send mail.Sender, publicURL string) (int, error) {
	now := s.now()
	rs, err := s.OpenRounds(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, r := range rs {
		answers, err := s.Answers(ctx, r.ID)
		if err != nil {
			return sent, err
		}
		for _, o := range r.Orgs {
			missing := len(r.Items)
			for _, a := range answers {
				if a.OrgID == o.ID && a.Submitted() {
					missing--
				}
			}
			kind := dueReminder(now, o.Deadline, o.Reminded)
			if missing == 0 || kind == "" {
				continue
			}
			n, err := s.remindOrg(ctx, send, r, o, kind, missing, MailAnswersDue, o.Deadline, publicURL)
			sent += n
			if err != nil {
				return sent, err
			}
		}
	}
	closed, err := s.ClosedRounds(ctx)
	if err != nil {
		return sent, err
	}
	for _, r := range closed {
		if r.Review == nil {
			continue
		}
		cs, err := s.Commitments(ctx, r.ID)
		if err != nil {
			return sent, err
		}
		for _, o := range r.Orgs {
			missing := 0
			for _, c := range cs {
				if c.OrgID == o.ID && !c.UpdatedSince(r.Review.OpenedAt) {
					missing++
				}
			}
			kind := dueReminder(now, r.Review.DueAt, r.Review.Reminded[o.ID])
			if missing == 0 || kind == "" {
				continue
			}
			n, err := s.remindOrg(ctx, send, r, o, kind, missing, MailReviewDue, r.Review.DueAt, publicURL)
			sent += n
			if err != nil {
				return sent, err
			}
		}
	}
	return sent, nil
}

// dueReminder is the reminder due at now for a deadline, given those sent.
func dueReminder(now, deadline time.Time, sent []string) string {
	switch {
	case !now.Before(deadline) && !slices.Contains(sent, ReminderAt):
		return ReminderAt
	case !now.Before(deadline.Add(-ReminderLead)) && now.Before(deadline) && !slices.Contains(sent, ReminderBefore):
		return ReminderBefore
	}
	return ""
}

// markReminder records (or, with undo, takes back) that kind was sent to
// an organisation; false when another worker marked it first.
func (s *Service) markReminder(ctx context.Context, r Round, orgID, kind, mailKind string, undo bool) (bool, error) {
	changed := false
	_, err := s.update(ctx, r.ID, func(r *Round) error {
		changed = false
		var list *[]string
		if mailKind == MailReviewDue {
			if r.Review == nil {
				return nil
			}
			if r.Review.Reminded == nil {
				r.Review.Reminded = map[string][]string{}
			}
			l := r.Review.Reminded[orgID]
			list = &l
			defer func() { r.Review.Reminded[orgID] = *list }()
		} else {
			for i := range r.Orgs {
				if r.Orgs[i].ID == orgID {
					list = &r.Orgs[i].Reminded
				}
			}
			if list == nil {
				return nil
			}
		}
		has := slices.Contains(*list, kind)
		switch {
		case undo && has:
			*list = slices.DeleteFunc(*list, func(k string) bool { return k == kind })
			changed = true
		case !undo && !has:
			*list = append(*list, kind)
			changed = true
		}
		return nil
	})
	return changed, err
}

func (s *Service) remindOrg(ctx context.Context, send mail.Sender, r Round, o Org, kind string, missing int, mailKind string, due time.Time, publicURL string) (int, error) {
	ok, err := s.markReminder(ctx, r, o.ID, kind, mailKind, false)
	if err != nil || !ok {
		return 0, err
	}
	members, err := s.Directory.PanelMembers(ctx, r.PanelID)
	if err != nil {
		return 0, err
	}
	n := 0
	var sendErr error
	for _, m := range members {
		if m.Membership.Role != identity.Partner || m.Membership.OrgID != o.ID || m.Account.Email == "" {
			continue
		}
		msg, err := compose.Render(reminderKind(mailKind, kind), compose.Adult, m.Account.Language,
			compose.Vars{Round: r.Title, Organisation: o.Name, Count: missing, Due: due, Link: publicURL + "/rounds/" + r.ID})
		if err != nil {
			return n, fault.Wrap(fault.Internal, err, "a reminder could not be written")
		}
		msg.To, msg.PanelID = m.Account.Email, r.PanelID
		if err := send.Send(ctx, msg); err != nil {
			sendErr = err
			continue
		}
		n++
	}
	if sendErr != nil && n == 0 {
		if _, err := s.markReminder(ctx, r, o.ID, kind, mailKind, true); err != nil {
			return 0, err
		}
		return 0, sendErr
	}
	return n, s.event(ctx, "system", "round.reminded", orgSubject(r.ID, o.ID), map[string]any{"kind": kind, "mail": mailKind, "sent": n})
}

// reminderKind is the mail kind of a reminder (texts in mail/compose).
func reminderKind(mailKind, kind string) string {
	switch {
	case mailKind == MailReviewDue && kind == ReminderAt:
		return MailReviewMissed
	case kind == ReminderAt:
		return MailAnswersMissed
	}
	return mailKind
}
