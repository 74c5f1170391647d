package pledge

import (
	"github.com/sergi/go-diff/diffmatchpatch"

	"chorus/ot"
)

// span is a range of code points of a text, with how many of its
// characters are still those it was made on.
type span struct{ start, end, left int }

// follow moves sp through op. Text inserted where the span starts goes
// before it, text inserted where it ends after it; deleted characters of
// the span no longer count as left.
func (sp span) follow(op ot.Op) span {
	out := span{start: mapPos(sp.start, op, true), end: mapPos(sp.end, op, false), left: sp.left}
	pos := 0
	for _, c := range op {
		switch {
		case c.Skip > 0:
			pos += c.Skip
		case c.Delete > 0:
			lo, hi := max(pos, sp.start), min(pos+c.Delete, sp.end)
			if lo < hi {
				out.left -= hi - lo
			}
			pos += c.Delete
		}
	}
	out.end = max(out.end, out.start)
	out.left = max(out.left, 0)
	return out
}

// mapPos moves position p of a text through op; at a place where op
// inserts, after says whether p goes after the inserted text.
func mapPos(p int, op ot.Op, after bool) int {
	oldPos, newPos := 0, 0
	for _, c := range op {
		switch {
		case c.Skip > 0:
			if p < oldPos+c.Skip {
				return newPos + p - oldPos
			}
			oldPos, newPos = oldPos+c.Skip, newPos+c.Skip
		case c.Insert != "":
			if p == oldPos && !after {
				return newPos
			}
			newPos += runeLen(c.Insert)
		default:
			if p < oldPos+c.Delete {
				return newPos
			}
			oldPos += c.Delete
		}
	}
	return newPos + p - oldPos
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
