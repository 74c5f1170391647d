package pledge

import (
	"context"
	"sync"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"

	"chorus/fault"
	"chorus/ot"
	"chorus/store"
)

// Every revision stores the operation that changed each field from the
// version before (Revision.Ops). An edit made on an older version is
// transformed against the operations of the versions since, so the recent
// ones are kept in memory per item: a revision never changes once stored,
// so what is cached is true for every process, and a gap (a version written
// elsewhere) is read from the store.

const (
	histKeep  = 4096 // versions kept per item (trimmed to this at 2x)
	histItems = 256  // items kept; past that the cache starts afresh
)

// step is what one version did: the op per field (nil: unchanged) and who
// sent it (Client, Seq), to recognise an edit sent twice.
type step struct {
	ops    [3]ot.Op
	client string
	seq    int64
}

type itemHist struct {
	first int64 // version of steps[0]
	steps []step
}

type histCache struct {
	mu    sync.Mutex
	items map[string]*itemHist
}

// get returns the history of an item, creating it. The caller holds the
// item lock, which guards the itemHist itself.
func (c *histCache) get(itemID string) *itemHist {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items == nil || len(c.items) >= histItems {
		c.items = map[string]*itemHist{}
	}
	h := c.items[itemID]
	if h == nil {
		h = &itemHist{}
		c.items[itemID] = h
	}
	return h
}

// histOf is the history of an item to work with under its lock (see
// Service.lock). Inside a transaction, which takes no lock, it is one of
// its own, empty: what it lacks is read from the store, and the shared one
// stays true (a version it does not know is a gap, read when needed).
func (s *Service) histOf(ctx context.Context, itemID string) *itemHist {
	if store.WithinTransaction(ctx) {
		return &itemHist{}
	}
	return s.hist.get(itemID)
}

func (h *itemHist) next() int64 { return h.first + int64(len(h.steps)) }

// add records version v. A version that does not follow the last one known
// starts the history afresh.
func (h *itemHist) add(v int64, st step) {
	switch {
	case v >= h.first && v < h.next():
		return // known already
	case v == h.next() && h.first > 0:
		h.steps = append(h.steps, st)
		if len(h.steps) >= 2*histKeep {
			drop := len(h.steps) - histKeep
			h.steps = append([]step(nil), h.steps[drop:]...)
			h.first += int64(drop)
		}
	default:
		h.first, h.steps = v, []step{st}
	}
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// cut forgets the versions after v: they were transformed but not stored.
func (h *itemHist) cut(v int64) {
	if keep := v - h.first + 1; keep < int64(len(h.steps)) {
		if keep <= 0 {
			h.first, h.steps = 0, nil
			return
		}
		h.steps = h.steps[:keep]
	}
}

// since returns the steps of versions from+1..to when all are known.
func (h *itemHist) since(from, to int64) ([]step, bool) {
	if from+1 < h.first || to >= h.next() || from > to {
		return nil, false
	}
	return h.steps[from+1-h.first : to+1-h.first], true
}

func fieldIndex(f Field) int {
	switch f {
	case Heading:
		return 0
	case Summary:
		return 2
	}
	return 1
}

// stepOf is the step a revision records. prev is the revision before, for
// revisions stored before operations were (their op is the difference of
// the two texts).
func stepOf(r Revision, prev *Revision) step {
	st := step{client: r.Client, seq: r.Seq}
	for _, f := range fields {
		switch op, ok := r.Ops[f]; {
		case ok:
			st.ops[fieldIndex(f)] = op
		case r.Ops == nil && prev != nil:
			before, after := itemAt(Item{}, *prev), itemAt(Item{}, r)
			if op := opFromTexts(before.field(f), after.field(f)); len(op) > 0 {
				st.ops[fieldIndex(f)] = op
			}
		}
	}
	return st
}

// steps returns what versions from+1..to did, from the cache or the store
// (then remembered).
func (s *Service) steps(ctx context.Context, h *itemHist, itemID string, from, to int64) ([]step, error) {
	if from >= to {
		return nil, nil
	}
	if sts, ok := h.since(from, to); ok {
		return sts, nil
	}
	upto := to
	if h.first > from+1 && h.first <= to && to < h.next() {
		upto = h.first - 1 // the cache has the rest, maybe not stored yet (a batch being applied)
	}
	docs, err := store.FindAs[Revision](ctx, s.Docs, colRevisions, store.Query{
		Where:   []store.Cond{{Field: "itemId", Op: store.Eq, Value: itemID}, {Field: "version", Op: store.Gte, Value: from}, {Field: "version", Op: store.Lte, Value: upto}},
		OrderBy: "version", Limit: store.MaxLimit}, int(upto-from)+1)
	if err != nil {
		return nil, err
	}
	if len(docs) != int(upto-from)+1 {
		return nil, errGap()
	}
	out := make([]step, 0, to-from)
	for i := 1; i < len(docs); i++ {
		if docs[i].Value.Version != from+int64(i) {
			return nil, errGap()
		}
		out = append(out, stepOf(docs[i].Value, &docs[i-1].Value))
	}
	if upto < to {
		out = append(out, h.steps[:to+1-h.first]...)
		h.first, h.steps = from+1, append(out[:len(out):len(out)], h.steps[to+1-h.first:]...)
		return out, nil
	}
	for i, st := range out {
		h.add(from+1+int64(i), st)
	}
	return out, nil
}

func errGap() error {
	return fault.Errorf(fault.Internal, "a revision of the item is missing")
}

// opFromTexts is an op that turns from into to, for changes that come as
// whole texts (a restore, an accepted amendment, a client without
// operations). Semantic clean-up makes a replaced word one change ("talk" ->
// "speak" is not a kept "a" and "k") and slides each change to word
// boundaries, so that deleting "two " of "one two three" deletes that
// word, not "wo t".
func opFromTexts(from, to string) ot.Op {
	if from == to {
		return ot.Op{}
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // exact: texts are short
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMain(from, to, false))
	var op ot.Op
	for _, d := range diffs {
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			op = append(op, ot.Component{Skip: runeLen(d.Text)})
		case diffmatchpatch.DiffInsert:
			op = append(op, ot.Component{Insert: d.Text})
		case diffmatchpatch.DiffDelete:
			op = append(op, ot.Component{Delete: runeLen(d.Text), Deleted: d.Text})
		}
	}
	return ot.Normalize(op)
}
