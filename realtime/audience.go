package realtime

import "sync"

// Some people see others only under pseudonyms: partners never receive
// young people's account ids, which could be linked to names (issue 14,
// safeguarding rule 4). A Peer with an Audience gets every account id in
// what the hub sends (an event's actor, presence, typing) replaced by
// Config.Pseudonym(audience, id), the same within an audience and
// unlinkable across audiences; its own id stays, so it still knows itself.
// Event data is sent as it is: topics an audience may follow carry no
// account ids in their data (see the topic policy).

// variants renders one message once per audience and viewer that needs its
// own version, and once for everyone else.
type variants struct {
	h    *Hub
	base []byte
	make func(pseudonym func(string) string) []byte
	mu   sync.Mutex
	seen map[string][]byte
}

func (h *Hub) variants(base []byte, make func(pseudonym func(string) string) []byte) *variants {
	return &variants{h: h, base: base, make: make}
}

// forConn returns the message as c receives it.
func (v *variants) forConn(c *conn) []byte {
	aud := c.peer.Audience
	if aud == "" || v.h.cfg.Pseudonym == nil {
		return v.base
	}
	key := aud + "\x00" + c.peer.AccountID
	v.mu.Lock()
	defer v.mu.Unlock()
	if b, ok := v.seen[key]; ok {
		return b
	}
	self := c.peer.AccountID
	b := v.make(func(id string) string {
		if id == self {
			return id
		}
		return v.h.cfg.Pseudonym(aud, id)
	})
	if v.seen == nil {
		v.seen = map[string][]byte{}
	}
	v.seen[key] = b
	return b
}

// pseudonymousEvent is ev's message with the actor as pseudonym names it.
func pseudonymousEvent(e outEvent) func(func(string) string) []byte {
	return func(pseudonym func(string) string) []byte {
		e.Actor = pseudonym(e.Actor)
		return mustJSON(e)
	}
}

// pseudonymousPresence is a presence snapshot with every member's id as
// pseudonym names it.
func pseudonymousPresence(p outPresence) func(func(string) string) []byte {
	return func(pseudonym func(string) string) []byte {
		members := make([]PresenceMember, len(p.Members))
		for i, m := range p.Members {
			members[i] = PresenceMember{AccountID: pseudonym(m.AccountID), ItemID: m.ItemID}
		}
		p.Members = members
		return mustJSON(p)
	}
}

// forConnOr is forConn for a message not encoded for everyone yet (a
// replay): it encodes e only for peers without an audience.
func (v *variants) forConnOr(c *conn, e outEvent) []byte {
	if c.peer.Audience == "" || v.h.cfg.Pseudonym == nil {
		return mustJSON(e)
	}
	return v.forConn(c)
}
