package pledge

import (
	"context"
	"time"

	"chorus/fault"
	"chorus/store"
)

// Edits of one item are serialised, so under load they queue. Rather than
// have each waiting edit read the pledge and the item and write the item
// again, the edit at the head of the queue (the leader) takes every edit
// waiting for the item and applies them in arrival order under the item
// lock: one read of the pledge and the item, then for each edit the same
// merge as one at a time, its own revision and its own event, and a single
// update of the item at the end (revisions are the source of truth; a reader
// rolls the item forward if that update is lost). The outcome is the one of
// running the edits one after another in that order. The leader then hands
// the queue to the first edit that arrived meanwhile, so no request serves
// others for longer than one batch.

// editReq is one EditItem call waiting in its item's queue.
type editReq struct {
	ctx         context.Context
	actor       string
	f           Field
	baseVersion int64
	text        string

	it   Item
	err  error
	ok   bool          // its revision was stored
	lead bool          // set before wake: this request leads the next batch
	wake chan struct{} // receives once: the request is done, or leads
}

type editQueue struct {
	pending []*editReq
	leading bool          // a leader is applying a batch
	events  chan struct{} // closed when the events of the latest batch are out
}

// maxBatch bounds the edits one leader applies in one go.
const maxBatch = 256

// queueEdit adds r to the queue of its item and returns its outcome once a
// leader (possibly r itself) has applied it.
func (s *Service) queueEdit(pledgeID, itemID string, r *editReq) (Item, error) {
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
			return r.it, r.err
		}
	}
	s.leadEdits(pledgeID, itemID, q)
	return r.it, r.err
}

// leadEdits applies the edits waiting in q (the leader's first), hands the
// queue on, then appends the batch's events once those of the batch before
// are out (so events stay in version order while the next batch is merged)
// and wakes the batch.
func (s *Service) leadEdits(pledgeID, itemID string, q *editQueue) {
	s.editsMu.Lock()
	n := min(len(q.pending), maxBatch)
	batch := q.pending[:n:n]
	q.pending = q.pending[n:]
	prev, done := q.events, make(chan struct{})
	q.events = done
	s.editsMu.Unlock()

	handedOn, finished := false, false
	handOn := func() {
		handedOn = true
		s.editsMu.Lock()
		var next *editReq
		if len(q.pending) > 0 {
			next = q.pending[0]
			next.lead = true
		} else {
			q.leading = false
		}
		s.editsMu.Unlock()
		if next != nil {
			next.wake <- struct{}{}
		}
	}
	defer func() {
		if !finished { // a panic: fail the batch rather than leave it waiting
			for _, r := range batch {
				if r.err == nil {
					r.ok, r.err = false, fault.Errorf(fault.Internal, "The edit could not be saved.")
				}
			}
			if !handedOn {
				handOn()
			}
		}
		close(done)
		s.editsMu.Lock()
		if !q.leading && len(q.pending) == 0 && q.events == done {
			delete(s.edits, itemID)
		}
		s.editsMu.Unlock()
		for _, r := range batch[1:] {
			r.wake <- struct{}{}
		}
	}()

	// The leader works for everyone in the batch: its own request ending
	// must not fail the others.
	ctx := context.WithoutCancel(batch[0].ctx)
	s.applyEdits(ctx, pledgeID, itemID, batch)
	handOn()
	if prev != nil {
		<-prev
	}
	for _, r := range batch {
		if r.ok {
			r.err = s.event(ctx, r.actor, "pledge.item_edited", pledgeID, map[string]any{"itemId": r.it.ID, "field": r.f, "text": r.it.field(r.f),
				"version": r.it.Version, "baseVersion": r.baseVersion, "author": r.actor})
		}
	}
	finished = true
}

// applyEdits merges and stores the edits of batch in order, under the item
// lock; each gets its item (r.it, r.ok) or its error.
func (s *Service) applyEdits(ctx context.Context, pledgeID, itemID string, batch []*editReq) {
	defer s.lock(itemID)()
	h := s.hist.get(itemID) // guarded by the item lock
	var (
		p        Pledge
		d        store.Doc[Item] // the item as read
		cur      Item            // the item after the edits stored so far
		stale    = true          // p, d and cur must be read (again)
		written  map[int64]Item  // versions stored since the last read
		unrolled []*editReq      // edits whose revision is not yet in the item
	)
	load := func() error {
		np, err := s.Pledge(ctx, pledgeID)
		if err != nil {
			return err
		}
		nd, err := s.itemDoc(ctx, itemID)
		if err != nil {
			return err
		}
		if nd.Value.PledgeID != pledgeID {
			return noItem()
		}
		// The read rolled forward any revision stored so far.
		p, d, cur, stale, written, unrolled = np, nd, nd.Value, false, map[int64]Item{}, nil
		h.add(cur)
		return nil
	}
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			continue
		}
		for attempt := 0; ; attempt++ {
			if attempt == maxAttempts {
				r.err = busy()
				break
			}
			if stale {
				if err := load(); err != nil {
					r.err = err
					stale = true
					break
				}
			}
			it, err := s.mergeEdit(ctx, p, cur, r, written, h)
			if err != nil {
				r.err = err
				break
			}
			it.Version = cur.Version + 1
			it.UpdatedBy, it.UpdatedAt = r.actor, s.now()
			err = store.InsertAs(ctx, s.Docs, colRevisions, revisionID(itemID, it.Version), s.revisionOf(it, "edited", r.f), time.Time{})
			if fault.Is(err, fault.Conflict) {
				stale = true // someone else took this version: read and merge again
				continue
			}
			if err != nil {
				r.err = err
				break
			}
			cur, r.it, r.ok = it, it, true
			written[it.Version] = it
			h.add(it)
			unrolled = append(unrolled, r)
			break
		}
	}
	if len(unrolled) == 0 {
		return
	}
	if _, err := store.UpdateAs(ctx, s.Docs, colItems, itemID, d.Version, cur, time.Time{}); err != nil && !fault.Is(err, fault.Conflict) {
		for _, r := range unrolled {
			r.ok, r.err = false, err // as when edited one at a time: no event
		}
	} // a conflict here means another writer rolled our revisions forward
}
