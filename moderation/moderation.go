package moderation

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"chorus/fault"
	"chorus/store"
)

// Limits. The messages that name them are written for a 13-year-old.
const (
	MaxReason   = 1000 // characters in a moderator's reason or a sanction's reason
	MaxMessage  = 1000 // characters in a message asking the author for changes
	MaxReport   = 1000 // characters a reporter may write
	MaxExcerpt  = 500  // characters of the content kept on a case; longer text is cut
	maxAttempts = 50   // compare-and-set retries before giving up
	maxListed   = 10000
)

// Collections of this package.
const (
	CasesCollection     = "moderation_cases"
	ReportsCollection   = "moderation_reports"
	SanctionsCollection = "moderation_sanctions"
	AuditCollection     = "moderation_audit"
)

// Schemas declares the collections and the fields they are queried by.
//
// Cases: openKey is unique and present only while a case is open, which is
// what makes "one open case per content item" hold even when two reports
// arrive at the same moment on two servers; rank is the queue order
// (priority, then age) folded into one sortable integer, because the store
// sorts on one field.
var Schemas = []store.Schema{
	{Collection: CasesCollection, Indexes: []store.Index{
		{Field: "panelId"}, {Field: "status"}, {Field: "kind"}, {Field: "category"},
		{Field: "openedAt"}, {Field: "rank"}, {Field: "openKey", Unique: true},
	}},
	{Collection: ReportsCollection, Indexes: []store.Index{{Field: "caseId"}}},
	{Collection: SanctionsCollection, Indexes: []store.Index{{Field: "accountId"}, {Field: "kind"}, {Field: "groupId"}}},
	{Collection: AuditCollection, Indexes: []store.Index{
		{Field: "panelId"}, {Field: "party"}, {Field: "primary"}, {Field: "contentId"}, {Field: "action"}, {Field: "at"},
	}},
	{Collection: auditCursorCollection},
}

// System is the actor of what nobody did by hand: screening holds and
// content hidden because enough people reported it.
const System = "system"

// Service keeps moderation cases, reports, sanctions and the audit trail,
// and runs the workflow over the registered kinds of content (Register):
// decide and withdraw by author. Create it with NewService and call
// Declare once.
type Service struct {
	Docs store.Documents
	Now  func() time.Time

	authors Authors
	reg     registry
}

// NewService returns a Service on docs with the real clock. authors finds
// the author of content as the policy sees them now: nothing is shown
// again, or kept where it is, that the author's consent no longer allows.
func NewService(docs store.Documents, authors Authors) *Service {
	return &Service{Docs: docs, Now: time.Now, authors: authors}
}

// Declare declares the collections.
func (s *Service) Declare(ctx context.Context) error {
	return store.DeclareAll(ctx, s.Docs, "moderation", Schemas)
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// Topic is the event subject (and real-time topic) of a panel's moderation.
//
// It is deliberately not "panel:<id>": every member of a panel, youth and
// partners included, may follow that topic, and moderation events say who
// reported whom and why. The transport authorises this topic with
// moderation.queue_view instead.
func Topic(panelID string) string { return "moderation:" + panelID }

func newID() string { return uuid.NewString() }

func busy() error {
	return fault.Errorf(fault.Conflict, "Several people are changing this at the same moment. Please try again.")
}

// cleanText trims s and refuses it when it is required but empty, longer
// than max characters, or not readable text.
func cleanText(what, s string, max int, required bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", fault.Errorf(fault.Invalid, "The %s has characters we cannot read. Please type it again.", what)
	}
	s = strings.TrimSpace(s)
	if required && s == "" {
		return "", fault.Errorf(fault.Invalid, "Please write a %s.", what)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", fault.Errorf(fault.Invalid, "The %s is too long: %d characters. Please keep it to %d characters or fewer.", what, n, max)
	}
	return s, nil
}

// cleanReason is cleanText for the reason every moderator action and
// sanction needs: the audit trail must say why, not only who and when.
func cleanReason(reason string) (string, error) {
	r, err := cleanText("reason", reason, MaxReason, false)
	if err != nil {
		return "", err
	}
	if r == "" {
		return "", fault.Errorf(fault.Invalid, "Please give a reason. It is kept in the record of what moderators did.")
	}
	return r, nil
}
