package consent

import (
	"context"
	"strings"

	"chorus/fault"
)

// AgeAssurance is the port to an age-assurance provider (BIK+ names age
// assurance as a way to verify who consents for a child). No provider is
// built yet; the port exists so that one can be plugged in without touching
// the consent workflow, and tests use a double.
type AgeAssurance interface {
	// CheckGuardian asks the provider about the session reference the
	// guardian completed with it, for the guardian's e-mail. It returns
	// fault.NotFound for an unknown reference and fault.Unavailable when the
	// provider cannot be reached.
	CheckGuardian(ctx context.Context, guardianEmail, reference string) (AssuranceResult, error)
}

// AssuranceResult is a provider's answer.
type AssuranceResult struct {
	Adult    bool   // the provider vouches that the person is an adult
	Provider string // who vouched, recorded as evidence
}

// RecordAgeAssurance raises the guardian's latest grant of scope to the
// strong level after the guardian passed an age check with the provider
// (reference is the provider's session id). It acts through the guardian's
// manage link, so only that guardian's own grant can be verified this way.
// It returns fault.Unavailable when no provider is configured and
// fault.Forbidden when the provider does not vouch for the guardian.
func (s *Service) RecordAgeAssurance(ctx context.Context, accessToken string, scope Scope, reference string) (Record, error) {
	if s.Assurance == nil {
		return Record{}, fault.Errorf(fault.Unavailable, "Online age checks are not available. Please ask the Safer Internet Centre for a consent form.")
	}
	_, a, err := s.loadAccess(ctx, accessToken)
	if err != nil {
		return Record{}, err
	}
	if strings.TrimSpace(reference) == "" {
		return Record{}, fault.Errorf(fault.Invalid, "The age check is not finished yet.")
	}
	res, err := s.Assurance.CheckGuardian(ctx, a.GuardianEmail, reference)
	if err != nil {
		return Record{}, err
	}
	if !res.Adult {
		return Record{}, fault.Errorf(fault.Forbidden, "The age check did not confirm that you are an adult. Please ask the Safer Internet Centre for a consent form.")
	}
	return s.verifyGuardianGrant(ctx, a.AccountID, scope, MethodAgeAssurance, res.Provider+":"+reference, "", a.GuardianEmail, "guardian:"+a.ID)
}
