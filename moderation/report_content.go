package moderation

import (
	"context"

	"chorus/fault"
	"chorus/policy"
	"chorus/store"
)

// MsgNoContent is the one answer for content that does not exist, that the
// asker may not see, or of a type nobody can report: it never says which.
const MsgNoContent = "This content does not exist."

// NoContent is the error for MsgNoContent (fault.NotFound).
func NoContent() error { return fault.Errorf(fault.NotFound, "%s", MsgNoContent) }

// MaySee reports whether viewer may see content c (of contentType, id) now:
// the policy lets them see content there (content.view, or
// content.view_by_partner), and content that is held, hidden or withdrawn
// only its author and the panel's supervisors (who may open its case) see.
func (s *Service) MaySee(ctx context.Context, viewer policy.Subject, contentType, id string, c Content) (bool, error) {
	r := c.Resource()
	if !policy.Decide(viewer, policy.ContentView, r).Allow && !policy.Decide(viewer, policy.ContentViewByPartner, r).Allow {
		return false, nil
	}
	if c.OwnerID == viewer.AccountID || Supervises(viewer, c.PanelID) {
		return true, nil
	}
	if c.Hidden {
		return false, nil
	}
	hidden, err := s.Hidden(ctx, contentType, id)
	return !hidden, err
}

// Supervises reports whether s moderates the panel: its moderators and
// coordinators see held and hidden content (policy moderation.queue_view).
func Supervises(s policy.Subject, panelID string) bool {
	return policy.Decide(s, policy.ModerationQueueView, policy.Resource{Kind: policy.KindPanel, PanelID: panelID}).Allow
}

// ContentReport is a report about registered content.
type ContentReport struct {
	By       policy.Subject // the reporter
	Type     string         // a registered content type
	ID       string
	Category string
	Text     string
	// HideAfter gives the panel's setting (how many reporters hide the
	// content until a moderator decides) once the content's panel is known.
	HideAfter func(ctx context.Context, panelID string) (int, error)
}

// ReportContent records a report about content that the reporter may see
// and report (the kind's own MayReport, or MaySee and the policy's
// content.report), with the author as they are now; when this very report
// hid the content, the content follows (hide).
//
// Errors: NoContent for a type nobody reports, content that does not exist
// or that the reporter may not see or report (never saying which); those
// of Report.
func (s *Service) ReportContent(ctx context.Context, in ContentReport) (ReportResult, error) {
	if in.ID == "" {
		return ReportResult{}, fault.Errorf(fault.Invalid, "Say which content this is about.")
	}
	kind, ok := s.Kind(in.Type)
	if !ok || kind.NoReports {
		return ReportResult{}, NoContent()
	}
	c, err := kind.Resolve(ctx, in.ID)
	if fault.Is(err, fault.NotFound) {
		return ReportResult{}, NoContent()
	} else if err != nil {
		return ReportResult{}, err
	}
	may := false
	if kind.MayReport != nil {
		may, err = kind.MayReport(ctx, in.By, in.ID, c)
	} else if may, err = s.MaySee(ctx, in.By, in.Type, in.ID, c); may {
		may = policy.Decide(in.By, policy.ContentReport, c.Resource()).Allow
	}
	if err != nil {
		return ReportResult{}, err
	}
	if !may {
		return ReportResult{}, NoContent()
	}
	hideAfter := 0
	if in.HideAfter != nil {
		if hideAfter, err = in.HideAfter(ctx, c.PanelID); err != nil {
			return ReportResult{}, err
		}
	}
	rep := ReportInput{Reporter: in.By.AccountID, Content: ContentRef{Type: in.Type, ID: in.ID, OwnerID: c.OwnerID, Excerpt: c.Text},
		PanelID: c.PanelID, GroupID: c.GroupID, Category: in.Category, Text: in.Text, HideAfter: hideAfter}
	if c.OwnerID != "" && s.authors != nil {
		author, err := s.authors(ctx, c.OwnerID)
		switch {
		case err == nil:
			rep.AuthorBand = string(author.Band)
			rep.AuthorConsents = []string{}
			for _, sc := range author.Consents {
				rep.AuthorConsents = append(rep.AuthorConsents, string(sc))
			}
		case !fault.Is(err, fault.NotFound):
			return ReportResult{}, err
		}
	}
	// The report and the content hidden by it are one change.
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (ReportResult, error) {
		res, err := s.Report(ctx, rep)
		if err != nil {
			return ReportResult{}, err
		}
		if hiddenNow(res) {
			if err := kind.Apply(ctx, in.ID, Change{Actor: System, Outcome: OutcomeHide}); err != nil {
				return ReportResult{}, err
			}
		}
		return res, nil
	})
}

// hiddenNow reports whether this very report hid the content.
func hiddenNow(res ReportResult) bool {
	h := res.Case.History
	return res.ContentHidden && len(h) > 0 && h[len(h)-1].Action == "hidden_by_reports" && h[len(h)-1].At == res.Report.At
}
