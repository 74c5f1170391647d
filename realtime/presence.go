package realtime

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"time"
)

// Presence and typing are ephemeral: never stored, fanned out through the
// broker so that the people connected to other processes see them too.
const (
	opJoin   = "join"   // a connection is in a topic (also: it changed item)
	opLeave  = "leave"  // it left
	opTyping = "typing" // it is typing in an item
	opSync   = "sync"   // a process got its first subscriber of a topic: others re-announce
)

type ephemeral struct {
	Op        string `json:"op"`
	Topic     string `json:"topic"`
	Node      string `json:"node"`
	Conn      string `json:"conn"`
	AccountID string `json:"accountId,omitempty"`
	ItemID    string `json:"itemId,omitempty"`
}

type presenceEntry struct {
	AccountID string
	ItemID    string
}

// ephemeralWindow paces presence and typing: at most one presence
// snapshot per topic, and one identical typing message per topic and
// account, in this time.
const ephemeralWindow = 150 * time.Millisecond

// presenceFlush is a topic whose snapshot went out less than
// ephemeralWindow ago; dirty: it changed since, and the timer sends the
// newest snapshot when the window ends.
type presenceFlush struct {
	timer *time.Timer
	dirty bool
}

// typingMark is the last typing message let through for a topic and account.
type typingMark struct {
	at   time.Time
	item string
}

func (h *Hub) publishEphemeral(e ephemeral) {
	data, err := json.Marshal(e)
	if err != nil {
		return
	}
	if err := h.cfg.Broker.Publish(context.Background(), SubjectEphemeral, data); err != nil {
		h.cfg.Logger.Warn("realtime: presence not published", "error", err)
	}
}

func (h *Hub) onEphemeral(e ephemeral) {
	key := e.Node + "/" + e.Conn
	switch e.Op {
	case opJoin, opLeave:
		h.presMu.Lock()
		members := h.presence[e.Topic]
		if _, known := members[key]; e.Op == opLeave && !known {
			h.presMu.Unlock()
			return // it never announced itself here: its leaving is no news
		}
		if e.Op == opJoin {
			if members == nil {
				members = map[string]presenceEntry{}
				h.presence[e.Topic] = members
			}
			members[key] = presenceEntry{AccountID: e.AccountID, ItemID: e.ItemID}
		} else {
			delete(members, key)
			if len(members) == 0 {
				delete(h.presence, e.Topic)
			}
		}
		var (
			msg     *variants
			seq     uint64
			current []PresenceMember
		)
		if h.cfg.OnPresence != nil {
			current = presenceList(h.presence[e.Topic])
		}
		if f := h.presFlush[e.Topic]; f != nil {
			f.dirty = true // sent when the window ends
		} else {
			topic := e.Topic
			h.presFlush[topic] = &presenceFlush{timer: time.AfterFunc(ephemeralWindow, func() { h.flushPresence(topic) })}
			msg, seq = h.snapshotLocked(topic)
		}
		h.presMu.Unlock()
		if msg != nil {
			h.broadcastPresence(e.Topic, seq, msg)
		}
		if h.cfg.OnPresence != nil {
			h.cfg.OnPresence(e.Topic, current)
		}
	case opTyping:
		if !h.allowTyping(e.Topic, e.AccountID, e.ItemID) {
			return // the same was sent a moment ago
		}
		skip := ""
		if e.Node == h.node {
			skip = e.Conn
		}
		t := outTyping{Type: MsgTyping, Topic: e.Topic, AccountID: e.AccountID, ItemID: e.ItemID}
		h.broadcast(e.Topic, mustJSON(t), skip, h.variants(mustJSON(t), func(pseudonym func(string) string) []byte {
			t.AccountID = pseudonym(t.AccountID)
			return mustJSON(t)
		}))
	case opSync:
		if e.Node == h.node {
			return
		}
		h.mu.RLock()
		var mine []ephemeral
		for c := range h.topics[e.Topic] {
			if item, ok := c.itemOf(e.Topic); ok {
				mine = append(mine, ephemeral{Op: opJoin, Topic: e.Topic, Node: h.node, Conn: c.id, AccountID: c.peer.AccountID, ItemID: item})
			}
		}
		h.mu.RUnlock()
		for _, m := range mine {
			h.publishEphemeral(m)
		}
	}
}

// presenceList is who is in a topic, one entry per person and item.
func presenceList(members map[string]presenceEntry) []PresenceMember {
	out := make([]PresenceMember, 0, len(members))
	for _, m := range members {
		out = append(out, PresenceMember{AccountID: m.AccountID, ItemID: m.ItemID})
	}
	slices.SortFunc(out, func(a, b PresenceMember) int {
		return cmp.Or(cmp.Compare(a.AccountID, b.AccountID), cmp.Compare(a.ItemID, b.ItemID))
	})
	return slices.Compact(out)
}

// Presence returns who is in topic as this process knows it.
func (h *Hub) Presence(topic string) []PresenceMember {
	h.presMu.Lock()
	defer h.presMu.Unlock()
	return presenceList(h.presence[topic])
}

// snapshotLocked is the presence message of topic, numbered in the order
// of the snapshots; h.presMu is held.
func (h *Hub) snapshotLocked(topic string) (*variants, uint64) {
	h.presSeq++
	p := outPresence{Type: MsgPresence, Topic: topic, Members: presenceList(h.presence[topic])}
	return h.variants(mustJSON(p), pseudonymousPresence(p)), h.presSeq
}

// flushPresence ends a presence window of topic: the newest snapshot goes
// out if the topic changed meanwhile (and a new window starts).
func (h *Hub) flushPresence(topic string) {
	h.presMu.Lock()
	f := h.presFlush[topic]
	if f == nil || !f.dirty {
		delete(h.presFlush, topic)
		h.presMu.Unlock()
		return
	}
	f.dirty = false
	f.timer.Reset(ephemeralWindow)
	msg, seq := h.snapshotLocked(topic)
	h.presMu.Unlock()
	h.broadcastPresence(topic, seq, msg)
}

// broadcastPresence offers a snapshot to every local subscriber of topic.
// It replaces an older one a connection has not sent yet and never counts
// against the queue limit, so presence alone never drops a client.
func (h *Hub) broadcastPresence(topic string, seq uint64, msg *variants) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for c := range h.topics[topic] {
		c.offerPresence(topic, seq, msg.forConn(c))
	}
}

// allowTyping rate-limits typing per topic and account: the same typing
// message (same item) goes out at most once per ephemeralWindow; moving to
// another item is news and goes at once.
func (h *Hub) allowTyping(topic, account, item string) bool {
	key := topic + "\x00" + account
	now := time.Now()
	h.typMu.Lock()
	defer h.typMu.Unlock()
	if m, ok := h.typLast[key]; ok && m.item == item && now.Sub(m.at) < ephemeralWindow {
		return false
	}
	h.typLast[key] = typingMark{at: now, item: item}
	return true
}

// sweepEphemeral forgets typing marks older than the window (from the
// heartbeat).
func (h *Hub) sweepEphemeral() {
	now := time.Now()
	h.typMu.Lock()
	defer h.typMu.Unlock()
	for k, m := range h.typLast {
		if now.Sub(m.at) >= ephemeralWindow {
			delete(h.typLast, k)
		}
	}
}
