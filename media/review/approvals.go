package review

import (
	"context"
	"slices"
	"time"

	"chorus/fault"
	"chorus/media/video"
	"chorus/store"
)

// Approval is one reviewer of the group approving one version.
type Approval struct {
	ID        string    `json:"id"` // version id + ":" + account id
	VideoID   string    `json:"videoId"`
	VersionID string    `json:"versionId"`
	AccountID string    `json:"accountId"`
	At        time.Time `json:"at"`
}

// Approve records that actor approves ver (again: no change).
func (s *Service) Approve(ctx context.Context, actor string, ver video.Version) (Approval, error) {
	return store.Atomically(ctx, s.docs, func(ctx context.Context) (Approval, error) { return s.approveTx(ctx, actor, ver) })
}

// approveTx is Approve inside its transaction.
func (s *Service) approveTx(ctx context.Context, actor string, ver video.Version) (Approval, error) {
	if ver.State != video.Ready {
		return Approval{}, fault.Errorf(fault.Conflict, "This version is not ready to watch yet.")
	}
	a := Approval{ID: ver.ID + ":" + actor, VideoID: ver.VideoID, VersionID: ver.ID, AccountID: actor, At: s.now()}
	if err := store.InsertAs(ctx, s.docs, colApprovals, a.ID, a, time.Time{}); fault.Is(err, fault.Conflict) {
		d, err := store.GetAs[Approval](ctx, s.docs, colApprovals, a.ID)
		return d.Value, err
	} else if err != nil {
		return Approval{}, err
	}
	return a, s.event(ctx, actor, "video.approved_by_reviewer", videoTopic(ver.VideoID), map[string]any{"version": ver.Number, "accountId": actor})
}

// Unapprove takes actor's approval of ver back.
func (s *Service) Unapprove(ctx context.Context, actor string, ver video.Version) error {
	return s.docs.InTransaction(ctx, func(ctx context.Context) error { return s.unapproveTx(ctx, actor, ver) })
}

// unapproveTx is Unapprove inside its transaction.
func (s *Service) unapproveTx(ctx context.Context, actor string, ver video.Version) error {
	err := s.docs.Delete(ctx, colApprovals, ver.ID+":"+actor)
	if fault.Is(err, fault.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.event(ctx, actor, "video.approval_withdrawn", videoTopic(ver.VideoID), map[string]any{"version": ver.Number, "accountId": actor})
}

// Approvals lists who approved a version, first approval first.
func (s *Service) Approvals(ctx context.Context, versionID string) ([]Approval, error) {
	out, err := find[Approval](ctx, s, colApprovals, "versionId", versionID, "")
	slices.SortFunc(out, func(a, b Approval) int { return a.At.Compare(b.At) })
	return out, err
}
