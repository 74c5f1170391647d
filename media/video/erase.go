package video

import (
	"context"

	"chorus/fault"
)

// DeleteVersion removes one cut for good: the file as uploaded, everything
// processing made of it (poster, thumbnails, rendition), its captions and
// its record. The video and its other cuts stay. It is how the footage of
// someone who appears in it leaves when their account is erased (GDPR
// Art. 17; package review decides which cuts). Deleting a version already
// gone changes nothing, so a cut-short run is finished by running it again.
func (s *Service) DeleteVersion(ctx context.Context, actor string, ver Version) error {
	// The file as uploaded is one blob (package upload's key); every other
	// blob of a version lives under these prefixes (the upload's tails,
	// package process's outputs).
	for _, key := range []string{"videos/" + ver.VideoID + "/originals/" + ver.ID, ver.Original.Key} {
		if key == "" {
			continue
		}
		if err := s.blobs.Delete(ctx, key); err != nil && !fault.Is(err, fault.NotFound) {
			return err
		}
	}
	for _, prefix := range []string{
		"videos/" + ver.VideoID + "/uploads/" + ver.ID + "/",
		"videos/" + ver.VideoID + "/versions/" + ver.ID + "/",
	} {
		blobs, err := s.blobs.List(ctx, prefix)
		if err != nil {
			return err
		}
		for _, b := range blobs {
			if err := s.blobs.Delete(ctx, b.Key); err != nil && !fault.Is(err, fault.NotFound) {
				return err
			}
		}
	}
	if o := ver.Original; o.BlobUpload != "" {
		if err := s.blobs.AbortUpload(ctx, o.Key, o.BlobUpload); err != nil && !fault.Is(err, fault.NotFound) {
			return err
		}
	}
	captions, err := s.Captions(ctx, ver.ID)
	if err != nil {
		return err
	}
	for _, c := range captions {
		if err := s.docs.Delete(ctx, colCaptions, c.ID); err != nil && !fault.Is(err, fault.NotFound) {
			return err
		}
	}
	if err := s.docs.Delete(ctx, colVersions, ver.ID); fault.Is(err, fault.NotFound) {
		return nil // gone already: nothing to record again
	} else if err != nil {
		return err
	}
	return s.event(ctx, actor, "video.version_deleted", ver.VideoID, map[string]any{"version": ver.Number, "versionId": ver.ID})
}
