package erasure

import (
	"context"
	"time"

	"chorus/fault"
	"chorus/mail/compose"
)

// Mail kinds this package sends to coordinators (texts in mail/compose):
// they never name the young person, only the account's reference; the
// coordinator sees who in Chorus.
const (
	MailRequested = "erasure.requested" // a guardian asked to delete a young person's data
	MailReminder  = "erasure.reminder"  // an open request is due within ReminderBefore
)

// tellCoordinators mails every coordinator of the request's panels once.
func (s *Service) tellCoordinators(ctx context.Context, r Request, kind string) error {
	if s.Coordinators == nil || s.Mail == nil {
		return nil
	}
	told := map[string]bool{}
	for _, panelID := range r.PanelIDs {
		coords, err := s.Coordinators(ctx, panelID)
		if err != nil {
			return err
		}
		for _, c := range coords {
			if told[c.Email] {
				continue
			}
			told[c.Email] = true
			msg, err := compose.Render(kind, compose.Adult, c.Language, compose.Vars{Due: time.UnixMilli(r.DueMS), Reference: r.AccountID, Link: s.PublicURL + "/deletion-requests"})
			if err != nil {
				return fault.Wrap(fault.Internal, err, "erasure: mail to coordinators")
			}
			msg.To, msg.PanelID = c.Email, panelID
			if err := s.Mail.Send(ctx, msg); err != nil {
				return fault.Wrap(fault.Unavailable, err, "erasure: mail to coordinators not sent")
			}
		}
	}
	return nil
}
