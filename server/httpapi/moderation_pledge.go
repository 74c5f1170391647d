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
	return moderation.Supervises(cl.Subject, panelID)
}

func (a *API) commentViews(ctx context.Context, lang string, cs []pledge.Comment) []commentView {
	out := make([]commentView, 0, len(cs))
	for _, cm := range cs {
		v := commentView{Comment: cm}
		if cm.Held { // the list holds only what the caller may see
			v.Reasons, v.ChangesMessage = a.whyHeld(ctx, lang, moderation.PledgeComment, cm.ID, cm.Hits)
		}
		out = append(out, v)
	}
	return out
}

// whyHeld is what the author of held content is told: the reasons of its
// hits in lang and, when a moderator asked for changes, their message.
func (a *API) whyHeld(ctx context.Context, lang, contentType, id string, hits ...[]screen.Hit) (reasons []string, changes string) {
	for _, hs := range hits {
		for _, h := range hs {
			if r := screen.Reason(h.Reason, lang); !slices.Contains(reasons, r) {
				reasons = append(reasons, r)
			}
		}
	}
	if a.people.Moderation != nil {
		cs, err := a.people.Moderation.CaseFor(ctx, contentType, id)
		if err == nil && cs.Status == moderation.StatusChangesRequested {
			changes = cs.ChangesMessage
		}
	}
	return reasons, changes
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
	return c.JSON(fiber.Map{"comments": a.commentViews(ctx, languageOf(c), cs)})
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
	views := a.commentViews(ctx, languageOf(c), []pledge.Comment{cm})
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
	views := a.commentViews(ctx, languageOf(c), []pledge.Comment{cm})
	return c.JSON(fiber.Map{"comment": views[0]})
}

func notFoundComment() error { return fault.Errorf(fault.NotFound, "This comment does not exist.") }

// Amendments are screened like comments: a held amendment is seen only by
// its author and supervisors, cannot be accepted, and opens a case.

// amendmentView is an amendment as the API shows it (see commentView).
type amendmentView struct {
	pledge.Amendment
	Reasons        []string `json:"reasons,omitempty"`
	ChangesMessage string   `json:"changesMessage,omitempty"`
}

func (a *API) amendmentViews(ctx context.Context, lang string, as []pledge.Amendment) []amendmentView {
	out := make([]amendmentView, 0, len(as))
	for _, am := range as {
		v := amendmentView{Amendment: am}
		if am.Held {
			v.Reasons, v.ChangesMessage = a.whyHeld(ctx, lang, moderation.Amendment, am.ID, am.Hits, am.ReasonHits)
		}
		out = append(out, v)
	}
	return out
}

// amendmentFor loads the amendment of the path, which must be of pledge p
// and one the caller may see (a held one does not exist for others).
func (a *API) amendmentFor(c *fiber.Ctx, cl caller, p pledge.Pledge) (pledge.Amendment, error) {
	am, err := a.people.Pledges.Amendment(c.UserContext(), c.Params("amendmentId"))
	if err != nil || am.PledgeID != p.ID {
		return pledge.Amendment{}, notFoundAmendment()
	}
	if !(pledge.Viewer{AccountID: cl.Account.ID, Supervisor: moderatesPanel(cl, p.PanelID)}).SeesAmendment(am) {
		return pledge.Amendment{}, notFoundAmendment()
	}
	return am, nil
}

func notFoundAmendment() error { return fault.Errorf(fault.NotFound, "This amendment does not exist.") }

func (a *API) getPledgeAmendments(c *fiber.Ctx) error {
	cl, p, err := a.pledgeFor(c, policy.PledgeView)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	v := pledge.Viewer{AccountID: cl.Account.ID, Supervisor: moderatesPanel(cl, p.PanelID)}
	as, err := a.people.Pledges.Amendments(ctx, v, p.ID, c.Params("itemId"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"amendments": a.amendmentViews(ctx, languageOf(c), as)})
}

func (a *API) postPledgeAmendment(c *fiber.Ctx) error {
	cl, p, err := a.pledgeFor(c, policy.PledgeAmend)
	if err != nil {
		return err
	}
	var in struct {
		Field  string `json:"field"`
		Text   string `json:"text"`
		Reason string `json:"reason"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	f, err := pledge.ParseField(in.Field)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	am, err := a.people.Pledges.Propose(ctx, cl.Account.ID, p.ID, c.Params("itemId"), f, in.Text, in.Reason)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"amendment": a.amendmentViews(ctx, languageOf(c), []pledge.Amendment{am})[0]})
}

// patchPledgeAmendment: the author rewrites a held amendment; it goes back
// to the moderator.
func (a *API) patchPledgeAmendment(c *fiber.Ctx) error {
	cl, p, err := a.pledgeFor(c, policy.PledgeAmend)
	if err != nil {
		return err
	}
	var in struct {
		Text   string `json:"text"`
		Reason string `json:"reason"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	am, err := a.amendmentFor(c, cl, p)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if am, err = a.people.Pledges.EditAmendment(ctx, cl.Account.ID, am.ID, in.Text, in.Reason); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"amendment": a.amendmentViews(ctx, languageOf(c), []pledge.Amendment{am})[0]})
}

func (a *API) postAmendmentDecision(c *fiber.Ctx) error {
	cl, p, err := a.pledgeFor(c, policy.PledgeAmendmentDecide)
	if err != nil {
		return err
	}
	var in struct {
		Accept bool `json:"accept"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	am, err := a.amendmentFor(c, cl, p)
	if err != nil {
		return err
	}
	am, err = a.people.Pledges.Decide(c.UserContext(), cl.Account.ID, p.ID, am.ID, in.Accept)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"amendment": am})
}
