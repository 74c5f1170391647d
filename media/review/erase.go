package review

import (
	"context"

	"chorus/fault"
	"chorus/media/video"
)

// Erased is what EraseAppearer removed.
type Erased struct {
	// Versions are the ids of the cuts deleted (each is also the id of the
	// upload it came from).
	Versions []string
	Tags     int // their tags removed
	Comments int // their comments elsewhere that lost their words
}

// EraseAppearer is videos' part of erasing accountID's account (GDPR
// Art. 17; the README's retention table). A tag says they appear in a
// video, so every cut of every video they are tagged in (confirmed or
// waiting) is deleted: the footage and what processing made of it, its
// captions, and what hangs on the cut (approvals, its share request, its
// comments), after its shares end, so no audience keeps it a moment
// longer. Their tag goes; the video itself (title, script) stays for the
// group to upload a cut without them. Their comments on other cuts keep
// their place in the thread without their words. forget, unless nil, is
// called with each cut's id (the id of the upload it came from) before
// the cut goes, for the upload's record to go too. Every step can run
// again on what it already removed, so a cut-short erasure is finished by
// running it again.
func (s *Service) EraseAppearer(ctx context.Context, accountID, actor string, forget func(ctx context.Context, uploadID string) error) (Erased, error) {
	var out Erased
	tags, err := find[Tag](ctx, s, colTags, "accountId", accountID, "")
	if err != nil {
		return out, err
	}
	for _, t := range tags {
		versions, err := s.videos.Versions(ctx, t.VideoID)
		if err != nil {
			return out, err
		}
		for _, ver := range versions {
			if forget != nil {
				if err := forget(ctx, ver.ID); err != nil {
					return out, err
				}
			}
			if err := s.deleteVersion(ctx, actor, ver); err != nil {
				return out, err
			}
			out.Versions = append(out.Versions, ver.ID)
		}
		if err := s.docs.Delete(ctx, colTags, t.ID); err != nil && !fault.Is(err, fault.NotFound) {
			return out, err
		}
		if err := s.event(ctx, actor, "video.untagged", videoTopic(t.VideoID), map[string]any{"accountId": accountID, "erased": true}); err != nil {
			return out, err
		}
		out.Tags++
	}
	comments, err := find[Comment](ctx, s, colComments, "author", accountID, "")
	if err != nil {
		return out, err
	}
	for _, c := range comments {
		if c.Erased {
			continue
		}
		_, err := update(ctx, s, colComments, c.ID, func(c *Comment) error {
			c.Text, c.Hits, c.Erased = "", nil, true
			return nil
		})
		if err != nil && !fault.Is(err, fault.NotFound) {
			return out, err
		}
		out.Comments++
	}
	return out, nil
}

// deleteVersion ends every share of ver, removes what hangs on it, then
// the cut itself (package video).
func (s *Service) deleteVersion(ctx context.Context, actor string, ver video.Version) error {
	shares, err := find[Share](ctx, s, colShares, "versionId", ver.ID, "")
	if err != nil {
		return err
	}
	for _, sh := range shares {
		if _, err := s.end(ctx, actor, sh.ID, Withdrawn, nil); err != nil {
			return err
		}
	}
	approvals, err := find[Approval](ctx, s, colApprovals, "versionId", ver.ID, "")
	if err != nil {
		return err
	}
	comments, err := find[Comment](ctx, s, colComments, "versionId", ver.ID, "")
	if err != nil {
		return err
	}
	// The moderators' cases about the cut (a share request) and its
	// comments (held by screening) close: there is nothing left to decide.
	if s.cases != nil {
		if err := s.cases.ContentGone(ctx, ContentVersion, ver.ID, actor); err != nil {
			return err
		}
		for _, c := range comments {
			if err := s.cases.ContentGone(ctx, ContentComment, c.ID, actor); err != nil {
				return err
			}
		}
	}
	gone := []struct{ col, id string }{{colRequests, ver.ID}}
	for _, a := range approvals {
		gone = append(gone, struct{ col, id string }{colApprovals, a.ID})
	}
	for _, c := range comments {
		gone = append(gone, struct{ col, id string }{colComments, c.ID})
	}
	err = s.docs.InTransaction(ctx, func(ctx context.Context) error {
		for _, g := range gone {
			if err := s.docs.Delete(ctx, g.col, g.id); err != nil && !fault.Is(err, fault.NotFound) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.videos.DeleteVersion(ctx, actor, ver)
}
