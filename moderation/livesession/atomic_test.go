package livesession_test

import (
	"context"
	"testing"

	"chorus/moderation"
	"chorus/moderation/livesession"
	"chorus/store"
	"chorus/store/storetest"
)

// Every live-session change of several writes (scheduling with its event,
// a post with its case and event, a moderator's decision in the session
// with its case, audit and event, a hide with its event, a pause or a
// resume with its event) is all or none: whichever write fails, nothing of
// it is left.
func TestSessionWritesAreAllOrNone(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	f := &storetest.Faulty{Documents: w.docs}
	w.svc.Docs, w.mod.Docs = f, f
	var cols []string
	for _, ss := range [][]store.Schema{livesession.Schemas, moderation.Schemas} {
		for _, sc := range ss {
			cols = append(cols, sc.Collection)
		}
	}
	every := func(what string, min int, op func() error) {
		t.Helper()
		if n := storetest.EveryWriteFails(t, f, cols, op); n < min {
			t.Errorf("%s made %d writes, want at least %d", what, n, min)
		}
	}
	var s livesession.Session
	every("scheduling", 2, func() (err error) {
		s, err = w.svc.Schedule(ctx, w.mod1, livesession.ScheduleInput{PanelID: w.panel.ID, Title: "Talk with Appco", StartsAt: start, OrgIDs: []string{w.partners.ID}})
		return err
	})
	// Two moderators are here; the session resumes (its own change).
	w.here.set(livesession.Topic(s.ID), w.mod1, w.mod2)
	every("resuming", 2, func() error {
		_, flipped, err := w.svc.Reconcile(ctx, s.ID, 2)
		if err == nil && !flipped {
			t.Fatal("the session did not resume")
		}
		return err
	})
	every("a minor's post, waiting for approval before partners", 3, func() error {
		_, err := w.post(s, w.asYouth(), livesession.Question, "Why is the privacy page so long?")
		return err
	})
	every("a post screening holds", 3, func() error {
		_, err := w.post(s, w.asAdultYouth(), livesession.Chat, "Write to me at tom@example.org")
		return err
	})
	var adult livesession.Message
	every("an adult's post", 1, func() (err error) {
		adult, err = w.post(s, w.asAdultYouth(), livesession.Chat, "Good point.")
		return err
	})
	every("a moderator hiding a message in the session", 4, func() error {
		_, _, err := w.svc.Decide(ctx, livesession.DecideInput{SessionID: s.ID, MessageID: adult.ID, Actor: w.mod1, Action: moderation.Hide, Reason: "off topic"})
		return err
	})
	every("restoring it", 2, func() error {
		_, err := w.svc.Apply(ctx, w.mod1, adult.ID, livesession.OutcomeRestore)
		return err
	})
	every("pausing", 2, func() error {
		_, flipped, err := w.svc.Reconcile(ctx, s.ID, 1)
		if err == nil && !flipped {
			t.Fatal("the session did not pause")
		}
		return err
	})
}
