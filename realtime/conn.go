package realtime

import (
	"context"
	"errors"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/fasthttp/websocket"
	"golang.org/x/time/rate"

	"chorus/fault"
	"chorus/store"
)

type closeFrame struct {
	code   int
	reason string
}

// conn is one open socket. The goroutine in Serve reads; data, pings and
// the close frame are written by a writer goroutine that runs only while
// there is something to write (at most one at a time, see kickLocked).
type conn struct {
	h       *Hub
	id      string
	sock    Socket
	peer    Peer
	ctx     context.Context // Serve's: the parent of every call made for the socket
	limiter *rate.Limiter
	slot    uint32 // heartbeat slot (see Hub.heartbeat)

	killOnce sync.Once
	killed   atomic.Bool

	// The outgoing side, guarded by qmu (taken inside mu, never the other
	// way round). Nothing is allocated for it while the socket is idle.
	qmu     sync.Mutex
	queue   [][][]byte  // batches waiting, from qhead on: bounded, a full queue means the client is too slow
	qhead   int         // first waiting batch in queue
	pres    []presSlot  // newest unsent presence snapshot per topic (not counted in queue)
	pingDue bool        // the heartbeat asked for a ping
	closing *closeFrame // the close frame to send before anything else
	writing bool        // a writer goroutine is running
	wrote   int64       // when the last data frame went out, unix ns (see Config.WriteGap)
	stopped bool        // nothing more is written: close sent, write failed, or Serve is over
	writers sync.WaitGroup

	// Once Serve returned, the socket belongs to the transport again (it
	// may be pooled): goroutines still about (timers, re-authorisation)
	// reach it only through withSock, which then does nothing.
	sockMu   sync.Mutex
	finished bool

	mu      sync.Mutex
	subs    subscriptions
	why     error
	strikes int    // messages refused by the rate limit in a row
	grants  uint32 // bumped by revokeEdits: an edit permission decided before does not count
}

// subscriptions are a connection's topics. A socket follows a few (at most
// Config.MaxTopics): a slice costs an idle socket a few bytes where a map
// costs hundreds, and finding a topic in it is as quick.
type subscriptions []*subscription

func (ss subscriptions) get(topic string) *subscription {
	for _, s := range ss {
		if s.topic == topic {
			return s
		}
	}
	return nil
}

// remove takes topic's subscription out and returns it (nil: none).
func (ss *subscriptions) remove(topic string) *subscription {
	for i, s := range *ss {
		if s.topic == topic {
			*ss = slices.Delete(*ss, i, i+1)
			return s
		}
	}
	return nil
}

// presSlot is a presence snapshot waiting for the writer; a newer one
// (higher seq) replaces it.
type presSlot struct {
	topic string
	seq   uint64
	msg   []byte
}

// subscription is one topic a connection receives. While replaying (on
// subscribe, or when resyncing) live events wait in pending, so that the
// client gets the replay and then the live ones, in id order, once each.
type subscription struct {
	topic     string
	last      int64 // newest event id sent
	floor     int64 // the client's resume point: it has every event up to here
	recent    *sentIDs
	item      string
	announced bool // Config.Signal let the connection announce itself here: its presence is relayed
	replaying bool
	mayEdit   bool // Config.AuthorizeEdit allowed edits here, and nothing revoked since
	pending   []pendingEvent
}

// lateWindow is how many of the newest event ids sent on a subscription are
// remembered, so that an event arriving after a newer one (appended or
// published a moment later by another process) is still sent, once.
const lateWindow = 64

// sentIDs remembers the newest event ids sent on a subscription (a ring,
// made on the first event, so quiet subscriptions cost nothing).
type sentIDs struct {
	ids  [lateWindow]int64
	next int
}

// fresh reports whether id is to be sent: newer than every id sent, or
// older but not among the remembered ones (a late event). Ids older than
// every remembered one are taken as sent. It records the ids it admits.
func (s *subscription) fresh(id int64) bool {
	if id <= s.floor {
		return false
	}
	if s.recent == nil {
		s.recent = &sentIDs{}
	}
	r := s.recent
	if id <= s.last {
		oldest := s.last
		for _, x := range r.ids {
			if x == id {
				return false
			}
			if x != 0 && x < oldest {
				oldest = x
			}
		}
		if r.ids[r.next] != 0 && id < oldest { // the window is full: too old to tell
			return false
		}
	}
	r.ids[r.next] = id
	r.next = (r.next + 1) % lateWindow
	s.last = max(s.last, id)
	return true
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
		c.qmu.Lock()
		if !c.stopped {
			c.closing = &closeFrame{code, reason}
			c.kickLocked()
		}
		c.qmu.Unlock()
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
	c.qmu.Lock()
	defer c.qmu.Unlock()
	if c.stopped {
		return true
	}
	n := len(c.queue) - c.qhead
	if n >= c.h.cfg.QueueSize {
		return false
	}
	if c.qhead > 0 && len(c.queue) == cap(c.queue) { // reuse the room of sent batches
		copy(c.queue, c.queue[c.qhead:])
		clear(c.queue[n:])
		c.queue, c.qhead = c.queue[:n], 0
	}
	c.queue = append(c.queue, msgs)
	c.kickLocked()
	return true
}

// kickLocked starts the writer unless one runs or writing is over. c.qmu
// is held.
func (c *conn) kickLocked() {
	if c.writing || c.stopped {
		return
	}
	c.writing = true
	c.writers.Add(1)
	go c.writeLoop()
}

// resetQueueLocked forgets everything waiting. c.qmu is held.
func (c *conn) resetQueueLocked() {
	c.queue, c.qhead, c.pres, c.pingDue = nil, 0, nil, false
}

// stopWriting ends all writing for good: nothing queued is sent, no writer
// starts any more.
func (c *conn) stopWriting() {
	c.qmu.Lock()
	c.stopped = true
	c.resetQueueLocked()
	c.qmu.Unlock()
}

// offerPresence hands the writer a presence snapshot of topic, replacing
// an older one not sent yet; it never counts against the queue limit.
func (c *conn) offerPresence(topic string, seq uint64, msg []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.subs.get(topic) == nil || c.killed.Load() {
		return
	}
	c.qmu.Lock()
	defer c.qmu.Unlock()
	if c.stopped {
		return
	}
	for i := range c.pres {
		if c.pres[i].topic == topic {
			if seq > c.pres[i].seq {
				c.pres[i].seq, c.pres[i].msg = seq, msg
			}
			return // a writer is on its way already
		}
	}
	c.pres = append(c.pres, presSlot{topic, seq, msg})
	c.kickLocked()
}

// ping asks the writer for a ping (from the hub's heartbeat).
func (c *conn) ping() {
	if c.killed.Load() {
		return
	}
	c.qmu.Lock()
	if !c.stopped {
		c.pingDue = true
		c.kickLocked()
	}
	c.qmu.Unlock()
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
	s := c.subs.get(topic)
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
	if !s.fresh(id) {
		return true // already sent (replayed, or a duplicate)
	}
	return c.enqueue(msg)
}

func (c *conn) sendIfSubscribed(topic string, msg []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.subs.get(topic) == nil {
		return true
	}
	return c.enqueue(msg)
}

// itemOf is the item the connection announced itself on in topic; ok is
// false when it did not announce itself there (not subscribed, or not
// allowed: see Config.Signal).
func (c *conn) itemOf(topic string) (item string, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.subs.get(topic)
	if s == nil || !s.announced {
		return "", false
	}
	return s.item, true
}

// writeLoop writes what is waiting and returns when nothing is; only one
// runs at a time (kickLocked). The close frame goes before anything still
// queued, and nothing goes after it.
func (c *conn) writeLoop() {
	defer c.writers.Done()
	wait := c.h.cfg.WriteWait
	for {
		var (
			batch [][]byte
			one   []byte
			ping  bool
			cf    *closeFrame
		)
		c.qmu.Lock()
		switch {
		case c.stopped:
			c.writing = false
			c.qmu.Unlock()
			return
		case c.closing != nil:
			cf = c.closing
			c.stopped = true
			c.resetQueueLocked()
		case c.pingDue:
			ping, c.pingDue = true, false
		case c.qhead < len(c.queue):
			if gap := c.h.cfg.WriteGap - time.Duration(time.Now().UnixNano()-c.wrote); gap > 0 {
				// A busy socket: let the burst gather (Config.WriteGap).
				c.qmu.Unlock()
				time.Sleep(gap)
				continue
			}
			// Everything waiting goes at once (see writeFrames).
			for i := c.qhead; i < len(c.queue); i++ {
				batch = append(batch, c.queue[i]...)
				c.queue[i] = nil
			}
			if cap(c.queue) > 8 {
				c.queue = nil // let a burst's backlog go
			} else {
				c.queue = c.queue[:0]
			}
			c.qhead = 0
		case len(c.pres) > 0:
			one = c.pres[0].msg
			if len(c.pres) == 1 {
				c.pres = nil
			} else {
				c.pres = c.pres[1:]
			}
		default:
			c.writing = false
			c.qmu.Unlock()
			return
		}
		c.qmu.Unlock()

		switch {
		case cf != nil:
			_ = c.sock.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(cf.code, cf.reason), time.Now().Add(wait))
		case ping:
			if err := c.sock.WriteControl(websocket.PingMessage, nil, time.Now().Add(wait)); err != nil {
				c.writeFailed()
				return
			}
		case one != nil:
			if !c.write(one, wait) {
				return
			}
		default:
			if !c.writeFrames(batch, wait) {
				return
			}
			c.wrote = time.Now().UnixNano()
		}
	}
}

// maxFrame is the size up to which waiting messages share one frame.
const maxFrame = 64 << 10

var frameBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}

// writeFrames sends msgs, several to a frame, one per line (a message is
// compact JSON, so it never holds a raw newline). Under load a socket's
// queue holds many messages by the time its writer runs; one frame (one
// write) for all of them rather than one each is what keeps fan-out to
// hundreds of busy sockets from being all system calls.
func (c *conn) writeFrames(msgs [][]byte, wait time.Duration) bool {
	if len(msgs) == 1 {
		return c.write(msgs[0], wait)
	}
	bp := frameBufs.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= maxFrame+maxFrame/2 {
			*bp = (*bp)[:0]
			frameBufs.Put(bp)
		}
	}()
	for len(msgs) > 0 {
		frame := (*bp)[:0]
		n := 0
		for n < len(msgs) && (n == 0 || len(frame)+1+len(msgs[n]) <= maxFrame) {
			if n > 0 {
				frame = append(frame, '\n')
			}
			frame = append(frame, msgs[n]...)
			n++
		}
		*bp = frame
		if !c.write(frame, wait) {
			return false
		}
		msgs = msgs[n:]
	}
	return true
}

// write sends one message; false when the socket failed (the writer must
// return then).
func (c *conn) write(m []byte, wait time.Duration) bool {
	if c.killed.Load() {
		return true // dropped: the close frame comes next
	}
	_ = c.sock.SetWriteDeadline(time.Now().Add(wait))
	if err := c.sock.WriteMessage(websocket.TextMessage, m); err != nil {
		c.writeFailed()
		return false
	}
	return true
}

// writeFailed ends writing after a failed write; the reader sees the
// closed socket and ends the connection.
func (c *conn) writeFailed() {
	c.qmu.Lock()
	c.stopped, c.writing = true, false
	c.resetQueueLocked()
	c.qmu.Unlock()
	_ = c.sock.Close()
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
	c.sock.SetReadLimit(c.h.cfg.HardLimit)
	c.extendRead()
	c.sock.SetPongHandler(c.onPong)
	for {
		typ, r, err := c.sock.NextReader()
		if err != nil {
			return err
		}
		if err := c.readOne(typ, r); err != nil {
			return err
		}
	}
}

// extendRead gives the peer another PongWait to be heard from.
func (c *conn) extendRead() {
	if !c.killed.Load() {
		_ = c.sock.SetReadDeadline(time.Now().Add(c.h.cfg.PongWait))
	}
}

// onPong is the pong handler. A method value, not a closure over the
// configuration: that would keep a copy of Config for every socket.
func (c *conn) onPong(string) error {
	c.extendRead()
	return nil
}

// readBufs are the buffers messages are read into: idle sockets hold none,
// and the read goroutine keeps no growing buffer on its stack.
var readBufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// maxPooledBuf is the largest read buffer put back for reuse.
const maxPooledBuf = 8 << 10

// readInto appends r to buf[:0], reading at most limit bytes.
func readInto(buf []byte, r io.Reader, limit int64) ([]byte, error) {
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		room := buf[len(buf):cap(buf)]
		if rest := limit - int64(len(buf)); int64(len(room)) > rest {
			room = room[:rest]
		}
		n, err := r.Read(room)
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil || int64(len(buf)) >= limit {
			return buf, err
		}
	}
}

// readOne reads and handles one client message; an error ends the
// connection.
func (c *conn) readOne(typ int, r io.Reader) error {
	cfg := &c.h.cfg
	bp := readBufs.Get().(*[]byte)
	data, err := readInto(*bp, r, cfg.MessageLimit+1)
	defer func() {
		if bp != nil && cap(data) <= maxPooledBuf {
			*bp = data[:0]
			readBufs.Put(bp)
		}
	}()
	if err != nil {
		return err
	}
	c.extendRead()
	if int64(len(data)) > cfg.MessageLimit {
		if _, err := io.Copy(io.Discard, r); err != nil {
			return err
		}
		c.sendError(fault.TooLarge, "The message is larger than 64 KiB.", "")
		return nil
	}
	if c.killed.Load() {
		return nil // closing: only wait for the close answer
	}
	if !c.limiter.Allow() {
		c.mu.Lock()
		c.strikes++
		strikes := c.strikes
		c.mu.Unlock()
		if strikes > 10*cfg.RateBurst {
			c.kill(ClosePolicy, "too many messages", ErrTooManyMessages)
			return nil
		}
		c.sendError(fault.RateLimited, "Too many messages: slow down (at most 50 per second).", "")
		return nil
	}
	c.mu.Lock()
	c.strikes = 0
	c.mu.Unlock()
	if typ != websocket.TextMessage {
		c.sendError(fault.Invalid, "Send JSON text messages.", "")
		return nil
	}
	if !utf8.Valid(data) { // RFC 6455 8.1: the endpoint fails the connection
		c.kill(CloseInvalidData, "text message is not UTF-8", ErrInvalidUTF8)
		return nil
	}
	// Decoding (reflection) and handling (authorisation, the store, fan-out
	// of presence) go deep: they run on a goroutine of their own, one
	// message at a time, so that the stack of the read goroutine, which
	// lives as long as the socket, stays small.
	done := make(chan struct{})
	go func() {
		defer close(done)
		in, err := DecodeInbound(data) // copies what it keeps
		if err != nil {
			c.sendError(fault.Invalid, err.Error(), "")
			return
		}
		c.handle(in)
	}()
	<-done
	return nil
}

func (c *conn) handle(in Inbound) {
	switch in.Type {
	case MsgSubscribe:
		c.subscribe(in.Topic, in.After, in.Have)
	case MsgUnsubscribe:
		if !c.end(in.Topic, "unsubscribed", "") {
			c.sendError(fault.NotFound, "You are not subscribed to this topic.", in.Topic)
		}
	case MsgPresence:
		if !c.subscribed(in.Topic) {
			c.sendError(fault.Invalid, "Subscribe to this topic first.", in.Topic)
			return
		}
		if err := c.signal(in.Topic, in.ItemID); err != nil {
			c.sendError(fault.CodeOf(err), fault.MessageOf(err), in.Topic)
			return
		}
		c.mu.Lock()
		s := c.subs.get(in.Topic)
		if s != nil {
			s.item, s.announced = in.ItemID, true
		}
		c.mu.Unlock()
		if s != nil {
			c.h.publishEphemeral(ephemeral{Op: opJoin, Topic: in.Topic, Node: c.h.node, Conn: c.id, AccountID: c.peer.AccountID, ItemID: in.ItemID})
		}
	case MsgEdit:
		c.edit(in)
	case MsgTyping:
		if !c.subscribed(in.Topic) {
			c.sendError(fault.Invalid, "Subscribe to this topic first.", in.Topic)
			return
		}
		if err := c.signal(in.Topic, in.ItemID); err != nil {
			c.sendError(fault.CodeOf(err), fault.MessageOf(err), in.Topic)
			return
		}
		c.h.publishEphemeral(ephemeral{Op: opTyping, Topic: in.Topic, Node: c.h.node, Conn: c.id, AccountID: c.peer.AccountID, ItemID: in.ItemID})
	}
}

// subscribed reports whether the connection follows topic.
func (c *conn) subscribed(topic string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.subs.get(topic) != nil
}

// signal asks Config.Signal whether the connection may announce itself in
// topic on item (presence, typing); nil when it may.
func (c *conn) signal(topic, item string) error {
	if c.h.cfg.Signal == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(c.ctx, c.h.cfg.WriteWait)
	defer cancel()
	return c.h.cfg.Signal(ctx, c.peer.AccountID, topic, item)
}

// Edit is an edit message, for Config.Edit.
type Edit struct {
	AccountID, Topic, ItemID, Field string
	Base                            int64
	Op                              []byte // JSON, as the client sent it
	Client                          string
	Seq                             int64
}

// edit carries out an edit message on a topic the connection follows and
// answers it (ack or refused). Whether the account may edit there is
// decided once (Config.AuthorizeEdit) and remembered with the subscription
// until revokeEdits, so a busy editor's edits cost no identity or consent
// reads while a withdrawal still counts from the very next edit.
func (c *conn) edit(in Inbound) {
	reply := outEdit{Type: MsgRefused, Topic: in.Topic, ItemID: in.ItemID, Field: in.Field, Client: in.Client, Seq: in.Seq}
	refuse := func(err error) {
		reply.Code, reply.Message = string(fault.CodeOf(err)), fault.MessageOf(err)
		c.send(mustJSON(reply))
	}
	cfg := c.h.cfg
	if cfg.Edit == nil || cfg.AuthorizeEdit == nil {
		refuse(fault.Errorf(fault.Invalid, "Edits are not taken on this connection: use the HTTP API."))
		return
	}
	c.mu.Lock()
	s := c.subs.get(in.Topic)
	allowed, gen := s != nil && s.mayEdit, c.grants
	c.mu.Unlock()
	if s == nil {
		refuse(fault.Errorf(fault.Invalid, "Subscribe to this topic first."))
		return
	}
	ctx, cancel := context.WithTimeout(c.ctx, cfg.WriteWait)
	defer cancel()
	if !allowed {
		if err := cfg.AuthorizeEdit(ctx, c.peer.AccountID, in.Topic); err != nil {
			refuse(err)
			return
		}
		c.mu.Lock()
		if c.subs.get(in.Topic) == s && c.grants == gen {
			s.mayEdit = true
		}
		c.mu.Unlock()
	}
	v, err := cfg.Edit(ctx, Edit{AccountID: c.peer.AccountID, Topic: in.Topic, ItemID: in.ItemID, Field: in.Field, Base: in.Base, Op: in.Op, Client: in.Client, Seq: in.Seq})
	if err != nil {
		refuse(err)
		return
	}
	reply.Type, reply.Version = MsgAck, v
	c.send(mustJSON(reply))
}

// revokeEdits forgets every edit permission of the connection (an event
// may have taken rights away).
func (c *conn) revokeEdits() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.grants++
	for _, s := range c.subs {
		s.mayEdit = false
	}
}

func (c *conn) subscribe(topic string, after *int64, have []int64) {
	c.mu.Lock()
	dup := c.subs.get(topic) != nil
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
	ctx, cancel := context.WithTimeout(c.ctx, c.h.cfg.WriteWait)
	err := c.h.cfg.Authorize(ctx, c.peer.AccountID, topic)
	cancel()
	if err != nil {
		c.sendError(fault.CodeOf(err), fault.MessageOf(err), topic)
		return
	}
	s := &subscription{topic: topic, replaying: true}
	c.mu.Lock()
	if c.subs.get(topic) != nil || c.killed.Load() {
		c.mu.Unlock()
		return
	}
	c.subs = append(c.subs, s)
	c.mu.Unlock()
	if c.h.attach(c, topic) {
		c.h.publishEphemeral(ephemeral{Op: opSync, Topic: topic, Node: c.h.node, Conn: c.id})
	}
	c.catchUp(s, after, have, true)
	if c.signal(topic, "") != nil {
		return // follows the topic silently: nobody there learns of it
	}
	c.mu.Lock()
	s.announced = true
	c.mu.Unlock()
	c.h.publishEphemeral(ephemeral{Op: opJoin, Topic: topic, Node: c.h.node, Conn: c.id, AccountID: c.peer.AccountID, ItemID: ""})
}

// catchUp replays what s missed after the id `after` (nil: nothing to
// replay) but the ids in have, then the live events that came meanwhile,
// then goes live.
func (c *conn) catchUp(s *subscription, after *int64, have []int64, ack bool) {
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
	if c.subs.get(s.topic) != s {
		c.mu.Unlock()
		return // unsubscribed meanwhile
	}
	var batch [][]byte
	if refetch {
		batch = append(batch, mustJSON(outSimple{Type: MsgRefetch, Topic: s.topic}))
	} else if after != nil && *after > s.floor {
		s.floor, s.last = *after, max(s.last, *after)
	}
	for _, id := range have { // sent before (here or by another process): not again
		if id > s.floor {
			s.fresh(id)
		}
	}
	for _, ev := range replay {
		if s.fresh(ev.ID) {
			out := outEvent{Type: MsgEvent, Topic: s.topic, ID: ev.ID, Event: ev.Type, Actor: ev.Actor, Time: ev.Time, Data: validJSON(ev.Data)}
			batch = append(batch, c.h.variants(nil, pseudonymousEvent(out)).forConnOr(c, out))
		}
	}
	if ack {
		batch = append(batch, mustJSON(outSubscribed{Type: MsgSubscribed, Topic: s.topic, Last: s.last}))
	}
	for _, p := range s.pending {
		if s.fresh(p.id) {
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
		after, have := s.resumePoint(&c.mu)
		c.catchUp(s, &after, have, false)
	}
}

// resumePoint is where s resumes from: the oldest id it remembers sending
// (or its floor), and the ids it sent after that, since the events between
// may still arrive late.
func (s *subscription) resumePoint(mu *sync.Mutex) (after int64, have []int64) {
	mu.Lock()
	defer mu.Unlock()
	if s.recent == nil {
		return max(s.floor, s.last), nil
	}
	after = s.last
	for _, id := range s.recent.ids {
		if id != 0 {
			after = min(after, id-1)
		}
	}
	after = max(after, s.floor)
	for _, id := range s.recent.ids {
		if id > after {
			have = append(have, id)
		}
	}
	return after, have
}

// end removes a subscription and tells the client why; false when there
// was none.
func (c *conn) end(topic, reason string, code fault.Code) bool {
	c.mu.Lock()
	s := c.subs.remove(topic)
	c.qmu.Lock()
	c.pres = slices.DeleteFunc(c.pres, func(p presSlot) bool { return p.topic == topic }) // no presence after the unsubscribed
	if len(c.pres) == 0 {
		c.pres = nil
	}
	c.qmu.Unlock()
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
	for _, s := range c.subs {
		topics = append(topics, s.topic)
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
