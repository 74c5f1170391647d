package round

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"chorus/consent"
	"chorus/fault"
	"chorus/moderation"
	"chorus/moderation/screen"
	"chorus/store"
)

// Stance is a partner's position on an item.
type Stance string

// The stances.
const (
	Commit    Stance = "commit"
	Partly    Stance = "partly"
	Exploring Stance = "exploring"
	Decline   Stance = "decline"
)

// Stances lists every stance, in the order reports show them.
var Stances = []Stance{Commit, Partly, Exploring, Decline}

// Status is where a piece of text stands with moderation.
type Status string

// The statuses of moderated text.
const (
	Pending  Status = "pending"           // waits for a moderator
	Held     Status = "held"              // screening found something; waits for a moderator
	Approved Status = "approved"          // everyone the round shows it to sees it
	Hidden   Status = "hidden"            // a moderator hid it
	Changes  Status = "changes_requested" // a moderator asked the author to change it
)

// Action is something a partner will do, with the day it is due.
type Action struct {
	ID      string `json:"id"`
	Text    string `json:"text"`
	DueDate string `json:"dueDate"` // YYYY-MM-DD
}

// Body is what a partner writes for an item: a draft or a submission.
type Body struct {
	Stance      Stance   `json:"stance"`
	Explanation string   `json:"explanation"`
	Actions     []Action `json:"actions"`
	Evidence    []string `json:"evidence"`
}

// Revision is one submitted version of an answer.
type Revision struct {
	N          int       `json:"n"`
	Body       Body      `json:"body"`
	ByID       string    `json:"byId"` // the partner who submitted it (names are looked up when shown: an erased account leaves none behind)
	At         time.Time `json:"at"`
	Late       bool      `json:"late,omitempty"`
	Status     Status    `json:"status"`
	BeforeHide Status    `json:"beforeHide,omitempty"`

	hits screen.Result // what screening found when it was submitted (for its case; not stored)
}

// Answer is an organisation's answer to one item: its shared draft and
// every revision it submitted.
type Answer struct {
	ID        string     `json:"id"`
	RoundID   string     `json:"roundId"`
	PanelID   string     `json:"panelId"`
	OrgID     string     `json:"orgId"`
	ItemID    string     `json:"itemId"`
	Draft     *Body      `json:"draft,omitempty"`
	DraftByID string     `json:"draftById,omitempty"`
	DraftAt   time.Time  `json:"draftAt,omitempty"`
	Revisions []Revision `json:"revisions"`
}

// AnswerID names the answer of an organisation to an item.
func AnswerID(roundID, orgID, itemID string) string { return roundID + "_" + orgID + "_" + itemID }

// Shown is the newest approved revision: what youth see.
func (a Answer) Shown() (Revision, bool) {
	for i := len(a.Revisions) - 1; i >= 0; i-- {
		if a.Revisions[i].Status == Approved {
			return a.Revisions[i], true
		}
	}
	return Revision{}, false
}

// Latest is the newest submitted revision, whatever its status.
func (a Answer) Latest() (Revision, bool) {
	if len(a.Revisions) == 0 {
		return Revision{}, false
	}
	return a.Revisions[len(a.Revisions)-1], true
}

// Submitted reports whether the organisation submitted an answer.
func (a Answer) Submitted() bool { return len(a.Revisions) > 0 }

// RevisionRef is how moderation names revision n of an answer.
func RevisionRef(answerID string, n int) string { return answerID + "_r" + strconv.Itoa(n) }

func parseRevisionRef(ref string) (string, int, bool) {
	i := strings.LastIndex(ref, "_r")
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(ref[i+2:])
	return ref[:i], n, err == nil && n > 0
}

// cleanBody trims a body and checks it. Drafts are checked for size only
// (a partner saves as they type); a submission must be complete and valid.
func cleanBody(b Body, submit bool, today time.Time) (Body, error) {
	b.Explanation = strings.TrimSpace(b.Explanation)
	if b.Stance != "" && !slices.Contains(Stances, b.Stance) {
		return Body{}, fault.Errorf(fault.Invalid, "The stance must be commit, partly, exploring or decline.")
	}
	if err := checkLength("explanation", b.Explanation, MaxExplanation); err != nil {
		return Body{}, err
	}
	if len(b.Actions) > MaxActions {
		return Body{}, fault.Errorf(fault.Invalid, "An answer can name at most %d actions.", MaxActions)
	}
	if len(b.Evidence) > MaxEvidence {
		return Body{}, fault.Errorf(fault.Invalid, "An answer can have at most %d evidence links.", MaxEvidence)
	}
	actions := make([]Action, 0, len(b.Actions))
	for i, a := range b.Actions {
		a.Text, a.DueDate = strings.TrimSpace(a.Text), strings.TrimSpace(a.DueDate)
		if err := checkLength("action", a.Text, MaxActionText); err != nil {
			return Body{}, err
		}
		if len(a.DueDate) > 10 {
			return Body{}, fault.Errorf(fault.Invalid, "A due date is written as YYYY-MM-DD.")
		}
		if a.ID == "" || len(a.ID) > 40 {
			a.ID = "a" + strconv.Itoa(i+1)
		}
		if submit {
			if a.Text == "" {
				return Body{}, fault.Errorf(fault.Invalid, "Every action needs a description.")
			}
			if err := checkDue(a.DueDate, today); err != nil {
				return Body{}, err
			}
		}
		actions = append(actions, a)
	}
	b.Actions = actions
	links := make([]string, 0, len(b.Evidence))
	for _, u := range b.Evidence {
		u = strings.TrimSpace(u)
		if err := checkLength("evidence link", u, MaxURL); err != nil {
			return Body{}, err
		}
		if submit || u != "" {
			if err := CheckLink(u); err != nil {
				return Body{}, err
			}
		}
		if u != "" {
			links = append(links, u)
		}
	}
	b.Evidence = links
	if submit {
		if b.Stance == "" {
			return Body{}, fault.Errorf(fault.Invalid, "Choose a stance: commit, partly, exploring or decline.")
		}
		if b.Explanation == "" {
			return Body{}, fault.Errorf(fault.Invalid, "Please explain your stance.")
		}
	}
	return b, nil
}

// checkDue accepts a date after today and within MaxDueYears.
func checkDue(s string, today time.Time) error {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return fault.Errorf(fault.Invalid, "A due date is written as YYYY-MM-DD.")
	}
	day := today.UTC().Truncate(24 * time.Hour)
	if !d.After(day) {
		return fault.Errorf(fault.Invalid, "A due date must be after today.")
	}
	if d.After(day.AddDate(MaxDueYears, 0, 0)) {
		return fault.Errorf(fault.Invalid, "A due date must be within %d years.", MaxDueYears)
	}
	return nil
}

// CheckLink accepts an absolute https link to a named host, without a
// user name or password in it: javascript:, data: and http: links never
// reach a reader.
func CheckLink(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Opaque != "" || strings.ContainsAny(s, " \t\r\n<>\"") {
		return fault.Errorf(fault.Invalid, "Evidence links must be full https:// addresses.")
	}
	return nil
}

// Answerer is the partner writing: their account and organisation.
type Answerer struct {
	AccountID string
	OrgID     string
	Language  string
}

func (s *Service) answer(ctx context.Context, id string) (store.Doc[Answer], error) {
	d, err := store.GetAs[Answer](ctx, s.Docs, colAnswers, id)
	if fault.Is(err, fault.NotFound) {
		return d, fault.Errorf(fault.NotFound, "This answer does not exist.")
	}
	return d, err
}

// changeAnswer reads (or starts) an answer and stores change's result.
func (s *Service) changeAnswer(ctx context.Context, r Round, orgID, itemID string, change func(*Answer) error) (Answer, error) {
	id := AnswerID(r.ID, orgID, itemID)
	defer s.lock(ctx, id)()
	for range maxAttempts {
		d, err := store.GetAs[Answer](ctx, s.Docs, colAnswers, id)
		fresh := fault.Is(err, fault.NotFound)
		if err != nil && !fresh {
			return Answer{}, err
		}
		a := d.Value
		if fresh {
			a = Answer{ID: id, RoundID: r.ID, PanelID: r.PanelID, OrgID: orgID, ItemID: itemID, Revisions: []Revision{}}
		}
		if err := change(&a); err != nil {
			return Answer{}, err
		}
		if fresh {
			err = store.InsertAs(ctx, s.Docs, colAnswers, id, a, time.Time{})
		} else {
			_, err = store.UpdateAs(ctx, s.Docs, colAnswers, id, d.Version, a, time.Time{})
		}
		if fault.Is(err, fault.Conflict) {
			continue
		}
		if err != nil {
			return Answer{}, err
		}
		return a, nil
	}
	return Answer{}, busy()
}

// answerable checks what drafts and submissions share: the round is open,
// the organisation invited, the item in the round.
func answerable(r Round, w Answerer, itemID string) error {
	if !r.Invites(w.OrgID) {
		return fault.Errorf(fault.Forbidden, "Your organisation is not invited to this round.")
	}
	if _, ok := r.Item(itemID); !ok {
		return fault.Errorf(fault.NotFound, "This item is not part of the round.")
	}
	if r.State != Open {
		return fault.Errorf(fault.Conflict, "This round is closed.")
	}
	return nil
}

// SaveDraft keeps the organisation's draft for an item; only the
// organisation's members ever see it.
//
// Errors: fault.Invalid for a body over the limits; fault.NotFound for an
// item not in the round; fault.Forbidden for an organisation not invited;
// fault.Conflict for a closed round.
func (s *Service) SaveDraft(ctx context.Context, roundID, itemID string, w Answerer, b Body) (Answer, error) {
	r, err := s.Round(ctx, roundID)
	if err != nil {
		return Answer{}, err
	}
	if err := answerable(r, w, itemID); err != nil {
		return Answer{}, err
	}
	b, err = cleanBody(b, false, s.now())
	if err != nil {
		return Answer{}, err
	}
	var a Answer
	return a, s.Docs.InTransaction(ctx, func(ctx context.Context) (err error) {
		a, err = s.changeAnswer(ctx, r, w.OrgID, itemID, func(a *Answer) error {
			a.Draft, a.DraftByID, a.DraftAt = &b, w.AccountID, s.now()
			return nil
		})
		if err != nil {
			return err
		}
		return s.event(ctx, w.AccountID, "round.draft_saved", orgSubject(r.ID, w.OrgID), map[string]any{"answerId": a.ID, "itemId": itemID})
	})
}

// Submit answers an item (or revises the answer) with b: a new revision,
// kept with every earlier one. It is screened; unless the round
// post-moderates partners it waits for a moderator before youth see it.
// After the round's deadline (allowed by an extension) it is marked late.
//
// Errors: those of SaveDraft, fault.Invalid for an incomplete body, an
// action due today or earlier or after MaxDueYears, a link that is not
// https or too many revisions, and fault.Conflict after the
// organisation's deadline.
func (s *Service) Submit(ctx context.Context, roundID, itemID string, w Answerer, b Body) (Answer, error) {
	r, err := s.Round(ctx, roundID)
	if err != nil {
		return Answer{}, err
	}
	if err := answerable(r, w, itemID); err != nil {
		return Answer{}, err
	}
	now := s.now()
	if !r.CanAnswer(w.OrgID, now) {
		return Answer{}, fault.Errorf(fault.Conflict, "The deadline for answers has passed. Ask the coordinator for more time.")
	}
	b, err = cleanBody(b, true, now)
	if err != nil {
		return Answer{}, err
	}
	res, err := s.screen(ctx, r.PanelID, w.Language, partnerText(b)...)
	if err != nil {
		return Answer{}, err
	}
	rev := Revision{Body: b, ByID: w.AccountID, At: now, Late: now.After(r.Deadline), Status: s.firstStatus(r, res), hits: res}
	var a Answer
	// The revision, its moderation case and its events: together or not at all.
	return a, s.Docs.InTransaction(ctx, func(ctx context.Context) (err error) {
		a, err = s.submit(ctx, r, itemID, w, rev)
		return err
	})
}

func (s *Service) submit(ctx context.Context, r Round, itemID string, w Answerer, rev Revision) (Answer, error) {
	// Read again inside the transaction: a close or an extension since
	// counts.
	r, err := s.Round(ctx, r.ID)
	if err != nil {
		return Answer{}, err
	}
	if err := answerable(r, w, itemID); err != nil {
		return Answer{}, err
	}
	if !r.CanAnswer(w.OrgID, rev.At) {
		return Answer{}, fault.Errorf(fault.Conflict, "The deadline for answers has passed. Ask the coordinator for more time.")
	}
	b := rev.Body
	a, err := s.changeAnswer(ctx, r, w.OrgID, itemID, func(a *Answer) error {
		if len(a.Revisions) >= MaxRevisions {
			return fault.Errorf(fault.Invalid, "This answer has been revised %d times, the most it can be.", MaxRevisions)
		}
		rev.N = len(a.Revisions) + 1
		a.Revisions = append(a.Revisions, rev)
		a.Draft, a.DraftByID, a.DraftAt = nil, "", time.Time{}
		return nil
	})
	if err != nil {
		return Answer{}, err
	}
	excerpt := b.Explanation
	for _, act := range b.Actions {
		excerpt += "\n- " + act.Text + " (" + act.DueDate + ")"
	}
	ref := moderation.ContentRef{Type: moderation.PartnerAnswer, ID: RevisionRef(a.ID, rev.N), OwnerID: w.AccountID, Excerpt: excerpt}
	if err := s.openCase(ctx, r, ref, rev.Status, rev.hits, true); err != nil {
		return Answer{}, err
	}
	data := map[string]any{"answerId": a.ID, "itemId": itemID, "organisationId": w.OrgID, "revision": rev.N, "status": rev.Status}
	if err := s.event(ctx, w.AccountID, "round.answer_submitted", orgSubject(r.ID, w.OrgID), data); err != nil {
		return Answer{}, err
	}
	if rev.Status == Approved {
		return a, s.event(ctx, w.AccountID, "round.answer_approved", Topic(r.ID), approvedNotice(a, rev))
	}
	return a, nil
}

func partnerText(b Body) []string {
	out := []string{b.Explanation}
	for _, a := range b.Actions {
		out = append(out, a.Text)
	}
	return out
}

// screen screens texts together (rule 5 for youth; partner text too).
func (s *Service) screen(ctx context.Context, panelID, lang string, texts ...string) (screen.Result, error) {
	sc, err := s.screener(ctx, panelID)
	if err != nil {
		return screen.Result{}, err
	}
	return sc.Screen(strings.Join(texts, "\n"), lang)
}

// firstStatus is where new partner text starts: held on a screening hit,
// approved at once when the round post-moderates partners, else pending.
func (s *Service) firstStatus(r Round, res screen.Result) Status {
	switch {
	case res.Held():
		return Held
	case r.PostModeration:
		return Approved
	}
	return Pending
}

// openCase opens the moderation case new text needs: screening for a hit,
// otherwise approval (partner text for youth, youth text for partners)
// unless it is already approved.
func (s *Service) openCase(ctx context.Context, r Round, ref moderation.ContentRef, st Status, res screen.Result, partner bool) error {
	in := moderation.OpenInput{Content: ref, PanelID: r.PanelID, Actor: ref.OwnerID}
	if partner {
		in.AuthorBand = string(consent.Adult)
	}
	switch {
	case st == Held:
		in.Kind, in.Actor = moderation.KindScreening, moderation.System
		for _, h := range res.Hits {
			if k := string(h.Kind); !slices.Contains(in.Hits, k) {
				in.Hits = append(in.Hits, k)
			}
		}
	case st == Approved:
		return nil
	case partner:
		in.Kind = moderation.KindPartnerText
	default:
		in.Kind = moderation.KindPublication
	}
	_, _, err := s.Cases.Open(ctx, in)
	return err
}

// approvedNotice is what the round's topic hears of an approved revision:
// exactly what youth may read of it.
func approvedNotice(a Answer, rev Revision) map[string]any {
	return map[string]any{"answerId": a.ID, "itemId": a.ItemID, "organisationId": a.OrgID, "revision": rev.N,
		"answer": map[string]any{"stance": rev.Body.Stance, "explanation": rev.Body.Explanation, "actions": rev.Body.Actions,
			"evidence": rev.Body.Evidence, "late": rev.Late, "submittedAt": rev.At, "revision": rev.N}}
}

// Answers lists every answer of a round (callers filter what a reader sees).
func (s *Service) Answers(ctx context.Context, roundID string) ([]Answer, error) {
	docs, err := store.FindAs[Answer](ctx, s.Docs, colAnswers, store.Query{Where: []store.Cond{{Field: "roundId", Op: store.Eq, Value: roundID}}, Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return nil, err
	}
	out := make([]Answer, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Value)
	}
	return out, nil
}

// Answer returns one answer.
func (s *Service) Answer(ctx context.Context, id string) (Answer, error) {
	d, err := s.answer(ctx, id)
	return d.Value, err
}

// moderate moves a status by a moderator's outcome; restore returns to
// what it was before the hide (never an approval of held text).
func moderate(st, before *Status, outcome string) error {
	switch outcome {
	case "approve":
		*st, *before = Approved, ""
	case "hide":
		if *st != Hidden {
			*before = *st
		}
		*st = Hidden
	case "restore":
		if *st == Hidden {
			*st = *before
			if *st == "" {
				*st = Held
			}
		}
		*before = ""
	case "request_changes":
		*st = Changes
	default:
		return fault.Errorf(fault.Invalid, "Unknown decision %q: approve, restore, hide or request_changes.", outcome)
	}
	return nil
}

// applyAnswer carries out a decision on revision ref.
func (s *Service) applyAnswer(ctx context.Context, actor, ref, outcome string) error {
	id, n, ok := parseRevisionRef(ref)
	if !ok {
		return fault.Errorf(fault.NotFound, "This answer does not exist.")
	}
	d, err := s.answer(ctx, id)
	if err != nil {
		return err
	}
	if n > len(d.Value.Revisions) {
		return fault.Errorf(fault.NotFound, "This answer does not exist.")
	}
	r, err := s.Round(ctx, d.Value.RoundID)
	if err != nil {
		return err
	}
	return s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		var rev Revision
		a, err := s.changeAnswer(ctx, r, d.Value.OrgID, d.Value.ItemID, func(a *Answer) error {
			rv := &a.Revisions[n-1]
			if err := moderate(&rv.Status, &rv.BeforeHide, outcome); err != nil {
				return err
			}
			rev = *rv
			return nil
		})
		if err != nil {
			return err
		}
		if rev.Status == Approved {
			return s.event(ctx, actor, "round.answer_approved", Topic(r.ID), approvedNotice(a, rev))
		}
		return s.event(ctx, actor, "round.answer_moderated", Topic(r.ID), map[string]any{"answerId": a.ID, "revision": n})
	})
}
