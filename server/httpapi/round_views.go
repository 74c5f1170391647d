package httpapi

import (
	"context"
	"time"

	"chorus/fault"
	"chorus/policy"

	"chorus/round"
)

// What each reader sees of a round. The rules, in one place:
//   - drafts: the organisation's own members only;
//   - submitted revisions: the organisation and supervisors see every one
//     with its moderation status; everyone else only approved ones (rule 2);
//   - follow-ups and replies: approved ones for everyone, the author's own
//     and the supervisors' view of the others with their status;
//   - reactions: counts for supervisors and the answering organisation,
//     a youth's own reaction to them, never who reacted (rule 7).

// names looks people up once per request: youth by first name and
// country (rule 4), partners by their display name; an erased account by
// nothing at all.
type names struct {
	a     *API
	ctx   context.Context
	known map[string]string
}

func (n *names) lookup(id string, short bool) string {
	key := id
	if short {
		key = "y:" + id
	}
	if s, ok := n.known[key]; ok || id == "" {
		return s
	}
	acc, err := n.a.people.Identity.Account(n.ctx, id)
	s := ""
	switch {
	case err != nil: // erased, or not readable now: no name rather than a stale one
	case short:
		s = policy.ShortName(acc.DisplayName, acc.Country)
	default:
		s = acc.DisplayName
	}
	n.known[key] = s
	return s
}

func (n *names) youth(id string) string   { return n.lookup(id, true) }
func (n *names) partner(id string) string { return n.lookup(id, false) }

type orgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type roundOrgView struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Deadline time.Time `json:"deadline"`
	Extended bool      `json:"extended"`
}

type roundMe struct {
	Role           string     `json:"role"`
	OrganisationID string     `json:"organisationId,omitempty"`
	Deadline       *time.Time `json:"deadline,omitempty"`
	CanAnswer      bool       `json:"canAnswer"`
	Unanswered     int        `json:"unanswered"`
}

type roundView struct {
	ID            string             `json:"id"`
	PanelID       string             `json:"panelId"`
	PledgeID      string             `json:"pledgeId"`
	Version       int                `json:"version"`
	Title         string             `json:"title"`
	Language      string             `json:"language"`
	State         round.State        `json:"state"`
	Deadline      time.Time          `json:"deadline"`
	Organisations []roundOrgView     `json:"organisations"`
	Items         []round.Item       `json:"items"`
	CreatedAt     time.Time          `json:"createdAt"`
	ClosedAt      *time.Time         `json:"closedAt,omitempty"`
	Review        *reviewView        `json:"review,omitempty"`
	Sessions      []round.SessionRef `json:"sessions"`
	Topic         string             `json:"topic"`
	Me            roundMe            `json:"me"`
}

type reviewView struct {
	DueAt    time.Time `json:"dueAt"`
	OpenedAt time.Time `json:"openedAt"`
}

func (a *API) roundView(ctx context.Context, r round.Round, rd roundReader) (roundView, error) {
	v := roundView{ID: r.ID, PanelID: r.PanelID, PledgeID: r.PledgeID, Version: r.Version, Title: r.Title, Language: r.Language,
		State: r.State, Deadline: r.Deadline, Organisations: []roundOrgView{}, Items: r.Items, CreatedAt: r.CreatedAt, ClosedAt: r.ClosedAt,
		Sessions: r.Sessions, Topic: round.Topic(r.ID), Me: roundMe{Role: rd.role()}}
	if v.Sessions == nil {
		v.Sessions = []round.SessionRef{}
	}
	if v.Items == nil {
		v.Items = []round.Item{}
	}
	if r.Review != nil {
		v.Review = &reviewView{DueAt: r.Review.DueAt, OpenedAt: r.Review.OpenedAt}
	}
	for _, o := range r.Orgs {
		if rd.org != "" && o.ID != rd.org && !rd.supervisor {
			// Partners see the other organisations by name only, not
			// their deadlines.
			v.Organisations = append(v.Organisations, roundOrgView{ID: o.ID, Name: o.Name, Deadline: r.Deadline})
			continue
		}
		v.Organisations = append(v.Organisations, roundOrgView{ID: o.ID, Name: o.Name, Deadline: o.Deadline, Extended: o.Extended})
	}
	if rd.org != "" {
		o, _ := r.Org(rd.org)
		v.Me.OrganisationID, v.Me.Deadline = o.ID, &o.Deadline
		v.Me.CanAnswer = r.CanAnswer(o.ID, a.people.Now())
		answers, err := a.people.Rounds.Answers(ctx, r.ID)
		if err != nil {
			return roundView{}, err
		}
		v.Me.Unanswered = len(r.Items)
		for _, ans := range answers {
			if ans.OrgID == o.ID && ans.Submitted() {
				v.Me.Unanswered--
			}
		}
	}
	return v, nil
}

type bodyJSON struct {
	Stance      round.Stance   `json:"stance"`
	Explanation string         `json:"explanation"`
	Actions     []round.Action `json:"actions"`
	Evidence    []string       `json:"evidence"`
}

func bodyView(b round.Body) bodyJSON {
	v := bodyJSON{Stance: b.Stance, Explanation: b.Explanation, Actions: b.Actions, Evidence: b.Evidence}
	if v.Actions == nil {
		v.Actions = []round.Action{}
	}
	if v.Evidence == nil {
		v.Evidence = []string{}
	}
	return v
}

type revisionView struct {
	bodyJSON
	Revision    int          `json:"revision"`
	SubmittedAt time.Time    `json:"submittedAt"`
	Late        bool         `json:"late"`
	Status      round.Status `json:"status"`
	By          string       `json:"by"`
}

type answerView struct {
	ID           string `json:"id"`
	ItemID       string `json:"itemId"`
	Organisation orgRef `json:"organisation"`
	bodyJSON
	Revision    int                    `json:"revision"`
	Late        bool                   `json:"late"`
	SubmittedAt time.Time              `json:"submittedAt"`
	Status      round.Status           `json:"status"`
	History     []revisionView         `json:"history"`
	FollowUps   []followUpJSON         `json:"followUps"`
	MyReaction  round.Reaction         `json:"myReaction,omitempty"`
	Reactions   map[round.Reaction]int `json:"reactions,omitempty"`
}

type replyJSON struct {
	ID           string       `json:"id"`
	Text         string       `json:"text"`
	Organisation string       `json:"organisation"`
	At           time.Time    `json:"at"`
	Status       round.Status `json:"status"`
}

type followUpJSON struct {
	ID             string       `json:"id"`
	AnswerID       string       `json:"answerId"`
	ItemID         string       `json:"itemId"`
	OrganisationID string       `json:"organisationId"`
	Text           string       `json:"text"`
	Author         string       `json:"author"`
	At             time.Time    `json:"at"`
	Status         round.Status `json:"status"`
	Mine           bool         `json:"mine"`
	Replies        []replyJSON  `json:"replies"`
}

func orgName(r round.Round, id string) string {
	o, _ := r.Org(id)
	return o.Name
}

func replyView(rp round.Reply, r round.Round) replyJSON {
	return replyJSON{ID: rp.ID, Text: rp.Text, Organisation: orgName(r, rp.OrgID), At: rp.At, Status: rp.Status}
}

// followUpView is a follow-up as rd may see it, with the replies rd may see.
func followUpView(r round.Round, f round.FollowUp, rd roundReader, replies []round.Reply) followUpJSON {
	v := followUpJSON{ID: f.ID, AnswerID: f.AnswerID, ItemID: f.ItemID, OrganisationID: f.OrgID, Text: f.Text, Author: rd.names.youth(f.AuthorID),
		At: f.At, Status: f.Status, Mine: f.AuthorID == rd.cl.Account.ID, Replies: []replyJSON{}}
	for _, rp := range replies {
		if rp.FollowUpID == f.ID && (rp.Status == round.Approved || rd.supervisor || rp.OrgID == rd.org) {
			v.Replies = append(v.Replies, replyView(rp, r))
		}
	}
	return v
}

func (rd roundReader) seesFollowUp(f round.FollowUp) bool {
	return f.Status == round.Approved || rd.supervisor || f.AuthorID == rd.cl.Account.ID
}

func revisionOf(rev round.Revision, rd roundReader) revisionView {
	return revisionView{bodyJSON: bodyView(rev.Body), Revision: rev.N, SubmittedAt: rev.At, Late: rev.Late, Status: rev.Status, By: rd.names.partner(rev.ByID)}
}

// answerFor is ans as rd may see it; ok is false when rd may see none of it.
func answerFor(r round.Round, ans round.Answer, rd roundReader) (answerView, bool) {
	full := rd.supervisor || ans.OrgID == rd.org
	rev, ok := ans.Shown()
	if full {
		rev, ok = ans.Latest()
	}
	if !ok {
		return answerView{}, false
	}
	v := answerView{ID: ans.ID, ItemID: ans.ItemID, Organisation: orgRef{ID: ans.OrgID, Name: orgName(r, ans.OrgID)}, bodyJSON: bodyView(rev.Body),
		Revision: rev.N, Late: rev.Late, SubmittedAt: rev.At, Status: rev.Status, History: []revisionView{}, FollowUps: []followUpJSON{}}
	for _, h := range ans.Revisions {
		if full || h.Status == round.Approved {
			v.History = append(v.History, revisionOf(h, rd))
		}
	}
	return v, true
}

type itemAnswers struct {
	ItemID  string       `json:"itemId"`
	Answers []answerView `json:"answers"`
}

// answersFor is every answer of r as rd may see it, per item, with
// follow-ups and reactions.
func (a *API) answersFor(ctx context.Context, r round.Round, rd roundReader) ([]itemAnswers, error) {
	svc := a.people.Rounds
	answers, err := svc.Answers(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	fus, err := svc.FollowUps(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	replies, err := svc.Replies(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	rc, err := svc.Reactions(ctx, r.ID, rd.cl.Account.ID)
	if err != nil {
		return nil, err
	}
	byID := map[string]round.Answer{}
	for _, ans := range answers {
		byID[ans.ID] = ans
	}
	byItem := map[string][]answerView{}
	for _, key := range answerOrder(r) {
		ans, found := byID[key]
		if !found {
			continue
		}
		v, ok := answerFor(r, ans, rd)
		if !ok {
			continue
		}
		for _, f := range fus {
			if f.AnswerID == ans.ID && rd.seesFollowUp(f) {
				v.FollowUps = append(v.FollowUps, followUpView(r, f, rd, replies))
			}
		}
		if rd.supervisor || ans.OrgID == rd.org {
			v.Reactions = rc.Counts[ans.ID]
			if v.Reactions == nil {
				v.Reactions = map[round.Reaction]int{round.Clear: 0, round.NotClear: 0, round.WantMore: 0}
			}
		}
		if rd.youth {
			v.MyReaction = rc.Mine[ans.ID]
		}
		byItem[ans.ItemID] = append(byItem[ans.ItemID], v)
	}
	out := make([]itemAnswers, 0, len(r.Items))
	for _, it := range r.Items {
		as := byItem[it.ID]
		if as == nil {
			as = []answerView{}
		}
		out = append(out, itemAnswers{ItemID: it.ID, Answers: as})
	}
	return out, nil
}

// answerOrder is the ids of every possible answer of r: by item, then by
// organisation in the order the round invited them.
func answerOrder(r round.Round) []string {
	out := make([]string, 0, len(r.Items)*len(r.Orgs))
	for _, it := range r.Items {
		for _, o := range r.Orgs {
			out = append(out, round.AnswerID(r.ID, o.ID, it.ID))
		}
	}
	return out
}

type workingCopyView struct {
	ItemID  string      `json:"itemId"`
	Draft   *bodyJSON   `json:"draft"`
	DraftBy string      `json:"draftBy,omitempty"`
	DraftAt *time.Time  `json:"draftAt,omitempty"`
	Answer  *answerView `json:"answer"`
}

// workingCopy is an organisation's draft and answer for an item.
func (a *API) workingCopy(ctx context.Context, r round.Round, rd roundReader, org, itemID string) (workingCopyView, error) {
	v := workingCopyView{ItemID: itemID}
	ans, err := a.people.Rounds.Answer(ctx, round.AnswerID(r.ID, org, itemID))
	if err != nil {
		if fault.Is(err, fault.NotFound) {
			return v, nil
		}
		return v, err
	}
	if ans.Draft != nil {
		b := bodyView(*ans.Draft)
		v.Draft, v.DraftBy, v.DraftAt = &b, rd.names.partner(ans.DraftByID), &ans.DraftAt
	}
	if av, ok := answerFor(r, ans, rd); ok {
		v.Answer = &av
	}
	return v, nil
}

type updateView struct {
	ID         string         `json:"id"`
	Status     round.Progress `json:"status"`
	Note       string         `json:"note"`
	Evidence   []string       `json:"evidence"`
	At         time.Time      `json:"at"`
	Moderation round.Status   `json:"moderation"`
}

type ratingView struct {
	Rating round.Rating `json:"rating"`
	Reason string       `json:"reason,omitempty"`
	Status round.Status `json:"status,omitempty"`
}

type commitmentView struct {
	ID               string         `json:"id"`
	RoundID          string         `json:"roundId"`
	ItemID           string         `json:"itemId"`
	Organisation     orgRef         `json:"organisation"`
	Text             string         `json:"text"`
	DueDate          string         `json:"dueDate"`
	Status           round.Progress `json:"status"`
	Updates          []updateView   `json:"updates"`
	UpdatedForReview *bool          `json:"updatedForReview,omitempty"`
	MyRating         *ratingView    `json:"myRating,omitempty"`
}

// commitmentViews shows commitments as rd may see them: the organisation
// and supervisors every update; everyone else approved updates only.
func commitmentViews(r round.Round, cs []round.Commitment, rd roundReader, mine map[string]round.StoredRating) []commitmentView {
	out := make([]commitmentView, 0, len(cs))
	for _, c := range cs {
		full := rd.supervisor || c.OrgID == rd.org
		v := commitmentView{ID: c.ID, RoundID: c.RoundID, ItemID: c.ItemID, Organisation: orgRef{ID: c.OrgID, Name: orgName(r, c.OrgID)},
			Text: c.Text, DueDate: c.DueDate, Status: c.ShownStatus(), Updates: []updateView{}}
		if full {
			v.Status = c.Status()
		}
		for _, u := range c.Updates {
			if full || u.Moderation == round.Approved {
				ev := u.Evidence
				if ev == nil {
					ev = []string{}
				}
				v.Updates = append(v.Updates, updateView{ID: round.UpdateRef(c.ID, u.N), Status: u.Status, Note: u.Note, Evidence: ev, At: u.At, Moderation: u.Moderation})
			}
		}
		if r.Review != nil {
			done := c.UpdatedSince(r.Review.OpenedAt)
			v.UpdatedForReview = &done
		}
		if m, ok := mine[c.ID]; ok {
			v.MyRating = &ratingView{Rating: m.Rating, Reason: m.Reason, Status: m.ReasonStatus}
		}
		out = append(out, v)
	}
	return out
}

type scoreLineView struct {
	ID          string               `json:"id"`
	ItemHeading string               `json:"itemHeading"`
	Text        string               `json:"text"`
	Status      round.Progress       `json:"status"`
	Ratings     map[round.Rating]int `json:"ratings"`
	Reasons     []string             `json:"reasons"`
}

type scorecardView struct {
	RoundID      string               `json:"roundId"`
	Organisation orgRef               `json:"organisation"`
	Published    bool                 `json:"published"`
	Public       bool                 `json:"public"`
	Commitments  []scoreLineView      `json:"commitments"`
	Totals       map[round.Rating]int `json:"totals"`
}

// scorecardOf shows a scorecard: counts and approved reasons, never who
// rated, and the status youth see (approved updates).
func scorecardOf(sc round.Scorecard) scorecardView {
	v := scorecardView{RoundID: sc.RoundID, Organisation: orgRef{ID: sc.Org.ID, Name: sc.Org.Name}, Published: sc.State.Published,
		Public: sc.State.Public, Commitments: []scoreLineView{}, Totals: sc.Totals}
	for _, l := range sc.Lines {
		v.Commitments = append(v.Commitments, scoreLineView{ID: l.Commitment.ID, ItemHeading: l.Heading, Text: l.Commitment.Text,
			Status: l.Commitment.ShownStatus(), Ratings: l.Counts, Reasons: l.Reasons})
	}
	return v
}
