package pledge_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"chorus/ot"
	"chorus/pledge"
)

// The marker-and-delete test of issue 11. Authors work from the text and
// version they last saw (stale by a random number of other edits): some
// insert a unique marker, others delete a random span of whole markers,
// often right next to a marker someone just inserted. The text is made of
// markers only, so every character belongs to exactly one marker and a
// scrambled character shows. Afterwards every marker nobody deleted is there
// exactly once and intact, and no deleted marker has come back.

var coMarker = regexp.MustCompile(`\[[a-z]\d{4}\]`)

// coText is the text as a list of markers, for choosing where to act.
func coUnits(text string) []string { return coMarker.FindAllString(text, -1) }

// coLen is the length in code points of units.
func coLen(units []string) int { return utf8.RuneCountInString(strings.Join(units, "")) }

type coAuthor struct {
	text    string
	version int64
}

// coRun runs one seeded case: authors take turns in an order the seed
// picks; each edit goes to the service from the author's stale view.
func coRun(t *testing.T, s *pledge.Service, seed uint64, authors, steps int) {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 11))
	var initial strings.Builder
	for i := range 12 {
		fmt.Fprintf(&initial, "[a%04d]", i)
	}
	p, err := s.Create(ctx, "amb", pledge.CreateInput{PanelID: "p1", GroupID: "g1", Title: "Markers", Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	it, err := s.AddItem(ctx, "amb", p.ID, pledge.ItemInput{Heading: "Markers", Text: initial.String()})
	if err != nil {
		t.Fatal(err)
	}
	inserted, deleted := map[string]bool{}, map[string]bool{}
	for _, u := range coUnits(it.Text) {
		inserted[u] = true
	}
	view := make([]coAuthor, authors)
	for i := range view {
		view[i] = coAuthor{it.Text, it.Version}
	}
	next, seq := 0, int64(0)
	for step := range steps {
		a := rng.IntN(authors)
		if rng.IntN(3) == 0 { // the author catches up with the server
			cur, err := s.Item(ctx, p.ID, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			view[a] = coAuthor{cur.Text, cur.Version}
			continue
		}
		units := coUnits(view[a].text)
		var op ot.Op
		if len(units) == 0 || rng.IntN(2) == 0 {
			m := fmt.Sprintf("[%c%04d]", 'b'+rune(a%24), next)
			next++
			op = ot.Insert(coLen(units[:rng.IntN(len(units)+1)]), m)
			inserted[m] = true
		} else {
			from := rng.IntN(len(units))
			to := min(len(units), from+1+rng.IntN(3))
			for _, u := range units[from:to] {
				deleted[u] = true
			}
			op = ot.Delete(coLen(units[:from]), coLen(units[from:to]))
		}
		seq++
		got, err := s.ApplyEdit(ctx, fmt.Sprintf("author%02d", a), p.ID, it.ID, pledge.Edit{Field: pledge.Text, Base: view[a].version, Op: op, Client: fmt.Sprint("c", a), Seq: seq})
		if err != nil {
			t.Fatalf("seed %d step %d: %v", seed, step, err)
		}
		view[a] = coAuthor{got.Item.Text, got.Item.Version}
	}
	final, err := s.Item(ctx, p.ID, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rest := coMarker.ReplaceAllString(final.Text, ""); rest != "" {
		t.Fatalf("seed %d: characters scrambled out of their markers: %q in %q", seed, rest, final.Text)
	}
	count := map[string]int{}
	for _, u := range coUnits(final.Text) {
		count[u]++
	}
	for m := range inserted {
		switch {
		case deleted[m] && count[m] > 0:
			t.Errorf("seed %d: marker %s was deleted and came back", seed, m)
		case !deleted[m] && count[m] != 1:
			t.Errorf("seed %d: marker %s nobody deleted: found %d times, want exactly once", seed, m, count[m])
		}
	}
}

func TestMarkersSurviveConcurrentDeletes(t *testing.T) {
	s, _ := newService(t)
	cases := 40
	if testing.Short() {
		cases = 10
	}
	for seed := range uint64(cases) {
		coRun(t, s, seed, 8, 60)
		if t.Failed() {
			return
		}
	}
}

func FuzzMarkersSurviveConcurrentDeletes(f *testing.F) {
	f.Add(uint64(1), uint8(4))
	f.Add(uint64(7), uint8(12))
	s, _ := newService(f)
	f.Fuzz(func(t *testing.T, seed uint64, authors uint8) {
		coRun(t, s, seed, 2+int(authors%12), 40)
	})
}
