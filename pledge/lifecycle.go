package pledge

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"chorus/fault"
	"chorus/store"
)

// Version is a frozen copy of a pledge: the one a moderator reviews and,
// once approved, the one partners see. A published version never changes.
type Version struct {
	ID          string        `json:"id"`
	PledgeID    string        `json:"pledgeId"`
	Number      int           `json:"number"`
	Title       string        `json:"title"`
	Language    string        `json:"language"`
	Items       []VersionItem `json:"items"`
	Status      string        `json:"status"` // in_review or published
	SubmittedBy string        `json:"submittedBy"`
	SubmittedAt time.Time     `json:"submittedAt"`
	PublishedBy string        `json:"publishedBy,omitempty"`
	PublishedAt *time.Time    `json:"publishedAt,omitempty"`
}

// VersionItem is an item as frozen in a version.
type VersionItem struct {
	ID          string `json:"id"`
	Heading     string `json:"heading"`
	Text        string `json:"text"`
	Summary     string `json:"summary"`
	ItemVersion int64  `json:"itemVersion"`
}

func versionID(pledgeID string, n int) string { return fmt.Sprintf("%s:v%04d", pledgeID, n) }

// VersionRef is how moderation names version n of a pledge (Version.ID).
func VersionRef(pledgeID string, n int) string { return versionID(pledgeID, n) }

// ParseVersionRef reads a VersionRef back; ok is false when ref is none.
func ParseVersionRef(ref string) (pledgeID string, n int, ok bool) {
	i := strings.LastIndex(ref, ":v")
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(ref[i+2:])
	if err != nil || n < 1 || versionID(ref[:i], n) != ref {
		return "", 0, false
	}
	return ref[:i], n, true
}

// Transition is a move in the life cycle.
type Transition struct {
	From, To State
}

// Transitions lists the allowed moves. Who may make each is the policy's
// business (see TransitionAction in package policy's callers).
var Transitions = []Transition{
	{Draft, InReview},     // an ambassador or a moderator asks for review
	{Published, InReview}, // the next version is ready for review
	{InReview, Draft},     // a moderator asks for changes
	{InReview, Published}, // a moderator approves (safeguarding rule 2)
	{Published, InRound},  // a coordinator opens a feedback round
	{Published, Closed},   // a coordinator closes the pledge
	{InRound, Closed},
}

// Allowed reports whether a pledge in from may move to to.
func Allowed(from, to State) bool { return contains(Transitions, Transition{from, to}) }

// Move changes the state of a pledge. Going to review freezes the current
// items as the next version; publishing makes exactly that version visible
// to partners (edits made after the review started go to the version after).
// Neither happens while screening finds something in the items: that is a
// fault.Conflict naming them (CheckScreened).
func (s *Service) Move(ctx context.Context, actor, pledgeID string, to State) (Pledge, error) {
	return s.moveAtomically(ctx, actor, pledgeID, to, "")
}

// SendBack moves a pledge in review back to draft with a moderator's
// message to the group, which the pledge shows (and its event carries,
// live) until the group asks for a review again. An empty message sends it
// back without one.
func (s *Service) SendBack(ctx context.Context, actor, pledgeID, message string) (Pledge, error) {
	return s.moveAtomically(ctx, actor, pledgeID, Draft, strings.TrimSpace(message))
}

// moveAtomically is move inside one transaction.
func (s *Service) moveAtomically(ctx context.Context, actor, pledgeID string, to State, message string) (Pledge, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Pledge, error) { return s.move(ctx, actor, pledgeID, to, message) })
}

// move is Move, inside its transaction.
func (s *Service) move(ctx context.Context, actor, pledgeID string, to State, message string) (Pledge, error) {
	cur, err := s.Pledge(ctx, pledgeID)
	if err != nil {
		return Pledge{}, err
	}
	if !Allowed(cur.State, to) {
		return Pledge{}, fault.Errorf(fault.Invalid, "A pledge that is %s cannot become %s.", stateWords[cur.State], stateWords[to])
	}
	if cur.Kind == KindScript && to != Draft {
		return Pledge{}, fault.Errorf(fault.Invalid, "A video script stays with its group: it is not sent for review or published.")
	}
	now := s.now()
	var snapshot Version
	if to == Published {
		if err := s.checkReview(ctx, cur); err != nil {
			return Pledge{}, err
		}
	}
	if to == InReview {
		items, err := s.Items(ctx, cur)
		if err != nil {
			return Pledge{}, err
		}
		if len(items) == 0 {
			return Pledge{}, fault.Errorf(fault.Invalid, "Add at least one item before asking for a review.")
		}
		n := cur.LatestPublished() + 1
		snapshot = Version{ID: versionID(pledgeID, n), PledgeID: pledgeID, Number: n, Title: cur.Title, Language: cur.Language,
			Status: string(InReview), SubmittedBy: actor, SubmittedAt: now}
		for _, it := range items {
			snapshot.Items = append(snapshot.Items, VersionItem{ID: it.ID, Heading: it.Heading, Text: it.Text, Summary: it.Summary, ItemVersion: it.Version})
		}
		if err := s.CheckScreened(ctx, cur.PanelID, snapshot); err != nil {
			return Pledge{}, err
		}
		// A review asked for earlier and sent back leaves its copy: replace it.
		if err := s.Docs.Delete(ctx, colVersions, snapshot.ID); err != nil && !fault.Is(err, fault.NotFound) {
			return Pledge{}, err
		}
		if err := store.InsertAs(ctx, s.Docs, colVersions, snapshot.ID, snapshot, time.Time{}); err != nil {
			return Pledge{}, err
		}
	}
	p, err := s.updatePledge(ctx, pledgeID, func(p *Pledge) error {
		if p.State != cur.State {
			return fault.Errorf(fault.Conflict, "Someone else changed the state of this pledge just now. Please reload it.")
		}
		switch to {
		case InReview:
			p.Review = snapshot.Number
			p.ChangesRequested = nil
		case Draft:
			if message != "" {
				p.ChangesRequested = &ChangeRequest{Message: message, Version: p.Review, At: now}
			}
			p.Review = 0
		case Published:
			p.Published = append(p.Published, p.Review)
			p.Review = 0
		}
		p.State = to
		return nil
	})
	if err != nil {
		return Pledge{}, err
	}
	data := map[string]any{"from": cur.State, "to": to}
	switch to {
	case Published:
		n := p.LatestPublished()
		if err := s.markPublished(ctx, pledgeID, n, actor, now); err != nil {
			return Pledge{}, err
		}
		data["version"] = n
	case Draft:
		if err := s.Docs.Delete(ctx, colVersions, versionID(pledgeID, cur.Review)); err != nil && !fault.Is(err, fault.NotFound) {
			return Pledge{}, err
		}
		if message != "" {
			data["message"] = message
		}
	case InReview:
		data["version"] = snapshot.Number
	}
	return p, s.event(ctx, actor, "pledge.state_changed", pledgeID, data)
}

func (s *Service) markPublished(ctx context.Context, pledgeID string, n int, actor string, at time.Time) error {
	for range maxAttempts {
		d, err := store.GetAs[Version](ctx, s.Docs, colVersions, versionID(pledgeID, n))
		if err != nil {
			return err
		}
		v := d.Value
		v.Status, v.PublishedBy, v.PublishedAt = string(Published), actor, &at
		if _, err := store.UpdateAs(ctx, s.Docs, colVersions, v.ID, d.Version, v, time.Time{}); fault.Is(err, fault.Conflict) {
			continue
		} else if err != nil {
			return err
		}
		return nil
	}
	return busy()
}

var stateWords = map[State]string{Draft: "a draft", InReview: "in review", Published: "published", InRound: "in a feedback round", Closed: "closed"}

// Version returns version n of a pledge (in review or published).
func (s *Service) Version(ctx context.Context, pledgeID string, n int) (Version, error) {
	d, err := store.GetAs[Version](ctx, s.Docs, colVersions, versionID(pledgeID, n))
	if fault.Is(err, fault.NotFound) {
		return Version{}, fault.Errorf(fault.NotFound, "Version %d of this pledge does not exist.", n)
	}
	return d.Value, err
}

// Current returns the pledge as it is being drafted, as a Version (number 0:
// not frozen).
func (s *Service) Current(ctx context.Context, p Pledge) (Version, error) {
	items, err := s.Items(ctx, p)
	if err != nil {
		return Version{}, err
	}
	v := Version{PledgeID: p.ID, Title: p.Title, Language: p.Language, Status: string(p.State), Items: []VersionItem{}}
	for _, it := range items {
		v.Items = append(v.Items, VersionItem{ID: it.ID, Heading: it.Heading, Text: it.Text, Summary: it.Summary, ItemVersion: it.Version})
	}
	return v, nil
}
