package pledge_test

import (
	"context"
	"slices"
	"testing"

	"chorus/consent"
	"chorus/fault"
	"chorus/identity"
	"chorus/moderation"
	"chorus/pledge"
	"chorus/policy"
	"chorus/store"
	"chorus/store/storetest"
)

// The moderation of a pledge without HTTP: the pledge's kinds registered
// with the moderation workflow, the publication life cycle through its
// case, a held comment, and a withdrawal of consent reaching the author's
// comments.
func TestPledgeModerationWithoutHTTP(t *testing.T) {
	ps, docs := newService(t)
	ctx := context.Background()
	youth := identity.Membership{PanelID: "p1", GroupID: "g1", Role: identity.Ambassador}
	authors := map[string]policy.Subject{
		"amb": {AccountID: "amb", Band: consent.MinorAtConsentAge, Memberships: []identity.Membership{youth}, Consents: []consent.Scope{consent.Participate}},
	}
	mod := policy.Subject{AccountID: "mod", Band: consent.Adult, Memberships: []identity.Membership{{PanelID: "p1", GroupID: "g1", Role: identity.Moderator}}}
	cases := moderation.NewService(docs, func(_ context.Context, id string) (policy.Subject, error) {
		s, ok := authors[id]
		if !ok {
			return policy.Subject{}, fault.Errorf(fault.NotFound, "no account")
		}
		return s, nil
	})
	if err := cases.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	ps.Register(cases)
	pub := pledge.Publication{Pledges: ps, Cases: cases}

	p, err := ps.Create(ctx, "amb", pledge.CreateInput{PanelID: "p1", GroupID: "g1", Title: "Pledge", Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	it, err := ps.AddItem(ctx, "amb", p.ID, pledge.ItemInput{Heading: "Plain words", Text: "Apps should explain."})
	if err != nil {
		t.Fatal(err)
	}
	if p, err = pub.Move(ctx, authors["amb"], p, pledge.InReview, "", ""); err != nil {
		t.Fatal(err)
	}
	cs, err := cases.CaseFor(ctx, moderation.PledgeVersion, pledge.VersionRef(p.ID, p.Review))
	if err != nil || cs.Kind != moderation.KindPublication || cs.Status != moderation.StatusOpen {
		t.Fatalf("publication case: got %+v %v, want an open publication case", cs, err)
	}
	// An ambassador may not publish: the pledge's check refuses, nothing recorded.
	if _, err := cases.Decide(ctx, moderation.DecideInput{CaseID: cs.ID, By: authors["amb"], Action: moderation.Approve, Reason: "mine"}); !fault.Is(err, fault.Forbidden) {
		t.Fatalf("ambassador approving: got %v, want forbidden", err)
	}
	// The moderator sends it back from the queue: the pledge is a draft with the message.
	if _, err := cases.Decide(ctx, moderation.DecideInput{CaseID: cs.ID, By: mod, Action: moderation.RequestChanges, Reason: "vague", Message: "Say who it is for."}); err != nil {
		t.Fatal(err)
	}
	if p, _ = ps.Pledge(ctx, p.ID); p.State != pledge.Draft || p.ChangesRequested == nil || p.ChangesRequested.Message != "Say who it is for." {
		t.Fatalf("after the send-back: got %s %+v, want a draft with the message", p.State, p.ChangesRequested)
	}
	// Again for review, then published from the pledge itself.
	if p, err = pub.Move(ctx, authors["amb"], p, pledge.InReview, "", ""); err != nil || p.ChangesRequested != nil {
		t.Fatalf("to review again: got %+v %v, want the message gone", p.ChangesRequested, err)
	}
	if p, err = pub.Move(ctx, mod, p, pledge.Published, "", ""); err != nil || p.State != pledge.Published {
		t.Fatalf("publish: got %s %v", p.State, err)
	}
	if cs, _ = cases.Case(ctx, cs.ID); cs.Status != moderation.StatusApproved {
		t.Errorf("the case after publishing: got %s, want approved", cs.Status)
	}

	// A visible comment, then the author's consent is withdrawn: it leaves the group.
	cm, err := ps.AddComment(ctx, "amb", p.ID, it.ID, pledge.CommentInput{Text: "Short words please."})
	if err != nil || cm.Held {
		t.Fatalf("comment: %+v %v", cm, err)
	}
	a := authors["amb"]
	a.Consents = nil
	authors["amb"] = a
	if n, err := cases.WithdrawByAuthor(ctx, moderation.Withdrawal{AccountID: "amb", Scope: consent.Participate, By: "self"}); err != nil || n != 1 {
		t.Fatalf("withdrawal: got %d %v, want the comment taken out", n, err)
	}
	got, err := ps.Comments(ctx, pledge.Viewer{AccountID: "someone"}, p.ID, it.ID)
	if err != nil || len(got) != 0 {
		t.Fatalf("the group's comments after the withdrawal: got %v %v, want none", got, err)
	}
}

// A moderator's decision is one change (rule 6): the case, its audit rows
// and events, and what the pledge does are all there, or none of them,
// whichever write fails. So is a withdrawal reaching a comment.
func TestPledgeDecisionsAreAllOrNone(t *testing.T) {
	ps, docs := newService(t)
	ctx := context.Background()
	f := &storetest.Faulty{Documents: docs}
	youth := identity.Membership{PanelID: "p1", GroupID: "g1", Role: identity.Ambassador}
	amb := policy.Subject{AccountID: "amb", Band: consent.MinorAtConsentAge, Memberships: []identity.Membership{youth}, Consents: []consent.Scope{consent.Participate}}
	mod := policy.Subject{AccountID: "mod", Band: consent.Adult, Memberships: []identity.Membership{{PanelID: "p1", GroupID: "g1", Role: identity.Moderator}}}
	current := amb
	cases := moderation.NewService(f, func(context.Context, string) (policy.Subject, error) { return current, nil })
	if err := cases.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	ps.Docs = f
	ps.Register(cases)
	pub := pledge.Publication{Pledges: ps, Cases: cases}
	var cols []string
	for _, ss := range [][]store.Schema{pledge.Schemas, moderation.Schemas} {
		for _, sc := range ss {
			cols = append(cols, sc.Collection)
		}
	}
	p, err := ps.Create(ctx, "amb", pledge.CreateInput{PanelID: "p1", GroupID: "g1", Title: "Pledge", Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	it, err := ps.AddItem(ctx, "amb", p.ID, pledge.ItemInput{Heading: "Plain words", Text: "Apps should explain."})
	if err != nil {
		t.Fatal(err)
	}
	if p, err = pub.Move(ctx, amb, p, pledge.InReview, "", ""); err != nil {
		t.Fatal(err)
	}
	cs, err := cases.CaseFor(ctx, moderation.PledgeVersion, pledge.VersionRef(p.ID, p.Review))
	if err != nil {
		t.Fatal(err)
	}
	if n := storetest.EveryWriteFails(t, f, cols, func() error {
		_, err := cases.Decide(ctx, moderation.DecideInput{CaseID: cs.ID, By: mod, Action: moderation.RequestChanges, Reason: "vague", Message: "Say who it is for."})
		return err
	}); n < 4 {
		t.Errorf("sending back made %d writes, want the case, its audit, the pledge and its event at least", n)
	}
	if p, err = pub.Move(ctx, amb, p, pledge.InReview, "", ""); err != nil {
		t.Fatal(err)
	}
	storetest.EveryWriteFails(t, f, cols, func() error {
		_, err := pub.Move(ctx, mod, p, pledge.Published, "", "")
		return err
	})
	cm, err := ps.AddComment(ctx, "amb", p.ID, it.ID, pledge.CommentInput{Text: "Short words please."})
	if err != nil {
		t.Fatal(err)
	}
	current.Consents = nil
	storetest.EveryWriteFails(t, f, cols, func() error {
		_, err := cases.WithdrawByAuthor(ctx, moderation.Withdrawal{AccountID: "amb", Scope: consent.Participate, By: "self"})
		return err
	})
	if got, _ := ps.Comment(ctx, cm.ID); !got.Hidden {
		t.Errorf("after the withdrawal: got %+v, want the comment hidden", got)
	}
}

// What screening holds reaches the moderators in the same change as the
// content (issue 10: holding left server/httpapi): a held comment, a
// rewritten one, a held amendment, and one held only by its text and
// reason read together, each has its screening case, whichever write
// fails (all or none).
func TestHeldContentOpensItsCaseInTheSameChange(t *testing.T) {
	_, docs := newService(t)
	ctx := context.Background()
	f := &storetest.Faulty{Documents: docs}
	amb := policy.Subject{AccountID: "amb", Band: consent.MinorAtConsentAge, Memberships: []identity.Membership{{PanelID: "p1", GroupID: "g1", Role: identity.Ambassador}},
		Consents: []consent.Scope{consent.Participate}}
	cases := moderation.NewService(f, func(context.Context, string) (policy.Subject, error) { return amb, nil })
	if err := cases.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	ps := pledge.NewService(f, nil, cases)
	ps.Register(cases)
	p, it := newPledge(t, ps)
	var cols []string
	for _, ss := range [][]store.Schema{pledge.Schemas, moderation.Schemas} {
		for _, sc := range ss {
			cols = append(cols, sc.Collection)
		}
	}
	wantCase := func(what, typ, id string, hits ...string) moderation.Case {
		t.Helper()
		cs, err := cases.CaseFor(ctx, typ, id)
		if err != nil || cs.Kind != moderation.KindScreening || !slices.Equal(cs.Hits, hits) || cs.GroupID != "g1" || cs.AuthorBand != string(consent.MinorAtConsentAge) {
			t.Fatalf("%s: case %+v, %v; want a screening case in g1 for %v, with the author's band", what, cs, err, hits)
		}
		return cs
	}
	var cm pledge.Comment
	storetest.EveryWriteFails(t, f, cols, func() (err error) {
		cm, err = ps.AddComment(ctx, "amb", p.ID, it.ID, pledge.CommentInput{Text: "Write to me at amb@example.org"})
		return err
	})
	cs := wantCase("a held comment", moderation.PledgeComment, cm.ID, "email")
	mod := policy.Subject{AccountID: "mod", Band: consent.Adult, Memberships: []identity.Membership{{PanelID: "p1", GroupID: "g1", Role: identity.Moderator}}}
	if _, err := cases.Decide(ctx, moderation.DecideInput{CaseID: cs.ID, By: mod, Action: moderation.RequestChanges, Reason: "address", Message: "Leave out your address."}); err != nil {
		t.Fatal(err)
	}
	id := cm.ID
	storetest.EveryWriteFails(t, f, cols, func() (err error) {
		cm, err = ps.EditComment(ctx, "amb", id, "Call me on +33 6 12 34 56 78")
		return err
	})
	if cs = wantCase("a rewritten comment", moderation.PledgeComment, cm.ID, "email"); cs.Status != moderation.StatusOpen || cs.Content.Excerpt != cm.Text {
		t.Errorf("the rewritten comment's case is %s with %q, want open again with the new text", cs.Status, cs.Content.Excerpt)
	}
	var am pledge.Amendment
	storetest.EveryWriteFails(t, f, cols, func() (err error) {
		am, err = ps.Propose(ctx, "amb", p.ID, it.ID, pledge.Text, "Apps should explain.", "Ask me: amb@example.org")
		return err
	})
	wantCase("a held amendment", moderation.Amendment, am.ID, "email")
	// Neither part alone holds it; together they are a phone number.
	split, err := ps.Propose(ctx, "amb", p.ID, it.ID, pledge.Text, "Apps should explain. Call 06 12", "34 56 78 after school")
	if err != nil || !split.Held {
		t.Fatalf("a phone number split between text and reason: %+v, %v; want held", split, err)
	}
	wantCase("an amendment held by its text and reason together", moderation.Amendment, split.ID, "phone")
	if len(split.Hits) != 1 || len(split.ReasonHits) != 1 || split.Text[split.Hits[0].Start:split.Hits[0].End] != "06 12" || split.Reason[split.ReasonHits[0].Start:split.ReasonHits[0].End] != "34 56 78" {
		t.Errorf("the split hit: text %+v reason %+v, want each part pointing into its field", split.Hits, split.ReasonHits)
	}
}
