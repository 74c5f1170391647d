// Package worker is Chorus's background work: expiry sweeps, guardian-link
// and round reminders, people reaching their consent age or 18, copying
// consent changes and invitations into the audit trail, video processing
// and removing abandoned uploads. It calls the same services as the HTTP API
// (package app) and knows no transport.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"chorus/app"
	"chorus/consent"
	"chorus/media/ffmpeg"
	"chorus/media/process"
	"chorus/store"
)

// Config is what the worker needs.
type Config struct {
	Log      *slog.Logger
	Docs     store.Documents // the store the services use (for expiry sweeps)
	Services *app.Services
	// Every is how often the worker looks for due work; 0 means a minute.
	Every time.Duration
	// MaxDuration is the longest video accepted; FFmpeg and FFprobe are
	// the programs videos are processed with; WorkDir is where they work.
	MaxDuration     time.Duration
	FFmpeg, FFprobe string
	WorkDir         string
}

// Run does the background work until ctx ends; the returned channel closes
// once everything it started has stopped.
func Run(ctx context.Context, cfg Config) <-chan struct{} {
	done := make(chan struct{})
	media := runMedia(ctx, cfg)
	go func() {
		defer close(done)
		periodic(ctx, cfg)
		<-media
	}()
	return done
}

// expiryPurger is implemented by stores that may not drop expired documents
// by themselves (SQLite, and MongoDB-protocol servers without TTL indexes).
type expiryPurger interface {
	PurgeExpired(ctx context.Context) (int64, error)
}

// periodic runs the minute's duties until ctx ends.
func periodic(ctx context.Context, cfg Config) {
	log := cfg.Log
	every := cfg.Every
	if every <= 0 {
		every = time.Minute
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if p, ok := cfg.Docs.(expiryPurger); ok {
			if n, err := p.PurgeExpired(ctx); err != nil && !errors.Is(err, context.Canceled) {
				log.Error("purging expired documents", "error", err)
			} else if n > 0 {
				log.Info("purged expired documents", "count", n)
			}
		}
		consentJobs(ctx, cfg.Services, log)
		roundJobs(ctx, cfg.Services, log)
		if _, err := cfg.Services.FollowAudit(ctx, 100_000); err != nil && ctx.Err() == nil {
			log.Error("copying consent changes and invitations into the audit trail", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// consentJobs are the worker's consent duties: reminders before guardian
// links expire and before deletion requests are due, and people reaching
// their consent age or 18.
func consentJobs(ctx context.Context, p *app.Services, log *slog.Logger) {
	if n, err := p.Consent.SendReminders(ctx); err != nil {
		log.Error("guardian reminders", "error", err)
	} else if n > 0 {
		log.Info("guardian reminders sent", "count", n)
	}
	if n, err := p.Erasure.SendReminders(ctx); err != nil {
		log.Error("deletion request reminders", "error", err)
	} else if n > 0 {
		log.Info("deletion request reminders sent", "count", n)
	}
	youth, err := p.Identity.YouthAccounts(ctx)
	if err != nil {
		log.Error("coming of age", "error", err)
		return
	}
	people := make([]consent.Person, 0, len(youth))
	for _, a := range youth {
		birth, err := consent.ParseBirthDate(a.BirthDate)
		if err != nil {
			continue
		}
		people = append(people, consent.Person{AccountID: a.ID, BirthDate: birth, Country: a.Country})
	}
	if _, err := p.Consent.HandleComingOfAge(ctx, people); err != nil {
		log.Error("coming of age", "error", err)
	}
}

// roundJobs sends the reminders of feedback rounds and progress reviews
// that are due.
func roundJobs(ctx context.Context, p *app.Services, log *slog.Logger) {
	if p.Rounds == nil {
		return
	}
	if n, err := p.Rounds.Remind(ctx, p.Mail, p.PublicURL); err != nil {
		log.Error("round reminders", "error", err)
	} else if n > 0 {
		log.Info("round reminders sent", "count", n)
	}
}

// runMedia processes videos and sweeps abandoned uploads until ctx ends;
// the returned channel closes when it has stopped.
func runMedia(ctx context.Context, cfg Config) <-chan struct{} {
	done := make(chan struct{})
	svc, log := cfg.Services, cfg.Log
	if svc.Videos == nil {
		close(done)
		return done
	}
	pcfg := process.Config{MaxDuration: cfg.MaxDuration, WorkDir: cfg.WorkDir, Log: log}
	if tools, err := ffmpeg.Find(cfg.FFmpeg, cfg.FFprobe); err != nil {
		log.Warn("video processing is unavailable: videos upload and wait until a worker has ffmpeg", "error", err)
	} else {
		pcfg.Tools = &tools
	}
	if err := os.MkdirAll(cfg.WorkDir, 0o700); err != nil {
		log.Error("video processing: no work directory", "dir", cfg.WorkDir, "error", err)
	}
	p := process.New(svc.Videos, svc.Blobs, pcfg)
	p.Register(svc.Jobs)
	go func() {
		defer close(done)
		if n, err := p.ResumeUnavailable(ctx); err != nil && !errors.Is(err, context.Canceled) {
			log.Error("video processing: resuming waiting videos", "error", err)
		} else if n > 0 {
			log.Info("video processing: resumed videos that waited for ffmpeg", "count", n)
		}
		go sweepUploads(ctx, svc, log)
		if svc.Review != nil {
			go sweepShares(ctx, svc, log)
		}
		svc.Jobs.Run(ctx, time.Second, func(err error) { log.Error("video processing", "error", err) })
	}()
	return done
}

// sweepUploads removes abandoned uploads with their parts, every minute.
func sweepUploads(ctx context.Context, svc *app.Services, log *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		if n, err := svc.Uploads.Sweep(ctx); err != nil && ctx.Err() == nil {
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

// ShareSweep is how often the worker checks every share against the
// consents of the people who appear: a withdrawal is recorded and told
// within this, even when nobody opens the video (requests check at once).
const ShareSweep = 15 * time.Second

// sweepShares ends the shares that the people who appear no longer allow.
func sweepShares(ctx context.Context, svc *app.Services, log *slog.Logger) {
	t := time.NewTicker(ShareSweep)
	defer t.Stop()
	for {
		if n, err := svc.Review.Sweep(ctx); err != nil && ctx.Err() == nil {
			log.Error("checking video shares", "error", fmt.Errorf("share sweep: %w", err))
		} else if n > 0 {
			log.Info("video shares ended", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
