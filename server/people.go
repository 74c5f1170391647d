package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"chorus/access"
	"chorus/app"
	"chorus/auth"
	"chorus/config"
	"chorus/consent"
	"chorus/erasure"
	"chorus/identity"
	"chorus/mail"
	"chorus/mail/outbox"
	"chorus/mail/smtp"
	"chorus/moderation"
	"chorus/moderation/livesession"
	"chorus/pledge"
	"chorus/pseudonym"
	"chorus/round"
)

// buildServices wires the domain services (sign-in, identity, consent,
// mail, pledges, moderation, live sessions) on the opened stores.
func buildServices(ctx context.Context, cfg config.Config, s *stores, presence livesession.Presence, log *slog.Logger) (*app.Services, error) {
	p := &app.Services{Blobs: s.blobs, PublicURL: cfg.PublicURL, Now: time.Now}
	// Screening comes first: every service that takes text is built with
	// it. The word lists read a panel's languages from identity, which is
	// built right after and asked only once requests come.
	words, helplines, err := loadSafeguardingData(ctx, cfg, s.docs, func(ctx context.Context, panelID string) ([]string, error) {
		panel, err := p.Identity.Panel(ctx, panelID)
		return panel.Languages, err
	})
	if err != nil {
		return nil, err
	}
	p.ScreenWords, p.Helplines = words, helplines
	p.Identity = identity.NewService(s.docs, words)
	if err := p.Identity.Declare(ctx); err != nil {
		return nil, err
	}
	if cfg.SMTPURL != "" {
		if p.Mail, err = smtp.New(cfg.SMTPURL, cfg.MailFrom); err != nil {
			return nil, fmt.Errorf("SMTP_URL: %w", err)
		}
	} else {
		if p.Outbox, err = outbox.New(ctx, s.docs, log, time.Now, panelsOf(p.Identity)); err != nil {
			return nil, err
		}
		p.Mail = p.Outbox
	}

	p.Consent = consent.NewService(s.docs, p.Mail, consent.SubjectsFunc(func(ctx context.Context, id string) (consent.Subject, error) {
		return consentSubject(ctx, p.Identity, id)
	}), cfg.PublicURL)
	p.Consent.Controller = consent.Controller{Name: cfg.Controller.Name, Contact: cfg.Controller.Contact, URL: cfg.Controller.NoticeURL}
	p.Consent.Partners = partnersOf(p.Identity)
	if err := p.Consent.Declare(ctx); err != nil {
		return nil, err
	}
	// Moderation before the services whose held content it keeps.
	p.Moderation = moderation.NewService(s.docs, p.SubjectOf)
	if err := p.Moderation.Declare(ctx); err != nil {
		return nil, err
	}
	p.Pledges = pledge.NewService(s.docs, words, p.Moderation)
	if err := p.Pledges.Declare(ctx); err != nil {
		return nil, err
	}
	// presence is the hub's (hubPresence); until the hub starts, and in a
	// process without one, every session is paused.
	p.LiveSessions = livesession.NewService(s.docs, p.Identity, p.Moderation, words, presence)
	if err := p.LiveSessions.Declare(ctx); err != nil {
		return nil, err
	}
	p.Rounds = round.NewService(s.docs, p.Pledges, p.Identity, p.Moderation, words, p.LiveSessions)
	if err := p.Rounds.Declare(ctx); err != nil {
		return nil, err
	}

	var keys *auth.KeySet
	if len(cfg.JWTKeys) > 0 {
		keys, err = auth.NewKeySetFromSeeds(cfg.JWTKeys...)
	} else {
		keys, err = auth.LoadOrCreateKeys(keyFile(cfg))
	}
	if err != nil {
		return nil, fmt.Errorf("access-token keys: %w", err)
	}
	p.Tokens = auth.NewTokens(keys, cfg.PublicURL, "chorus")
	if p.Sessions, err = auth.NewSessions(ctx, s.docs); err != nil {
		return nil, err
	}
	if p.Resets, err = auth.NewResets(ctx, s.docs); err != nil {
		return nil, err
	}
	if p.Throttle, err = auth.NewThrottle(ctx, s.docs); err != nil {
		return nil, err
	}
	if p.MailPerTarget, err = auth.NewRateLimit(ctx, s.docs, auth.MailsPerTarget, auth.MailWindow); err != nil {
		return nil, err
	}
	if p.MailPerSource, err = auth.NewRateLimit(ctx, s.docs, auth.MailsPerSource, auth.MailWindow); err != nil {
		return nil, err
	}
	if p.Pseudonyms, err = pseudonym.Load(ctx, s.docs); err != nil {
		return nil, err
	}
	if err := buildVideos(ctx, cfg, s, p); err != nil {
		return nil, err
	}
	p.Access = access.NewService(access.Sources{Consent: p.Consent, Pledges: p.Pledges, Messages: p.LiveSessions, Moderation: p.Moderation, Rounds: p.Rounds,
		Videos: p.Review})
	parts := erasure.Parts{Directory: p.Identity, Sessions: p.Sessions, Consent: p.Consent, Cases: p.Moderation, Pledges: p.Pledges, Messages: p.LiveSessions,
		Rounds: p.Rounds, Videos: p.Review, Uploads: p.Uploads}
	if p.Outbox != nil {
		parts.Mailbox = p.Outbox
	}
	p.Erasure = erasure.NewService(s.docs, parts, p.Mail, coordinatorsOf(p.Identity), cfg.PublicURL)
	if err := p.Erasure.Declare(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// partnersOf names the partner organisations invited to a person's panels:
// the recipients consent records name (GDPR Art. 13(1)(e)).
func partnersOf(ids *identity.Service) func(context.Context, string) ([]string, error) {
	return func(ctx context.Context, accountID string) ([]string, error) {
		ms, err := ids.Memberships(ctx, accountID)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		var out []string
		for _, m := range ms {
			if m.PanelID == "" {
				continue
			}
			members, err := ids.PanelMembers(ctx, m.PanelID)
			if err != nil {
				return nil, err
			}
			for _, pm := range members {
				if pm.Membership.Role != identity.Partner || pm.Membership.OrgID == "" || seen[pm.Membership.OrgID] {
					continue
				}
				seen[pm.Membership.OrgID] = true
				if org, err := ids.Organisation(ctx, pm.Membership.OrgID); err == nil {
					out = append(out, org.Name)
				}
			}
		}
		slices.Sort(out)
		return out, nil
	}
}

// coordinatorsOf finds the coordinators of a panel, whom erasure tells of
// deletion requests.
func coordinatorsOf(ids *identity.Service) func(context.Context, string) ([]identity.Account, error) {
	return func(ctx context.Context, panelID string) ([]identity.Account, error) {
		members, err := ids.PanelMembers(ctx, panelID)
		if err != nil {
			return nil, err
		}
		var out []identity.Account
		for _, m := range members {
			if m.Membership.Role == identity.Coordinator {
				out = append(out, m.Account)
			}
		}
		return out, nil
	}
}

// panelsOf tells the outbox which panels a person belongs to, so that a
// mail about them shows only to their own panels' coordinators.
func panelsOf(ids *identity.Service) outbox.PanelsOf {
	return func(ctx context.Context, accountID string) ([]string, error) {
		ms, err := ids.Memberships(ctx, accountID)
		if err != nil {
			return nil, err
		}
		out := make([]string, 0, len(ms))
		for _, m := range ms {
			out = append(out, m.PanelID)
		}
		return out, nil
	}
}

// consentSubject tells the consent capability who a young person is.
func consentSubject(ctx context.Context, ids *identity.Service, id string) (consent.Subject, error) {
	a, err := ids.Account(ctx, id)
	if err != nil {
		return consent.Subject{}, err
	}
	sub := consent.Subject{AccountID: a.ID, FirstName: consent.FirstName(a.DisplayName), Email: a.Email, Country: a.Country, Language: a.Language}
	if a.BirthDate != "" {
		if sub.BirthDate, err = consent.ParseBirthDate(a.BirthDate); err != nil {
			return consent.Subject{}, err
		}
	}
	return sub, nil
}

// announceSetup logs the one-time set-up link while no account exists: the
// only way to create the first coordinator.
func announceSetup(ctx context.Context, p *app.Services, log *slog.Logger, say func(string)) error {
	token, ok, err := p.Identity.NewSetupToken(ctx)
	if err != nil || !ok {
		return err
	}
	url := p.PublicURL + "/setup/" + token
	log.Info("first-run set-up", "url", url, "validFor", identity.SetupTTL.String())
	say("No account exists yet. Create the first coordinator here (valid for 24 hours): " + url)
	return nil
}

var _ mail.Sender = (*outbox.Outbox)(nil)
