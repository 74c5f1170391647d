package realtime_test

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"

	"chorus/fault"
	"chorus/realtime"
	"chorus/store"
)

// Edits over the socket: the permission is decided once per subscription
// (no store reads per edit), and an event that may take rights away makes
// the very next edit be decided again, and refused.
func TestEditPermissionIsRememberedUntilRevoked(t *testing.T) {
	var asked, applied atomic.Int64
	var allowed atomic.Bool
	allowed.Store(true)
	e := newEnv(t, openStore(t), realtime.NewLocalBroker(), func(c *realtime.Config) {
		c.AuthorizeEdit = func(context.Context, string, string) error {
			asked.Add(1)
			if !allowed.Load() {
				return fault.Errorf(fault.Forbidden, "You may not edit here.")
			}
			return nil
		}
		c.Edit = func(_ context.Context, ed realtime.Edit) (int64, error) {
			if ed.AccountID != "acc-1" || ed.ItemID != "item" || ed.Field != "text" || string(ed.Op) != `[1,"x"]` {
				t.Errorf("edit passed on as %+v", ed)
			}
			return applied.Add(1) + 1, nil
		}
		c.Revokes = func(typ string, data json.RawMessage) string {
			if typ == "moderation.suspend" {
				return "acc-1"
			}
			return ""
		}
	})
	e.perms.set("acc-1", "pledge:p", true)
	c := e.dial("acc-1", "")
	c.subscribe("pledge:p", nil)
	c.until("subscribed", func(m msg) bool { return m.Type == realtime.MsgSubscribed })
	seq := 0
	edit := func() msg {
		seq++
		c.send(map[string]any{"type": "edit", "topic": "pledge:p", "itemId": "item", "field": "text", "base": 1, "op": []any{1, "x"}, "client": "c1", "seq": seq})
		return c.until("the answer", func(m msg) bool { return m.Type == realtime.MsgAck || m.Type == realtime.MsgRefused })
	}
	for range 20 {
		if m := edit(); m.Type != realtime.MsgAck {
			t.Fatalf("edit refused: %+v", m)
		}
	}
	if asked.Load() != 1 {
		t.Fatalf("20 edits asked for the permission %d times, want once", asked.Load())
	}
	for _, revoke := range []struct{ subject, typ string }{
		{"account:acc-1", "consent.withdrawn"},
		{"account:acc-1", "identity.membership_removed"},
		{"moderation:panel", "moderation.suspend"},
	} {
		t.Run(revoke.typ, func(t *testing.T) {
			allowed.Store(false)
			before := asked.Load()
			if _, err := e.docs.AppendEvent(context.Background(), store.Event{Actor: "x", Type: revoke.typ, Subject: revoke.subject, Data: json.RawMessage(`{}`)}); err != nil {
				t.Fatal(err)
			}
			// The very next edit, sent right after the change returned.
			if m := edit(); m.Type != realtime.MsgRefused || m.Code != string(fault.Forbidden) {
				t.Fatalf("next edit after %s: got %+v, want refused (forbidden)", revoke.typ, m)
			}
			if asked.Load() != before+1 {
				t.Errorf("permission asked %d times after %s, want once", asked.Load()-before, revoke.typ)
			}
			allowed.Store(true)
			if m := edit(); m.Type != realtime.MsgAck {
				t.Fatalf("allowed again: got %+v", m)
			}
		})
	}
	// An event about someone else takes nothing from acc-1.
	allowed.Store(false)
	before := asked.Load()
	e.append("account:acc-2", "consent.withdrawn")
	if m := edit(); m.Type != realtime.MsgAck || asked.Load() != before {
		t.Errorf("after someone else's withdrawal: got %+v, asked %d more times", m, asked.Load()-before)
	}
}

func TestEditNeedsASubscriptionAndAnEditor(t *testing.T) {
	e := newEnv(t, openStore(t), realtime.NewLocalBroker(), nil)
	e.perms.set("acc-1", "pledge:p", true)
	c := e.dial("acc-1", "")
	c.send(map[string]any{"type": "edit", "topic": "pledge:p", "itemId": "item", "field": "text", "base": 1, "op": []any{"x"}})
	if m := c.until("refused", func(m msg) bool { return m.Type == realtime.MsgRefused }); m.Code != string(fault.Invalid) {
		t.Errorf("without an editor: got %+v", m)
	}
	c.send(map[string]any{"type": "edit", "topic": "pledge:p", "itemId": "item", "field": "text"})
	if m := c.until("an error", func(m msg) bool { return m.Type == realtime.MsgError }); m.Code != string(fault.Invalid) {
		t.Errorf("edit without an op: got %+v", m)
	}
	c.send(map[string]any{"type": "typing", "topic": "pledge:p", "itemId": "item", "seq": 3})
	if m := c.until("an error", func(m msg) bool { return m.Type == realtime.MsgError }); m.Code != string(fault.Invalid) {
		t.Errorf("typing with an edit's fields: got %+v", m)
	}
}
