// Package mail is the mail port: how Chorus sends invitations, guardian links
// and notices. Adapters: the outbox (embedded default: mail is kept in the
// document store and logged, for coordinators to see) and SMTP (SMTP_URL).
package mail

import "context"

// Message is one e-mail, always sent as multipart text and HTML. Texts are
// already localised by the capability that sends them. Never put a minor's
// full name or date of birth in a message.
type Message struct {
	To      string
	Subject string
	Text    string // plain-text body
	HTML    string // HTML body; the same content as Text
	Kind    string // what it is for, e.g. "guardian.request", for the outbox list and logs

	// PanelID and AccountID say whom the mail is about: a panel (an
	// invitation into it, an alert), or a person (a guardian's link for a
	// young person), whose panels count. Only the embedded outbox uses
	// them: it shows the coordinators of those panels that the mail is
	// waiting, never what it says. SMTP ignores them.
	PanelID   string
	AccountID string
	// ForRecipientOnly marks a mail that holds a credential for its
	// recipient alone (a password-reset link): the outbox never keeps it,
	// so nobody but the recipient ever reads it.
	ForRecipientOnly bool
}

// Sender sends messages. Send returns fault.Invalid for a bad address or an
// empty message and fault.Unavailable when the mail server cannot be reached.
// Every adapter checks a message with Validate first, so all of them refuse
// the same messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}
