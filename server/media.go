package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"chorus/config"
	"chorus/jobs"
	"chorus/media/ffmpeg"
	"chorus/media/process"
	uploads "chorus/media/upload"
	"chorus/media/video"
	"chorus/server/httpapi"
)

// mediaParts are group videos as one process runs them.
type mediaParts struct {
	videos  *video.Service
	uploads *uploads.Store
	queue   *jobs.Queue
	api     *httpapi.Videos
	cfg     config.Video
	workDir string
}

// buildMedia wires videos, uploads and the processing queue on the
// opened stores.
func buildMedia(ctx context.Context, cfg config.Config, s *stores, log *slog.Logger) (*mediaParts, error) {
	m := &mediaParts{cfg: cfg.Video, workDir: filepath.Join(cfg.DataDir, "work")}
	m.queue = jobs.NewQueue(s.docs)
	m.videos = video.NewService(s.docs, s.blobs, m.queue)
	m.uploads = uploads.NewStore(s.docs, s.blobs, m.videos, uploads.Limits{MaxBytes: cfg.Video.MaxBytes})
	for _, declare := range []func(context.Context) error{m.queue.Declare, m.videos.Declare, m.uploads.Declare} {
		if err := declare(ctx); err != nil {
			return nil, err
		}
	}
	var err error
	if m.api, err = httpapi.NewVideos(m.videos, m.uploads, s.blobs, cfg.Video.SignedURLTTL, log); err != nil {
		return nil, err
	}
	return m, nil
}

// runMediaWorker processes videos and sweeps abandoned uploads until ctx
// ends; the returned channel closes when it has stopped.
func runMediaWorker(ctx context.Context, m *mediaParts, s *stores, log *slog.Logger) <-chan struct{} {
	done := make(chan struct{})
	pcfg := process.Config{MaxDuration: m.cfg.MaxDuration, WorkDir: m.workDir, Log: log}
	if tools, err := ffmpeg.Find(m.cfg.FFmpeg, m.cfg.FFprobe); err != nil {
		log.Warn("video processing is unavailable: videos upload and wait until a worker has ffmpeg", "error", err)
	} else {
		pcfg.Tools = &tools
	}
	if err := os.MkdirAll(m.workDir, 0o700); err != nil {
		log.Error("video processing: no work directory", "dir", m.workDir, "error", err)
	}
	p := process.New(m.videos, s.blobs, pcfg)
	p.Register(m.queue)
	go func() {
		defer close(done)
		if n, err := p.ResumeUnavailable(ctx); err != nil && !errors.Is(err, context.Canceled) {
			log.Error("video processing: resuming waiting videos", "error", err)
		} else if n > 0 {
			log.Info("video processing: resumed videos that waited for ffmpeg", "count", n)
		}
		go m.sweepUploads(ctx, log)
		m.queue.Run(ctx, time.Second, func(err error) { log.Error("video processing", "error", err) })
	}()
	return done
}

// sweepUploads removes abandoned uploads with their parts, every minute.
func (m *mediaParts) sweepUploads(ctx context.Context, log *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		if n, err := m.uploads.Sweep(ctx); err != nil && ctx.Err() == nil {
			log.Error("sweeping abandoned uploads", "error", fmt.Errorf("upload sweep: %w", err))
		} else if n > 0 {
			log.Info("removed abandoned uploads", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func closedChan() <-chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}
