package moderation

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"chorus/fault"
	"chorus/store"
)

// Report categories, as the reporter picks them.
const (
	CategoryBullying      = "bullying"
	CategoryPersonalData  = "personal_data"
	CategoryInappropriate = "inappropriate"
	CategorySafeguarding  = "safeguarding" // someone may be at risk: top of the queue, the lead is alerted (rule 6)
	CategoryOther         = "other"
)

// ReportCategories lists the categories a report may have.
var ReportCategories = []string{CategoryBullying, CategoryPersonalData, CategoryInappropriate, CategorySafeguarding, CategoryOther}

// DefaultHideAfter is how many different people must report a content item
// before it is hidden until a moderator decides, when the panel sets no
// number of its own. One report hides nothing, so one unhappy person cannot
// silence someone; a few independent ones protect everybody until an adult
// has looked.
const DefaultHideAfter = 3

// Report is one person's report of one content item.
type Report struct {
	ID       string     `json:"id"`
	CaseID   string     `json:"caseId"`
	PanelID  string     `json:"panelId"`
	Content  ContentRef `json:"content"` // without the text; the case keeps it
	Reporter string     `json:"reporter"`
	Category string     `json:"category"`
	Text     string     `json:"text,omitempty"`
	At       int64      `json:"at"` // unix milliseconds
}

// ReportInput is a report as the reporter made it.
type ReportInput struct {
	Reporter string
	Content  ContentRef // OwnerID is required: nobody reports their own content
	PanelID  string
	GroupID  string // optional
	Category string // one of ReportCategories
	Text     string // what is wrong, in the reporter's words; required for "other"
	// HideAfter is the panel's setting: how many different reporters hide
	// the content until a moderator decides. 0 means DefaultHideAfter.
	HideAfter int
	// AuthorBand and AuthorConsents: see Case.
	AuthorBand     string
	AuthorConsents []string
}

// ReportResult is what a report led to.
type ReportResult struct {
	Report Report
	Case   Case // the case the report opened or joined
	// ContentHidden says the content is now hidden from everyone but
	// moderators (this report may have been the one that reached HideAfter).
	ContentHidden bool
	// AlertSafeguardingLead says the caller must alert the panel's
	// safeguarding lead now, and show the reporter their country's helpline
	// (rule 6).
	AlertSafeguardingLead bool
}

// Report records a report and opens or joins the content's case. A person
// reports a content item once; the report is counted once per case.
//
// Errors: fault.Invalid for an unknown category (the message lists the
// allowed ones), a text over MaxReport characters, a missing text for
// "other", a bad HideAfter or a report of one's own content; fault.Conflict
// when the reporter already reported this content.
func (s *Service) Report(ctx context.Context, in ReportInput) (ReportResult, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (ReportResult, error) { return s.report(ctx, in) })
}

func (s *Service) report(ctx context.Context, in ReportInput) (ReportResult, error) {
	if !slices.Contains(ReportCategories, in.Category) {
		return ReportResult{}, fault.Errorf(fault.Invalid, "Please pick what is wrong: %s.", strings.Join(ReportCategories, ", "))
	}
	text, err := cleanText("report", in.Text, MaxReport, in.Category == CategoryOther)
	if err != nil {
		return ReportResult{}, err
	}
	if in.Reporter == "" {
		return ReportResult{}, fault.Errorf(fault.Invalid, "Say who is reporting.")
	}
	content, err := in.Content.clean(true)
	if err != nil {
		return ReportResult{}, err
	}
	if content.OwnerID == in.Reporter {
		return ReportResult{}, fault.Errorf(fault.Invalid, "You can't report something you wrote yourself. You can change or delete it instead.")
	}
	if in.PanelID == "" {
		return ReportResult{}, fault.Errorf(fault.Invalid, "Say which panel this content belongs to.")
	}
	hideAfter := in.HideAfter
	if hideAfter == 0 {
		hideAfter = DefaultHideAfter
	}
	if hideAfter < 1 || hideAfter > 100 {
		return ReportResult{}, fault.Errorf(fault.Invalid, "The number of reports that hide content must be between 1 and 100.")
	}

	id := reportID(content.Key(), in.Reporter)
	if _, err := s.Docs.Get(ctx, ReportsCollection, id); err == nil {
		return ReportResult{}, alreadyReported()
	} else if !fault.Is(err, fault.NotFound) {
		return ReportResult{}, err
	}

	prio := PriorityReport
	if in.Category == CategorySafeguarding {
		prio = PrioritySafeguarding
	}
	now := s.now().UnixMilli()
	fresh := Case{ID: newID(), PanelID: in.PanelID, GroupID: in.GroupID, Kind: KindReport, Content: content,
		Category: in.Category, Priority: prio, Status: StatusOpen, OpenedAt: now, History: []Entry{}}
	var nowHidden bool
	c, created, err := s.attach(ctx, fresh, func(c *Case, created bool) error {
		nowHidden = false
		if slices.Contains(c.Reporters, in.Reporter) {
			return alreadyReported()
		}
		c.setAuthor(in.AuthorBand, in.AuthorConsents)
		if content.Excerpt != "" {
			c.Content.Excerpt = content.Excerpt // what the reporter saw
		}
		raise(c, KindReport, in.Category, prio)
		from := c.Status
		if in.Category == CategorySafeguarding && !slices.Contains(waiting, c.Status) {
			// Someone may be at risk: back in front of a moderator now,
			// even if the case was waiting for the author.
			c.Status = StatusOpen
		}
		c.Reporters = append(c.Reporters, in.Reporter)
		e := Entry{Action: "reported", Actor: in.Reporter, At: now, Category: in.Category, To: c.Status}
		if !created {
			e.From = from
		}
		c.History = append(c.History, e)
		if !c.ContentHidden() && len(c.Reporters) >= hideAfter {
			c.HiddenByReports, nowHidden = true, true
			c.History = append(c.History, Entry{Action: "hidden_by_reports", Actor: System, At: now,
				Reason: fmt.Sprintf("%d people reported this", len(c.Reporters))})
		}
		return nil
	})
	if err != nil {
		return ReportResult{}, err
	}
	r := Report{ID: id, CaseID: c.ID, PanelID: c.PanelID, Content: content.withoutText(), Reporter: in.Reporter,
		Category: in.Category, Text: text, At: now}
	if err := store.InsertAs(ctx, s.Docs, ReportsCollection, r.ID, r, time.Time{}); fault.Is(err, fault.Conflict) {
		return ReportResult{}, alreadyReported()
	} else if err != nil {
		return ReportResult{}, err
	}

	e := auditFor(c, AuditReported, in.Reporter, text)
	e.Category = in.Category
	if _, err := s.record(ctx, e, map[string]any{"category": in.Category, "caseOpened": created}); err != nil {
		return ReportResult{}, err
	}
	if nowHidden {
		e := auditFor(c, AuditHiddenByReports, System, fmt.Sprintf("%d people reported this", len(c.Reporters)))
		if _, err := s.record(ctx, e, map[string]any{"reporters": len(c.Reporters), "hideAfter": hideAfter}); err != nil {
			return ReportResult{}, err
		}
	}
	return ReportResult{Report: r, Case: c, ContentHidden: c.ContentHidden(), AlertSafeguardingLead: in.Category == CategorySafeguarding}, nil
}

func alreadyReported() error {
	return fault.Errorf(fault.Conflict, "You already reported this. Thank you! A moderator will look at it.")
}

// reportID is the same for the same person and content, so the store
// itself refuses a second report (a duplicate id is a conflict).
func reportID(contentKey, reporter string) string {
	h := sha256.Sum256([]byte(contentKey + "\x00" + reporter))
	return hex.EncodeToString(h[:16])
}

// Reports lists the reports of a case, oldest first.
func (s *Service) Reports(ctx context.Context, caseID string) ([]Report, error) {
	docs, err := store.FindAs[Report](ctx, s.Docs, ReportsCollection, store.Query{Where: []store.Cond{{Field: "caseId", Op: store.Eq, Value: caseID}}, Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return nil, err
	}
	out := make([]Report, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Value)
	}
	slices.SortStableFunc(out, func(a, b Report) int { return cmp.Compare(a.At, b.At) })
	return out, nil
}
