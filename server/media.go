package main

import (
	"context"
	"log/slog"

	"chorus/app"
	"chorus/config"
	"chorus/jobs"
	uploads "chorus/media/upload"
	"chorus/media/video"
	"chorus/server/httpapi"
)

// buildMedia wires videos, uploads and the processing queue on the opened
// stores into svc, and returns what the HTTP API serves them with.
func buildMedia(ctx context.Context, cfg config.Config, s *stores, svc *app.Services, log *slog.Logger) (*httpapi.Videos, error) {
	svc.Jobs = jobs.NewQueue(s.docs)
	svc.Videos = video.NewService(s.docs, s.blobs, svc.Jobs)
	svc.Uploads = uploads.NewStore(s.docs, s.blobs, svc.Videos, uploads.Limits{MaxBytes: cfg.Video.MaxBytes})
	for _, declare := range []func(context.Context) error{svc.Jobs.Declare, svc.Videos.Declare, svc.Uploads.Declare} {
		if err := declare(ctx); err != nil {
			return nil, err
		}
	}
	return httpapi.NewVideos(svc.Videos, svc.Uploads, s.blobs, cfg.Video.SignedURLTTL, log)
}
