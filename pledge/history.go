package pledge

import (
	"sync"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// The recent versions of items, kept in memory so that merging an edit made
// on an older version can follow the history step by step (mergeSteps)
// instead of diffing two distant texts. A revision never changes once
// stored, so what is cached is true for every process; a gap (a version
// written elsewhere and not seen here) just means the slow path.

const (
	histKeep  = 512       // versions kept per item (trimmed to this at 2x)
	histBytes = 256 << 10 // text kept per item (about); past it, the older half goes
	histItems = 256       // items kept (at most 64 MiB in all); past that the cache starts afresh
)

type histEntry struct {
	it    Item
	steps [3][]diffmatchpatch.Diff // per field: diff from the version before; nil until needed
}

type itemHist struct {
	first   int64 // version of entries[0]
	entries []histEntry
	bytes   int // length of the texts in entries
}

func itemBytes(it Item) int { return len(it.Heading) + len(it.Text) + len(it.Summary) }

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

// add records version it.Version of the item. A version that does not
// follow the last one known starts the history afresh.
func (h *itemHist) add(it Item) {
	n := int64(len(h.entries))
	switch {
	case n > 0 && it.Version >= h.first && it.Version < h.first+n:
		return // known already
	case n > 0 && it.Version == h.first+n:
		h.entries = append(h.entries, histEntry{it: it})
		h.bytes += itemBytes(it)
		if len(h.entries) >= 2*histKeep || h.bytes > histBytes {
			drop := len(h.entries) / 2
			for _, e := range h.entries[:drop] {
				h.bytes -= itemBytes(e.it)
			}
			h.entries = append([]histEntry(nil), h.entries[drop:]...)
			h.first += int64(drop)
		}
	default:
		h.first, h.entries, h.bytes = it.Version, []histEntry{{it: it}}, itemBytes(it)
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
