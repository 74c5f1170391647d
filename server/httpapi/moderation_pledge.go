package httpapi

import (
	"context"
	"net/http"
	"slices"

	"github.com/gofiber/fiber/v2"

	"chorus/fault"
	"chorus/moderation"
	"chorus/moderation/screen"
	"chorus/pledge"
	"chorus/policy"
)

// Comments that screening holds (safeguarding rule 5): the author sees
// their comment with the reasons, in words a 13-year-old understands, and
// may rewrite it; a moderator gets a case in the queue; nobody else sees it
// until a moderator approves.

// commentView is a comment as the API shows it: with the reasons it is
// held in the asker's language and, for its author, what a moderator asked
// to change.
type commentView struct {
	pledge.Comment
	Reasons        []string `json:"reasons,omitempty"`
	ChangesMessage string   `json:"changesMessage,omitempty"`
}

// moderatesPanel reports whether the caller moderates the panel: moderators
// and coordinators see held and hidden content.
func moderatesPanel(cl caller, panelID string) bool {
	return policy.Decide(cl.Subject, policy.ModerationQueueView, policy.Resource{Kind: policy.KindPanel, PanelID: panelID}).Allow
}

func (a *API) commentViews(ctx context.Context, cl caller, lang string, cs []pledge.Comment) ([]commentView, error) {
	out := make([]commentView, 0, len(cs))
	for _, cm := range cs {
		v := commentView{Comment: cm}
		if cm.Held { // the list holds only what the caller may see
			for _, h := range cm.Hits {
				if r := screen.Reason(h.Reason, lang); !slices.Contains(v.Reasons, r) {
					v.Reasons = append(v.Reasons, r)
				}
			}
			if a.people.Moderation != nil {
				cs, err := a.people.Moderation.CaseFor(ctx, moderation.PledgeComment, cm.ID)
				if err == nil && cs.Status == moderation.StatusChangesRequested {
					v.ChangesMessage = cs.ChangesMessage
				}
			}
		}
		out = append(out, v)
	}
	return out, nil
}

func (a *API) getPledgeComments(c *fiber.Ctx) error {
	cl, p, err := a.pledgeFor(c, policy.PledgeView)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	v := pledge.Viewer{AccountID: cl.Account.ID, Supervisor: moderatesPanel(cl, p.PanelID)}
	cs, err := a.people.Pledges.Comments(ctx, v, p.ID, c.Params("itemId"))
	if err != nil {
		return err
	}
	views, err := a.commentViews(ctx, cl, languageOf(c), cs)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"comments": views})
}

func (a *API) postPledgeComment(c *fiber.Ctx) error {
	cl, p, err := a.pledgeFor(c, policy.PledgeComment)
	if err != nil {
		return err
	}
	var in struct {
		ThreadID string         `json:"threadId"`
		Text     string         `json:"text"`
		Anchor   *pledge.Anchor `json:"anchor"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	cm, err := a.people.Pledges.AddComment(ctx, cl.Account.ID, p.ID, c.Params("itemId"), pledge.CommentInput{ThreadID: in.ThreadID, Text: in.Text, Anchor: in.Anchor})
	if err != nil {
		return err
	}
	if err := a.holdForModerator(ctx, cl, p, cm); err != nil {
		return err
	}
	views, err := a.commentViews(ctx, cl, languageOf(c), []pledge.Comment{cm})
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"comment": views[0]})
}

// patchPledgeComment: the author rewrites a held comment; it goes back to
// the moderator.
func (a *API) patchPledgeComment(c *fiber.Ctx) error {
	cl, p, err := a.pledgeFor(c, policy.PledgeComment)
	if err != nil {
		return err
	}
	var in struct {
		Text string `json:"text"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	cm, err := a.people.Pledges.Comment(ctx, c.Params("commentId"))
	if err != nil || cm.PledgeID != p.ID {
		return notFoundComment()
	}
	if cm, err = a.people.Pledges.EditComment(ctx, cl.Account.ID, cm.ID, in.Text); err != nil {
		return err
	}
	if err := a.holdForModerator(ctx, cl, p, cm); err != nil {
		return err
	}
	views, err := a.commentViews(ctx, cl, languageOf(c), []pledge.Comment{cm})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"comment": views[0]})
}

// holdForModerator opens the moderation case of a held comment or, when
// the author rewrote one a moderator looks at already, hands it back.
func (a *API) holdForModerator(ctx context.Context, cl caller, p pledge.Pledge, cm pledge.Comment) error {
	if !cm.Held || a.people.Moderation == nil {
		return nil
	}
	ref := moderation.ContentRef{Type: moderation.PledgeComment, ID: cm.ID, OwnerID: cm.Author, Excerpt: cm.Text}
	_, err := a.people.Moderation.Resubmit(ctx, ref, cl.Account.ID)
	if !fault.Is(err, fault.NotFound) {
		return err
	}
	var hits []string
	for _, h := range cm.Hits {
		if k := string(h.Kind); !slices.Contains(hits, k) {
			hits = append(hits, k)
		}
	}
	in := moderation.OpenInput{Kind: moderation.KindScreening, Content: ref, PanelID: p.PanelID, GroupID: p.GroupID,
		Hits: hits, AuthorBand: string(cl.Subject.Band), Actor: cl.Account.ID}
	for _, sc := range cl.Subject.Consents {
		in.AuthorConsents = append(in.AuthorConsents, string(sc))
	}
	_, _, err = a.people.Moderation.Open(ctx, in)
	return err
}

func notFoundComment() error { return fault.Errorf(fault.NotFound, "This comment does not exist.") }
