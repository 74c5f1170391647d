package httpapi

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"chorus/identity"
	"chorus/policy"
)

// The published pledges one may read, across every panel one belongs to:
// what a partner's home lists (issue 12). Partners belong to no group, so
// the per-group list is no way in for them; this list asks the policy
// about each pledge (pledge.view_published) and names only what was
// published: the newest published version's title and size, never a draft
// (rule 2), and nothing of the panel beyond its name.
func (a *API) publishedRoutes() []route {
	return []route{
		{fiber.MethodGet, "/api/published-pledges", a.getPublishedPledges},
	}
}

// publishedPledge is one published pledge in that list.
type publishedPledge struct {
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	Language    string     `json:"language"`
	Version     int        `json:"version"`
	Items       int        `json:"items"`
	PublishedAt *time.Time `json:"publishedAt,omitempty"`
	PanelID     string     `json:"panelId"`
	PanelName   string     `json:"panelName"`
}

func (a *API) getPublishedPledges(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	out, err := a.publishedPledges(c.UserContext(), cl, func(identity.Membership) bool { return true })
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"pledges": out})
}

// publishedPledges lists the published pledges cl may read in the panels of
// the memberships that in admits.
func (a *API) publishedPledges(ctx context.Context, cl caller, in func(identity.Membership) bool) ([]publishedPledge, error) {
	out := []publishedPledge{}
	done := map[string]bool{}
	for _, m := range cl.Subject.Memberships {
		if m.PanelID == "" || done[m.PanelID] || !in(m) {
			continue
		}
		done[m.PanelID] = true
		panel, err := a.people.Identity.Panel(ctx, m.PanelID)
		if err != nil {
			return nil, err
		}
		groups, err := a.people.Identity.Groups(ctx, panel.ID)
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			ps, err := a.people.Pledges.Pledges(ctx, g.ID)
			if err != nil {
				return nil, err
			}
			for _, p := range ps {
				r := policy.Resource{Kind: policy.KindPledge, PanelID: p.PanelID, GroupID: p.GroupID, CentreID: panel.OrgID, Approved: p.Approved()}
				if !p.Approved() || !policy.Decide(cl.Subject, policy.PledgeViewPublished, r).Allow {
					continue
				}
				v, err := a.people.Pledges.Version(ctx, p.ID, p.LatestPublished())
				if err != nil {
					return nil, err
				}
				out = append(out, publishedPledge{ID: p.ID, Title: v.Title, Language: v.Language, Version: v.Number, Items: len(v.Items),
					PublishedAt: v.PublishedAt, PanelID: panel.ID, PanelName: panel.Name})
			}
		}
	}
	return out, nil
}
