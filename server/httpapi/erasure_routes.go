package httpapi

import (
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"chorus/erasure"
	"chorus/fault"
	"chorus/policy"
)

func (a *API) erasureRoutes() []route {
	return []route{
		{fiber.MethodGet, "/api/deletion-requests", a.getDeletionRequests},
		{fiber.MethodPost, "/api/accounts/:id/erase", a.postEraseOnBehalf},
	}
}

// deletionRequestView is an open deletion request as a coordinator sees it.
type deletionRequestView struct {
	ID          string     `json:"id"`
	AccountID   string     `json:"accountId"`
	Name        string     `json:"name"` // the person to erase
	PanelID     string     `json:"panelId"`
	PanelName   string     `json:"panelName"`
	By          string     `json:"by"`
	RequestedAt time.Time  `json:"requestedAt"`
	DueAt       time.Time  `json:"dueAt"`
	RemindedAt  *time.Time `json:"remindedAt,omitempty"`
	Overdue     bool       `json:"overdue"`
}

// getDeletionRequests lists the open deletion requests of the panels the
// caller coordinates, the one due first first.
func (a *API) getDeletionRequests(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	var panels []string
	var refusal error = fault.Errorf(fault.Forbidden, "Only the coordinators of a panel see its deletion requests.")
	for _, m := range cl.Subject.Memberships {
		if m.PanelID == "" || slices.Contains(panels, m.PanelID) {
			continue
		}
		err := allowed(cl, policy.ErasureRequestsView, policy.Resource{Kind: policy.KindAccount, CentreID: m.CentreID, PanelID: m.PanelID})
		if err == nil {
			panels = append(panels, m.PanelID)
		} else {
			refusal = err
		}
	}
	if len(panels) == 0 {
		return refusal
	}
	ctx := c.UserContext()
	reqs, err := a.people.Erasure.OpenRequests(ctx, panels)
	if err != nil {
		return err
	}
	now := a.people.Now()
	out := make([]deletionRequestView, 0, len(reqs))
	for _, r := range reqs {
		v := deletionRequestView{ID: r.ID, AccountID: r.AccountID, By: r.By, RequestedAt: time.UnixMilli(r.RequestedMS).UTC(),
			DueAt: time.UnixMilli(r.DueMS).UTC(), Overdue: now.UnixMilli() > r.DueMS}
		if r.RemindedMS != 0 {
			t := time.UnixMilli(r.RemindedMS).UTC()
			v.RemindedAt = &t
		}
		if acc, err := a.people.Identity.Account(ctx, r.AccountID); err == nil {
			v.Name = acc.DisplayName
		}
		for _, p := range r.PanelIDs {
			if slices.Contains(panels, p) {
				v.PanelID = p
				if panel, err := a.people.Identity.Panel(ctx, p); err == nil {
					v.PanelName = panel.Name
				}
				break
			}
		}
		out = append(out, v)
	}
	return c.JSON(fiber.Map{"requests": out})
}

// postEraseOnBehalf is a coordinator erasing someone else's account,
// carrying out a deletion request: the same erasure as the person's own,
// with the coordinator and their reason in the audit trail.
func (a *API) postEraseOnBehalf(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	id := c.Params("id")
	if id == cl.Account.ID {
		return fault.Errorf(fault.Invalid, "To erase your own account, use your account page.")
	}
	if err := a.youthResourceAs(ctx, cl, policy.AccountEraseOnBehalf, policy.KindAccount, id); err != nil {
		return err
	}
	rec, err := a.people.Erasure.Erase(ctx, erasure.Input{AccountID: id, Actor: cl.Account.ID, Reason: in.Reason})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"erasure": rec})
}
