package moderation_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/fault"
	"chorus/moderation"
)

func TestReportThresholdHidesContent(t *testing.T) {
	cases := []struct {
		name      string
		hideAfter int
		wantAt    int // the distinct reporter that hides the content
	}{
		{"panel default", 0, moderation.DefaultHideAfter},
		{"one report is enough", 1, 1},
		{"five reports", 5, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _, _ := newService(t)
			ctx := context.Background()
			content := comment("c1", "author")
			for n := 1; n <= c.wantAt; n++ {
				in := report(fmt.Sprint("reporter", n), content, moderation.CategoryBullying)
				in.HideAfter = c.hideAfter
				res := mustReport(t, s, in)
				hidden, err := s.Hidden(ctx, moderation.PledgeComment, "c1")
				if err != nil {
					t.Fatal(err)
				}
				want := n >= c.wantAt
				if res.ContentHidden != want || hidden != want || res.Case.HiddenByReports != want {
					t.Fatalf("after %d reports: got hidden=%t (result %t, case %t), want %t", n, hidden, res.ContentHidden, res.Case.HiddenByReports, want)
				}
				if got := len(res.Case.Reporters); got != n {
					t.Fatalf("after %d reports: got %d distinct reporters", n, got)
				}
				// The same person again is refused and counts for nothing.
				_, err = s.Report(ctx, in)
				wantFault(t, err, fault.Conflict, "already reported")
				if cur, _ := s.CaseFor(ctx, moderation.PledgeComment, "c1"); len(cur.Reporters) != n {
					t.Fatalf("a repeated report changed the count to %d, want %d", len(cur.Reporters), n)
				}
			}
		})
	}
}

func TestReportsJoinOneCase(t *testing.T) {
	s, clk, docs := newService(t)
	ctx := context.Background()
	content := comment("c1", "author")
	held := mustOpen(t, s, screening(content, "phone"))
	a := mustReport(t, s, report("y1", content, moderation.CategoryPersonalData))
	clk.Advance(time.Second)
	b := mustReport(t, s, report("y2", content, moderation.CategoryInappropriate))
	if a.Case.ID != held.ID || b.Case.ID != held.ID {
		t.Fatalf("got cases %s, %s, %s, want one case for one content item", held.ID, a.Case.ID, b.Case.ID)
	}
	if b.Case.Kind != moderation.KindReport || b.Case.Priority != moderation.PriorityReport || b.Case.Category != moderation.CategoryPersonalData {
		t.Errorf("a report on held content: got kind %s priority %d category %s, want the first report's", b.Case.Kind, b.Case.Priority, b.Case.Category)
	}
	rs, err := s.Reports(ctx, held.ID)
	if err != nil || len(rs) != 2 || rs[0].Reporter != "y1" || rs[1].Text != "please look" || rs[0].Content.Excerpt != "" {
		t.Fatalf("reports: %+v %v", rs, err)
	}

	// Once settled, a new report opens a new case; the earlier reporters
	// still cannot report the same content again.
	mustAct(t, s, held.ID, "mod", moderation.Approve)
	c := mustReport(t, s, report("y3", content, moderation.CategoryOther))
	if c.Case.ID == held.ID || len(c.Case.Reporters) != 1 {
		t.Errorf("after approval: got case %s with %v, want a new case", c.Case.ID, c.Case.Reporters)
	}
	_, err = s.Report(ctx, report("y1", content, moderation.CategoryBullying))
	wantFault(t, err, fault.Conflict)

	// Every report is in the event log of the panel's moderation topic.
	evs, _ := docs.Events(ctx, storeQuery(moderation.Topic("p1")))
	n := 0
	for _, e := range evs {
		if e.Type == moderation.AuditReported {
			n++
		}
	}
	if n != 3 {
		t.Errorf("got %d report events, want 3", n)
	}
}

// Many people reporting the same content at the same moment end up on one
// case, each counted once.
func TestConcurrentReportsOneCase(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	content := comment("c1", "author")
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			in := report(fmt.Sprint("r", i), content, moderation.CategoryBullying)
			in.HideAfter = 100
			_, err := s.Report(ctx, in)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.CaseFor(ctx, moderation.PledgeComment, "c1")
	if err != nil || len(c.Reporters) != n {
		t.Fatalf("got %d reporters %v, want %d on one case", len(c.Reporters), err, n)
	}
	page, _ := s.Queue(ctx, []string{"p1"}, moderation.QueueFilter{})
	if len(page.Cases) != 1 {
		t.Errorf("got %d cases, want 1", len(page.Cases))
	}
}

func TestSafeguardingReport(t *testing.T) {
	s, _, _ := newService(t)
	content := comment("c1", "author")
	ordinary := mustReport(t, s, report("y1", content, moderation.CategoryBullying))
	if ordinary.AlertSafeguardingLead {
		t.Error("a bullying report alerts the safeguarding lead, want no alert")
	}
	mustAct(t, s, ordinary.Case.ID, "mod", moderation.RequestChanges)
	res := mustReport(t, s, report("y2", content, moderation.CategorySafeguarding))
	if !res.AlertSafeguardingLead || res.Case.Priority != moderation.PrioritySafeguarding || res.Case.Category != moderation.CategorySafeguarding {
		t.Errorf("got alert=%t priority %d category %s, want alert, top priority, safeguarding", res.AlertSafeguardingLead, res.Case.Priority, res.Case.Category)
	}
	if res.Case.Status != moderation.StatusOpen {
		t.Errorf("a safeguarding report on a case waiting for the author: got %s, want open again", res.Case.Status)
	}
}

func TestReportRefused(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	ok := report("y1", comment("c1", "author"), moderation.CategoryBullying)
	cases := []struct {
		name  string
		edit  func(*moderation.ReportInput)
		code  fault.Code
		words []string
	}{
		{"unknown category lists the allowed ones", func(in *moderation.ReportInput) { in.Category = "spam" },
			fault.Invalid, moderation.ReportCategories},
		{"empty category", func(in *moderation.ReportInput) { in.Category = "" }, fault.Invalid, []string{"bullying"}},
		{"text over the limit", func(in *moderation.ReportInput) { in.Text = strings.Repeat("a", moderation.MaxReport+1) },
			fault.Invalid, []string{"too long", "1000"}},
		{"other needs words", func(in *moderation.ReportInput) { in.Category, in.Text = moderation.CategoryOther, "  " },
			fault.Invalid, []string{"report"}},
		{"own content", func(in *moderation.ReportInput) { in.Reporter = "author" }, fault.Invalid, []string{"yourself"}},
		{"no author given", func(in *moderation.ReportInput) { in.Content.OwnerID = "" }, fault.Invalid, nil},
		{"bad content type", func(in *moderation.ReportInput) { in.Content.Type = "Pledge Comment" }, fault.Invalid, nil},
		{"no panel", func(in *moderation.ReportInput) { in.PanelID = "" }, fault.Invalid, nil},
		{"bad threshold", func(in *moderation.ReportInput) { in.HideAfter = -1 }, fault.Invalid, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := ok
			c.edit(&in)
			_, err := s.Report(ctx, in)
			wantFault(t, err, c.code, c.words...)
		})
	}
	if _, err := s.CaseFor(ctx, moderation.PledgeComment, "c1"); !fault.Is(err, fault.NotFound) {
		t.Errorf("refused reports opened a case: %v", err)
	}
	atLimit := ok
	atLimit.Text = strings.Repeat("é", moderation.MaxReport)
	if _, err := s.Report(ctx, atLimit); err != nil {
		t.Errorf("text at the limit: got %v, want accepted", err)
	}
}

func TestExcerptIsBounded(t *testing.T) {
	s, _, _ := newService(t)
	long := comment("c1", "author")
	long.Excerpt = strings.Repeat("ab", moderation.MaxExcerpt)
	c := mustOpen(t, s, screening(long, "word"))
	if got := []rune(c.Content.Excerpt); len(got) != moderation.MaxExcerpt || got[len(got)-1] != '…' {
		t.Errorf("excerpt: got %d characters ending %q, want %d ending with …", len(got), string(got[len(got)-1]), moderation.MaxExcerpt)
	}
}
