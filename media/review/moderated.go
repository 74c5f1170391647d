package review

import (
	"context"
	"strconv"

	"chorus/fault"
	"chorus/moderation"
	"chorus/policy"
)

// Video content in the moderation workflow (moderation's registry): a
// version asked to be shared outside its group, and comments screening
// held or someone reported. A version belongs to its group, not to a
// person: who appears in it is checked on every request and by the
// worker's sweep (MayReach), so a withdrawal reaches its shares there. A
// comment is its author's: a withdrawal of consent reaches it here
// (ByAuthor).

// Register registers the video kinds of content with the moderation
// workflow.
func (s *Service) Register(m *moderation.Service) {
	m.Register(ContentVersion, moderation.ContentKind{Resolve: s.resolveVersion, Apply: s.applyVersion, Check: s.checkVersion, NoReports: true})
	m.Register(ContentComment, moderation.ContentKind{Resolve: s.resolveComment, Apply: s.applyComment, ByAuthor: s.CommentsBy})
}

// shownAs is what this package calls a moderation outcome: a withdrawal of
// consent takes content out of view as a hide does.
func shownAs(o moderation.Outcome) string {
	if o == moderation.OutcomeWithdraw {
		return OutcomeHide
	}
	return string(o)
}

func (s *Service) resolveVersion(ctx context.Context, id string) (moderation.Content, error) {
	ver, err := s.videos.VersionByID(ctx, id)
	if err != nil {
		return moderation.Content{}, err
	}
	v, err := s.videos.Video(ctx, ver.VideoID)
	if err != nil {
		return moderation.Content{}, err
	}
	r, err := s.Request(ctx, ver.ID)
	if err != nil && !fault.Is(err, fault.NotFound) {
		return moderation.Content{}, err
	}
	approved := r.State == Approved
	return moderation.Content{PanelID: v.PanelID, GroupID: v.GroupID, Text: v.Title + " (" + strconv.Itoa(ver.Number) + ")",
		Link: "/videos/" + v.ID, Approved: approved, Hidden: !approved}, nil
}

func (s *Service) checkVersion(ctx context.Context, id string, _ policy.Subject, o moderation.Outcome) error {
	return s.CheckDecision(ctx, id, shownAs(o))
}

func (s *Service) applyVersion(ctx context.Context, id string, ch moderation.Change) error {
	return s.Decide(ctx, ch.Actor, id, shownAs(ch.Outcome))
}

func (s *Service) resolveComment(ctx context.Context, id string) (moderation.Content, error) {
	cm, err := s.Comment(ctx, id)
	if err != nil {
		return moderation.Content{}, err
	}
	lang, err := s.WorkingLanguage(ctx, cm.PanelID)
	if err != nil {
		return moderation.Content{}, err
	}
	return moderation.Content{PanelID: cm.PanelID, GroupID: cm.GroupID, OwnerID: cm.Author, Text: cm.Text, Link: "/videos/" + cm.VideoID,
		Language: lang, Hidden: cm.Held || cm.Hidden}, nil
}

func (s *Service) applyComment(ctx context.Context, id string, ch moderation.Change) error {
	_, err := s.ModerateComment(ctx, ch.Actor, id, shownAs(ch.Outcome))
	return err
}
