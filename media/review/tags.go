package review

import (
	"context"
	"slices"
	"time"

	"chorus/fault"
	"chorus/media/video"
	"chorus/policy"
	"chorus/store"
)

// Tag says that a person appears in a video. A tag someone else added
// waits for the person to confirm it; nobody is counted as agreeing to be
// in a video until they tagged themself or confirmed (rule 7).
type Tag struct {
	ID          string    `json:"id"` // video id + ":" + account id
	VideoID     string    `json:"videoId"`
	AccountID   string    `json:"accountId"`
	TaggedBy    string    `json:"taggedBy"`
	Confirmed   bool      `json:"confirmed"`
	CreatedAt   time.Time `json:"createdAt"`
	ConfirmedAt time.Time `json:"confirmedAt,omitzero"`
}

func tagID(videoID, accountID string) string { return videoID + ":" + accountID }

// Tag tags accountID in v, as actor. Tagging oneself is agreeing; tagging
// someone else needs them to be a member of the video's group and waits
// for their confirmation. Tagging a person already tagged changes nothing,
// except that tagging oneself confirms a waiting tag.
func (s *Service) Tag(ctx context.Context, actor string, v video.Video, accountID string) (Tag, error) {
	return store.Atomically(ctx, s.docs, func(ctx context.Context) (Tag, error) { return s.tagTx(ctx, actor, v, accountID) })
}

// tagTx is Tag inside its transaction.
func (s *Service) tagTx(ctx context.Context, actor string, v video.Video, accountID string) (Tag, error) {
	if accountID == "" {
		accountID = actor
	}
	self := accountID == actor
	if !self {
		in, err := s.dir.InGroup(ctx, accountID, v.GroupID)
		if err != nil && !fault.Is(err, fault.NotFound) {
			return Tag{}, err
		}
		if !in {
			return Tag{}, fault.Errorf(fault.Invalid, "You can only tag members of this group.")
		}
	}
	if d, err := store.GetAs[Tag](ctx, s.docs, colTags, tagID(v.ID, accountID)); err == nil {
		if self && !d.Value.Confirmed {
			return s.Confirm(ctx, actor, v)
		}
		return d.Value, nil
	} else if !fault.Is(err, fault.NotFound) {
		return Tag{}, err
	}
	now := s.now()
	t := Tag{ID: tagID(v.ID, accountID), VideoID: v.ID, AccountID: accountID, TaggedBy: actor, Confirmed: self, CreatedAt: now}
	if self {
		t.ConfirmedAt = now
	}
	if err := store.InsertAs(ctx, s.docs, colTags, t.ID, t, time.Time{}); fault.Is(err, fault.Conflict) {
		return s.Tag(ctx, actor, v, accountID) // tagged at the same moment by someone else
	} else if err != nil {
		return Tag{}, err
	}
	return t, s.event(ctx, actor, "video.tagged", videoTopic(v.ID), map[string]any{"accountId": accountID, "confirmed": t.Confirmed})
}

// Confirm confirms actor's own waiting tag in v.
func (s *Service) Confirm(ctx context.Context, actor string, v video.Video) (Tag, error) {
	return store.Atomically(ctx, s.docs, func(ctx context.Context) (Tag, error) { return s.confirmTx(ctx, actor, v) })
}

// confirmTx is Confirm inside its transaction.
func (s *Service) confirmTx(ctx context.Context, actor string, v video.Video) (Tag, error) {
	t, err := update(ctx, s, colTags, tagID(v.ID, actor), func(t *Tag) error {
		if !t.Confirmed {
			t.Confirmed, t.ConfirmedAt = true, s.now()
		}
		return nil
	})
	if fault.Is(err, fault.NotFound) {
		return Tag{}, fault.Errorf(fault.NotFound, "Nobody has tagged you in this video.")
	}
	if err != nil {
		return Tag{}, err
	}
	return t, s.event(ctx, actor, "video.tag_confirmed", videoTopic(v.ID), map[string]any{"accountId": actor})
}

// Untag removes accountID's tag from v. Everyone may remove their own tag
// (refusing one, or saying they do not appear); a tag that waits may also
// be removed by who added it; a confirmed tag of someone else only by a
// moderator (moderator true), so nobody can take a person out of the list
// to get a video past their consent.
func (s *Service) Untag(ctx context.Context, actor string, moderator bool, v video.Video, accountID string) error {
	return s.docs.InTransaction(ctx, func(ctx context.Context) error { return s.untagTx(ctx, actor, moderator, v, accountID) })
}

// untagTx is Untag inside its transaction.
func (s *Service) untagTx(ctx context.Context, actor string, moderator bool, v video.Video, accountID string) error {
	d, err := store.GetAs[Tag](ctx, s.docs, colTags, tagID(v.ID, accountID))
	if fault.Is(err, fault.NotFound) {
		return fault.Errorf(fault.NotFound, "This person is not tagged in this video.")
	}
	if err != nil {
		return err
	}
	t := d.Value
	if accountID != actor && !moderator && (t.Confirmed || t.TaggedBy != actor) {
		return fault.Errorf(fault.Forbidden, "Only the person tagged, or a moderator, can remove this tag.")
	}
	if err := s.docs.Delete(ctx, colTags, t.ID); err != nil && !fault.Is(err, fault.NotFound) {
		return err
	}
	return s.event(ctx, actor, "video.untagged", videoTopic(v.ID), map[string]any{"accountId": accountID})
}

// Tags lists who is tagged in a video, oldest tag first.
func (s *Service) Tags(ctx context.Context, videoID string) ([]Tag, error) {
	out, err := find[Tag](ctx, s, colTags, "videoId", videoID, "")
	slices.SortFunc(out, func(a, b Tag) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, err
}

// Blocker is a policy.Blocker with the first name of the person it is
// about, for the group and the moderators.
type Blocker struct {
	policy.Blocker
	FirstName string `json:"firstName,omitempty"`
}

// Blockers lists what keeps video videoID from audience aud now (see
// policy.VideoBlockers). An erased account blocks as an unconfirmed tag.
func (s *Service) Blockers(ctx context.Context, videoID string, aud policy.Audience) ([]Blocker, error) {
	tags, err := s.Tags(ctx, videoID)
	if err != nil {
		return nil, err
	}
	people := make([]policy.Appearer, 0, len(tags))
	names := map[string]string{}
	for _, t := range tags {
		p, err := s.dir.Person(ctx, t.AccountID)
		if fault.Is(err, fault.NotFound) {
			people = append(people, policy.Appearer{AccountID: t.AccountID})
			continue
		}
		if err != nil {
			return nil, err
		}
		names[t.AccountID] = p.FirstName
		people = append(people, policy.Appearer{AccountID: t.AccountID, Confirmed: t.Confirmed, Youth: p.Youth, Band: p.Band, Consents: p.Consents})
	}
	var out []Blocker
	for _, b := range policy.VideoBlockers(aud, people) {
		out = append(out, Blocker{Blocker: b, FirstName: names[b.AccountID]})
	}
	return out, nil
}

// MayReach returns nil when video videoID may be shown to aud now, or a
// fault.Forbidden that names the first reason.
func (s *Service) MayReach(ctx context.Context, videoID string, aud policy.Audience) error {
	bs, err := s.Blockers(ctx, videoID, aud)
	if err != nil || len(bs) == 0 {
		return err
	}
	return BlockerError(bs[0])
}

// BlockerError is what a person asking to share is told about b.
func BlockerError(b Blocker) error {
	name := b.FirstName
	if name == "" {
		name = "Someone"
	}
	switch {
	case b.Reason == policy.ReasonNobodyTagged:
		return fault.Errorf(fault.Forbidden, "This video cannot leave the group yet: tag everyone who appears in it first.")
	case b.Reason == policy.ReasonTagNotConfirmed:
		return fault.Errorf(fault.Forbidden, "This video cannot leave the group yet: %s has not confirmed being in it.", name)
	case b.Scope == "video_appear":
		return fault.Errorf(fault.Forbidden, "This video cannot leave the group: %s does not have permission to appear in videos (video_appear).", name)
	case b.Scope == "video_publish":
		return fault.Errorf(fault.Forbidden, "This video cannot be shared outside the panel: %s does not have permission to share videos (video_publish). Anyone under 18 needs a guardian to agree.", name)
	}
	return fault.Errorf(fault.Forbidden, "This video cannot be shown there.")
}
