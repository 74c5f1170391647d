package moderation_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"chorus/fault"
	"chorus/moderation"
)

func TestQueueOrder(t *testing.T) {
	s, clk, _ := newService(t)
	ctx := context.Background()
	// Opened oldest first, in an order unlike the priorities.
	publication := mustOpen(t, s, moderation.OpenInput{Kind: moderation.KindPublication, PanelID: "p1", GroupID: "g1",
		Content: moderation.ContentRef{Type: moderation.PledgeVersion, ID: "pl1:v1", Excerpt: "Youth Pledge"}})
	clk.Advance(time.Minute)
	screenOld := mustOpen(t, s, screening(comment("c1", "y1"), "phone"))
	clk.Advance(time.Minute)
	bullying := mustReport(t, s, report("y2", comment("c2", "y1"), moderation.CategoryBullying)).Case
	clk.Advance(time.Minute)
	screenNew := mustOpen(t, s, screening(comment("c3", "y1"), "word"))
	clk.Advance(time.Minute)
	safeguarding := mustReport(t, s, report("y3", comment("c4", "y1"), moderation.CategorySafeguarding)).Case
	clk.Advance(time.Minute)
	otherPanel := report("y9", comment("c5", "y8"), moderation.CategorySafeguarding)
	otherPanel.PanelID = "p2"
	mustReport(t, s, otherPanel)

	ids := func(cs []moderation.Case) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	page, err := s.Queue(ctx, []string{"p1"}, moderation.QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{safeguarding.ID, bullying.ID, screenOld.ID, screenNew.ID, publication.ID}
	if got := ids(page.Cases); !slices.Equal(got, want) {
		t.Fatalf("queue order:\n got %v\nwant %v (safeguarding, report, screening old then new, publication)", got, want)
	}

	// A report on held content makes it a report case, and a safeguarding
	// report puts it at the top, keeping its age.
	mustReport(t, s, report("y4", comment("c3", "y1"), moderation.CategorySafeguarding))
	page, _ = s.Queue(ctx, []string{"p1"}, moderation.QueueFilter{})
	want = []string{screenNew.ID, safeguarding.ID, bullying.ID, screenOld.ID, publication.ID}
	if got := ids(page.Cases); !slices.Equal(got, want) {
		t.Fatalf("after a safeguarding report on c3:\n got %v\nwant %v", got, want)
	}

	// Paging goes through the same order.
	first, err := s.Queue(ctx, []string{"p1"}, moderation.QueueFilter{Limit: 2})
	if err != nil || len(first.Cases) != 2 || first.Next == "" {
		t.Fatalf("first page: %d cases, next %q, %v", len(first.Cases), first.Next, err)
	}
	rest, err := s.Queue(ctx, []string{"p1"}, moderation.QueueFilter{Limit: 2, After: first.Next})
	if err != nil || !slices.Equal(ids(rest.Cases), want[2:4]) {
		t.Fatalf("second page: got %v %v, want %v", ids(rest.Cases), err, want[2:4])
	}

	// Decided cases leave the default queue.
	mustAct(t, s, publication.ID, "mod", moderation.Approve)
	mustAct(t, s, screenOld.ID, "mod", moderation.RequestChanges)
	page, _ = s.Queue(ctx, []string{"p1"}, moderation.QueueFilter{})
	if got := ids(page.Cases); !slices.Equal(got, want[:3]) {
		t.Fatalf("after deciding two: got %v, want %v", got, want[:3])
	}

	filters := []struct {
		name string
		f    moderation.QueueFilter
		want []string
	}{
		{"kind report", moderation.QueueFilter{Kind: moderation.KindReport}, []string{screenNew.ID, safeguarding.ID, bullying.ID}},
		{"category bullying", moderation.QueueFilter{Category: moderation.CategoryBullying}, []string{bullying.ID}},
		{"status approved", moderation.QueueFilter{Status: moderation.StatusApproved}, []string{publication.ID}},
		{"status changes requested", moderation.QueueFilter{Status: moderation.StatusChangesRequested}, []string{screenOld.ID}},
		{"kind screening, none waiting", moderation.QueueFilter{Kind: moderation.KindScreening}, nil},
	}
	for _, c := range filters {
		t.Run(c.name, func(t *testing.T) {
			page, err := s.Queue(ctx, []string{"p1"}, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(page.Cases); !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	for _, bad := range []moderation.QueueFilter{{Kind: "gossip"}, {Category: "rude"}, {Status: "pending"}, {Limit: 5000}} {
		if _, err := s.Queue(ctx, []string{"p1"}, bad); !fault.Is(err, fault.Invalid) {
			t.Errorf("filter %+v: got %v, want invalid", bad, err)
		}
	}
	if page, err := s.Queue(ctx, nil, moderation.QueueFilter{}); err != nil || len(page.Cases) != 0 {
		t.Errorf("no panels: got %d cases %v, want none", len(page.Cases), err)
	}
	if page, _ := s.Queue(ctx, []string{"p1", "p2"}, moderation.QueueFilter{}); len(page.Cases) != 4 || page.Cases[0].PanelID != "p1" {
		t.Errorf("two panels: got %v, want the p1 safeguarding case (older) first of 4", ids(page.Cases))
	}
}

func TestSummary(t *testing.T) {
	s, clk, _ := newService(t)
	ctx := context.Background()
	mustOpen(t, s, screening(comment("c1", "y1"), "email", "word"))
	clk.Advance(time.Hour)
	mustReport(t, s, report("y2", comment("c2", "y1"), moderation.CategoryBullying))
	mustReport(t, s, report("y2", comment("c3", "y1"), moderation.CategoryBullying))
	hidden := mustReport(t, s, report("y2", comment("c4", "y1"), moderation.CategoryOther)).Case
	mustAct(t, s, hidden.ID, "mod", moderation.Hide)
	clk.Advance(30 * time.Minute)

	got, err := s.Summary(ctx, []string{"p1"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Waiting != 3 || got.ByCategory["email"] != 1 || got.ByCategory[moderation.CategoryBullying] != 2 || len(got.ByCategory) != 2 {
		t.Errorf("counts: got waiting %d by category %v, want 3 {email:1 bullying:2}", got.Waiting, got.ByCategory)
	}
	if got.ByStatus[moderation.StatusOpen] != 3 || got.ByStatus[moderation.StatusHidden] != 1 {
		t.Errorf("by status: got %v, want open 3 hidden 1", got.ByStatus)
	}
	if !got.OldestOpenedAt.Equal(start) || got.OldestAge != 90*time.Minute {
		t.Errorf("oldest: got %s (age %s), want %s (age 1h30m)", got.OldestOpenedAt, got.OldestAge, start)
	}
	if empty, err := s.Summary(ctx, []string{"p9"}); err != nil || empty.Waiting != 0 || !empty.OldestOpenedAt.IsZero() {
		t.Errorf("empty panel: got %+v %v", empty, err)
	}
}

// A young person's home lists what waits for them: their content a
// moderator sent back for a change, and nobody else's.
func TestWaitingForAuthor(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	mine := mustOpen(t, s, screening(comment("c1", "y1"), "phone"))
	mustOpen(t, s, screening(comment("c2", "y1"), "email")) // still with the moderator
	other := mustOpen(t, s, screening(comment("c3", "y2"), "phone"))
	mustAct(t, s, mine.ID, "mod", moderation.RequestChanges)
	mustAct(t, s, other.ID, "mod", moderation.RequestChanges)
	got, err := s.WaitingForAuthor(ctx, []string{"p1"}, "y1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != mine.ID || got[0].ChangesMessage == "" {
		t.Fatalf("waiting for y1: got %+v, want c1 with the moderator's message", got)
	}
	if got, _ := s.WaitingForAuthor(ctx, []string{"p2"}, "y1"); len(got) != 0 {
		t.Errorf("in another panel: got %d cases, want none", len(got))
	}
}
