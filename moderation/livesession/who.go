package livesession

import (
	"context"
	"slices"

	"chorus/identity"
	"chorus/moderation"
	"chorus/policy"
)

// Who someone is in a session, as the policy and the message filters need
// it, and the session messages' kind for the moderation workflow.

// OrgOf is the organisation s speaks for in sess: one of its partner
// memberships in the session's panel whose organisation the session
// invited; "" when none.
func OrgOf(s policy.Subject, sess Session) string {
	for _, m := range s.Memberships {
		if m.Role == identity.Partner && m.PanelID == sess.PanelID && sess.Invites(m.OrgID) {
			return m.OrgID
		}
	}
	return ""
}

// ResourceFor is what the policy needs to know about sess when s asks: its
// panel, and the asker's organisation when the session invited it.
func ResourceFor(s policy.Subject, sess Session) policy.Resource {
	return policy.Resource{Kind: policy.KindSession, PanelID: sess.PanelID, OrgID: OrgOf(s, sess)}
}

// RoleOf is the role s takes part in sess with: staff first, then a
// partner of an invited organisation, then youth; "" for none.
func RoleOf(s policy.Subject, sess Session) identity.Role {
	var roles []identity.Role
	for _, m := range s.Memberships {
		if m.PanelID == sess.PanelID {
			roles = append(roles, m.Role)
		}
	}
	for _, r := range []identity.Role{identity.Moderator, identity.Coordinator} {
		if slices.Contains(roles, r) {
			return r
		}
	}
	if OrgOf(s, sess) != "" {
		return identity.Partner
	}
	for _, r := range []identity.Role{identity.Ambassador, identity.Youth} {
		if slices.Contains(roles, r) {
			return r
		}
	}
	return ""
}

// ViewerOf is how s reads the messages of sess.
func ViewerOf(s policy.Subject, sess Session) Viewer {
	sup := policy.Decide(s, policy.SessionTranscript, ResourceFor(s, sess)).Allow
	return Viewer{AccountID: s.AccountID, Supervisor: sup, Partner: !sup && RoleOf(s, sess) == identity.Partner}
}

// Register registers session messages with the moderation workflow.
func (s *Service) Register(m *moderation.Service) {
	m.Register(moderation.SessionMessage, moderation.ContentKind{Resolve: s.resolve, Apply: s.apply, MayReport: s.mayReport, ByAuthor: s.MessagesBy})
}

func (s *Service) resolve(ctx context.Context, id string) (moderation.Content, error) {
	msg, err := s.MessageByID(ctx, id)
	if err != nil {
		return moderation.Content{}, err
	}
	c := moderation.Content{PanelID: msg.PanelID, OwnerID: msg.AuthorID, Text: msg.Text, Link: "/sessions/" + msg.SessionID,
		Approved: msg.ForPartners, Hidden: msg.Status != Visible}
	if sess, err := s.Session(ctx, msg.SessionID); err == nil {
		c.Context, c.Title = sess.Title, sess.Title
	}
	return c, nil
}

// apply: a withdrawal of consent takes a message out of view as a hide does.
func (s *Service) apply(ctx context.Context, id string, ch moderation.Change) error {
	o := string(ch.Outcome)
	if ch.Outcome == moderation.OutcomeWithdraw {
		o = OutcomeHide
	}
	_, err := s.Apply(ctx, ch.Actor, id, o)
	return err
}

// mayReport: whoever takes part in the session and can read the message
// may report it (what a partner may read is narrower, rule 2).
func (s *Service) mayReport(ctx context.Context, by policy.Subject, id string, _ moderation.Content) (bool, error) {
	msg, err := s.MessageByID(ctx, id)
	if err != nil {
		return false, err
	}
	sess, err := s.Session(ctx, msg.SessionID)
	if err != nil {
		return false, err
	}
	if !policy.Decide(by, policy.SessionView, ResourceFor(by, sess)).Allow {
		return false, nil
	}
	return ViewerOf(by, sess).Sees(msg), nil
}
