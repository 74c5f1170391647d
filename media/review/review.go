// Package review is what happens to a group video between its upload and
// its audience: who appears in it (tags, each agreed to by the person,
// rule 7), timecoded comments on each version, the group's approvals, the
// moderators' decision (a moderation case), and sharing with the panel,
// partner organisations or an event link.
//
// Whether a version may reach an audience is decided by policy.Decide (who
// asks) and policy.VideoBlockers (who appears, with the consents they hold
// now). Both are asked on every request, and Sweep takes every share whose
// people no longer allow it out of its audience, so a withdrawn consent
// counts at once and is recorded and told within a minute.
package review

import (
	"context"
	"encoding/json"
	"time"

	"chorus/consent"
	"chorus/fault"
	"chorus/media/video"
	"chorus/moderation"
	"chorus/moderation/screen"
	"chorus/store"
)

// Person is someone who may appear in a video, as review needs them.
type Person struct {
	AccountID string
	FirstName string // what the group and moderators are told; never the full name
	Youth     bool   // has a consent ledger (a date of birth)
	Band      consent.AgeBand
	Consents  []consent.Scope // held now
}

// Org is a partner organisation a panel works with.
type Org struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Directory is what review needs to know about people and panels; the
// server implements it on identity and consent. Person returns
// fault.NotFound for an unknown or erased account.
type Directory interface {
	Person(ctx context.Context, accountID string) (Person, error)
	InGroup(ctx context.Context, accountID, groupID string) (bool, error)
	// WorkingLanguage is the panel's first language: captions in it are
	// needed before a video leaves its group.
	WorkingLanguage(ctx context.Context, panelID string) (string, error)
	// PartnerOrgs lists the partner organisations that have members in the panel.
	PartnerOrgs(ctx context.Context, panelID string) ([]Org, error)
}

// Cases is the moderation record review opens cases in, and closes them
// in when erasure deletes what they are about; *moderation.Service
// satisfies it.
type Cases interface {
	Open(ctx context.Context, in moderation.OpenInput) (moderation.Case, bool, error)
	Hold(ctx context.Context, in moderation.HoldInput) (moderation.Case, error)
	ContentGone(ctx context.Context, contentType, contentID, actor string) error
}

// Screeners gives the screener of a panel (rule 5); moderation/wordlist
// implements it.
type Screeners interface {
	ScreenerFor(ctx context.Context, panelID string) (*screen.Screener, error)
}

// Content types of the moderation cases review opens.
const (
	ContentVersion = "video_version" // a version asked to be shared outside its group
	ContentComment = "video_comment" // a comment screening held
)

// Collections.
const (
	colTags      = "video_tags"
	colComments  = "video_comments"
	colApprovals = "video_approvals"
	colRequests  = "video_share_requests"
	colShares    = "video_shares"
)

// Schemas are the collections of this package.
var Schemas = []store.Schema{
	{Collection: colTags, Indexes: []store.Index{{Field: "videoId"}, {Field: "accountId"}}},
	{Collection: colComments, Indexes: []store.Index{{Field: "versionId"}, {Field: "atMs"}, {Field: "author"}}},
	{Collection: colApprovals, Indexes: []store.Index{{Field: "versionId"}}},
	{Collection: colRequests, Indexes: []store.Index{{Field: "videoId"}}},
	{Collection: colShares, Indexes: []store.Index{{Field: "versionId"}, {Field: "videoId"}, {Field: "state"}, {Field: "tokenHash", Unique: true}}},
}

// Service keeps tags, comments, approvals and shares.
type Service struct {
	docs   store.Documents
	videos *video.Service
	dir    Directory
	cases  Cases
	// screeners screens comments (rule 5); nil means the built-in lists
	// only.
	screeners Screeners
	// Now is the clock; NewService sets time.Now.
	Now func() time.Time
}

// NewService returns the review service. screeners screens comments
// (nil: the built-in lists only); a safeguarding rule's input, so it is
// fixed here rather than set later.
func NewService(docs store.Documents, videos *video.Service, dir Directory, cases Cases, screeners Screeners) *Service {
	return &Service{docs: docs, videos: videos, dir: dir, cases: cases, screeners: screeners, Now: time.Now}
}

// Declare creates the package's collections.
func (s *Service) Declare(ctx context.Context) error {
	return store.DeclareAll(ctx, s.docs, "review", Schemas)
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// event appends an event about a video (its audit trail and live feed);
// subject defaults to the video's topic.
func (s *Service) event(ctx context.Context, actor, typ, subject string, data map[string]any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fault.Wrap(fault.Internal, err, "review: event cannot be stored")
	}
	_, err = s.docs.AppendEvent(ctx, store.Event{Actor: actor, Type: typ, Subject: subject, Data: b})
	return err
}

func videoTopic(id string) string { return "video:" + id }

// find lists the values of collection where field equals value.
func find[T any](ctx context.Context, s *Service, col, field string, value any, orderBy string) ([]T, error) {
	docs, err := store.FindAs[T](ctx, s.docs, col, store.Query{
		Where: []store.Cond{{Field: field, Op: store.Eq, Value: value}}, OrderBy: orderBy, Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Value)
	}
	return out, nil
}

// update changes the record id of col with change, compare and set, retried.
func update[T any](ctx context.Context, s *Service, col, id string, change func(*T) error) (T, error) {
	var zero T
	for attempt := 0; attempt < 20; attempt++ {
		d, err := store.GetAs[T](ctx, s.docs, col, id)
		if err != nil {
			return zero, err
		}
		v := d.Value
		if err := change(&v); err != nil {
			return zero, err
		}
		if _, err = store.UpdateAs(ctx, s.docs, col, id, d.Version, v, time.Time{}); !fault.Is(err, fault.Conflict) {
			return v, err
		}
	}
	return zero, fault.Errorf(fault.Conflict, "Many people changed this at once. Try again.")
}

const maxListed = 2000

// WorkingLanguage is the panel's working language (see Directory).
func (s *Service) WorkingLanguage(ctx context.Context, panelID string) (string, error) {
	return s.dir.WorkingLanguage(ctx, panelID)
}

// PartnerOrgs lists the partner organisations of a panel (see Directory).
func (s *Service) PartnerOrgs(ctx context.Context, panelID string) ([]Org, error) {
	return s.dir.PartnerOrgs(ctx, panelID)
}
