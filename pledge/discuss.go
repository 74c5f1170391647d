package pledge

import (
	"context"
	"strings"
	"time"

	"chorus/fault"
	"chorus/moderation/screen"
	"chorus/ot"
	"chorus/store"
)

// Anchor ties a comment to the characters [Start,End) of an item's text as
// it was at Version. Positions count characters (Unicode code points).
type Anchor struct {
	Version int64  `json:"version"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Quote   string `json:"quote"` // the anchored text when the comment was made
}

// Comment is a remark on an item, in a thread (ThreadID is the first
// comment's id; empty for the first comment itself).
type Comment struct {
	ID         string    `json:"id"`
	PledgeID   string    `json:"pledgeId"`
	ItemID     string    `json:"itemId"`
	ThreadID   string    `json:"threadId,omitempty"`
	Author     string    `json:"author"`
	Text       string    `json:"text"`
	Anchor     *Anchor   `json:"anchor,omitempty"`
	At         time.Time `json:"at"`
	AtMillis   int64     `json:"atMs"`
	Current    *Anchor   `json:"currentAnchor,omitempty"` // the anchor mapped to the item's text now
	AnchorLost bool      `json:"anchorLost,omitempty"`    // the anchored text was deleted
	Note       string    `json:"note,omitempty"`

	// Held: screening found something (Hits say what and where) or a
	// moderator asked for changes; only the author and moderators see the
	// comment until a moderator approves it. Hidden: a moderator hid it.
	Held   bool         `json:"held,omitempty"`
	Hits   []screen.Hit `json:"hits,omitempty"`
	Hidden bool         `json:"hidden,omitempty"`
	Edited bool         `json:"edited,omitempty"`
	// Erased: its author erased their account; the text is gone, the
	// comment stays so that the answers to it still read as a thread.
	Erased bool `json:"erased,omitempty"`
}

// Viewer is who lists comments: held and hidden comments are shown only to
// their author and to supervisors (moderators and coordinators).
type Viewer struct {
	AccountID  string
	Supervisor bool
}

func (v Viewer) sees(c Comment) bool {
	return !(c.Held || c.Hidden) || v.Supervisor || c.Author == v.AccountID
}

// Moderation outcomes for a comment (ModerateComment).
const (
	OutcomeApprove        = "approve"
	OutcomeHide           = "hide"
	OutcomeRestore        = "restore"
	OutcomeRequestChanges = "request_changes"
)

// CommentInput is a new comment.
type CommentInput struct {
	ThreadID string
	Text     string
	Anchor   *Anchor // optional
}

// AddComment adds a comment to an item.
func (s *Service) AddComment(ctx context.Context, actor, pledgeID, itemID string, in CommentInput) (Comment, error) {
	// The comment and, when screening held it, its case: together or not
	// at all (a held comment without a case would wait for nobody).
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Comment, error) {
		c, err := s.addComment(ctx, actor, pledgeID, itemID, in)
		if err != nil {
			return Comment{}, err
		}
		return c, s.holdComment(ctx, c)
	})
}

// addComment is AddComment, inside its transaction.
func (s *Service) addComment(ctx context.Context, actor, pledgeID, itemID string, in CommentInput) (Comment, error) {
	text := strings.TrimSpace(in.Text)
	if text == "" {
		return Comment{}, fault.Errorf(fault.Invalid, "Please write something in your comment.")
	}
	if err := checkLength("comment", text, MaxComment); err != nil {
		return Comment{}, err
	}
	it, err := s.Item(ctx, pledgeID, itemID)
	if err != nil {
		return Comment{}, err
	}
	if it.Removed {
		return Comment{}, noItem()
	}
	if in.ThreadID != "" {
		d, err := store.GetAs[Comment](ctx, s.Docs, colComments, in.ThreadID)
		if err != nil || d.Value.ItemID != itemID || d.Value.ThreadID != "" {
			return Comment{}, fault.Errorf(fault.NotFound, "The comment you are answering does not exist.")
		}
	}
	now := s.now()
	c := Comment{ID: newID(), PledgeID: pledgeID, ItemID: itemID, ThreadID: in.ThreadID, Author: actor, Text: text, At: now, AtMillis: now.UnixMilli()}
	if in.Anchor != nil {
		a := *in.Anchor
		if a.Version == 0 {
			a.Version = it.Version
		}
		r, err := s.revision(ctx, itemID, a.Version)
		if err != nil {
			return Comment{}, err
		}
		runes := []rune(r.Text)
		if a.Start < 0 || a.End <= a.Start || a.End > len(runes) {
			return Comment{}, fault.Errorf(fault.Invalid, "The part of the text you picked is not in this version of the item. Please select it again.")
		}
		a.Quote = string(runes[a.Start:a.End])
		c.Anchor = &a
	}
	if err := s.screenComment(ctx, &c); err != nil {
		return Comment{}, err
	}
	if err := store.InsertAs(ctx, s.Docs, colComments, c.ID, c, time.Time{}); err != nil {
		return Comment{}, err
	}
	c, err = s.follow(ctx, c, it)
	if err != nil {
		return Comment{}, err
	}
	if c.Held {
		return c, nil // nobody else hears of it until a moderator approves
	}
	return c, s.event(ctx, actor, "pledge.comment_added", pledgeID, map[string]any{"comment": c})
}

// screenComment holds c when screening finds personal data or listed
// words in it, in the pledge's language.
func (s *Service) screenComment(ctx context.Context, c *Comment) error {
	p, err := s.Pledge(ctx, c.PledgeID)
	if err != nil {
		return err
	}
	res, err := s.screen(ctx, p, c.Text)
	if err != nil {
		return err
	}
	c.Hits = res.Hits
	if res.Held() {
		c.Held = true
	}
	return nil
}

// Comment returns one comment, whatever its state (for moderation).
func (s *Service) Comment(ctx context.Context, commentID string) (Comment, error) {
	d, err := store.GetAs[Comment](ctx, s.Docs, colComments, commentID)
	if fault.Is(err, fault.NotFound) {
		return Comment{}, fault.Errorf(fault.NotFound, "This comment does not exist.")
	}
	return d.Value, err
}

// EditComment lets the author rewrite a comment that is held (after a
// moderator asked for changes, or screening held it). It is screened again
// and stays held: a moderator looks at the new text before others see it.
func (s *Service) EditComment(ctx context.Context, actor, commentID, text string) (Comment, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Comment{}, fault.Errorf(fault.Invalid, "Please write something in your comment.")
	}
	if err := checkLength("comment", text, MaxComment); err != nil {
		return Comment{}, err
	}
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Comment, error) {
		c, err := s.updateComment(ctx, commentID, func(c *Comment) error {
			if c.Author != actor {
				return fault.Errorf(fault.Forbidden, "Only the person who wrote a comment can change it.")
			}
			if !c.Held || c.Hidden {
				return fault.Errorf(fault.Conflict, "This comment can no longer be changed.")
			}
			c.Text, c.Edited = text, true
			return s.screenComment(ctx, c)
		})
		if err != nil {
			return Comment{}, err
		}
		return c, s.holdComment(ctx, c) // back to the moderators' queue
	})
}

// ModerateComment carries out a moderator's decision on a comment: approve
// shows it to the group (live), hide takes it away from everyone but
// moderators and its author, restore undoes a hide (a comment held before
// stays held), request_changes keeps it held for the author to edit.
func (s *Service) ModerateComment(ctx context.Context, actor, commentID, outcome string) (Comment, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Comment, error) { return s.moderateComment(ctx, actor, commentID, outcome) })
}

// moderateComment is ModerateComment, inside its transaction.
func (s *Service) moderateComment(ctx context.Context, actor, commentID, outcome string) (Comment, error) {
	var wasVisible bool
	c, err := s.updateComment(ctx, commentID, func(c *Comment) error {
		wasVisible = !c.Held && !c.Hidden
		switch outcome {
		case OutcomeApprove:
			c.Held, c.Hidden = false, false
		case OutcomeRestore: // back to what it was before the hide: a held comment stays held
			c.Hidden = false
		case OutcomeHide:
			c.Hidden = true
		case OutcomeRequestChanges:
			c.Held = true
		default:
			return fault.Errorf(fault.Invalid, "Unknown moderation outcome %q.", outcome)
		}
		return nil
	})
	if err != nil {
		return Comment{}, err
	}
	visible := !c.Held && !c.Hidden
	switch {
	case visible && !wasVisible:
		it, err := s.Item(ctx, c.PledgeID, c.ItemID)
		if err != nil {
			return Comment{}, err
		}
		if c, err = s.follow(ctx, c, it); err != nil {
			return Comment{}, err
		}
		return c, s.event(ctx, actor, "pledge.comment_added", c.PledgeID, map[string]any{"comment": c})
	case !visible && wasVisible:
		return c, s.event(ctx, actor, "pledge.comment_removed", c.PledgeID, map[string]any{"commentId": c.ID, "itemId": c.ItemID})
	}
	return c, nil
}

// updateComment changes a stored comment with compare-and-set.
func (s *Service) updateComment(ctx context.Context, commentID string, change func(*Comment) error) (Comment, error) {
	for range maxAttempts {
		d, err := store.GetAs[Comment](ctx, s.Docs, colComments, commentID)
		if fault.Is(err, fault.NotFound) {
			return Comment{}, fault.Errorf(fault.NotFound, "This comment does not exist.")
		}
		if err != nil {
			return Comment{}, err
		}
		c := d.Value
		if err := change(&c); err != nil {
			return Comment{}, err
		}
		if _, err := store.UpdateAs(ctx, s.Docs, colComments, c.ID, d.Version, c, time.Time{}); fault.Is(err, fault.Conflict) {
			continue
		} else if err != nil {
			return Comment{}, err
		}
		return c, nil
	}
	return Comment{}, busy()
}

// Comments lists the comments on an item that v may see, oldest first,
// each anchor followed through the edits made since.
func (s *Service) Comments(ctx context.Context, v Viewer, pledgeID, itemID string) ([]Comment, error) {
	it, err := s.Item(ctx, pledgeID, itemID)
	if err != nil {
		return nil, err
	}
	docs, err := store.FindAs[Comment](ctx, s.Docs, colComments, store.Query{Where: []store.Cond{{Field: "itemId", Op: store.Eq, Value: itemID}}, OrderBy: "atMs", Limit: store.MaxLimit}, 10000)
	if err != nil {
		return nil, err
	}
	out := make([]Comment, 0, len(docs))
	for _, d := range docs {
		if !v.sees(d.Value) {
			continue
		}
		c, err := s.follow(ctx, d.Value, it)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// CommentsBy lists the ids of every comment the account wrote, in every
// pledge (for a withdrawal of consent to reach them all).
func (s *Service) CommentsBy(ctx context.Context, accountID string) ([]string, error) {
	return s.idsBy(ctx, colComments, accountID)
}

// AmendmentsBy lists the ids of every amendment the account proposed.
func (s *Service) AmendmentsBy(ctx context.Context, accountID string) ([]string, error) {
	return s.idsBy(ctx, colAmendments, accountID)
}

func (s *Service) idsBy(ctx context.Context, collection, accountID string) ([]string, error) {
	docs, err := store.FindAs[struct {
		ID string `json:"id"`
	}](ctx, s.Docs, collection, store.Query{Where: []store.Cond{{Field: "author", Op: store.Eq, Value: accountID}}, Limit: store.MaxLimit}, 10000)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Value.ID)
	}
	return out, nil
}

// follow maps a comment's anchor to the item's current text, through the
// operations made on the text since the anchor's version: the same ones
// every editor applied. Less than half of the anchored characters left
// means the words are gone.
func (s *Service) follow(ctx context.Context, c Comment, it Item) (Comment, error) {
	if c.Anchor == nil {
		return c, nil
	}
	ops, err := s.fieldOps(ctx, it.ID, Text, c.Anchor.Version, it.Version)
	if err != nil {
		return Comment{}, err
	}
	sp := span{start: c.Anchor.Start, end: c.Anchor.End, left: c.Anchor.End - c.Anchor.Start}
	for _, op := range ops {
		sp = sp.follow(op)
	}
	if it.Removed || sp.left == 0 || 2*sp.left < c.Anchor.End-c.Anchor.Start {
		c.AnchorLost = true
		c.Note = "The words this comment was about have been deleted."
		return c, nil
	}
	rs := []rune(it.Text)
	sp.end = min(sp.end, len(rs))
	cur := Anchor{Version: it.Version, Start: sp.start, End: sp.end, Quote: string(rs[sp.start:sp.end])}
	c.Current = &cur
	return c, nil
}

// fieldOps returns the operations that changed field f from version from
// to version to, in order.
func (s *Service) fieldOps(ctx context.Context, itemID string, f Field, from, to int64) ([]ot.Op, error) {
	defer s.lock(ctx, itemID)()
	steps, err := s.steps(ctx, s.histOf(ctx, itemID), itemID, from, to)
	if err != nil {
		return nil, err
	}
	var ops []ot.Op
	for _, st := range steps {
		if op := st.ops[fieldIndex(f)]; len(op) > 0 {
			ops = append(ops, op)
		}
	}
	return ops, nil
}

// Amendment is a proposed replacement of one field of an item, which an
// ambassador or a moderator accepts (it becomes an edit) or declines.
type Amendment struct {
	ID          string    `json:"id"`
	PledgeID    string    `json:"pledgeId"`
	ItemID      string    `json:"itemId"`
	Field       Field     `json:"field"`
	BaseVersion int64     `json:"baseVersion"`
	BaseText    string    `json:"baseText"`
	Text        string    `json:"text"`
	Reason      string    `json:"reason,omitempty"`
	Author      string    `json:"author"`
	State       string    `json:"state"` // open, accepted, declined
	DecidedBy   string    `json:"decidedBy,omitempty"`
	Version     int64     `json:"resultVersion,omitempty"` // the item version the accepted amendment made
	At          time.Time `json:"at"`
	AtMillis    int64     `json:"atMs"`
	Diff        []DiffOp  `json:"diff"`

	// Held, Hidden and Edited as for a comment: a held or hidden amendment
	// is seen only by its author and supervisors, and cannot be accepted.
	// Hits point into Text, ReasonHits into Reason.
	Held       bool         `json:"held,omitempty"`
	Hits       []screen.Hit `json:"hits,omitempty"`
	ReasonHits []screen.Hit `json:"reasonHits,omitempty"`
	Hidden     bool         `json:"hidden,omitempty"`
	Edited     bool         `json:"edited,omitempty"`
	Erased     bool         `json:"erased,omitempty"` // as for a comment; an open one is withdrawn
}

// SeesAmendment reports whether v may see a: a held or hidden amendment
// only its author and the panel's supervisors.
func (v Viewer) SeesAmendment(a Amendment) bool {
	return !(a.Held || a.Hidden) || v.Supervisor || a.Author == v.AccountID
}

// screenAmendment holds a when screening finds something in its text, its
// reason, or the two read together, in the pledge's language.
func (s *Service) screenAmendment(ctx context.Context, a *Amendment) error {
	p, err := s.Pledge(ctx, a.PledgeID)
	if err != nil {
		return err
	}
	text, err := s.screen(ctx, p, a.Text)
	if err != nil {
		return err
	}
	reason, err := s.screen(ctx, p, a.Reason)
	if err != nil {
		return err
	}
	// Together too: what is split between the text and the reason.
	both, err := s.screen(ctx, p, a.Text+" "+a.Reason)
	if err != nil {
		return err
	}
	a.Hits, a.ReasonHits = text.Hits, reason.Hits
	if !text.Held() && !reason.Held() && both.Held() {
		// Split between the two: each part of a hit points into the
		// field it is in, so the moderator's case has its kind and the
		// author sees where.
		a.Hits, a.ReasonHits = splitHits(both.Hits, len(a.Text))
	}
	if text.Held() || reason.Held() || both.Held() {
		a.Held = true
	}
	return nil
}

// splitHits maps hits into text+" "+reason (byte offsets) to the text
// (the first n bytes) and to the reason.
func splitHits(hits []screen.Hit, n int) (inText, inReason []screen.Hit) {
	for _, h := range hits {
		if h.Start < n {
			t := h
			t.End = min(h.End, n)
			inText = append(inText, t)
		}
		if h.End > n+1 {
			r := h
			r.Start, r.End = max(h.Start-n-1, 0), h.End-n-1
			inReason = append(inReason, r)
		}
	}
	return inText, inReason
}

// Propose records an amendment to one field of an item, based on its
// current version.
func (s *Service) Propose(ctx context.Context, actor, pledgeID, itemID string, f Field, text, reason string) (Amendment, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Amendment, error) {
		a, err := s.propose(ctx, actor, pledgeID, itemID, f, text, reason)
		if err != nil {
			return Amendment{}, err
		}
		return a, s.holdAmendment(ctx, a)
	})
}

// propose is Propose, inside its transaction.
func (s *Service) propose(ctx context.Context, actor, pledgeID, itemID string, f Field, text, reason string) (Amendment, error) {
	if f == "" {
		f = Text
	}
	if err := s.checkField(f, text); err != nil {
		return Amendment{}, err
	}
	if err := checkLength("reason", reason, MaxComment); err != nil {
		return Amendment{}, err
	}
	p, err := s.Pledge(ctx, pledgeID)
	if err != nil {
		return Amendment{}, err
	}
	if err := editable(p); err != nil {
		return Amendment{}, err
	}
	it, err := s.Item(ctx, pledgeID, itemID)
	if err != nil {
		return Amendment{}, err
	}
	if it.Removed {
		return Amendment{}, noItem()
	}
	now := s.now()
	a := Amendment{ID: newID(), PledgeID: pledgeID, ItemID: itemID, Field: f, BaseVersion: it.Version, BaseText: it.field(f), Text: text,
		Reason: strings.TrimSpace(reason), Author: actor, State: "open", At: now, AtMillis: now.UnixMilli()}
	a.Diff = Diff(a.BaseText, a.Text)
	if err := s.screenAmendment(ctx, &a); err != nil {
		return Amendment{}, err
	}
	if err := store.InsertAs(ctx, s.Docs, colAmendments, a.ID, a, time.Time{}); err != nil {
		return Amendment{}, err
	}
	if a.Held {
		return a, nil // nobody else hears of it until a moderator approves
	}
	return a, s.event(ctx, actor, "pledge.amendment_proposed", pledgeID, map[string]any{"amendment": a})
}

// Amendment returns one amendment, whatever its state (for moderation).
func (s *Service) Amendment(ctx context.Context, amendmentID string) (Amendment, error) {
	d, err := store.GetAs[Amendment](ctx, s.Docs, colAmendments, amendmentID)
	if fault.Is(err, fault.NotFound) {
		return Amendment{}, noAmendment()
	}
	return d.Value, err
}

func noAmendment() error { return fault.Errorf(fault.NotFound, "This amendment does not exist.") }

// EditAmendment lets the author rewrite an open amendment that is held
// (screening held it, or a moderator asked for changes). It is screened
// again and stays held: a moderator looks at it before others see it.
func (s *Service) EditAmendment(ctx context.Context, actor, amendmentID, text, reason string) (Amendment, error) {
	if err := checkLength("reason", reason, MaxComment); err != nil {
		return Amendment{}, err
	}
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Amendment, error) {
		a, err := s.updateAmendment(ctx, amendmentID, func(a *Amendment) error {
			if a.Author != actor {
				return fault.Errorf(fault.Forbidden, "Only the person who proposed an amendment can change it.")
			}
			if !a.Held || a.Hidden || a.State != "open" {
				return fault.Errorf(fault.Conflict, "This amendment can no longer be changed.")
			}
			if err := s.checkField(a.Field, text); err != nil {
				return err
			}
			a.Text, a.Reason, a.Edited = text, strings.TrimSpace(reason), true
			a.Diff = Diff(a.BaseText, a.Text)
			return s.screenAmendment(ctx, a)
		})
		if err != nil {
			return Amendment{}, err
		}
		return a, s.holdAmendment(ctx, a) // back to the moderators' queue
	})
}

// ModerateAmendment carries out a moderator's decision on an amendment,
// as ModerateComment does on a comment.
func (s *Service) ModerateAmendment(ctx context.Context, actor, amendmentID, outcome string) (Amendment, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Amendment, error) {
		return s.moderateAmendment(ctx, actor, amendmentID, outcome)
	})
}

// moderateAmendment is ModerateAmendment, inside its transaction.
func (s *Service) moderateAmendment(ctx context.Context, actor, amendmentID, outcome string) (Amendment, error) {
	var wasVisible bool
	a, err := s.updateAmendment(ctx, amendmentID, func(a *Amendment) error {
		wasVisible = !a.Held && !a.Hidden
		switch outcome {
		case OutcomeApprove:
			a.Held, a.Hidden = false, false
		case OutcomeRestore: // back to what it was before the hide: a held amendment stays held
			a.Hidden = false
		case OutcomeHide:
			a.Hidden = true
		case OutcomeRequestChanges:
			a.Held = true
		default:
			return fault.Errorf(fault.Invalid, "Unknown moderation outcome %q.", outcome)
		}
		return nil
	})
	if err != nil {
		return Amendment{}, err
	}
	switch visible := !a.Held && !a.Hidden; {
	case visible && !wasVisible:
		return a, s.event(ctx, actor, "pledge.amendment_proposed", a.PledgeID, map[string]any{"amendment": a})
	case !visible && wasVisible:
		return a, s.event(ctx, actor, "pledge.amendment_removed", a.PledgeID, map[string]any{"amendmentId": a.ID, "itemId": a.ItemID})
	}
	return a, nil
}

// updateAmendment changes a stored amendment with compare-and-set.
func (s *Service) updateAmendment(ctx context.Context, amendmentID string, change func(*Amendment) error) (Amendment, error) {
	for range maxAttempts {
		d, err := store.GetAs[Amendment](ctx, s.Docs, colAmendments, amendmentID)
		if fault.Is(err, fault.NotFound) {
			return Amendment{}, noAmendment()
		}
		if err != nil {
			return Amendment{}, err
		}
		a := d.Value
		if err := change(&a); err != nil {
			return Amendment{}, err
		}
		if _, err := store.UpdateAs(ctx, s.Docs, colAmendments, a.ID, d.Version, a, time.Time{}); fault.Is(err, fault.Conflict) {
			continue
		} else if err != nil {
			return Amendment{}, err
		}
		return a, nil
	}
	return Amendment{}, busy()
}

// Amendments lists the amendments of an item that v may see, oldest first.
func (s *Service) Amendments(ctx context.Context, v Viewer, pledgeID, itemID string) ([]Amendment, error) {
	if _, err := s.Item(ctx, pledgeID, itemID); err != nil {
		return nil, err
	}
	docs, err := store.FindAs[Amendment](ctx, s.Docs, colAmendments, store.Query{Where: []store.Cond{{Field: "itemId", Op: store.Eq, Value: itemID}}, OrderBy: "atMs", Limit: store.MaxLimit}, 10000)
	if err != nil {
		return nil, err
	}
	out := make([]Amendment, 0, len(docs))
	for _, d := range docs {
		if v.SeesAmendment(d.Value) {
			out = append(out, d.Value)
		}
	}
	return out, nil
}

// Decide accepts or declines an open amendment. Accepting applies it to the
// item like any edit (changes made since it was proposed stay); a held or
// hidden amendment cannot be accepted (fault.Conflict).
func (s *Service) Decide(ctx context.Context, actor, pledgeID, amendmentID string, accept bool) (Amendment, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Amendment, error) {
		return s.decide(ctx, actor, pledgeID, amendmentID, accept)
	})
}

// decide is Decide, inside its transaction.
func (s *Service) decide(ctx context.Context, actor, pledgeID, amendmentID string, accept bool) (Amendment, error) {
	d, err := store.GetAs[Amendment](ctx, s.Docs, colAmendments, amendmentID)
	if fault.Is(err, fault.NotFound) || (err == nil && d.Value.PledgeID != pledgeID) {
		return Amendment{}, noAmendment()
	}
	if err != nil {
		return Amendment{}, err
	}
	a := d.Value
	if a.State != "open" {
		return Amendment{}, fault.Errorf(fault.Conflict, "Someone already decided about this amendment.")
	}
	if accept && (a.Held || a.Hidden) {
		return Amendment{}, fault.Errorf(fault.Conflict, "A moderator is checking this amendment, so it cannot be accepted yet.")
	}
	a.State, a.DecidedBy = "declined", actor
	if accept {
		a.State = "accepted"
	}
	// Claim the decision first, so that an amendment is applied at most once.
	if _, err := store.UpdateAs(ctx, s.Docs, colAmendments, a.ID, d.Version, a, time.Time{}); fault.Is(err, fault.Conflict) {
		return Amendment{}, fault.Errorf(fault.Conflict, "Someone already decided about this amendment.")
	} else if err != nil {
		return Amendment{}, err
	}
	if accept {
		// Inside Decide's transaction: when the edit fails, the claim is
		// rolled back with it, and the amendment can be decided again.
		it, err := s.EditItem(ctx, a.Author, pledgeID, a.ItemID, a.Field, a.BaseVersion, a.Text)
		if err != nil {
			return Amendment{}, err
		}
		a.Version = it.Version
		if cur, err := store.GetAs[Amendment](ctx, s.Docs, colAmendments, a.ID); err == nil {
			if _, err := store.UpdateAs(ctx, s.Docs, colAmendments, a.ID, cur.Version, a, time.Time{}); err != nil {
				return Amendment{}, err
			}
		}
	}
	if a.Held || a.Hidden {
		return a, nil // declined before anyone else saw it
	}
	return a, s.event(ctx, actor, "pledge.amendment_decided", pledgeID, map[string]any{"amendmentId": a.ID, "itemId": a.ItemID, "state": a.State, "version": a.Version})
}

// Endorsements is what a person may know about the endorsements of a
// pledge: whether they endorsed it, and the count only when asked for
// (moderators and coordinators; no public counts for youth, rule 7).
type Endorsements struct {
	Mine  bool   `json:"endorsedByMe"`
	Count *int64 `json:"count,omitempty"`
}

type endorsement struct {
	PledgeID  string    `json:"pledgeId"`
	AccountID string    `json:"accountId"`
	At        time.Time `json:"at"`
}

func endorsementID(pledgeID, accountID string) string { return pledgeID + ":" + accountID }

// Endorse records that actor endorses a pledge (once; again is a no-op).
func (s *Service) Endorse(ctx context.Context, actor, pledgeID string) error {
	return s.Docs.InTransaction(ctx, func(ctx context.Context) error { return s.endorse(ctx, actor, pledgeID) })
}

// endorse is Endorse, inside its transaction.
func (s *Service) endorse(ctx context.Context, actor, pledgeID string) error {
	if _, err := s.Pledge(ctx, pledgeID); err != nil {
		return err
	}
	// Looked up rather than inserted blindly: inside a transaction a
	// refused insert fails the whole transaction.
	if _, err := s.Docs.Get(ctx, colEndorsements, endorsementID(pledgeID, actor)); err == nil {
		return nil
	} else if !fault.Is(err, fault.NotFound) {
		return err
	}
	err := store.InsertAs(ctx, s.Docs, colEndorsements, endorsementID(pledgeID, actor), endorsement{PledgeID: pledgeID, AccountID: actor, At: s.now()}, time.Time{})
	if err != nil {
		return err
	}
	return s.event(ctx, actor, "pledge.endorsed", pledgeID, map[string]any{"by": actor})
}

// Withdraw takes actor's endorsement back (no-op when there is none).
func (s *Service) Withdraw(ctx context.Context, actor, pledgeID string) error {
	return s.Docs.InTransaction(ctx, func(ctx context.Context) error { return s.withdraw(ctx, actor, pledgeID) })
}

// withdraw is Withdraw, inside its transaction.
func (s *Service) withdraw(ctx context.Context, actor, pledgeID string) error {
	err := s.Docs.Delete(ctx, colEndorsements, endorsementID(pledgeID, actor))
	if fault.Is(err, fault.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.event(ctx, actor, "pledge.endorsement_withdrawn", pledgeID, map[string]any{"by": actor})
}

// EndorsementsFor tells actor whether they endorsed the pledge, and the
// count when withCount.
func (s *Service) EndorsementsFor(ctx context.Context, actor, pledgeID string, withCount bool) (Endorsements, error) {
	var out Endorsements
	_, err := s.Docs.Get(ctx, colEndorsements, endorsementID(pledgeID, actor))
	switch {
	case err == nil:
		out.Mine = true
	case !fault.Is(err, fault.NotFound):
		return out, err
	}
	if withCount {
		n, err := s.Docs.Count(ctx, colEndorsements, []store.Cond{{Field: "pledgeId", Op: store.Eq, Value: pledgeID}})
		if err != nil {
			return out, err
		}
		out.Count = &n
	}
	return out, nil
}
