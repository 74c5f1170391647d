package ot

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// pieces of the random texts: ASCII, accents, CJK, an emoji outside the
// Basic Multilingual Plane (two UTF-16 units in the browser, one code point
// here and in ot-text-unicode), and an emoji with a skin-tone modifier (two
// code points).
var pieces = []string{"a", "b", "c", " ", "é", "ß", "中", "🙂", "👍🏽", "\n", "x"}

func genText(r *rand.Rand, max int) string {
	var b strings.Builder
	for range r.IntN(max + 1) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// genOp makes a random valid op on doc.
func genOp(r *rand.Rand, doc string) Op {
	n := runes(doc)
	var b builder
	for pos := 0; pos < n || r.IntN(3) == 0; {
		if pos >= n {
			b.add(Component{Insert: genText(r, 3) + "z"})
			break
		}
		k := 1 + r.IntN(min(n-pos, 6))
		switch r.IntN(5) {
		case 0, 1:
			b.add(Component{Skip: k})
			pos += k
		case 2:
			b.add(Component{Insert: genText(r, 3) + "y"})
		case 3:
			c := Component{Delete: k}
			if r.IntN(2) == 0 {
				c.Deleted = sliceRunes(doc, pos, pos+k)
			}
			b.add(c)
			pos += k
		case 4:
			pos = n // keep the rest
		}
	}
	return b.done()
}

func mustApply(t *testing.T, doc string, op Op) string {
	t.Helper()
	out, err := Apply(doc, op)
	if err != nil {
		t.Fatalf("Apply(%q, %v): %v", doc, op, err)
	}
	return out
}

func TestApplyTransformCompose(t *testing.T) {
	doc := "Apps should be clear."
	ins := Insert(5, "🙂 ")
	del := Delete(12, 3) // "be "
	if got := mustApply(t, doc, ins); got != "Apps 🙂 should be clear." {
		t.Errorf("insert: got %q", got)
	}
	// Both orders of the two concurrent changes give the same text.
	a := mustApply(t, mustApply(t, doc, ins), Transform(del, ins, Right))
	b := mustApply(t, mustApply(t, doc, del), Transform(ins, del, Left))
	if a != b || a != "Apps 🙂 should clear." {
		t.Errorf("transformed: got %q and %q, want both %q", a, b, "Apps 🙂 should clear.")
	}
	// Two inserts at one place: the left one goes first.
	x, y := Insert(4, "X"), Insert(4, "Y")
	if got := mustApply(t, mustApply(t, doc, x), Transform(y, x, Right)); got != "AppsXY should be clear." {
		t.Errorf("ties: got %q", got)
	}
	// An insert inside a range someone deleted survives, where the range was.
	if got := mustApply(t, mustApply(t, doc, Delete(5, 7)), Transform(Insert(8, "[m]"), Delete(5, 7), Left)); got != "Apps [m]be clear." {
		t.Errorf("insert in a deleted range: got %q", got)
	}
	if got := mustApply(t, doc, Compose(ins, Transform(del, ins, Right))); got != a {
		t.Errorf("compose: got %q, want %q", got, a)
	}
	inv, ok := Invert(MakeInvertible(del, doc))
	if !ok || mustApply(t, mustApply(t, doc, del), inv) != doc {
		t.Errorf("invert: got %v %v", inv, ok)
	}
	if _, ok := Invert(del); ok {
		t.Errorf("a delete without its text cannot be inverted")
	}
}

func TestApplyRefusesWhatDoesNotFit(t *testing.T) {
	cases := []struct {
		name string
		op   Op
		want error
	}{
		{"skip past the end", Op{{Skip: 4}, {Insert: "x"}}, ErrTooLong},
		{"delete past the end", Op{{Skip: 2}, {Delete: 2}}, ErrTooLong},
		{"delete of other text", Op{{Delete: 1, Deleted: "x"}}, ErrMismatch},
		{"trailing skip", Op{{Insert: "x"}, {Skip: 1}}, ErrInvalid},
		{"two skips in a row", Op{{Skip: 1}, {Skip: 1}, {Insert: "x"}}, ErrInvalid},
		{"empty component", Op{{}}, ErrInvalid},
		{"two kinds at once", Op{{Skip: 1, Insert: "x"}}, ErrInvalid},
		{"delete count unlike its text", Op{{Delete: 2, Deleted: "é"}}, ErrInvalid},
		{"negative skip", Op{{Skip: -1}, {Insert: "x"}}, ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Apply("héé", c.op); err == nil || !strings.Contains(err.Error(), c.want.Error()) {
				t.Errorf("got %v, want %v", err, c.want)
			}
		})
	}
	if got := mustApply(t, "héé", Op{{Skip: 1}, {Delete: 2, Deleted: "éé"}}); got != "h" {
		t.Errorf("counting code points: got %q, want %q", got, "h")
	}
}

func TestJSON(t *testing.T) {
	const wire = `[3,"hi",{"d":2},1,{"d":"🙂é"}]`
	var op Op
	if err := json.Unmarshal([]byte(wire), &op); err != nil {
		t.Fatal(err)
	}
	want := Op{{Skip: 3}, {Insert: "hi"}, {Delete: 2}, {Skip: 1}, {Delete: 2, Deleted: "🙂é"}}
	if !reflect.DeepEqual(op, want) {
		t.Fatalf("got %#v, want %#v", op, want)
	}
	b, _ := json.Marshal(op)
	if string(b) != wire {
		t.Errorf("got %s, want %s", b, wire)
	}
	for _, bad := range []string{`{}`, `[0]`, `[-1]`, `[""]`, `[{"d":0}]`, `[{"d":""}]`, `[{"x":1}]`, `[true]`, `[1.5]`, `[{"d":1,"e":2}]`} {
		if err := json.Unmarshal([]byte(bad), &op); err == nil {
			t.Errorf("%s: got no error", bad)
		}
	}
}

// checkPair asserts the properties that make co-editing converge, for ops
// a and b made concurrently on doc.
func checkPair(t *testing.T, doc string, a, b Op) {
	t.Helper()
	ab := mustApply(t, mustApply(t, doc, a), Transform(b, a, Right))
	ba := mustApply(t, mustApply(t, doc, b), Transform(a, b, Left))
	if ab != ba {
		t.Fatalf("doc %q a %v b %v: a then b' = %q, b then a' = %q", doc, a, b, ab, ba)
	}
	if got := mustApply(t, doc, Compose(a, Transform(b, a, Right))); got != ab {
		t.Fatalf("doc %q a %v b %v: composed gives %q, want %q", doc, a, b, got, ab)
	}
	if inv, ok := Invert(MakeInvertible(a, doc)); !ok || mustApply(t, mustApply(t, doc, a), inv) != doc {
		t.Fatalf("doc %q a %v: the inverse does not undo it", doc, a)
	}
}

func TestConvergesOnRandomPairs(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 1))
	for range 5000 {
		doc := genText(r, 12)
		checkPair(t, doc, genOp(r, doc), genOp(r, doc))
	}
}

func FuzzTransform(f *testing.F) {
	f.Add("hello world", uint64(1))
	f.Add("été 🙂", uint64(2))
	f.Add("", uint64(3))
	f.Fuzz(func(t *testing.T, doc string, seed uint64) {
		if !utf8.ValidString(doc) {
			t.Skip("texts are valid UTF-8 (the server refuses others)")
		}
		r := rand.New(rand.NewPCG(seed, 5))
		checkPair(t, doc, genOp(r, doc), genOp(r, doc))
	})
}
