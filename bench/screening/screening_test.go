package screening

import (
	"slices"
	"testing"
	"time"
)

// TestTexts checks that the corpus is the same on every run, near the size
// asked for, and has planted hits in some texts only.
func TestTexts(t *testing.T) {
	for _, lang := range Languages {
		a, b := Texts(lang, 50, 1024), Texts(lang, 50, 1024)
		if !slices.Equal(a, b) {
			t.Errorf("%s: two corpora differ", lang)
		}
		planted := 0
		for i, x := range a {
			if n := len(x.Body); n > 1024 || n < 900 {
				t.Errorf("%s text %d: got %d bytes, want 900 to 1024", lang, i, n)
			}
			if x.Planted > 0 {
				planted++
			}
		}
		if planted == 0 || planted == len(a) {
			t.Errorf("%s: got %d of %d texts with a planted hit, want some", lang, planted, len(a))
		}
	}
}

// TestRun runs a tiny measurement: Screen must hold exactly the texts with
// a planted hit, and every side must have screened something.
func TestRun(t *testing.T) {
	results, err := Run(Config{Texts: 40, Size: 1024, Round: 10 * time.Millisecond, Rounds: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(Languages) {
		t.Fatalf("got %d results, want %d", len(results), len(Languages))
	}
	for _, r := range results {
		if r.Missed != 0 || r.Extra != 0 || r.Held != r.Planted {
			t.Errorf("%s: held %d of %d planted (missed %d, %d clean texts held)", r.Lang, r.Held, r.Planted, r.Missed, r.Extra)
		}
		for name, v := range map[string]float64{"chorus": r.Single.Chorus, "regexp": r.Single.Regexp, "split": r.Single.Split,
			"chorus parallel": r.Parallel.Chorus, "regexp parallel": r.Parallel.Regexp, "split parallel": r.Parallel.Split} {
			if v <= 0 {
				t.Errorf("%s %s: got %v texts/s, want > 0", r.Lang, name, v)
			}
		}
	}
}
