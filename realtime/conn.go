package realtime

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"
	"golang.org/x/time/rate"

	"chorus/fault"
	"chorus/store"
)

type closeFrame struct {
	code   int
	reason string
}

// conn is one open socket. The goroutine in Serve reads; writeLoop is the
// only goroutine that writes data to the socket.
type conn struct {
	h       *Hub
	id      string
	sock    Socket
	peer    Peer
	ctx     context.Context
	limiter *rate.Limiter

	queue    chan [][]byte // bounded: a full queue means the client is too slow
	closeReq chan closeFrame
	done     chan struct{} // closed when the connection is over
	killOnce sync.Once
	killed   atomic.Bool

	// Once Serve returned, the socket belongs to the transport again (it
	// may be pooled): goroutines still about (timers, re-authorisation)
	// reach it only through withSock, which then does nothing.
	sockMu   sync.Mutex
	finished bool

	mu      sync.Mutex
	subs    map[string]*subscription
	why     error
	strikes int // messages refused by the rate limit in a row
}

// subscription is one topic a connection receives. While replaying (on
// subscribe, or when resyncing) live events wait in pending, so that the
// client gets the replay and then the live ones, in id order, once each.
type subscription struct {
	topic     string
	last      int64 // newest event id sent
	item      string
	replaying bool
	pending   []pendingEvent
}

type pendingEvent struct {
	id  int64
	msg []byte
}

func (c *conn) cause() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.why
}

// kill ends the connection with a close frame (sent by the writer) and
// gives the peer CloseGrace to answer before the read side gives up.
func (c *conn) kill(code int, reason string, why error) {
	c.killOnce.Do(func() {
		c.killed.Store(true)
		c.mu.Lock()
		c.why = why
		c.mu.Unlock()
		c.closeReq <- closeFrame{code, reason}
		c.withSock(func(s Socket) { _ = s.SetReadDeadline(time.Now().Add(c.h.cfg.CloseGrace)) })
	})
}

// withSock runs f on the socket unless the connection is over.
func (c *conn) withSock(f func(Socket)) {
	c.sockMu.Lock()
	defer c.sockMu.Unlock()
	if !c.finished {
		f(c.sock)
	}
}

// finish closes the socket and keeps everyone off it from now on.
func (c *conn) finish() {
	c.sockMu.Lock()
	defer c.sockMu.Unlock()
	if !c.finished {
		c.finished = true
		_ = c.sock.Close()
	}
}

// drop disconnects a client that did not keep up; it stops receiving at once.
func (c *conn) drop() {
	if c.killed.Load() {
		return
	}
	c.h.cfg.Logger.Info("realtime: dropping a slow client", "conn", c.id, "account", c.peer.AccountID)
	c.h.mu.Lock()
	for t := range c.h.topics {
		removeFrom(c.h.topics, t, c)
	}
	c.h.mu.Unlock()
	c.kill(CloseTooSlow, "too slow", ErrTooSlow)
}

// enqueue hands msgs to the writer without waiting; false means the queue
// is full. Callers hold c.mu so that messages keep their order.
func (c *conn) enqueue(msgs ...[]byte) bool {
	if len(msgs) == 0 || c.killed.Load() {
		return true
	}
	select {
	case c.queue <- msgs:
		return true
	default:
		return false
	}
}

// send queues messages for the client, dropping it when it is too slow.
func (c *conn) send(msgs ...[]byte) {
	c.mu.Lock()
	ok := c.enqueue(msgs...)
	c.mu.Unlock()
	if !ok {
		c.drop()
	}
}

func (c *conn) sendError(code fault.Code, message, topic string) {
	c.send(mustJSON(outSimple{Type: MsgError, Code: string(code), Message: message, Topic: topic}))
}

// deliver passes a live event to the topic's subscription; false means the
// client is too slow. Called with h.mu read-locked.
func (c *conn) deliver(topic string, id int64, msg []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.subs[topic]
	if s == nil {
		return true
	}
	if s.replaying {
		if len(s.pending) >= c.h.cfg.QueueSize {
			return false
		}
		s.pending = append(s.pending, pendingEvent{id, msg})
		return true
	}
	if id <= s.last {
		return true // already sent (replayed, or a duplicate)
	}
	s.last = id
	return c.enqueue(msg)
}

func (c *conn) sendIfSubscribed(topic string, msg []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.subs[topic] == nil {
		return true
	}
	return c.enqueue(msg)
}

func (c *conn) itemOf(topic string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.subs[topic]
	if s == nil {
		return "", false
	}
	return s.item, true
}

func (c *conn) writeLoop() {
	ping := time.NewTicker(c.h.cfg.PingInterval)
	defer ping.Stop()
	wait := c.h.cfg.WriteWait
	for {
		if c.killed.Load() { // closing: the close frame goes first
			select {
			case f := <-c.closeReq:
				_ = c.sock.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(f.code, f.reason), time.Now().Add(wait))
				return
			default:
			}
		}
		select {
		case msgs := <-c.queue:
			for _, m := range msgs {
				if c.killed.Load() {
					break // the close frame goes before anything still queued
				}
				_ = c.sock.SetWriteDeadline(time.Now().Add(wait))
				if err := c.sock.WriteMessage(websocket.TextMessage, m); err != nil {
					_ = c.sock.Close() // the reader sees it and ends the connection
					return
				}
			}
		case <-ping.C:
			if err := c.sock.WriteControl(websocket.PingMessage, nil, time.Now().Add(wait)); err != nil {
				_ = c.sock.Close()
				return
			}
			go c.checkSession()
		case f := <-c.closeReq:
			_ = c.sock.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(f.code, f.reason), time.Now().Add(wait))
			return
		case <-c.done:
			return
		}
	}
}

// checkSession ends the connection when its session no longer counts.
func (c *conn) checkSession() {
	if c.peer.Active == nil || c.killed.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(c.ctx, c.h.cfg.WriteWait)
	defer cancel()
	if err := c.peer.Active(ctx); err != nil && ctx.Err() == nil && fault.Is(err, fault.Unauthorized) {
		c.kill(CloseSessionExpired, "session ended", ErrSessionExpired)
	}
}

func (c *conn) readLoop() error {
	cfg := c.h.cfg
	c.sock.SetReadLimit(cfg.HardLimit)
	extend := func() {
		if !c.killed.Load() {
			_ = c.sock.SetReadDeadline(time.Now().Add(cfg.PongWait))
		}
	}
	extend()
	c.sock.SetPongHandler(func(string) error { extend(); return nil })
	for {
		typ, r, err := c.sock.NextReader()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(io.LimitReader(r, cfg.MessageLimit+1))
		if err != nil {
			return err
		}
		extend()
		if int64(len(data)) > cfg.MessageLimit {
			if _, err := io.Copy(io.Discard, r); err != nil {
				return err
			}
			c.sendError(fault.TooLarge, "The message is larger than 64 KiB.", "")
			continue
		}
		if c.killed.Load() {
			continue // closing: only wait for the close answer
		}
		if !c.limiter.Allow() {
			c.mu.Lock()
			c.strikes++
			strikes := c.strikes
			c.mu.Unlock()
			if strikes > 10*cfg.RateBurst {
				c.kill(ClosePolicy, "too many messages", ErrTooManyMessages)
				continue
			}
			c.sendError(fault.RateLimited, "Too many messages: slow down (at most 50 per second).", "")
			continue
		}
		c.mu.Lock()
		c.strikes = 0
		c.mu.Unlock()
		if typ != websocket.TextMessage {
			c.sendError(fault.Invalid, "Send JSON text messages.", "")
			continue
		}
		in, err := DecodeInbound(data)
		if err != nil {
			c.sendError(fault.Invalid, err.Error(), "")
			continue
		}
		c.handle(in)
	}
}

func (c *conn) handle(in Inbound) {
	switch in.Type {
	case MsgSubscribe:
		c.subscribe(in.Topic, in.After)
	case MsgUnsubscribe:
		if !c.end(in.Topic, "unsubscribed", "") {
			c.sendError(fault.NotFound, "You are not subscribed to this topic.", in.Topic)
		}
	case MsgPresence:
		c.mu.Lock()
		s := c.subs[in.Topic]
		if s != nil {
			s.item = in.ItemID
		}
		c.mu.Unlock()
		if s == nil {
			c.sendError(fault.Invalid, "Subscribe to this topic first.", in.Topic)
			return
		}
		c.h.publishEphemeral(ephemeral{Op: opJoin, Topic: in.Topic, Node: c.h.node, Conn: c.id, AccountID: c.peer.AccountID, ItemID: in.ItemID})
	case MsgTyping:
		if _, ok := c.itemOf(in.Topic); !ok {
			c.sendError(fault.Invalid, "Subscribe to this topic first.", in.Topic)
			return
		}
		c.h.publishEphemeral(ephemeral{Op: opTyping, Topic: in.Topic, Node: c.h.node, Conn: c.id, AccountID: c.peer.AccountID, ItemID: in.ItemID})
	}
}

func (c *conn) subscribe(topic string, after *int64) {
	c.mu.Lock()
	_, dup := c.subs[topic]
	n := len(c.subs)
	c.mu.Unlock()
	switch {
	case dup:
		c.sendError(fault.Conflict, "You are already subscribed to this topic.", topic)
		return
	case n >= c.h.cfg.MaxTopics:
		c.sendError(fault.TooLarge, "Too many subscriptions on one connection.", topic)
		return
	}
	if err := c.h.cfg.Authorize(c.ctx, c.peer.AccountID, topic); err != nil {
		c.sendError(fault.CodeOf(err), fault.MessageOf(err), topic)
		return
	}
	s := &subscription{topic: topic, replaying: true}
	c.mu.Lock()
	if c.subs[topic] != nil || c.killed.Load() {
		c.mu.Unlock()
		return
	}
	c.subs[topic] = s
	c.mu.Unlock()
	if c.h.attach(c, topic) {
		c.h.publishEphemeral(ephemeral{Op: opSync, Topic: topic, Node: c.h.node, Conn: c.id})
	}
	c.catchUp(s, after, true)
	c.h.publishEphemeral(ephemeral{Op: opJoin, Topic: topic, Node: c.h.node, Conn: c.id, AccountID: c.peer.AccountID, ItemID: ""})
}

// catchUp replays what s missed after the id `after` (nil: nothing to
// replay), then the live events that came meanwhile, then goes live.
func (c *conn) catchUp(s *subscription, after *int64, ack bool) {
	var (
		replay  []store.Event
		refetch bool
	)
	if after != nil {
		ctx, cancel := context.WithTimeout(c.ctx, c.h.cfg.WriteWait)
		evs, err := c.h.cfg.Events.Events(ctx, store.EventQuery{After: *after, Subject: s.topic, Limit: c.h.cfg.MaxReplay + 1})
		cancel()
		switch {
		case err != nil:
			c.h.cfg.Logger.Warn("realtime: replay failed", "topic", s.topic, "error", err)
			refetch = true
		case len(evs) > c.h.cfg.MaxReplay:
			refetch = true
		default:
			replay = evs
		}
	}
	c.mu.Lock()
	if c.subs[s.topic] != s {
		c.mu.Unlock()
		return // unsubscribed meanwhile
	}
	var batch [][]byte
	if refetch {
		batch = append(batch, mustJSON(outSimple{Type: MsgRefetch, Topic: s.topic}))
	} else if after != nil && *after > s.last {
		s.last = *after
	}
	for _, ev := range replay {
		if ev.ID > s.last {
			s.last = ev.ID
			batch = append(batch, mustJSON(outEvent{Type: MsgEvent, Topic: s.topic, ID: ev.ID, Event: ev.Type, Actor: ev.Actor, Time: ev.Time, Data: validJSON(ev.Data)}))
		}
	}
	if ack {
		batch = append(batch, mustJSON(outSubscribed{Type: MsgSubscribed, Topic: s.topic, Last: s.last}))
	}
	for _, p := range s.pending {
		if p.id > s.last {
			s.last = p.id
			batch = append(batch, p.msg)
		}
	}
	s.pending, s.replaying = nil, false
	ok := c.enqueue(batch...)
	c.mu.Unlock()
	if !ok {
		c.drop()
	}
}

// resync makes every live subscription catch up from its last event.
func (c *conn) resync() {
	c.mu.Lock()
	var subs []*subscription
	for _, s := range c.subs {
		if !s.replaying {
			s.replaying = true
			subs = append(subs, s)
		}
	}
	c.mu.Unlock()
	for _, s := range subs {
		last := s.lastID(&c.mu)
		c.catchUp(s, &last, false)
	}
}

func (s *subscription) lastID(mu *sync.Mutex) int64 {
	mu.Lock()
	defer mu.Unlock()
	return s.last
}

// end removes a subscription and tells the client why; false when there
// was none.
func (c *conn) end(topic, reason string, code fault.Code) bool {
	c.mu.Lock()
	s := c.subs[topic]
	delete(c.subs, topic)
	ok := s != nil && c.enqueue(mustJSON(outSimple{Type: MsgUnsubscribed, Topic: topic, Reason: reason, Code: string(code)}))
	c.mu.Unlock()
	if s == nil {
		return false
	}
	c.h.detach(c, topic)
	if !ok {
		c.drop()
	}
	return true
}

// reauthorize decides the connection's subscriptions again after an event
// that may take rights away, and ends those no longer allowed at once.
func (c *conn) reauthorize(eventType string) {
	if c.killed.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(c.ctx, c.h.cfg.WriteWait)
	defer cancel()
	if c.peer.Active != nil {
		if err := c.peer.Active(ctx); err != nil && fault.Is(err, fault.Unauthorized) {
			c.kill(CloseSessionExpired, "session ended", ErrSessionExpired)
			return
		}
	}
	c.mu.Lock()
	topics := make([]string, 0, len(c.subs))
	for t := range c.subs {
		topics = append(topics, t)
	}
	c.mu.Unlock()
	for _, t := range topics {
		err := c.h.cfg.Authorize(ctx, c.peer.AccountID, t)
		if err == nil {
			continue
		}
		if errors.Is(err, context.Canceled) && c.ctx.Err() != nil {
			return // the connection is ending anyway
		}
		// Anything else ends the subscription: when in doubt, fail closed.
		code := fault.CodeOf(err)
		c.end(t, fault.MessageOf(err), code)
		c.h.cfg.Logger.Info("realtime: subscription ended", "conn", c.id, "topic", t, "after", eventType, "code", code)
	}
}
