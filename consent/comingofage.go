package consent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"chorus/fault"
	"chorus/mail/compose"
	"chorus/store"
)

// Person is what FindComingOfAge needs about one young person; the worker
// lists them from identity.
type Person struct {
	AccountID string
	BirthDate time.Time
	Country   string
}

// Milestones are the people who crossed an age that changes who decides.
type Milestones struct {
	// ReachedConsentAge reached their country's digital age of consent: they
	// may now confirm, change or withdraw what their guardian granted.
	ReachedConsentAge []Person
	// TurnedAdult turned 18: guardian control ends.
	TurnedAdult []Person
}

// FindComingOfAge returns who, on the calendar day that now is in their
// country (Ages.Today), reached their
// country's age of consent or turned 18: their age today is the milestone
// age and yesterday it was not (so 29 February births count on 1 March in
// common years, as in AgeOn).
func (a *Ages) FindComingOfAge(people []Person, now time.Time) Milestones {
	var m Milestones
	for _, p := range people {
		day := a.Today(p.Country, now)
		today, before := AgeOn(p.BirthDate, day), AgeOn(p.BirthDate, day.AddDate(0, 0, -1))
		consentAge, _, _ := a.ConsentAge(p.Country)
		if today >= consentAge && before < consentAge && today < AdultAge {
			m.ReachedConsentAge = append(m.ReachedConsentAge, p)
		}
		if today >= AdultAge && before < AdultAge {
			m.TurnedAdult = append(m.TurnedAdult, p)
		}
	}
	return m
}

// HandleComingOfAge acts on today's milestones (FindComingOfAge): a youth
// who reached their consent age is told they now decide; at 18 every
// guardian manage link of the account is revoked and both the young person
// and each guardian are told. The guardian's grants stay in the ledger and
// keep counting until the young person changes them. Each milestone is
// handled once per account even if the worker runs several times a day.
func (s *Service) HandleComingOfAge(ctx context.Context, people []Person) (Milestones, error) {
	m := s.Ages.FindComingOfAge(people, s.now())
	var done Milestones
	for _, p := range m.ReachedConsentAge {
		id := "consent_age:" + p.AccountID
		first, err := s.claimMilestone(ctx, id, func(ctx context.Context) error {
			return s.event(ctx, "system", "consent.consent_age_reached", "account:"+p.AccountID, nil)
		})
		if err != nil {
			return done, err
		}
		if !first {
			continue
		}
		if err := s.tellConsentAge(ctx, p.AccountID); err != nil {
			return done, errors.Join(err, s.releaseMilestone(ctx, id))
		}
		done.ReachedConsentAge = append(done.ReachedConsentAge, p)
	}
	for _, p := range m.TurnedAdult {
		id := "adult:" + p.AccountID
		var told []guardianToTell
		first, err := s.claimMilestone(ctx, id, func(ctx context.Context) (err error) {
			told, err = s.endGuardianControl(ctx, p.AccountID)
			return err
		})
		if err != nil {
			return done, err
		}
		if !first {
			continue
		}
		if err := s.tellAdult(ctx, p.AccountID, told); err != nil {
			// Let the next run try again; revoking is idempotent.
			return done, errors.Join(err, s.releaseMilestone(ctx, id))
		}
		done.TurnedAdult = append(done.TurnedAdult, p)
	}
	return done, nil
}

// claimMilestone records, in one transaction, the marker that milestone id
// is handled and what handling it writes (record); false means it was
// handled before. The mails follow the commit.
func (s *Service) claimMilestone(ctx context.Context, id string, record func(ctx context.Context) error) (bool, error) {
	first := false
	err := s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		first = false
		_, err := s.Docs.Get(ctx, MilestoneCollection, id)
		if err == nil {
			return nil
		}
		if !fault.Is(err, fault.NotFound) {
			return err
		}
		if _, err := s.Docs.Insert(ctx, MilestoneCollection, store.Record{ID: id, Data: json.RawMessage(`{"at":` + jsonInt(s.now().UnixMilli()) + `}`)}); err != nil {
			return err
		}
		first = true
		return record(ctx)
	})
	if fault.Is(err, fault.Conflict) {
		// Another worker claimed it at the same moment.
		return false, nil
	}
	return first, err
}

// releaseMilestone forgets a claimed milestone whose notices failed, so the
// next run retries them. Markers are bookkeeping, not consent records.
func (s *Service) releaseMilestone(ctx context.Context, id string) error {
	if err := s.Docs.Delete(ctx, MilestoneCollection, id); err != nil && !fault.Is(err, fault.NotFound) {
		return fmt.Errorf("consent: release milestone %s: %w", id, err)
	}
	return nil
}

func (s *Service) tellConsentAge(ctx context.Context, accountID string) error {
	sub, err := s.Subjects.FindSubject(ctx, accountID)
	if err != nil {
		return err
	}
	if sub.Email != "" {
		msg, err := renderMail(MailYouthConsentAge, sub.Language, sub.Email, sub.AccountID, compose.Vars{FirstName: sub.FirstName, Link: s.link("/consent", "")})
		if err != nil {
			return err
		}
		if err := s.Mail.Send(ctx, msg); err != nil {
			return fault.Wrap(fault.Unavailable, err, "consent: coming-of-age mail not sent")
		}
	}
	return nil
}

func jsonInt(i int64) string { b, _ := json.Marshal(i); return string(b) }

// guardianToTell is a guardian whose manage link ended at 18.
type guardianToTell struct{ email, lang string }

// endGuardianControl revokes every guardian manage link of the account and
// records it, inside claimMilestone's transaction; it returns whom to tell.
func (s *Service) endGuardianControl(ctx context.Context, accountID string) ([]guardianToTell, error) {
	recs, err := s.findAll(ctx, AccessCollection, []store.Cond{{Field: "accountId", Op: store.Eq, Value: accountID}})
	if err != nil {
		return nil, err
	}
	now := s.now().UnixMilli()
	var told []guardianToTell
	for _, r := range recs {
		var a guardianAccess
		if err := json.Unmarshal(r.Data, &a); err != nil {
			return nil, fault.Wrap(fault.Internal, err, "consent: corrupt guardian access")
		}
		if a.RevokedMS == 0 {
			a.RevokedMS = now
			if err := s.updateJSON(ctx, AccessCollection, r, a); err != nil {
				return nil, err
			}
		}
		if !slices.ContainsFunc(told, func(g guardianToTell) bool { return strings.EqualFold(g.email, a.GuardianEmail) }) {
			told = append(told, guardianToTell{a.GuardianEmail, a.Language})
		}
	}
	return told, s.event(ctx, "system", "consent.guardian_control_ended", "account:"+accountID, map[string]any{"guardiansTold": len(told)})
}

// tellAdult tells each guardian and the young person that guardian control
// ended.
func (s *Service) tellAdult(ctx context.Context, accountID string, told []guardianToTell) error {
	sub, err := s.Subjects.FindSubject(ctx, accountID)
	if err != nil {
		return err
	}
	for _, g := range told {
		msg, err := renderMail(MailGuardianEnded, g.lang, g.email, sub.AccountID, compose.Vars{FirstName: sub.FirstName})
		if err != nil {
			return err
		}
		if err := s.Mail.Send(ctx, msg); err != nil {
			return fault.Wrap(fault.Unavailable, err, "consent: coming-of-age mail not sent")
		}
	}
	if sub.Email != "" {
		msg, err := renderMail(MailYouthAdult, sub.Language, sub.Email, sub.AccountID, compose.Vars{FirstName: sub.FirstName, Link: s.link("/consent", "")})
		if err != nil {
			return err
		}
		if err := s.Mail.Send(ctx, msg); err != nil {
			return fault.Wrap(fault.Unavailable, err, "consent: coming-of-age mail not sent")
		}
	}
	return nil
}
