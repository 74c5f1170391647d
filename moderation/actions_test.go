package moderation_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"chorus/fault"
	"chorus/moderation"
)

// caseFor opens a case on which action a is allowed: restore needs hidden
// content, so that case is hidden by a report.
func caseFor(t *testing.T, s *moderation.Service, id string, a moderation.Action) moderation.Case {
	t.Helper()
	if a == moderation.Restore {
		in := report("y1", comment(id, "author"), moderation.CategoryBullying)
		in.HideAfter = 1
		return mustReport(t, s, in).Case
	}
	return mustOpen(t, s, screening(comment(id, "author"), "email"))
}

func TestEveryActionNeedsAReason(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	reasons := []struct {
		name   string
		reason string
		words  []string
	}{
		{"empty", "", []string{"reason"}},
		{"only spaces", " \n\t ", []string{"reason"}},
		{"too long", strings.Repeat("x", moderation.MaxReason+1), []string{"too long", "1000"}},
	}
	for _, a := range moderation.Actions {
		t.Run(string(a), func(t *testing.T) {
			before := caseFor(t, s, "c-"+string(a), a)
			for _, r := range reasons {
				_, err := s.Act(ctx, moderation.ActInput{CaseID: before.ID, Actor: "mod", Action: a, Reason: r.reason, Message: "Please change it."})
				if !fault.Is(err, fault.Invalid) {
					t.Fatalf("reason %s: got %v, want invalid", r.name, err)
				}
				wantFault(t, err, fault.Invalid, r.words...)
			}
			if after, _ := s.Case(ctx, before.ID); !reflect.DeepEqual(after, before) {
				t.Fatalf("refused actions changed the case:\n got %+v\nwant %+v", after, before)
			}
			in := moderation.ActInput{CaseID: before.ID, Actor: "mod", Action: a, Reason: strings.Repeat("é", moderation.MaxReason), Message: "Please change it."}
			if _, err := s.Act(ctx, in); err != nil {
				t.Fatalf("a reason at the limit: got %v, want accepted", err)
			}
		})
	}
	c := caseFor(t, s, "c-msg", moderation.RequestChanges)
	for _, msg := range []string{"", "   ", strings.Repeat("m", moderation.MaxMessage+1)} {
		_, err := s.Act(ctx, moderation.ActInput{CaseID: c.ID, Actor: "mod", Action: moderation.RequestChanges, Reason: "phone number", Message: msg})
		wantFault(t, err, fault.Invalid, "message")
	}
}

func TestIllegalTransitionsChangeNothing(t *testing.T) {
	type step = moderation.Action
	cases := []struct {
		name  string
		setup []step
		try   step
		words string
	}{
		{"approve an approved case", []step{moderation.Approve}, moderation.Approve, "already approved"},
		{"escalate an approved case", []step{moderation.Approve}, moderation.Escalate, "already approved"},
		{"restore a visible case", nil, moderation.Restore, "not hidden"},
		{"restore an approved case", []step{moderation.Approve}, moderation.Restore, "not hidden"},
		{"approve a hidden case", []step{moderation.Hide}, moderation.Approve, "restore"},
		{"hide a hidden case", []step{moderation.Hide}, moderation.Hide, "already hidden"},
		{"escalate twice", []step{moderation.Escalate}, moderation.Escalate, "already escalated"},
		{"ask for changes twice", []step{moderation.RequestChanges}, moderation.RequestChanges, "already asked"},
		{"restore twice", []step{moderation.Hide, moderation.Restore}, moderation.Restore, "not hidden"},
		{"restore an approved case hidden and restored", []step{moderation.Approve, moderation.Hide, moderation.Restore}, moderation.Restore, "not hidden"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _, docs := newService(t)
			ctx := context.Background()
			k := mustOpen(t, s, screening(comment("c1", "author"), "email"))
			for _, a := range c.setup {
				k = mustAct(t, s, k.ID, "mod", a)
			}
			evs, _ := docs.Events(ctx, storeQuery(moderation.Topic("p1")))
			_, err := s.Act(ctx, moderation.ActInput{CaseID: k.ID, Actor: "mod2", Action: c.try, Reason: "second look", Message: "Change it."})
			wantFault(t, err, fault.Conflict, c.words)
			if after, _ := s.Case(ctx, k.ID); !reflect.DeepEqual(after, k) {
				t.Errorf("the refused action changed the case:\n got %+v\nwant %+v", after, k)
			}
			if again, _ := docs.Events(ctx, storeQuery(moderation.Topic("p1"))); len(again) != len(evs) {
				t.Errorf("the refused action was recorded: %d events, want %d", len(again), len(evs))
			}
		})
	}
}

// Hide then restore is no approval (issue 9): a restore returns a case to
// the status it had before the hide, so content held for a moderator's
// approval is held again, and approved content is approved again.
func TestRestoreReturnsToTheStateBeforeTheHide(t *testing.T) {
	type step = moderation.Action
	cases := []struct {
		name  string
		steps []step
		want  moderation.Status
	}{
		{"held by screening", []step{moderation.Hide, moderation.Restore}, moderation.StatusOpen},
		{"escalated", []step{moderation.Escalate, moderation.Hide, moderation.Restore}, moderation.StatusEscalated},
		{"waiting for changes", []step{moderation.RequestChanges, moderation.Hide, moderation.Restore}, moderation.StatusChangesRequested},
		{"approved", []step{moderation.Approve, moderation.Hide, moderation.Restore}, moderation.StatusApproved},
		{"escalated after the hide", []step{moderation.Hide, moderation.Escalate, moderation.Restore}, moderation.StatusEscalated},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _, _ := newService(t)
			k := mustOpen(t, s, screening(comment("c1", "author"), "phone"))
			for _, a := range c.steps {
				k = mustAct(t, s, k.ID, "mod", a)
			}
			if k.Status != c.want || k.ContentHidden() || k.BeforeHide != "" {
				t.Errorf("after %v: got %s (hidden=%t, beforeHide %q), want %s and not hidden", c.steps, k.Status, k.ContentHidden(), k.BeforeHide, c.want)
			}
			if last := k.History[len(k.History)-1]; last.Action != "restore" || last.To != c.want {
				t.Errorf("history: got %+v, want the restore leading to %s", last, c.want)
			}
		})
	}
}

func TestActionsAreRecorded(t *testing.T) {
	s, _, docs := newService(t)
	ctx := context.Background()
	k := mustOpen(t, s, screening(comment("c1", "author"), "phone"))
	hidden, err := s.Act(ctx, moderation.ActInput{CaseID: k.ID, Actor: "mod", Action: moderation.Hide, Reason: "shares a phone number"})
	if err != nil {
		t.Fatal(err)
	}
	last := hidden.History[len(hidden.History)-1]
	if hidden.Status != moderation.StatusHidden || last.Action != "hide" || last.Actor != "mod" || last.Reason != "shares a phone number" || last.At != start.UnixMilli() {
		t.Errorf("history: got %+v (status %s)", last, hidden.Status)
	}
	if h, _ := s.Hidden(ctx, moderation.PledgeComment, "c1"); !h {
		t.Error("after hide: got visible, want hidden")
	}
	evs, err := docs.Events(ctx, storeQuery(moderation.Topic("p1")))
	if err != nil {
		t.Fatal(err)
	}
	ev := evs[len(evs)-1]
	var data struct {
		CaseID     string                `json:"caseId"`
		ContentRef moderation.ContentRef `json:"contentRef"`
		Reason     string                `json:"reason"`
	}
	if err := json.Unmarshal(ev.Data, &data); err != nil {
		t.Fatal(err)
	}
	if ev.Type != "moderation.hide" || ev.Actor != "mod" || ev.Subject != "moderation:p1" || data.CaseID != k.ID ||
		data.Reason != "shares a phone number" || data.ContentRef.ID != "c1" || data.ContentRef.OwnerID != "author" {
		t.Errorf("event: got %+v %+v", ev, data)
	}
	if data.ContentRef.Excerpt != "" {
		t.Errorf("the event log copied the content's text %q, want only the reference", data.ContentRef.Excerpt)
	}

	restored := mustAct(t, s, k.ID, "mod", moderation.Restore)
	if restored.Status != moderation.StatusOpen || restored.ContentHidden() {
		t.Errorf("after restore: got %s hidden=%t, want open again (as before the hide) and not hidden", restored.Status, restored.ContentHidden())
	}
	if h, _ := s.Hidden(ctx, moderation.PledgeComment, "c1"); h {
		t.Error("after restore: got hidden, want not hidden")
	}
	if c, err := s.CaseFor(ctx, moderation.PledgeComment, "c1"); err != nil || c.ID != k.ID {
		t.Errorf("the restored case should still wait for a moderator: got %+v, %v", c, err)
	}
}

func TestApproveShowsContentHiddenByReports(t *testing.T) {
	s, _, _ := newService(t)
	in := report("y1", comment("c1", "author"), moderation.CategoryInappropriate)
	in.HideAfter = 1
	k := mustReport(t, s, in).Case
	k = mustAct(t, s, k.ID, "mod", moderation.Escalate)
	if !k.ContentHidden() {
		t.Fatal("escalating showed content hidden by reports, want it hidden until decided")
	}
	k = mustAct(t, s, k.ID, "mod", moderation.Approve)
	if k.Status != moderation.StatusApproved || k.ContentHidden() {
		t.Errorf("after approve: got %s hidden=%t, want approved and visible", k.Status, k.ContentHidden())
	}
}

func TestChangesThenResubmit(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	k := mustOpen(t, s, screening(comment("c1", "author"), "phone"))
	k = mustAct(t, s, k.ID, "mod", moderation.Hide)
	k = mustAct(t, s, k.ID, "mod", moderation.RequestChanges)
	if k.Status != moderation.StatusChangesRequested || k.ChangesMessage == "" || !k.ContentHidden() {
		t.Fatalf("after asking for changes: got %s %q hidden=%t", k.Status, k.ChangesMessage, k.ContentHidden())
	}
	edited := screening(comment("c1", "author"), "word")
	edited.Content.Excerpt = "edited text"
	edited.Actor = "author"
	again, created, err := s.Open(ctx, edited)
	if err != nil || created || again.ID != k.ID {
		t.Fatalf("resubmit: got %+v created=%t %v, want the same case", again, created, err)
	}
	if again.Status != moderation.StatusOpen || again.Content.Excerpt != "edited text" || !again.ContentHidden() || len(again.Hits) != 2 {
		t.Errorf("after resubmitting: got %s %q hidden=%t hits %v, want open, new text, still hidden until decided, both hits",
			again.Status, again.Content.Excerpt, again.ContentHidden(), again.Hits)
	}
}

func TestActRefused(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	k := mustOpen(t, s, screening(comment("c1", "mod"), "email"))
	_, err := s.Act(ctx, moderation.ActInput{CaseID: k.ID, Actor: "mod", Action: moderation.Approve, Reason: "fine"})
	wantFault(t, err, fault.Forbidden, "yourself")
	_, err = s.Act(ctx, moderation.ActInput{CaseID: k.ID, Actor: "mod2", Action: "delete", Reason: "fine"})
	wantFault(t, err, fault.Invalid)
	_, err = s.Act(ctx, moderation.ActInput{CaseID: "nope", Actor: "mod2", Action: moderation.Hide, Reason: "fine"})
	wantFault(t, err, fault.NotFound)
	_, _, err = s.Open(ctx, moderation.OpenInput{Kind: moderation.KindScreening, Content: comment("c2", "y"), PanelID: "p1", Hits: []string{"gossip"}})
	wantFault(t, err, fault.Invalid, "gossip")
	_, _, err = s.Open(ctx, moderation.OpenInput{Kind: moderation.KindReport, Content: comment("c2", "y"), PanelID: "p1"})
	wantFault(t, err, fault.Invalid)
	other := screening(comment("c1", "mod"), "email")
	other.PanelID = "p2"
	_, _, err = s.Open(ctx, other)
	wantFault(t, err, fault.Invalid, "another panel")
}

// A moderator may still hide approved content, unless a newer case about
// the same content is open: then that one is where the decision belongs.
func TestHideAfterApproval(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	old := mustOpen(t, s, screening(comment("c1", "author"), "link"))
	mustAct(t, s, old.ID, "mod", moderation.Approve)
	if h, _ := s.Hidden(ctx, moderation.PledgeComment, "c1"); h {
		t.Fatal("approved content is hidden")
	}
	k := mustAct(t, s, old.ID, "mod", moderation.Hide)
	if h, _ := s.Hidden(ctx, moderation.PledgeComment, "c1"); !h || k.Status != moderation.StatusHidden {
		t.Fatalf("hiding approved content: got hidden=%t status %s", h, k.Status)
	}
	mustAct(t, s, old.ID, "mod", moderation.Restore)

	second := mustOpen(t, s, screening(comment("c2", "author"), "link"))
	mustAct(t, s, second.ID, "mod", moderation.Approve)
	newer := mustReport(t, s, report("y1", comment("c2", "author"), moderation.CategoryBullying)).Case
	_, err := s.Act(ctx, moderation.ActInput{CaseID: second.ID, Actor: "mod", Action: moderation.Hide, Reason: "on second thought"})
	wantFault(t, err, fault.Conflict, "newer case")
	if got, _ := s.Case(ctx, second.ID); got.Status != moderation.StatusApproved {
		t.Errorf("the old case: got %s, want still approved", got.Status)
	}
	mustAct(t, s, newer.ID, "mod", moderation.Hide)
}

func TestResubmitWithoutNewHits(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	k := mustOpen(t, s, screening(comment("c2", "author"), "phone"))
	k = mustAct(t, s, k.ID, "mod", moderation.RequestChanges)
	edited := comment("c2", "author")
	edited.Excerpt = "no number any more"
	again, err := s.Resubmit(ctx, edited, "author")
	if err != nil || again.ID != k.ID || again.Status != moderation.StatusOpen || again.Content.Excerpt != "no number any more" {
		t.Fatalf("resubmit: got %+v, %v; want the same case open again with the new text", again, err)
	}
	if last := again.History[len(again.History)-1]; last.Action != "resubmitted" || last.Actor != "author" {
		t.Errorf("history ends with %+v, want the author's resubmission", last)
	}
	if _, err := s.Resubmit(ctx, comment("never-held", "author"), "author"); !fault.Is(err, fault.NotFound) {
		t.Errorf("resubmit without a case: got %v, want not found", err)
	}
	mustAct(t, s, k.ID, "mod", moderation.Approve)
	if _, err := s.Resubmit(ctx, edited, "author"); !fault.Is(err, fault.NotFound) {
		t.Errorf("resubmit after approval: got %v, want not found (no active case)", err)
	}
}
