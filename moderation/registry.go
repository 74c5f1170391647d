package moderation

import (
	"context"
	"sort"
	"sync"

	"chorus/policy"
)

// The moderated-content registry: each feature registers its kinds of
// content (a pledge comment, an amendment, a pledge version, a live-session
// message, and whatever comes next) with what moderation needs of them, and
// the Service runs the one workflow over all of them: hold, decide, and
// withdraw by author. The feature owns its content; moderation owns the
// workflow; neither needs HTTP.

// Outcome is what a decision means for the content itself.
type Outcome string

// The outcomes a kind carries out.
const (
	OutcomeApprove        Outcome = "approve"         // shown (published, let through)
	OutcomeRestore        Outcome = "restore"         // shown again as it was before a hide: never an approval
	OutcomeHide           Outcome = "hide"            // nobody but its author and the panel's supervisors sees it
	OutcomeRequestChanges Outcome = "request_changes" // back to its author (or group) with a message
	// OutcomeWithdraw: the author's consent no longer covers it, so it
	// leaves every audience but its author and the panel's supervisors.
	OutcomeWithdraw Outcome = "withdraw"
)

// OutcomeOf is what a moderator's action means for the content; escalating
// changes nothing about who sees it (ok is false).
func OutcomeOf(a Action) (Outcome, bool) {
	switch a {
	case Approve:
		return OutcomeApprove, true
	case Restore:
		return OutcomeRestore, true
	case Hide:
		return OutcomeHide, true
	case RequestChanges:
		return OutcomeRequestChanges, true
	}
	return "", false
}

// Content is what moderation needs to know about a piece of content,
// whatever package keeps it: where it lives (for the policy), who wrote it,
// its text, and where a moderator reads it in context.
type Content struct {
	PanelID  string
	GroupID  string
	OwnerID  string // the author; empty for what belongs to a group (a pledge version)
	Text     string
	Context  string // what the content is about, e.g. the pledge item a comment is on
	Link     string // where the app shows it, e.g. /pledges/<id>
	Title    string // what it belongs to, by name: the pledge's or the session's title
	Language string
	Approved bool // a moderator approved it for partners (rule 2)
	// Hidden says that only its author and the panel's supervisors see it
	// now (held by screening, waiting for changes, hidden or withdrawn).
	Hidden bool
}

// Resource is what the policy needs to know about the content.
func (c Content) Resource() policy.Resource {
	return policy.Resource{Kind: policy.KindContent, PanelID: c.PanelID, GroupID: c.GroupID, OwnerID: c.OwnerID, Approved: c.Approved}
}

// Change is a decision a kind carries out on one piece of content.
type Change struct {
	Actor   string
	Outcome Outcome
	Message string // request_changes: the moderator's words to the author or group
}

// ContentKind is one kind of moderated content, as its feature registers it.
type ContentKind struct {
	// Resolve finds the content; fault.NotFound when it does not exist.
	Resolve func(ctx context.Context, id string) (Content, error)
	// Apply carries a change out on the content, so that who sees it (and,
	// for a pledge, its life cycle) follows the case.
	Apply func(ctx context.Context, id string, ch Change) error
	// Check, when set, runs before a decision is recorded and may refuse
	// it: the content is not in a state the outcome fits, or the policy
	// does not let by make the move the outcome would make.
	Check func(ctx context.Context, id string, by policy.Subject, o Outcome) error
	// ByAuthor, when set, lists the content the account wrote, so that a
	// withdrawal of consent reaches all of it (WithdrawByAuthor).
	ByAuthor func(ctx context.Context, accountID string) ([]string, error)
	// NoReports: the content cannot be reported (a pledge version).
	NoReports bool
	// MayReport replaces the group-content rule for content that lives in
	// another kind of space, such as a live session.
	MayReport func(ctx context.Context, by policy.Subject, id string, c Content) (bool, error)
}

// Authors finds the author of content as the policy sees them now: their
// memberships and the consents in effect. fault.NotFound for an account
// that no longer exists.
type Authors func(ctx context.Context, accountID string) (policy.Subject, error)

// registry is the Service's kinds, by content type.
type registry struct {
	mu    sync.RWMutex
	kinds map[string]ContentKind
}

// Register adds the kind of content type (e.g. PledgeComment), replacing
// any earlier one. Features register their kinds when the process is wired.
func (s *Service) Register(contentType string, k ContentKind) {
	s.reg.mu.Lock()
	defer s.reg.mu.Unlock()
	if s.reg.kinds == nil {
		s.reg.kinds = map[string]ContentKind{}
	}
	s.reg.kinds[contentType] = k
}

// Kind returns the registered kind of contentType; ok is false for none.
func (s *Service) Kind(contentType string) (ContentKind, bool) {
	s.reg.mu.RLock()
	defer s.reg.mu.RUnlock()
	k, ok := s.reg.kinds[contentType]
	return k, ok
}

// ContentTypes lists the registered content types, sorted.
func (s *Service) ContentTypes() []string {
	s.reg.mu.RLock()
	defer s.reg.mu.RUnlock()
	out := make([]string, 0, len(s.reg.kinds))
	for t := range s.reg.kinds {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
