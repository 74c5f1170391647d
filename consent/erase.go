package consent

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"chorus/fault"
	"chorus/mail/compose"
	"chorus/store"
)

// MsgAccountErased is what a guardian's link says once the child's account
// is erased: plainly, that there is nothing left to manage and why the
// record of decisions stays.
const MsgAccountErased = "This link no longer works: the Chorus account it was for has been erased, so there is nothing left to see or manage. The record of consent decisions is kept as proof, as the law asks."

// ByErasure is the actor of the withdrawals that close the ledger of an
// erased account: nobody changed their mind, the account ended. It counts
// as the person's own withdrawal, which always wins (see Effective).
const ByErasure Actor = "erasure"

// MethodErasure is how an erasure withdrawal was verified: the erasure
// itself, by the person (after their password) or by a coordinator
// carrying out a deletion request (RecordedBy).
const MethodErasure Method = "account_erased"

// requestErased is the state of a guardian request whose account is erased.
const requestErased = "erased"

// EndForErasure ends consent for an account being erased (GDPR Art. 17),
// before its identity goes: every scope still relied on is withdrawn in the
// ledger (actor ByErasure, recorded by erasedBy), so whatever it covered
// leaves every audience; every guardian link ends with MsgAccountErased and
// loses the guardian's address; unanswered requests end too; and each
// guardian who had a link is told by mail. The ledger itself stays: it is
// the proof of lawful processing (Art. 7(1), 17(3)(b) and (e)).
func (s *Service) EndForErasure(ctx context.Context, accountID, erasedBy string) error {
	sub, band, _, err := s.subject(ctx, accountID)
	if err != nil {
		return err
	}
	hist, err := s.History(ctx, accountID)
	if err != nil {
		return err
	}
	for _, scope := range Scopes {
		self, guardian := latest(hist, scope)
		if (self != nil && self.Actor == ByErasure) || ((self == nil || self.Action == Withdrawn) && (guardian == nil || guardian.Action == Withdrawn)) {
			continue // already ended, or nothing relied on
		}
		if _, err := s.appendRecord(ctx, Record{
			AccountID: accountID, Scope: scope, Action: Withdrawn, Actor: ByErasure,
			Method: MethodErasure, Audience: ForYouth, Language: sub.Language,
			Country: normCountry(sub.Country), Band: band, RecordedBy: erasedBy,
		}, erasedBy); err != nil {
			return err
		}
	}

	now := s.now().UnixMilli()
	type guardian struct{ email, lang string }
	var told []guardian
	accesses, err := s.findAll(ctx, AccessCollection, []store.Cond{{Field: "accountId", Op: store.Eq, Value: accountID}})
	if err != nil {
		return err
	}
	for _, r := range accesses {
		var a guardianAccess
		if err := json.Unmarshal(r.Data, &a); err != nil {
			return fault.Wrap(fault.Internal, err, "consent: corrupt guardian access")
		}
		if a.ErasedMS != 0 {
			continue
		}
		if a.RevokedMS == 0 && now < a.ValidUntilMS && a.GuardianEmail != "" &&
			!slices.ContainsFunc(told, func(g guardian) bool { return strings.EqualFold(g.email, a.GuardianEmail) }) {
			told = append(told, guardian{a.GuardianEmail, a.Language})
		}
		a.ErasedMS, a.GuardianEmail, a.GuardianName = now, "", ""
		if a.RevokedMS == 0 {
			a.RevokedMS = now
		}
		if err := s.updateJSON(ctx, AccessCollection, r, a); err != nil {
			return err
		}
	}
	requests, err := s.findAll(ctx, RequestsCollection, []store.Cond{{Field: "accountId", Op: store.Eq, Value: accountID}})
	if err != nil {
		return err
	}
	for _, r := range requests {
		var req guardianRequest
		if err := json.Unmarshal(r.Data, &req); err != nil {
			return fault.Wrap(fault.Internal, err, "consent: corrupt guardian request")
		}
		if req.State == requestErased {
			continue
		}
		// A used request's guardian is in the ledger; an unanswered one's
		// address was only ever the child's to give.
		req.State, req.GuardianEmail = requestErased, ""
		if err := s.updateJSON(ctx, RequestsCollection, r, req); err != nil {
			return err
		}
	}
	for _, g := range told {
		msg, err := renderMail(MailGuardianErased, g.lang, g.email, "", compose.Vars{FirstName: sub.FirstName})
		if err != nil {
			return err
		}
		if err := s.Mail.Send(ctx, msg); err != nil {
			return fault.Wrap(fault.Unavailable, err, "consent: erasure mail not sent")
		}
	}
	s.event(ctx, erasedBy, "consent.ended_by_erasure", "account:"+accountID, map[string]any{"guardiansTold": len(told)})
	return nil
}

// Contact is the guardian behind a manage link, for what they ask about
// the child (an export, a deletion).
type Contact struct {
	AccountID string
	Email     string
	Language  string
}

// GuardianContact returns who asks when a guardian asks something about
// the child through their manage link. Errors as OpenGuardianAccess.
func (s *Service) GuardianContact(ctx context.Context, token string) (Contact, error) {
	_, a, err := s.loadAccess(ctx, token)
	if err != nil {
		return Contact{}, err
	}
	return Contact{AccountID: a.AccountID, Email: a.GuardianEmail, Language: a.Language}, nil
}

// AcknowledgeDeletion mails the guardian that their request to delete the
// child's data was received and will be carried out by due (GDPR Art.
// 12(3): without undue delay, within one month).
func (s *Service) AcknowledgeDeletion(ctx context.Context, c Contact, due time.Time) error {
	sub, err := s.Subjects.FindSubject(ctx, c.AccountID)
	if err != nil {
		return err
	}
	msg, err := renderMail(MailDeletionAcknowledged, c.Language, c.Email, c.AccountID, compose.Vars{FirstName: sub.FirstName, Due: due})
	if err != nil {
		return err
	}
	if err := s.Mail.Send(ctx, msg); err != nil {
		return fault.Wrap(fault.Unavailable, err, "consent: acknowledgement not sent")
	}
	return nil
}
