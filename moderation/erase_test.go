package moderation_test

import (
	"context"
	"testing"

	"chorus/moderation"
)

// TestEraseAuthorClosesCasesAndRemovesExcerpts is the moderation row of the
// README's retention table: when an author's account is erased, the cases
// about their content lose its text, the open ones close, what moderators
// did stays, and each change is in the audit trail.
func TestEraseAuthorClosesCasesAndRemovesExcerpts(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	held := mustOpen(t, s, screening(moderation.ContentRef{Type: moderation.PledgeComment, ID: "c1", OwnerID: "lea", Excerpt: "mail me at lea@example.org"}, "email"))
	decided := mustOpen(t, s, screening(comment("c2", "lea"), "phone"))
	mustAct(t, s, decided.ID, "mod", moderation.Approve)
	other := mustOpen(t, s, screening(comment("c3", "sam"), "phone"))
	// Lea reported Sam's comment: her report stays (safeguarding), it is not about her content.
	mustReport(t, s, report("lea", comment("c3", "sam"), "bullying"))

	n, err := s.EraseAuthor(ctx, "lea", "lea")
	if err != nil || n != 2 {
		t.Fatalf("EraseAuthor: got %d %v, want 2 cases changed", n, err)
	}
	got, _ := s.Case(ctx, held.ID)
	if got.Status != moderation.StatusClosed || got.Content.Excerpt != "" || got.Content.OwnerID != "lea" {
		t.Errorf("held case: got status %s excerpt %q, want closed without the text", got.Status, got.Content.Excerpt)
	}
	if last := got.History[len(got.History)-1]; last.Action != "erased" || last.From != moderation.StatusOpen || last.To != moderation.StatusClosed {
		t.Errorf("held case history: got %+v, want the erasure recorded", last)
	}
	if _, err := s.CaseFor(ctx, moderation.PledgeComment, "c1"); err == nil {
		t.Error("the erased content still has an active case in the queue")
	}
	got, _ = s.Case(ctx, decided.ID)
	if got.Status != moderation.StatusApproved || got.Content.Excerpt != "" || len(got.History) < 3 {
		t.Errorf("decided case: got %+v, want approved, its history kept, without the text", got)
	}
	got, _ = s.Case(ctx, other.ID)
	if got.Content.Excerpt == "" || got.Status == moderation.StatusClosed || len(got.Reporters) != 1 {
		t.Errorf("another person's case: got %+v, want it unchanged with Lea's report", got)
	}
	page, err := s.SearchAudit(ctx, moderation.AuditQuery{PanelIDs: []string{"p1"}, Person: "lea", Action: moderation.AuditErased})
	if err != nil || len(page.Entries) != 2 {
		t.Fatalf("audit: got %+v %v, want two erasure entries", page.Entries, err)
	}
	if n, err := s.EraseAuthor(ctx, "lea", "lea"); err != nil || n != 0 {
		t.Errorf("erasing again: got %d %v, want nothing more", n, err)
	}
}
