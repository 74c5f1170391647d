package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"chorus/consent"
	"chorus/policy"
)

func (a *API) staffConsentRoutes() []route {
	return []route{
		{fiber.MethodGet, "/api/panels/:panelId/consents", a.getPanelConsents},
	}
}

// memberConsent is one young person's consent as their panel's staff see
// it: every scope's state and what it waits for, and the guardian request.
type memberConsent struct {
	AccountID string `json:"accountId"`
	Name      string `json:"name"`
	GroupID   string `json:"groupId,omitempty"`
	consent.Progress
	CanRecordForms bool `json:"canRecordForms"` // the caller may record a checked signed form
}

// getPanelConsents lists the young people of a panel with their consent,
// for its moderators and coordinators, who help complete what is missing.
func (a *API) getPanelConsents(c *fiber.Ctx) error {
	cl, p, err := a.panelFor(c, policy.PanelView, policy.KindPanel)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	members, err := a.people.Identity.PanelMembers(ctx, p.ID)
	if err != nil {
		return err
	}
	out := []memberConsent{}
	seen := map[string]bool{}
	for _, m := range members {
		if !m.Membership.Role.IsYouth() || seen[m.Account.ID] {
			continue
		}
		r := policy.Resource{Kind: policy.KindConsent, OwnerID: m.Account.ID, CentreID: p.OrgID, PanelID: p.ID, GroupID: m.Membership.GroupID}
		if m.Account.ID == cl.Account.ID || !policy.Decide(cl.Subject, policy.ConsentViewLedger, r).Allow {
			continue
		}
		seen[m.Account.ID] = true
		prog, err := a.people.Consent.ProgressOf(ctx, m.Account.ID)
		if err != nil {
			return err
		}
		person, err := a.personView(ctx, m)
		if err != nil {
			return err
		}
		out = append(out, memberConsent{AccountID: m.Account.ID, Name: policy.VisibleName(cl.Subject, person), GroupID: m.Membership.GroupID,
			Progress: prog, CanRecordForms: policy.Decide(cl.Subject, policy.ConsentRecordSignedForm, r).Allow})
	}
	if len(out) == 0 {
		// Only staff read this; the policy says why anyone else may not.
		if err := allowed(cl, policy.ConsentViewLedger, policy.Resource{Kind: policy.KindConsent, OwnerID: "someone", CentreID: p.OrgID, PanelID: p.ID}); err != nil {
			return err
		}
	}
	return c.JSON(fiber.Map{"members": out})
}
