package review

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"chorus/fault"
	"chorus/media/video"
	"chorus/moderation"
	"chorus/moderation/screen"
	"chorus/store"
)

// MaxComment is the longest comment, in characters.
const MaxComment = 2000

// Comment is a remark at a moment of one version. Replies (ThreadID set)
// belong to a top-level comment of the same version, which is what gets
// resolved.
type Comment struct {
	ID         string       `json:"id"`
	VideoID    string       `json:"videoId"`
	VersionID  string       `json:"versionId"`
	PanelID    string       `json:"panelId"`
	GroupID    string       `json:"groupId"`
	ThreadID   string       `json:"threadId,omitempty"`
	Author     string       `json:"author"`
	At         float64      `json:"at"` // seconds from the start
	AtMS       int64        `json:"atMs"`
	Text       string       `json:"text"`
	Held       bool         `json:"held,omitempty"`   // screening or a moderator holds it: only its author and supervisors see it
	Hidden     bool         `json:"hidden,omitempty"` // a moderator hid it
	Hits       []screen.Hit `json:"hits,omitempty"`
	Resolved   bool         `json:"resolved,omitempty"`
	ResolvedBy string       `json:"resolvedBy,omitempty"`
	Erased     bool         `json:"erased,omitempty"` // its author's account was erased: the words are gone, the place in the thread stays
	CreatedAt  time.Time    `json:"createdAt"`
}

// CommentInput is a new comment.
type CommentInput struct {
	At       float64
	ThreadID string
	Text     string
}

// AddComment adds actor's comment on ver at in.At seconds, screened in the
// panel's working language: personal data or listed words hold it for a
// moderator (rule 5), with its case opened in the same transaction.
func (s *Service) AddComment(ctx context.Context, actor string, ver video.Version, in CommentInput) (Comment, error) {
	return store.Atomically(ctx, s.docs, func(ctx context.Context) (Comment, error) {
		c, err := s.addCommentTx(ctx, actor, ver, in)
		if err != nil || !c.Held || s.cases == nil {
			return c, err
		}
		var hits []string
		for _, h := range c.Hits {
			hits = append(hits, string(h.Kind))
		}
		_, err = s.cases.Hold(ctx, moderation.HoldInput{Content: moderation.ContentRef{Type: ContentComment, ID: c.ID, OwnerID: c.Author, Excerpt: c.Text},
			PanelID: c.PanelID, GroupID: c.GroupID, Hits: hits})
		return c, err
	})
}

// addCommentTx is AddComment inside its transaction.
func (s *Service) addCommentTx(ctx context.Context, actor string, ver video.Version, in CommentInput) (Comment, error) {
	text := strings.TrimSpace(in.Text)
	if text == "" {
		return Comment{}, fault.Errorf(fault.Invalid, "Please write something in your comment.")
	}
	if utf8.RuneCountInString(text) > MaxComment {
		return Comment{}, fault.Errorf(fault.Invalid, "A comment can have at most %d characters.", MaxComment)
	}
	if ver.State != video.Ready || ver.Probe == nil {
		return Comment{}, fault.Errorf(fault.Conflict, "This version is not ready to watch yet.")
	}
	if math.IsNaN(in.At) || in.At < 0 || in.At > ver.Probe.Duration+0.001 {
		return Comment{}, fault.Errorf(fault.Invalid, "Pick a moment inside the video: it lasts %d seconds.", int(math.Ceil(ver.Probe.Duration)))
	}
	if in.ThreadID != "" {
		parent, err := s.Comment(ctx, in.ThreadID)
		if err != nil || parent.VersionID != ver.ID || parent.ThreadID != "" {
			return Comment{}, fault.Errorf(fault.NotFound, "The comment you are answering does not exist.")
		}
		in.At = parent.At
	}
	c := Comment{ID: uuid.NewString(), VideoID: ver.VideoID, VersionID: ver.ID, PanelID: ver.PanelID, GroupID: ver.GroupID,
		ThreadID: in.ThreadID, Author: actor, At: in.At, AtMS: int64(in.At * 1000), Text: text, CreatedAt: s.now()}
	if err := s.screen(ctx, &c); err != nil {
		return Comment{}, err
	}
	if err := store.InsertAs(ctx, s.docs, colComments, c.ID, c, time.Time{}); err != nil {
		return Comment{}, err
	}
	if c.Held {
		return c, nil // nobody else hears of it until a moderator approves
	}
	return c, s.event(ctx, actor, "video.comment_added", videoTopic(c.VideoID), map[string]any{"commentId": c.ID, "version": ver.Number, "at": c.At})
}

func (s *Service) screen(ctx context.Context, c *Comment) error {
	lang, err := s.dir.WorkingLanguage(ctx, c.PanelID)
	if err != nil {
		return err
	}
	var res screen.Result
	if s.screeners == nil {
		res, err = screen.Screen(c.Text, lang)
	} else {
		var sc *screen.Screener
		if sc, err = s.screeners.ScreenerFor(ctx, c.PanelID); err == nil {
			res, err = sc.Screen(c.Text, lang)
		}
	}
	if err != nil {
		return err
	}
	c.Hits, c.Held = res.Hits, res.Held()
	return nil
}

// Comment returns one comment, whatever its state (for moderation).
func (s *Service) Comment(ctx context.Context, id string) (Comment, error) {
	d, err := store.GetAs[Comment](ctx, s.docs, colComments, id)
	if fault.Is(err, fault.NotFound) {
		return Comment{}, fault.Errorf(fault.NotFound, "This comment does not exist.")
	}
	return d.Value, err
}

// CommentsBy lists the ids of the comments accountID wrote, so that a
// withdrawal of their consent reaches every one (moderation.ContentKind).
func (s *Service) CommentsBy(ctx context.Context, accountID string) ([]string, error) {
	cs, err := find[Comment](ctx, s, colComments, "author", accountID, "")
	ids := make([]string, 0, len(cs))
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids, err
}

// Viewer is who reads comments: held and hidden ones are shown only to
// their author and to supervisors.
type Viewer struct {
	AccountID  string
	Supervisor bool
}

// Sees reports whether v may see c: a held or hidden comment only its
// author and the panel's supervisors.
func (v Viewer) Sees(c Comment) bool {
	return !(c.Held || c.Hidden) || v.Supervisor || c.Author == v.AccountID
}

// Comments lists the comments on a version that viewer may see: threads
// by their moment, each followed by its replies (a reply to a comment the
// viewer may not see is not shown either).
func (s *Service) Comments(ctx context.Context, viewer Viewer, versionID string) ([]Comment, error) {
	all, err := find[Comment](ctx, s, colComments, "versionId", versionID, "")
	if err != nil {
		return nil, err
	}
	var tops []Comment
	replies := map[string][]Comment{}
	for _, c := range all {
		if !viewer.Sees(c) {
			continue
		}
		if c.ThreadID == "" {
			tops = append(tops, c)
		} else {
			replies[c.ThreadID] = append(replies[c.ThreadID], c)
		}
	}
	byTime := func(a, b Comment) int {
		if a.AtMS != b.AtMS {
			return int(a.AtMS - b.AtMS)
		}
		return a.CreatedAt.Compare(b.CreatedAt)
	}
	slices.SortStableFunc(tops, byTime)
	out := make([]Comment, 0, len(all))
	for _, c := range tops {
		out = append(out, c)
		rs := replies[c.ID]
		slices.SortStableFunc(rs, func(a, b Comment) int { return a.CreatedAt.Compare(b.CreatedAt) })
		out = append(out, rs...)
	}
	return out, nil
}

// Resolve marks a top-level comment resolved (or open again).
func (s *Service) Resolve(ctx context.Context, actor, commentID string, resolved bool) (Comment, error) {
	return store.Atomically(ctx, s.docs, func(ctx context.Context) (Comment, error) { return s.resolveTx(ctx, actor, commentID, resolved) })
}

// resolveTx is Resolve inside its transaction.
func (s *Service) resolveTx(ctx context.Context, actor, commentID string, resolved bool) (Comment, error) {
	c, err := update(ctx, s, colComments, commentID, func(c *Comment) error {
		if c.ThreadID != "" {
			return fault.Errorf(fault.Invalid, "Resolve the first comment of the thread, not a reply.")
		}
		if c.Held || c.Hidden {
			return fault.Errorf(fault.Conflict, "A moderator is looking at this comment: it cannot be resolved now.")
		}
		c.Resolved, c.ResolvedBy = resolved, ""
		if resolved {
			c.ResolvedBy = actor
		}
		return nil
	})
	if fault.Is(err, fault.NotFound) {
		return Comment{}, fault.Errorf(fault.NotFound, "This comment does not exist.")
	}
	if err != nil {
		return Comment{}, err
	}
	return c, s.event(ctx, actor, "video.comment_resolved", videoTopic(c.VideoID), map[string]any{"commentId": c.ID, "resolved": resolved})
}

// Moderation outcomes on a comment.
const (
	OutcomeApprove        = "approve"
	OutcomeHide           = "hide"
	OutcomeRestore        = "restore"
	OutcomeRequestChanges = "request_changes"
)

// ModerateComment carries out a moderator's decision on a comment: approve
// shows it to the group, hide takes it away from all but its author and
// supervisors, restore undoes a hide, request_changes keeps it held.
func (s *Service) ModerateComment(ctx context.Context, actor, commentID, outcome string) (Comment, error) {
	return store.Atomically(ctx, s.docs, func(ctx context.Context) (Comment, error) { return s.moderateCommentTx(ctx, actor, commentID, outcome) })
}

// moderateCommentTx is ModerateComment inside its transaction.
func (s *Service) moderateCommentTx(ctx context.Context, actor, commentID, outcome string) (Comment, error) {
	c, err := update(ctx, s, colComments, commentID, func(c *Comment) error {
		switch outcome {
		case OutcomeApprove:
			c.Held, c.Hidden = false, false
		case OutcomeRestore:
			c.Hidden = false
		case OutcomeHide:
			c.Hidden = true
		case OutcomeRequestChanges:
			c.Held = true
		default:
			return fault.Errorf(fault.Invalid, "Unknown moderation outcome %q.", outcome)
		}
		return nil
	})
	if err != nil {
		return Comment{}, err
	}
	return c, s.event(ctx, actor, "video.comment_moderated", videoTopic(c.VideoID), map[string]any{"commentId": c.ID, "outcome": outcome})
}
