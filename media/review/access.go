package review

import (
	"context"
	"slices"

	"chorus/fault"
)

// Appearances is what videos hold about a person, for their export (GDPR
// Art. 15 and 20): the videos they are tagged in, confirmed or not, their
// comments, and the titles of those videos so the export reads without ids.
type Appearances struct {
	Tags     []Tag             `json:"tags"`
	Comments []Comment         `json:"comments"`
	Titles   map[string]string `json:"videoTitles"` // video id -> title
}

// Title is the title of video id, or the id when it is gone.
func (a Appearances) Title(id string) string {
	if t, ok := a.Titles[id]; ok && t != "" {
		return t
	}
	return id
}

// AppearancesOf returns the tags and video comments of accountID.
func (s *Service) AppearancesOf(ctx context.Context, accountID string) (Appearances, error) {
	tags, err := find[Tag](ctx, s, colTags, "accountId", accountID, "")
	if err != nil {
		return Appearances{}, err
	}
	comments, err := find[Comment](ctx, s, colComments, "author", accountID, "atMs")
	if err != nil {
		return Appearances{}, err
	}
	slices.SortStableFunc(comments, func(a, b Comment) int { return a.CreatedAt.Compare(b.CreatedAt) })
	out := Appearances{Tags: tags, Comments: comments, Titles: map[string]string{}}
	for _, id := range append(tagVideos(tags), commentVideos(comments)...) {
		if _, ok := out.Titles[id]; ok {
			continue
		}
		v, err := s.videos.Video(ctx, id)
		if fault.Is(err, fault.NotFound) {
			continue // the video was deleted: its id is all there is
		}
		if err != nil {
			return Appearances{}, err
		}
		out.Titles[id] = v.Title
	}
	return out, nil
}

func tagVideos(ts []Tag) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.VideoID)
	}
	return out
}

func commentVideos(cs []Comment) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.VideoID)
	}
	return out
}
