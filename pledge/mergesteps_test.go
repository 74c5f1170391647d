package pledge

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// mergeSteps (history followed step by step) gives the same text as Merge
// when the client's change and everyone else's are apart, and keeps every
// insertion of the client and deletes nothing twice when they meet.
func TestMergeStepsMatchesMerge(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	words := func(n int, tag string) []string {
		w := make([]string, n)
		for i := range w {
			w[i] = fmt.Sprintf("%s%d", tag, i)
		}
		return w
	}
	for trial := range 300 {
		ws := words(60, "w")
		base := strings.Join(ws, " ")
		// Everyone else edits the first half (or anywhere, for the overlap case).
		apart := trial%2 == 0
		span := len(ws) / 3 // well before the client's change
		if !apart {
			span = len(ws)
		}
		texts := []string{base}
		cur := append([]string(nil), ws...)
		for step := range 1 + r.IntN(40) {
			lim := min(span, len(cur))
			i := r.IntN(lim)
			if r.IntN(2) == 0 && len(cur) > 2 {
				cur = append(cur[:i:i], cur[i+1:]...)
			} else {
				cur = append(cur[:i:i], append([]string{fmt.Sprintf("x%d", step)}, cur[i:]...)...)
			}
			texts = append(texts, strings.Join(cur, " "))
		}
		// The client edits the second half: one insertion, one deletion.
		mw := append([]string(nil), ws...)
		j := len(ws)/2 + 4 + r.IntN(len(ws)/2-6)
		mw = append(mw[:j:j], append([]string{"MARK"}, mw[j:]...)...)
		k := len(ws)/2 + 2
		mw = append(mw[:k:k], mw[k+1:]...)
		mine := strings.Join(mw, " ")

		steps := make([][]diffmatchpatch.Diff, 0, len(texts)-1)
		for i := 1; i < len(texts); i++ {
			steps = append(steps, stepDiff(texts[i-1], texts[i]))
		}
		current := texts[len(texts)-1]
		got := mergeSteps(base, current, mine, steps)
		if !strings.Contains(got, "MARK") {
			t.Fatalf("trial %d: insertion lost: %q", trial, got)
		}
		if apart {
			if want := Merge(base, current, mine); got != want {
				t.Fatalf("trial %d:\nsteps %q\nmerge %q", trial, got, want)
			}
		}
		if strings.Count(got, " ") < strings.Count(current, " ")-2 {
			t.Fatalf("trial %d: deleted too much: %q from %q", trial, got, current)
		}
	}
}
