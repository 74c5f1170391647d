// Package round is the feedback round: a coordinator asks invited partner
// organisations to answer every item of a published pledge version by a
// deadline; youth react to the answers and ask follow-up questions; when
// the round closes, the actions partners named become commitments that they
// report progress on and that youth rate, giving each partner a scorecard.
//
// Text crosses between partners and youth only through moderation
// (safeguarding rule 2): partner text is screened and, unless the panel
// post-moderates partners, approved by a moderator before youth see it;
// youth text is screened and approved before partners see it. The service
// opens the cases (port Cases) and carries out the decisions (Apply).
//
// The service decides nothing about who may do what: callers ask the policy
// first (round.* actions). It does enforce what may happen when: deadlines,
// limits, states, and which organisation sees what of its own answers.
// Events on the topic "round:<id>" carry only what every subscriber may see.
package round

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
	"chorus/moderation/livesession"
	"chorus/moderation/screen"
	"chorus/pledge"
	"chorus/store"
)

// Limits. The messages naming them are written for a 13-year-old where
// youth see them.
const (
	MaxOrgs        = 20   // partner organisations in one round (as many as a live session invites)
	MaxQuestion    = 500  // characters in a coordinator's question on an item
	MaxExplanation = 4000 // characters in an answer's explanation
	MaxActions     = 10   // actions in one answer
	MaxActionText  = 500  // characters in one action
	MaxEvidence    = 10   // evidence links in one answer or update
	MaxURL         = 500  // characters in one evidence link
	MaxRevisions   = 50   // submitted revisions of one answer
	MaxFollowUp    = 500  // characters in a youth's follow-up question
	MaxAsked       = 10   // follow-up questions one youth may ask about one answer
	MaxThreads     = 5000 // follow-up questions, and replies, in one round
	MaxReply       = 2000 // characters in a partner's reply
	MaxNote        = 2000 // characters in a commitment update's note
	MaxReason      = 500  // characters in a rating's reason
	MaxUpdates     = 100  // updates of one commitment
	MaxDueYears    = 5    // an action is due within this many years
	maxAttempts    = 50   // compare-and-set retries
	// maxListed bounds what one list reads: 20 organisations × 50 items ×
	// 10 actions is 10,000 commitments; reactions and ratings, one per
	// youth and answer or commitment, may be more.
	maxListed = 200_000
)

// ReminderLead is how long before an organisation's deadline the first
// reminder goes out; the second goes out at the deadline.
const ReminderLead = 3 * 24 * time.Hour

// State is where a round is.
type State string

// The states: open (partners answer) -> closed (commitments are tracked).
const (
	Open   State = "open"
	Closed State = "closed"
)

// Item is a pledge item as the round asks about it.
type Item struct {
	ID       string `json:"id"`
	Heading  string `json:"heading"`
	Text     string `json:"text"`
	Summary  string `json:"summary"`
	Question string `json:"question,omitempty"`
}

// Org is an invited partner organisation and its deadline.
type Org struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Deadline time.Time `json:"deadline"`
	Extended bool      `json:"extended,omitempty"`
	// Reminded are the reminders already sent for the current deadline
	// (ReminderBefore, ReminderAt); an extension starts them again.
	Reminded []string `json:"reminded,omitempty"`
}

// Review is a progress review: partners update each commitment by DueAt.
type Review struct {
	DueAt    time.Time           `json:"dueAt"`
	OpenedAt time.Time           `json:"openedAt"`
	OpenedBy string              `json:"openedBy"`
	Reminded map[string][]string `json:"reminded,omitempty"` // by organisation
}

// ScorecardState says whether a partner's scorecard was published.
type ScorecardState struct {
	Published   bool      `json:"published"`
	Public      bool      `json:"public"`
	PublishedAt time.Time `json:"publishedAt"`
	PublishedBy string    `json:"publishedBy"`
}

// SessionRef is a live session scheduled from a round, with its partners.
type SessionRef struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	StartsAt time.Time `json:"startsAt"`
}

// Round is a feedback round on one published version of a pledge.
type Round struct {
	ID       string `json:"id"`
	PanelID  string `json:"panelId"`
	CentreID string `json:"centreId,omitempty"`
	GroupID  string `json:"groupId"`
	PledgeID string `json:"pledgeId"`
	Version  int    `json:"version"`
	Title    string `json:"title"`
	Language string `json:"language"`
	Items    []Item `json:"items"`
	Orgs     []Org  `json:"orgs"`
	// Deadline is the round's own deadline: an answer after it is late,
	// even when an extension allowed it.
	Deadline time.Time `json:"deadline"`
	State    State     `json:"state"`
	// PostModeration: partner text reaches youth after screening alone
	// (the panel's setting when the round opened).
	PostModeration bool                      `json:"postModeration,omitempty"`
	Review         *Review                   `json:"review,omitempty"`
	Sessions       []SessionRef              `json:"sessions,omitempty"` // supervised live sessions scheduled from the round
	Scorecards     map[string]ScorecardState `json:"scorecards,omitempty"`
	CreatedBy      string                    `json:"createdBy"`
	CreatedAt      time.Time                 `json:"createdAt"`
	ClosedAt       *time.Time                `json:"closedAt,omitempty"`
	CreatedAtMs    int64                     `json:"createdAtMs"`
}

// Org returns the invited organisation orgID.
func (r Round) Org(orgID string) (Org, bool) {
	for _, o := range r.Orgs {
		if o.ID == orgID && orgID != "" {
			return o, true
		}
	}
	return Org{}, false
}

// Invites reports whether the round invited the organisation orgID.
func (r Round) Invites(orgID string) bool { _, ok := r.Org(orgID); return ok }

// Item returns the item itemID of the round.
func (r Round) Item(itemID string) (Item, bool) {
	for _, it := range r.Items {
		if it.ID == itemID {
			return it, true
		}
	}
	return Item{}, false
}

// Scorecard says how a partner's scorecard is published.
func (r Round) Scorecard(orgID string) ScorecardState { return r.Scorecards[orgID] }

// TopicPrefix starts the real-time topic of a round.
const TopicPrefix = "round:"

// Topic is the real-time topic (and event subject) of a round: its events
// carry only what everyone who may follow the round may see.
func Topic(roundID string) string { return TopicPrefix + roundID }

// orgSubject is the event subject of what only an organisation sees (its
// drafts, its submissions before approval): no topic serves it.
func orgSubject(roundID, orgID string) string { return "round_org:" + roundID + ":" + orgID }

// Collections.
const (
	colRounds      = "rounds"
	colAnswers     = "round_answers"
	colFollowUps   = "round_followups"
	colReplies     = "round_replies"
	colReactions   = "round_reactions"
	colCommitments = "round_commitments"
	colRatings     = "round_ratings"
)

// Schemas are the collections of this package.
var Schemas = []store.Schema{
	{Collection: colRounds, Indexes: []store.Index{{Field: "panelId"}, {Field: "state"}, {Field: "createdAtMs"}}},
	{Collection: colAnswers, Indexes: []store.Index{{Field: "roundId"}}},
	{Collection: colFollowUps, Indexes: []store.Index{{Field: "roundId"}, {Field: "atMs"}, {Field: "authorId"}}},
	{Collection: colReplies, Indexes: []store.Index{{Field: "roundId"}, {Field: "atMs"}}},
	{Collection: colReactions, Indexes: []store.Index{{Field: "roundId"}, {Field: "accountId"}}},
	{Collection: colCommitments, Indexes: []store.Index{{Field: "roundId"}, {Field: "orgId"}}},
	{Collection: colRatings, Indexes: []store.Index{{Field: "roundId"}, {Field: "accountId"}}},
}

// Pledges is what the service needs of pledge drafting; *pledge.Service
// satisfies it.
type Pledges interface {
	Pledge(ctx context.Context, id string) (pledge.Pledge, error)
	Version(ctx context.Context, pledgeID string, n int) (pledge.Version, error)
	Move(ctx context.Context, actor, pledgeID string, to pledge.State) (pledge.Pledge, error)
}

// Directory is what the service needs to know about panels, organisations
// and people; *identity.Service satisfies it.
type Directory interface {
	Panel(ctx context.Context, id string) (identity.Panel, error)
	Organisation(ctx context.Context, id string) (identity.Organisation, error)
	PanelMembers(ctx context.Context, panelID string) ([]identity.Member, error)
}

// Cases is the moderation record the service opens cases in;
// *moderation.Service satisfies it.
type Cases interface {
	Open(ctx context.Context, in moderation.OpenInput) (moderation.Case, bool, error)
}

// Screeners gives the screener of a panel (rule 5); package
// moderation/wordlist implements it.
type Screeners interface {
	ScreenerFor(ctx context.Context, panelID string) (*screen.Screener, error)
}

// Sessions schedules supervised live sessions; *livesession.Service
// satisfies it.
type Sessions interface {
	Schedule(ctx context.Context, actor string, in livesession.ScheduleInput) (livesession.Session, error)
}

// Service keeps feedback rounds. Create it with NewService and call
// Declare once.
type Service struct {
	Docs      store.Documents
	Pledges   Pledges
	Directory Directory
	Cases     Cases
	// screeners gives each panel's screener; nil means the built-in lists.
	screeners Screeners
	// sessions schedules the live sessions of rounds; nil: rounds cannot
	// schedule one.
	sessions Sessions
	Now      func() time.Time

	locks [64]sync.Mutex // serialise changes of one document within this process
}

// NewService returns a Service with the real clock, screening what is
// written with each panel's screener from screeners (nil: the built-in
// lists only) and scheduling the supervised live sessions of rounds with
// sessions (nil: rounds cannot schedule one). Both are safeguarding rules'
// inputs (rules 5 and 3), so they are fixed here rather than set later.
func NewService(docs store.Documents, pledges Pledges, dir Directory, cases Cases, screeners Screeners, sessions Sessions) *Service {
	return &Service{Docs: docs, Pledges: pledges, Directory: dir, Cases: cases, screeners: screeners, sessions: sessions, Now: time.Now}
}

// Declare declares the collections.
func (s *Service) Declare(ctx context.Context) error {
	return store.DeclareAll(ctx, s.Docs, "round", Schemas)
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// lock serialises changes of one document inside this process, so
// concurrent writers queue instead of spinning on compare-and-set
// conflicts. Inside a transaction it takes nothing: the transaction orders
// the writers, and a lock holder waiting for the write lock would wait
// forever (see store.WithinTransaction).
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

func (s *Service) event(ctx context.Context, actor, typ, subject string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fault.Wrap(fault.Internal, err, "event cannot be recorded")
	}
	_, err = s.Docs.AppendEvent(ctx, store.Event{Actor: actor, Type: typ, Subject: subject, Data: b})
	return err
}

func (s *Service) screener(ctx context.Context, panelID string) (*screen.Screener, error) {
	if s.screeners == nil {
		return screen.Builtin(), nil
	}
	return s.screeners.ScreenerFor(ctx, panelID)
}

func busy() error {
	return fault.Errorf(fault.Conflict, "Several people are changing this round at the same moment. Please try again.")
}

func noRound() error { return fault.Errorf(fault.NotFound, "This feedback round does not exist.") }

// checkLength refuses text longer than max characters, naming what.
func checkLength(what, s string, max int) error {
	if !utf8.ValidString(s) {
		return fault.Errorf(fault.Invalid, "The %s has characters we cannot read. Please type it again.", what)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fault.Errorf(fault.Invalid, "The %s is too long: %d characters. Please keep it to %d characters or fewer.", what, n, max)
	}
	return nil
}

// OpenInput is what a coordinator opens a round with.
type OpenInput struct {
	PledgeID  string
	Version   int // 0: the latest published version
	OrgIDs    []string
	Deadline  time.Time
	Questions map[string]string // by item id; optional
}

// Open opens a round on a published version of a pledge. The pledge moves
// to in_round when it was published (a pledge already in a round stays).
//
// Errors: fault.Invalid for no or too many organisations, an organisation
// that is not a partner of the panel's centre, a deadline not in the
// future, a question too long or about an item not in the version;
// fault.NotFound for a missing pledge or version; fault.Conflict for a
// pledge not published.
func (s *Service) Open(ctx context.Context, actor string, in OpenInput) (Round, error) {
	p, err := s.Pledges.Pledge(ctx, in.PledgeID)
	if err != nil {
		return Round{}, err
	}
	if !p.Approved() || (p.State != pledge.Published && p.State != pledge.InRound) {
		return Round{}, fault.Errorf(fault.Conflict, "A round can only be opened on a published pledge.")
	}
	n := in.Version
	if n == 0 {
		n = p.LatestPublished()
	}
	if !slices.Contains(p.Published, n) {
		return Round{}, fault.Errorf(fault.NotFound, "Version %d of this pledge was not published.", n)
	}
	v, err := s.Pledges.Version(ctx, p.ID, n)
	if err != nil {
		return Round{}, err
	}
	panel, err := s.Directory.Panel(ctx, p.PanelID)
	if err != nil {
		return Round{}, err
	}
	now := s.now()
	if !in.Deadline.After(now) {
		return Round{}, fault.Errorf(fault.Invalid, "The deadline must be in the future.")
	}
	if in.Deadline.After(now.AddDate(MaxDueYears, 0, 0)) {
		return Round{}, fault.Errorf(fault.Invalid, "The deadline must be within %d years.", MaxDueYears)
	}
	if len(in.OrgIDs) == 0 {
		return Round{}, fault.Errorf(fault.Invalid, "Invite at least one partner organisation.")
	}
	if len(in.OrgIDs) > MaxOrgs {
		return Round{}, fault.Errorf(fault.Invalid, "A round can invite at most %d organisations.", MaxOrgs)
	}
	r := Round{ID: uuid.NewString(), PanelID: p.PanelID, CentreID: panel.OrgID, GroupID: p.GroupID, PledgeID: p.ID, Version: n,
		Title: v.Title, Language: v.Language, Deadline: in.Deadline.UTC(), State: Open, PostModeration: panel.Settings.PartnerPostModeration,
		CreatedBy: actor, CreatedAt: now, CreatedAtMs: now.UnixMilli(), Scorecards: map[string]ScorecardState{}}
	for _, id := range in.OrgIDs {
		if r.Invites(id) {
			continue
		}
		org, err := s.Directory.Organisation(ctx, id)
		if err != nil || org.Kind != identity.IndustryPartner || (org.CentreID != "" && org.CentreID != panel.OrgID) {
			return Round{}, fault.Errorf(fault.Invalid, "Only partner organisations of this Safer Internet Centre can be invited.")
		}
		r.Orgs = append(r.Orgs, Org{ID: org.ID, Name: org.Name, Deadline: r.Deadline})
	}
	for id, q := range in.Questions {
		if !slices.ContainsFunc(v.Items, func(it pledge.VersionItem) bool { return it.ID == id }) {
			return Round{}, fault.Errorf(fault.Invalid, "A question is about an item that is not in this version of the pledge.")
		}
		if err := checkLength("question", strings.TrimSpace(q), MaxQuestion); err != nil {
			return Round{}, err
		}
	}
	for _, it := range v.Items {
		r.Items = append(r.Items, Item{ID: it.ID, Heading: it.Heading, Text: it.Text, Summary: it.Summary, Question: strings.TrimSpace(in.Questions[it.ID])})
	}
	// The pledge's move, the round and its event: together or not at all.
	return r, s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		if p.State == pledge.Published {
			if _, err := s.Pledges.Move(ctx, actor, p.ID, pledge.InRound); err != nil {
				return err
			}
		}
		if err := store.InsertAs(ctx, s.Docs, colRounds, r.ID, r, time.Time{}); err != nil {
			return err
		}
		return s.event(ctx, actor, "round.status_changed", Topic(r.ID), map[string]any{"state": r.State, "deadline": r.Deadline})
	})
}

// Round returns the round id.
func (s *Service) Round(ctx context.Context, id string) (Round, error) {
	d, err := store.GetAs[Round](ctx, s.Docs, colRounds, id)
	if fault.Is(err, fault.NotFound) {
		return Round{}, noRound()
	}
	return d.Value, err
}

// Rounds lists the rounds of a panel, newest first.
func (s *Service) Rounds(ctx context.Context, panelID string) ([]Round, error) {
	return s.find(ctx, []store.Cond{{Field: "panelId", Op: store.Eq, Value: panelID}})
}

// OpenRounds lists every open round (for reminders).
func (s *Service) OpenRounds(ctx context.Context) ([]Round, error) {
	return s.find(ctx, []store.Cond{{Field: "state", Op: store.Eq, Value: string(Open)}})
}

// ClosedRounds lists every closed round (for review reminders).
func (s *Service) ClosedRounds(ctx context.Context) ([]Round, error) {
	return s.find(ctx, []store.Cond{{Field: "state", Op: store.Eq, Value: string(Closed)}})
}

func (s *Service) find(ctx context.Context, where []store.Cond) ([]Round, error) {
	docs, err := store.FindAs[Round](ctx, s.Docs, colRounds, store.Query{Where: where, OrderBy: "createdAtMs", Desc: true, Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return nil, err
	}
	out := make([]Round, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Value)
	}
	return out, nil
}

// update reads a round, lets change modify it and stores it (compare and
// set, retried on conflict).
func (s *Service) update(ctx context.Context, id string, change func(*Round) error) (Round, error) {
	for range maxAttempts {
		d, err := store.GetAs[Round](ctx, s.Docs, colRounds, id)
		if fault.Is(err, fault.NotFound) {
			return Round{}, noRound()
		}
		if err != nil {
			return Round{}, err
		}
		r := d.Value
		if err := change(&r); err != nil {
			return Round{}, err
		}
		if _, err := store.UpdateAs(ctx, s.Docs, colRounds, id, d.Version, r, time.Time{}); fault.Is(err, fault.Conflict) {
			continue
		} else if err != nil {
			return Round{}, err
		}
		return r, nil
	}
	return Round{}, busy()
}

// Extend moves one organisation's deadline to a later time (reminders for
// it start again). Answers after the round's own deadline stay marked late.
//
// Errors: fault.Invalid for an organisation the round did not invite or a
// deadline not later than the current one; fault.Conflict for a closed round.
func (s *Service) Extend(ctx context.Context, actor, roundID, orgID string, deadline time.Time) (Round, error) {
	deadline = deadline.UTC()
	var r Round
	return r, s.Docs.InTransaction(ctx, func(ctx context.Context) (err error) {
		r, err = s.extend(ctx, actor, roundID, orgID, deadline)
		return err
	})
}

func (s *Service) extend(ctx context.Context, actor, roundID, orgID string, deadline time.Time) (Round, error) {
	r, err := s.update(ctx, roundID, func(r *Round) error {
		if r.State != Open {
			return fault.Errorf(fault.Conflict, "This round is closed.")
		}
		for i := range r.Orgs {
			if r.Orgs[i].ID != orgID {
				continue
			}
			if !deadline.After(r.Orgs[i].Deadline) || !deadline.After(s.now()) {
				return fault.Errorf(fault.Invalid, "The new deadline must be later than the current one and in the future.")
			}
			if deadline.After(r.CreatedAt.AddDate(MaxDueYears, 0, 0)) {
				return fault.Errorf(fault.Invalid, "The deadline must be within %d years.", MaxDueYears)
			}
			r.Orgs[i].Deadline, r.Orgs[i].Extended, r.Orgs[i].Reminded = deadline, true, nil
			return nil
		}
		return fault.Errorf(fault.Invalid, "This organisation is not invited to the round.")
	})
	if err != nil {
		return Round{}, err
	}
	return r, s.event(ctx, actor, "round.status_changed", Topic(r.ID), map[string]any{"state": r.State, "organisationId": orgID, "deadline": deadline})
}

// CanAnswer says whether orgID may still submit answers now.
func (r Round) CanAnswer(orgID string, now time.Time) bool {
	o, ok := r.Org(orgID)
	return ok && r.State == Open && !now.After(o.Deadline)
}

// ScheduleSession schedules a supervised live session (package
// livesession: moderators present, rule 3) with every partner organisation
// of the round, and links it from the round.
//
// Errors: those of livesession's Schedule (title, start, organisations);
// fault.Unavailable when live sessions are not available.
func (s *Service) ScheduleSession(ctx context.Context, actor, roundID, title string, startsAt time.Time) (Round, livesession.Session, error) {
	if s.sessions == nil {
		return Round{}, livesession.Session{}, fault.Errorf(fault.Unavailable, "Live sessions are not available on this server.")
	}
	r, err := s.Round(ctx, roundID)
	if err != nil {
		return Round{}, livesession.Session{}, err
	}
	orgs := make([]string, 0, len(r.Orgs))
	for _, o := range r.Orgs {
		orgs = append(orgs, o.ID)
	}
	var sess livesession.Session
	// The session and the round's link to it: together or not at all.
	err = s.Docs.InTransaction(ctx, func(ctx context.Context) (err error) {
		sess, err = s.sessions.Schedule(ctx, actor, livesession.ScheduleInput{PanelID: r.PanelID, Title: title, StartsAt: startsAt, OrgIDs: orgs})
		if err != nil {
			return err
		}
		r, err = s.update(ctx, roundID, func(r *Round) error {
			r.Sessions = append(r.Sessions, SessionRef{ID: sess.ID, Title: sess.Title, StartsAt: sess.StartsAt})
			return nil
		})
		if err != nil {
			return err
		}
		return s.event(ctx, actor, "round.status_changed", Topic(r.ID), map[string]any{"state": r.State, "session": sess.ID})
	})
	return r, sess, err
}
