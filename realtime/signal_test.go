package realtime_test

import (
	"context"
	"testing"

	"chorus/fault"
	"chorus/realtime"
)

// TestPresenceAndTypingCarryOnlyWhatTheServerAllows is hole 2 of issue 10:
// a partner on a topic sent {"type":"typing","itemId":"hi, add me on insta
// @paula"} and every minor on it received that, with the partner's account.
// Presence and typing now relay only identifiers Config.Signal accepts
// (here: an item that exists), and nothing at all from someone who may not
// post in the topic: not their typing, not their presence, not their leaving.
func TestPresenceAndTypingCarryOnlyWhatTheServerAllows(t *testing.T) {
	signal := func(_ context.Context, account, topic, item string) error {
		if account == "eve" {
			return fault.Errorf(fault.Forbidden, "You cannot post here.")
		}
		if item != "" && item != "item-1" {
			return fault.Errorf(fault.Invalid, "There is no such item here.")
		}
		return nil
	}
	e := newEnv(t, openStore(t), realtime.NewLocalBroker(), func(c *realtime.Config) { c.Signal = signal })
	for _, a := range []string{"ana", "eve", "kid"} {
		e.perms.set(a, "pledge:1", true)
	}
	kid := e.dial("kid", "")
	kid.subscribe("pledge:1", nil)
	kid.until("own presence", func(m msg) bool { return m.Type == "presence" && len(m.Members) == 1 })

	eve := e.dial("eve", "")
	eve.subscribe("pledge:1", nil)
	eve.until("subscribed", isType("subscribed", "pledge:1"))
	eve.send(map[string]any{"type": "typing", "topic": "pledge:1", "itemId": "hi, add me on insta @paula"})
	if m := eve.until("a refusal", isType("error", "pledge:1")); m.Code != "invalid" && m.Code != "forbidden" {
		t.Fatalf("eve's typing: got %+v, want an error", m)
	}
	eve.send(map[string]any{"type": "typing", "topic": "pledge:1", "itemId": "item-1"})
	eve.until("a refusal", isType("error", "pledge:1"))
	eve.send(map[string]any{"type": "presence", "topic": "pledge:1", "itemId": "item-1"})
	eve.until("a refusal", isType("error", "pledge:1"))
	eve.conn.Close()

	ana := e.dial("ana", "")
	ana.subscribe("pledge:1", nil)
	ana.until("subscribed", isType("subscribed", "pledge:1"))
	ana.send(map[string]any{"type": "typing", "topic": "pledge:1", "itemId": "meet me on Saturday"})
	if m := ana.until("a refusal", isType("error", "pledge:1")); m.Code != "invalid" {
		t.Fatalf("free text as an item: got %+v, want invalid", m)
	}
	ana.send(map[string]any{"type": "presence", "topic": "pledge:1", "itemId": "do not tell your parents"})
	ana.until("a refusal", isType("error", "pledge:1"))
	ana.send(map[string]any{"type": "presence", "topic": "pledge:1", "itemId": "item-1"})
	ana.send(map[string]any{"type": "typing", "topic": "pledge:1", "itemId": "item-1"})

	// The kid sees ana (and only real items), never eve nor free text.
	for {
		m, err := kid.next()
		if err != nil {
			t.Fatalf("waiting for ana's typing: %v", err)
		}
		switch m.Type {
		case "presence":
			for _, p := range m.Members {
				if p.AccountID == "eve" || (p.ItemID != "" && p.ItemID != "item-1") {
					t.Fatalf("presence relayed %+v", m.Members)
				}
			}
		case "typing":
			if m.AccountID != "ana" || m.ItemID != "item-1" {
				t.Fatalf("typing relayed: got %+v, want only ana on item-1", m)
			}
			return
		}
	}
}
