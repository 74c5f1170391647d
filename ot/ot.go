// Package ot is operational transformation on plain text, with the
// semantics of the text-unicode type of ShareJS/ShareDB (npm
// ot-text-unicode), which the browser uses: the server and every client
// transform, compose and apply operations the same way, so whoever applies
// the same operations ends with the same text.
//
// An Op walks the text from the start: Skip n keeps n characters, Insert s
// inserts s, Delete n removes n characters. Every count is in Unicode code
// points, in Go as in JavaScript (where a string's length counts UTF-16
// units instead). A delete may carry the text it removes (Deleted), which
// makes the op invertible (Invert, for undo). An Op has no trailing skip: the
// rest of the text is kept.
//
// On the wire an Op is ot-text-unicode's JSON: a list whose items are a
// number (skip), a string (insert) or {"d": number or string} (delete),
// e.g. [3, "hi", 5, {"d": 8}].
package ot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Component is one step of an Op; exactly one of Skip, Insert and Delete is
// set.
type Component struct {
	Skip   int    // keep this many characters
	Insert string // insert this text
	Delete int    // remove this many characters
	// Deleted is, with Delete, the text removed when known (then Delete is
	// its length in code points); "" when not known.
	Deleted string
}

// Op is an operation on a text.
type Op []Component

// Side says which of two inserts at the same place goes first in Transform:
// Left puts the op being transformed first.
type Side bool

// The two sides.
const (
	Left  Side = true
	Right Side = false
)

// Errors of Check and Apply.
var (
	ErrInvalid  = errors.New("ot: not a valid operation")
	ErrTooLong  = errors.New("ot: the operation goes past the end of the text")
	ErrMismatch = errors.New("ot: the operation deletes text that is not there")
)

func runes(s string) int { return utf8.RuneCountInString(s) }

// Len is how many code points the component covers of the text before it
// (Skip, Delete) or adds (Insert).
func (c Component) Len() int {
	switch {
	case c.Skip > 0:
		return c.Skip
	case c.Insert != "":
		return runes(c.Insert)
	}
	return c.Delete
}

func (c Component) noop() bool { return c.Skip <= 0 && c.Insert == "" && c.Delete <= 0 }

// Check reports whether op is well formed: every component is one of the
// three kinds and not empty, no two skips in a row, no trailing skip, valid
// UTF-8, and a delete's text (when given) as long as its count.
func Check(op Op) error {
	for i, c := range op {
		kinds := 0
		if c.Skip != 0 {
			kinds++
		}
		if c.Insert != "" {
			kinds++
		}
		if c.Delete != 0 || c.Deleted != "" {
			kinds++
		}
		switch {
		case kinds != 1:
			return fmt.Errorf("%w: component %d is not exactly one of skip, insert, delete", ErrInvalid, i)
		case c.Skip < 0 || c.Delete < 0:
			return fmt.Errorf("%w: component %d is negative", ErrInvalid, i)
		case c.Deleted != "" && runes(c.Deleted) != c.Delete:
			return fmt.Errorf("%w: component %d deletes %d characters but names %d", ErrInvalid, i, c.Delete, runes(c.Deleted))
		case !utf8.ValidString(c.Insert) || !utf8.ValidString(c.Deleted):
			return fmt.Errorf("%w: component %d is not valid UTF-8", ErrInvalid, i)
		case c.Delete == 0 && c.Skip == 0 && c.Insert == "":
			return fmt.Errorf("%w: component %d is empty", ErrInvalid, i)
		case c.Skip > 0 && i > 0 && op[i-1].Skip > 0:
			return fmt.Errorf("%w: adjacent skips at %d", ErrInvalid, i)
		}
	}
	if len(op) > 0 && op[len(op)-1].Skip > 0 {
		return fmt.Errorf("%w: trailing skip", ErrInvalid)
	}
	return nil
}

// builder appends components, merging neighbours of the same kind (as
// ot-text-unicode's append does).
type builder struct{ op Op }

func (b *builder) add(c Component) {
	if c.noop() {
		return
	}
	if n := len(b.op); n > 0 {
		last := &b.op[n-1]
		switch {
		case c.Skip > 0 && last.Skip > 0:
			last.Skip += c.Skip
			return
		case c.Insert != "" && last.Insert != "":
			last.Insert += c.Insert
			return
		case c.Delete > 0 && last.Delete > 0:
			if last.Deleted != "" && c.Deleted != "" {
				last.Deleted += c.Deleted
			} else {
				last.Deleted = "" // one part unknown: the whole is not invertible
			}
			last.Delete += c.Delete
			return
		}
	}
	b.op = append(b.op, c)
}

// done trims a trailing skip.
func (b *builder) done() Op {
	if n := len(b.op); n > 0 && b.op[n-1].Skip > 0 {
		b.op = b.op[:n-1]
	}
	if b.op == nil {
		return Op{}
	}
	return b.op
}

// Normalize merges neighbours of one kind and drops empty components and a
// trailing skip.
func Normalize(op Op) Op {
	var b builder
	for _, c := range op {
		b.add(c)
	}
	return b.done()
}

// Apply applies op to doc. It fails when op goes past the end of doc or
// deletes a text (Deleted) other than the one there.
func Apply(doc string, op Op) (string, error) {
	if err := Check(op); err != nil {
		return "", err
	}
	var out strings.Builder
	out.Grow(len(doc))
	rest := doc
	for _, c := range op {
		switch {
		case c.Skip > 0:
			n, ok := prefixBytes(rest, c.Skip)
			if !ok {
				return "", ErrTooLong
			}
			out.WriteString(rest[:n])
			rest = rest[n:]
		case c.Insert != "":
			out.WriteString(c.Insert)
		default:
			n, ok := prefixBytes(rest, c.Delete)
			if !ok {
				return "", ErrTooLong
			}
			if c.Deleted != "" && rest[:n] != c.Deleted {
				return "", ErrMismatch
			}
			rest = rest[n:]
		}
	}
	out.WriteString(rest)
	return out.String(), nil
}

// prefixBytes is the length in bytes of the first n code points of s; ok is
// false when s is shorter.
func prefixBytes(s string, n int) (int, bool) {
	i := 0
	for ; n > 0; n-- {
		if i >= len(s) {
			return 0, false
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i, true
}

// sliceRunes is s[from:to] counted in code points (to < 0: to the end).
func sliceRunes(s string, from, to int) string {
	a, _ := prefixBytes(s, from)
	if to < 0 {
		return s[a:]
	}
	b, _ := prefixBytes(s[a:], to-from)
	return s[a : a+b]
}

// Insert is the op that inserts text at code point pos.
func Insert(pos int, text string) Op {
	var b builder
	b.add(Component{Skip: pos})
	b.add(Component{Insert: text})
	return b.done()
}

// Delete is the op that deletes n code points at pos.
func Delete(pos, n int) Op {
	var b builder
	b.add(Component{Skip: pos})
	b.add(Component{Delete: n})
	return b.done()
}

// MarshalJSON writes op as ot-text-unicode JSON.
func (op Op) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, c := range op {
		if i > 0 {
			buf.WriteByte(',')
		}
		var v any
		switch {
		case c.Skip > 0:
			v = c.Skip
		case c.Insert != "":
			v = c.Insert
		case c.Deleted != "":
			v = struct {
				D string `json:"d"`
			}{c.Deleted}
		default:
			v = struct {
				D int `json:"d"`
			}{c.Delete}
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		buf.Write(b)
	}
	buf.WriteByte(']')
	return buf.Bytes(), nil
}

// UnmarshalJSON reads ot-text-unicode JSON; it does not Check the op.
func (op *Op) UnmarshalJSON(data []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("%w: expected a list", ErrInvalid)
	}
	out := make(Op, 0, len(raw))
	for _, r := range raw {
		r = bytes.TrimSpace(r)
		if len(r) == 0 {
			return ErrInvalid
		}
		switch r[0] {
		case '"':
			var s string
			if err := json.Unmarshal(r, &s); err != nil || s == "" {
				return fmt.Errorf("%w: an insert must be a non-empty string", ErrInvalid)
			}
			out = append(out, Component{Insert: s})
		case '{':
			var d struct {
				D json.RawMessage `json:"d"`
			}
			dec := json.NewDecoder(bytes.NewReader(r))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&d); err != nil || len(d.D) == 0 {
				return fmt.Errorf("%w: a delete is {\"d\": count or text}", ErrInvalid)
			}
			var s string
			var n int
			if json.Unmarshal(d.D, &s) == nil && s != "" {
				out = append(out, Component{Delete: runes(s), Deleted: s})
			} else if json.Unmarshal(d.D, &n) == nil && n > 0 {
				out = append(out, Component{Delete: n})
			} else {
				return fmt.Errorf("%w: a delete removes at least one character", ErrInvalid)
			}
		default:
			var n int
			if err := json.Unmarshal(r, &n); err != nil || n <= 0 {
				return fmt.Errorf("%w: a skip must be a whole number above 0", ErrInvalid)
			}
			out = append(out, Component{Skip: n})
		}
	}
	*op = out
	return nil
}
