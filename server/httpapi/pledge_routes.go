package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"chorus/fault"
	"chorus/identity"
	"chorus/ot"
	"chorus/pledge"
	"chorus/policy"
)

func (a *API) pledgeRoutes() []route {
	return []route{
		{fiber.MethodGet, "/api/groups/:groupId/pledges", a.getPledges},
		{fiber.MethodPost, "/api/groups/:groupId/pledges", a.postPledge},
		{fiber.MethodGet, "/api/pledges/:id", a.getPledge},
		{fiber.MethodPatch, "/api/pledges/:id", a.patchPledge},
		{fiber.MethodGet, "/api/pledges/:id/history", a.getPledgeHistory},
		{fiber.MethodPost, "/api/pledges/:id/transitions", a.postPledgeTransition},
		{fiber.MethodGet, "/api/pledges/:id/versions/:number", a.getPledgeVersion},
		{fiber.MethodGet, "/api/pledges/:id/export", a.getPledgeExport},
		{fiber.MethodGet, "/api/pledges/:id/endorsements", a.getEndorsements},
		{fiber.MethodPut, "/api/pledges/:id/endorsements/me", a.putEndorsement},
		{fiber.MethodDelete, "/api/pledges/:id/endorsements/me", a.deleteEndorsement},
		{fiber.MethodPost, "/api/pledges/:id/items", a.postPledgeItem},
		{fiber.MethodDelete, "/api/pledges/:id/items/:itemId", a.deletePledgeItem},
		{fiber.MethodPost, "/api/pledges/:id/items/:itemId/move", a.postPledgeItemMove},
		{fiber.MethodPost, "/api/pledges/:id/items/:itemId/edits", a.postPledgeItemEdit},
		{fiber.MethodGet, "/api/pledges/:id/items/:itemId/history", a.getPledgeItemHistory},
		{fiber.MethodGet, "/api/pledges/:id/items/:itemId/diff", a.getPledgeItemDiff},
		{fiber.MethodPost, "/api/pledges/:id/items/:itemId/restore", a.postPledgeItemRestore},
		{fiber.MethodGet, "/api/pledges/:id/items/:itemId/comments", a.getPledgeComments},
		{fiber.MethodPost, "/api/pledges/:id/items/:itemId/comments", a.postPledgeComment},
		{fiber.MethodPatch, "/api/pledges/:id/comments/:commentId", a.patchPledgeComment},
		{fiber.MethodGet, "/api/pledges/:id/items/:itemId/amendments", a.getPledgeAmendments},
		{fiber.MethodPost, "/api/pledges/:id/items/:itemId/amendments", a.postPledgeAmendment},
		{fiber.MethodPatch, "/api/pledges/:id/amendments/:amendmentId", a.patchPledgeAmendment},
		{fiber.MethodPost, "/api/pledges/:id/amendments/:amendmentId/decision", a.postAmendmentDecision},
	}
}

// pledgeResource is what the policy needs to know about a pledge.
func (a *API) pledgeResource(ctx context.Context, p pledge.Pledge, withModerator bool) (policy.Resource, error) {
	r := policy.Resource{Kind: policy.KindPledge, PanelID: p.PanelID, GroupID: p.GroupID, Approved: p.Approved()}
	if withModerator {
		return a.withModerator(ctx, r)
	}
	return r, nil
}

// withModerator says in r whether its group has a moderator member, which
// every action that writes into a group space needs (rule 1).
func (a *API) withModerator(ctx context.Context, r policy.Resource) (policy.Resource, error) {
	has, err := a.people.Identity.GroupHasModerator(ctx, r.GroupID)
	r.GroupHasModerator = has
	return r, err
}

// pledgeFor is every pledge handler's start: signed in, the pledge loaded,
// the policy asked about act.
func (a *API) pledgeFor(c *fiber.Ctx, act policy.Action) (caller, pledge.Pledge, error) {
	cl, err := a.signedIn(c)
	if err != nil {
		return caller{}, pledge.Pledge{}, err
	}
	p, err := a.pledgeAllowed(c.UserContext(), cl, c.Params("id"), act)
	return cl, p, err
}

// pledgeAllowed loads a pledge and asks the policy whether cl may do act
// on it (and, for posting, whether a moderator muted them there).
func (a *API) pledgeAllowed(ctx context.Context, cl caller, pledgeID string, act policy.Action) (pledge.Pledge, error) {
	p, err := seen(a.people.Pledges.Pledge(ctx, pledgeID))
	if err != nil {
		return pledge.Pledge{}, err
	}
	r, err := a.pledgeResource(ctx, p, act.WritesIntoGroupSpace())
	if err != nil {
		return pledge.Pledge{}, err
	}
	if err := allowed(cl, act, r); err != nil {
		return pledge.Pledge{}, err
	}
	if err := a.notMuted(ctx, cl, act, p.GroupID); err != nil {
		return pledge.Pledge{}, err
	}
	return p, nil
}

// groupFor loads the group of the path and asks the policy about act on a
// pledge in it.
func (a *API) groupFor(c *fiber.Ctx, act policy.Action) (caller, identity.Group, error) {
	cl, err := a.signedIn(c)
	if err != nil {
		return caller{}, identity.Group{}, err
	}
	g, err := seen(a.people.Identity.Group(c.UserContext(), c.Params("groupId")))
	if err != nil {
		return caller{}, identity.Group{}, err
	}
	r, err := a.withModerator(c.UserContext(), policy.Resource{Kind: policy.KindPledge, PanelID: g.PanelID, GroupID: g.ID})
	if err != nil {
		return caller{}, identity.Group{}, err
	}
	if err := allowed(cl, act, r); err != nil {
		return caller{}, identity.Group{}, err
	}
	if err := a.notMuted(c.UserContext(), cl, act, g.ID); err != nil {
		return caller{}, identity.Group{}, err
	}
	return cl, g, nil
}

// pledgeSummary is a pledge in a list. Partners get publishedPledgeView instead.
type pledgeSummary struct {
	ID                string       `json:"id"`
	Title             string       `json:"title"`
	Language          string       `json:"language"`
	State             pledge.State `json:"state"`
	PublishedVersions []int        `json:"publishedVersions"`
	Items             int          `json:"items"`
}

func (a *API) getPledges(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	g, err := seen(a.people.Identity.Group(ctx, c.Params("groupId")))
	if err != nil {
		return err
	}
	base := policy.Resource{Kind: policy.KindPledge, PanelID: g.PanelID, GroupID: g.ID}
	drafts := policy.Decide(cl.Subject, policy.PledgeView, base).Allow
	published := base
	published.Approved = true
	if !drafts {
		// Someone who can see no draft must at least be allowed to see
		// published pledges here; the error says why not otherwise.
		if err := allowed(cl, policy.PledgeViewPublished, published); err != nil {
			return allowed(cl, policy.PledgeView, base)
		}
	}
	ps, err := a.people.Pledges.Pledges(ctx, g.ID)
	if err != nil {
		return err
	}
	out := []pledgeSummary{}
	for _, p := range ps {
		s := pledgeSummary{ID: p.ID, Title: p.Title, Language: p.Language, State: p.State, PublishedVersions: p.Published, Items: len(p.ItemIDs)}
		if !drafts {
			if !p.Approved() {
				continue // rule 2: never a draft
			}
			v, err := a.people.Pledges.Version(ctx, p.ID, p.LatestPublished())
			if err != nil {
				return err
			}
			s.Title, s.Items = v.Title, len(v.Items)
		}
		out = append(out, s)
	}
	return c.JSON(fiber.Map{"pledges": out})
}

func (a *API) postPledge(c *fiber.Ctx) error {
	cl, g, err := a.groupFor(c, policy.PledgeCreate)
	if err != nil {
		return err
	}
	var in struct {
		Title    string `json:"title"`
		Language string `json:"language"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := a.people.Pledges.Create(c.UserContext(), cl.Account.ID, pledge.CreateInput{PanelID: g.PanelID, GroupID: g.ID, Title: in.Title, Language: in.Language})
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"pledge": p, "items": []pledge.Item{}})
}

// getPledge shows the pledge being drafted to those who may see drafts, and
// only the newest published version to everyone else who may see that
// (partners: rule 2).
func (a *API) getPledge(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	p, err := seen(a.people.Pledges.Pledge(ctx, c.Params("id")))
	if err != nil {
		return err
	}
	r, err := a.pledgeResource(ctx, p, true)
	if err != nil {
		return err
	}
	if viewErr := allowed(cl, policy.PledgeView, r); viewErr != nil {
		if allowed(cl, policy.PledgeViewPublished, r) != nil {
			return viewErr
		}
		v, err := a.people.Pledges.Version(ctx, p.ID, p.LatestPublished())
		if err != nil {
			return err
		}
		return c.JSON(publishedDetail{Published: a.versionAsSeen(cl, v), Watchers: policy.Watchers(r)})
	}
	items, err := a.people.Pledges.Items(ctx, p)
	if err != nil {
		return err
	}
	end, err := a.people.Pledges.EndorsementsFor(ctx, cl.Account.ID, p.ID, policy.Decide(cl.Subject, policy.PledgeEndorsementCount, r).Allow)
	if err != nil {
		return err
	}
	watchers, err := a.namedWatchers(ctx, r)
	if err != nil {
		return err
	}
	return c.JSON(pledgeDetail{Pledge: p, Items: items, Endorsements: end, Watchers: watchers, Can: a.pledgeAbilities(cl, r),
		HasModerator: r.GroupHasModerator})
}

// pledgeDetail is a pledge as those who may see its draft get it.
type pledgeDetail struct {
	Pledge       pledge.Pledge       `json:"pledge"`
	Items        []pledge.Item       `json:"items"`
	Endorsements pledge.Endorsements `json:"endorsements"`
	Watchers     []watcherView       `json:"watchers"`
	Can          map[string]bool     `json:"can"`
	HasModerator bool                `json:"hasModerator"` // only then may anyone write into it (rule 1)
}

// publishedDetail is a pledge as those who may see only its published
// versions get it (partners): the newest one.
type publishedDetail struct {
	Published pledge.Version   `json:"published"`
	Watchers  []policy.Watcher `json:"watchers"`
}

// pledgeAbilities tells the app which controls to show; the server checks
// every action again when it is asked.
func (a *API) pledgeAbilities(cl caller, r policy.Resource) map[string]bool {
	out := map[string]bool{}
	for _, act := range []policy.Action{policy.PledgeEdit, policy.PledgeComment, policy.PledgeAmend, policy.PledgeAmendmentDecide, policy.PledgeEndorse,
		policy.PledgeSubmitReview, policy.PledgeRequestChanges, policy.PledgePublish, policy.PledgeOpenRound, policy.PledgeClose, policy.PledgeExport} {
		out[strings.TrimPrefix(string(act), "pledge.")] = policy.Decide(cl.Subject, act, r).Allow
	}
	return out
}

func (a *API) patchPledge(c *fiber.Ctx) error {
	cl, p, err := a.pledgeFor(c, policy.PledgeEdit)
	if err != nil {
		return err
	}
	var in struct {
		Title string `json:"title"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err = a.people.Pledges.Rename(c.UserContext(), cl.Account.ID, p.ID, in.Title)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"pledge": p})
}

func (a *API) getPledgeHistory(c *fiber.Ctx) error {
	_, p, err := a.pledgeFor(c, policy.PledgeView)
	if err != nil {
		return err
	}
	after, err := pledge.ParseNumber("after", c.Query("after"), 0)
	if err != nil {
		return err
	}
	limit, err := pledge.ParseNumber("limit", c.Query("limit"), 0)
	if err != nil {
		return err
	}
	evs, err := a.people.Pledges.PledgeHistory(c.UserContext(), p.ID, after, int(limit))
	if err != nil {
		return err
	}
	type entry struct {
		ID    int64  `json:"id"`
		Time  string `json:"time"`
		Actor string `json:"actor"`
		Type  string `json:"type"`
		Data  any    `json:"data,omitempty"`
	}
	out := make([]entry, 0, len(evs))
	for _, e := range evs {
		out = append(out, entry{ID: e.ID, Time: e.Time.UTC().Format("2006-01-02T15:04:05.000Z07:00"), Actor: e.Actor, Type: e.Type, Data: e.Data})
	}
	return c.JSON(fiber.Map{"events": out})
}

// postPledgeTransition moves a pledge in its life cycle, through its
// publication case (pledge.Publication), with the optional reason and
// message on record.
func (a *API) postPledgeTransition(c *fiber.Ctx) error {
	var in struct {
		To      string `json:"to"`
		Reason  string `json:"reason"`
		Message string `json:"message"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	to, err := pledge.ParseState(in.To)
	if err != nil {
		return err
	}
	cl, p, err := a.pledgeFor(c, pledge.MoveAction(to))
	if err != nil {
		return err
	}
	p, err = pledge.Publication{Pledges: a.people.Pledges, Cases: a.people.Moderation}.Move(c.UserContext(), cl.Subject, p, to, in.Reason, in.Message)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"pledge": p})
}

// versionFor returns the version the request asks for (?version= or the
// path's number; 0 or none: the draft as it is now), checking that the
// caller may see it: partners only published versions.
func (a *API) versionFor(c *fiber.Ctx, act policy.Action, number string) (pledge.Version, error) {
	cl, err := a.signedIn(c)
	if err != nil {
		return pledge.Version{}, err
	}
	ctx := c.UserContext()
	p, err := seen(a.people.Pledges.Pledge(ctx, c.Params("id")))
	if err != nil {
		return pledge.Version{}, err
	}
	r, err := a.pledgeResource(ctx, p, false)
	if err != nil {
		return pledge.Version{}, err
	}
	if err := allowed(cl, act, r); err != nil {
		return pledge.Version{}, err
	}
	n, err := pledge.ParseNumber("version", number, 0)
	if err != nil {
		return pledge.Version{}, err
	}
	seesDrafts := policy.Decide(cl.Subject, policy.PledgeView, r).Allow
	if n == 0 {
		if seesDrafts {
			return a.people.Pledges.Current(ctx, p)
		}
		if n = int64(p.LatestPublished()); n == 0 {
			return pledge.Version{}, pledge.NotPublished()
		}
	}
	v, err := a.people.Pledges.Version(ctx, p.ID, int(n))
	if err != nil {
		return pledge.Version{}, err
	}
	if !seesDrafts && v.Status != string(pledge.Published) {
		return pledge.Version{}, pledge.NotPublished() // a version in review is a draft (rule 2)
	}
	return v, nil
}

func (a *API) getPledgeVersion(c *fiber.Ctx) error {
	v, err := a.versionFor(c, policy.PledgeViewPublished, c.Params("number"))
	if err != nil {
		return err
	}
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"version": a.versionAsSeen(cl, v)})
}

// versionAsSeen is a published version as cl may see it: a partner reads
// who submitted and published it as pseudonyms, never account ids.
func (a *API) versionAsSeen(cl caller, v pledge.Version) pledge.Version {
	v.SubmittedBy, v.PublishedBy = a.pseudonymFor(cl, v.SubmittedBy), a.pseudonymFor(cl, v.PublishedBy)
	return v
}

// getPledgeExport sends a version as a download: Markdown, or a standalone
// printable HTML page (its styles are a linked stylesheet, as the CSP asks).
func (a *API) getPledgeExport(c *fiber.Ctx) error {
	format, err := pledge.ParseFormat(c.Query("format"))
	if err != nil {
		return err
	}
	v, err := a.versionFor(c, policy.PledgeExport, c.Query("version"))
	if err != nil {
		return err
	}
	name := "pledge"
	if v.Number > 0 {
		name += "-v" + strconv.Itoa(v.Number)
	}
	if format == pledge.FormatHTML {
		page, err := pledge.HTML(v)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.html"`)
		return c.Send(page)
	}
	c.Set(fiber.HeaderContentType, "text/markdown; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.md"`)
	return c.Send(pledge.Markdown(v))
}

func (a *API) getEndorsements(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	p, err := seen(a.people.Pledges.Pledge(ctx, c.Params("id")))
	if err != nil {
		return err
	}
	r, err := a.pledgeResource(ctx, p, false)
	if err != nil {
		return err
	}
	count := policy.Decide(cl.Subject, policy.PledgeEndorsementCount, r).Allow
	if !count {
		if err := allowed(cl, policy.PledgeEndorse, r); err != nil {
			return err
		}
	}
	e, err := a.people.Pledges.EndorsementsFor(ctx, cl.Account.ID, p.ID, count)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"endorsements": e})
}

func (a *API) putEndorsement(c *fiber.Ctx) error {
	cl, p, err := a.pledgeFor(c, policy.PledgeEndorse)
	if err != nil {
		return err
	}
	if err := a.people.Pledges.Endorse(c.UserContext(), cl.Account.ID, p.ID); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"endorsements": pledge.Endorsements{Mine: true}})
}

func (a *API) deleteEndorsement(c *fiber.Ctx) error {
	cl, p, err := a.pledgeFor(c, policy.PledgeEndorse)
	if err != nil {
		return err
	}
	return a.sendNoContent(c, a.people.Pledges.Withdraw(c.UserContext(), cl.Account.ID, p.ID))
}

func (a *API) postPledgeItem(c *fiber.Ctx) error {
	cl, p, err := a.pledgeFor(c, policy.PledgeEdit)
	if err != nil {
		return err
	}
	var in struct {
		Heading string `json:"heading"`
		Text    string `json:"text"`
		Summary string `json:"summary"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	it, err := a.people.Pledges.AddItem(c.UserContext(), cl.Account.ID, p.ID, pledge.ItemInput{Heading: in.Heading, Text: in.Text, Summary: in.Summary})
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"item": it})
}

func (a *API) deletePledgeItem(c *fiber.Ctx) error {
	cl, p, err := a.pledgeFor(c, policy.PledgeEdit)
	if err != nil {
		return err
	}
	it, err := a.people.Pledges.RemoveItem(c.UserContext(), cl.Account.ID, p.ID, c.Params("itemId"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"item": it})
}

func (a *API) postPledgeItemMove(c *fiber.Ctx) error {
	cl, p, err := a.pledgeFor(c, policy.PledgeEdit)
	if err != nil {
		return err
	}
	var in struct {
		Position int `json:"position"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err = a.people.Pledges.MoveItem(c.UserContext(), cl.Account.ID, p.ID, c.Params("itemId"), in.Position)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"pledge": p})
}

func (a *API) postPledgeItemEdit(c *fiber.Ctx) error {
	cl, p, err := a.pledgeFor(c, policy.PledgeEdit)
	if err != nil {
		return err
	}
	var in struct {
		Field       string  `json:"field"`
		BaseVersion int64   `json:"baseVersion"`
		Text        *string `json:"text"`
		Op          *ot.Op  `json:"op"`
		Client      string  `json:"client"`
		Seq         int64   `json:"seq"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	f, err := pledge.ParseField(in.Field)
	if err != nil {
		return err
	}
	if (in.Text == nil) == (in.Op == nil) {
		return fault.Errorf(fault.Invalid, "Send either the change (op) or the whole new text (text).")
	}
	if in.Text != nil {
		it, err := a.people.Pledges.EditItem(c.UserContext(), cl.Account.ID, p.ID, c.Params("itemId"), f, in.BaseVersion, *in.Text)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"item": it, "version": it.Version})
	}
	res, err := a.people.Pledges.ApplyEdit(c.UserContext(), cl.Account.ID, p.ID, c.Params("itemId"),
		pledge.Edit{Field: f, Base: in.BaseVersion, Op: *in.Op, Client: in.Client, Seq: in.Seq})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"item": res.Item, "version": res.Version, "op": ot.StripInvertible(res.Op)})
}

func (a *API) getPledgeItemHistory(c *fiber.Ctx) error {
	_, p, err := a.pledgeFor(c, policy.PledgeView)
	if err != nil {
		return err
	}
	since, err := pledge.ParseNumber("since", c.Query("since"), 0)
	if err != nil {
		return err
	}
	revs, err := a.people.Pledges.History(c.UserContext(), p.ID, c.Params("itemId"), since)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"revisions": revs})
}

func (a *API) getPledgeItemDiff(c *fiber.Ctx) error {
	_, p, err := a.pledgeFor(c, policy.PledgeView)
	if err != nil {
		return err
	}
	f, err := pledge.ParseField(c.Query("field"))
	if err != nil {
		return err
	}
	from, err := pledge.ParseNumber("from", c.Query("from"), 1)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	to, err := pledge.ParseNumber("to", c.Query("to"), 0)
	if err != nil {
		return err
	}
	if to == 0 {
		it, err := a.people.Pledges.Item(ctx, p.ID, c.Params("itemId"))
		if err != nil {
			return err
		}
		to = it.Version
	}
	d, err := a.people.Pledges.Diff(ctx, p.ID, c.Params("itemId"), f, from, to)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"diff": d})
}

func (a *API) postPledgeItemRestore(c *fiber.Ctx) error {
	cl, p, err := a.pledgeFor(c, policy.PledgeEdit)
	if err != nil {
		return err
	}
	var in struct {
		Version int64 `json:"version"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	it, err := a.people.Pledges.RestoreItem(c.UserContext(), cl.Account.ID, p.ID, c.Params("itemId"), in.Version)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"item": it})
}
