package pledge_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"chorus/ot"
	"chorus/pledge"
	"chorus/store"
	"chorus/store/sqlite"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func newService(t testing.TB) (*pledge.Service, store.Documents) {
	t.Helper()
	return newServiceWith(t, nil)
}

// newServiceWith is newService screening with screeners.
func newServiceWith(t testing.TB, screeners pledge.Screeners) (*pledge.Service, store.Documents) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	docs, err := sqlite.OpenWith(filepath.Join(t.TempDir(), "db"), sqlite.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docs.Close() })
	s := pledge.NewService(docs, screeners, nil)
	s.Now = clk.Now
	if err := s.Declare(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, docs
}

func newPledge(t *testing.T, s *pledge.Service) (pledge.Pledge, pledge.Item) {
	t.Helper()
	ctx := context.Background()
	p, err := s.Create(ctx, "amb", pledge.CreateInput{PanelID: "p1", GroupID: "g1", Title: "Youth Pledge", Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	it, err := s.AddItem(ctx, "amb", p.ID, pledge.ItemInput{Heading: "Plain words", Text: "Apps should talk to us in plain words", Summary: "Say it simply"})
	if err != nil {
		t.Fatal(err)
	}
	return p, it
}

// markerRE matches the markers of the concurrency test. Positions strictly
// inside a marker are not offered to the clients: a person types between
// words, not inside another person's word.
var markerRE = regexp.MustCompile(`\[c\d\de\d\d\]`)

func boundaries(text string) []int {
	inside := make([]bool, len(text)+1)
	for _, m := range markerRE.FindAllStringIndex(text, -1) {
		for i := m[0] + 1; i < m[1]; i++ {
			inside[i] = true
		}
	}
	var out []int
	for i := 0; i <= len(text); i++ {
		if !inside[i] {
			out = append(out, i)
		}
	}
	return out
}

// THE test of issue 4: 20 clients each make 50 edits to the same item at
// once, each from its own last known text and version; nobody's edit is lost.
func TestTwentyClientsFiftyEditsEachLoseNothing(t *testing.T) {
	s, docs := newService(t)
	// 1,000 markers of 8 characters do not fit in MaxText; the limit itself
	// is tested in TestLimits.
	s.MaxText = 20000
	ctx := context.Background()
	p, it := newPledge(t, s)
	const clients, edits = 20, 50
	var accepted atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			text, version := it.Text, it.Version
			for e := range edits {
				marker := fmt.Sprintf("[c%02de%02d]", c, e)
				b := boundaries(text)
				pos := b[rng.IntN(len(b))]
				got, err := s.EditItem(ctx, fmt.Sprintf("client%02d", c), p.ID, it.ID, pledge.Text, version, text[:pos]+marker+text[pos:])
				if err != nil {
					errs <- fmt.Errorf("client %d edit %d: %w", c, e, err)
					return
				}
				accepted.Add(1)
				text, version = got.Text, got.Version
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	final, err := s.Item(ctx, p.ID, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	for c := range clients {
		for e := range edits {
			if m := fmt.Sprintf("[c%02de%02d]", c, e); strings.Count(final.Text, m) != 1 {
				t.Errorf("marker %s: found %d times, want exactly once", m, strings.Count(final.Text, m))
			}
		}
	}
	if rest := markerRE.ReplaceAllString(final.Text, ""); rest != it.Text {
		t.Errorf("text around the markers: got %q, want %q", rest, it.Text)
	}
	if want := 1 + accepted.Load(); final.Version != want {
		t.Errorf("final version: got %d, want %d (1 + accepted edits)", final.Version, want)
	}
	hist, err := s.History(ctx, p.ID, it.ID, 0)
	if err != nil || int64(len(hist)) != final.Version {
		t.Fatalf("history: got %d revisions (%v), want %d", len(hist), err, final.Version)
	}
	// Edits that were applied together share one event per field; together
	// the events cover every accepted edit, in version order, and their
	// operations, applied in order, make the final text.
	text, covered := replayText(t, docs, p.ID, pledge.Text, it.Text)
	if covered != accepted.Load() {
		t.Errorf("events cover %d edits, want %d (every accepted edit)", covered, accepted.Load())
	}
	if text != final.Text {
		t.Errorf("the events' operations make %q, want the final text %q", text, final.Text)
	}
}

// replayText applies the operations of field f in the pledge's
// item_edited events to text, checking that their versions only grow; it
// returns the text and how many edits the events carried.
func replayText(t *testing.T, docs store.Documents, pledgeID string, f pledge.Field, text string) (string, int64) {
	t.Helper()
	ctx := context.Background()
	covered, after, lastVersion := int64(0), int64(0), int64(0)
	for {
		evs, err := docs.Events(ctx, store.EventQuery{After: after, Subject: pledge.Topic(pledgeID), Limit: store.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return text, covered
		}
		for _, e := range evs {
			after = e.ID
			if e.Type != "pledge.item_edited" {
				continue
			}
			var d struct {
				Field   pledge.Field      `json:"field"`
				Version int64             `json:"version"`
				Edits   int64             `json:"edits"`
				Authors []string          `json:"authors"`
				Ops     []pledge.EditedOp `json:"ops"`
			}
			if err := json.Unmarshal(e.Data, &d); err != nil {
				t.Fatal(err)
			}
			if d.Field != f {
				continue
			}
			if d.Edits < 1 || int64(len(d.Ops)) != d.Edits || len(d.Authors) < 1 || int64(len(d.Authors)) > d.Edits {
				t.Fatalf("event %d: %d edits by %v with %d ops", e.ID, d.Edits, d.Authors, len(d.Ops))
			}
			for _, o := range d.Ops {
				if o.Version <= lastVersion {
					t.Fatalf("event %d: version %d after %d", e.ID, o.Version, lastVersion)
				}
				lastVersion = o.Version
				if text, err = ot.Apply(text, o.Op); err != nil {
					t.Fatalf("event %d version %d: %v", e.ID, o.Version, err)
				}
			}
			if d.Version != lastVersion {
				t.Fatalf("event %d says version %d, its last op %d", e.ID, d.Version, lastVersion)
			}
			covered += d.Edits
		}
	}
}
