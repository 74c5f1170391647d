package pledge

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"chorus/fault"
	"chorus/moderation/screen"
	"chorus/ot"
	"chorus/store"
)

// Edits of one item are serialised, so under load they queue. Rather than
// have each waiting edit read the pledge and the item and write the item
// again, the edit at the head of the queue (the leader) takes every edit
// waiting for the item and applies them in arrival order under the item
// lock: one read of the pledge and the item, then for each edit the same
// transform as one at a time and its own revision, then one transaction
// with the batch's revisions, the item (revisions are the source of truth;
// a reader rolls the item forward if that update is lost) and one event
// per field edited (editedEvent). The outcome is the one of running the
// edits one after another in that order. An edit is answered once that
// transaction committed (on SQLite: once it is on disk), so every edit
// acknowledged is stored, with its event. One commit per batch, not one
// per revision, item and event: each commit waits for the disk, and the
// batch's edits share that wait. The leader then hands the queue to the
// first edit that arrived meanwhile, so no request serves others for
// longer than one batch.

// editReq is one edit waiting in its item's queue.
type editReq struct {
	ctx   context.Context
	actor string
	e     Edit
	text  *string // a whole new text instead of e.Op (EditItem)

	res  Applied
	err  error
	ok   bool          // its revision was stored
	dup  bool          // sent before and applied then: res says how
	lead bool          // set before wake: this request leads the next batch
	wake chan struct{} // receives once: the request is done, or leads
}

type editQueue struct {
	pending []*editReq
	leading bool // a leader is applying a batch
}

// maxBatch bounds the edits one leader applies in one go.
const maxBatch = 256

// gatherEdits is how long the leader of a busy item waits for more edits
// before taking its batch.
const gatherEdits = 2 * time.Millisecond

// queueEdit adds r to the queue of its item and returns its outcome once a
// leader (possibly r itself) has applied it.
func (s *Service) queueEdit(pledgeID, itemID string, r *editReq) (Applied, error) {
	if store.WithinTransaction(r.ctx) {
		// Inside a caller's transaction (a decision applying an
		// amendment) the edit is applied alone, in that transaction: a
		// batch led from here would write other people's edits into it,
		// and a leader elsewhere would wait for the write lock it holds.
		s.applyEdits(r.ctx, pledgeID, itemID, []*editReq{r})
		return r.res, r.err
	}
	r.wake = make(chan struct{}, 1)
	s.editsMu.Lock()
	if s.edits == nil {
		s.edits = map[string]*editQueue{}
	}
	q := s.edits[itemID]
	if q == nil {
		q = &editQueue{}
		s.edits[itemID] = q
	}
	q.pending = append(q.pending, r)
	lead := !q.leading
	q.leading = true
	s.editsMu.Unlock()
	if !lead {
		// A leader is at work; it wakes r when r is done or is to lead.
		// r must wait even if its context ends: it may be handed the queue.
		<-r.wake
		if !r.lead {
			return r.res, r.err
		}
	}
	s.leadEdits(pledgeID, itemID, q)
	return r.res, r.err
}

// leadEdits applies the edits waiting in q (the leader's first), hands the
// queue on and wakes the batch.
func (s *Service) leadEdits(pledgeID, itemID string, q *editQueue) {
	s.editsMu.Lock()
	busy := q.pending[0].lead
	s.editsMu.Unlock()
	if busy {
		// A batch was handed on to this one: the item is busy. A
		// moment's wait lets the edits on their way join this batch,
		// whose fixed costs (reads, the commit, one event to every
		// subscriber) they then share. A quiet item does not wait.
		time.Sleep(gatherEdits)
	}
	s.editsMu.Lock()
	n := min(len(q.pending), maxBatch)
	batch := q.pending[:n:n]
	q.pending = q.pending[n:]
	s.editsMu.Unlock()

	handedOn := false
	handOn := func() {
		handedOn = true
		s.editsMu.Lock()
		var next *editReq
		if len(q.pending) > 0 {
			next = q.pending[0]
			next.lead = true
		} else {
			q.leading = false
			if s.edits[itemID] == q {
				delete(s.edits, itemID)
			}
		}
		s.editsMu.Unlock()
		if next != nil {
			next.wake <- struct{}{}
		}
	}
	defer func() {
		if !handedOn { // a panic: fail the batch rather than leave it waiting
			for _, r := range batch {
				if r.err == nil {
					r.ok, r.err = false, fault.Errorf(fault.Internal, "The edit could not be saved.")
				}
			}
			handOn()
		}
		for _, r := range batch[1:] {
			r.wake <- struct{}{}
		}
	}()

	// The leader works for everyone in the batch: its own request ending
	// must not fail the others.
	s.applyEdits(context.WithoutCancel(batch[0].ctx), pledgeID, itemID, batch)
	handOn()
}

// editedEvent is what one pledge.item_edited event says for a batch: the
// operations of one field, in version order, each with its version and who
// sent it, so that every client applies (or, for its own, acknowledges)
// each one; and who edited. One event per field and batch rather than per
// edit: under load a batch holds dozens of edits, and every subscriber gets
// each event, so per-edit events multiplied the fan-out by the batch size.
type editedEvent struct {
	reqs    []*editReq
	ops     []EditedOp
	authors []string
}

// EditedOp is one edit in a pledge.item_edited event: the operation as
// applied to version Version-1, and the sender's Client and Seq.
type EditedOp struct {
	Version int64  `json:"v"`
	Op      ot.Op  `json:"op"`
	Client  string `json:"client,omitempty"`
	Seq     int64  `json:"seq,omitempty"`
}

// editedEvents groups the edits applied by field, in order of each
// field's first edit.
func editedEvents(applied []*editReq) []*editedEvent {
	var evs []*editedEvent
	var of []Field
	for _, r := range applied {
		i := slices.Index(of, r.e.Field)
		if i < 0 {
			evs, of = append(evs, &editedEvent{}), append(of, r.e.Field)
			i = len(evs) - 1
		}
		e := evs[i]
		e.reqs = append(e.reqs, r)
		e.ops = append(e.ops, EditedOp{Version: r.res.Version, Op: ot.StripInvertible(r.res.Op), Client: r.e.Client, Seq: r.e.Seq})
		if !slices.Contains(e.authors, r.actor) {
			e.authors = append(e.authors, r.actor)
		}
	}
	return evs
}

// applyEdits transforms the edits of batch in order and stores their
// revisions in one write, under the item lock; each gets its outcome (r.res,
// r.ok) or its error. When another process took one of the versions
// meanwhile, nothing of the batch was stored: it is read and transformed
// again.
func (s *Service) applyEdits(ctx context.Context, pledgeID, itemID string, batch []*editReq) {
	defer s.lock(ctx, itemID)()
	h := s.histOf(ctx, itemID) // guarded by the item lock
	for attempt := 0; ; attempt++ {
		if attempt == maxAttempts {
			for _, r := range batch {
				if r.err == nil {
					r.err = busy()
				}
			}
			return
		}
		p, err := s.Pledge(ctx, pledgeID)
		if err == nil {
			var d store.Doc[Item]
			if d, err = s.itemDoc(ctx, itemID); err == nil && d.Value.PledgeID != pledgeID {
				err = noItem()
			}
			if err == nil {
				if s.storeEdits(ctx, p, d, batch, h) {
					return
				}
				continue // a version was taken meanwhile
			}
		}
		for _, r := range batch {
			r.err = err
		}
		return
	}
}

// storeEdits applies the edits of batch to item d, one after the other,
// and stores their revisions at once; false means another writer took one
// of the versions first and nothing was stored.
func (s *Service) storeEdits(ctx context.Context, p Pledge, d store.Doc[Item], batch []*editReq, h *itemHist) bool {
	first := d.Value.Version
	cur := d.Value
	var (
		applied []*editReq
		revs    []store.Record
	)
	for _, r := range batch {
		r.err, r.ok, r.dup = nil, false, false
		if err := r.ctx.Err(); err != nil {
			r.err = err
			continue
		}
		it, res, err := s.transformEdit(ctx, p, cur, r, h)
		if err != nil {
			r.err = err
			continue
		}
		if r.dup {
			r.res = res
			continue
		}
		it.Version = cur.Version + 1
		it.UpdatedBy, it.UpdatedAt = r.actor, s.now()
		rev := s.revisionOf(it, "edited", r.e.Field)
		rev.Ops, rev.Client, rev.Seq = map[Field]ot.Op{r.e.Field: res.Op}, r.e.Client, r.e.Seq
		rec, err := store.RecordOf(revisionID(it.ID, it.Version), rev, time.Time{})
		if err != nil {
			r.err = err
			continue
		}
		res.Item, res.Version = it, it.Version
		cur, r.res = it, res
		h.add(it.Version, stepOf(rev, nil)) // the next edit of the batch is transformed against this one
		applied, revs = append(applied, r), append(revs, rec)
	}
	if len(revs) == 0 {
		return true
	}
	// Screen once per batch, what its last edit left, and keep the hits
	// with the last revision, so that rolling forward finds them too.
	last := applied[len(applied)-1]
	err := s.rescreen(ctx, p, &cur, d.Value)
	if err == nil {
		rev := withHits(s.revisionOf(cur, "edited", last.e.Field), cur)
		rev.Ops, rev.Client, rev.Seq = map[Field]ot.Op{last.e.Field: last.res.Op}, last.e.Client, last.e.Seq
		revs[len(revs)-1], err = store.RecordOf(revisionID(cur.ID, cur.Version), rev, time.Time{})
	}
	if err != nil {
		h.cut(first)
		for _, r := range applied {
			r.err = err
		}
		return true
	}
	for _, r := range applied {
		r.res.Item.Hits = hitsAlike(r.res.Item, cur)
	}
	events, err := s.editedData(applied)
	write := func(ctx context.Context) error {
		if err := s.Docs.InsertMany(ctx, colRevisions, revs); err != nil {
			return err
		}
		if _, err := store.UpdateAs(ctx, s.Docs, colItems, d.Value.ID, d.Version, cur, time.Time{}); err != nil && !fault.Is(err, fault.Conflict) {
			return err
		} // a conflict here means another writer rolled our revisions forward
		for _, b := range events {
			if _, err := s.Docs.AppendEvent(ctx, store.Event{Actor: b.actor, Type: "pledge.item_edited", Subject: Topic(p.ID), Data: b.data}); err != nil {
				return err
			}
		}
		return nil
	}
	switch {
	case err != nil:
	case store.WithinTransaction(ctx):
		// The caller's transaction holds everything already; joining it
		// with InTransaction would make a taken version (tried again
		// here) fail the caller's whole transaction.
		err = write(ctx)
	default:
		err = s.Docs.InTransaction(ctx, write)
	}
	if err != nil {
		h.cut(first) // those versions are not ours, or not stored
		if fault.Is(err, fault.Conflict) {
			return false
		}
		for _, r := range applied {
			r.err = err
		}
		return true
	}
	for _, r := range applied {
		r.ok = true
	}
	return true
}

// editedBody is one pledge.item_edited event of a batch, ready to append.
type editedBody struct {
	actor string
	data  json.RawMessage
}

// editedData is the batch's events, one per field (see editedEvent).
func (s *Service) editedData(applied []*editReq) ([]editedBody, error) {
	var out []editedBody
	for _, ev := range editedEvents(applied) {
		last := ev.reqs[len(ev.reqs)-1]
		hits := last.res.Item.Hits[last.e.Field]
		if hits == nil {
			hits = []screen.Hit{} // the field is clean now: a warning shown goes
		}
		b, err := json.Marshal(map[string]any{"itemId": last.res.Item.ID, "field": last.e.Field,
			"version": last.res.Version, "baseVersion": ev.reqs[0].e.Base, "ops": ev.ops,
			"author": last.actor, "authors": ev.authors, "edits": len(ev.reqs), "hits": hits})
		if err != nil {
			return nil, fault.Wrap(fault.Internal, err, "event cannot be recorded")
		}
		out = append(out, editedBody{last.actor, b})
	}
	return out, nil
}
