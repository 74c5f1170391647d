package moderation_test

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"chorus/consent"
	"chorus/fault"
	"chorus/identity"
	"chorus/moderation"
	"chorus/policy"
	"chorus/store/sqlite"
)

// notes is an in-memory kind of content for the workflow tests: what a
// feature registers, without HTTP.
type notes struct {
	mu     sync.Mutex
	byID   map[string]*note
	checks []moderation.Outcome
	refuse error // what Check answers
}

type note struct {
	author string
	held   bool
	hidden bool
	msg    string
}

func (n *notes) kind() moderation.ContentKind {
	return moderation.ContentKind{
		Resolve: func(_ context.Context, id string) (moderation.Content, error) {
			n.mu.Lock()
			defer n.mu.Unlock()
			x, ok := n.byID[id]
			if !ok {
				return moderation.Content{}, fault.Errorf(fault.NotFound, "no note")
			}
			return moderation.Content{PanelID: "p1", GroupID: "g1", OwnerID: x.author, Text: "note " + id, Hidden: x.held || x.hidden}, nil
		},
		Apply: func(_ context.Context, id string, ch moderation.Change) error {
			n.mu.Lock()
			defer n.mu.Unlock()
			x := n.byID[id]
			switch ch.Outcome {
			case moderation.OutcomeApprove:
				x.held, x.hidden = false, false
			case moderation.OutcomeRestore:
				x.hidden = false
			case moderation.OutcomeHide, moderation.OutcomeWithdraw:
				x.hidden = true
			case moderation.OutcomeRequestChanges:
				x.held, x.msg = true, ch.Message
			}
			return nil
		},
		Check: func(_ context.Context, _ string, _ policy.Subject, o moderation.Outcome) error {
			n.mu.Lock()
			defer n.mu.Unlock()
			n.checks = append(n.checks, o)
			return n.refuse
		},
		ByAuthor: func(_ context.Context, account string) ([]string, error) {
			n.mu.Lock()
			defer n.mu.Unlock()
			var ids []string
			for id, x := range n.byID {
				if x.author == account {
					ids = append(ids, id)
				}
			}
			slices.Sort(ids)
			return ids, nil
		},
	}
}

// people is the authors as the policy sees them now; tests change consents.
type people struct {
	mu sync.Mutex
	by map[string]policy.Subject
}

func (p *people) find(_ context.Context, id string) (policy.Subject, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.by[id]
	if !ok {
		return policy.Subject{}, fault.Errorf(fault.NotFound, "no account")
	}
	return s, nil
}

func (p *people) withdraw(id string, scope consent.Scope) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.by[id]
	s.Consents = slices.DeleteFunc(slices.Clone(s.Consents), func(c consent.Scope) bool { return c == scope })
	p.by[id] = s
}

func workflow(t *testing.T) (*moderation.Service, *notes, *people) {
	t.Helper()
	docs, err := sqlite.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docs.Close() })
	youth := identity.Membership{PanelID: "p1", GroupID: "g1", Role: identity.Youth}
	ppl := &people{by: map[string]policy.Subject{
		"sam": {AccountID: "sam", Band: consent.MinorBelowConsentAge, Memberships: []identity.Membership{youth}, Consents: []consent.Scope{consent.Participate}},
		"kim": {AccountID: "kim", Band: consent.MinorAtConsentAge, Memberships: []identity.Membership{youth}, Consents: []consent.Scope{consent.Participate}},
	}}
	s := moderation.NewService(docs, ppl.find)
	if err := s.Declare(context.Background()); err != nil {
		t.Fatal(err)
	}
	ns := &notes{byID: map[string]*note{}}
	s.Register("note", ns.kind())
	return s, ns, ppl
}

var modP1 = policy.Subject{AccountID: "mod", Band: consent.Adult, Memberships: []identity.Membership{{PanelID: "p1", GroupID: "g1", Role: identity.Moderator}}}

func heldNote(t *testing.T, s *moderation.Service, ns *notes, id, author string) moderation.Case {
	t.Helper()
	ns.byID[id] = &note{author: author, held: true}
	c, _, err := s.Open(context.Background(), moderation.OpenInput{Kind: moderation.KindScreening, PanelID: "p1", GroupID: "g1",
		Content: moderation.ContentRef{Type: "note", ID: id, OwnerID: author, Excerpt: "note " + id}, Hits: []string{"phone"},
		AuthorConsents: []string{"participate"}, Actor: author})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The workflow without HTTP: the kind checks, the decision is recorded, and
// the content follows it, with the moderator's message.
func TestDecideChecksRecordsAndApplies(t *testing.T) {
	s, ns, _ := workflow(t)
	ctx := context.Background()
	c := heldNote(t, s, ns, "n1", "sam")
	c, err := s.Decide(ctx, moderation.DecideInput{CaseID: c.ID, By: modP1, Action: moderation.RequestChanges, Reason: "phone", Message: "Take out the number."})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != moderation.StatusChangesRequested || ns.byID["n1"].msg != "Take out the number." {
		t.Fatalf("after request_changes: case %s, note %+v; want changes_requested and the message on the note", c.Status, *ns.byID["n1"])
	}
	// The kind refuses: nothing is recorded, nothing applied.
	ns.refuse = fault.Errorf(fault.Conflict, "not now")
	if _, err := s.Decide(ctx, moderation.DecideInput{CaseID: c.ID, By: modP1, Action: moderation.Approve, Reason: "ok"}); !fault.Is(err, fault.Conflict) {
		t.Fatalf("refused by the kind: got %v, want conflict", err)
	}
	if got, _ := s.Case(ctx, c.ID); got.Status != moderation.StatusChangesRequested || !ns.byID["n1"].held {
		t.Fatalf("after a refused approval: case %s, note %+v; want both unchanged", got.Status, *ns.byID["n1"])
	}
	ns.refuse = nil
	c, err = s.Decide(ctx, moderation.DecideInput{CaseID: c.ID, By: modP1, Action: moderation.Approve, Reason: "ok"})
	if err != nil || c.Status != moderation.StatusApproved || ns.byID["n1"].held {
		t.Fatalf("approve: got %v %s %+v, want approved and shown", err, c.Status, *ns.byID["n1"])
	}
	if want := []moderation.Outcome{moderation.OutcomeRequestChanges, moderation.OutcomeApprove, moderation.OutcomeApprove}; !slices.Equal(ns.checks, want) {
		t.Errorf("checks: got %v, want %v", ns.checks, want)
	}
}

// Hole 3 of issue 10: after the guardian withdrew participate, a moderator
// could still approve the youth's held comment into view, and the case
// showed the old consents. The withdrawal reaches every piece of the
// youth's content, held or visible; nothing is approved or restored back;
// the case shows the consents in effect now and why.
func TestWithdrawalReachesHeldAndVisibleContent(t *testing.T) {
	s, ns, ppl := workflow(t)
	ctx := context.Background()
	held := heldNote(t, s, ns, "held", "sam")
	ns.byID["visible"] = &note{author: "sam"}
	ns.byID["other"] = &note{author: "kim"}
	hidden := heldNote(t, s, ns, "hidden", "sam")
	if _, err := s.Decide(ctx, moderation.DecideInput{CaseID: hidden.ID, By: modP1, Action: moderation.Hide, Reason: "rude"}); err != nil {
		t.Fatal(err)
	}

	ppl.withdraw("sam", consent.Participate)
	n, err := s.WithdrawByAuthor(ctx, moderation.Withdrawal{AccountID: "sam", Scope: consent.Participate, By: "guardian"})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 || !ns.byID["visible"].hidden || ns.byID["other"].hidden {
		t.Fatalf("withdrawal: took out %d, visible %+v, other %+v; want sam's visible note out, kim's untouched", n, *ns.byID["visible"], *ns.byID["other"])
	}
	for _, id := range []string{held.ID, hidden.ID} {
		c, _ := s.Case(ctx, id)
		if len(c.AuthorConsents) != 0 || c.ConsentWithdrawn == "" || c.History[len(c.History)-1].Action != "consent_withdrawn" {
			t.Errorf("case %s after the withdrawal: consents %v, why %q, last %+v; want none held, the reason, a history entry", id, c.AuthorConsents, c.ConsentWithdrawn, c.History[len(c.History)-1])
		}
		for _, a := range []moderation.Action{moderation.Approve, moderation.Restore} {
			_, err := s.Decide(ctx, moderation.DecideInput{CaseID: id, By: modP1, Action: a, Reason: "looks fine"})
			if !fault.Is(err, fault.Conflict) || fault.MessageOf(err) != moderation.MsgConsentWithdrawn {
				t.Errorf("%s after the withdrawal: got %v, want %q", a, err, moderation.MsgConsentWithdrawn)
			}
		}
	}
	if ns.byID["held"].held != true || ns.byID["hidden"].hidden != true {
		t.Fatalf("after refused decisions: %+v %+v, want both still out of view", *ns.byID["held"], *ns.byID["hidden"])
	}
	// Protective steps still go.
	if _, err := s.Decide(ctx, moderation.DecideInput{CaseID: held.ID, By: modP1, Action: moderation.Hide, Reason: "withdrawn"}); err != nil {
		t.Errorf("hide after the withdrawal: %v", err)
	}
	// Again: nothing more happens.
	if n, err := s.WithdrawByAuthor(ctx, moderation.Withdrawal{AccountID: "sam", Scope: consent.Participate, By: "guardian"}); err != nil || n != 0 {
		t.Errorf("second withdrawal: got %d %v, want 0 nil", n, err)
	}
	page, err := s.SearchAudit(ctx, moderation.AuditQuery{PanelIDs: []string{"p1"}, Action: moderation.AuditConsentWithdrawn})
	if err != nil || len(page.Entries) < 3 {
		t.Errorf("audit: got %v %d entries, want one per piece of content", err, len(page.Entries))
	}
}
