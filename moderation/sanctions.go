package moderation

import (
	"cmp"
	"context"
	"slices"
	"time"

	"chorus/fault"
	"chorus/store"
)

// SanctionKind says what a sanction stops.
type SanctionKind string

// The sanctions.
const (
	Mute    SanctionKind = "mute"    // the person may read but not post in one group's space, for a while
	Suspend SanctionKind = "suspend" // the person may not take part in one panel, until an end or until lifted
)

// Mute lengths. A minute is the shortest pause that means anything; a
// month is the longest a mute may run before someone has to look again
// (a longer problem is a suspension, with its own review).
const (
	MinMute = time.Minute
	MaxMute = 30 * 24 * time.Hour
)

// Sanction is a mute or a suspension. Times are unix milliseconds.
type Sanction struct {
	ID        string       `json:"id"`
	Kind      SanctionKind `json:"kind"`
	AccountID string       `json:"accountId"`
	PanelID   string       `json:"panelId"`           // whose moderators imposed it (and whose audit trail records it)
	GroupID   string       `json:"groupId,omitempty"` // a mute: the group whose space it covers
	Reason    string       `json:"reason"`
	By        string       `json:"by"`
	StartsAt  int64        `json:"startsAt"`
	EndsAt    int64        `json:"endsAt,omitempty"` // 0: until lifted (suspensions only)

	LiftedAt   int64  `json:"liftedAt,omitempty"`
	LiftedBy   string `json:"liftedBy,omitempty"`
	LiftReason string `json:"liftReason,omitempty"`
}

// ActiveAt reports whether the sanction is in force at t: started, not
// ended, not lifted.
func (x Sanction) ActiveAt(t time.Time) bool {
	ms := t.UnixMilli()
	return x.StartsAt <= ms && (x.EndsAt == 0 || ms < x.EndsAt) && (x.LiftedAt == 0 || ms < x.LiftedAt)
}

// Until is when the sanction ends on its own; zero for "until lifted".
func (x Sanction) Until() time.Time {
	if x.EndsAt == 0 {
		return time.Time{}
	}
	return time.UnixMilli(x.EndsAt).UTC()
}

// MuteInput is a mute in one group's space.
type MuteInput struct {
	By        string // the moderator or coordinator (already authorised)
	AccountID string
	PanelID   string
	GroupID   string
	For       time.Duration // MinMute..MaxMute
	Reason    string
}

// Mute stops a person posting in one group's space for a while.
//
// Errors: fault.Invalid for a missing field, a length outside
// MinMute..MaxMute, a missing or too long reason, or muting oneself.
func (s *Service) Mute(ctx context.Context, in MuteInput) (Sanction, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Sanction, error) { return s.mute(ctx, in) })
}

func (s *Service) mute(ctx context.Context, in MuteInput) (Sanction, error) {
	if in.GroupID == "" {
		return Sanction{}, fault.Errorf(fault.Invalid, "Say in which group's space the person is muted.")
	}
	if in.For < MinMute || in.For > MaxMute {
		return Sanction{}, fault.Errorf(fault.Invalid, "A mute lasts between 1 minute and 30 days.")
	}
	now := s.now()
	return s.impose(ctx, Sanction{Kind: Mute, AccountID: in.AccountID, PanelID: in.PanelID, GroupID: in.GroupID,
		By: in.By, Reason: in.Reason, StartsAt: now.UnixMilli(), EndsAt: now.Add(in.For).UnixMilli()})
}

// SuspendInput is a suspension of an account.
type SuspendInput struct {
	By        string // the moderator or coordinator (already authorised)
	AccountID string
	PanelID   string
	Until     time.Time // zero: until lifted
	Reason    string
}

// Suspend stops a person using their account, until Until or until lifted.
//
// Errors: fault.Invalid for a missing field, an end less than a minute
// away, a missing or too long reason, or suspending oneself.
func (s *Service) Suspend(ctx context.Context, in SuspendInput) (Sanction, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Sanction, error) { return s.suspend(ctx, in) })
}

func (s *Service) suspend(ctx context.Context, in SuspendInput) (Sanction, error) {
	now := s.now()
	x := Sanction{Kind: Suspend, AccountID: in.AccountID, PanelID: in.PanelID, By: in.By, Reason: in.Reason, StartsAt: now.UnixMilli()}
	if !in.Until.IsZero() {
		if in.Until.Sub(now) < MinMute {
			return Sanction{}, fault.Errorf(fault.Invalid, "The end of a suspension must be at least a minute from now.")
		}
		x.EndsAt = in.Until.UnixMilli()
	}
	return s.impose(ctx, x)
}

func (s *Service) impose(ctx context.Context, x Sanction) (Sanction, error) {
	if x.AccountID == "" || x.PanelID == "" || x.By == "" {
		return Sanction{}, fault.Errorf(fault.Invalid, "Say who is sanctioned, by whom, and in which panel.")
	}
	if x.AccountID == x.By {
		if x.Kind == Mute {
			return Sanction{}, fault.Errorf(fault.Invalid, "You can't mute yourself.")
		}
		return Sanction{}, fault.Errorf(fault.Invalid, "You can't suspend yourself.")
	}
	reason, err := cleanReason(x.Reason)
	if err != nil {
		return Sanction{}, err
	}
	x.ID, x.Reason = newID(), reason
	if err := store.InsertAs(ctx, s.Docs, SanctionsCollection, x.ID, x, time.Time{}); err != nil {
		return Sanction{}, err
	}
	extra := map[string]any{"sanctionId": x.ID, "accountId": x.AccountID, "groupId": x.GroupID, "startsAt": x.StartsAt, "endsAt": x.EndsAt}
	_, err = s.record(ctx, auditForSanction(x, "moderation."+string(x.Kind), x.By, reason), extra)
	return x, err
}

// LiftInput ends a sanction early.
type LiftInput struct {
	By         string
	SanctionID string
	Reason     string
}

// Sanction returns the sanction with id (fault.NotFound if there is none).
func (s *Service) Sanction(ctx context.Context, id string) (Sanction, error) {
	d, err := store.GetAs[Sanction](ctx, s.Docs, SanctionsCollection, id)
	if fault.Is(err, fault.NotFound) {
		return Sanction{}, noSanction()
	}
	return d.Value, err
}

func noSanction() error { return fault.Errorf(fault.NotFound, "This sanction does not exist.") }

// Lift ends a sanction now.
//
// Errors: fault.Invalid for a missing or too long reason; fault.NotFound
// for an unknown sanction; fault.Conflict when it was already lifted or has
// ended on its own.
func (s *Service) Lift(ctx context.Context, in LiftInput) (Sanction, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Sanction, error) { return s.lift(ctx, in) })
}

func (s *Service) lift(ctx context.Context, in LiftInput) (Sanction, error) {
	reason, err := cleanReason(in.Reason)
	if err != nil {
		return Sanction{}, err
	}
	if in.By == "" {
		return Sanction{}, fault.Errorf(fault.Invalid, "Say who lifts it.")
	}
	var x Sanction
	for attempt := 0; ; attempt++ {
		if attempt == maxAttempts {
			return Sanction{}, busy()
		}
		d, err := store.GetAs[Sanction](ctx, s.Docs, SanctionsCollection, in.SanctionID)
		if fault.Is(err, fault.NotFound) {
			return Sanction{}, noSanction()
		}
		if err != nil {
			return Sanction{}, err
		}
		x = d.Value
		now := s.now()
		switch {
		case x.LiftedAt != 0:
			return Sanction{}, fault.Errorf(fault.Conflict, "This was already lifted.")
		case !x.ActiveAt(now):
			return Sanction{}, fault.Errorf(fault.Conflict, "This has already ended.")
		}
		x.LiftedAt, x.LiftedBy, x.LiftReason = now.UnixMilli(), in.By, reason
		if _, err := store.UpdateAs(ctx, s.Docs, SanctionsCollection, x.ID, d.Version, x, time.Time{}); fault.Is(err, fault.Conflict) {
			continue
		} else if err != nil {
			return Sanction{}, err
		}
		break
	}
	_, err = s.record(ctx, auditForSanction(x, AuditLifted, in.By, reason), map[string]any{"sanctionId": x.ID, "kind": x.Kind})
	return x, err
}

// Muted reports whether accountID is muted in groupID's space at now, and
// until when (the latest end of the mutes in force).
func (s *Service) Muted(ctx context.Context, accountID, groupID string, now time.Time) (bool, time.Time, error) {
	if groupID == "" {
		return false, time.Time{}, fault.Errorf(fault.Invalid, "Say which group's space to check.")
	}
	xs, err := s.sanctions(ctx, accountID, Mute, groupID)
	if err != nil {
		return false, time.Time{}, err
	}
	active, until := inForce(xs, now)
	return active, until, nil
}

// Suspended reports whether accountID is suspended in panelID at now, and
// until when (zero: until lifted). A suspension holds within the scope of
// whoever gave it, the one panel it names: the person keeps their other
// panels (see SuspendedPanels).
func (s *Service) Suspended(ctx context.Context, accountID, panelID string, now time.Time) (bool, time.Time, error) {
	xs, err := s.sanctions(ctx, accountID, Suspend, "")
	if err != nil {
		return false, time.Time{}, err
	}
	xs = slices.DeleteFunc(xs, func(x Sanction) bool { return x.PanelID != panelID })
	active, until := inForce(xs, now)
	return active, until, nil
}

// SuspendedPanels returns the panels accountID is suspended in at now,
// each with the end of its suspension (zero: until lifted).
func (s *Service) SuspendedPanels(ctx context.Context, accountID string, now time.Time) (map[string]time.Time, error) {
	xs, err := s.sanctions(ctx, accountID, Suspend, "")
	if err != nil {
		return nil, err
	}
	byPanel := map[string][]Sanction{}
	for _, x := range xs {
		byPanel[x.PanelID] = append(byPanel[x.PanelID], x)
	}
	out := map[string]time.Time{}
	for panel, list := range byPanel {
		if active, until := inForce(list, now); active {
			out[panel] = until
		}
	}
	return out, nil
}

// inForce is whether any of xs is active at now, and the latest end among
// those (zero when one of them runs until lifted).
func inForce(xs []Sanction, now time.Time) (bool, time.Time) {
	active, until := false, time.Time{}
	for _, x := range xs {
		if !x.ActiveAt(now) {
			continue
		}
		if x.EndsAt == 0 {
			return true, time.Time{}
		}
		active = true
		if u := x.Until(); u.After(until) {
			until = u
		}
	}
	return active, until
}

// Sanctions lists every sanction of an account, newest first, including
// ended and lifted ones.
func (s *Service) Sanctions(ctx context.Context, accountID string) ([]Sanction, error) {
	xs, err := s.sanctions(ctx, accountID, "", "")
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(xs, func(a, b Sanction) int { return cmp.Compare(b.StartsAt, a.StartsAt) })
	return xs, nil
}

func (s *Service) sanctions(ctx context.Context, accountID string, kind SanctionKind, groupID string) ([]Sanction, error) {
	if accountID == "" {
		return nil, fault.Errorf(fault.Invalid, "Say whose sanctions to look up.")
	}
	where := []store.Cond{{Field: "accountId", Op: store.Eq, Value: accountID}}
	if kind != "" {
		where = append(where, store.Cond{Field: "kind", Op: store.Eq, Value: string(kind)})
	}
	if groupID != "" {
		where = append(where, store.Cond{Field: "groupId", Op: store.Eq, Value: groupID})
	}
	docs, err := store.FindAs[Sanction](ctx, s.Docs, SanctionsCollection, store.Query{Where: where, Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return nil, err
	}
	out := make([]Sanction, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Value)
	}
	return out, nil
}

// MaxSanctionMinutes bounds a length given in minutes (ten years); a mute
// is further limited to MaxMute.
const MaxSanctionMinutes = 10 * 365 * 24 * 60

// SanctionInput is a sanction as a moderator or coordinator asks for it:
// mute (in one group) or suspend (the whole account), for a length in
// minutes or until a time (a suspension may have neither: until lifted).
type SanctionInput struct {
	Kind      SanctionKind
	By        string // already authorised
	AccountID string
	PanelID   string
	GroupID   string // mute: the group's space; suspend: none
	Minutes   int
	Until     time.Time
	Reason    string
}

// Impose checks a request and mutes or suspends.
//
// Errors: fault.Invalid for an unknown kind, a group with a suspension, a
// length out of range, a length and an end time together, or a mute
// without either; then those of Mute and Suspend.
func (s *Service) Impose(ctx context.Context, in SanctionInput) (Sanction, error) {
	switch {
	case in.Kind != Mute && in.Kind != Suspend:
		return Sanction{}, fault.Errorf(fault.Invalid, "Choose mute or suspend.")
	case in.Kind == Suspend && in.GroupID != "":
		return Sanction{}, fault.Errorf(fault.Invalid, "A suspension covers the whole account: leave out the group.")
	case in.Minutes < 0 || in.Minutes > MaxSanctionMinutes:
		return Sanction{}, fault.Errorf(fault.Invalid, "Give the length in minutes, between 1 and %d.", MaxSanctionMinutes)
	case in.Minutes > 0 && !in.Until.IsZero():
		return Sanction{}, fault.Errorf(fault.Invalid, "Give either a length in minutes or an end time, not both.")
	}
	length := time.Duration(in.Minutes) * time.Minute
	if in.Kind == Mute {
		if !in.Until.IsZero() {
			length = in.Until.Sub(s.now())
		}
		if length == 0 {
			return Sanction{}, fault.Errorf(fault.Invalid, "Say how long the mute lasts: a length in minutes or an end time.")
		}
		return s.Mute(ctx, MuteInput{By: in.By, AccountID: in.AccountID, PanelID: in.PanelID, GroupID: in.GroupID, For: length, Reason: in.Reason})
	}
	until := in.Until
	if length > 0 {
		until = s.now().Add(length)
	}
	return s.Suspend(ctx, SuspendInput{By: in.By, AccountID: in.AccountID, PanelID: in.PanelID, Until: until, Reason: in.Reason})
}
