// Package app is Chorus's services without any transport: the domain
// services one process runs, built once by the composition root (package
// server) and handed alike to the HTTP API, the websocket topic policy and
// the worker. Nothing here knows of Fiber, websockets or HTTP; a rule that
// two of them share lives in the domain packages these services are.
package app

import (
	"time"

	"chorus/access"
	"chorus/auth"
	"chorus/consent"
	"chorus/erasure"
	"chorus/identity"
	"chorus/mail"
	"chorus/mail/outbox"
	"chorus/media"
	"chorus/moderation"
	"chorus/moderation/helpline"
	"chorus/moderation/livesession"
	"chorus/moderation/wordlist"
	"chorus/pledge"
	"chorus/pseudonym"
	"chorus/round"
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
	Pledges        *pledge.Service // pledge drafting
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
