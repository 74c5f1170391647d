package pledge

import (
	"context"
	"fmt"
	"strings"

	"chorus/fault"
	"chorus/moderation"
	"chorus/moderation/screen"
	"chorus/policy"
)

// The kinds of pledge content moderation decides on (moderation's
// registry): comments and amendments that screening held or someone
// reported, and the version of a pledge about to be published to partners
// (rule 2). Moderation owns the workflow; this file says what each decision
// does to the pledge.

// MoveAction is the policy action of each move of the life cycle: who may
// make it.
func MoveAction(to State) policy.Action {
	return map[State]policy.Action{
		InReview:  policy.PledgeSubmitReview,
		Draft:     policy.PledgeRequestChanges,
		Published: policy.PledgePublish,
		InRound:   policy.PledgeOpenRound,
		Closed:    policy.PledgeClose,
	}[to]
}

// Holds puts content screening held before a moderator
// (moderation.Service.Hold implements it).
type Holds interface {
	Hold(ctx context.Context, in moderation.HoldInput) (moderation.Case, error)
}

// holdComment opens, or reopens after a rewrite, the case of a comment
// screening held.
func (s *Service) holdComment(ctx context.Context, c Comment) error {
	if !c.Held {
		return nil
	}
	ref := moderation.ContentRef{Type: moderation.PledgeComment, ID: c.ID, OwnerID: c.Author, Excerpt: c.Text}
	return s.hold(ctx, c.PledgeID, ref, c.Hits)
}

// holdAmendment is holdComment for an amendment.
func (s *Service) holdAmendment(ctx context.Context, a Amendment) error {
	if !a.Held {
		return nil
	}
	ref := moderation.ContentRef{Type: moderation.Amendment, ID: a.ID, OwnerID: a.Author, Excerpt: AmendmentText(a)}
	return s.hold(ctx, a.PledgeID, ref, a.Hits, a.ReasonHits)
}

func (s *Service) hold(ctx context.Context, pledgeID string, ref moderation.ContentRef, found ...[]screen.Hit) error {
	if s.holds == nil {
		return nil
	}
	p, err := s.Pledge(ctx, pledgeID)
	if err != nil {
		return err
	}
	var kinds []string
	for _, hs := range found {
		for _, h := range hs {
			kinds = append(kinds, string(h.Kind))
		}
	}
	_, err = s.holds.Hold(ctx, moderation.HoldInput{Content: ref, PanelID: p.PanelID, GroupID: p.GroupID, Hits: kinds})
	return err
}

// Register registers the pledge's kinds of content with the moderation
// workflow.
func (s *Service) Register(m *moderation.Service) {
	m.Register(moderation.PledgeComment, moderation.ContentKind{Resolve: s.resolveComment, Apply: s.applyComment, ByAuthor: s.CommentsBy})
	m.Register(moderation.Amendment, moderation.ContentKind{Resolve: s.resolveAmendment, Apply: s.applyAmendment, ByAuthor: s.AmendmentsBy})
	m.Register(moderation.PledgeVersion, moderation.ContentKind{Resolve: s.resolveVersion, Apply: s.applyVersion, Check: s.checkVersion, NoReports: true})
}

// shownAs is what this package calls a moderation outcome: a withdrawal of
// consent takes content out of view as a hide does.
func shownAs(o moderation.Outcome) string {
	if o == moderation.OutcomeWithdraw {
		return OutcomeHide
	}
	return string(o)
}

func (s *Service) resolveComment(ctx context.Context, id string) (moderation.Content, error) {
	cm, err := s.Comment(ctx, id)
	if err != nil {
		return moderation.Content{}, err
	}
	p, err := s.Pledge(ctx, cm.PledgeID)
	if err != nil {
		return moderation.Content{}, err
	}
	c := moderation.Content{PanelID: p.PanelID, GroupID: p.GroupID, OwnerID: cm.Author, Text: cm.Text, Link: "/pledges/" + p.ID, Title: p.Title,
		Language: p.Language, Hidden: cm.Held || cm.Hidden}
	if it, err := s.Item(ctx, p.ID, cm.ItemID); err == nil {
		c.Context = it.Text
	} else if !fault.Is(err, fault.NotFound) {
		return moderation.Content{}, err
	}
	return c, nil
}

func (s *Service) applyComment(ctx context.Context, id string, ch moderation.Change) error {
	_, err := s.ModerateComment(ctx, ch.Actor, id, shownAs(ch.Outcome))
	return err
}

// AmendmentText is what a moderator reads of an amendment: the proposed
// text, then the reason given.
func AmendmentText(am Amendment) string {
	if am.Reason == "" {
		return am.Text
	}
	return am.Text + "\n\n" + am.Reason
}

func (s *Service) resolveAmendment(ctx context.Context, id string) (moderation.Content, error) {
	am, err := s.Amendment(ctx, id)
	if err != nil {
		return moderation.Content{}, err
	}
	p, err := s.Pledge(ctx, am.PledgeID)
	if err != nil {
		return moderation.Content{}, err
	}
	return moderation.Content{PanelID: p.PanelID, GroupID: p.GroupID, OwnerID: am.Author, Text: AmendmentText(am), Context: am.BaseText,
		Link: "/pledges/" + p.ID, Title: p.Title, Language: p.Language, Hidden: am.Held || am.Hidden}, nil
}

func (s *Service) applyAmendment(ctx context.Context, id string, ch moderation.Change) error {
	_, err := s.ModerateAmendment(ctx, ch.Actor, id, shownAs(ch.Outcome))
	return err
}

// VersionText is what a moderator reads of a pledge version.
func VersionText(v Version) string {
	var b strings.Builder
	b.WriteString(v.Title)
	for i, it := range v.Items {
		fmt.Fprintf(&b, "\n\n%d. %s\n%s", i+1, it.Heading, it.Text)
		if it.Summary != "" {
			b.WriteString("\n" + it.Summary)
		}
	}
	return b.String()
}

func (s *Service) resolveVersion(ctx context.Context, ref string) (moderation.Content, error) {
	pledgeID, n, ok := ParseVersionRef(ref)
	if !ok {
		return moderation.Content{}, noPledge()
	}
	p, err := s.Pledge(ctx, pledgeID)
	if err != nil {
		return moderation.Content{}, err
	}
	v, err := s.Version(ctx, p.ID, n)
	if fault.Is(err, fault.NotFound) { // sent back to draft: the draft as it is now
		v, err = s.Current(ctx, p)
	}
	if err != nil {
		return moderation.Content{}, err
	}
	published := v.Status == string(Published)
	return moderation.Content{PanelID: p.PanelID, GroupID: p.GroupID, Text: VersionText(v), Link: "/pledges/" + p.ID, Title: p.Title, Language: p.Language,
		Approved: published, Hidden: !published}, nil
}

// publicationMove is what an outcome on a publication case does to the
// pledge: approve publishes, request_changes and hide send it back to
// draft; restore (of a hidden case) leaves it as it is.
func publicationMove(o moderation.Outcome) (State, bool) {
	switch o {
	case moderation.OutcomeApprove:
		return Published, true
	case moderation.OutcomeRequestChanges, moderation.OutcomeHide:
		return Draft, true
	}
	return "", false
}

// inReview loads the pledge of a version reference when that version is
// the one in review; ok is false when the pledge moved on since.
func (s *Service) inReview(ctx context.Context, ref string) (p Pledge, ok bool, err error) {
	pledgeID, n, valid := ParseVersionRef(ref)
	if !valid {
		return Pledge{}, false, noPledge()
	}
	if p, err = s.Pledge(ctx, pledgeID); err != nil {
		return Pledge{}, false, err
	}
	return p, p.State == InReview && p.Review == n, nil
}

// checkVersion refuses an outcome the pledge is not ready for: it is no
// longer in review at this version, the policy does not let by make the
// move, or (to publish) screening finds something in its items.
func (s *Service) checkVersion(ctx context.Context, ref string, by policy.Subject, o moderation.Outcome) error {
	to, moves := publicationMove(o)
	if !moves {
		return nil
	}
	p, ok, err := s.inReview(ctx, ref)
	if fault.Is(err, fault.NotFound) {
		return nil // the decision is recorded; there is nothing to move
	}
	if err != nil {
		return err
	}
	if !ok {
		return fault.Errorf(fault.Conflict, "This pledge is not waiting for a moderator any more. Please reload it.")
	}
	r := policy.Resource{Kind: policy.KindPledge, PanelID: p.PanelID, GroupID: p.GroupID, Approved: p.Approved()}
	if err := policy.Check(by, MoveAction(to), r); err != nil {
		return err
	}
	if to != Published {
		return nil
	}
	v, err := s.Version(ctx, p.ID, p.Review)
	if err != nil {
		return err
	}
	return s.CheckScreened(ctx, p.PanelID, v)
}

func (s *Service) applyVersion(ctx context.Context, ref string, ch moderation.Change) error {
	to, moves := publicationMove(ch.Outcome)
	if !moves {
		return nil
	}
	p, ok, err := s.inReview(ctx, ref)
	if err != nil || !ok {
		return err
	}
	if to == Draft {
		_, err = s.SendBack(ctx, ch.Actor, p.ID, ch.Message) // the group sees what to change
	} else {
		_, err = s.Move(ctx, ch.Actor, p.ID, to)
	}
	return err
}

func noPledge() error { return fault.Errorf(fault.NotFound, "This pledge does not exist.") }

// Publication is where a pledge's life cycle meets moderation (rule 2):
// sending a pledge for review opens the publication case of the version in
// review; a moderator's publish or send-back of a pledge in review is a
// decision on that case, the same one the queue makes, so the case and the
// pledge always agree. Without Cases the life cycle runs unmoderated.
type Publication struct {
	Pledges *Service
	Cases   *moderation.Service
}

// Move moves pledge p to `to` for by, whom the caller authorised for the
// move (MoveAction). reason and message are optional: a decision on the
// case gets a default reason, and a send-back a default message.
func (pub Publication) Move(ctx context.Context, by policy.Subject, p Pledge, to State, reason, message string) (Pledge, error) {
	if pub.Cases == nil {
		return pub.Pledges.Move(ctx, by.AccountID, p.ID, to)
	}
	if p.State == InReview && (to == Published || to == Draft) {
		if err := pub.review(ctx, by, p, to, reason, message); err != nil {
			return Pledge{}, err
		}
		return pub.Pledges.Pledge(ctx, p.ID)
	}
	moved, err := pub.Pledges.Move(ctx, by.AccountID, p.ID, to)
	if err == nil && to == InReview {
		_, err = pub.open(ctx, by.AccountID, moved)
	}
	return moved, err
}

// open opens the publication case of the version of p in review or, when
// the group changed it after a moderator asked them to, puts its case back
// in the queue.
func (pub Publication) open(ctx context.Context, actor string, p Pledge) (moderation.Case, error) {
	v, err := pub.Pledges.Version(ctx, p.ID, p.Review)
	if err != nil {
		return moderation.Case{}, err
	}
	cs, _, err := pub.Cases.Open(ctx, moderation.OpenInput{Kind: moderation.KindPublication,
		Content: moderation.ContentRef{Type: moderation.PledgeVersion, ID: v.ID, Excerpt: VersionText(v)},
		PanelID: p.PanelID, GroupID: p.GroupID, Actor: actor})
	return cs, err
}

// MsgDefaultChanges is the message of a send-back that gave none.
const MsgDefaultChanges = "Please change the pledge, then ask for a review again."

// review publishes p (in review) or sends it back to draft, as a decision
// on its publication case.
func (pub Publication) review(ctx context.Context, by policy.Subject, p Pledge, to State, reason, message string) error {
	cs, err := pub.Cases.CaseFor(ctx, moderation.PledgeVersion, VersionRef(p.ID, p.Review))
	if fault.Is(err, fault.NotFound) { // sent for review before publication had cases
		cs, err = pub.open(ctx, by.AccountID, p)
	}
	if err != nil {
		return err
	}
	action, byDefault := moderation.Approve, "published"
	if to == Draft {
		action, byDefault = moderation.RequestChanges, "changes requested"
		if strings.TrimSpace(message) == "" {
			message = MsgDefaultChanges
		}
	}
	if reason == "" {
		reason = byDefault
	}
	_, err = pub.Cases.Decide(ctx, moderation.DecideInput{CaseID: cs.ID, By: by, Action: action, Reason: reason, Message: message})
	return err
}
