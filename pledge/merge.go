package pledge

import (
	"cmp"
	"slices"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// differ computes exact diffs: no time limit, so a diff is always minimal and
// never falls back to "delete everything, insert everything" under load.
// Texts are at most a few thousand characters, so this stays fast.
func differ() *diffmatchpatch.DiffMatchPatch {
	d := diffmatchpatch.New()
	d.DiffTimeout = 0
	return d
}

// op is one change expressed in positions of the current text (bytes).
type op struct {
	pos, end int    // delete [pos,end); an insert has end == pos
	text     string // inserted text; empty for a delete
	seq      int    // order of the change in the client's edit
}

// Merge applies the change a client made (base -> mine) to current, the text
// as it is now (base -> current being everyone else's changes since).
//
// Unlike a patch applied by fuzzy context matching, Merge never drops a hunk:
//   - every insertion of the client is applied, at the position in current
//     that its base position maps to (through the diff base -> current; a
//     position inside text someone else deleted maps to where that text was);
//   - a deletion of the client removes only the parts of the deleted text
//     that are still present in current (deleting something twice is a no-op,
//     and text someone else inserted meanwhile inside the range survives).
//
// Positions are byte offsets; the diffs are computed on runes, so they never
// split a multi-byte character.
func Merge(base, current, mine string) string {
	if mine == base {
		return current
	}
	if current == base {
		return mine
	}
	dmp := differ()
	// Lossless clean-up slides each change to word boundaries ("one two
	// three" -> "one three" deletes "two ", not "wo t"), which is what people
	// meant and keeps concurrent changes from interleaving inside words.
	theirs := dmp.DiffCleanupSemanticLossless(dmp.DiffMain(base, current, false))
	return applyOurs(dmp, base, current, mine,
		func(pos int) int { return dmp.DiffXIndex(theirs, pos) },
		func(from, to int) [][2]int { return surviving(theirs, from, to) })
}

// stepDiff is the diff of one step of a text's history, cleaned up as Merge
// cleans up the diff base -> current.
func stepDiff(from, to string) []diffmatchpatch.Diff {
	dmp := differ()
	return dmp.DiffCleanupSemanticLossless(dmp.DiffMain(from, to, false))
}

// mergeSteps is Merge when the history base -> current is known as steps
// (the diff of each version to the next): positions of base are followed
// through each step rather than through one diff of base to current. Each
// step is one small edit, so this costs little however far current has
// moved on, where one exact diff of two distant texts is quadratic.
func mergeSteps(base, current, mine string, steps [][]diffmatchpatch.Diff) string {
	if mine == base {
		return current
	}
	if len(steps) == 0 {
		return mine
	}
	dmp := differ()
	return applyOurs(dmp, base, current, mine,
		func(pos int) int {
			for _, st := range steps {
				pos = dmp.DiffXIndex(st, pos)
			}
			return pos
		},
		func(from, to int) [][2]int {
			rs := [][2]int{{from, to}}
			for _, st := range steps {
				var next [][2]int
				for _, r := range rs {
					next = append(next, surviving(st, r[0], r[1])...)
				}
				rs = next
				if len(rs) == 0 {
					break
				}
			}
			return rs
		})
}

// applyOurs applies the client's change base -> mine to current; mapPos
// maps a position of base to current and surv gives the parts of
// base[from:to] still present in current.
func applyOurs(dmp *diffmatchpatch.DiffMatchPatch, base, current, mine string, mapPos func(int) int, surv func(from, to int) [][2]int) string {
	ours := dmp.DiffCleanupSemanticLossless(dmp.DiffMain(base, mine, false))

	var ops []op
	basePos := 0
	for i, d := range ours {
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			basePos += len(d.Text)
		case diffmatchpatch.DiffInsert:
			ops = append(ops, op{pos: mapPos(basePos), text: d.Text, seq: i})
			ops[len(ops)-1].end = ops[len(ops)-1].pos
		case diffmatchpatch.DiffDelete:
			for _, r := range surv(basePos, basePos+len(d.Text)) {
				ops = append(ops, op{pos: r[0], end: r[1], seq: i})
			}
			basePos += len(d.Text)
		}
	}
	// Apply from the end backwards so earlier positions stay valid. At one
	// position a delete goes before an insert (the insert must not be
	// deleted), and inserts go in reverse order so they read in the
	// client's order.
	slices.SortStableFunc(ops, func(a, b op) int {
		if c := cmp.Compare(b.pos, a.pos); c != 0 {
			return c
		}
		aIns, bIns := a.end == a.pos, b.end == b.pos
		if aIns != bIns {
			if aIns {
				return 1
			}
			return -1
		}
		return cmp.Compare(b.seq, a.seq)
	})
	out := current
	for _, o := range ops {
		out = out[:o.pos] + o.text + out[o.end:]
	}
	return out
}

// surviving returns the ranges of current (as [start,end) byte offsets) that
// hold the text of base[from:to] still unchanged, walking the diff base ->
// current.
func surviving(theirs []diffmatchpatch.Diff, from, to int) [][2]int {
	var out [][2]int
	b, c := 0, 0 // positions in base and current
	for _, d := range theirs {
		n := len(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			lo, hi := max(b, from), min(b+n, to)
			if lo < hi {
				out = append(out, [2]int{c + lo - b, c + hi - b})
			}
			b += n
			c += n
		case diffmatchpatch.DiffDelete:
			b += n
		case diffmatchpatch.DiffInsert:
			c += n
		}
		if b >= to {
			break
		}
	}
	return out
}

// MapRange follows the range [start,end) of old through the changes to now.
// ok is false when the text in the range was deleted: less than half of it
// is left (a word replaced by another that shares a letter is gone).
func MapRange(old, now string, start, end int) (newStart, newEnd int, ok bool) {
	if old == now {
		return start, end, start < end
	}
	// Semantic clean-up: "talk" -> "speak" is a replaced word, not a
	// surviving "a" and "k".
	dmp := differ()
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMain(old, now, false))
	parts := surviving(diffs, start, end)
	left := 0
	for _, p := range parts {
		left += p[1] - p[0]
	}
	if len(parts) == 0 || 2*left < end-start {
		return 0, 0, false
	}
	return parts[0][0], parts[len(parts)-1][1], true
}

// DiffOp is one step of a diff between two versions of a text.
type DiffOp struct {
	Op   string `json:"op"` // equal, insert or delete
	Text string `json:"text"`
}

// Diff returns the human-readable difference between two texts (cleaned up
// to whole words where that reads better).
func Diff(from, to string) []DiffOp {
	dmp := diffmatchpatch.New()
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMain(from, to, false))
	out := make([]DiffOp, 0, len(diffs))
	for _, d := range diffs {
		name := "equal"
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			name = "insert"
		case diffmatchpatch.DiffDelete:
			name = "delete"
		}
		out = append(out, DiffOp{Op: name, Text: d.Text})
	}
	return out
}
