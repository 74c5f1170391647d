package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

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
	if err := a.holdComment(ctx, cl, p, cm); err != nil {
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
	if err := a.holdComment(ctx, cl, p, cm); err != nil {
		return err
	}
	views := a.commentViews(ctx, languageOf(c), []pledge.Comment{cm})
	return c.JSON(fiber.Map{"comment": views[0]})
}

// holdComment opens the moderation case of a held comment.
func (a *API) holdComment(ctx context.Context, cl caller, p pledge.Pledge, cm pledge.Comment) error {
	if !cm.Held {
		return nil
	}
	ref := moderation.ContentRef{Type: moderation.PledgeComment, ID: cm.ID, OwnerID: cm.Author, Excerpt: cm.Text}
	return a.holdForModerator(ctx, cl, p, ref, cm.Hits)
}

// holdForModerator opens the moderation case of held content or, when the
// author rewrote content a moderator looks at already, hands it back.
func (a *API) holdForModerator(ctx context.Context, cl caller, p pledge.Pledge, ref moderation.ContentRef, found []screen.Hit) error {
	if a.people.Moderation == nil {
		return nil
	}
	_, err := a.people.Moderation.Resubmit(ctx, ref, cl.Account.ID)
	if !fault.Is(err, fault.NotFound) {
		return err
	}
	var hits []string
	for _, h := range found {
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

// amendmentText is what a moderator reads of an amendment: the proposed
// text, then the reason given.
func amendmentText(am pledge.Amendment) string {
	if am.Reason == "" {
		return am.Text
	}
	return am.Text + "\n\n" + am.Reason
}

// holdAmendment opens the moderation case of a held amendment.
func (a *API) holdAmendment(ctx context.Context, cl caller, p pledge.Pledge, am pledge.Amendment) error {
	if !am.Held {
		return nil
	}
	ref := moderation.ContentRef{Type: moderation.Amendment, ID: am.ID, OwnerID: am.Author, Excerpt: amendmentText(am)}
	return a.holdForModerator(ctx, cl, p, ref, append(slices.Clone(am.Hits), am.ReasonHits...))
}

// amendmentFor loads the amendment of the path, which must be of pledge p
// and one the caller may see (a held one does not exist for others).
func (a *API) amendmentFor(c *fiber.Ctx, cl caller, p pledge.Pledge) (pledge.Amendment, error) {
	am, err := a.people.Pledges.Amendment(c.UserContext(), c.Params("amendmentId"))
	if err != nil || am.PledgeID != p.ID {
		return pledge.Amendment{}, notFoundAmendment()
	}
	if (am.Held || am.Hidden) && am.Author != cl.Account.ID && !moderatesPanel(cl, p.PanelID) {
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
	if err := a.holdAmendment(ctx, cl, p, am); err != nil {
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
	if err := a.holdAmendment(ctx, cl, p, am); err != nil {
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

func (a *API) resolveAmendment(ctx context.Context, id string) (contentInfo, error) {
	am, err := a.people.Pledges.Amendment(ctx, id)
	if err != nil {
		return contentInfo{}, err
	}
	p, err := a.people.Pledges.Pledge(ctx, am.PledgeID)
	if err != nil {
		return contentInfo{}, err
	}
	return contentInfo{PanelID: p.PanelID, GroupID: p.GroupID, OwnerID: am.Author, Text: amendmentText(am), Context: am.BaseText,
		Link: "/pledges/" + p.ID, Title: p.Title, Language: p.Language, Hidden: am.Held || am.Hidden}, nil
}

func (a *API) applyAmendment(ctx context.Context, id string, ch moderation.Change) error {
	_, err := a.people.Pledges.ModerateAmendment(ctx, ch.Actor, id, shownAs(ch.Outcome))
	return err
}

// Publication (safeguarding rule 2): sending a pledge for review opens a
// publication case for the version in review, in the moderators' queue.
// Approving the case publishes that version; asking for changes, or hiding
// it, sends the pledge back to draft. The pledge's own moves to published
// and back to draft go through the case too (reviewPledge, then decide),
// so that there is one path and the case and the pledge agree.

// versionText is what a moderator reads of a pledge version.
func versionText(v pledge.Version) string {
	var b strings.Builder
	b.WriteString(v.Title)
	for i, it := range v.Items {
		fmt.Fprintf(&b, "\n\n%d. %s\n%s", i+1, it.Heading, it.Text)
		if it.Summary != "" {
			b.WriteString("\n" + it.Summary)
		}
	}
	return b.String()
}

// openPublication opens the publication case of the version of p in
// review or, when the group changed it after a moderator asked them to,
// puts its case back in the queue.
func (a *API) openPublication(ctx context.Context, cl caller, p pledge.Pledge) (moderation.Case, error) {
	v, err := a.people.Pledges.Version(ctx, p.ID, p.Review)
	if err != nil {
		return moderation.Case{}, err
	}
	cs, _, err := a.people.Moderation.Open(ctx, moderation.OpenInput{Kind: moderation.KindPublication,
		Content: moderation.ContentRef{Type: moderation.PledgeVersion, ID: v.ID, Excerpt: versionText(v)},
		PanelID: p.PanelID, GroupID: p.GroupID, Actor: cl.Account.ID})
	return cs, err
}

// reviewPledge publishes the pledge p in review (to published) or sends it
// back to draft, as a decision on its publication case. reason and message
// are optional here: the pledge routes never asked for them.
func (a *API) reviewPledge(ctx context.Context, cl caller, p pledge.Pledge, to pledge.State, reason, message string) error {
	cs, err := a.people.Moderation.CaseFor(ctx, moderation.PledgeVersion, pledge.VersionRef(p.ID, p.Review))
	if fault.Is(err, fault.NotFound) { // sent for review before publication had cases
		cs, err = a.openPublication(ctx, cl, p)
	}
	if err != nil {
		return err
	}
	action, byDefault := moderation.Approve, "published"
	if to == pledge.Draft {
		action, byDefault = moderation.RequestChanges, "changes requested"
		if message == "" {
			message = "Please change the pledge, then ask for a review again."
		}
	}
	if reason == "" {
		reason = byDefault
	}
	_, err = a.people.Moderation.Decide(ctx, moderation.DecideInput{CaseID: cs.ID, By: cl.Subject, Action: action, Reason: reason, Message: message})
	return err
}

// publicationMove is what an outcome on a publication case does to the
// pledge: approve publishes, request_changes and hide send it back to
// draft; restore (of a hidden case) leaves it as it is.
func publicationMove(outcome moderation.Outcome) (pledge.State, bool) {
	switch outcome {
	case moderation.OutcomeApprove:
		return pledge.Published, true
	case moderation.OutcomeRequestChanges, moderation.OutcomeHide:
		return pledge.Draft, true
	}
	return "", false
}

// pledgeInReview loads the pledge of a version reference when that version
// is the one in review; ok is false when the pledge moved on since.
func (a *API) pledgeInReview(ctx context.Context, ref string) (p pledge.Pledge, ok bool, err error) {
	pledgeID, n, valid := pledge.ParseVersionRef(ref)
	if !valid {
		return pledge.Pledge{}, false, fault.Errorf(fault.NotFound, "This pledge does not exist.")
	}
	if p, err = a.people.Pledges.Pledge(ctx, pledgeID); err != nil {
		return pledge.Pledge{}, false, err
	}
	return p, p.State == pledge.InReview && p.Review == n, nil
}

// checkPledgeVersion refuses an outcome the pledge is not ready for: it is
// no longer in review at this version, the policy does not let the caller
// make the move, or (to publish) screening finds something in its items.
func (a *API) checkPledgeVersion(ctx context.Context, ref string, by policy.Subject, outcome moderation.Outcome) error {
	to, moves := publicationMove(outcome)
	if !moves {
		return nil
	}
	p, inReview, err := a.pledgeInReview(ctx, ref)
	if fault.Is(err, fault.NotFound) {
		return nil // the decision is recorded; there is nothing to move
	}
	if err != nil {
		return err
	}
	if !inReview {
		return fault.Errorf(fault.Conflict, "This pledge is not waiting for a moderator any more. Please reload it.")
	}
	r, err := a.pledgeResource(ctx, p, false)
	if err != nil {
		return err
	}
	if err := policy.Check(by, transitionAction[to], r); err != nil {
		return err
	}
	if to != pledge.Published {
		return nil
	}
	v, err := a.people.Pledges.Version(ctx, p.ID, p.Review)
	if err != nil {
		return err
	}
	return a.people.Pledges.CheckScreened(ctx, p.PanelID, v)
}

func (a *API) applyPledgeVersion(ctx context.Context, ref string, ch moderation.Change) error {
	actor, message := ch.Actor, ch.Message
	to, moves := publicationMove(ch.Outcome)
	if !moves {
		return nil
	}
	p, inReview, err := a.pledgeInReview(ctx, ref)
	if err != nil || !inReview {
		return err
	}
	if to == pledge.Draft {
		_, err = a.people.Pledges.SendBack(ctx, actor, p.ID, message) // the group sees what to change
	} else {
		_, err = a.people.Pledges.Move(ctx, actor, p.ID, to)
	}
	return err
}

func (a *API) resolvePledgeVersion(ctx context.Context, ref string) (contentInfo, error) {
	pledgeID, n, ok := pledge.ParseVersionRef(ref)
	if !ok {
		return contentInfo{}, fault.Errorf(fault.NotFound, "This pledge does not exist.")
	}
	ps := a.people.Pledges
	p, err := ps.Pledge(ctx, pledgeID)
	if err != nil {
		return contentInfo{}, err
	}
	v, err := ps.Version(ctx, p.ID, n)
	if fault.Is(err, fault.NotFound) { // sent back to draft: the draft as it is now
		v, err = ps.Current(ctx, p)
	}
	if err != nil {
		return contentInfo{}, err
	}
	published := v.Status == string(pledge.Published)
	return contentInfo{PanelID: p.PanelID, GroupID: p.GroupID, Text: versionText(v), Link: "/pledges/" + p.ID, Title: p.Title,
		Language: p.Language, Approved: published, Hidden: !published}, nil
}
