package moderation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"chorus/fault"
	"chorus/moderation"
)

func TestMuteExpiresAtItsEnd(t *testing.T) {
	s, clk, _ := newService(t)
	ctx := context.Background()
	x, err := s.Mute(ctx, moderation.MuteInput{By: "mod", AccountID: "y1", PanelID: "p1", GroupID: "g1", For: time.Hour, Reason: "name-calling"})
	if err != nil {
		t.Fatal(err)
	}
	end := start.Add(time.Hour)
	checks := []struct {
		name  string
		at    time.Time
		group string
		want  bool
	}{
		{"right away", start, "g1", true},
		{"a millisecond before the end", end.Add(-time.Millisecond), "g1", true},
		{"at the end", end, "g1", false},
		{"after the end", end.Add(time.Hour), "g1", false},
		{"another group", start, "g2", false},
		{"before it started", start.Add(-time.Minute), "g1", false},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			muted, until, err := s.Muted(ctx, "y1", c.group, c.at)
			if err != nil {
				t.Fatal(err)
			}
			if muted != c.want || (muted && !until.Equal(end)) {
				t.Errorf("got muted=%t until %s, want %t until %s", muted, until, c.want, end)
			}
		})
	}
	if x.Until() != end {
		t.Errorf("Until: got %s, want %s", x.Until(), end)
	}
	// Lifting ends it now, once; an ended mute cannot be lifted.
	clk.Advance(10 * time.Minute)
	if _, err := s.Lift(ctx, moderation.LiftInput{By: "mod2", SanctionID: x.ID}); !fault.Is(err, fault.Invalid) {
		t.Errorf("lift without reason: got %v, want invalid", err)
	}
	lifted, err := s.Lift(ctx, moderation.LiftInput{By: "mod2", SanctionID: x.ID, Reason: "apologised"})
	if err != nil || lifted.LiftedBy != "mod2" {
		t.Fatalf("lift: %+v %v", lifted, err)
	}
	if muted, _, _ := s.Muted(ctx, "y1", "g1", clk.Now()); muted {
		t.Error("after lifting: got muted, want not muted")
	}
	if got, err := s.Sanction(ctx, x.ID); err != nil || got.LiftedBy != "mod2" || got.AccountID != "y1" {
		t.Errorf("Sanction(%s) after lifting: %+v, %v", x.ID, got, err)
	}
	if _, err := s.Sanction(ctx, "no-such"); !fault.Is(err, fault.NotFound) {
		t.Errorf("Sanction(unknown): got %v, want not found", err)
	}
	if muted, _, _ := s.Muted(ctx, "y1", "g1", start.Add(time.Minute)); !muted {
		t.Error("before it was lifted: got not muted, want muted (the history stays true)")
	}
	_, err = s.Lift(ctx, moderation.LiftInput{By: "mod2", SanctionID: x.ID, Reason: "again"})
	wantFault(t, err, fault.Conflict, "already lifted")
	short, _ := s.Mute(ctx, moderation.MuteInput{By: "mod", AccountID: "y1", PanelID: "p1", GroupID: "g1", For: time.Minute, Reason: "spam"})
	clk.Advance(time.Minute)
	_, err = s.Lift(ctx, moderation.LiftInput{By: "mod2", SanctionID: short.ID, Reason: "late"})
	wantFault(t, err, fault.Conflict, "already ended")
}

func TestSuspension(t *testing.T) {
	s, clk, _ := newService(t)
	ctx := context.Background()
	forever, err := s.Suspend(ctx, moderation.SuspendInput{By: "coord", AccountID: "p9", PanelID: "p1", Reason: "contacted a minor outside Chorus"})
	if err != nil {
		t.Fatal(err)
	}
	if on, until, _ := s.Suspended(ctx, "p9", "p1", start.AddDate(5, 0, 0)); !on || !until.IsZero() {
		t.Errorf("open-ended: got suspended=%t until %s, want suspended until lifted", on, until)
	}
	clk.Advance(time.Hour)
	s.Lift(ctx, moderation.LiftInput{By: "coord", SanctionID: forever.ID, Reason: "cleared by the police"})
	if on, _, _ := s.Suspended(ctx, "p9", "p1", clk.Now()); on {
		t.Error("after lifting: got suspended")
	}

	end := clk.Now().Add(48 * time.Hour)
	if _, err := s.Suspend(ctx, moderation.SuspendInput{By: "coord", AccountID: "y2", PanelID: "p1", Until: end, Reason: "threats"}); err != nil {
		t.Fatal(err)
	}
	if on, until, _ := s.Suspended(ctx, "y2", "p1", end.Add(-time.Second)); !on || !until.Equal(end) {
		t.Errorf("before the end: got %t until %s, want suspended until %s", on, until, end)
	}
	if on, _, _ := s.Suspended(ctx, "y2", "p1", end); on {
		t.Error("at the end: got suspended, want it expired")
	}
	if on, _, _ := s.Suspended(ctx, "y2", "p2", end.Add(-time.Second)); on {
		t.Error("in another panel: got suspended, want a suspension to hold only in the panel it was given in")
	}
	if panels, err := s.SuspendedPanels(ctx, "y2", end.Add(-time.Second)); err != nil || len(panels) != 1 || !panels["p1"].Equal(end) {
		t.Errorf("SuspendedPanels: got %v, %v; want p1 until %s", panels, err, end)
	}
	if list, err := s.Sanctions(ctx, "p9"); err != nil || len(list) != 1 || list[0].LiftReason != "cleared by the police" {
		t.Errorf("history: %+v %v", list, err)
	}
}

func TestSanctionRefused(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	mute := func(edit func(*moderation.MuteInput)) error {
		in := moderation.MuteInput{By: "mod", AccountID: "y1", PanelID: "p1", GroupID: "g1", For: time.Hour, Reason: "spam"}
		edit(&in)
		_, err := s.Mute(ctx, in)
		return err
	}
	cases := []struct {
		name string
		edit func(*moderation.MuteInput)
		ok   bool
	}{
		{"shortest", func(in *moderation.MuteInput) { in.For = time.Minute }, true},
		{"longest", func(in *moderation.MuteInput) { in.For = 30 * 24 * time.Hour }, true},
		{"too short", func(in *moderation.MuteInput) { in.For = 59 * time.Second }, false},
		{"too long", func(in *moderation.MuteInput) { in.For = 30*24*time.Hour + time.Millisecond }, false},
		{"no reason", func(in *moderation.MuteInput) { in.Reason = " " }, false},
		{"reason too long", func(in *moderation.MuteInput) { in.Reason = strings.Repeat("r", moderation.MaxReason+1) }, false},
		{"no group", func(in *moderation.MuteInput) { in.GroupID = "" }, false},
		{"oneself", func(in *moderation.MuteInput) { in.AccountID = "mod" }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := mute(c.edit)
			if c.ok && err != nil {
				t.Fatalf("got %v, want accepted", err)
			}
			if !c.ok && !fault.Is(err, fault.Invalid) {
				t.Fatalf("got %v, want invalid", err)
			}
		})
	}
	_, err := s.Suspend(ctx, moderation.SuspendInput{By: "coord", AccountID: "y1", PanelID: "p1", Until: start.Add(30 * time.Second), Reason: "x"})
	wantFault(t, err, fault.Invalid, "minute")
	_, err = s.Suspend(ctx, moderation.SuspendInput{By: "coord", AccountID: "y1", PanelID: "p1"})
	wantFault(t, err, fault.Invalid, "reason")
	_, err = s.Lift(ctx, moderation.LiftInput{By: "coord", SanctionID: "nope", Reason: "x"})
	wantFault(t, err, fault.NotFound)
}

// The rules of a sanction request hold whoever asks (HTTP or not): they
// were checked in the handler before issue 10.
func TestImposeChecksTheRequest(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	base := moderation.SanctionInput{By: "mod", AccountID: "sam", PanelID: "p1", Reason: "rude"}
	for _, c := range []struct {
		name   string
		change func(*moderation.SanctionInput)
		words  string
	}{
		{"unknown kind", func(in *moderation.SanctionInput) { in.Kind = "ban"; in.Minutes = 5 }, "mute or suspend"},
		{"suspension in a group", func(in *moderation.SanctionInput) { in.Kind, in.GroupID = moderation.Suspend, "g1" }, "leave out the group"},
		{"negative length", func(in *moderation.SanctionInput) { in.Kind, in.GroupID, in.Minutes = moderation.Mute, "g1", -1 }, "between 1 and"},
		{"too long", func(in *moderation.SanctionInput) {
			in.Kind, in.GroupID, in.Minutes = moderation.Mute, "g1", moderation.MaxSanctionMinutes+1
		}, "between 1 and"},
		{"both", func(in *moderation.SanctionInput) {
			in.Kind, in.GroupID, in.Minutes, in.Until = moderation.Mute, "g1", 5, start.Add(time.Hour)
		}, "not both"},
		{"mute without length", func(in *moderation.SanctionInput) { in.Kind, in.GroupID = moderation.Mute, "g1" }, "how long"},
	} {
		in := base
		c.change(&in)
		_, err := s.Impose(ctx, in)
		wantFault(t, err, fault.Invalid, c.words)
	}
	in := base
	in.Kind, in.GroupID, in.Minutes = moderation.Mute, "g1", 30
	x, err := s.Impose(ctx, in)
	if err != nil || x.Kind != moderation.Mute || x.EndsAt-x.StartsAt != (30*time.Minute).Milliseconds() {
		t.Fatalf("a 30-minute mute: got %+v %v", x, err)
	}
	in = base
	in.Kind = moderation.Suspend
	if x, err := s.Impose(ctx, in); err != nil || x.EndsAt != 0 {
		t.Fatalf("a suspension until lifted: got %+v %v", x, err)
	}
}
