package consent

import (
	"fmt"

	"chorus/mail"
	"chorus/mail/compose"
)

// Mail kinds this package sends (mail.Message.Kind); their texts are in
// mail/compose/texts.
const (
	MailGuardianRequest  = "guardian.request"
	MailGuardianReminder = "guardian.reminder"
	MailGuardianDone     = "guardian.confirmed"
	MailYouthConsentAge  = "youth.consent_age"
	MailYouthAdult       = "youth.adult"
	MailGuardianEnded    = "guardian.control_ended"
	// Erasure (erase.go).
	MailGuardianErased       = "guardian.account_erased"    // to each guardian: the child's account was erased, the link ended
	MailDeletionAcknowledged = "guardian.deletion_received" // to the guardian who asked: received, carried out by {{date .Due}}
)

// mailAudience is whom each kind addresses: guardians formally, the young
// person informally.
var mailAudience = map[string]compose.Audience{
	MailGuardianRequest:      compose.Adult,
	MailGuardianReminder:     compose.Adult,
	MailGuardianDone:         compose.Adult,
	MailGuardianEnded:        compose.Adult,
	MailGuardianErased:       compose.Adult,
	MailDeletionAcknowledged: compose.Adult,
	MailYouthConsentAge:      compose.Youth,
	MailYouthAdult:           compose.Youth,
}

// renderMail builds the localised message of kind to addr about the young
// person accountID (see mail.Message). Only the first name of v.FirstName
// is ever written.
func renderMail(kind, lang, to, accountID string, v compose.Vars) (mail.Message, error) {
	v.FirstName = FirstName(v.FirstName)
	m, err := compose.Render(kind, mailAudience[kind], lang, v)
	if err != nil {
		return mail.Message{}, fmt.Errorf("consent: %w", err)
	}
	m.To, m.AccountID = to, accountID
	return m, nil
}
