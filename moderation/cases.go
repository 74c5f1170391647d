package moderation

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"chorus/fault"
	"chorus/store"
)

// Kind says why a case was opened.
type Kind string

// The kinds of case.
const (
	KindScreening   Kind = "screening"    // screening held youth text (rule 5)
	KindReport      Kind = "report"       // someone reported the content (rule 6)
	KindPublication Kind = "publication"  // youth content is about to reach partners (rule 2)
	KindPartnerText Kind = "partner_text" // partner text waits for approval before youth see it (rule 2)
)

// Kinds lists every kind, for validation and filters.
var Kinds = []Kind{KindScreening, KindReport, KindPublication, KindPartnerText}

// Status is where a case is.
//
//	open -> approved | changes_requested | hidden | escalated
//	changes_requested -> open (the author changed it) | approved | hidden | escalated
//	escalated -> approved | changes_requested | hidden
//	hidden -> what it was before the hide (restored) | changes_requested | escalated | open (the author changed it)
//	approved -> hidden (a moderator changed their mind)
//	closed: final (cases an earlier version closed on restore; nothing leads there now)
//
// See transitions in actions.go for the full table.
type Status string

// The statuses.
const (
	StatusOpen             Status = "open"              // waits for a moderator
	StatusChangesRequested Status = "changes_requested" // waits for the author to change it
	StatusApproved         Status = "approved"          // a moderator let it through
	StatusHidden           Status = "hidden"            // a moderator hid it; it may be restored
	StatusEscalated        Status = "escalated"         // waits for the safeguarding lead or a senior moderator
	StatusClosed           Status = "closed"            // restored by an earlier version, which closed cases then; final
)

// Statuses lists every status, for validation and filters.
var Statuses = []Status{StatusOpen, StatusChangesRequested, StatusApproved, StatusHidden, StatusEscalated, StatusClosed}

// Active reports whether a case in st is still the content's case: new
// reports and resubmissions join it. Approved and closed cases are settled;
// anything new about the content opens a new case.
func (st Status) Active() bool {
	return st == StatusOpen || st == StatusChangesRequested || st == StatusEscalated || st == StatusHidden
}

// waiting are the statuses in which a case needs a moderator: the queue
// shows these unless asked for others.
var waiting = []Status{StatusOpen, StatusEscalated}

// Priority orders the queue: higher first, then older first.
type Priority int

// The priorities. A safeguarding report comes before everything (rule 6),
// then other reports, then screening holds, then content waiting to be
// published or partner text waiting to be approved.
const (
	PriorityApproval     Priority = 1 // publication and partner text
	PriorityScreening    Priority = 2
	PriorityReport       Priority = 3
	PrioritySafeguarding Priority = 4
)

// Entry is one line of a case's history: what happened, who did it, when
// (unix milliseconds) and why.
type Entry struct {
	Action   string `json:"action"` // opened, resubmitted, reported, hidden_by_reports, or a moderator Action
	Actor    string `json:"actor"`
	At       int64  `json:"at"`
	Reason   string `json:"reason,omitempty"`
	Message  string `json:"message,omitempty"`  // to the author, with request_changes
	Category string `json:"category,omitempty"` // with reported
	From     Status `json:"from,omitempty"`
	To       Status `json:"to,omitempty"`
}

// Case is a piece of content waiting for, or having had, a moderator's
// decision.
type Case struct {
	ID       string     `json:"id"`
	PanelID  string     `json:"panelId"`
	GroupID  string     `json:"groupId,omitempty"`
	Kind     Kind       `json:"kind"`
	Content  ContentRef `json:"content"`
	Category string     `json:"category"`       // a report category, the main screening hit, or the kind for approvals
	Hits     []string   `json:"hits,omitempty"` // screening: every kind of hit found
	Priority Priority   `json:"priority"`
	Status   Status     `json:"status"`
	OpenedAt int64      `json:"openedAt"` // unix milliseconds
	// UpdatedAt is when anything last happened to the case (unix ms).
	UpdatedAt int64 `json:"updatedAt"`

	// The author as the caller knew them when the case was opened or last
	// joined: their age band and the consent scopes that matter here (e.g.
	// name_visible_to_partners for a publication). Plain strings: this
	// package shows them to the moderator, it does not decide with them.
	AuthorBand     string   `json:"authorBand,omitempty"`
	AuthorConsents []string `json:"authorConsents,omitempty"`
	// ConsentWithdrawn says why the author's content left its audiences
	// since the case was opened ("consent withdrawn: participate (by
	// guardian)"); AuthorConsents then are the ones in effect after it.
	ConsentWithdrawn string `json:"consentWithdrawn,omitempty"`

	Reporters         []string `json:"reporters,omitempty"` // distinct accounts that reported it
	HiddenByReports   bool     `json:"hiddenByReports"`     // enough people reported it; hidden until a moderator decides
	HiddenByModerator bool     `json:"hiddenByModerator"`
	// BeforeHide is the status the case had when a moderator hid it:
	// restoring returns to it, so a hide and a restore never approve.
	BeforeHide     Status `json:"beforeHide,omitempty"`
	ChangesMessage string `json:"changesMessage,omitempty"` // the last request_changes message to the author

	History []Entry `json:"history"`
}

// ContentHidden reports whether nobody but moderators may see the content.
func (c Case) ContentHidden() bool { return c.HiddenByModerator || c.HiddenByReports }

// Opened is OpenedAt as a time.
func (c Case) Opened() time.Time { return time.UnixMilli(c.OpenedAt).UTC() }

// caseDoc is a case as stored, with the fields the store's indexes need.
type caseDoc struct {
	Case
	Rank    int64  `json:"rank"`              // queue order: see rank
	OpenKey string `json:"openKey,omitempty"` // ContentRef.Key while the case is active; unique
}

func docOf(c Case) caseDoc {
	d := caseDoc{Case: c, Rank: rank(c.Priority, c.OpenedAt)}
	if c.Status.Active() {
		d.OpenKey = c.Content.Key()
	}
	return d
}

// rank folds "priority first, then oldest first" into one integer that
// sorts ascending: the store orders by one field. Unix milliseconds stay
// below 10^14 until the year 5138.
func rank(p Priority, openedAt int64) int64 {
	const tier = 100_000_000_000_000 // 10^14
	return int64(PrioritySafeguarding+1-p)*tier + openedAt
}

// ScreeningCategories are the kinds of screening hit, as package screen
// names them, most telling first: a case held for several shows the first
// as its category.
var ScreeningCategories = []string{"email", "phone", "address", "handle", "link", "word"}

// OpenInput is what a case that is not a report starts with.
type OpenInput struct {
	Kind    Kind // KindScreening, KindPublication or KindPartnerText (reports go through Report)
	Content ContentRef
	PanelID string
	GroupID string   // optional
	Hits    []string // KindScreening: the kinds of hit (ScreeningCategories); at least one
	// AuthorBand and AuthorConsents: see Case.
	AuthorBand     string
	AuthorConsents []string
	// Actor caused the case: the author submitting or changing content, or
	// a moderator; System is the default. A new screening case is always
	// opened by System (the screening held the text, not its author).
	Actor string
}

// Open opens a case for content that needs a moderator's look, or, when the
// content already has an active case, joins it: the excerpt is updated and
// a case that waited for the author (changes requested, or hidden) goes back
// to the queue. It returns the case and whether it is new.
//
// Errors: fault.Invalid for a missing or malformed field, an unknown kind
// or hit kind, or content that has an active case in another panel.
func (s *Service) Open(ctx context.Context, in OpenInput) (Case, bool, error) {
	if in.Actor == "" {
		in.Actor = System
	}
	var (
		category string
		prio     Priority
		hits     []string
	)
	switch in.Kind {
	case KindScreening:
		for _, h := range in.Hits {
			if !slices.Contains(ScreeningCategories, h) {
				return Case{}, false, fault.Errorf(fault.Invalid, "Unknown screening hit %q. Known: %s.", h, strings.Join(ScreeningCategories, ", "))
			}
		}
		for _, c := range ScreeningCategories { // in order, without duplicates
			if slices.Contains(in.Hits, c) {
				hits = append(hits, c)
			}
		}
		if len(hits) == 0 {
			return Case{}, false, fault.Errorf(fault.Invalid, "A screening case needs at least one hit.")
		}
		category, prio = hits[0], PriorityScreening
	case KindPublication, KindPartnerText:
		category, prio = string(in.Kind), PriorityApproval
	case KindReport:
		return Case{}, false, fault.Errorf(fault.Invalid, "Reports are made with Report, not Open.")
	default:
		return Case{}, false, fault.Errorf(fault.Invalid, "Unknown kind of case %q.", in.Kind)
	}
	content, err := in.Content.clean(in.Kind != KindPublication)
	if err != nil {
		return Case{}, false, err
	}
	if in.PanelID == "" {
		return Case{}, false, fault.Errorf(fault.Invalid, "Say which panel this content belongs to.")
	}
	now := s.now().UnixMilli()
	fresh := Case{ID: newID(), PanelID: in.PanelID, GroupID: in.GroupID, Kind: in.Kind, Content: content,
		Category: category, Priority: prio, Status: StatusOpen, OpenedAt: now, History: []Entry{}}
	var from Status
	opener := in.Actor
	c, created, err := s.attach(ctx, fresh, func(c *Case, created bool) error {
		c.setAuthor(in.AuthorBand, in.AuthorConsents)
		if created {
			from = ""
			c.Hits = hits
			if in.Kind == KindScreening {
				// Screening opened it, whoever wrote the text it held (the
				// author is whom the case is about).
				opener = System
			}
			c.History = append(c.History, Entry{Action: "opened", Actor: opener, At: now, Category: category, To: StatusOpen})
			return nil
		}
		from = c.Status
		if content.Excerpt != "" {
			c.Content.Excerpt = content.Excerpt
		}
		c.Hits = union(c.Hits, hits)
		raise(c, in.Kind, category, prio)
		if c.Status == StatusChangesRequested || c.Status == StatusHidden {
			// The author changed it: it needs a look again. A hidden
			// content item stays hidden until a moderator decides.
			c.Status = StatusOpen
		}
		c.History = append(c.History, Entry{Action: "resubmitted", Actor: in.Actor, At: now, Category: category, From: from, To: c.Status})
		return nil
	})
	if err != nil {
		return Case{}, false, err
	}
	action := AuditOpened
	if !created {
		action, opener = AuditResubmitted, in.Actor
	}
	_, err = s.record(ctx, auditFor(c, action, opener, ""), map[string]any{"kind": c.Kind, "category": category, "from": from, "to": c.Status})
	return c, created, err
}

// Resubmit records that the author changed content whose case waits for
// them (changes requested): the case shows the new text and goes back to
// the queue. A case that is not waiting for the author only gets the new
// text. Content without an active case is fault.NotFound.
func (s *Service) Resubmit(ctx context.Context, content ContentRef, actor string) (Case, error) {
	content, err := content.clean(false)
	if err != nil {
		return Case{}, err
	}
	d, err := s.activeDoc(ctx, content.Key())
	if err != nil {
		return Case{}, err
	}
	var from Status
	c, err := s.updateCase(ctx, d.Value.ID, func(c *Case) error {
		if !c.Status.Active() {
			return fault.Errorf(fault.Conflict, "This case is already decided.")
		}
		from = c.Status
		if content.Excerpt != "" {
			c.Content.Excerpt = content.Excerpt
		}
		if c.Status == StatusChangesRequested {
			c.Status = StatusOpen
		}
		c.History = append(c.History, Entry{Action: "resubmitted", Actor: actor, At: s.now().UnixMilli(), Category: c.Category, From: from, To: c.Status})
		return nil
	})
	if err != nil {
		return Case{}, err
	}
	_, err = s.record(ctx, auditFor(c, AuditResubmitted, actor, ""), map[string]any{"kind": c.Kind, "category": c.Category, "from": from, "to": c.Status})
	return c, err
}

// setAuthor keeps the newest facts about the author that a caller passed;
// a caller that knows none (a reporter's request) does not erase them.
func (c *Case) setAuthor(band string, consents []string) {
	if band != "" {
		c.AuthorBand = band
	}
	if consents != nil {
		c.AuthorConsents = consents
	}
}

// raise makes the case as urgent as its most urgent reason: a report on
// content screening held turns it into a report case, a safeguarding report
// into a safeguarding case. Priorities never drop while a case is active.
func raise(c *Case, k Kind, category string, p Priority) {
	if p > c.Priority {
		c.Kind, c.Category, c.Priority = k, category, p
	}
}

func union(a, b []string) []string {
	for _, x := range b {
		if !slices.Contains(a, x) {
			a = append(a, x)
		}
	}
	return a
}

// attach lets join change the active case of fresh's content, or creates
// fresh (passed to join first, with created true) when the content has
// none. It retries when someone else changed the case or opened one at the
// same moment, so two reports arriving together end up on one case.
func (s *Service) attach(ctx context.Context, fresh Case, join func(c *Case, created bool) error) (Case, bool, error) {
	key := fresh.Content.Key()
	for range maxAttempts {
		d, err := s.activeDoc(ctx, key)
		switch {
		case err == nil:
			c := d.Value.Case
			if c.PanelID != fresh.PanelID {
				return Case{}, false, fault.Errorf(fault.Invalid, "This content belongs to another panel.")
			}
			if err := join(&c, false); err != nil {
				return Case{}, false, err
			}
			c.UpdatedAt = s.now().UnixMilli()
			if _, err := store.UpdateAs(ctx, s.Docs, CasesCollection, c.ID, d.Version, docOf(c), time.Time{}); fault.Is(err, fault.Conflict) {
				continue
			} else if err != nil {
				return Case{}, false, err
			}
			return c, false, nil
		case fault.Is(err, fault.NotFound):
			c := fresh
			c.History = slices.Clone(fresh.History)
			if err := join(&c, true); err != nil {
				return Case{}, false, err
			}
			c.UpdatedAt = c.OpenedAt
			if err := store.InsertAs(ctx, s.Docs, CasesCollection, c.ID, docOf(c), time.Time{}); fault.Is(err, fault.Conflict) {
				continue // someone opened a case for the same content just now: join it
			} else if err != nil {
				return Case{}, false, err
			}
			return c, true, nil
		default:
			return Case{}, false, err
		}
	}
	return Case{}, false, busy()
}

// activeDoc returns the active case of the content with key, or
// fault.NotFound.
func (s *Service) activeDoc(ctx context.Context, key string) (store.Doc[caseDoc], error) {
	page, err := s.Docs.Find(ctx, CasesCollection, store.Query{Where: []store.Cond{{Field: "openKey", Op: store.Eq, Value: key}}, Limit: 1})
	if err != nil {
		return store.Doc[caseDoc]{}, err
	}
	if len(page.Records) == 0 {
		return store.Doc[caseDoc]{}, fault.Errorf(fault.NotFound, "This content has no open case.")
	}
	d, err := decodeCase(page.Records[0].Data)
	if err != nil {
		return store.Doc[caseDoc]{}, err
	}
	return store.Doc[caseDoc]{Value: d, Version: page.Records[0].Version}, nil
}

func decodeCase(data json.RawMessage) (caseDoc, error) {
	var d caseDoc
	if err := json.Unmarshal(data, &d); err != nil {
		return caseDoc{}, fault.Wrap(fault.Internal, err, "stored case is not readable")
	}
	return d, nil
}

// Case returns the case with id (fault.NotFound if there is none).
func (s *Service) Case(ctx context.Context, id string) (Case, error) {
	d, err := store.GetAs[caseDoc](ctx, s.Docs, CasesCollection, id)
	if fault.Is(err, fault.NotFound) {
		return Case{}, noCase()
	}
	return d.Value.Case, err
}

func noCase() error { return fault.Errorf(fault.NotFound, "This moderation case does not exist.") }

// CaseFor returns the active case of a content item (fault.NotFound when it
// has none).
func (s *Service) CaseFor(ctx context.Context, contentType, contentID string) (Case, error) {
	d, err := s.activeDoc(ctx, ContentRef{Type: contentType, ID: contentID}.Key())
	return d.Value.Case, err
}

// Hidden reports whether a content item is hidden from everyone but
// moderators right now: a moderator hid it, or enough people reported it
// and no moderator has decided yet. Packages that show content call it
// before showing anything; content without an active case is not hidden.
func (s *Service) Hidden(ctx context.Context, contentType, contentID string) (bool, error) {
	c, err := s.CaseFor(ctx, contentType, contentID)
	if fault.Is(err, fault.NotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return c.ContentHidden(), nil
}
