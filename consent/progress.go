package consent

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"chorus/fault"
	"chorus/store"
)

// Missing says what a scope still waits for, so that staff can help
// complete it (and know when they can do it themselves).
type Missing string

// What a scope can wait for.
const (
	MissingNothing      Missing = ""                 // held, or nobody may grant it
	MissingChild        Missing = "child"            // the young person's own yes
	MissingGuardian     Missing = "guardian"         // the guardian's yes (through their link)
	MissingGuardianLink Missing = "guardian_request" // nobody asked a guardian yet, or the link expired
	MissingSignedForm   Missing = "signed_form"      // a coordinator's check of a signed form (strong verification)
	MissingWithdrawn    Missing = "withdrawn"        // someone withdrew it: only they can grant it again
)

// ScopeProgress is one scope of one person, for staff.
type ScopeProgress struct {
	Scope   Scope   `json:"scope"`
	State   State   `json:"state"`
	Manager Manager `json:"manager"`
	Missing Missing `json:"missing,omitempty"`
}

// GuardianRequestInfo is where the latest guardian request stands.
type GuardianRequestInfo struct {
	Status      GuardianStatus `json:"status"`
	RequestedAt *time.Time     `json:"requestedAt,omitempty"`
	ExpiresAt   *time.Time     `json:"expiresAt,omitempty"`
	RemindedAt  *time.Time     `json:"remindedAt,omitempty"` // the reminder before the link expires was sent
	DomainOnly  string         `json:"guardianDomain,omitempty"`
}

// Progress is a person's consent as staff see it: every scope's state and
// what it waits for, and the guardian request.
type Progress struct {
	AccountID string              `json:"accountId"`
	Band      AgeBand             `json:"band"`
	Scopes    []ScopeProgress     `json:"scopes"`
	Guardian  GuardianRequestInfo `json:"guardian"`
}

// ProgressOf returns what staff need to help complete accountID's consent
// (GDPR Art. 8: a guardian's consent, verified as the scope needs).
func (s *Service) ProgressOf(ctx context.Context, accountID string) (Progress, error) {
	sub, band, joint, err := s.subject(ctx, accountID)
	if err != nil {
		return Progress{}, err
	}
	hist, err := s.History(ctx, accountID)
	if err != nil {
		return Progress{}, err
	}
	g, err := s.guardianRequestInfo(ctx, accountID)
	if err != nil {
		return Progress{}, err
	}
	states := s.effective(hist, band, sub.Country)
	out := Progress{AccountID: accountID, Band: band, Guardian: g, Scopes: make([]ScopeProgress, 0, len(Scopes))}
	for _, sc := range Scopes {
		m := s.Registry.WhoManages(sc, band, joint)
		self, guardian := latest(hist, sc)
		p := ScopeProgress{Scope: sc, State: states[sc], Manager: m}
		switch p.State {
		case StateGranted, StateNotAllowed:
		case StateWithdrawn:
			p.Missing = MissingWithdrawn
		case StateNeedsVerification:
			p.Missing = MissingSignedForm
		default: // not granted, or partial
			needGuardian := (m == ManagedByGuardian || m == ManagedByJoint) && (guardian == nil || guardian.Action != Granted)
			switch {
			case m == ManagedByYouth || (m == ManagedByJoint && (self == nil || self.Action != Granted) && !needGuardian):
				p.Missing = MissingChild
			case needGuardian && g.Status == GuardianWaiting:
				p.Missing = MissingGuardian
			case needGuardian:
				p.Missing = MissingGuardianLink
			default:
				p.Missing = MissingChild
			}
		}
		out.Scopes = append(out.Scopes, p)
	}
	return out, nil
}

func (s *Service) guardianRequestInfo(ctx context.Context, accountID string) (GuardianRequestInfo, error) {
	st, err := s.GuardianState(ctx, accountID)
	if err != nil {
		return GuardianRequestInfo{}, err
	}
	info := GuardianRequestInfo{Status: st}
	page, err := s.Docs.Find(ctx, RequestsCollection, store.Query{
		Where: []store.Cond{{Field: "accountId", Op: store.Eq, Value: accountID}}, OrderBy: "createdMs", Desc: true, Limit: 1})
	if err != nil {
		return info, fmt.Errorf("consent: guardian request: %w", err)
	}
	if len(page.Records) == 0 {
		return info, nil
	}
	var req guardianRequest
	if err := json.Unmarshal(page.Records[0].Data, &req); err != nil {
		return info, fault.Wrap(fault.Internal, err, "consent: corrupt guardian request")
	}
	at := func(ms int64) *time.Time {
		if ms == 0 {
			return nil
		}
		t := time.UnixMilli(ms).UTC()
		return &t
	}
	info.RequestedAt, info.ExpiresAt, info.RemindedAt = at(req.CreatedMS), at(req.ExpiresMS), at(req.ReminderMS)
	info.DomainOnly = MaskEmail(req.GuardianEmail)
	return info, nil
}
