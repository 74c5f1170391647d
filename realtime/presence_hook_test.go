package realtime_test

import (
	"slices"
	"testing"
	"time"

	"chorus/realtime"
)

// presenceCalls records what Config.OnPresence is told.
type presenceCalls chan []string

func (p presenceCalls) hook(topic string, members []realtime.PresenceMember) {
	if topic != "session:1" {
		return
	}
	var ids []string
	for _, m := range members {
		ids = append(ids, m.AccountID)
	}
	p <- slices.Compact(ids)
}

// until waits for a call that reports exactly want.
func (p presenceCalls) until(t *testing.T, want ...string) {
	t.Helper()
	deadline := time.After(patience)
	var last []string
	for {
		select {
		case got := <-p:
			if slices.Equal(got, want) {
				return
			}
			last = got
		case <-deadline:
			t.Fatalf("OnPresence: got %v last, want %v", last, want)
		}
	}
}

// OnPresence hears every join and leave of a topic, on every process of
// the broker, and the members match Presence.
func TestOnPresenceHearsJoinsAndLeavesOnEveryProcess(t *testing.T) {
	raw := openStore(t)
	b := realtime.NewLocalBroker()
	here, there := make(presenceCalls, 100), make(presenceCalls, 100)
	a := newEnv(t, raw, b, func(c *realtime.Config) { c.OnPresence = here.hook })
	other := newEnv(t, raw, b, func(c *realtime.Config) { c.OnPresence = there.hook })
	for _, e := range []*env{a, other} {
		e.perms.set("ana", "session:1", true)
		e.perms.set("ben", "session:1", true)
	}

	ana := a.dial("ana", "")
	ana.subscribe("session:1", nil)
	here.until(t, "ana")
	there.until(t, "ana") // the other process has no subscriber, and still knows

	ben := a.dial("ben", "")
	ben.subscribe("session:1", nil)
	here.until(t, "ana", "ben")
	if got := a.hub.Presence("session:1"); len(got) != 2 {
		t.Fatalf("Presence: got %v, want ana and ben", got)
	}

	ben.conn.Close()
	here.until(t, "ana")
	there.until(t, "ana")
	if got := other.hub.Presence("session:1"); len(got) != 1 || got[0].AccountID != "ana" {
		t.Fatalf("Presence on the other process: got %v, want ana", got)
	}
	ana.send(map[string]any{"type": "unsubscribe", "topic": "session:1"})
	here.until(t)
}
