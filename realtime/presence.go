package realtime

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
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
		list := presenceList(members)
		h.presMu.Unlock()
		h.broadcast(e.Topic, mustJSON(outPresence{Type: MsgPresence, Topic: e.Topic, Members: list}), "")
	case opTyping:
		skip := ""
		if e.Node == h.node {
			skip = e.Conn
		}
		h.broadcast(e.Topic, mustJSON(outTyping{Type: MsgTyping, Topic: e.Topic, AccountID: e.AccountID, ItemID: e.ItemID}), skip)
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
