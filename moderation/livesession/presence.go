package livesession

import (
	"context"
	"slices"
	"time"

	"chorus/fault"
	"chorus/identity"
	"chorus/store"
)

// Why a session pauses, in the session.paused event.
const ReasonModeratorsMissing = "not_enough_moderators"

// MsgPaused is what someone trying to post in a paused session is told.
const MsgPaused = "The session is paused: a moderator has to be here. It starts again when they are back."

// Paused is the error of a post refused because the session is paused
// (fault.Conflict: the session's state, not the person, is in the way).
func Paused() error { return fault.Errorf(fault.Conflict, "%s", MsgPaused) }

// State is a session's supervision right now.
type State struct {
	Paused  bool `json:"paused"`
	Present int  `json:"present"` // moderators of the panel connected
	Needed  int  `json:"needed"`
}

// StateOf is the state a session is in with present moderators connected.
func StateOf(sess Session, present int) State {
	return State{Paused: present < sess.MinModerators, Present: present, Needed: sess.MinModerators}
}

// Reconcile sets the session's state from the number of its panel's
// moderators connected now: paused below MinModerators, live otherwise.
// Only when the state flips does it store it and append "session.paused"
// ({reason, present, needed}) or "session.resumed" ({present, needed}) on
// the session's topic, so calling it again with the same count changes
// nothing. It reports whether the state flipped.
//
// Errors: fault.NotFound for an unknown session; fault.Invalid for a
// negative count.
func (s *Service) Reconcile(ctx context.Context, sessionID string, presentModerators int) (Session, bool, error) {
	if presentModerators < 0 {
		return Session{}, false, fault.Errorf(fault.Invalid, "A number of moderators cannot be negative.")
	}
	// The state and its event: together or not at all, so a client never
	// misses a pause that took effect.
	var (
		sess    Session
		flipped bool
	)
	err := s.Docs.InTransaction(ctx, func(ctx context.Context) (err error) {
		sess, flipped, err = s.reconcile(ctx, sessionID, presentModerators)
		return err
	})
	if err != nil {
		return Session{}, false, err
	}
	return sess, flipped, nil
}

func (s *Service) reconcile(ctx context.Context, sessionID string, presentModerators int) (Session, bool, error) {
	for range maxAttempts {
		d, err := store.GetAs[Session](ctx, s.Docs, SessionsCollection, sessionID)
		if fault.Is(err, fault.NotFound) {
			return Session{}, false, noSession()
		}
		if err != nil {
			return Session{}, false, err
		}
		sess := d.Value
		st := StateOf(sess, presentModerators)
		if st.Paused == sess.Paused {
			return sess, false, nil
		}
		sess.Paused, sess.Present, sess.StateChangedAt = st.Paused, st.Present, s.now()
		if _, err := store.UpdateAs(ctx, s.Docs, SessionsCollection, sess.ID, d.Version, sess, time.Time{}); fault.Is(err, fault.Conflict) {
			continue // another process flipped it at the same moment: decide again on what it left
		} else if err != nil {
			return Session{}, false, err
		}
		if st.Paused {
			err = s.event(ctx, "system", "session.paused", sess.ID, map[string]any{"reason": ReasonModeratorsMissing, "present": st.Present, "needed": st.Needed, "message": MsgPaused})
		} else {
			err = s.event(ctx, "system", "session.resumed", sess.ID, map[string]any{"present": st.Present, "needed": st.Needed})
		}
		return sess, true, err
	}
	return Session{}, false, fault.Errorf(fault.Conflict, "Several people are changing this session at the same moment. Please try again.")
}

// ModeratorsPresent counts the distinct accounts connected to the
// session's topic that are moderators of its panel (staff accounts, which
// carry no date of birth: a minor holding the role is a data error and
// does not count).
func (s *Service) ModeratorsPresent(ctx context.Context, sess Session) (int, error) {
	if s.presence == nil {
		return 0, nil
	}
	ids := slices.Clone(s.presence(Topic(sess.ID)))
	slices.Sort(ids)
	n := 0
	for _, id := range slices.Compact(ids) {
		ok, err := s.moderates(ctx, id, sess.PanelID)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

func (s *Service) moderates(ctx context.Context, accountID, panelID string) (bool, error) {
	ms, err := s.Directory.Memberships(ctx, accountID)
	if err != nil {
		return false, err
	}
	if !slices.ContainsFunc(ms, func(m identity.Membership) bool { return m.PanelID == panelID && m.Role == identity.Moderator }) {
		return false, nil
	}
	acc, err := s.Directory.Account(ctx, accountID)
	if fault.Is(err, fault.NotFound) {
		return false, nil // erased meanwhile
	}
	return err == nil && acc.BirthDate == "", err
}

// Refresh counts the moderators connected to a session now and reconciles
// its state with that count (see Reconcile). The server calls it whenever
// presence on the session's topic changes; within a process, refreshes of
// one session run one at a time, each counting afresh, so the last one
// leaves the state that matches who is connected.
func (s *Service) Refresh(ctx context.Context, sessionID string) (Session, State, error) {
	defer s.lock(sessionID)()
	sess, err := s.Session(ctx, sessionID)
	if err != nil {
		return Session{}, State{}, err
	}
	n, err := s.ModeratorsPresent(ctx, sess)
	if err != nil {
		return Session{}, State{}, err
	}
	sess, _, err = s.Reconcile(ctx, sessionID, n)
	if err != nil {
		return Session{}, State{}, err
	}
	return sess, StateOf(sess, n), nil
}
