package round

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"chorus/fault"
	"chorus/moderation"
	"chorus/moderation/screen"
	"chorus/store"
)

// Progress is where a commitment stands.
type Progress string

// The progress statuses.
const (
	Planned    Progress = "planned"
	InProgress Progress = "in_progress"
	Done       Progress = "done"
	Dropped    Progress = "dropped"
)

// Progresses lists every progress status.
var Progresses = []Progress{Planned, InProgress, Done, Dropped}

// Update is a partner's report on a commitment: a status with a note and
// optional evidence. Partner text: youth see it once approved.
type Update struct {
	N          int       `json:"n"`
	Status     Progress  `json:"status"`
	Note       string    `json:"note"`
	Evidence   []string  `json:"evidence"`
	ByID       string    `json:"byId"`
	At         time.Time `json:"at"`
	Moderation Status    `json:"moderation"`
	BeforeHide Status    `json:"beforeHide,omitempty"`
}

// Commitment is an action a partner named in its answer, tracked after the
// round closed.
type Commitment struct {
	ID        string    `json:"id"`
	RoundID   string    `json:"roundId"`
	PanelID   string    `json:"panelId"`
	OrgID     string    `json:"orgId"`
	ItemID    string    `json:"itemId"`
	AnswerID  string    `json:"answerId"`
	Text      string    `json:"text"`
	DueDate   string    `json:"dueDate"`
	Updates   []Update  `json:"updates"`
	CreatedAt time.Time `json:"createdAt"`
}

// Status is the newest status the partner reported (planned before any).
func (c Commitment) Status() Progress {
	if n := len(c.Updates); n > 0 {
		return c.Updates[n-1].Status
	}
	return Planned
}

// ShownStatus is the newest status of an approved update: what youth see.
func (c Commitment) ShownStatus() Progress {
	for i := len(c.Updates) - 1; i >= 0; i-- {
		if c.Updates[i].Moderation == Approved {
			return c.Updates[i].Status
		}
	}
	return Planned
}

// UpdatedSince reports whether the partner reported anything since t.
func (c Commitment) UpdatedSince(t time.Time) bool {
	n := len(c.Updates)
	return n > 0 && !c.Updates[n-1].At.Before(t)
}

// UpdateRef is how moderation names update n of a commitment.
func UpdateRef(commitmentID string, n int) string { return commitmentID + "_u" + strconv.Itoa(n) }

// Close closes a round: every action of every organisation's shown answer
// (the newest approved revision) becomes a commitment, planned.
//
// Errors: fault.Conflict for a round already closed.
func (s *Service) Close(ctx context.Context, actor, roundID string) (Round, []Commitment, error) {
	var (
		r   Round
		out []Commitment
	)
	// Closing and the commitments: together or not at all.
	err := s.Docs.InTransaction(ctx, func(ctx context.Context) (err error) {
		r, out, err = s.close(ctx, actor, roundID)
		return err
	})
	return r, out, err
}

func (s *Service) close(ctx context.Context, actor, roundID string) (Round, []Commitment, error) {
	now := s.now()
	r, err := s.update(ctx, roundID, func(r *Round) error {
		if r.State != Open {
			return fault.Errorf(fault.Conflict, "This round is closed.")
		}
		r.State, r.ClosedAt = Closed, &now
		return nil
	})
	if err != nil {
		return Round{}, nil, err
	}
	answers, err := s.Answers(ctx, r.ID)
	if err != nil {
		return Round{}, nil, err
	}
	var recs []store.Record
	var out []Commitment
	for _, a := range answers {
		rev, ok := a.Shown()
		if !ok {
			continue
		}
		for _, act := range rev.Body.Actions {
			c := Commitment{ID: a.ID + "_" + act.ID, RoundID: r.ID, PanelID: r.PanelID, OrgID: a.OrgID, ItemID: a.ItemID, AnswerID: a.ID,
				Text: act.Text, DueDate: act.DueDate, Updates: []Update{}, CreatedAt: now}
			rec, err := store.RecordOf(c.ID, c, time.Time{})
			if err != nil {
				return Round{}, nil, err
			}
			recs, out = append(recs, rec), append(out, c)
		}
	}
	if len(recs) > 0 {
		if err := s.Docs.InsertMany(ctx, colCommitments, recs); err != nil {
			return Round{}, nil, err
		}
	}
	return r, out, s.event(ctx, actor, "round.status_changed", Topic(r.ID), map[string]any{"state": r.State, "commitments": len(out)})
}

// Commitments lists a round's commitments (callers filter).
func (s *Service) Commitments(ctx context.Context, roundID string) ([]Commitment, error) {
	cs, err := findAll[Commitment](ctx, s, colCommitments, roundID)
	slices.SortFunc(cs, func(a, b Commitment) int { return strings.Compare(a.ID, b.ID) })
	return cs, err
}

// OrgCommitments lists an organisation's commitments in every round.
func (s *Service) OrgCommitments(ctx context.Context, orgID string) ([]Commitment, error) {
	docs, err := store.FindAs[Commitment](ctx, s.Docs, colCommitments, store.Query{Where: []store.Cond{{Field: "orgId", Op: store.Eq, Value: orgID}}, Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return nil, err
	}
	out := make([]Commitment, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Value)
	}
	return out, nil
}

// Commitment returns one commitment.
func (s *Service) Commitment(ctx context.Context, id string) (Commitment, error) {
	d, err := store.GetAs[Commitment](ctx, s.Docs, colCommitments, id)
	if fault.Is(err, fault.NotFound) {
		return Commitment{}, fault.Errorf(fault.NotFound, "This commitment does not exist.")
	}
	return d.Value, err
}

// UpdateInput is a partner's report on a commitment.
type UpdateInput struct {
	Status   Progress
	Note     string
	Evidence []string
}

// UpdateCommitment records a partner's report on one of its organisation's
// commitments; the history stays. Screened, then approved before youth see
// it (unless the round post-moderates partners).
//
// Errors: fault.Invalid for a status not in the list, an empty or too long
// note, bad links or too many updates; fault.NotFound for a commitment of
// another organisation or round.
func (s *Service) UpdateCommitment(ctx context.Context, roundID, commitmentID string, w Answerer, in UpdateInput) (Commitment, error) {
	if !slices.Contains(Progresses, in.Status) {
		return Commitment{}, fault.Errorf(fault.Invalid, "The status must be planned, in_progress, done or dropped.")
	}
	note := strings.TrimSpace(in.Note)
	if note == "" {
		return Commitment{}, fault.Errorf(fault.Invalid, "Please add a note saying what changed.")
	}
	if err := checkLength("note", note, MaxNote); err != nil {
		return Commitment{}, err
	}
	if len(in.Evidence) > MaxEvidence {
		return Commitment{}, fault.Errorf(fault.Invalid, "An answer can have at most %d evidence links.", MaxEvidence)
	}
	links := []string{}
	for _, u := range in.Evidence {
		u = strings.TrimSpace(u)
		if err := checkLength("evidence link", u, MaxURL); err != nil {
			return Commitment{}, err
		}
		if err := CheckLink(u); err != nil {
			return Commitment{}, err
		}
		links = append(links, u)
	}
	r, err := s.Round(ctx, roundID)
	if err != nil {
		return Commitment{}, err
	}
	c, err := s.Commitment(ctx, commitmentID)
	if err != nil || c.RoundID != r.ID || c.OrgID != w.OrgID {
		return Commitment{}, fault.Errorf(fault.NotFound, "This commitment does not exist.")
	}
	res, err := s.screen(ctx, r.PanelID, w.Language, note)
	if err != nil {
		return Commitment{}, err
	}
	u := Update{Status: in.Status, Note: note, Evidence: links, ByID: w.AccountID, At: s.now(), Moderation: s.firstStatus(r, res)}
	err = s.Docs.InTransaction(ctx, func(ctx context.Context) (err error) {
		c, err = s.addUpdate(ctx, r, c.ID, w, u, res)
		return err
	})
	return c, err
}

func (s *Service) addUpdate(ctx context.Context, r Round, commitmentID string, w Answerer, u Update, res screen.Result) (Commitment, error) {
	c, err := changeDoc(ctx, s, colCommitments, commitmentID, func(c *Commitment) error {
		if len(c.Updates) >= MaxUpdates {
			return fault.Errorf(fault.Invalid, "This commitment has %d updates, the most it can have.", MaxUpdates)
		}
		u.N = len(c.Updates) + 1
		c.Updates = append(c.Updates, u)
		return nil
	})
	if err != nil {
		return Commitment{}, err
	}
	ref := moderation.ContentRef{Type: moderation.CommitmentUpdate, ID: UpdateRef(c.ID, u.N), OwnerID: w.AccountID, Excerpt: string(u.Status) + ": " + u.Note}
	if err := s.openCase(ctx, r, ref, u.Moderation, res, true); err != nil {
		return Commitment{}, err
	}
	if u.Moderation == Approved {
		return c, s.event(ctx, w.AccountID, "round.commitment_updated", Topic(r.ID), map[string]any{"commitmentId": c.ID, "status": u.Status})
	}
	return c, nil
}

func (s *Service) applyUpdate(ctx context.Context, actor, ref, outcome string) error {
	return s.Docs.InTransaction(ctx, func(ctx context.Context) error { return s.applyUpdateTx(ctx, actor, ref, outcome) })
}

func (s *Service) applyUpdateTx(ctx context.Context, actor, ref, outcome string) error {
	i := strings.LastIndex(ref, "_u")
	n, err := strconv.Atoi(ref[i+2:])
	if i <= 0 || err != nil || n < 1 {
		return fault.Errorf(fault.NotFound, "This commitment does not exist.")
	}
	c, err := changeDoc(ctx, s, colCommitments, ref[:i], func(c *Commitment) error {
		if n > len(c.Updates) {
			return fault.Errorf(fault.NotFound, "This commitment does not exist.")
		}
		u := &c.Updates[n-1]
		return moderate(&u.Moderation, &u.BeforeHide, outcome)
	})
	if err != nil {
		return err
	}
	return s.event(ctx, actor, "round.commitment_updated", Topic(c.RoundID), map[string]any{"commitmentId": c.ID, "status": c.ShownStatus()})
}

// OpenReview opens a progress review of a closed round: every partner is
// asked for an update on each commitment by dueAt, with reminders.
//
// Errors: fault.Invalid for a date not in the future or beyond
// MaxDueYears; fault.Conflict for a round still open.
func (s *Service) OpenReview(ctx context.Context, actor, roundID string, dueAt time.Time) (Round, error) {
	now := s.now()
	dueAt = dueAt.UTC()
	if !dueAt.After(now) || dueAt.After(now.AddDate(MaxDueYears, 0, 0)) {
		return Round{}, fault.Errorf(fault.Invalid, "The review date must be in the future and within %d years.", MaxDueYears)
	}
	var r Round
	return r, s.Docs.InTransaction(ctx, func(ctx context.Context) (err error) {
		r, err = s.update(ctx, roundID, func(r *Round) error {
			if r.State != Closed {
				return fault.Errorf(fault.Conflict, "A progress review starts once the round is closed.")
			}
			r.Review = &Review{DueAt: dueAt, OpenedAt: now, OpenedBy: actor}
			return nil
		})
		if err != nil {
			return err
		}
		return s.event(ctx, actor, "round.status_changed", Topic(r.ID), map[string]any{"state": r.State, "review": r.Review})
	})
}

// Rating is a youth's judgement of a commitment's progress.
type Rating string

// The ratings.
const (
	Kept    Rating = "kept"
	PartlyK Rating = "partly"
	NotYet  Rating = "not_yet"
)

// Ratings lists every rating.
var Ratings = []Rating{Kept, PartlyK, NotYet}

// StoredRating is one youth's rating of one commitment. The reason is
// youth text: partners see it (without a name) once a moderator approved it.
type StoredRating struct {
	ID           string    `json:"id"`
	RoundID      string    `json:"roundId"`
	PanelID      string    `json:"panelId"`
	CommitmentID string    `json:"commitmentId"`
	OrgID        string    `json:"orgId"`
	AccountID    string    `json:"accountId"`
	Rating       Rating    `json:"rating"`
	Reason       string    `json:"reason,omitempty"`
	ReasonStatus Status    `json:"reasonStatus,omitempty"`
	BeforeHide   Status    `json:"beforeHide,omitempty"`
	At           time.Time `json:"at"`
}

// Rate sets a youth's rating of a commitment of a closed round, with an
// optional reason (screened and moderated).
//
// Errors: fault.Invalid for a rating not in the list or a reason too long;
// fault.NotFound for a commitment not in the round; fault.Conflict for a
// round still open.
func (s *Service) Rate(ctx context.Context, roundID, commitmentID string, y Youth, rating Rating, reason string) (StoredRating, error) {
	if !slices.Contains(Ratings, rating) {
		return StoredRating{}, fault.Errorf(fault.Invalid, "A rating is kept, partly or not_yet.")
	}
	reason = strings.TrimSpace(reason)
	if err := checkLength("reason", reason, MaxReason); err != nil {
		return StoredRating{}, err
	}
	r, err := s.Round(ctx, roundID)
	if err != nil {
		return StoredRating{}, err
	}
	c, err := s.Commitment(ctx, commitmentID)
	if err != nil || c.RoundID != r.ID {
		return StoredRating{}, fault.Errorf(fault.NotFound, "This commitment does not exist.")
	}
	v := StoredRating{ID: c.ID + "_" + y.AccountID, RoundID: r.ID, PanelID: r.PanelID, CommitmentID: c.ID, OrgID: c.OrgID, AccountID: y.AccountID,
		Rating: rating, Reason: reason, At: s.now()}
	var res screen.Result
	if reason != "" {
		sr, err := s.screen(ctx, r.PanelID, y.Language, reason)
		if err != nil {
			return StoredRating{}, err
		}
		res = sr
		v.ReasonStatus = Pending
		if sr.Held() {
			v.ReasonStatus = Held
		}
	}
	// The rating, its reason's case and its event: together or not at all.
	// The transaction orders concurrent raters (no lock, no retry here).
	return v, s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		d, err := store.GetAs[StoredRating](ctx, s.Docs, colRatings, v.ID)
		switch {
		case fault.Is(err, fault.NotFound):
			err = store.InsertAs(ctx, s.Docs, colRatings, v.ID, v, time.Time{})
		case err == nil:
			_, err = store.UpdateAs(ctx, s.Docs, colRatings, v.ID, d.Version, v, time.Time{})
		}
		if err != nil {
			return err
		}
		if reason != "" {
			ref := moderation.ContentRef{Type: moderation.CommitmentRating, ID: v.ID, OwnerID: y.AccountID, Excerpt: reason}
			if err := s.openCase(ctx, r, ref, v.ReasonStatus, res, false); err != nil {
				return err
			}
		}
		return s.event(ctx, y.AccountID, "round.rated", Topic(r.ID), map[string]any{"commitmentId": c.ID})
	})
}

// RatingsOf lists a round's ratings (callers filter).
func (s *Service) RatingsOf(ctx context.Context, roundID string) ([]StoredRating, error) {
	return findAll[StoredRating](ctx, s, colRatings, roundID)
}

// RatingByID returns one rating.
func (s *Service) RatingByID(ctx context.Context, id string) (StoredRating, error) {
	d, err := store.GetAs[StoredRating](ctx, s.Docs, colRatings, id)
	if fault.Is(err, fault.NotFound) {
		return StoredRating{}, fault.Errorf(fault.NotFound, "This rating does not exist.")
	}
	return d.Value, err
}

func (s *Service) applyRating(ctx context.Context, actor, id, outcome string) error {
	return s.Docs.InTransaction(ctx, func(ctx context.Context) error { return s.applyRatingTx(ctx, actor, id, outcome) })
}

func (s *Service) applyRatingTx(ctx context.Context, actor, id, outcome string) error {
	v, err := changeDoc(ctx, s, colRatings, id, func(v *StoredRating) error { return moderate(&v.ReasonStatus, &v.BeforeHide, outcome) })
	if err != nil {
		return err
	}
	return s.event(ctx, actor, "round.rated", Topic(v.RoundID), map[string]any{"commitmentId": v.CommitmentID})
}

// ScoreLine is one commitment on a scorecard.
type ScoreLine struct {
	Commitment Commitment
	Heading    string
	Counts     map[Rating]int
	Reasons    []string // approved reasons, without names
}

// Scorecard is the youth's evaluation of one partner: counts per
// commitment, never who rated what.
type Scorecard struct {
	RoundID string
	Org     Org
	State   ScorecardState
	Lines   []ScoreLine
	Totals  map[Rating]int
}

// Scorecards computes every partner's scorecard of a round.
func (s *Service) Scorecards(ctx context.Context, r Round) ([]Scorecard, error) {
	cs, err := s.Commitments(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	rs, err := s.RatingsOf(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	byCommitment := map[string][]StoredRating{}
	for _, v := range rs {
		byCommitment[v.CommitmentID] = append(byCommitment[v.CommitmentID], v)
	}
	out := []Scorecard{}
	for _, o := range r.Orgs {
		sc := Scorecard{RoundID: r.ID, Org: o, State: r.Scorecard(o.ID), Lines: []ScoreLine{}, Totals: zeroRatings()}
		for _, c := range cs {
			if c.OrgID != o.ID {
				continue
			}
			it, _ := r.Item(c.ItemID)
			line := ScoreLine{Commitment: c, Heading: it.Heading, Counts: zeroRatings(), Reasons: []string{}}
			for _, v := range byCommitment[c.ID] {
				line.Counts[v.Rating]++
				sc.Totals[v.Rating]++
				if v.Reason != "" && v.ReasonStatus == Approved {
					line.Reasons = append(line.Reasons, v.Reason)
				}
			}
			sc.Lines = append(sc.Lines, line)
		}
		out = append(out, sc)
	}
	return out, nil
}

func zeroRatings() map[Rating]int { return map[Rating]int{Kept: 0, PartlyK: 0, NotYet: 0} }

// PublishScorecard publishes a partner's scorecard to the partner and, when
// public, as a page anyone may read (it holds no names).
//
// Errors: fault.Invalid for an organisation not in the round;
// fault.Conflict for a round still open.
func (s *Service) PublishScorecard(ctx context.Context, actor, roundID, orgID string, public bool) (Round, error) {
	var r Round
	return r, s.Docs.InTransaction(ctx, func(ctx context.Context) (err error) {
		r, err = s.publishScorecard(ctx, actor, roundID, orgID, public)
		return err
	})
}

func (s *Service) publishScorecard(ctx context.Context, actor, roundID, orgID string, public bool) (Round, error) {
	r, err := s.update(ctx, roundID, func(r *Round) error {
		if r.State != Closed {
			return fault.Errorf(fault.Conflict, "A scorecard can be published once the round is closed.")
		}
		if !r.Invites(orgID) {
			return fault.Errorf(fault.Invalid, "This organisation is not invited to the round.")
		}
		if r.Scorecards == nil {
			r.Scorecards = map[string]ScorecardState{}
		}
		r.Scorecards[orgID] = ScorecardState{Published: true, Public: public, PublishedAt: s.now(), PublishedBy: actor}
		return nil
	})
	if err != nil {
		return Round{}, err
	}
	return r, s.event(ctx, actor, "round.scorecard_published", Topic(r.ID), map[string]any{"organisationId": orgID, "public": public})
}

// Apply carries out a moderator's decision (approve, hide, restore,
// request_changes) on a round's content of type contentType.
//
// Errors: fault.NotFound for unknown content; fault.Invalid for an unknown
// outcome or type.
func (s *Service) Apply(ctx context.Context, actor, contentType, id, outcome string) error {
	switch contentType {
	case moderation.PartnerAnswer:
		return s.applyAnswer(ctx, actor, id, outcome)
	case moderation.RoundFollowUp:
		return s.applyFollowUp(ctx, actor, id, outcome)
	case moderation.RoundReply:
		return s.applyReply(ctx, actor, id, outcome)
	case moderation.CommitmentUpdate:
		return s.applyUpdate(ctx, actor, id, outcome)
	case moderation.CommitmentRating:
		return s.applyRating(ctx, actor, id, outcome)
	}
	return fault.Errorf(fault.Invalid, "Feedback rounds have no content of type %q.", contentType)
}
