package pledge_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"chorus/fault"
	"chorus/pledge"
)

func TestLimits(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	p, it := newPledge(t, s)
	cases := []struct {
		name string
		f    pledge.Field
		text string
		ok   bool
	}{
		{"text at the limit", pledge.Text, strings.Repeat("é", pledge.MaxText), true},
		{"text over the limit", pledge.Text, strings.Repeat("a", pledge.MaxText+1), false},
		{"heading over the limit", pledge.Heading, strings.Repeat("a", pledge.MaxHeading+1), false},
		{"summary over the limit", pledge.Summary, strings.Repeat("a", pledge.MaxSummary+1), false},
		{"summary at the limit", pledge.Summary, strings.Repeat("a", pledge.MaxSummary), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cur, _ := s.Item(ctx, p.ID, it.ID)
			_, err := s.EditItem(ctx, "amb", p.ID, it.ID, c.f, cur.Version, c.text)
			if c.ok && err != nil {
				t.Fatalf("got %v, want accepted", err)
			}
			if !c.ok && (!fault.Is(err, fault.Invalid) || !strings.Contains(fault.MessageOf(err), "too long")) {
				t.Fatalf("got %v, want invalid saying it is too long", err)
			}
		})
	}
	// Two edits that each fit but together do not: the second is refused.
	q, item := newPledge(t, s)
	half := strings.Repeat("b", pledge.MaxText-10)
	if _, err := s.EditItem(ctx, "a", q.ID, item.ID, pledge.Text, 1, half); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EditItem(ctx, "b", q.ID, item.ID, pledge.Text, 1, item.Text+strings.Repeat("c", 100)); !fault.Is(err, fault.Invalid) {
		t.Fatalf("merged text over the limit: got %v, want invalid", err)
	}
	// At most MaxItems items.
	for i := 1; i < pledge.MaxItems; i++ {
		if _, err := s.AddItem(ctx, "amb", p.ID, pledge.ItemInput{Heading: fmt.Sprint("item ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddItem(ctx, "amb", p.ID, pledge.ItemInput{Heading: "one too many"}); !fault.Is(err, fault.Invalid) || !strings.Contains(fault.MessageOf(err), "at most 50") {
		t.Fatalf("item %d: got %v, want invalid", pledge.MaxItems+1, err)
	}
}

func TestEditVersions(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	p, it := newPledge(t, s)
	if _, err := s.EditItem(ctx, "a", p.ID, it.ID, pledge.Text, 2, "x"); !fault.Is(err, fault.Invalid) {
		t.Errorf("future version: got %v, want invalid", err)
	}
	if _, err := s.EditItem(ctx, "a", p.ID, it.ID, pledge.Text, 0, "x"); !fault.Is(err, fault.Invalid) {
		t.Errorf("version 0: got %v, want invalid", err)
	}
	if _, err := s.EditItem(ctx, "a", p.ID, "nope", pledge.Text, 1, "x"); !fault.Is(err, fault.NotFound) {
		t.Errorf("unknown item: got %v, want not_found", err)
	}
	got, _ := s.Item(ctx, p.ID, it.ID)
	if got.Version != 1 || got.Text != it.Text {
		t.Errorf("refused edits changed the item: %+v", got)
	}
}

func TestLifeCycleFreezesPublishedVersions(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	p, it := newPledge(t, s)
	if _, err := s.Move(ctx, "coord", p.ID, pledge.Published); !fault.Is(err, fault.Invalid) {
		t.Fatalf("draft -> published: got %v, want invalid (review first)", err)
	}
	if _, err := s.Move(ctx, "amb", p.ID, pledge.InReview); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EditItem(ctx, "amb", p.ID, it.ID, pledge.Text, 1, "changed in review"); !fault.Is(err, fault.Invalid) {
		t.Fatalf("edit in review: got %v, want invalid", err)
	}
	if _, err := s.Move(ctx, "mod", p.ID, pledge.Draft); err != nil { // request changes
		t.Fatal(err)
	}
	if _, err := s.EditItem(ctx, "amb", p.ID, it.ID, pledge.Text, 1, "Version one text"); err != nil {
		t.Fatal(err)
	}
	s.Move(ctx, "amb", p.ID, pledge.InReview)
	pub, err := s.Move(ctx, "mod", p.ID, pledge.Published)
	if err != nil || pub.LatestPublished() != 1 {
		t.Fatalf("publish: got %+v %v", pub, err)
	}
	if _, err := s.EditItem(ctx, "amb", p.ID, it.ID, pledge.Text, 2, "Next version text"); err != nil {
		t.Fatalf("edit after publishing: %v", err)
	}
	v1, err := s.Version(ctx, p.ID, 1)
	if err != nil || v1.Items[0].Text != "Version one text" || v1.Status != "published" {
		t.Fatalf("published version 1 changed: %+v %v", v1, err)
	}
	for _, bad := range []pledge.State{pledge.Draft, pledge.Published} {
		if _, err := s.Move(ctx, "x", p.ID, bad); !fault.Is(err, fault.Invalid) {
			t.Errorf("published -> %s: got %v, want invalid", bad, err)
		}
	}
	if _, err := s.Move(ctx, "coord", p.ID, pledge.InRound); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Move(ctx, "coord", p.ID, pledge.Closed); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddItem(ctx, "amb", p.ID, pledge.ItemInput{Heading: "late"}); !fault.Is(err, fault.Invalid) {
		t.Errorf("add to a closed pledge: got %v, want invalid", err)
	}
}

func TestCommentAnchorsFollowEdits(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	p, it := newPledge(t, s) // "Apps should talk to us in plain words"
	onPlain, err := s.AddComment(ctx, "y", p.ID, it.ID, pledge.CommentInput{Text: "nice", Anchor: &pledge.Anchor{Start: 26, End: 31}})
	if err != nil || onPlain.Anchor.Quote != "plain" {
		t.Fatalf("anchor: %+v %v", onPlain.Anchor, err)
	}
	onTalk, _ := s.AddComment(ctx, "y", p.ID, it.ID, pledge.CommentInput{Text: "talk how?", Anchor: &pledge.Anchor{Start: 12, End: 16}})
	if _, err := s.AddComment(ctx, "y", p.ID, it.ID, pledge.CommentInput{Text: "bad", Anchor: &pledge.Anchor{Start: 30, End: 300}}); !fault.Is(err, fault.Invalid) {
		t.Errorf("anchor past the end: got %v, want invalid", err)
	}
	if _, err := s.AddComment(ctx, "y", p.ID, it.ID, pledge.CommentInput{ThreadID: onTalk.ID, Text: "like a friend"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EditItem(ctx, "a", p.ID, it.ID, pledge.Text, 1, "Ünïcode apps should speak to us in plain words"); err != nil {
		t.Fatal(err)
	}
	cs, err := s.Comments(ctx, pledge.Viewer{AccountID: "y"}, p.ID, it.ID)
	if err != nil || len(cs) != 3 {
		t.Fatalf("comments: %d %v", len(cs), err)
	}
	byID := map[string]pledge.Comment{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	if c := byID[onPlain.ID]; c.AnchorLost || c.Current == nil || c.Current.Quote != "plain" || c.Current.Start != 35 {
		t.Errorf("anchor on 'plain': got %+v, want it to follow to 35", c.Current)
	}
	if c := byID[onTalk.ID]; !c.AnchorLost || c.Note == "" {
		t.Errorf("anchor on deleted 'talk': got %+v, want anchor lost with a note", c)
	}
}

func TestAmendmentsAndEndorsements(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	p, it := newPledge(t, s)
	a, err := s.Propose(ctx, "y", p.ID, it.ID, pledge.Text, "Apps should talk to us in plain, short words", "shorter")
	if err != nil || len(a.Diff) == 0 {
		t.Fatalf("propose: %+v %v", a, err)
	}
	// Someone edits meanwhile: accepting merges, both changes stay.
	if _, err := s.EditItem(ctx, "z", p.ID, it.ID, pledge.Text, 1, "All apps should talk to us in plain words"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Decide(ctx, "amb", p.ID, a.ID, true)
	if err != nil || got.State != "accepted" || got.Version != 3 {
		t.Fatalf("accept: %+v %v", got, err)
	}
	cur, _ := s.Item(ctx, p.ID, it.ID)
	if cur.Text != "All apps should talk to us in plain, short words" || cur.UpdatedBy != "y" {
		t.Errorf("after accepting: got %q by %s", cur.Text, cur.UpdatedBy)
	}
	if _, err := s.Decide(ctx, "amb", p.ID, a.ID, false); !fault.Is(err, fault.Conflict) {
		t.Errorf("deciding twice: got %v, want conflict", err)
	}
	for range 2 {
		if err := s.Endorse(ctx, "y", p.ID); err != nil {
			t.Fatal(err)
		}
	}
	s.Endorse(ctx, "z", p.ID)
	e, _ := s.EndorsementsFor(ctx, "y", p.ID, false)
	if !e.Mine || e.Count != nil {
		t.Errorf("youth view: got %+v, want mine and no count", e)
	}
	e, _ = s.EndorsementsFor(ctx, "mod", p.ID, true)
	if e.Mine || e.Count == nil || *e.Count != 2 {
		t.Errorf("moderator view: got %+v, want count 2", e)
	}
	s.Withdraw(ctx, "y", p.ID)
	if e, _ := s.EndorsementsFor(ctx, "y", p.ID, true); e.Mine || *e.Count != 1 {
		t.Errorf("after withdrawing: got %+v", e)
	}
}

func TestExportEscapes(t *testing.T) {
	v := pledge.Version{Title: "<script>alert(1)</script>", Language: "en", Number: 2,
		Items: []pledge.VersionItem{{Heading: "# Safe *defaults*", Text: "Para one.\n\nPara <b>two</b>.", Summary: "Short"}}}
	page, err := pledge.HTML(v)
	if err != nil {
		t.Fatal(err)
	}
	h := string(page)
	if strings.Contains(h, "<script>") || strings.Contains(h, "<b>") || strings.Contains(h, "style=") || !strings.Contains(h, "<p>Para one.</p>") {
		t.Errorf("html: not escaped or not split into paragraphs:\n%s", h)
	}
	md := string(pledge.Markdown(v))
	if !strings.Contains(md, `## 1. \# Safe \*defaults\*`) || !strings.Contains(md, "> Short") || !strings.Contains(md, "_Version 2_") {
		t.Errorf("markdown:\n%s", md)
	}
	// Markdown passes raw HTML through to whatever renders it (issue 9):
	// every field is escaped.
	raw := pledge.Version{Title: "T", Language: "en", Items: []pledge.VersionItem{{Heading: "<img src=x onerror=alert(1)>",
		Text: "Fine.\n\n<script>alert(1)</script> & <iframe src=//evil.example>", Summary: "<b>sum</b>"}}}
	md = string(pledge.Markdown(raw))
	if strings.ContainsAny(strings.ReplaceAll(md, "> ", ""), "<>") || !strings.Contains(md, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;iframe") || !strings.Contains(md, "&lt;b&gt;sum&lt;/b&gt;") {
		t.Errorf("markdown with raw HTML:\n%s", md)
	}
}

// A client that already has an item at some version reads only the
// revisions after it (reading an item again while its typing is on its
// way), not the item's whole history.
func TestHistorySinceListsOnlyLaterRevisions(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	p, it := newPledge(t, s)
	for i, text := range []string{"one", "two", "three"} {
		if _, err := s.EditItem(ctx, "amb", p.ID, it.ID, pledge.Text, int64(i+1), text); err != nil {
			t.Fatal(err)
		}
	}
	versions := func(revs []pledge.Revision) []int64 {
		out := []int64{}
		for _, r := range revs {
			out = append(out, r.Version)
		}
		return out
	}
	for _, c := range []struct {
		since int64
		want  []int64
	}{{0, []int64{1, 2, 3, 4}}, {2, []int64{3, 4}}, {4, []int64{}}, {99, []int64{}}} {
		got, err := s.History(ctx, p.ID, it.ID, c.since)
		if err != nil {
			t.Fatalf("since %d: %v", c.since, err)
		}
		if fmt.Sprint(versions(got)) != fmt.Sprint(c.want) {
			t.Errorf("since %d: got versions %v, want %v", c.since, versions(got), c.want)
		}
	}
	if got, _ := s.History(ctx, p.ID, it.ID, 2); len(got) > 0 && got[len(got)-1].Text != "three" {
		t.Errorf("since 2: the newest revision says %q, want %q", got[len(got)-1].Text, "three")
	}
	if _, err := s.History(ctx, p.ID, it.ID, -1); !fault.Is(err, fault.Invalid) {
		t.Errorf("since -1: got %v, want invalid", err)
	}
	if _, err := s.History(ctx, p.ID, "nope", 0); !fault.Is(err, fault.NotFound) {
		t.Errorf("unknown item: got %v, want not_found", err)
	}
}
