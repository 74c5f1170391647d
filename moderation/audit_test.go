package moderation_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"testing"
	"time"

	"chorus/fault"
	"chorus/moderation"
)

// auditHistory makes, one minute apart: a screening hold on y1's c1, y2's
// report of y1's c2, a moderator hiding c1, a mute of y1, and a report in
// another panel.
func auditHistory(t *testing.T) *moderation.Service {
	t.Helper()
	s, clk, _ := newService(t)
	ctx := context.Background()
	held := mustOpen(t, s, screening(comment("c1", "y1"), "phone"))
	clk.Advance(time.Minute)
	rep := report("y2", comment("c2", "y1"), moderation.CategoryBullying)
	rep.Text = "=HYPERLINK(\"http://evil.example\")"
	mustReport(t, s, rep)
	clk.Advance(time.Minute)
	if _, err := s.Act(ctx, moderation.ActInput{CaseID: held.ID, Actor: "mod", Action: moderation.Hide, Reason: "-shares a phone number, \"really\"\nsecond line"}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	if _, err := s.Mute(ctx, moderation.MuteInput{By: "mod", AccountID: "y1", PanelID: "p1", GroupID: "g1", For: time.Hour, Reason: "@everyone spam"}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	elsewhere := report("y2", comment("c9", "y7"), moderation.CategoryOther)
	elsewhere.PanelID = "p2"
	mustReport(t, s, elsewhere)
	return s
}

func TestAuditSearch(t *testing.T) {
	s := auditHistory(t)
	ctx := context.Background()
	p1 := []string{"p1"}
	cases := []struct {
		name string
		q    moderation.AuditQuery
		want []string // actions, newest first
	}{
		{"everything in the panel", moderation.AuditQuery{PanelIDs: p1},
			[]string{moderation.AuditMuted, "moderation.hide", moderation.AuditReported, moderation.AuditOpened}},
		{"about y1, who never acted", moderation.AuditQuery{PanelIDs: p1, Person: "y1"},
			[]string{moderation.AuditMuted, "moderation.hide", moderation.AuditReported, moderation.AuditOpened}},
		{"by the moderator", moderation.AuditQuery{PanelIDs: p1, Person: "mod"}, []string{moderation.AuditMuted, "moderation.hide"}},
		{"by the reporter, only in p1", moderation.AuditQuery{PanelIDs: p1, Person: "y2"}, []string{moderation.AuditReported}},
		{"by the reporter, both panels", moderation.AuditQuery{PanelIDs: []string{"p1", "p2"}, Person: "y2"}, []string{moderation.AuditReported, moderation.AuditReported}},
		{"one content item", moderation.AuditQuery{PanelIDs: p1, ContentID: "c1"}, []string{"moderation.hide", moderation.AuditOpened}},
		{"one action", moderation.AuditQuery{PanelIDs: p1, Action: "moderation.hide"}, []string{"moderation.hide"}},
		{"a time range", moderation.AuditQuery{PanelIDs: p1, From: start.Add(time.Minute), To: start.Add(3 * time.Minute)},
			[]string{"moderation.hide", moderation.AuditReported}},
		{"from only", moderation.AuditQuery{PanelIDs: p1, From: start.Add(3 * time.Minute)}, []string{moderation.AuditMuted}},
		{"all filters", moderation.AuditQuery{PanelIDs: p1, Person: "y1", ContentID: "c2", Action: moderation.AuditReported, To: start.Add(time.Hour)},
			[]string{moderation.AuditReported}},
		{"no panel, nothing", moderation.AuditQuery{Person: "y1"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			page, err := s.SearchAudit(ctx, c.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range page.Entries {
				got = append(got, e.Action)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}

	all, _ := s.SearchAudit(ctx, moderation.AuditQuery{PanelIDs: p1})
	hide := all.Entries[1]
	if hide.Actor != "mod" || hide.Person != "y1" || hide.ContentID != "c1" || hide.CaseID == "" || hide.EventID == 0 || !hide.Time().Equal(start.Add(2*time.Minute)) {
		t.Errorf("hide entry: got %+v, want who, whom, what, when", hide)
	}
	var paged []moderation.AuditEntry
	q := moderation.AuditQuery{PanelIDs: p1, Person: "y1", Limit: 3}
	for range 3 {
		page, err := s.SearchAudit(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, page.Entries...)
		if page.Next == "" {
			break
		}
		q.After = page.Next
	}
	if !slices.Equal(paged, all.Entries) {
		t.Errorf("paging by 3: got %d entries, want the same %d as one page", len(paged), len(all.Entries))
	}

	bad := []moderation.AuditQuery{
		{PanelIDs: p1, Action: "moderation.delete"},
		{PanelIDs: p1, From: start.Add(time.Hour), To: start},
		{PanelIDs: p1, Limit: moderation.MaxAuditLimit + 1},
		{PanelIDs: p1, After: "not-a-cursor"},
	}
	for _, q := range bad {
		if _, err := s.SearchAudit(ctx, q); !fault.Is(err, fault.Invalid) {
			t.Errorf("query %+v: got %v, want invalid", q, err)
		}
	}
}

func TestAuditCSV(t *testing.T) {
	s := auditHistory(t)
	page, err := s.SearchAudit(context.Background(), moderation.AuditQuery{PanelIDs: []string{"p1"}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := moderation.AuditCSV(&buf, page.Entries); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("the export is not valid CSV: %v\n%s", err, buf.String())
	}
	if len(rows) != 1+len(page.Entries) || rows[0][0] != "time" || rows[0][10] != "reason" {
		t.Fatalf("got %d rows, header %v", len(rows), rows[0])
	}
	reasons := map[string]string{}
	for _, r := range rows[1:] {
		reasons[r[1]] = r[10]
	}
	want := map[string]string{
		moderation.AuditMuted:    "'@everyone spam",
		"moderation.hide":        "'-shares a phone number, \"really\"\nsecond line",
		moderation.AuditReported: "'=HYPERLINK(\"http://evil.example\")",
	}
	for action, w := range want {
		if got := reasons[action]; got != w {
			t.Errorf("%s reason: got %q, want %q", action, got, w)
		}
	}
	if rows[1][0] != "2026-11-23T10:03:00.000Z" {
		t.Errorf("time: got %q, want RFC 3339 in UTC", rows[1][0])
	}

	cells := []struct{ in, want string }{
		{"=1+1", "'=1+1"}, {"+1", "'+1"}, {"-1", "'-1"}, {"@SUM(A1)", "'@SUM(A1)"}, {"\t=1", "'\t=1"},
		{"plain", "plain"}, {"a=b", "a=b"}, {"", ""},
	}
	for _, c := range cells {
		buf.Reset()
		if err := moderation.AuditCSV(&buf, []moderation.AuditEntry{{Reason: c.in}}); err != nil {
			t.Fatal(err)
		}
		rows, _ := csv.NewReader(&buf).ReadAll()
		if got := rows[1][10]; got != c.want {
			t.Errorf("cell %q: got %q, want %q", c.in, got, c.want)
		}
	}
}

// A case that screening opened is opened by the screening, not by the
// author whose text it held: the author is whom it is about.
func TestScreeningOpensItsCaseItself(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	in := screening(comment("c1", "y1"), "phone")
	in.Actor = "y1" // the author's comment caused it
	c := mustOpen(t, s, in)
	if got := c.History[0].Actor; got != moderation.System {
		t.Errorf("case history: opened by %q, want %q", got, moderation.System)
	}
	page, err := s.SearchAudit(ctx, moderation.AuditQuery{PanelIDs: []string{"p1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 1 || page.Entries[0].Actor != moderation.System || page.Entries[0].Person != "y1" {
		t.Fatalf("audit: got %+v, want one entry by the system about y1", page.Entries)
	}
	// The author rewriting it is the author's doing.
	if _, _, err := s.Open(ctx, in); err != nil {
		t.Fatal(err)
	}
	page, _ = s.SearchAudit(ctx, moderation.AuditQuery{PanelIDs: []string{"p1"}, Action: moderation.AuditResubmitted})
	if len(page.Entries) != 1 || page.Entries[0].Actor != "y1" {
		t.Errorf("resubmitted: got %+v, want one entry by y1", page.Entries)
	}
}

// People is "any of these accounts": a name the search resolved to
// several people.
func TestAuditSearchByPeople(t *testing.T) {
	s := auditHistory(t)
	ctx := context.Background()
	got := func(q moderation.AuditQuery) []string {
		t.Helper()
		page, err := s.SearchAudit(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range page.Entries {
			out = append(out, e.Action)
		}
		return out
	}
	if g, want := got(moderation.AuditQuery{PanelIDs: []string{"p1"}, People: []string{"y2", "mod"}}), []string{moderation.AuditMuted, "moderation.hide", moderation.AuditReported}; !slices.Equal(g, want) {
		t.Errorf("y2 or mod: got %v, want %v", g, want)
	}
	if g, want := got(moderation.AuditQuery{PanelIDs: []string{"p1"}, People: []string{"y2"}, Person: "mod"}), []string{moderation.AuditMuted, "moderation.hide", moderation.AuditReported}; !slices.Equal(g, want) {
		t.Errorf("mod and the people: got %v, want %v", g, want)
	}
}
