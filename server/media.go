package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"chorus/app"
	"chorus/config"
	"chorus/consent"
	"chorus/identity"
	"chorus/jobs"
	"chorus/media/ffmpeg"
	"chorus/media/process"
	"chorus/media/review"
	uploads "chorus/media/upload"
	"chorus/media/video"
	"chorus/server/httpapi"
)

// mediaParts are group videos as one process runs them.
type mediaParts struct {
	videos  *video.Service
	review  *review.Service
	uploads *uploads.Store
	queue   *jobs.Queue
	api     *httpapi.Videos
	cfg     config.Video
	workDir string
}

// buildMedia wires videos, uploads and the processing queue on the
// opened stores.
func buildMedia(ctx context.Context, cfg config.Config, s *stores, people *app.Services, log *slog.Logger) (*mediaParts, error) {
	m := &mediaParts{cfg: cfg.Video, workDir: filepath.Join(cfg.DataDir, "work")}
	m.queue = jobs.NewQueue(s.docs)
	m.videos = video.NewService(s.docs, s.blobs, m.queue)
	m.uploads = uploads.NewStore(s.docs, s.blobs, m.videos, uploads.Limits{MaxBytes: cfg.Video.MaxBytes})
	m.review = review.NewService(s.docs, m.videos, videoDirectory{people}, people.Moderation)
	m.review.Screeners = people.LiveSessions.Screeners
	for _, declare := range []func(context.Context) error{m.queue.Declare, m.videos.Declare, m.uploads.Declare, m.review.Declare} {
		if err := declare(ctx); err != nil {
			return nil, err
		}
	}
	var err error
	if m.api, err = httpapi.NewVideos(m.videos, m.review, m.uploads, s.blobs, cfg.Video.SignedURLTTL, log); err != nil {
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
		go m.sweepShares(ctx, log)
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

// ShareSweep is how often the worker checks every share against the
// consents of the people who appear: a withdrawal is recorded and told
// within this, even when nobody opens the video (requests check at once).
const ShareSweep = 15 * time.Second

// sweepShares ends the shares that the people who appear no longer allow.
func (m *mediaParts) sweepShares(ctx context.Context, log *slog.Logger) {
	t := time.NewTicker(ShareSweep)
	defer t.Stop()
	for {
		if n, err := m.review.Sweep(ctx); err != nil && ctx.Err() == nil {
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

// videoDirectory tells review about people and panels, from identity and
// the consent ledger (read afresh on every call: a withdrawal counts at
// once).
type videoDirectory struct{ p *app.Services }

func (d videoDirectory) Person(ctx context.Context, id string) (review.Person, error) {
	a, err := d.p.Identity.Account(ctx, id)
	if err != nil {
		return review.Person{}, err
	}
	out := review.Person{AccountID: a.ID, FirstName: consent.FirstName(a.DisplayName), Band: consent.Adult}
	if a.BirthDate == "" {
		return out, nil // staff: adults without a consent ledger
	}
	birth, err := consent.ParseBirthDate(a.BirthDate)
	if err != nil {
		return review.Person{}, err
	}
	out.Youth, out.Band = true, d.p.Consent.Ages.Band(birth, a.Country, d.p.Now())
	states, err := d.p.Consent.Effective(ctx, a.ID, out.Band, a.Country)
	if err != nil {
		return review.Person{}, err
	}
	for _, sc := range consent.Scopes {
		if states[sc].Held() {
			out.Consents = append(out.Consents, sc)
		}
	}
	return out, nil
}

func (d videoDirectory) InGroup(ctx context.Context, id, groupID string) (bool, error) {
	ms, err := d.p.Identity.Memberships(ctx, id)
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		if m.GroupID == groupID {
			return true, nil
		}
	}
	return false, nil
}

func (d videoDirectory) WorkingLanguage(ctx context.Context, panelID string) (string, error) {
	p, err := d.p.Identity.Panel(ctx, panelID)
	if err != nil {
		return "", err
	}
	if len(p.Languages) == 0 {
		return "en", nil
	}
	return p.Languages[0], nil
}

func (d videoDirectory) PartnerOrgs(ctx context.Context, panelID string) ([]review.Org, error) {
	ms, err := d.p.Identity.PanelMembers(ctx, panelID)
	if err != nil {
		return nil, err
	}
	var out []review.Org
	seen := map[string]bool{}
	for _, m := range ms {
		if m.Membership.Role != identity.Partner || m.Membership.OrgID == "" || seen[m.Membership.OrgID] {
			continue
		}
		seen[m.Membership.OrgID] = true
		org, err := d.p.Identity.Organisation(ctx, m.Membership.OrgID)
		if err != nil {
			return nil, err
		}
		out = append(out, review.Org{ID: org.ID, Name: org.Name})
	}
	return out, nil
}

func closedChan() <-chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}
