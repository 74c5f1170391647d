// Package erasure carries out the right to erasure (GDPR Art. 17) across
// every feature, in one order, whoever asks: the person themselves, or a
// coordinator acting on a guardian's deletion request (Art. 12(3): within
// one month; see requests.go). What each feature removes and keeps is the
// README's retention table; each feature does its own part behind a small
// port here, and this package keeps the erasure record and minimises the
// event log.
package erasure

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"chorus/fault"
	"chorus/identity"
	"chorus/mail"
	"chorus/media/review"
	"chorus/pledge"
	"chorus/store"
)

// Collections of this package.
const (
	ErasuresCollection = "erasures"
	RequestsCollection = "erasure_requests"
)

// Schemas declares the collections.
var Schemas = []store.Schema{
	{Collection: ErasuresCollection},
	{Collection: RequestsCollection, Indexes: []store.Index{{Field: "accountId"}, {Field: "state"}, {Field: "dueMs"}}},
}

// Person is who is being erased, as read before anything goes.
type Person struct {
	AccountID string
	Email     string
	Places    []identity.Membership // where they were: what the ledger and the requests are reachable by afterwards
}

// The ports: each feature's part of an erasure. Every part can be run again
// on what it already erased, so an erasure cut short is simply repeated.
type (
	// Directory finds the person, and ends the account last.
	Directory interface {
		Account(ctx context.Context, id string) (identity.Account, error)
		Memberships(ctx context.Context, accountID string) ([]identity.Membership, error)
		EraseAccount(ctx context.Context, id string) error
	}
	// Sessions signs the person out everywhere.
	Sessions interface {
		SignOutEverywhere(ctx context.Context, accountID string) error
	}
	// Consent withdraws what the ledger still relies on and ends guardian links.
	Consent interface {
		EndForErasure(ctx context.Context, accountID, erasedBy string) error
	}
	// Cases closes the moderation cases about their content, without
	// excerpts, and records the erasure in the panels' audit trail.
	Cases interface {
		EraseAuthor(ctx context.Context, accountID, actor string) (int, error)
		RecordErasure(ctx context.Context, panelIDs []string, accountID, actor, reason string) error
	}
	// Pledges removes their comments', amendments' words and endorsements.
	Pledges interface {
		EraseAuthor(ctx context.Context, accountID string) (pledge.Erased, error)
	}
	// Messages removes the words of their live-session messages.
	Messages interface {
		EraseAuthor(ctx context.Context, accountID string) (int, error)
	}
	// Rounds removes the words of their follow-up questions and rating
	// reasons, and their reactions, in feedback rounds.
	Rounds interface {
		EraseAuthor(ctx context.Context, accountID string) (int, error)
	}
	// Videos deletes the cuts of every video they are tagged in (their
	// image is in it), their tags, and their comments' words.
	Videos interface {
		EraseAppearer(ctx context.Context, accountID, actor string, forget func(ctx context.Context, uploadID string) error) (review.Erased, error)
	}
	// Uploads forgets the upload records of the cuts Videos deleted.
	Uploads interface {
		Forget(ctx context.Context, uploadID string) error
	}
	// Mailbox forgets the held mail to or about them (the outbox).
	Mailbox interface {
		Forget(ctx context.Context, accountID, email string) (int, error)
	}
)

// Parts are the features an erasure goes through.
type Parts struct {
	Directory Directory
	Sessions  Sessions
	Consent   Consent
	Cases     Cases    // nil: no moderation
	Pledges   Pledges  // nil: no pledges
	Messages  Messages // nil: no live sessions
	Rounds    Rounds   // nil: no feedback rounds
	Videos    Videos   // nil: no videos
	Uploads   Uploads  // nil: no uploads (with Videos nil)
	Mailbox   Mailbox  // nil: mail is not held (SMTP)
}

// Service erases accounts and keeps deletion requests. Create it with
// NewService and call Declare once.
type Service struct {
	Docs  store.Documents
	Parts Parts
	Mail  mail.Sender
	// Coordinators returns the coordinators of a panel, who are told of
	// deletion requests and reminded before they are due.
	Coordinators func(ctx context.Context, panelID string) ([]identity.Account, error)
	// PublicURL starts the links in coordinators' mails.
	PublicURL string
	Now       func() time.Time
}

// NewService returns a Service with the real clock.
func NewService(docs store.Documents, parts Parts, sender mail.Sender, coordinators func(context.Context, string) ([]identity.Account, error), publicURL string) *Service {
	return &Service{Docs: docs, Parts: parts, Mail: sender, Coordinators: coordinators, PublicURL: strings.TrimRight(publicURL, "/"), Now: time.Now}
}

// Declare declares the collections.
func (s *Service) Declare(ctx context.Context) error {
	return store.DeclareAll(ctx, s.Docs, "erasure", Schemas)
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// Erasure is the record an erasure leaves: who was erased (the account id,
// which names nobody any more), where they were, when, by whom and why.
type Erasure struct {
	AccountID string                `json:"accountId"`
	Places    []identity.Membership `json:"places"`
	By        string                `json:"by"`                 // who erased: the person, or a coordinator
	OnBehalf  bool                  `json:"onBehalf,omitempty"` // a coordinator erased someone else's account
	Reason    string                `json:"reason,omitempty"`   // on behalf: why (a deletion request, ...)
	RequestID string                `json:"requestId,omitempty"`
	StartedMS int64                 `json:"startedMs"`
	DoneMS    int64                 `json:"doneMs,omitempty"` // zero while it runs (or was cut short: erase again)
}

// Input is one erasure.
type Input struct {
	AccountID string
	Actor     string // the person themselves, or the coordinator acting on behalf
	Reason    string // required on behalf
}

// MaxReason bounds the reason a coordinator gives.
const MaxReason = 1000

// Erase erases an account: everything the retention table says goes, goes,
// in an order where each part can still read what it needs (consent reads
// the account, the mailbox its address). It leaves an Erasure record and an
// "erasure.account_erased" event, and closes any open deletion request of
// the account. Erasing an erased account again finishes what a cut-short
// run left and otherwise changes nothing.
//
// Errors: fault.Invalid for a missing reason on behalf; fault.NotFound for
// an unknown account.
func (s *Service) Erase(ctx context.Context, in Input) (Erasure, error) {
	onBehalf := in.Actor != in.AccountID
	in.Reason = strings.TrimSpace(in.Reason)
	if onBehalf && in.Reason == "" {
		return Erasure{}, fault.Errorf(fault.Invalid, "Please give a reason: it is kept in the record of the erasure.")
	}
	if len([]rune(in.Reason)) > MaxReason {
		return Erasure{}, fault.Errorf(fault.Invalid, "The reason is too long: please keep it to %d characters or fewer.", MaxReason)
	}
	rec, err := s.start(ctx, in, onBehalf)
	if err != nil {
		return Erasure{}, err
	}
	if rec.DoneMS != 0 {
		return rec, nil
	}
	acc, err := s.Parts.Directory.Account(ctx, in.AccountID)
	if err != nil {
		return Erasure{}, err
	}
	p := Person{AccountID: in.AccountID, Email: acc.Email, Places: rec.Places}
	if strings.HasSuffix(p.Email, "@erased.invalid") {
		p.Email = "" // a run cut short after the account ended
	}
	if err := s.Parts.Sessions.SignOutEverywhere(ctx, p.AccountID); err != nil {
		return Erasure{}, err
	}
	if err := s.Parts.Consent.EndForErasure(ctx, p.AccountID, in.Actor); err != nil {
		return Erasure{}, err
	}
	if s.Parts.Cases != nil {
		if _, err := s.Parts.Cases.EraseAuthor(ctx, p.AccountID, in.Actor); err != nil {
			return Erasure{}, err
		}
	}
	if s.Parts.Pledges != nil {
		if _, err := s.Parts.Pledges.EraseAuthor(ctx, p.AccountID); err != nil {
			return Erasure{}, err
		}
	}
	if s.Parts.Messages != nil {
		if _, err := s.Parts.Messages.EraseAuthor(ctx, p.AccountID); err != nil {
			return Erasure{}, err
		}
	}
	if s.Parts.Rounds != nil {
		if _, err := s.Parts.Rounds.EraseAuthor(ctx, p.AccountID); err != nil {
			return Erasure{}, err
		}
	}
	if s.Parts.Videos != nil {
		var forget func(context.Context, string) error
		if s.Parts.Uploads != nil {
			forget = s.Parts.Uploads.Forget
		}
		if _, err := s.Parts.Videos.EraseAppearer(ctx, p.AccountID, in.Actor, forget); err != nil {
			return Erasure{}, err
		}
	}
	if err := s.Parts.Directory.EraseAccount(ctx, p.AccountID); err != nil {
		return Erasure{}, err
	}
	// Last: the parts above may have sent mail about the person (a
	// guardian told), and the log holds what they did.
	if s.Parts.Mailbox != nil {
		if _, err := s.Parts.Mailbox.Forget(ctx, p.AccountID, p.Email); err != nil {
			return Erasure{}, err
		}
	}
	if err := s.minimiseEvents(ctx, p.AccountID); err != nil {
		return Erasure{}, err
	}
	return s.finish(ctx, rec)
}

// start reads the person's places while they still have them and keeps
// them in the record, or returns the record of an earlier run.
func (s *Service) start(ctx context.Context, in Input, onBehalf bool) (Erasure, error) {
	d, err := store.GetAs[Erasure](ctx, s.Docs, ErasuresCollection, in.AccountID)
	if err == nil {
		return d.Value, nil
	}
	if !fault.Is(err, fault.NotFound) {
		return Erasure{}, err
	}
	if _, err := s.Parts.Directory.Account(ctx, in.AccountID); err != nil {
		return Erasure{}, err
	}
	ms, err := s.Parts.Directory.Memberships(ctx, in.AccountID)
	if err != nil {
		return Erasure{}, err
	}
	rec := Erasure{AccountID: in.AccountID, Places: ms, By: in.Actor, OnBehalf: onBehalf, Reason: in.Reason, StartedMS: s.now().UnixMilli()}
	if rec.Places == nil {
		rec.Places = []identity.Membership{}
	}
	if req, err := s.openRequest(ctx, in.AccountID); err == nil {
		rec.RequestID = req.ID
	} else if !fault.Is(err, fault.NotFound) {
		return Erasure{}, err
	}
	if err := store.InsertAs(ctx, s.Docs, ErasuresCollection, rec.AccountID, rec, time.Time{}); err != nil {
		if fault.Is(err, fault.Conflict) { // erased at the same moment elsewhere
			d, err := store.GetAs[Erasure](ctx, s.Docs, ErasuresCollection, in.AccountID)
			return d.Value, err
		}
		return Erasure{}, err
	}
	return rec, nil
}

// finish marks the record done, closes the account's deletion requests
// and appends the erasure's event, in one transaction: the audit trail
// says it was done exactly when it was.
func (s *Service) finish(ctx context.Context, rec Erasure) (Erasure, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Erasure, error) {
		d, err := store.GetAs[Erasure](ctx, s.Docs, ErasuresCollection, rec.AccountID)
		if err != nil {
			return Erasure{}, err
		}
		rec := d.Value
		rec.DoneMS = s.now().UnixMilli()
		if _, err := store.UpdateAs(ctx, s.Docs, ErasuresCollection, rec.AccountID, d.Version, rec, time.Time{}); err != nil {
			return Erasure{}, err
		}
		if err := s.closeRequests(ctx, rec); err != nil {
			return Erasure{}, err
		}
		data, _ := json.Marshal(map[string]any{"onBehalf": rec.OnBehalf, "reason": rec.Reason, "requestId": rec.RequestID})
		if _, err = s.Docs.AppendEvent(ctx, store.Event{Actor: rec.By, Type: EventErased, Subject: "account:" + rec.AccountID, Data: data}); err != nil {
			return Erasure{}, err
		}
		if s.Parts.Cases != nil {
			var panels []string
			for _, m := range rec.Places {
				if m.PanelID != "" && !slices.Contains(panels, m.PanelID) {
					panels = append(panels, m.PanelID)
				}
			}
			if err := s.Parts.Cases.RecordErasure(ctx, panels, rec.AccountID, rec.By, rec.Reason); err != nil {
				return Erasure{}, err
			}
		}
		return rec, nil
	})
}

// EventErased is the event an erasure ends with: the audit trail's record
// of who erased whom, when and why.
const EventErased = "erasure.account_erased"

// Erased returns the erasure record of an account, or fault.NotFound when
// it was never erased.
func (s *Service) Erased(ctx context.Context, accountID string) (Erasure, error) {
	d, err := store.GetAs[Erasure](ctx, s.Docs, ErasuresCollection, accountID)
	if fault.Is(err, fault.NotFound) {
		return Erasure{}, fault.Errorf(fault.NotFound, "This account was not erased.")
	}
	return d.Value, err
}

// kept are the event types whose data stays when the person they name is
// erased (the retention table): the group's pledge text (kept, attributed
// to a former member), what moderators did (safeguarding rule 6), consent
// decisions (the proof the ledger keeps) and the erasure itself. Every
// other event by or about the person keeps its type, time, actor and
// subject, and loses its data.
var kept = []string{
	"pledge.created", "pledge.renamed", "pledge.state_changed", "pledge.item_", "pledge.amendment_decided",
	"moderation.", "consent.granted", "consent.withdrawn", "erasure.",
}

func keptType(t string) bool {
	for _, k := range kept {
		if t == k || (strings.HasSuffix(k, "_") || strings.HasSuffix(k, ".")) && strings.HasPrefix(t, k) {
			return true
		}
	}
	return false
}

// redacted replaces the data of an event erasure minimised.
var redacted = json.RawMessage(`{"redacted":true}`)

// minimiseEvents reads the whole log once and redacts the data of every
// event by the person, about their account, or naming them in its data,
// unless its type is kept. Erasures are rare, and the log is the one place
// that is not indexed by person.
func (s *Service) minimiseEvents(ctx context.Context, accountID string) error {
	needle := []byte(`"` + accountID + `"`)
	var after int64
	for {
		evs, err := s.Docs.Events(ctx, store.EventQuery{After: after, Limit: store.MaxLimit})
		if err != nil {
			return err
		}
		for _, e := range evs {
			after = e.ID
			if keptType(e.Type) || bytes.Equal(e.Data, redacted) {
				continue
			}
			if e.Actor == accountID || e.Subject == "account:"+accountID || bytes.Contains(e.Data, needle) {
				if err := s.Docs.RedactEvent(ctx, e.ID, redacted); err != nil {
					return err
				}
			}
		}
		if len(evs) < store.MaxLimit {
			return nil
		}
	}
}
