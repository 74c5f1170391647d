package pledge

import (
	"sync"
	"sync/atomic"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// The recent versions of items, kept in memory so that merging an edit made
// on an older version can follow the history step by step (mergeSteps)
// instead of diffing two distant texts. A revision never changes once
// stored, so what is cached is true for every process; a gap (a version
// written elsewhere and not seen here) just means the slow path.

const (
	histKeep  = 4096     // versions kept per item (trimmed to this at 2x)
	histBytes = 8 << 20  // text kept per item (about); past it, the older half goes
	histTotal = 64 << 20 // text kept for all items; past it the cache starts afresh
	histItems = 256      // items kept; past that the cache starts afresh
)

// Why this much: an author's edit is merged cheaply only while its base
// version is still here, and under heavy co-editing bases lag by up to a
// few seconds of edits (hundreds of versions). An edit whose base has
// gone costs an exact diff of two distant texts, which is quadratic and
// slows every later edit of the item, so the history must outlast the lag.

type histEntry struct {
	it    Item
	steps [3][]diffmatchpatch.Diff // per field: diff from the version before; nil until needed
}

type itemHist struct {
	first   int64 // version of entries[0]
	entries []histEntry
	bytes   int           // length of the texts in entries
	total   *atomic.Int64 // the cache's bytes in all, shared by its items
}

func itemBytes(it Item) int { return len(it.Heading) + len(it.Text) + len(it.Summary) }

type histCache struct {
	mu    sync.Mutex
	items map[string]*itemHist
	total *atomic.Int64
}

// get returns the history of an item, creating it. The caller holds the
// item lock, which guards the itemHist itself.
func (c *histCache) get(itemID string) *itemHist {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items == nil || len(c.items) >= histItems || c.total.Load() > histTotal {
		// Histories still in use keep counting on the old total.
		c.items, c.total = map[string]*itemHist{}, &atomic.Int64{}
	}
	h := c.items[itemID]
	if h == nil {
		h = &itemHist{total: c.total}
		c.items[itemID] = h
	}
	return h
}

// grow accounts for n more (or, negative, fewer) bytes of text.
func (h *itemHist) grow(n int) {
	h.bytes += n
	h.total.Add(int64(n))
}

// add records version it.Version of the item. A version that does not
// follow the last one known starts the history afresh.
func (h *itemHist) add(it Item) {
	n := int64(len(h.entries))
	switch {
	case n > 0 && it.Version >= h.first && it.Version < h.first+n:
		return // known already
	case n > 0 && it.Version == h.first+n:
		h.entries = append(h.entries, histEntry{it: it})
		h.grow(itemBytes(it))
		if len(h.entries) >= 2*histKeep || h.bytes > histBytes {
			drop := len(h.entries) / 2
			for _, e := range h.entries[:drop] {
				h.grow(-itemBytes(e.it))
			}
			h.entries = append([]histEntry(nil), h.entries[drop:]...)
			h.first += int64(drop)
		}
	default:
		h.grow(itemBytes(it) - h.bytes)
		h.first, h.entries = it.Version, []histEntry{{it: it}}
	}
}

// cut forgets the versions after v: they were merged but not stored.
func (h *itemHist) cut(v int64) {
	if keep := v - h.first + 1; keep < int64(len(h.entries)) {
		if keep <= 0 {
			h.grow(-h.bytes)
			h.first, h.entries = 0, nil
			return
		}
		for _, e := range h.entries[keep:] {
			h.grow(-itemBytes(e.it))
		}
		h.entries = h.entries[:keep]
	}
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

// merge merges the change base -> mine of field f into version cur when
// every version from base to cur is known; ok is false otherwise.
func (h *itemHist) merge(f Field, base, cur int64, mine string) (merged string, ok bool) {
	if base < h.first || cur >= h.first+int64(len(h.entries)) || base > cur {
		return "", false
	}
	fi := fieldIndex(f)
	steps := make([][]diffmatchpatch.Diff, 0, cur-base)
	for v := base + 1; v <= cur; v++ {
		e := &h.entries[v-h.first]
		if e.steps[fi] == nil {
			e.steps[fi] = stepDiff(h.entries[v-1-h.first].it.field(f), e.it.field(f))
			if e.steps[fi] == nil {
				e.steps[fi] = []diffmatchpatch.Diff{}
			}
		}
		steps = append(steps, e.steps[fi])
	}
	return mergeSteps(h.entries[base-h.first].it.field(f), h.entries[cur-h.first].it.field(f), mine, steps), true
}
