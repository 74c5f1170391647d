package wordlist_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"chorus/fault"
	"chorus/moderation/screen"
	"chorus/moderation/wordlist"
	"chorus/store/sqlite"
)

// panels is the languages of the test panels.
var panels = map[string][]string{"p1": {"fr"}, "p2": {"en", "de"}}

func languages(_ context.Context, id string) ([]string, error) {
	if l, ok := panels[id]; ok {
		return l, nil
	}
	return nil, fault.Errorf(fault.NotFound, "no panel %s", id)
}

func newService(t *testing.T, extra map[string][]string) *wordlist.Service {
	t.Helper()
	docs, err := sqlite.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docs.Close() })
	s, err := wordlist.NewService(docs, languages, extra)
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }
	if err := s.Declare(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func held(t *testing.T, s *wordlist.Service, panel, text, lang string) bool {
	t.Helper()
	sc, err := s.ScreenerFor(context.Background(), panel)
	if err != nil {
		t.Fatal(err)
	}
	r, err := sc.Screen(text, lang)
	if err != nil {
		t.Fatal(err)
	}
	return r.Held()
}

// A coordinator's words apply to the next text screened, in that panel
// only, in every language, without a restart; removing one lifts it.
func TestWordsApplyAtOnceToTheirPanel(t *testing.T) {
	s := newService(t, map[string][]string{"fr": {"tocard2"}})
	ctx := context.Background()
	if held(t, s, "p1", "quel boulet", "fr") {
		t.Fatal("boulet held before anyone listed it")
	}
	l, err := s.Replace(ctx, "coord", "p1", 0, []string{" Boulet ", "tête de nœud", "boulet"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Boulet", "tête de nœud"}; !slices.Equal(l.Words, want) || l.Version != 1 || l.UpdatedBy != "coord" {
		t.Fatalf("Replace = %+v, want words %q at version 1 by coord", l, want)
	}
	for _, c := range []struct{ panel, text, lang string }{{"p1", "quel boulet", "fr"}, {"p1", "such a b0ulet", "en"}, {"p1", "tete de noeud", "de"}} {
		if !held(t, s, c.panel, c.text, c.lang) {
			t.Errorf("%s %q (%s) not held after the coordinator listed it", c.panel, c.text, c.lang)
		}
	}
	if held(t, s, "p2", "quel boulet", "fr") {
		t.Error("another panel's words hold a text in p2")
	}
	if !held(t, s, "p1", "tocard2", "fr") {
		t.Error("the operator's extra words are not checked in the panel")
	}
	if !held(t, s, "p2", "du bist ein Arschloch", "en") {
		t.Error("the German list does not apply to an English text of an en/de panel")
	}
	if _, err := s.Replace(ctx, "coord2", "p1", 1, []string{"tête de nœud"}); err != nil {
		t.Fatal(err)
	}
	if held(t, s, "p1", "quel boulet", "fr") {
		t.Error("boulet still held after the coordinator removed it")
	}
}

// Every change is recorded: who, when, what was added and removed.
func TestChangesAreRecorded(t *testing.T) {
	s := newService(t, nil)
	ctx := context.Background()
	if _, err := s.Replace(ctx, "c1", "p1", 0, []string{"boulet", "nul"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Replace(ctx, "c2", "p1", 1, []string{"BOULET", "tocard"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Replace(ctx, "c2", "p2", 0, []string{"loser2"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Changes(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"c2 v2 +[tocard] -[nul] 2026-03-01T09:00:00Z", "c1 v1 +[boulet nul] -[] 2026-03-01T09:00:00Z"}
	var lines []string
	for _, c := range got {
		lines = append(lines, fmt.Sprintf("%s v%d +%v -%v %s", c.Actor, c.Version, c.Added, c.Removed, c.At.Format(time.RFC3339)))
	}
	if !slices.Equal(lines, want) {
		t.Errorf("Changes(p1)\n got  %q\n want %q", lines, want)
	}
}

// An edit from a stale version, or with a word screening cannot use,
// changes nothing.
func TestBadEditsChangeNothing(t *testing.T) {
	s := newService(t, nil)
	ctx := context.Background()
	if _, err := s.Replace(ctx, "c1", "p1", 0, []string{"boulet"}); err != nil {
		t.Fatal(err)
	}
	tooMany := make([]string, screen.MaxExtraWords+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("mot%d", i)
	}
	for name, c := range map[string]struct {
		version int64
		words   []string
		code    fault.Code
	}{
		"stale version": {0, []string{"autre"}, fault.Conflict},
		"empty word":    {1, []string{"ok", " "}, fault.Invalid},
		"no letter":     {1, []string{"1234"}, fault.Invalid},
		"too long":      {1, []string{strings.Repeat("a", screen.MaxWordLen+1)}, fault.Invalid},
		"too many":      {1, tooMany, fault.Invalid},
	} {
		if _, err := s.Replace(ctx, "c2", "p1", c.version, c.words); !fault.Is(err, c.code) {
			t.Errorf("%s: error %v, want %s", name, err, c.code)
		}
	}
	l, _ := s.List(ctx, "p1")
	if !slices.Equal(l.Words, []string{"boulet"}) || l.Version != 1 {
		t.Errorf("after refused edits: %+v, want [boulet] at version 1", l)
	}
	if ch, _ := s.Changes(ctx, "p1"); len(ch) != 1 {
		t.Errorf("refused edits recorded: %d changes, want 1", len(ch))
	}
	limit := make([]string, screen.MaxExtraWords)
	for i := range limit {
		limit[i] = fmt.Sprintf("mot%d", i)
	}
	if _, err := s.Replace(ctx, "c2", "p1", 1, limit); err != nil {
		t.Errorf("%d words, the limit: %v", len(limit), err)
	}
	if _, err := s.ScreenerFor(ctx, "nowhere"); !fault.Is(err, fault.NotFound) {
		t.Errorf("ScreenerFor(unknown panel) error = %v, want fault.NotFound", err)
	}
}
