package moderation

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"chorus/fault"
	"chorus/store"
)

// Audit actions: the event types this package appends, one per thing that
// happened (safeguarding rule 6: every report and every moderator action is
// recorded with who, when and why).
const (
	AuditOpened          = "moderation.opened"            // a case was opened (screening, publication, partner text)
	AuditResubmitted     = "moderation.resubmitted"       // the content came back for another look
	AuditReported        = "moderation.report"            // someone reported the content
	AuditHiddenByReports = "moderation.hidden_by_reports" // enough reports hid it until a moderator decides
	AuditMuted           = "moderation.mute"
	AuditSuspended       = "moderation.suspend"
	AuditLifted          = "moderation.lift"
	AuditErased          = "moderation.erased"         // the author erased their account: the case lost its excerpt (and closed)
	AuditAccountErased   = "moderation.account_erased" // a person's account was erased (by them, or by a coordinator on a deletion request)
	// A moderator Action a is recorded as "moderation." + a, e.g.
	// "moderation.hide".
)

// AuditActions lists every audit action, for validating searches.
var AuditActions = func() []string {
	out := []string{AuditOpened, AuditResubmitted, AuditReported, AuditHiddenByReports}
	for _, a := range Actions {
		out = append(out, "moderation."+string(a))
	}
	return append(out, AuditConsentWithdrawn, AuditMuted, AuditSuspended, AuditLifted, AuditErased, AuditAccountErased,
		AuditConsentGrant, AuditConsentWithdrawal, AuditInvitationSent, AuditInvitationRenewed, AuditInvitationRevoked, AuditInvitationAccepted,
		AuditPanelSettingChanged)
}()

// AuditEntry is one line of the audit trail.
type AuditEntry struct {
	ID          string `json:"id"`
	EventID     int64  `json:"eventId"` // the same change in the event log
	At          int64  `json:"at"`      // unix milliseconds
	PanelID     string `json:"panelId"`
	Action      string `json:"action"`           // one of AuditActions
	Actor       string `json:"actor"`            // who did it; System for automatic steps, Guardian for a guardian's link
	Person      string `json:"person,omitempty"` // whom it was about: the content's author, or the sanctioned person
	CaseID      string `json:"caseId,omitempty"`
	SanctionID  string `json:"sanctionId,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	ContentID   string `json:"contentId,omitempty"`
	Category    string `json:"category,omitempty"` // a report or hit category, a sanction's kind, a consent scope, an invited role
	Reason      string `json:"reason,omitempty"`   // why; for a report, the reporter's words
}

// Time is At as a time.
func (e AuditEntry) Time() time.Time { return time.UnixMilli(e.At).UTC() }

// auditRow is how an entry is stored: once for its actor (Primary) and once
// more for the person it is about, so that "everything about Sam", whether
// Sam acted or was acted on, is one indexed query with one order and one
// cursor, rather than two queries merged by hand.
type auditRow struct {
	AuditEntry
	Party   string `json:"party"`
	Primary bool   `json:"primary"`
}

func auditFor(c Case, action, actor, reason string) AuditEntry {
	return AuditEntry{PanelID: c.PanelID, Action: action, Actor: actor, Person: c.Content.OwnerID, CaseID: c.ID,
		ContentType: c.Content.Type, ContentID: c.Content.ID, Category: c.Category, Reason: reason}
}

func auditForSanction(x Sanction, action, actor, reason string) AuditEntry {
	return AuditEntry{PanelID: x.PanelID, Action: action, Actor: actor, Person: x.AccountID, SanctionID: x.ID, Category: string(x.Kind), Reason: reason}
}

// record appends e to the event log (on the panel's moderation Topic, with
// the details in extra) and to the audit collection. A failure fails the
// caller, so that nothing happens unrecorded.
func (s *Service) record(ctx context.Context, e AuditEntry, extra map[string]any) (AuditEntry, error) {
	now := s.now()
	e.At = now.UnixMilli()
	data := map[string]any{"reason": e.Reason}
	if e.CaseID != "" {
		data["caseId"] = e.CaseID
		data["contentRef"] = ContentRef{Type: e.ContentType, ID: e.ContentID, OwnerID: e.Person}
	}
	maps.Copy(data, extra)
	b, err := json.Marshal(data)
	if err != nil {
		return AuditEntry{}, fault.Wrap(fault.Internal, err, "event cannot be recorded")
	}
	ev, err := s.Docs.AppendEvent(ctx, store.Event{Time: now, Actor: e.Actor, Type: e.Action, Subject: Topic(e.PanelID), Data: b})
	if err != nil {
		return AuditEntry{}, err
	}
	// The event id orders entries made in the same millisecond.
	e.EventID, e.ID = ev.ID, fmt.Sprintf("e%019d", ev.ID)
	recs, err := auditRecords(e)
	if err != nil {
		return AuditEntry{}, err
	}
	return e, s.Docs.InsertMany(ctx, AuditCollection, recs)
}

// auditRecords are the stored rows of e: one for its actor, one more for
// the person it is about.
func auditRecords(e AuditEntry) ([]store.Record, error) {
	rows := []auditRow{{AuditEntry: e, Party: e.Actor, Primary: true}}
	if e.Person != "" && e.Person != e.Actor {
		rows = append(rows, auditRow{AuditEntry: e, Party: e.Person})
	}
	recs := make([]store.Record, 0, len(rows))
	for _, r := range rows {
		suffix := "-a"
		if !r.Primary {
			suffix = "-p"
		}
		rec, err := store.RecordOf(e.ID+suffix, r, time.Time{})
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

// Audit page sizes.
const (
	DefaultAuditLimit = 50
	MaxAuditLimit     = 500
)

// AuditQuery selects audit entries. Zero fields do not filter, except
// PanelIDs: no panel, no entries.
type AuditQuery struct {
	PanelIDs  []string  // the panels the coordinator may audit
	Person    string    // entries where this account acted or was acted on
	People    []string  // or any of these accounts (a name several people share)
	ContentID string    // entries about this content item
	Action    string    // one of AuditActions
	From      time.Time // at or after
	To        time.Time // before
	Limit     int       // 0: DefaultAuditLimit; at most MaxAuditLimit
	After     string    // AuditPage.Next of the previous page
}

// AuditPage is one page of audit entries, newest first.
type AuditPage struct {
	Entries []AuditEntry
	Next    string // empty on the last page
}

// SearchAudit returns audit entries matching q, newest first.
//
// Errors: fault.Invalid for an unknown action, a time range that ends
// before it starts, a bad limit or a bad cursor.
func (s *Service) SearchAudit(ctx context.Context, q AuditQuery) (AuditPage, error) {
	if q.Limit == 0 {
		q.Limit = DefaultAuditLimit
	}
	if q.Limit < 1 || q.Limit > MaxAuditLimit {
		return AuditPage{}, fault.Errorf(fault.Invalid, "Ask for between 1 and %d entries at a time.", MaxAuditLimit)
	}
	if q.Action != "" && !slices.Contains(AuditActions, q.Action) {
		return AuditPage{}, fault.Errorf(fault.Invalid, "Unknown action %q. Known: %s.", q.Action, strings.Join(AuditActions, ", "))
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
		return AuditPage{}, fault.Errorf(fault.Invalid, "The end of the time range must be after its start.")
	}
	if len(q.PanelIDs) == 0 {
		return AuditPage{Entries: []AuditEntry{}}, nil
	}
	where := []store.Cond{{Field: "panelId", Op: store.In, Value: q.PanelIDs}}
	people := slices.Clone(q.People)
	if q.Person != "" {
		people = append(people, q.Person)
	}
	if len(people) > 0 {
		parties := make([]any, 0, len(people))
		for _, p := range people {
			parties = append(parties, p)
		}
		where = append(where, store.Cond{Field: "party", Op: store.In, Value: parties})
	} else {
		where = append(where, store.Cond{Field: "primary", Op: store.Eq, Value: true})
	}
	if q.ContentID != "" {
		where = append(where, store.Cond{Field: "contentId", Op: store.Eq, Value: q.ContentID})
	}
	if q.Action != "" {
		where = append(where, store.Cond{Field: "action", Op: store.Eq, Value: q.Action})
	}
	if !q.From.IsZero() {
		where = append(where, store.Cond{Field: "at", Op: store.Gte, Value: q.From.UnixMilli()})
	}
	if !q.To.IsZero() {
		where = append(where, store.Cond{Field: "at", Op: store.Lt, Value: q.To.UnixMilli()})
	}
	page, err := s.Docs.Find(ctx, AuditCollection, store.Query{Where: where, OrderBy: "at", Desc: true, Limit: q.Limit, After: q.After})
	if err != nil {
		return AuditPage{}, err
	}
	out := AuditPage{Entries: make([]AuditEntry, 0, len(page.Records)), Next: page.Next}
	for _, r := range page.Records {
		var row auditRow
		if err := json.Unmarshal(r.Data, &row); err != nil {
			return AuditPage{}, fault.Wrap(fault.Internal, err, "stored audit entry is not readable")
		}
		out.Entries = append(out.Entries, row.AuditEntry)
	}
	return out, nil
}
