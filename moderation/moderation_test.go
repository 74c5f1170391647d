package moderation_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/fault"
	"chorus/moderation"
	"chorus/store"
	"chorus/store/sqlite"
)

// clock is the injected time: tests move it instead of sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var start = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// newService returns a service on a fresh embedded store, with its clock.
func newService(t *testing.T) (*moderation.Service, *clock, store.Documents) {
	t.Helper()
	clk := &clock{t: start}
	docs, err := sqlite.OpenWith(filepath.Join(t.TempDir(), "db"), sqlite.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docs.Close() })
	s := moderation.NewService(docs, nil)
	s.Now = clk.Now
	if err := s.Declare(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, clk, docs
}

// comment is a pledge comment by author in group g1 of panel p1.
func comment(id, author string) moderation.ContentRef {
	return moderation.ContentRef{Type: moderation.PledgeComment, ID: id, OwnerID: author, Excerpt: "text of " + id}
}

func report(reporter string, c moderation.ContentRef, category string) moderation.ReportInput {
	return moderation.ReportInput{Reporter: reporter, Content: c, PanelID: "p1", GroupID: "g1", Category: category, Text: "please look"}
}

func mustReport(t *testing.T, s *moderation.Service, in moderation.ReportInput) moderation.ReportResult {
	t.Helper()
	r, err := s.Report(context.Background(), in)
	if err != nil {
		t.Fatalf("report by %s: %v", in.Reporter, err)
	}
	return r
}

func screening(c moderation.ContentRef, hits ...string) moderation.OpenInput {
	return moderation.OpenInput{Kind: moderation.KindScreening, Content: c, PanelID: "p1", GroupID: "g1", Hits: hits, AuthorBand: "minor_below_consent_age"}
}

func mustOpen(t *testing.T, s *moderation.Service, in moderation.OpenInput) moderation.Case {
	t.Helper()
	c, _, err := s.Open(context.Background(), in)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return c
}

func mustAct(t *testing.T, s *moderation.Service, caseID, actor string, a moderation.Action) moderation.Case {
	t.Helper()
	in := moderation.ActInput{CaseID: caseID, Actor: actor, Action: a, Reason: "checked by " + actor}
	if a == moderation.RequestChanges {
		in.Message = "Please take out your phone number."
	}
	c, err := s.Act(context.Background(), in)
	if err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	return c
}

// wantFault fails unless err carries code and its message contains every
// one of words.
func wantFault(t *testing.T, err error, code fault.Code, words ...string) {
	t.Helper()
	if !fault.Is(err, code) {
		t.Fatalf("got %v, want %s", err, code)
	}
	for _, w := range words {
		if !strings.Contains(fault.MessageOf(err), w) {
			t.Errorf("message %q does not say %q", fault.MessageOf(err), w)
		}
	}
}

func storeQuery(subject string) store.EventQuery {
	return store.EventQuery{Subject: subject, Limit: store.MaxLimit}
}
