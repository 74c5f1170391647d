package httpapi

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"chorus/fault"
	"chorus/identity"
	"chorus/policy"
	"chorus/round"
)

// Feedback rounds over HTTP (issue 12): a coordinator opens a round on a
// published pledge version, invited partner organisations answer each item,
// youth react and ask follow-ups, and after the round the partners report
// progress on their commitments. Who may do what is the policy's (round.*
// actions); what may happen when is package round's; what each reader sees
// of the answers is filtered here by the same rules (views in round_views.go).

func (a *API) roundRoutes() []route {
	return []route{
		{fiber.MethodGet, "/api/partner/home", a.getPartnerHome},
		{fiber.MethodGet, "/api/panels/:panelId/rounds", a.getRounds},
		{fiber.MethodPost, "/api/pledges/:id/rounds", a.postRound},
		{fiber.MethodGet, "/api/rounds/:id", a.getRound},
		{fiber.MethodGet, "/api/rounds/:id/answers", a.getRoundAnswers},
		{fiber.MethodGet, "/api/rounds/:id/items/:itemId/mine", a.getRoundMine},
		{fiber.MethodPut, "/api/rounds/:id/items/:itemId/draft", a.putRoundDraft},
		{fiber.MethodPost, "/api/rounds/:id/items/:itemId/answer", a.postRoundAnswer},
		{fiber.MethodPost, "/api/rounds/:id/extensions", a.postRoundExtension},
		{fiber.MethodPost, "/api/rounds/:id/close", a.postRoundClose},
		{fiber.MethodPut, "/api/rounds/:id/answers/:answerId/reaction", a.putRoundReaction},
		{fiber.MethodDelete, "/api/rounds/:id/answers/:answerId/reaction", a.deleteRoundReaction},
		{fiber.MethodPost, "/api/rounds/:id/answers/:answerId/followups", a.postRoundFollowUp},
		{fiber.MethodPost, "/api/rounds/:id/followups/:followUpId/replies", a.postRoundReply},
		{fiber.MethodGet, "/api/rounds/:id/matrix", a.getRoundMatrix},
		{fiber.MethodGet, "/api/rounds/:id/export.csv", a.getRoundCSV},
		{fiber.MethodGet, "/api/rounds/:id/report", a.getRoundReport},
		{fiber.MethodGet, "/api/rounds/:id/commitments", a.getRoundCommitments},
		{fiber.MethodPost, "/api/rounds/:id/commitments/:commitmentId/updates", a.postCommitmentUpdate},
		{fiber.MethodPost, "/api/rounds/:id/review", a.postRoundReview},
		{fiber.MethodPut, "/api/rounds/:id/commitments/:commitmentId/rating", a.putCommitmentRating},
		{fiber.MethodGet, "/api/rounds/:id/scorecards", a.getScorecards},
		{fiber.MethodPost, "/api/rounds/:id/scorecards/:orgId/publish", a.postScorecardPublish},
		{fiber.MethodGet, "/api/public/scorecards/:roundId/:orgId", a.getPublicScorecard},
		{fiber.MethodPost, "/api/rounds/:id/sessions", a.postRoundSession},
	}
}

func (a *API) rounds() (*round.Service, error) {
	if a.people == nil || a.people.Rounds == nil {
		return nil, fault.Errorf(fault.Unavailable, "Feedback rounds are not available on this server.")
	}
	return a.people.Rounds, nil
}

// --- who the caller is in a round ---

// roundReader is how a caller reads a round: as a supervisor (everything
// submitted, never drafts), as a partner of an invited organisation (its
// own answers in full, others' approved), or as youth (approved only).
type roundReader struct {
	cl         caller
	names      *names
	supervisor bool
	org        string
	youth      bool
}

func (a *API) readerOf(ctx context.Context, cl caller, r round.Round) roundReader {
	res := r.Resource(cl.Subject)
	rd := roundReader{cl: cl, names: &names{a: a, ctx: ctx, known: map[string]string{}}, supervisor: policy.Decide(cl.Subject, policy.RoundReport, res).Allow, org: r.OrgOf(cl.Subject)}
	rd.youth = !rd.supervisor && rd.org == "" && policy.Decide(cl.Subject, policy.RoundReact, res).Allow
	return rd
}

func (rd roundReader) role() string {
	switch {
	case rd.supervisor:
		for _, m := range rd.cl.Subject.Memberships {
			if m.Role == identity.Coordinator {
				return string(identity.Coordinator)
			}
		}
		return string(identity.Moderator)
	case rd.org != "":
		return string(identity.Partner)
	case rd.youth:
		return string(identity.Youth)
	}
	return ""
}

// roundFor is every round handler's start: signed in, the round loaded,
// the policy asked about act.
func (a *API) roundFor(c *fiber.Ctx, act policy.Action) (caller, round.Round, error) {
	svc, err := a.rounds()
	if err != nil {
		return caller{}, round.Round{}, err
	}
	cl, err := a.signedIn(c)
	if err != nil {
		return caller{}, round.Round{}, err
	}
	r, err := seen(svc.Round(c.UserContext(), c.Params("id")))
	if err != nil {
		return caller{}, round.Round{}, err
	}
	if err := allowed(cl, act, r.Resource(cl.Subject)); err != nil {
		// Whoever may not even see the round hears why not (404 for an
		// organisation it did not invite: not told it exists).
		if view := allowed(cl, policy.RoundView, r.Resource(cl.Subject)); view != nil {
			return caller{}, round.Round{}, view
		}
		return caller{}, round.Round{}, err
	}
	return cl, r, nil
}

// roundTopic allows the live feed of a round to those who may see it.
func (t *TopicPolicy) roundTopic(ctx context.Context, s policy.Subject, id string) error {
	svc, err := t.api.rounds()
	if err != nil {
		return err
	}
	r, err := svc.Round(ctx, id)
	if err != nil {
		return err
	}
	return policy.Check(s, policy.RoundView, r.Resource(s))
}

func answerer(cl caller, org string) round.Answerer {
	return round.Answerer{AccountID: cl.Account.ID, OrgID: org, Language: cl.Account.Language}
}

func youthOf(cl caller) round.Youth {
	return round.Youth{AccountID: cl.Account.ID, Language: cl.Account.Language}
}

// --- handlers ---

func (a *API) getRounds(c *fiber.Ctx) error {
	svc, err := a.rounds()
	if err != nil {
		return err
	}
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	p, err := seen(a.people.Identity.Panel(ctx, c.Params("panelId")))
	if err != nil {
		return err
	}
	if err := allowed(cl, policy.PanelView, policy.Resource{Kind: policy.KindPanel, PanelID: p.ID, CentreID: p.OrgID}); err != nil {
		return err
	}
	rs, err := svc.Rounds(ctx, p.ID)
	if err != nil {
		return err
	}
	out := []roundView{}
	for _, r := range rs {
		if !policy.Decide(cl.Subject, policy.RoundView, r.Resource(cl.Subject)).Allow {
			continue
		}
		v, err := a.roundView(ctx, r, a.readerOf(c.UserContext(), cl, r))
		if err != nil {
			return err
		}
		out = append(out, v)
	}
	return c.JSON(fiber.Map{"rounds": out})
}

func (a *API) postRound(c *fiber.Ctx) error {
	svc, err := a.rounds()
	if err != nil {
		return err
	}
	cl, p, err := a.pledgeFor(c, policy.PledgeOpenRound)
	if err != nil {
		return err
	}
	var in struct {
		Version         int               `json:"version"`
		OrganisationIDs []string          `json:"organisationIds"`
		Deadline        time.Time         `json:"deadline"`
		Questions       map[string]string `json:"questions"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := svc.Open(c.UserContext(), cl.Account.ID, round.OpenInput{PledgeID: p.ID, Version: in.Version, OrgIDs: in.OrganisationIDs,
		Deadline: in.Deadline, Questions: in.Questions})
	if err != nil {
		return err
	}
	v, err := a.roundView(c.UserContext(), r, a.readerOf(c.UserContext(), cl, r))
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"round": v})
}

func (a *API) getRound(c *fiber.Ctx) error {
	cl, r, err := a.roundFor(c, policy.RoundView)
	if err != nil {
		return err
	}
	v, err := a.roundView(c.UserContext(), r, a.readerOf(c.UserContext(), cl, r))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"round": v, "watchers": roundWatchers(r)})
}

// roundWatchers answers rule 8 for a round: who can see it, the invited
// organisations included.
func roundWatchers(r round.Round) []policy.Watcher {
	res := policy.Resource{Kind: policy.KindRound, PanelID: r.PanelID, CentreID: r.CentreID}
	out := policy.Watchers(res)
	for _, o := range r.Orgs {
		res.OrgID = o.ID
		for _, w := range policy.Watchers(res) {
			if !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

func (a *API) getRoundAnswers(c *fiber.Ctx) error {
	cl, r, err := a.roundFor(c, policy.RoundView)
	if err != nil {
		return err
	}
	items, err := a.answersFor(c.UserContext(), r, a.readerOf(c.UserContext(), cl, r))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

// partnerFor is roundFor for what a partner does for its organisation.
func (a *API) partnerFor(c *fiber.Ctx, act policy.Action) (caller, round.Round, string, error) {
	cl, r, err := a.roundFor(c, act)
	if err != nil {
		return caller{}, round.Round{}, "", err
	}
	return cl, r, r.OrgOf(cl.Subject), nil
}

func (a *API) getRoundMine(c *fiber.Ctx) error {
	cl, r, org, err := a.partnerFor(c, policy.RoundAnswer)
	if err != nil {
		return err
	}
	if _, ok := r.Item(c.Params("itemId")); !ok {
		return fault.Errorf(fault.NotFound, "This item is not part of the round.")
	}
	v, err := a.workingCopy(c.UserContext(), r, a.readerOf(c.UserContext(), cl, r), org, c.Params("itemId"))
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (a *API) putRoundDraft(c *fiber.Ctx) error {
	cl, r, org, err := a.partnerFor(c, policy.RoundAnswer)
	if err != nil {
		return err
	}
	var b round.Body
	if err := decode(c, &b); err != nil {
		return err
	}
	ans, err := a.people.Rounds.SaveDraft(c.UserContext(), r.ID, c.Params("itemId"), answerer(cl, org), b)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"draft": bodyView(*ans.Draft), "draftBy": a.readerOf(c.UserContext(), cl, r).names.partner(ans.DraftByID), "draftAt": ans.DraftAt})
}

func (a *API) postRoundAnswer(c *fiber.Ctx) error {
	cl, r, org, err := a.partnerFor(c, policy.RoundAnswer)
	if err != nil {
		return err
	}
	var b round.Body
	if err := decode(c, &b); err != nil {
		return err
	}
	ctx := c.UserContext()
	ans, err := a.people.Rounds.Submit(ctx, r.ID, c.Params("itemId"), answerer(cl, org), b)
	if err != nil {
		return err
	}
	v, err := a.workingCopy(ctx, r, a.readerOf(c.UserContext(), cl, r), org, ans.ItemID)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"answer": v.Answer})
}

func (a *API) postRoundExtension(c *fiber.Ctx) error {
	cl, r, err := a.roundFor(c, policy.RoundManage)
	if err != nil {
		return err
	}
	var in struct {
		OrganisationID string    `json:"organisationId"`
		Deadline       time.Time `json:"deadline"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err = a.people.Rounds.Extend(c.UserContext(), cl.Account.ID, r.ID, in.OrganisationID, in.Deadline)
	if err != nil {
		return err
	}
	return a.sendRound(c, cl, r)
}

func (a *API) sendRound(c *fiber.Ctx, cl caller, r round.Round) error {
	v, err := a.roundView(c.UserContext(), r, a.readerOf(c.UserContext(), cl, r))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"round": v})
}

func (a *API) postRoundClose(c *fiber.Ctx) error {
	cl, r, err := a.roundFor(c, policy.RoundManage)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	r, cs, err := a.people.Rounds.Close(ctx, cl.Account.ID, r.ID)
	if err != nil {
		return err
	}
	rd := a.readerOf(c.UserContext(), cl, r)
	v, err := a.roundView(ctx, r, rd)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"round": v, "commitments": commitmentViews(r, cs, rd, nil)})
}

func (a *API) putRoundReaction(c *fiber.Ctx) error {
	cl, r, err := a.roundFor(c, policy.RoundReact)
	if err != nil {
		return err
	}
	var in struct {
		Reaction round.Reaction `json:"reaction"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := a.people.Rounds.React(c.UserContext(), r.ID, c.Params("answerId"), cl.Account.ID, in.Reaction); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"reaction": in.Reaction})
}

func (a *API) deleteRoundReaction(c *fiber.Ctx) error {
	cl, r, err := a.roundFor(c, policy.RoundReact)
	if err != nil {
		return err
	}
	if err := a.people.Rounds.Unreact(c.UserContext(), r.ID, c.Params("answerId"), cl.Account.ID); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

func (a *API) postRoundFollowUp(c *fiber.Ctx) error {
	cl, r, err := a.roundFor(c, policy.RoundFollowUp)
	if err != nil {
		return err
	}
	var in struct {
		Text string `json:"text"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	f, err := a.people.Rounds.Ask(c.UserContext(), r.ID, c.Params("answerId"), youthOf(cl), in.Text)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"followUp": followUpView(r, f, a.readerOf(c.UserContext(), cl, r), nil)})
}

func (a *API) postRoundReply(c *fiber.Ctx) error {
	cl, r, org, err := a.partnerFor(c, policy.RoundReply)
	if err != nil {
		return err
	}
	var in struct {
		Text string `json:"text"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	rp, err := a.people.Rounds.ReplyTo(c.UserContext(), r.ID, c.Params("followUpId"), answerer(cl, org), in.Text)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"reply": replyView(rp, r)})
}

func (a *API) getRoundCommitments(c *fiber.Ctx) error {
	cl, r, err := a.roundFor(c, policy.RoundView)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	cs, err := a.people.Rounds.Commitments(ctx, r.ID)
	if err != nil {
		return err
	}
	rd := a.readerOf(c.UserContext(), cl, r)
	var mine map[string]round.StoredRating
	if rd.youth {
		mine, err = a.myRatings(ctx, r, cl.Account.ID)
		if err != nil {
			return err
		}
	}
	return c.JSON(fiber.Map{"commitments": commitmentViews(r, cs, rd, mine)})
}

func (a *API) myRatings(ctx context.Context, r round.Round, accountID string) (map[string]round.StoredRating, error) {
	rs, err := a.people.Rounds.RatingsOf(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	out := map[string]round.StoredRating{}
	for _, v := range rs {
		if v.AccountID == accountID {
			out[v.CommitmentID] = v
		}
	}
	return out, nil
}

func (a *API) postCommitmentUpdate(c *fiber.Ctx) error {
	cl, r, org, err := a.partnerFor(c, policy.RoundUpdate)
	if err != nil {
		return err
	}
	var in struct {
		Status   round.Progress `json:"status"`
		Note     string         `json:"note"`
		Evidence []string       `json:"evidence"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	cm, err := a.people.Rounds.UpdateCommitment(c.UserContext(), r.ID, c.Params("commitmentId"), answerer(cl, org),
		round.UpdateInput{Status: in.Status, Note: in.Note, Evidence: in.Evidence})
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"commitment": commitmentViews(r, []round.Commitment{cm}, a.readerOf(c.UserContext(), cl, r), nil)[0]})
}

func (a *API) postRoundReview(c *fiber.Ctx) error {
	cl, r, err := a.roundFor(c, policy.RoundManage)
	if err != nil {
		return err
	}
	var in struct {
		DueAt time.Time `json:"dueAt"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err = a.people.Rounds.OpenReview(c.UserContext(), cl.Account.ID, r.ID, in.DueAt)
	if err != nil {
		return err
	}
	return a.sendRound(c, cl, r)
}

func (a *API) putCommitmentRating(c *fiber.Ctx) error {
	cl, r, err := a.roundFor(c, policy.RoundRate)
	if err != nil {
		return err
	}
	var in struct {
		Rating round.Rating `json:"rating"`
		Reason string       `json:"reason"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	v, err := a.people.Rounds.Rate(c.UserContext(), r.ID, c.Params("commitmentId"), youthOf(cl), in.Rating, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"rating": ratingView{Rating: v.Rating, Reason: v.Reason, Status: v.ReasonStatus}})
}

func (a *API) getScorecards(c *fiber.Ctx) error {
	cl, r, err := a.roundFor(c, policy.RoundScorecard)
	if err != nil {
		return err
	}
	scs, err := a.people.Rounds.Scorecards(c.UserContext(), r)
	if err != nil {
		return err
	}
	rd := a.readerOf(c.UserContext(), cl, r)
	out := []scorecardView{}
	for _, sc := range scs {
		if rd.org != "" && sc.Org.ID != rd.org {
			continue // a partner sees its own scorecard only, and only once published (policy)
		}
		out = append(out, scorecardOf(sc))
	}
	return c.JSON(fiber.Map{"scorecards": out})
}

func (a *API) postScorecardPublish(c *fiber.Ctx) error {
	cl, r, err := a.roundFor(c, policy.RoundManage)
	if err != nil {
		return err
	}
	var in struct {
		Public bool `json:"public"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	r, err = a.people.Rounds.PublishScorecard(ctx, cl.Account.ID, r.ID, c.Params("orgId"), in.Public)
	if err != nil {
		return err
	}
	scs, err := a.people.Rounds.Scorecards(ctx, r)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(scs, func(sc round.Scorecard) bool { return sc.Org.ID == c.Params("orgId") })
	return c.JSON(fiber.Map{"scorecard": scorecardOf(scs[i])})
}

// getPublicScorecard serves a scorecard the coordinator made public to
// anyone: it names the partner and its commitments, never a person.
func (a *API) getPublicScorecard(c *fiber.Ctx) error {
	svc, err := a.rounds()
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	r, err := seen(svc.Round(ctx, c.Params("roundId")))
	if err != nil {
		return err
	}
	if !r.Scorecard(c.Params("orgId")).Public {
		return policy.NotFound()
	}
	scs, err := svc.Scorecards(ctx, r)
	if err != nil {
		return err
	}
	for _, sc := range scs {
		if sc.Org.ID == c.Params("orgId") {
			c.Set(fiber.HeaderCacheControl, "public, max-age=60")
			return c.JSON(scorecardOf(sc))
		}
	}
	return policy.NotFound()
}

// getPartnerHome is a partner's start: what was published to the panels
// they are partners in, the rounds inviting their organisation with what
// is due, and their organisation's commitments.
func (a *API) getPartnerHome(c *fiber.Ctx) error {
	svc, err := a.rounds()
	if err != nil {
		return err
	}
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	published, err := a.publishedPledges(ctx, cl, func(m identity.Membership) bool { return m.Role == identity.Partner })
	if err != nil {
		return err
	}
	pledges, rounds, commitments := []partnerPledge{}, []roundView{}, []commitmentView{}
	for _, p := range published {
		pledges = append(pledges, partnerPledge{PledgeID: p.ID, PanelID: p.PanelID, Title: p.Title, Language: p.Language, Version: p.Version, PublishedAt: p.PublishedAt})
	}
	orgsSeen := map[string]bool{}
	for _, m := range cl.Subject.Memberships {
		if m.Role != identity.Partner || m.PanelID == "" {
			continue
		}
		rs, err := svc.Rounds(ctx, m.PanelID)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if !r.Invites(m.OrgID) || !policy.Decide(cl.Subject, policy.RoundView, r.Resource(cl.Subject)).Allow {
				continue
			}
			rd := a.readerOf(c.UserContext(), cl, r)
			v, err := a.roundView(ctx, r, rd)
			if err != nil {
				return err
			}
			rounds = append(rounds, v)
			if !orgsSeen[r.ID+m.OrgID] {
				orgsSeen[r.ID+m.OrgID] = true
				cs, err := svc.Commitments(ctx, r.ID)
				if err != nil {
					return err
				}
				for _, cv := range commitmentViews(r, cs, rd, nil) {
					if cv.Organisation.ID == m.OrgID {
						commitments = append(commitments, cv)
					}
				}
			}
		}
	}
	return c.JSON(partnerHome{Pledges: pledges, Rounds: rounds, Commitments: commitments})
}

// partnerHome is a partner's home (schema PartnerHome).
type partnerHome struct {
	Pledges     []partnerPledge  `json:"pledges"`
	Rounds      []roundView      `json:"rounds"`
	Commitments []commitmentView `json:"commitments"`
}

// partnerPledge is a pledge version published to a partner's panel
// (schema PartnerPledge).
type partnerPledge struct {
	PledgeID    string     `json:"pledgeId"`
	PanelID     string     `json:"panelId"`
	Title       string     `json:"title"`
	Language    string     `json:"language"`
	Version     int        `json:"version"`
	PublishedAt *time.Time `json:"publishedAt,omitempty"`
}

// postRoundSession schedules a supervised live session with the round's
// partners: whoever may schedule sessions in the panel (session.schedule).
func (a *API) postRoundSession(c *fiber.Ctx) error {
	cl, r, err := a.roundFor(c, policy.RoundView)
	if err != nil {
		return err
	}
	if err := allowed(cl, policy.SessionSchedule, policy.Resource{Kind: policy.KindSession, PanelID: r.PanelID, CentreID: r.CentreID}); err != nil {
		return err
	}
	var in struct {
		Title    string    `json:"title"`
		StartsAt time.Time `json:"startsAt"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	r, sess, err := a.people.Rounds.ScheduleSession(ctx, cl.Account.ID, r.ID, in.Title, in.StartsAt)
	if err != nil {
		return err
	}
	v, err := a.roundView(ctx, r, a.readerOf(c.UserContext(), cl, r))
	if err != nil {
		return err
	}
	sv, err := a.sessionView(ctx, sess)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"round": v, "session": sv})
}
