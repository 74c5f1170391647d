package realtime_test

import (
	"testing"

	"chorus/realtime"
)

// TestAnAudienceSeesPseudonymsOnly: a partner's socket (an audience) gets
// other people's account ids as that audience's pseudonyms in presence,
// typing and an event's actor, on the live feed and in a replay; everyone
// else gets the ids.
func TestAnAudienceSeesPseudonymsOnly(t *testing.T) {
	e := newEnv(t, openStore(t), realtime.NewLocalBroker(), func(c *realtime.Config) {
		c.Pseudonym = func(audience, id string) string { return "anon-" + audience + "-" + id }
	})
	for _, who := range []string{"ana", "pat", "mo"} {
		e.perms.set(who, "session:1", true)
	}
	before := e.append("session:1", "session.message_posted") // actor acc-x
	ana := e.dial("ana", "")
	ana.subscribe("session:1", nil)
	pat := e.dial("pat", "&audience=org1")
	pat.subscribe("session:1", &[]int64{before.ID - 1}[0])
	if m := pat.until("the replayed event", isType("event", "session:1")); m.Actor != "anon-org1-acc-x" {
		t.Errorf("replayed actor for the partner: got %q", m.Actor)
	}
	m := pat.until("presence of both", func(m msg) bool { return m.Type == "presence" && len(m.Members) == 2 })
	got := map[string]bool{}
	for _, x := range m.Members {
		got[x.AccountID] = true
	}
	if !got["anon-org1-ana"] || !got["pat"] {
		t.Errorf("partner's presence: got %+v, want Ana as a pseudonym and themself as they are", m.Members)
	}
	if m := ana.until("presence", func(m msg) bool { return m.Type == "presence" && len(m.Members) == 2 }); m.Members[0].AccountID != "ana" || m.Members[1].AccountID != "pat" {
		t.Errorf("youth's presence: got %+v, want the ids", m.Members)
	}
	ana.send(map[string]any{"type": "typing", "topic": "session:1", "itemId": "q1"})
	if m := pat.until("typing", isType("typing", "session:1")); m.AccountID != "anon-org1-ana" {
		t.Errorf("typing for the partner: got %q", m.AccountID)
	}
	e.append("session:1", "session.message_posted")
	if m := pat.until("a live event", isType("event", "session:1")); m.Actor != "anon-org1-acc-x" {
		t.Errorf("live actor for the partner: got %q", m.Actor)
	}
	if m := ana.until("a live event", isType("event", "session:1")); m.Actor != "acc-x" {
		t.Errorf("live actor for a youth: got %q, want the id", m.Actor)
	}
}
