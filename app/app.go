// Package app is Chorus's services without any transport: the domain
// services one process runs, built once by the composition root (package
// server) and handed alike to the HTTP API, the websocket topic policy and
// the worker. Nothing here knows of Fiber, websockets or HTTP; a rule that
// two of them share lives in the domain packages these services are.
package app

import (
	"context"
	"time"

	"chorus/access"
	"chorus/auth"
	"chorus/consent"
	"chorus/erasure"
	"chorus/fault"
	"chorus/identity"
	"chorus/jobs"
	"chorus/mail"
	"chorus/mail/outbox"
	"chorus/media"
	"chorus/media/review"
	"chorus/media/upload"
	"chorus/media/video"
	"chorus/moderation"
	"chorus/moderation/helpline"
	"chorus/moderation/livesession"
	"chorus/moderation/wordlist"
	"chorus/pledge"
	"chorus/policy"
	"chorus/pseudonym"
	"chorus/round"
	"chorus/store"
)

// Services are the domain services of one process.
type Services struct {
	Identity *identity.Service
	Consent  *consent.Service
	Sessions *auth.Sessions
	Tokens   *auth.Tokens
	Resets   *auth.Resets
	Throttle *auth.Throttle
	// MailPerTarget and MailPerSource limit the mail anyone can make
	// Chorus send (password resets, guardian requests): per recipient and
	// per client address or account. Nil: no limit.
	MailPerTarget *auth.RateLimit
	MailPerSource *auth.RateLimit
	Mail          mail.Sender
	Outbox        *outbox.Outbox // nil when mail goes out over SMTP
	// RevealHeldMail shows coordinators the held mail itself, links
	// included, instead of only that it waits. Only `chorus demo` sets it
	// (there is no setting for it): a held link works for whoever reads it.
	RevealHeldMail bool
	Blobs          media.Blobs
	// Videos, Uploads and Jobs are group videos, their resumable uploads
	// and the queue the worker processes them from; nil Videos: videos
	// are not available.
	Videos  *video.Service
	Uploads *upload.Store
	Jobs    *jobs.Queue
	// Review is a video's way out of its group: who appears, peer review,
	// approval and shares.
	Review  *review.Service
	Pledges *pledge.Service // pledge drafting
	// Moderation keeps cases, reports, sanctions and the audit trail; nil
	// leaves content unscreened by moderators (screening still holds it).
	Moderation *moderation.Service
	// Helplines answers "who can I talk to" for a reporter's country.
	Helplines *helpline.Directory
	// LiveSessions runs supervised live sessions; nil: they are not
	// available (503).
	LiveSessions *livesession.Service
	// Rounds runs feedback rounds with partners; nil: they are not
	// available (503).
	Rounds *round.Service
	// ScreenWords keeps each panel's own screening words and gives every
	// panel its screener; nil: the lists cannot be edited (503).
	ScreenWords *wordlist.Service
	// Pseudonyms name people for partners, who never get account ids;
	// nil: partners get the ids (tests of other things).
	Pseudonyms *pseudonym.Namer
	// Access writes a person's complete export (GDPR Art. 15 and 20).
	Access *access.Service
	// Erasure erases accounts (the person's own, or on behalf of a
	// guardian's deletion request) and keeps the deletion requests.
	Erasure *erasure.Service
	// PublicURL is where people reach Chorus; links in mails start with it,
	// and cookies are Secure when it is https.
	PublicURL string
	Now       func() time.Time
}

// Subject is an account as the policy sees it now: its memberships, age
// band and the consents held at this moment, read afresh on every call, so
// a withdrawal counts from the very next one. The HTTP API, the topic
// policy and the moderation workflow all ask it. fault.NotFound for an
// unknown account.
func (s *Services) Subject(ctx context.Context, accountID string) (identity.Account, policy.Subject, error) {
	acc, err := s.Identity.Account(ctx, accountID)
	if err != nil {
		return identity.Account{}, policy.Subject{}, err
	}
	ms, err := s.Identity.Memberships(ctx, accountID)
	if err != nil {
		return identity.Account{}, policy.Subject{}, err
	}
	band, err := s.Band(acc)
	if err != nil {
		return identity.Account{}, policy.Subject{}, err
	}
	sub := policy.Subject{AccountID: acc.ID, Band: band, Memberships: ms}
	if acc.BirthDate != "" {
		states, err := s.Consent.Effective(ctx, acc.ID, band, acc.Country)
		if err != nil {
			return identity.Account{}, policy.Subject{}, err
		}
		for _, scope := range consent.Scopes {
			if states[scope].Held() {
				sub.Consents = append(sub.Consents, scope)
			}
		}
	}
	return acc, sub, nil
}

// SubjectOf is Subject without the account (moderation.Authors).
func (s *Services) SubjectOf(ctx context.Context, accountID string) (policy.Subject, error) {
	_, sub, err := s.Subject(ctx, accountID)
	return sub, err
}

// Band is the age band of an account today. Accounts without a date of
// birth are staff (moderators, partners, coordinators), who are adults;
// youth accounts always carry one.
func (s *Services) Band(acc identity.Account) (consent.AgeBand, error) {
	if acc.BirthDate == "" {
		return consent.Adult, nil
	}
	birth, err := consent.ParseBirthDate(acc.BirthDate)
	if err != nil {
		return "", fault.Wrap(fault.Internal, err, "stored date of birth is not readable")
	}
	return s.Consent.Ages.Band(birth, acc.Country, s.Now()), nil
}

// RegisterKinds registers every feature's kinds of moderated content with
// the moderation workflow (moderation.Service.Register), so that the HTTP
// API and the worker decide on them and a withdrawal of consent reaches
// them alike. The composition root calls it once every service is built.
func (s *Services) RegisterKinds() {
	m := s.Moderation
	if m == nil {
		return
	}
	if s.Pledges != nil {
		s.Pledges.Register(m)
	}
	if s.LiveSessions != nil {
		s.LiveSessions.Register(m)
	}
	if s.Rounds != nil {
		s.Rounds.Register(m)
	}
	if s.Review != nil {
		s.Review.Register(m)
	}
}

// Withdraw withdraws accountID's own consent to scope (consent.Service
// Withdraw) and makes it take effect on their content at once
// (moderation.Service.WithdrawByAuthor): the record, the content leaving
// every audience the scope covered and the audit rows are one change, so
// a withdrawal never stands while what it covered is still shown.
func (s *Services) Withdraw(ctx context.Context, accountID string, scope consent.Scope, lang string) (consent.Record, error) {
	return s.withdrawing(ctx, func(ctx context.Context) (consent.Record, error) {
		return s.Consent.Withdraw(ctx, accountID, scope, lang)
	})
}

// GuardianWithdraw is Withdraw by a guardian through their link
// (consent.Service GuardianWithdraw).
func (s *Services) GuardianWithdraw(ctx context.Context, token string, scope consent.Scope) (consent.Record, error) {
	return s.withdrawing(ctx, func(ctx context.Context) (consent.Record, error) {
		return s.Consent.GuardianWithdraw(ctx, token, scope)
	})
}

func (s *Services) withdrawing(ctx context.Context, withdraw func(context.Context) (consent.Record, error)) (consent.Record, error) {
	if s.Moderation == nil {
		return withdraw(ctx)
	}
	return store.Atomically(ctx, s.Moderation.Docs, func(ctx context.Context) (consent.Record, error) {
		rec, err := withdraw(ctx)
		if err != nil || rec.Action != consent.Withdrawn {
			return rec, err
		}
		_, err = s.Moderation.WithdrawByAuthor(ctx, moderation.Withdrawal{AccountID: rec.AccountID, Scope: rec.Scope, By: string(rec.Actor)})
		return rec, err
	})
}
