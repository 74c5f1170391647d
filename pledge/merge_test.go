package pledge

import (
	"testing"

	"chorus/ot"
)

func TestOpFromTextsChangesWholeWords(t *testing.T) {
	cases := []struct{ from, to string }{
		{"one two three", "one three"},
		{"Apps should be clear.", "Apps must be clear 🙂."},
		{"", "first"},
		{"Größe", ""},
		{"same", "same"},
	}
	for _, c := range cases {
		op := opFromTexts(c.from, c.to)
		got, err := ot.Apply(c.from, op)
		if err != nil || got != c.to {
			t.Errorf("%q -> %q: op %v gives %q (%v)", c.from, c.to, op, got, err)
		}
		if !ot.Invertible(op) {
			t.Errorf("%q -> %q: op %v cannot be undone", c.from, c.to, op)
		}
	}
	// Lossless clean-up: the word goes, not letters across two words.
	if op := opFromTexts("one two three", "one three"); len(op) != 2 || op[1].Deleted != "two " {
		t.Errorf("got %v, want the word %q deleted", op, "two ")
	}
}

func TestAnchorsFollowOperations(t *testing.T) {
	text := "Apps must explain rules simply."
	sp := span{start: 10, end: 17, left: 7} // "explain"
	// Someone types before the anchor, at its start, inside it and at its end.
	ops := []ot.Op{ot.Insert(0, "Today, "), ot.Insert(17, "«"), ot.Insert(21, "-"), ot.Insert(26, "»")}
	for _, op := range ops {
		var err error
		if text, err = ot.Apply(text, op); err != nil {
			t.Fatal(err)
		}
		sp = sp.follow(op)
	}
	if got := string([]rune(text)[sp.start:sp.end]); got != "exp-lain" || sp.left != 7 {
		t.Fatalf("got %q (left %d) in %q, want %q with 7 left", got, sp.left, text, "exp-lain")
	}
	// Deleting most of it loses it.
	sp = sp.follow(ot.Delete(sp.start, 6))
	if 2*sp.left >= 7 {
		t.Errorf("after deleting 6 of 8: %d left, want less than half", sp.left)
	}
}
