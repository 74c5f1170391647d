package livesession_test

import (
	"context"
	"testing"

	"chorus/moderation/livesession"
)

// TestEraseAuthorRemovesTheirWords is the session row of the README's
// retention table: an erased person's messages keep their place without
// their words; a held one is hidden; others' messages are untouched.
func TestEraseAuthorRemovesTheirWords(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.setModerators(1)
	s := w.schedule(w.partners.ID)
	w.here.set(livesession.Topic(s.ID), w.mod1, w.youth, w.partner)
	held := w.mustPost(s, w.asYouth(), livesession.Chat, "write me at lea@example.org")
	said := w.mustPost(s, w.asYouth(), livesession.Chat, "I think apps should explain things simply")
	other := w.mustPost(s, w.asModerator(w.mod1), livesession.Chat, "Welcome everyone")

	n, err := w.svc.EraseAuthor(ctx, w.youth)
	if err != nil || n != 2 {
		t.Fatalf("EraseAuthor: got %d %v, want 2", n, err)
	}
	for _, id := range []string{held.ID, said.ID} {
		m, _ := w.svc.Message(ctx, s.ID, id)
		if m.Text != "" || !m.Erased || len(m.Hits) != 0 || m.Status == livesession.Held {
			t.Errorf("erased author's message: got %+v, want no text, erased, not waiting for approval", m)
		}
	}
	if m, _ := w.svc.Message(ctx, s.ID, held.ID); m.Status != livesession.Hidden {
		t.Errorf("held message: got %s, want hidden", m.Status)
	}
	if m, _ := w.svc.Message(ctx, s.ID, other.ID); m.Text != "Welcome everyone" || m.Erased {
		t.Errorf("a moderator's message: got %+v, want unchanged", m)
	}
	if n, _ := w.svc.EraseAuthor(ctx, w.youth); n != 0 {
		t.Errorf("erasing again: got %d, want 0", n)
	}
}
