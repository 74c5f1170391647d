package pledge_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/fault"
	"chorus/moderation/screen"
	"chorus/pledge"
	"chorus/store"
)

// amendmentEvents lists the amendment events of a pledge, as "type:id".
func amendmentEvents(t *testing.T, docs store.Documents, pledgeID string) []string {
	t.Helper()
	evs, err := docs.Events(context.Background(), store.EventQuery{Subject: pledge.Topic(pledgeID), Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		if !strings.HasPrefix(e.Type, "pledge.amendment_") {
			continue
		}
		var d struct {
			Amendment   struct{ ID string } `json:"amendment"`
			AmendmentID string              `json:"amendmentId"`
		}
		_ = json.Unmarshal(e.Data, &d)
		out = append(out, e.Type+":"+d.Amendment.ID+d.AmendmentID)
	}
	return out
}

// Safeguarding rule 5 for amendments: held like a comment, seen only by
// the author and moderators, not accepted until a moderator approves.
func TestScreeningHoldsAnAmendmentUntilAModeratorApproves(t *testing.T) {
	s, docs := newService(t)
	ctx := context.Background()
	p, it := newPledge(t, s)
	author, other, mod := pledge.Viewer{AccountID: "y1"}, pledge.Viewer{AccountID: "y2"}, pledge.Viewer{AccountID: "m", Supervisor: true}

	clean, err := s.Propose(ctx, "y2", p.ID, it.ID, pledge.Text, "Apps should talk to us in short words", "shorter")
	if err != nil || clean.Held {
		t.Fatalf("a clean amendment: %+v, %v; want it shown at once", clean, err)
	}
	held, err := s.Propose(ctx, "y1", p.ID, it.ID, pledge.Text, "Apps should talk to us: write to sam@example.org", "ask me on 06 12 34 56 78")
	if err != nil {
		t.Fatal(err)
	}
	if !held.Held || len(held.Hits) != 1 || held.Hits[0].Kind != screen.Email || held.Text[held.Hits[0].Start:held.Hits[0].End] != "sam@example.org" {
		t.Fatalf("an amendment with an e-mail address: held=%t hits %+v; want held, the address pointed at", held.Held, held.Hits)
	}
	if len(held.ReasonHits) != 1 || held.ReasonHits[0].Kind != screen.Phone {
		t.Fatalf("its reason with a phone number: hits %+v, want the number", held.ReasonHits)
	}
	see := func(v pledge.Viewer) []string {
		t.Helper()
		as, err := s.Amendments(ctx, v, p.ID, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range as {
			out = append(out, a.ID)
		}
		return out
	}
	if got := see(other); len(got) != 1 || got[0] != clean.ID {
		t.Errorf("another youth sees %v, want only the clean amendment", got)
	}
	if got := see(author); len(got) != 2 {
		t.Errorf("the author sees %v, want both", got)
	}
	if got := see(mod); len(got) != 2 {
		t.Errorf("a moderator sees %v, want both", got)
	}
	if _, err := s.Decide(ctx, "amb", p.ID, held.ID, true); !fault.Is(err, fault.Conflict) || !strings.Contains(fault.MessageOf(err), "moderator") {
		t.Fatalf("accepting a held amendment: got %v, want conflict saying a moderator checks it", err)
	}
	if got := amendmentEvents(t, docs, p.ID); !reflect.DeepEqual(got, []string{"pledge.amendment_proposed:" + clean.ID}) {
		t.Errorf("events %v: the held amendment must not go out live", got)
	}

	// Only the author rewrites it; it is screened again and stays held.
	if _, err := s.EditAmendment(ctx, "y2", held.ID, "mine now", ""); !fault.Is(err, fault.Forbidden) {
		t.Errorf("someone else rewrites it: got %v, want forbidden", err)
	}
	edited, err := s.EditAmendment(ctx, "y1", held.ID, "Apps should talk to us in plain, short words", "clearer")
	if err != nil || !edited.Held || len(edited.Hits)+len(edited.ReasonHits) != 0 || !edited.Edited || len(edited.Diff) == 0 {
		t.Fatalf("the author's rewrite: %+v, %v; want held, no hits, edited, a diff", edited, err)
	}
	if got := see(other); len(got) != 1 {
		t.Errorf("before approval another youth sees %v", got)
	}

	if _, err := s.ModerateAmendment(ctx, "m", held.ID, pledge.OutcomeApprove); err != nil {
		t.Fatal(err)
	}
	if got := see(other); len(got) != 2 {
		t.Errorf("after approval another youth sees %v, want both", got)
	}
	if _, err := s.EditAmendment(ctx, "y1", held.ID, "again", ""); !fault.Is(err, fault.Conflict) {
		t.Errorf("rewriting an approved amendment: got %v, want conflict", err)
	}
	got, err := s.Decide(ctx, "amb", p.ID, held.ID, true)
	if err != nil || got.State != "accepted" {
		t.Fatalf("accepting it once approved: %+v, %v", got, err)
	}
	if cur, _ := s.Item(ctx, p.ID, it.ID); cur.Text != "Apps should talk to us in plain, short words" {
		t.Errorf("after accepting: item text %q", cur.Text)
	}
	if _, err := s.ModerateAmendment(ctx, "m", clean.ID, pledge.OutcomeHide); err != nil {
		t.Fatal(err)
	}
	if got := see(pledge.Viewer{AccountID: "y3"}); len(got) != 1 || got[0] != held.ID {
		t.Errorf("after hiding the clean one, a third youth sees %v, want only the approved one", got)
	}
	if got := see(other); len(got) != 2 {
		t.Errorf("after hiding, its author sees %v, want it still", got)
	}
	want := []string{"pledge.amendment_proposed:" + clean.ID, "pledge.amendment_proposed:" + held.ID, "pledge.amendment_decided:" + held.ID, "pledge.amendment_removed:" + clean.ID}
	if got := amendmentEvents(t, docs, p.ID); !reflect.DeepEqual(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
	if _, err := s.ModerateAmendment(ctx, "m", held.ID, "delete"); !fault.Is(err, fault.Invalid) {
		t.Errorf("unknown outcome: got %v, want invalid", err)
	}
	if _, err := s.Amendment(ctx, "no-such"); !fault.Is(err, fault.NotFound) {
		t.Errorf("unknown amendment: got %v, want not found", err)
	}
}

func kinds(h pledge.Hits) map[pledge.Field][]screen.Kind {
	out := map[pledge.Field][]screen.Kind{}
	for f, hs := range h {
		for _, x := range hs {
			out[f] = append(out[f], x.Kind)
		}
	}
	return out
}

// Items are not held from the group: they carry their current hits, and a
// pledge whose items have hits goes neither to review nor to partners.
func TestItemHitsBlockReviewUntilRemoved(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	p, first := newPledge(t, s)
	if first.Hits != nil {
		t.Fatalf("a clean item: hits %+v, want none", first.Hits)
	}
	second, err := s.AddItem(ctx, "amb", p.ID, pledge.ItemInput{Heading: "Help", Text: "Write to help@example.org", Summary: "Ask for help"})
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(second.Hits); !reflect.DeepEqual(got, map[pledge.Field][]screen.Kind{pledge.Text: {screen.Email}}) {
		t.Fatalf("an item with an e-mail address: hits %v, want the text's e-mail", got)
	}
	// A phone number typed into the first item's heading.
	first, err = s.EditItem(ctx, "y", p.ID, first.ID, pledge.Heading, first.Version, "Plain words, call 06 12 34 56 78")
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(first.Hits); !reflect.DeepEqual(got, map[pledge.Field][]screen.Kind{pledge.Heading: {screen.Phone}}) {
		t.Fatalf("after the edit: hits %v, want the heading's phone number", got)
	}
	if stored, _ := s.Item(ctx, p.ID, first.ID); !reflect.DeepEqual(stored.Hits, first.Hits) {
		t.Errorf("stored hits %+v, want %+v", stored.Hits, first.Hits)
	}

	_, err = s.Move(ctx, "amb", p.ID, pledge.InReview)
	if !fault.Is(err, fault.Conflict) || !strings.HasPrefix(fault.MessageOf(err), "Items 1, 2 have something") {
		t.Fatalf("review with hits in items 1 and 2: got %v, want conflict naming both", err)
	}
	// Editing the other field keeps the heading's hits.
	first, err = s.EditItem(ctx, "y", p.ID, first.ID, pledge.Summary, first.Version, "Say it very simply")
	if err != nil || len(first.Hits[pledge.Heading]) != 1 {
		t.Fatalf("after editing the summary: %+v, %v; want the heading's hits kept", first.Hits, err)
	}
	// A later edit that removes the number clears the item.
	first, err = s.EditItem(ctx, "y", p.ID, first.ID, pledge.Heading, first.Version, "Plain words")
	if err != nil || first.Hits != nil {
		t.Fatalf("after removing the number: hits %+v, %v; want none", first.Hits, err)
	}
	if stored, _ := s.Item(ctx, p.ID, first.ID); stored.Hits != nil {
		t.Errorf("stored after removing the number: hits %+v, want none", stored.Hits)
	}
	_, err = s.Move(ctx, "amb", p.ID, pledge.InReview)
	if !fault.Is(err, fault.Conflict) || !strings.HasPrefix(fault.MessageOf(err), "Item 2 has something") {
		t.Fatalf("review with hits in item 2: got %v, want conflict naming it", err)
	}
	// Restoring the version with the address brings its hits back; removing
	// the item takes it out of the pledge.
	second, err = s.EditItem(ctx, "y", p.ID, second.ID, pledge.Text, second.Version, "Ask a moderator")
	if err != nil || second.Hits != nil {
		t.Fatalf("after rewriting item 2: %+v, %v", second.Hits, err)
	}
	second, err = s.RestoreItem(ctx, "y", p.ID, second.ID, 1)
	if err != nil || len(second.Hits[pledge.Text]) != 1 {
		t.Fatalf("restoring the version with the address: hits %+v, %v; want them back", second.Hits, err)
	}
	if _, err := s.RemoveItem(ctx, "y", p.ID, second.ID); err != nil {
		t.Fatal(err)
	}
	p, err = s.Move(ctx, "amb", p.ID, pledge.InReview)
	if err != nil || p.State != pledge.InReview {
		t.Fatalf("review once the hits are gone: %+v, %v", p.State, err)
	}
}

// Concurrent edits are merged in batches and screened once per batch: the
// item's hits always describe its text as stored, and each edit's answer
// carries hits only where they describe its own text.
func TestItemHitsFollowBatchedEdits(t *testing.T) {
	s, docs := newService(t)
	ctx := context.Background()
	p, it := newPledge(t, s)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			add := fmt.Sprintf(" w%02d", i)
			if i == 17 {
				add = " mail me at kim@example.org"
			}
			got, err := s.EditItem(ctx, fmt.Sprint("u", i), p.ID, it.ID, pledge.Text, 1, it.Text+add)
			if err != nil {
				t.Error(err)
				return
			}
			for f, hs := range got.Hits {
				res, _ := screen.Screen(fieldOf(got, f), "en")
				if !reflect.DeepEqual(hs, res.Hits) {
					t.Errorf("edit %d answered hits %+v for %s %q, want %+v", i, hs, f, fieldOf(got, f), res.Hits)
				}
			}
		}()
	}
	wg.Wait()
	cur, err := s.Item(ctx, p.ID, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	res, _ := screen.Screen(cur.Text, "en")
	if len(res.Hits) != 1 || !reflect.DeepEqual(cur.Hits[pledge.Text], res.Hits) {
		t.Fatalf("after 40 edits: hits %+v for %q, want %+v", cur.Hits, cur.Text, res.Hits)
	}
	// The last pledge.item_edited event carries the hits of the text its
	// operations make.
	evs, _ := docs.Events(ctx, store.EventQuery{Subject: pledge.Topic(p.ID), Limit: store.MaxLimit})
	var last struct {
		Hits []screen.Hit `json:"hits"`
	}
	for _, e := range evs {
		if e.Type == "pledge.item_edited" {
			_ = json.Unmarshal(e.Data, &last)
		}
	}
	if text, _ := replayText(t, docs, p.ID, pledge.Text, it.Text); text != cur.Text || !reflect.DeepEqual(last.Hits, res.Hits) {
		t.Errorf("last event: %q with hits %+v, want %q with %+v", text, last.Hits, cur.Text, res.Hits)
	}

	// A revision stored by a process that stopped before updating the item
	// brings its hits when the item is rolled forward.
	clean := "Apps should talk to us"
	rev := pledge.Revision{ID: fmt.Sprintf("%s:%010d", it.ID, cur.Version+1), ItemID: it.ID, PledgeID: p.ID, Version: cur.Version + 1, Kind: "edited",
		Field: pledge.Text, Heading: cur.Heading, Text: clean, Summary: cur.Summary, Author: "x", At: time.Now().UTC(), Hits: &pledge.Hits{}}
	if err := store.InsertAs(ctx, docs, "pledge_revisions", rev.ID, rev, time.Time{}); err != nil {
		t.Fatal(err)
	}
	rolled, err := s.Item(ctx, p.ID, it.ID)
	if err != nil || rolled.Text != clean || rolled.Hits != nil {
		t.Fatalf("rolled forward: %q hits %+v, %v; want the clean text without hits", rolled.Text, rolled.Hits, err)
	}
}

func fieldOf(it pledge.Item, f pledge.Field) string {
	switch f {
	case pledge.Heading:
		return it.Heading
	case pledge.Summary:
		return it.Summary
	}
	return it.Text
}

// Every text field is screened before review (issue 9): the title, and an
// item's heading, text and summary together, so that a phone number split
// across them is found though neither part is one.
func TestReviewScreensTheTitleAndItemsAsAWhole(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	for _, part := range []string{"06 12", "34 56 78"} {
		if res, _ := screen.Screen("Call me: "+part, "en"); res.Held() {
			t.Fatalf("%q alone is held; the test needs parts that are not", part)
		}
	}
	cases := []struct {
		name, title string
		item        pledge.ItemInput
		words       string
	}{
		{"title", "Write to lea@example.org or call 06 12 34 56 78", pledge.ItemInput{Heading: "Plain words", Text: "Apps should explain."}, "The title"},
		{"split over heading and text", "Youth Pledge", pledge.ItemInput{Heading: "Call me: 06 12", Text: "34 56 78"}, "Item 1"},
		{"split over text and summary", "Youth Pledge", pledge.ItemInput{Heading: "Plain words", Text: "Call me: 06 12", Summary: "34 56 78"}, "Item 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := s.Create(ctx, "amb", pledge.CreateInput{PanelID: "p1", GroupID: "g1", Title: c.title, Language: "en"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.AddItem(ctx, "amb", p.ID, c.item); err != nil {
				t.Fatal(err)
			}
			_, err = s.Move(ctx, "amb", p.ID, pledge.InReview)
			if !fault.Is(err, fault.Conflict) || !strings.HasPrefix(fault.MessageOf(err), c.words) {
				t.Fatalf("review: got %v, want a conflict naming %s", err, c.words)
			}
		})
	}
}

// An amendment's text and reason are read together too.
func TestAmendmentTextAndReasonAreScreenedTogether(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	p, it := newPledge(t, s)
	a, err := s.Propose(ctx, "y1", p.ID, it.ID, pledge.Text, "Apps should call us: 06 12", "34 56 78")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Held {
		t.Fatalf("a phone number split between text and reason: got %+v, want held", a)
	}
}

// An item's whole field is screened after every edit, so personal data
// typed in several edits, each harmless alone, is found once it is whole.
func TestPersonalDataSplitAcrossEditsIsFound(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	p, it := newPledge(t, s)
	for _, c := range []struct {
		parts []string
		kind  screen.Kind
	}{
		{[]string{" Call me on 06", " 12 34", " 56", " 78"}, screen.Phone},
		{[]string{" Mail lena", " (at)", " exemple", " (dot)", " fr"}, screen.Email},
		{[]string{" Phone: zero six", " douze trente-quatre", " cinquante-six", " soixante-dix-huit"}, screen.Phone},
		{[]string{" My snapchat", " is", " tommy2011"}, screen.Handle},
	} {
		base := it.Text
		cur := it
		for i, part := range c.parts {
			var err error
			cur, err = s.EditItem(ctx, "y", p.ID, it.ID, pledge.Text, cur.Version, cur.Text+part)
			if err != nil {
				t.Fatal(err)
			}
			whole := i == len(c.parts)-1
			if got := kinds(cur.Hits)[pledge.Text]; whole != (len(got) == 1 && got[0] == c.kind) {
				t.Errorf("after %q: hits %v, want a %s hit only once it is whole", cur.Text, got, c.kind)
			}
		}
		if err := s.CheckScreened(ctx, p.PanelID, pledge.Version{Items: []pledge.VersionItem{{Text: cur.Text}}}); !fault.Is(err, fault.Conflict) {
			t.Errorf("CheckScreened(%q) = %v, want a conflict", cur.Text, err)
		}
		var err error
		it, err = s.EditItem(ctx, "y", p.ID, it.ID, pledge.Text, cur.Version, base)
		if err != nil {
			t.Fatal(err)
		}
	}
}

// screeners is a Screeners with one screener per panel.
type screeners map[string]*screen.Screener

func (m screeners) ScreenerFor(_ context.Context, panelID string) (*screen.Screener, error) {
	if sc, ok := m[panelID]; ok {
		return sc, nil
	}
	return nil, fault.Errorf(fault.NotFound, "no panel %s", panelID)
}

// Rule 5: the word lists of every language the panel works in apply to
// every text of the panel, whatever the pledge's language.
func TestPanelLanguagesScreenEveryText(t *testing.T) {
	mixed, err := screen.New(screen.Lists{Languages: []string{"en", "fr", "de"}})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newServiceWith(t, screeners{"p1": mixed})
	ctx := context.Background()
	p, it := newPledge(t, s) // in English, in panel p1
	c, err := s.AddComment(ctx, "y1", p.ID, it.ID, pledge.CommentInput{Text: "du bist ein Arschloch"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Held {
		t.Errorf("German insult under an English pledge of an en/fr/de panel: comment %+v, want held", c)
	}
	it, err = s.EditItem(ctx, "y", p.ID, it.ID, pledge.Heading, it.Version, "Quel connard")
	if err != nil {
		t.Fatal(err)
	}
	if len(it.Hits[pledge.Heading]) != 1 {
		t.Errorf("French insult in an English item: hits %+v, want one", it.Hits)
	}
	if _, err := s.Move(ctx, "amb", p.ID, pledge.InReview); !fault.Is(err, fault.Conflict) {
		t.Errorf("review with a French insult in an English item: %v, want a conflict", err)
	}
}
