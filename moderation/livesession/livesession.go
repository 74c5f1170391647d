package livesession

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"chorus/fault"
	"chorus/identity"
	"chorus/moderation"
	"chorus/moderation/screen"
	"chorus/store"
)

// Limits. The messages that name them are written for a 13-year-old.
const (
	MaxTitle    = 120  // characters in a session title
	MaxChat     = 1000 // characters in a chat message
	MaxQuestion = 300  // characters in a question
	MaxAnswer   = 1000 // characters in an answer
	MaxOrgs     = 20   // partner organisations invited to one session
	MaxMessages = 5000 // messages (chat, questions, answers) in one session
	// ChatShown is how many of the newest chat messages a board holds; the
	// transcript has them all.
	ChatShown   = 500
	maxAttempts = 50 // compare-and-set retries before giving up
	maxListed   = 10000
)

// Collections of this package.
const (
	SessionsCollection = "live_sessions"
	MessagesCollection = "live_session_messages"
)

// Schemas declares the collections and the fields they are queried by.
var Schemas = []store.Schema{
	{Collection: SessionsCollection, Indexes: []store.Index{{Field: "panelId"}, {Field: "startsAtMs"}}},
	{Collection: MessagesCollection, Indexes: []store.Index{{Field: "sessionId"}, {Field: "atMs"}, {Field: "authorId"}}},
}

// TopicPrefix starts the real-time topic (and event subject) of a session.
const TopicPrefix = "session:"

// Topic is the real-time topic of a session: who is connected to it is who
// is present, and its events tell everyone when it pauses and resumes.
func Topic(sessionID string) string { return TopicPrefix + sessionID }

// Session is a scheduled live session of a panel.
type Session struct {
	ID       string    `json:"id"`
	PanelID  string    `json:"panelId"`
	Title    string    `json:"title"`
	StartsAt time.Time `json:"startsAt"`
	// OrgIDs are the partner organisations invited: their members in the
	// panel take part.
	OrgIDs []string `json:"orgIds"`
	// MinModerators is how many moderators of the panel must be connected
	// for posts to be accepted: the panel's setting when the session was
	// scheduled (2 by default, never below 1).
	MinModerators int `json:"minModerators"`
	// PartnerPostModeration: partner text reaches youth after screening
	// alone (the panel's setting when the session was scheduled); false is
	// pre-moderation.
	PartnerPostModeration bool `json:"partnerPostModeration"`
	// Paused is the state as last reconciled; Present is how many
	// moderators were connected then. Posting always counts again.
	Paused         bool      `json:"paused"`
	Present        int       `json:"present"`
	StateChangedAt time.Time `json:"stateChangedAt"`
	CreatedBy      string    `json:"createdBy"`
	CreatedAt      time.Time `json:"createdAt"`
	StartsAtMs     int64     `json:"startsAtMs"` // for ordering
}

// Invites reports whether the session invited the organisation orgID.
func (s Session) Invites(orgID string) bool { return orgID != "" && slices.Contains(s.OrgIDs, orgID) }

// Directory is what the service needs to know about panels and people;
// *identity.Service satisfies it.
type Directory interface {
	Panel(ctx context.Context, id string) (identity.Panel, error)
	Organisation(ctx context.Context, id string) (identity.Organisation, error)
	Account(ctx context.Context, id string) (identity.Account, error)
	Memberships(ctx context.Context, accountID string) ([]identity.Membership, error)
}

// Cases is the moderation record the service opens cases in and acts
// through; *moderation.Service satisfies it.
type Cases interface {
	Open(ctx context.Context, in moderation.OpenInput) (moderation.Case, bool, error)
	CaseFor(ctx context.Context, contentType, contentID string) (moderation.Case, error)
	Act(ctx context.Context, in moderation.ActInput) (moderation.Case, error)
}

// Screeners gives the screener of a panel: the word lists of every
// language it works in and its coordinators' own words. Package
// moderation/wordlist implements it.
type Screeners interface {
	ScreenerFor(ctx context.Context, panelID string) (*screen.Screener, error)
}

// Presence returns the accounts connected to a topic now (in any order,
// repeats allowed). The server passes the real-time hub's view.
type Presence func(topic string) []string

// Service keeps live sessions. Create it with NewService and call Declare
// once.
type Service struct {
	Docs      store.Documents
	Directory Directory
	Cases     Cases
	// presence says who is connected; nil means nobody is (then every
	// session is paused: without live connections nobody supervises).
	presence Presence
	// screeners gives each panel's screener (rule 5); nil means the
	// built-in lists.
	screeners Screeners
	Now       func() time.Time

	locks [64]sync.Mutex // serialise reconciling one session within this process
}

// NewService returns a Service with the real clock. screeners screens
// what is posted (nil: the built-in lists); presence says who is connected
// (nil: nobody, so every session stays paused). Both are safeguarding
// rules' inputs, so they are fixed here rather than set later.
func NewService(docs store.Documents, dir Directory, cases Cases, screeners Screeners, presence Presence) *Service {
	return &Service{Docs: docs, Directory: dir, Cases: cases, screeners: screeners, presence: presence, Now: time.Now}
}

// Declare declares the collections.
func (s *Service) Declare(ctx context.Context) error {
	return store.DeclareAll(ctx, s.Docs, "livesession", Schemas)
}

func (s *Service) now() time.Time { return s.Now().UTC() }

func (s *Service) lock(id string) func() {
	h := fnv.New32a()
	h.Write([]byte(id))
	m := &s.locks[h.Sum32()%uint32(len(s.locks))]
	m.Lock()
	return m.Unlock
}

// event appends to the session's topic; a failure fails the change's
// caller so that no change goes unrecorded.
func (s *Service) event(ctx context.Context, actor, typ, sessionID string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fault.Wrap(fault.Internal, err, "event cannot be recorded")
	}
	_, err = s.Docs.AppendEvent(ctx, store.Event{Actor: actor, Type: typ, Subject: Topic(sessionID), Data: b})
	return err
}

func noSession() error { return fault.Errorf(fault.NotFound, "This live session does not exist.") }

// ScheduleInput is a session to schedule.
type ScheduleInput struct {
	PanelID  string
	Title    string
	StartsAt time.Time
	OrgIDs   []string // partner organisations to invite
}

// Schedule creates a session in a panel, taking the number of moderators
// it needs and the partner moderation mode from the panel's settings. The
// session starts paused: nobody is connected yet.
//
// Errors: fault.NotFound for an unknown panel; fault.Invalid for a missing
// or too long title, a missing or past start time, too many
// organisations, or one that is unknown or not an industry partner.
func (s *Service) Schedule(ctx context.Context, actor string, in ScheduleInput) (Session, error) {
	title := strings.TrimSpace(in.Title)
	if title == "" {
		return Session{}, fault.Errorf(fault.Invalid, "Please give the session a title.")
	}
	if err := checkLength("title", title, MaxTitle); err != nil {
		return Session{}, err
	}
	now := s.now()
	if in.StartsAt.IsZero() {
		return Session{}, fault.Errorf(fault.Invalid, "Please say when the session starts.")
	}
	if in.StartsAt.Before(now.Add(-time.Hour)) {
		return Session{}, fault.Errorf(fault.Invalid, "The start time is in the past. Please pick a time from now on.")
	}
	if len(in.OrgIDs) > MaxOrgs {
		return Session{}, fault.Errorf(fault.Invalid, "A session can invite at most %d organisations.", MaxOrgs)
	}
	panel, err := s.Directory.Panel(ctx, in.PanelID)
	if err != nil {
		return Session{}, err
	}
	orgs := []string{}
	for _, id := range in.OrgIDs {
		id = strings.TrimSpace(id)
		if slices.Contains(orgs, id) {
			continue
		}
		org, err := s.Directory.Organisation(ctx, id)
		// Only partners the panel's centre registered: nothing crosses to
		// another Safer Internet Centre.
		if fault.Is(err, fault.NotFound) || (err == nil && (org.Kind != identity.IndustryPartner || org.CentreID != panel.OrgID)) {
			return Session{}, fault.Errorf(fault.Invalid, "Only industry partner organisations can be invited to a session.")
		}
		if err != nil {
			return Session{}, err
		}
		orgs = append(orgs, org.ID)
	}
	start := in.StartsAt.UTC()
	sess := Session{ID: uuid.NewString(), PanelID: panel.ID, Title: title, StartsAt: start, StartsAtMs: start.UnixMilli(), OrgIDs: orgs,
		MinModerators: panel.Settings.ModeratorsNeeded(), PartnerPostModeration: panel.Settings.PartnerPostModeration,
		Paused: true, StateChangedAt: now, CreatedBy: actor, CreatedAt: now}
	// The session and its event: together or not at all.
	return sess, s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		if err := store.InsertAs(ctx, s.Docs, SessionsCollection, sess.ID, sess, time.Time{}); err != nil {
			return err
		}
		return s.event(ctx, actor, "session.scheduled", sess.ID, map[string]any{"session": sess})
	})
}

// Session returns the session with id (fault.NotFound if there is none).
func (s *Service) Session(ctx context.Context, id string) (Session, error) {
	d, err := store.GetAs[Session](ctx, s.Docs, SessionsCollection, id)
	if fault.Is(err, fault.NotFound) {
		return Session{}, noSession()
	}
	return d.Value, err
}

// Sessions lists the sessions of a panel by start time.
func (s *Service) Sessions(ctx context.Context, panelID string) ([]Session, error) {
	docs, err := store.FindAs[Session](ctx, s.Docs, SessionsCollection, store.Query{
		Where: []store.Cond{{Field: "panelId", Op: store.Eq, Value: panelID}}, OrderBy: "startsAtMs", Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return nil, err
	}
	out := make([]Session, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Value)
	}
	return out, nil
}

// checkLength refuses a text longer than max characters, saying which.
func checkLength(what, text string, max int) error {
	if !utf8.ValidString(text) {
		return fault.Errorf(fault.Invalid, "The %s has characters we cannot read. Please type it again.", what)
	}
	if n := utf8.RuneCountInString(text); n > max {
		return fault.Errorf(fault.Invalid, "The %s is too long: %d characters. Please keep it to %d characters or fewer.", what, n, max)
	}
	return nil
}
