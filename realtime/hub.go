package realtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"
	"golang.org/x/time/rate"

	"chorus/store"
)

// Close codes the hub sends, with their reasons. Codes 4000-4999 are
// Chorus's own: a client reconnects after 4001 (once it refreshed its
// session) and after 4008 (with backoff), never after 4003.
const (
	CloseGoingAway      = websocket.CloseGoingAway               // 1001: the server is shutting down; reconnect
	CloseInvalidData    = websocket.CloseInvalidFramePayloadData // 1007: a text message that is not UTF-8 (RFC 6455 8.1)
	ClosePolicy         = websocket.ClosePolicyViolation         // 1008: too many messages
	CloseTooBig         = websocket.CloseMessageTooBig           // 1009: a message beyond the hard limit
	CloseSessionExpired = 4001                                   // the access token expired or the session ended: refresh, reconnect
	CloseTooSlow        = 4008                                   // the client did not keep up with its messages
)

// Why a connection ended, as Serve returns it.
var (
	ErrTooSlow         = errors.New("realtime: client too slow")
	ErrSessionExpired  = errors.New("realtime: session expired or ended")
	ErrShuttingDown    = errors.New("realtime: server shutting down")
	ErrTooManyMessages = errors.New("realtime: too many messages")
	ErrInvalidUTF8     = errors.New("realtime: a text message is not UTF-8")
)

// Socket is the websocket connection the hub drives; *websocket.Conn of
// github.com/fasthttp/websocket satisfies it. The hub reads from the
// goroutine that called Serve and writes (data, pings and the close frame)
// from one other goroutine at a time, never concurrently; SetReadDeadline
// and Close may be called from any.
type Socket interface {
	ReadMessage() (messageType int, p []byte, err error)
	NextReader() (messageType int, r io.Reader, err error)
	WriteMessage(messageType int, data []byte) error
	WriteControl(messageType int, data []byte, deadline time.Time) error
	SetReadDeadline(t time.Time) error
	SetWriteDeadline(t time.Time) error
	SetReadLimit(limit int64)
	SetPongHandler(h func(appData string) error)
	Close() error
}

// Peer is who is on the other end of a socket, authenticated before the
// upgrade.
type Peer struct {
	AccountID string
	// ExpiresAt is when the credential the socket was opened with expires;
	// the socket is then closed with CloseSessionExpired. Zero: never.
	ExpiresAt time.Time
	// Active reports whether the session still counts (nil: always); it is
	// asked at every heartbeat and when a sign-out event arrives.
	Active func(ctx context.Context) error
	// Audience, when set, is whose pseudonyms this socket sees others
	// under (a partner organisation; see audience.go).
	Audience string
}

// EventSource reads the stored event log, for resuming.
type EventSource interface {
	Events(ctx context.Context, q store.EventQuery) ([]store.Event, error)
}

// Config is a hub's dependencies and limits; zero limits take the defaults.
type Config struct {
	Broker Broker
	Events EventSource
	// Authorize decides every subscribe: nil error allows; a fault error
	// says why not (its message is shown to the client).
	Authorize func(ctx context.Context, accountID, topic string) error
	Logger    *slog.Logger
	// OnPresence, when set, is told whenever who is in a topic changes (a
	// connection joined, left, or moved to another item), with the members
	// as this process knows them now; every process calls it for every
	// topic, subscribed here or not. It runs on the broker's delivery path,
	// possibly for two changes at once: it must not block, and it should
	// read Presence again when it acts rather than rely on the order of
	// calls.
	OnPresence func(topic string, members []PresenceMember)
	// Pseudonym names accountID for an audience (Peer.Audience); nil:
	// every peer sees account ids.
	Pseudonym func(audience, accountID string) string

	// Signal decides whether accountID may announce itself in topic:
	// its presence (on item, or on none: "") and its typing (in item).
	// Presence and typing reach everyone on the topic, so they carry only
	// what Signal accepted (an identifier the server knows, never free
	// text), and someone who may not post in the topic announces nothing
	// there: not joining, not moving, not typing, not leaving. A fault
	// error says why not. Nil allows every identifier.
	Signal func(ctx context.Context, accountID, topic, itemID string) error

	// Edit carries out an edit message (a change of a document that the
	// topic names, e.g. an item of a pledge) for a connection subscribed
	// to the topic, and returns the version it made; a fault error says
	// why not. Nil: edits are refused.
	Edit func(ctx context.Context, e Edit) (version int64, err error)
	// AuthorizeEdit decides whether accountID may edit in topic. It reads
	// the store, so it is asked once per subscription and the answer is
	// remembered until an event that may take rights away arrives for the
	// account (see Revokes): every edit after that one is decided again.
	AuthorizeEdit func(ctx context.Context, accountID, topic string) error
	// Revokes names the account whose rights an event may take away,
	// besides the account:<id> events the hub knows (e.g. a moderator's
	// suspension, on a moderation topic); "" for none.
	Revokes func(eventType string, data json.RawMessage) string

	QueueSize    int           // messages waiting per connection before it is dropped as too slow (256)
	MaxReplay    int           // events replayed on resume before a refetch is asked instead (500)
	MaxTopics    int           // subscriptions per connection (100)
	PingInterval time.Duration // heartbeat (25 s)
	PongWait     time.Duration // read deadline: a peer silent this long is gone (60 s)
	WriteWait    time.Duration // deadline of one write (10 s)
	// WriteGap is the least time between two data writes to one socket
	// (5 ms). A socket that wrote less than this ago waits out the rest,
	// so what arrives meanwhile goes in the same frame: one write per
	// burst instead of one per message on a busy topic. A quiet socket
	// writes at once.
	WriteGap     time.Duration
	CloseGrace   time.Duration // how long a closing peer has to answer the close (2 s)
	MessageLimit int64         // largest message accepted (64 KiB); larger ones get an error
	HardLimit    int64         // larger messages end the connection (1 MiB)
	RateLimit    float64       // messages per second per connection (50)
	RateBurst    int           // burst above the rate (50)
}

func (c *Config) defaults() {
	setDefault(&c.QueueSize, 256)
	setDefault(&c.MaxReplay, 500)
	setDefault(&c.MaxTopics, 100)
	setDefault(&c.PingInterval, 25*time.Second)
	setDefault(&c.PongWait, 60*time.Second)
	setDefault(&c.WriteWait, 10*time.Second)
	setDefault(&c.WriteGap, 5*time.Millisecond)
	setDefault(&c.CloseGrace, 2*time.Second)
	setDefault(&c.MessageLimit, 64<<10)
	setDefault(&c.HardLimit, 1<<20)
	setDefault(&c.RateLimit, 50)
	setDefault(&c.RateBurst, 50)
	if c.MaxReplay >= store.MaxLimit {
		c.MaxReplay = store.MaxLimit - 1
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

func setDefault[T comparable](v *T, d T) {
	var zero T
	if *v == zero {
		*v = d
	}
}

// Hub is one process's registry of open sockets and their subscriptions.
type Hub struct {
	cfg  Config
	node string // this process, in presence messages

	mu       sync.RWMutex
	conns    map[*conn]struct{}
	topics   map[string]map[*conn]struct{}
	accounts map[string]map[*conn]struct{}
	closing  bool
	serving  sync.WaitGroup

	presMu    sync.Mutex
	presence  map[string]map[string]presenceEntry // topic -> node/conn -> who
	presFlush map[string]*presenceFlush           // topics in a presence window
	presSeq   uint64                              // snapshots made

	typMu   sync.Mutex
	typLast map[string]typingMark // topic NUL account -> last typing let through

	stop   func()
	nextID atomic.Int64

	hbStop     chan struct{} // closed by Shutdown: the heartbeat ends
	hbStopOnce sync.Once
}

// heartbeatSlots is how many batches the heartbeat splits the connections
// into: every PingInterval/heartbeatSlots one batch gets its ping.
const heartbeatSlots = 16

// heartbeat is the one loop that pings every connection once per
// PingInterval (in batches, so that the pings spread out) and asks whether
// its session still counts.
func (h *Hub) heartbeat() {
	t := time.NewTicker(max(h.cfg.PingInterval/heartbeatSlots, time.Millisecond))
	defer t.Stop()
	var batch []*conn
	for tick := uint32(0); ; tick = (tick + 1) % heartbeatSlots {
		select {
		case <-h.hbStop:
			return
		case <-t.C:
		}
		batch = batch[:0]
		h.mu.RLock()
		for c := range h.conns {
			if c.slot == tick {
				batch = append(batch, c)
			}
		}
		h.mu.RUnlock()
		for _, c := range batch {
			c.ping()
			if c.peer.Active != nil {
				go c.checkSession()
			}
		}
		clear(batch)
		h.sweepEphemeral()
	}
}

// NewHub starts a hub on cfg.Broker.
func NewHub(cfg Config) (*Hub, error) {
	if cfg.Broker == nil || cfg.Events == nil || cfg.Authorize == nil {
		return nil, errors.New("realtime.NewHub: Broker, Events and Authorize are required")
	}
	cfg.defaults()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	h := &Hub{cfg: cfg, node: hex.EncodeToString(b),
		conns: map[*conn]struct{}{}, topics: map[string]map[*conn]struct{}{}, accounts: map[string]map[*conn]struct{}{},
		presence: map[string]map[string]presenceEntry{}, presFlush: map[string]*presenceFlush{},
		typLast: map[string]typingMark{}}
	stop, err := cfg.Broker.Subscribe(h.onMessage)
	if err != nil {
		return nil, err
	}
	h.stop = stop
	h.hbStop = make(chan struct{})
	go h.heartbeat()
	return h, nil
}

// Connections returns how many sockets are open.
func (h *Hub) Connections() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.conns)
}

// Serve runs one socket until it closes and returns why: nil for a normal
// close by the peer, ErrTooSlow, ErrSessionExpired, ErrShuttingDown,
// ErrTooManyMessages, or the read error. The caller must not use sock
// afterwards; Serve has closed it. ctx is the parent of every call made
// for the socket (authorisation, the store, Config.Edit), each of which is
// bounded by WriteWait. Calls do not get a context of the connection's own,
// cancelled when it ends: a context that has had children keeps a channel
// and a map of them for good, hundreds of bytes per idle socket, while
// Serve returns only once the message being handled is done anyway.
func (h *Hub) Serve(ctx context.Context, sock Socket, p Peer) error {
	n := h.nextID.Add(1)
	c := &conn{h: h, sock: sock, peer: p, ctx: ctx,
		id:      h.node + "-" + itoa(n),
		slot:    uint32(n % heartbeatSlots),
		limiter: rate.NewLimiter(rate.Limit(h.cfg.RateLimit), h.cfg.RateBurst),
	}
	if !h.register(c) {
		_ = sock.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(CloseGoingAway, "server shutting down"), time.Now().Add(h.cfg.WriteWait))
		_ = sock.Close()
		return ErrShuttingDown
	}
	defer h.serving.Done()
	var expiry *time.Timer
	if !p.ExpiresAt.IsZero() {
		expiry = time.AfterFunc(time.Until(p.ExpiresAt), func() {
			c.kill(CloseSessionExpired, "session expired", ErrSessionExpired)
		})
	}
	err := c.readLoop()

	if expiry != nil {
		expiry.Stop()
	}
	h.unregister(c)
	c.stopWriting()
	c.withSock(func(s Socket) { _ = s.Close() }) // unblocks a writer stuck on a slow peer
	c.writers.Wait()
	c.finish()
	if cause := c.cause(); cause != nil {
		return cause
	}
	if websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) {
		return nil
	}
	return err
}

// Shutdown closes every socket with CloseGoingAway and waits until they are
// gone or ctx ends (then the rest are cut off). New sockets are refused.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.closing = true
	conns := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	for _, c := range conns {
		c.kill(CloseGoingAway, "server shutting down", ErrShuttingDown)
	}
	drained := make(chan struct{})
	go func() {
		h.serving.Wait()
		close(drained)
	}()
	var err error
	select {
	case <-drained:
	case <-ctx.Done():
		err = ctx.Err()
		for _, c := range conns {
			c.withSock(func(s Socket) { _ = s.Close() })
		}
		<-drained
	}
	h.hbStopOnce.Do(func() { close(h.hbStop) })
	h.stop()
	return err
}

func (h *Hub) register(c *conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return false
	}
	h.serving.Add(1)
	h.conns[c] = struct{}{}
	addTo(h.accounts, c.peer.AccountID, c)
	return true
}

// unregister removes c from every index and tells the others it left.
func (h *Hub) unregister(c *conn) {
	h.mu.Lock()
	delete(h.conns, c)
	removeFrom(h.accounts, c.peer.AccountID, c)
	h.mu.Unlock()
	c.mu.Lock()
	topics := make([]string, 0, len(c.subs))
	for _, s := range c.subs {
		topics = append(topics, s.topic)
	}
	c.subs = nil
	c.mu.Unlock()
	for _, t := range topics {
		h.detach(c, t)
	}
}

// attach indexes c under topic; it reports whether c is the first local
// subscriber.
func (h *Hub) attach(c *conn, topic string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	first := len(h.topics[topic]) == 0
	addTo(h.topics, topic, c)
	return first
}

func (h *Hub) detach(c *conn, topic string) {
	h.mu.Lock()
	removeFrom(h.topics, topic, c)
	h.mu.Unlock()
	h.publishEphemeral(ephemeral{Op: opLeave, Topic: topic, Node: h.node, Conn: c.id})
}

func addTo(m map[string]map[*conn]struct{}, k string, c *conn) {
	s := m[k]
	if s == nil {
		s = map[*conn]struct{}{}
		m[k] = s
	}
	s[c] = struct{}{}
}

func removeFrom(m map[string]map[*conn]struct{}, k string, c *conn) {
	if s := m[k]; s != nil {
		delete(s, c)
		if len(s) == 0 {
			delete(m, k)
		}
	}
}

// Resync makes every live subscription catch up from the store, e.g. after
// the broker reconnected and messages may have been missed meanwhile.
func (h *Hub) Resync() {
	h.mu.RLock()
	conns := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.RUnlock()
	for _, c := range conns {
		go c.resync()
	}
}

// onMessage is the broker handler: it must not block.
func (h *Hub) onMessage(subject string, data []byte) {
	switch subject {
	case SubjectEvents:
		var ev wireEvent
		if err := json.Unmarshal(data, &ev); err != nil || ev.Subject == "" {
			h.cfg.Logger.Warn("realtime: unreadable event on the broker", "error", err)
			return
		}
		h.fanOut(ev)
	case SubjectEphemeral:
		var e ephemeral
		if err := json.Unmarshal(data, &e); err != nil || e.Topic == "" {
			h.cfg.Logger.Warn("realtime: unreadable presence message on the broker", "error", err)
			return
		}
		h.onEphemeral(e)
	}
}

// revoking are the event types after which an account's subscriptions are
// decided again at once.
var revoking = map[string]bool{
	"consent.withdrawn":              true,
	"identity.membership_removed":    true,
	"identity.account_erased":        true,
	"auth.signed_out":                true, // one device: its sockets close, the others stay
	"auth.signed_out_everywhere":     true,
	"auth.refresh_reused":            true,
	"consent.guardian_control_ended": true,
}

func (h *Hub) fanOut(ev wireEvent) {
	out := outEvent{Type: "event", Topic: ev.Subject, ID: ev.ID, Event: ev.Type, Actor: ev.Actor, Time: ev.Time, Data: ev.Data}
	msg, err := json.Marshal(out)
	if err != nil {
		return
	}
	vs := h.variants(msg, pseudonymousEvent(out))
	var slow []*conn
	h.mu.RLock()
	for c := range h.topics[ev.Subject] {
		if !c.deliver(ev.Subject, ev.ID, vs.forConn(c)) {
			slow = append(slow, c)
		}
	}
	var affected []*conn
	account, ok := cutPrefix(ev.Subject, "account:")
	if !ok || !revoking[ev.Type] {
		account = ""
		if h.cfg.Revokes != nil {
			account = h.cfg.Revokes(ev.Type, ev.Data)
		}
	}
	if account != "" {
		for c := range h.accounts[account] {
			// At once, before the change's caller hears back: the next
			// edit on the socket is decided again.
			c.revokeEdits()
			affected = append(affected, c)
		}
	}
	h.mu.RUnlock()
	for _, c := range slow {
		c.drop()
	}
	for _, c := range affected {
		go c.reauthorize(ev.Type)
	}
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) > len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return "", false
}

// broadcast sends msg (as vs renders it for each, when not nil) to every
// local subscriber of topic except skip.
func (h *Hub) broadcast(topic string, msg []byte, skip string, vs ...*variants) {
	var slow []*conn
	h.mu.RLock()
	for c := range h.topics[topic] {
		m := msg
		if len(vs) > 0 {
			m = vs[0].forConn(c)
		}
		if c.id != skip && !c.sendIfSubscribed(topic, m) {
			slow = append(slow, c)
		}
	}
	h.mu.RUnlock()
	for _, c := range slow {
		c.drop()
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
