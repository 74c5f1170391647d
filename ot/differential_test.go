package ot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"chorus/testenv"
)

// The differential test: the same random op pairs through this package and
// through ot-text-unicode (what the browser runs), in node; any difference
// fails. 3,000 cases in one node process take about a second.
func TestSameAsTheBrowser(t *testing.T) {
	node, mod := testenv.WebModule(t, "..", "ot-text-unicode")
	type input struct {
		Doc     string `json:"doc"`
		A       Op     `json:"a"`
		B       Op     `json:"b"`
		Cursors []int  `json:"cursors"`
	}
	type output struct {
		ApplyA, ApplyB               string
		ALeft, ARight, BLeft, BRight Op
		Compose                      Op
		Composed                     string
		Positions                    []int
		Invertible                   bool
		Inverse                      Op
		Normalized                   Op
		Error                        string
	}
	r := rand.New(rand.NewPCG(2026, 12))
	var cases []input
	var stdin bytes.Buffer
	for range 3000 {
		doc := genText(r, 14)
		in := input{Doc: doc, A: genOp(r, doc), B: genOp(r, doc)}
		for range 3 {
			in.Cursors = append(in.Cursors, r.IntN(runes(doc)+1))
		}
		cases = append(cases, in)
		line, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		stdin.Write(append(line, '\n'))
	}
	abs, _ := filepath.Abs(mod)
	cmd := exec.Command(node, filepath.Join("testdata", "differential.cjs"), abs)
	cmd.Stdin = &stdin
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	i := 0
	for ; sc.Scan(); i++ {
		var js output
		if err := json.Unmarshal(sc.Bytes(), &js); err != nil {
			t.Fatalf("case %d: %v in %s", i, err, sc.Bytes())
		}
		c := cases[i]
		if js.Error != "" {
			t.Fatalf("case %d %+v: ot-text-unicode refused a valid op: %s", i, c, js.Error)
		}
		var goes output
		goes.ApplyA, _ = Apply(c.Doc, c.A)
		goes.ApplyB, _ = Apply(c.Doc, c.B)
		goes.ALeft, goes.ARight = Transform(c.A, c.B, Left), Transform(c.A, c.B, Right)
		goes.BLeft, goes.BRight = Transform(c.B, c.A, Left), Transform(c.B, c.A, Right)
		goes.Compose = Compose(c.A, goes.BRight)
		goes.Composed, _ = Apply(c.Doc, goes.Compose)
		for _, cur := range c.Cursors {
			goes.Positions = append(goes.Positions, TransformPosition(cur, c.A))
		}
		goes.Invertible = Invertible(c.A)
		if goes.Invertible {
			goes.Inverse, _ = Invert(c.A)
		}
		goes.Normalized = Normalize(split(c.A))
		if !reflect.DeepEqual(js, goes) {
			t.Fatalf("case %d: doc %q a %v b %v:\n  js %+v\n  go %+v", i, c.Doc, c.A, c.B, js, goes)
		}
	}
	if i != len(cases) {
		t.Fatalf("node answered %d of %d cases", i, len(cases))
	}
}

// split cuts each component of op in two where it can and adds a trailing
// skip: what Normalize must undo.
func split(op Op) Op {
	var out Op
	for _, c := range op {
		switch {
		case c.Skip > 1:
			out = append(out, Component{Skip: 1}, Component{Skip: c.Skip - 1})
		case runes(c.Insert) > 1:
			out = append(out, Component{Insert: sliceRunes(c.Insert, 0, 1)}, Component{Insert: sliceRunes(c.Insert, 1, -1)})
		case c.Delete > 1:
			out = append(out, deletePart(c, 0, 1), deletePart(c, 1, -1))
		default:
			out = append(out, c)
		}
	}
	return append(out, Component{Skip: 2})
}
