package main

import (
	"context"
	"log/slog"

	"chorus/app"
	"chorus/config"
	"chorus/consent"
	"chorus/identity"
	"chorus/jobs"
	"chorus/media/review"
	uploads "chorus/media/upload"
	"chorus/media/video"
	"chorus/server/httpapi"
)

// buildVideos wires videos, their review, uploads and the processing
// queue on the opened stores into svc. buildServices calls it before the
// services that reach into videos (a person's export, erasure).
func buildVideos(ctx context.Context, cfg config.Config, s *stores, svc *app.Services) error {
	svc.Jobs = jobs.NewQueue(s.docs)
	svc.Videos = video.NewService(s.docs, s.blobs, svc.Jobs)
	svc.Uploads = uploads.NewStore(s.docs, s.blobs, svc.Videos, uploads.Limits{MaxBytes: cfg.Video.MaxBytes})
	svc.Review = review.NewService(s.docs, svc.Videos, videoDirectory{svc}, svc.Moderation, svc.ScreenWords)
	for _, declare := range []func(context.Context) error{svc.Jobs.Declare, svc.Videos.Declare, svc.Uploads.Declare, svc.Review.Declare} {
		if err := declare(ctx); err != nil {
			return err
		}
	}
	return nil
}

// buildMedia returns what the HTTP API serves svc's videos with.
func buildMedia(cfg config.Config, s *stores, svc *app.Services, log *slog.Logger) (*httpapi.Videos, error) {
	return httpapi.NewVideos(svc.Videos, svc.Review, svc.Uploads, s.blobs, cfg.Video.SignedURLTTL, log)
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
