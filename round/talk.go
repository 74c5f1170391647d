package round

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"chorus/fault"
	"chorus/moderation"
	"chorus/store"
)

// Reaction is a youth's quick response to an answer. Reactions are never
// shown per person, and never counted to youth (rule 7).
type Reaction string

// The reactions.
const (
	Clear    Reaction = "clear"
	NotClear Reaction = "not_clear"
	WantMore Reaction = "want_more"
)

// Reactions lists every reaction.
var Reactions = []Reaction{Clear, NotClear, WantMore}

// storedReaction is one youth's reaction to one answer.
type storedReaction struct {
	ID        string    `json:"id"`
	RoundID   string    `json:"roundId"`
	AnswerID  string    `json:"answerId"`
	AccountID string    `json:"accountId"`
	Reaction  Reaction  `json:"reaction"`
	At        time.Time `json:"at"`
}

// Youth is a young person acting in a round. Their name is not stored
// with what they write: readers are shown the first name and country of
// the account as it is then (rule 4), and an erased account leaves none.
type Youth struct {
	AccountID string
	Language  string
}

// shownAnswer returns an answer youth can see, or the one NotFound.
func (s *Service) shownAnswer(ctx context.Context, roundID, answerID string) (Round, Answer, error) {
	r, err := s.Round(ctx, roundID)
	if err != nil {
		return Round{}, Answer{}, err
	}
	d, err := s.answer(ctx, answerID)
	if err != nil || d.Value.RoundID != r.ID {
		return Round{}, Answer{}, fault.Errorf(fault.NotFound, "This answer does not exist.")
	}
	if _, ok := d.Value.Shown(); !ok {
		return Round{}, Answer{}, fault.Errorf(fault.NotFound, "This answer does not exist.")
	}
	return r, d.Value, nil
}

// React sets (or changes) a youth's reaction to an approved answer.
//
// Errors: fault.Invalid for a reaction not in the list; fault.NotFound for
// an answer that is not approved or not in the round.
func (s *Service) React(ctx context.Context, roundID, answerID, accountID string, re Reaction) error {
	if !slices.Contains(Reactions, re) {
		return fault.Errorf(fault.Invalid, "A reaction is clear, not_clear or want_more.")
	}
	r, a, err := s.shownAnswer(ctx, roundID, answerID)
	if err != nil {
		return err
	}
	id := a.ID + "_" + accountID
	v := storedReaction{ID: id, RoundID: r.ID, AnswerID: a.ID, AccountID: accountID, Reaction: re, At: s.now()}
	for range maxAttempts {
		d, err := store.GetAs[storedReaction](ctx, s.Docs, colReactions, id)
		switch {
		case fault.Is(err, fault.NotFound):
			err = store.InsertAs(ctx, s.Docs, colReactions, id, v, time.Time{})
		case err == nil:
			_, err = store.UpdateAs(ctx, s.Docs, colReactions, id, d.Version, v, time.Time{})
		}
		if fault.Is(err, fault.Conflict) {
			continue
		}
		if err != nil {
			return err
		}
		return s.event(ctx, accountID, "round.reacted", Topic(r.ID), map[string]any{"answerId": a.ID})
	}
	return busy()
}

// Unreact takes a youth's reaction back (none is fine).
func (s *Service) Unreact(ctx context.Context, roundID, answerID, accountID string) error {
	r, a, err := s.shownAnswer(ctx, roundID, answerID)
	if err != nil {
		return err
	}
	if err := s.Docs.Delete(ctx, colReactions, a.ID+"_"+accountID); fault.Is(err, fault.NotFound) {
		return nil
	} else if err != nil {
		return err
	}
	return s.event(ctx, accountID, "round.reacted", Topic(r.ID), map[string]any{"answerId": a.ID})
}

// ReactionCounts are the reactions to answers, by answer id then reaction;
// and Mine the reactions of one account, by answer id.
type ReactionCounts struct {
	Counts map[string]map[Reaction]int
	Mine   map[string]Reaction
}

// Reactions counts the reactions of a round; Mine is accountID's.
func (s *Service) Reactions(ctx context.Context, roundID, accountID string) (ReactionCounts, error) {
	docs, err := store.FindAs[storedReaction](ctx, s.Docs, colReactions, store.Query{Where: []store.Cond{{Field: "roundId", Op: store.Eq, Value: roundID}}, Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return ReactionCounts{}, err
	}
	out := ReactionCounts{Counts: map[string]map[Reaction]int{}, Mine: map[string]Reaction{}}
	for _, d := range docs {
		v := d.Value
		if out.Counts[v.AnswerID] == nil {
			out.Counts[v.AnswerID] = map[Reaction]int{Clear: 0, NotClear: 0, WantMore: 0}
		}
		out.Counts[v.AnswerID][v.Reaction]++
		if v.AccountID == accountID {
			out.Mine[v.AnswerID] = v.Reaction
		}
	}
	return out, nil
}

// FollowUp is a youth's question about an answer.
type FollowUp struct {
	ID         string    `json:"id"`
	RoundID    string    `json:"roundId"`
	PanelID    string    `json:"panelId"`
	AnswerID   string    `json:"answerId"`
	ItemID     string    `json:"itemId"`
	OrgID      string    `json:"orgId"`
	AuthorID   string    `json:"authorId"`
	Text       string    `json:"text"`
	Status     Status    `json:"status"`
	BeforeHide Status    `json:"beforeHide,omitempty"`
	At         time.Time `json:"at"`
	AtMs       int64     `json:"atMs"`
}

// Reply is a partner's reply to a follow-up.
type Reply struct {
	ID         string    `json:"id"`
	RoundID    string    `json:"roundId"`
	PanelID    string    `json:"panelId"`
	FollowUpID string    `json:"followUpId"`
	OrgID      string    `json:"orgId"`
	AuthorID   string    `json:"authorId"`
	Text       string    `json:"text"`
	Status     Status    `json:"status"`
	BeforeHide Status    `json:"beforeHide,omitempty"`
	At         time.Time `json:"at"`
	AtMs       int64     `json:"atMs"`
}

// Ask puts a youth's follow-up question on an approved answer. It is
// screened and waits for a moderator before partners see it (rule 2).
//
// Errors: fault.Invalid for an empty or too long text; fault.NotFound for
// an answer not approved or not in the round; fault.Conflict for a closed
// round.
func (s *Service) Ask(ctx context.Context, roundID, answerID string, y Youth, text string) (FollowUp, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return FollowUp{}, fault.Errorf(fault.Invalid, "Please write your question first.")
	}
	if err := checkLength("question", text, MaxFollowUp); err != nil {
		return FollowUp{}, err
	}
	r, a, err := s.shownAnswer(ctx, roundID, answerID)
	if err != nil {
		return FollowUp{}, err
	}
	fus, err := s.FollowUps(ctx, r.ID)
	if err != nil {
		return FollowUp{}, err
	}
	if len(fus) >= MaxThreads {
		return FollowUp{}, fault.Errorf(fault.Invalid, "This round has %d questions, the most it can hold.", MaxThreads)
	}
	asked := 0
	for _, f := range fus {
		if f.AnswerID == a.ID && f.AuthorID == y.AccountID {
			asked++
		}
	}
	if asked >= MaxAsked {
		return FollowUp{}, fault.Errorf(fault.Invalid, "You have asked %d questions about this answer, the most you can. Wait for the replies first.", MaxAsked)
	}
	res, err := s.screen(ctx, r.PanelID, y.Language, text)
	if err != nil {
		return FollowUp{}, err
	}
	now := s.now()
	f := FollowUp{ID: uuid.NewString(), RoundID: r.ID, PanelID: r.PanelID, AnswerID: a.ID, ItemID: a.ItemID, OrgID: a.OrgID,
		AuthorID: y.AccountID, Text: text, Status: Pending, At: now, AtMs: now.UnixMilli()}
	if res.Held() {
		f.Status = Held
	}
	ref := moderation.ContentRef{Type: moderation.RoundFollowUp, ID: f.ID, OwnerID: y.AccountID, Excerpt: text}
	return f, s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		if err := store.InsertAs(ctx, s.Docs, colFollowUps, f.ID, f, time.Time{}); err != nil {
			return err
		}
		return s.openCase(ctx, r, ref, f.Status, res, false)
	})
}

// ReplyTo answers a follow-up for the organisation whose answer it is
// about. Partner text: screened, then approved before youth see it.
//
// Errors: fault.Invalid for an empty or too long text; fault.NotFound for
// a follow-up not approved, not in the round or about another
// organisation's answer.
func (s *Service) ReplyTo(ctx context.Context, roundID, followUpID string, w Answerer, text string) (Reply, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Reply{}, fault.Errorf(fault.Invalid, "Please write your reply first.")
	}
	if err := checkLength("reply", text, MaxReply); err != nil {
		return Reply{}, err
	}
	r, err := s.Round(ctx, roundID)
	if err != nil {
		return Reply{}, err
	}
	f, err := s.FollowUp(ctx, followUpID)
	if err != nil || f.RoundID != r.ID || f.Status != Approved || f.OrgID != w.OrgID {
		return Reply{}, fault.Errorf(fault.NotFound, "This question does not exist.")
	}
	if n, err := s.Docs.Count(ctx, colReplies, []store.Cond{{Field: "roundId", Op: store.Eq, Value: r.ID}}); err != nil {
		return Reply{}, err
	} else if n >= MaxThreads {
		return Reply{}, fault.Errorf(fault.Invalid, "This round has %d replies, the most it can hold.", MaxThreads)
	}
	res, err := s.screen(ctx, r.PanelID, w.Language, text)
	if err != nil {
		return Reply{}, err
	}
	now := s.now()
	rp := Reply{ID: uuid.NewString(), RoundID: r.ID, PanelID: r.PanelID, FollowUpID: f.ID, OrgID: w.OrgID, AuthorID: w.AccountID,
		Text: text, Status: s.firstStatus(r, res), At: now, AtMs: now.UnixMilli()}
	ref := moderation.ContentRef{Type: moderation.RoundReply, ID: rp.ID, OwnerID: w.AccountID, Excerpt: text}
	return rp, s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		if err := store.InsertAs(ctx, s.Docs, colReplies, rp.ID, rp, time.Time{}); err != nil {
			return err
		}
		if err := s.openCase(ctx, r, ref, rp.Status, res, true); err != nil {
			return err
		}
		if rp.Status == Approved {
			return s.event(ctx, w.AccountID, "round.reply_approved", Topic(r.ID), replyNotice(rp))
		}
		return nil
	})
}

func replyNotice(rp Reply) map[string]any {
	return map[string]any{"followUpId": rp.FollowUpID, "reply": map[string]any{"id": rp.ID, "text": rp.Text, "organisationId": rp.OrgID, "at": rp.At, "status": rp.Status}}
}

func followUpNotice(f FollowUp) map[string]any {
	// No text, no author: the event log is append-only, and youth text
	// must leave with an erased account or a hidden follow-up. Readers
	// fetch the answers again.
	return map[string]any{"followUpId": f.ID, "answerId": f.AnswerID, "itemId": f.ItemID, "organisationId": f.OrgID}
}

// FollowUp returns one follow-up.
func (s *Service) FollowUp(ctx context.Context, id string) (FollowUp, error) {
	d, err := store.GetAs[FollowUp](ctx, s.Docs, colFollowUps, id)
	if fault.Is(err, fault.NotFound) {
		return FollowUp{}, fault.Errorf(fault.NotFound, "This question does not exist.")
	}
	return d.Value, err
}

// ReplyByID returns one reply.
func (s *Service) ReplyByID(ctx context.Context, id string) (Reply, error) {
	d, err := store.GetAs[Reply](ctx, s.Docs, colReplies, id)
	if fault.Is(err, fault.NotFound) {
		return Reply{}, fault.Errorf(fault.NotFound, "This reply does not exist.")
	}
	return d.Value, err
}

// FollowUps lists a round's follow-ups, oldest first (callers filter).
func (s *Service) FollowUps(ctx context.Context, roundID string) ([]FollowUp, error) {
	return findAll[FollowUp](ctx, s, colFollowUps, roundID)
}

// Replies lists a round's replies, oldest first (callers filter).
func (s *Service) Replies(ctx context.Context, roundID string) ([]Reply, error) {
	return findAll[Reply](ctx, s, colReplies, roundID)
}

func findAll[T any](ctx context.Context, s *Service, col, roundID string) ([]T, error) {
	q := store.Query{Where: []store.Cond{{Field: "roundId", Op: store.Eq, Value: roundID}}, Limit: store.MaxLimit}
	if col == colFollowUps || col == colReplies {
		q.OrderBy = "atMs"
	}
	docs, err := store.FindAs[T](ctx, s.Docs, col, q, maxListed)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Value)
	}
	return out, nil
}

// changeDoc applies change to document id of col (compare and set).
func changeDoc[T any](ctx context.Context, s *Service, col, id string, change func(*T) error) (T, error) {
	defer s.lock(ctx, id)()
	var zero T
	for range maxAttempts {
		d, err := store.GetAs[T](ctx, s.Docs, col, id)
		if err != nil {
			return zero, err
		}
		v := d.Value
		if err := change(&v); err != nil {
			return zero, err
		}
		if _, err := store.UpdateAs(ctx, s.Docs, col, id, d.Version, v, time.Time{}); fault.Is(err, fault.Conflict) {
			continue
		} else if err != nil {
			return zero, err
		}
		return v, nil
	}
	return zero, busy()
}

func (s *Service) applyFollowUp(ctx context.Context, actor, id, outcome string) error {
	return s.Docs.InTransaction(ctx, func(ctx context.Context) error { return s.applyFollowUpTx(ctx, actor, id, outcome) })
}

func (s *Service) applyFollowUpTx(ctx context.Context, actor, id, outcome string) error {
	f, err := changeDoc(ctx, s, colFollowUps, id, func(f *FollowUp) error { return moderate(&f.Status, &f.BeforeHide, outcome) })
	if err != nil {
		return err
	}
	if f.Status == Approved {
		return s.event(ctx, actor, "round.followup_approved", Topic(f.RoundID), followUpNotice(f))
	}
	return s.event(ctx, actor, "round.followup_moderated", Topic(f.RoundID), map[string]any{"followUpId": f.ID})
}

func (s *Service) applyReply(ctx context.Context, actor, id, outcome string) error {
	return s.Docs.InTransaction(ctx, func(ctx context.Context) error { return s.applyReplyTx(ctx, actor, id, outcome) })
}

func (s *Service) applyReplyTx(ctx context.Context, actor, id, outcome string) error {
	rp, err := changeDoc(ctx, s, colReplies, id, func(r *Reply) error { return moderate(&r.Status, &r.BeforeHide, outcome) })
	if err != nil {
		return err
	}
	if rp.Status == Approved {
		return s.event(ctx, actor, "round.reply_approved", Topic(rp.RoundID), replyNotice(rp))
	}
	return s.event(ctx, actor, "round.reply_moderated", Topic(rp.RoundID), map[string]any{"replyId": rp.ID})
}
