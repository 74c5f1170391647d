// Package pledge is the drafting of pledges: short documents of items that
// youth panels write together, live, before a moderator publishes them to
// partners. It keeps pledges, items and every revision of every item in the
// document store, transforms concurrent edits (operations, see package ot)
// so nobody's change is lost, and appends an event for every change (the
// audit trail and the real-time feed, on the topic "pledge:<id>").
//
// The service decides nothing about who may do what: callers ask the policy
// first (package policy). It does enforce the life cycle: what may happen in
// which state, and that a published version never changes.
package pledge

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"chorus/fault"
	"chorus/language"
	"chorus/moderation/screen"
	"chorus/ot"
	"chorus/store"
)

// Limits. The messages that name them are written for a 13-year-old.
const (
	MaxTitle    = 200   // characters in a pledge title
	MaxHeading  = 200   // characters in an item heading
	MaxText     = 5000  // characters in an item text
	MaxSummary  = 500   // characters in an item's child-friendly summary
	MaxItems    = 50    // items in one pledge
	MaxComment  = 2000  // characters in a comment
	maxAttempts = 100   // compare-and-set retries before giving up
	maxHistory  = 10000 // revisions listed for one item
)

// State is where a pledge is in its life cycle.
type State string

// The states: draft -> in_review -> published -> in_round -> closed.
const (
	Draft     State = "draft"
	InReview  State = "in_review"
	Published State = "published"
	InRound   State = "in_round"
	Closed    State = "closed"
)

// Field names an editable text of an item.
type Field string

// The editable fields of an item.
const (
	Heading Field = "heading"
	Text    Field = "text"
	Summary Field = "summary"
)

// Languages a pledge may be written in: those Chorus speaks.
var Languages = language.Codes

// Pledge is a document of items that a group drafts together.
type Pledge struct {
	ID        string   `json:"id"`
	PanelID   string   `json:"panelId"`
	GroupID   string   `json:"groupId"`
	Title     string   `json:"title"`
	Language  string   `json:"language"`
	Kind      string   `json:"kind,omitempty"` // empty: a pledge; KindScript: a group video's script
	State     State    `json:"state"`
	ItemIDs   []string `json:"itemIds"`           // the items, in order
	Published []int    `json:"publishedVersions"` // numbers of the frozen versions, oldest first
	Review    int      `json:"reviewVersion"`     // the version a moderator is looking at; 0: none
	// ChangesRequested is what a moderator asked the group to change when
	// they sent the pledge back to draft; nil once it goes to review again.
	ChangesRequested *ChangeRequest `json:"changesRequested,omitempty"`
	CreatedBy        string         `json:"createdBy"`
	CreatedAt        time.Time      `json:"createdAt"`
	UpdatedAt        time.Time      `json:"updatedAt"`
}

// ChangeRequest is a moderator's message to the group about a version they
// sent back to draft.
type ChangeRequest struct {
	Message string    `json:"message"`
	Version int       `json:"version"` // the version that was in review
	At      time.Time `json:"at"`
}

// Approved reports whether a moderator has published at least one version
// (safeguarding rule 2: only then may a partner see anything of it).
func (p Pledge) Approved() bool { return len(p.Published) > 0 }

// LatestPublished is the number of the newest published version, 0 if none.
func (p Pledge) LatestPublished() int {
	if len(p.Published) == 0 {
		return 0
	}
	return p.Published[len(p.Published)-1]
}

// Item is one item of a pledge. Version counts its revisions (1 when
// created); every change of any field makes the next one.
type Item struct {
	ID        string    `json:"id"`
	PledgeID  string    `json:"pledgeId"`
	Heading   string    `json:"heading"`
	Text      string    `json:"text"`
	Summary   string    `json:"summary"` // the child-friendly version
	Version   int64     `json:"version"`
	Removed   bool      `json:"removed,omitempty"`
	UpdatedBy string    `json:"updatedBy"`
	UpdatedAt time.Time `json:"updatedAt"`

	// Hits are what screening finds in the item's texts now (personal
	// data, listed words). Items are written live inside the group, so
	// they are not held from it; instead a pledge whose items have hits
	// cannot go to review or be published (safeguarding rules 2 and 5).
	Hits Hits `json:"hits,omitempty"`
}

// Hits are the screening hits of an item, by field; a field without hits
// is absent. Offsets are bytes of that field's text.
type Hits map[Field][]screen.Hit

func (it Item) field(f Field) string {
	switch f {
	case Heading:
		return it.Heading
	case Summary:
		return it.Summary
	}
	return it.Text
}

func (it *Item) set(f Field, s string) {
	switch f {
	case Heading:
		it.Heading = s
	case Summary:
		it.Summary = s
	default:
		it.Text = s
	}
}

// Revision is an item as it was at one version, with who made it and how.
type Revision struct {
	ID       string    `json:"id"`
	ItemID   string    `json:"itemId"`
	PledgeID string    `json:"pledgeId"`
	Version  int64     `json:"version"`
	Kind     string    `json:"kind"` // created, edited, restored, removed, amendment
	Field    Field     `json:"field,omitempty"`
	Heading  string    `json:"heading"`
	Text     string    `json:"text"`
	Summary  string    `json:"summary"`
	Removed  bool      `json:"removed,omitempty"`
	Author   string    `json:"author"`
	At       time.Time `json:"at"`
	AtMillis int64     `json:"atMs"`
	// Hits are the item's hits at this version when it was screened with
	// it: every change but the edits of a batch before its last, which
	// are screened once, with the last (see storeEdits). Nil: unchanged.
	Hits *Hits `json:"hits,omitempty"`
	// Ops are the operations that made this version's fields from the
	// version before (a field left out was not changed); with Client and
	// Seq of the edit that sent them. Revisions stored before operations
	// have none: their change is the difference of the two texts.
	Ops    map[Field]ot.Op `json:"ops,omitempty"`
	Client string          `json:"client,omitempty"`
	Seq    int64           `json:"seq,omitempty"`
}

// Collections.
const (
	colPledges      = "pledges"
	colItems        = "pledge_items"
	colRevisions    = "pledge_revisions"
	colVersions     = "pledge_versions"
	colComments     = "pledge_comments"
	colAmendments   = "pledge_amendments"
	colEndorsements = "pledge_endorsements"
)

// Schemas are the collections of this package.
var Schemas = []store.Schema{
	{Collection: colPledges, Indexes: []store.Index{{Field: "groupId"}, {Field: "panelId"}}},
	{Collection: colItems, Indexes: []store.Index{{Field: "pledgeId"}}},
	{Collection: colRevisions, Indexes: []store.Index{{Field: "itemId"}, {Field: "pledgeId"}, {Field: "version"}, {Field: "author"}}},
	{Collection: colVersions, Indexes: []store.Index{{Field: "pledgeId"}}},
	{Collection: colComments, Indexes: []store.Index{{Field: "itemId"}, {Field: "pledgeId"}, {Field: "atMs"}, {Field: "author"}}},
	{Collection: colAmendments, Indexes: []store.Index{{Field: "itemId"}, {Field: "pledgeId"}, {Field: "atMs"}, {Field: "author"}}},
	{Collection: colEndorsements, Indexes: []store.Index{{Field: "pledgeId"}, {Field: "accountId"}}},
}

// Service keeps pledges. Create it with NewService and call Declare once.
type Service struct {
	Docs store.Documents
	Now  func() time.Time

	// MaxText is the longest item text accepted; NewService sets it to
	// the constant MaxText.
	MaxText int

	// screeners gives each panel's screener, which screens what youth
	// write before others see it (safeguarding rule 5); nil means the
	// built-in lists only.
	screeners Screeners
	// holds puts what screening held before a moderator; nil: no case is
	// opened (tests of other things).
	holds Holds

	locks [64]sync.Mutex // serialise edits of one item within this process

	editsMu sync.Mutex
	edits   map[string]*editQueue // edits waiting, by item id (see batch.go)
	hist    histCache             // recent versions of items (see history.go)
}

// NewService returns a Service on docs with the real clock, screening what
// youth write with each panel's screener from screeners (nil: the built-in
// lists only) and putting what screening held before a moderator with
// holds (moderation.Service), in the same transaction as the content.
// Both are safeguarding rules' inputs (rule 5), so they are fixed here.
func NewService(docs store.Documents, screeners Screeners, holds Holds) *Service {
	return &Service{Docs: docs, Now: time.Now, MaxText: MaxText, screeners: screeners, holds: holds}
}

// Declare declares the collections.
func (s *Service) Declare(ctx context.Context) error {
	return store.DeclareAll(ctx, s.Docs, "pledge", Schemas)
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// lock serialises changes of one item inside this process, so concurrent
// editors queue instead of spinning on compare-and-set conflicts. The
// compare-and-set stays the guarantee across processes. Inside a
// transaction it takes nothing (see store.WithinTransaction): the
// transaction orders the writers, and a lock holder waiting for its write
// lock would wait forever.
func (s *Service) lock(ctx context.Context, id string) func() {
	if store.WithinTransaction(ctx) {
		return func() {}
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	m := &s.locks[h.Sum32()%uint32(len(s.locks))]
	m.Lock()
	return m.Unlock
}

// Topic is the real-time topic (and event subject) of a pledge.
func Topic(pledgeID string) string { return "pledge:" + pledgeID }

// event appends a change to the event log; a failure fails the change's
// caller so that no change goes unrecorded.
func (s *Service) event(ctx context.Context, actor, typ, pledgeID string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fault.Wrap(fault.Internal, err, "event cannot be recorded")
	}
	_, err = s.Docs.AppendEvent(ctx, store.Event{Actor: actor, Type: typ, Subject: Topic(pledgeID), Data: b})
	return err
}

func newID() string { return uuid.NewString() }

// checkLength refuses a text longer than max characters, saying which.
func checkLength(what string, s string, max int) error {
	if !utf8.ValidString(s) {
		return fault.Errorf(fault.Invalid, "The %s has characters we cannot read. Please type it again.", what)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fault.Errorf(fault.Invalid, "The %s is too long: %d characters. Please keep it to %d characters or fewer.", what, n, max)
	}
	return nil
}

func (s *Service) checkField(f Field, text string) error {
	switch f {
	case Heading:
		return checkLength("heading", text, MaxHeading)
	case Summary:
		return checkLength("summary", text, MaxSummary)
	case Text:
		return checkLength("text", text, s.MaxText)
	}
	return fault.Errorf(fault.Invalid, "You can only change the heading, the text or the summary of an item.")
}

func cleanTitle(title string) (string, error) {
	title = strings.TrimSpace(title)
	if title == "" {
		return "", fault.Errorf(fault.Invalid, "Please give the pledge a title.")
	}
	return title, checkLength("title", title, MaxTitle)
}

// CreateInput is what a new pledge starts with.
type CreateInput struct {
	PanelID, GroupID string
	Title, Language  string
	Kind             string // empty or KindScript
}

// KindScript marks a group video's script: the same items (a scene each:
// who speaks as the heading, what happens and is said as the text, the
// plain-language version as the summary), co-written, screened and kept
// in history like a pledge's, but never listed with the pledges, sent for
// review or published. It stays with its group.
const KindScript = "script"

// Create starts a new pledge in draft.
func (s *Service) Create(ctx context.Context, actor string, in CreateInput) (Pledge, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Pledge, error) { return s.create(ctx, actor, in) })
}

// create is Create, inside its transaction.
func (s *Service) create(ctx context.Context, actor string, in CreateInput) (Pledge, error) {
	title, err := cleanTitle(in.Title)
	if err != nil {
		return Pledge{}, err
	}
	if in.Language == "" {
		in.Language = language.Default
	}
	if !contains(Languages, in.Language) {
		return Pledge{}, fault.Errorf(fault.Invalid, "A pledge can be written in one of these languages: %s.", strings.Join(Languages, ", "))
	}
	if in.PanelID == "" || in.GroupID == "" {
		return Pledge{}, fault.Errorf(fault.Invalid, "A pledge belongs to a group.")
	}
	if in.Kind != "" && in.Kind != KindScript {
		return Pledge{}, fault.Errorf(fault.Invalid, "Unknown kind of document %q.", in.Kind)
	}
	now := s.now()
	p := Pledge{ID: newID(), PanelID: in.PanelID, GroupID: in.GroupID, Title: title, Language: in.Language, Kind: in.Kind, State: Draft,
		ItemIDs: []string{}, Published: []int{}, CreatedBy: actor, CreatedAt: now, UpdatedAt: now}
	if err := store.InsertAs(ctx, s.Docs, colPledges, p.ID, p, time.Time{}); err != nil {
		return Pledge{}, err
	}
	return p, s.event(ctx, actor, "pledge.created", p.ID, map[string]any{"pledge": p})
}

// Pledge returns the pledge with id (fault.NotFound if there is none).
func (s *Service) Pledge(ctx context.Context, id string) (Pledge, error) {
	d, err := store.GetAs[Pledge](ctx, s.Docs, colPledges, id)
	if fault.Is(err, fault.NotFound) {
		return Pledge{}, fault.Errorf(fault.NotFound, "This pledge does not exist.")
	}
	return d.Value, err
}

// Pledges lists the pledges of a group, oldest first (not its videos' scripts).
func (s *Service) Pledges(ctx context.Context, groupID string) ([]Pledge, error) {
	docs, err := store.FindAs[Pledge](ctx, s.Docs, colPledges, store.Query{Where: []store.Cond{{Field: "groupId", Op: store.Eq, Value: groupID}}, Limit: store.MaxLimit}, 10000)
	if err != nil {
		return nil, err
	}
	out := make([]Pledge, 0, len(docs))
	for _, d := range docs {
		if d.Value.Kind == KindScript {
			continue // a video's script is opened from its video
		}
		out = append(out, d.Value)
	}
	return out, nil
}

// updatePledge reads a pledge, lets change modify it and stores it with
// compare-and-set, retrying on conflict.
func (s *Service) updatePledge(ctx context.Context, id string, change func(*Pledge) error) (Pledge, error) {
	for range maxAttempts {
		d, err := store.GetAs[Pledge](ctx, s.Docs, colPledges, id)
		if fault.Is(err, fault.NotFound) {
			return Pledge{}, fault.Errorf(fault.NotFound, "This pledge does not exist.")
		}
		if err != nil {
			return Pledge{}, err
		}
		p := d.Value
		if err := change(&p); err != nil {
			return Pledge{}, err
		}
		p.UpdatedAt = s.now()
		if _, err := store.UpdateAs(ctx, s.Docs, colPledges, id, d.Version, p, time.Time{}); fault.Is(err, fault.Conflict) {
			continue
		} else if err != nil {
			return Pledge{}, err
		}
		return p, nil
	}
	return Pledge{}, busy()
}

func busy() error {
	return fault.Errorf(fault.Conflict, "Many people are changing this at the same moment. Please try again.")
}

// Rename changes the title of a pledge that is still being drafted.
func (s *Service) Rename(ctx context.Context, actor, id, title string) (Pledge, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Pledge, error) { return s.rename(ctx, actor, id, title) })
}

// rename is Rename, inside its transaction.
func (s *Service) rename(ctx context.Context, actor, id, title string) (Pledge, error) {
	title, err := cleanTitle(title)
	if err != nil {
		return Pledge{}, err
	}
	p, err := s.updatePledge(ctx, id, func(p *Pledge) error {
		if err := editable(*p); err != nil {
			return err
		}
		p.Title = title
		return nil
	})
	if err != nil {
		return Pledge{}, err
	}
	return p, s.event(ctx, actor, "pledge.renamed", id, map[string]any{"title": title})
}

// editable says whether the items of p may change now. A version being
// reviewed is frozen until the moderator decides; after publishing, edits
// make the next version (the published one never changes).
func editable(p Pledge) error {
	switch p.State {
	case Draft, Published:
		return nil
	case InReview:
		return fault.Errorf(fault.Invalid, "A moderator is checking this pledge right now. You can change it again when they are done.")
	case InRound:
		return fault.Errorf(fault.Invalid, "Partners are answering this pledge right now, so it cannot be changed.")
	}
	return fault.Errorf(fault.Invalid, "This pledge is finished, so it cannot be changed any more.")
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
