package ot

// This file follows ot-text-unicode's transform and compose step by step
// (its makeTake, transform, compose, transformPosition and invert), so that
// the Go server and the browser agree on every result; the differential
// test in this package runs both on the same random operations.

// taker hands out an op piece by piece. Past the end, the op keeps skipping.
type taker struct {
	op  Op
	idx int
	off int // into op[idx]: code points for skips and deletes, bytes for inserts
}

// indivisible names a kind take must not split.
type indivisible byte

const (
	splitAll     indivisible = 0
	keepInserts  indivisible = 'i'
	keepDeletes  indivisible = 'd'
	takeWholeOne             = -1
)

// take returns up to n code points of the op (n == takeWholeOne: the rest
// of the next component). ok is false only for takeWholeOne past the end.
func (t *taker) take(n int, keep indivisible) (Component, bool) {
	if t.idx == len(t.op) {
		if n == takeWholeOne {
			return Component{}, false
		}
		return Component{Skip: n}, true
	}
	c := t.op[t.idx]
	switch {
	case c.Skip > 0:
		if n == takeWholeOne || c.Skip-t.off <= n {
			part := c.Skip - t.off
			t.idx, t.off = t.idx+1, 0
			return Component{Skip: part}, true
		}
		t.off += n
		return Component{Skip: n}, true
	case c.Insert != "":
		rest := c.Insert[t.off:]
		if n == takeWholeOne || keep == keepInserts || runes(rest) <= n {
			t.idx, t.off = t.idx+1, 0
			return Component{Insert: rest}, true
		}
		b, _ := prefixBytes(rest, n)
		t.off += b
		return Component{Insert: rest[:b]}, true
	default:
		if n == takeWholeOne || keep == keepDeletes || c.Delete-t.off <= n {
			part := deletePart(c, t.off, -1)
			t.idx, t.off = t.idx+1, 0
			return part, true
		}
		part := deletePart(c, t.off, t.off+n)
		t.off += n
		return part, true
	}
}

func (t *taker) peekInsert() bool { return t.idx < len(t.op) && t.op[t.idx].Insert != "" }

// deletePart is code points [from, to) of delete c (to < 0: to its end).
func deletePart(c Component, from, to int) Component {
	if to < 0 || to > c.Delete {
		to = c.Delete
	}
	p := Component{Delete: to - from}
	if c.Deleted != "" {
		p.Deleted = sliceRunes(c.Deleted, from, to)
	}
	return p
}

// Transform returns op changed to apply after other, both made on the same
// text: apply(apply(doc, other), Transform(op, other, s)) is the same as
// apply(apply(doc, op), Transform(other, op, !s)). At a place where both
// insert, side Left puts op's insert first. Both ops must be valid (Check).
func Transform(op, other Op, side Side) Op {
	var b builder
	t := taker{op: op}
	for _, c2 := range other {
		switch {
		case c2.Skip > 0:
			for n := c2.Skip; n > 0; {
				c1, _ := t.take(n, keepInserts)
				b.add(c1)
				if c1.Insert == "" {
					n -= c1.Len()
				}
			}
		case c2.Insert != "":
			if side == Left && t.peekInsert() {
				c1, _ := t.take(takeWholeOne, splitAll)
				b.add(c1)
			}
			b.add(Component{Skip: runes(c2.Insert)}) // step over the other's insert
		default:
			for n := c2.Delete; n > 0; {
				c1, _ := t.take(n, keepInserts)
				switch {
				case c1.Skip > 0:
					n -= c1.Skip
				case c1.Insert != "":
					b.add(c1)
				default: // deleted already by the other
					n -= c1.Delete
				}
			}
		}
	}
	for {
		c, ok := t.take(takeWholeOne, splitAll)
		if !ok {
			break
		}
		b.add(c)
	}
	return b.done()
}

// Compose returns the op that does a then b (b made on the text after a).
func Compose(a, b Op) Op {
	var out builder
	t := taker{op: a}
	for _, c := range b {
		switch {
		case c.Skip > 0:
			for n := c.Skip; n > 0; {
				chunk, _ := t.take(n, keepDeletes)
				out.add(chunk)
				if chunk.Delete == 0 {
					n -= chunk.Len()
				}
			}
		case c.Insert != "":
			out.add(c)
		default:
			for off := 0; off < c.Delete; {
				chunk, _ := t.take(c.Delete-off, keepDeletes)
				switch {
				case chunk.Skip > 0: // b deletes what a kept
					out.add(deletePart(c, off, off+chunk.Skip))
					off += chunk.Skip
				case chunk.Insert != "": // b deletes what a inserted: neither happens
					off += runes(chunk.Insert)
				default:
					out.add(chunk)
				}
			}
		}
	}
	for {
		c, ok := t.take(takeWholeOne, splitAll)
		if !ok {
			break
		}
		out.add(c)
	}
	return out.done()
}

// TransformPosition moves a caret (a code point offset) through op: text
// inserted before it pushes it on (at the caret itself too), text deleted
// under it pulls it back to where the deletion was.
func TransformPosition(cursor int, op Op) int {
	pos := 0
	for i := 0; i < len(op) && cursor > pos; i++ {
		c := op[i]
		switch {
		case c.Skip > 0:
			pos += c.Skip
		case c.Insert != "":
			n := runes(c.Insert)
			pos += n
			cursor += n
		default:
			cursor -= min(c.Delete, cursor-pos)
		}
	}
	return cursor
}

// Invertible reports whether every delete of op says what it deletes.
func Invertible(op Op) bool {
	for _, c := range op {
		if c.Delete > 0 && c.Deleted == "" {
			return false
		}
	}
	return true
}

// MakeInvertible fills in the text each delete of op removes from doc (the
// text op applies to).
func MakeInvertible(op Op, doc string) Op {
	var b builder
	pos := 0
	for _, c := range op {
		switch {
		case c.Skip > 0:
			pos += c.Skip
		case c.Delete > 0:
			c.Deleted = sliceRunes(doc, pos, pos+c.Delete)
			pos += c.Delete
		}
		b.add(c)
	}
	return b.done()
}

// Invert returns the op that undoes op (applied to the text op made); ok
// is false when a delete does not say what it deleted (see MakeInvertible).
func Invert(op Op) (Op, bool) {
	var b builder
	for _, c := range op {
		switch {
		case c.Skip > 0:
			b.add(c)
		case c.Insert != "":
			b.add(Component{Delete: runes(c.Insert), Deleted: c.Insert})
		default:
			if c.Deleted == "" {
				return nil, false
			}
			b.add(Component{Insert: c.Deleted})
		}
	}
	return b.done(), true
}

// StripInvertible forgets what the deletes of op delete (smaller on the
// wire; the op then cannot be inverted).
func StripInvertible(op Op) Op {
	out := make(Op, len(op))
	for i, c := range op {
		c.Deleted = ""
		out[i] = c
	}
	return out
}
