package httpapi

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/websocket/v2"

	"chorus/app"
	"chorus/auth"
	"chorus/fault"
	"chorus/moderation/livesession"
	"chorus/policy"
	"chorus/realtime"
	"chorus/round"
	"chorus/store"
)

// Realtime is what the websocket endpoint needs from the composition root.
type Realtime struct {
	Hub     *realtime.Hub
	Tickets *Tickets
	// Topics decides subscriptions; capabilities add their topic kinds
	// with Topics.Handle (e.g. "pledge:").
	Topics *TopicPolicy
}

// --- who may subscribe to what ---

// TopicRule decides whether subject may follow the topic <prefix><id>: nil
// allows; a fault error says why not.
type TopicRule func(ctx context.Context, s policy.Subject, id string) error

// TopicPolicy authorises websocket subscriptions with the same policy as the
// HTTP API. Each topic kind ("group:", "panel:", "account:", and whatever a
// capability registers with Handle, e.g. "pledge:") has one rule.
type TopicPolicy struct {
	api   *API
	mu    sync.RWMutex
	rules map[string]TopicRule
}

// NewTopicPolicy returns the policy for the topics of the services.
func NewTopicPolicy(p *app.Services) *TopicPolicy {
	t := &TopicPolicy{api: &API{people: p}, rules: map[string]TopicRule{}}
	t.Handle("group:", t.group)
	t.Handle("panel:", t.panel)
	t.Handle("account:", t.account)
	if p.Pledges != nil {
		t.Handle("pledge:", t.pledge)
	}
	if p.Moderation != nil {
		t.Handle("moderation:", t.moderationTopic)
	}
	if p.LiveSessions != nil {
		t.Handle(livesession.TopicPrefix, t.sessionTopic)
	}
	if p.Rounds != nil {
		t.Handle(round.TopicPrefix, t.roundTopic)
	}
	return t
}

// Handle registers the rule for topics starting with prefix (which ends
// with ":"), replacing any earlier one.
func (t *TopicPolicy) Handle(prefix string, rule TopicRule) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rules[prefix] = rule
}

// Authorize decides a subscribe, and decides again whenever something may
// have taken the right away (the subject is rebuilt from the store each
// time, so a withdrawn consent or a lost membership counts at once).
func (t *TopicPolicy) Authorize(ctx context.Context, accountID, topic string) error {
	i := strings.IndexByte(topic, ':')
	if i <= 0 || i == len(topic)-1 {
		return fault.Errorf(fault.Invalid, "The topic is not valid (expected kind:id, e.g. group:123).")
	}
	t.mu.RLock()
	rule := t.rules[topic[:i+1]]
	t.mu.RUnlock()
	if rule == nil {
		return fault.Errorf(fault.NotFound, "There is no such topic.")
	}
	cl, err := t.api.callerFor(ctx, accountID)
	if err != nil {
		if fault.Is(err, fault.NotFound) {
			return fault.Errorf(fault.Unauthorized, "Please sign in.")
		}
		return err
	}
	if err := t.api.withoutSuspended(ctx, &cl); err != nil {
		return err
	}
	return rule(ctx, cl.Subject, topic[i+1:])
}

func (t *TopicPolicy) group(ctx context.Context, s policy.Subject, id string) error {
	ids := t.api.people.Identity
	g, err := ids.Group(ctx, id)
	if err != nil {
		return err
	}
	p, err := ids.Panel(ctx, g.PanelID)
	if err != nil {
		return err
	}
	return policy.Check(s, policy.SpaceView, policy.Resource{Kind: policy.KindSpace, PanelID: p.ID, GroupID: g.ID, CentreID: p.OrgID})
}

// pledge allows the live feed of a pledge only to those who may see its
// drafts (pledge.view): the feed carries every edit, so partners, who may
// see published versions only, never subscribe.
func (t *TopicPolicy) pledge(ctx context.Context, s policy.Subject, id string) error {
	p, err := t.api.people.Pledges.Pledge(ctx, id)
	if err != nil {
		return err
	}
	r, err := t.api.pledgeResource(ctx, p, false)
	if err != nil {
		return err
	}
	return policy.Check(s, policy.PledgeView, r)
}

func (t *TopicPolicy) panel(ctx context.Context, s policy.Subject, id string) error {
	p, err := t.api.people.Identity.Panel(ctx, id)
	if err != nil {
		return err
	}
	return policy.Check(s, policy.PanelFollowLive, policy.Resource{Kind: policy.KindPanel, PanelID: p.ID, CentreID: p.OrgID})
}

// Signal decides presence and typing (realtime.Config.Signal). They reach
// everyone on the topic, minors included, so they go only where the person
// may write (a pledge they may edit, their group's space, a live session
// they may post in; nobody writes on a panel's, an account's or the
// moderation feed) and carry only what the server knows: an item of that
// pledge, or no item at all elsewhere.
func (t *TopicPolicy) Signal(ctx context.Context, accountID, topic, itemID string) error {
	kind, id, _ := strings.Cut(topic, ":")
	cl, err := t.api.callerFor(ctx, accountID)
	if err != nil {
		if fault.Is(err, fault.NotFound) {
			return fault.Errorf(fault.Unauthorized, "Please sign in.")
		}
		return err
	}
	if err := t.api.withoutSuspended(ctx, &cl); err != nil {
		return err
	}
	noItem := func() error {
		if itemID != "" {
			return fault.Errorf(fault.Invalid, "There are no items to be on here.")
		}
		return nil
	}
	switch kind + ":" {
	case "pledge:":
		if t.api.people.Pledges == nil {
			break
		}
		p, err := t.api.pledgeAllowed(ctx, cl, id, policy.PledgeEdit)
		if err != nil {
			return err
		}
		if itemID != "" && !slices.Contains(p.ItemIDs, itemID) {
			return fault.Errorf(fault.Invalid, "This pledge has no such item.")
		}
		return nil
	case "group:":
		g, err := t.api.people.Identity.Group(ctx, id)
		if err != nil {
			return err
		}
		r, err := t.api.withModerator(ctx, policy.Resource{Kind: policy.KindSpace, PanelID: g.PanelID, GroupID: g.ID})
		if err != nil {
			return err
		}
		if err := policy.Check(cl.Subject, policy.SpacePost, r); err != nil {
			return err
		}
		return noItem()
	case livesession.TopicPrefix:
		svc, err := t.api.liveSessions()
		if err != nil {
			return err
		}
		sess, err := svc.Session(ctx, id)
		if err != nil {
			return err
		}
		if err := policy.Check(cl.Subject, policy.SessionPost, sessionResource(cl.Subject, sess)); err != nil {
			return err
		}
		return noItem()
	}
	return fault.Errorf(fault.Forbidden, "Nobody writes here: this feed only brings news.")
}

// account: a person's own feed (consent changes, memberships, sign-outs) is
// theirs alone; the policy's rule for their own account data decides.
func (t *TopicPolicy) account(_ context.Context, s policy.Subject, id string) error {
	return policy.Check(s, policy.AccountExportOwn, policy.Resource{Kind: policy.KindAccount, OwnerID: id})
}

// --- single-use tickets for clients that cannot send the cookie ---

// TicketTTL is how long a websocket ticket may wait to be used.
const TicketTTL = 30 * time.Second

// TicketsCollection keeps tickets, by the SHA-256 of the ticket.
const TicketsCollection = "ws_tickets"

// Tickets issues and redeems short-lived, single-use websocket tickets. Only
// a hash is stored; the store's expiry hides a ticket after TicketTTL.
type Tickets struct {
	docs store.Documents
	now  func() time.Time
}

type ticketDoc struct {
	AccountID string    `json:"accountId"`
	SessionID string    `json:"sessionId"`
	TokenExp  time.Time `json:"tokenExpiresAt"` // the socket lives no longer than the token that asked for it
}

// NewTickets declares the ticket collection.
func NewTickets(ctx context.Context, docs store.Documents, now func() time.Time) (*Tickets, error) {
	if now == nil {
		now = time.Now
	}
	if err := docs.Declare(ctx, store.Schema{Collection: TicketsCollection}); err != nil {
		return nil, err
	}
	return &Tickets{docs: docs, now: now}, nil
}

func ticketID(ticket string) string {
	h := sha256.Sum256([]byte(ticket))
	return hex.EncodeToString(h[:])
}

// Issue returns a new ticket for the holder of claims.
func (t *Tickets) Issue(ctx context.Context, claims auth.Claims) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fault.Wrap(fault.Internal, err, "cannot make a ticket")
	}
	ticket := base64.RawURLEncoding.EncodeToString(b)
	doc := ticketDoc{AccountID: claims.AccountID, SessionID: claims.SessionID, TokenExp: claims.ExpiresAt}
	if err := store.InsertAs(ctx, t.docs, TicketsCollection, ticketID(ticket), doc, t.now().Add(TicketTTL)); err != nil {
		return "", err
	}
	return ticket, nil
}

// Redeem uses up a ticket; fault.Unauthorized when it is unknown, expired
// or already used.
func (t *Tickets) Redeem(ctx context.Context, ticket string) (ticketDoc, error) {
	bad := fault.Errorf(fault.Unauthorized, "This connection ticket is not valid: ask for a new one.")
	if ticket == "" || len(ticket) > 100 {
		return ticketDoc{}, bad
	}
	id := ticketID(ticket)
	d, err := store.GetAs[ticketDoc](ctx, t.docs, TicketsCollection, id)
	if err != nil {
		if fault.Is(err, fault.NotFound) {
			return ticketDoc{}, bad
		}
		return ticketDoc{}, err
	}
	// Whoever deletes it used it: a second use finds nothing to delete.
	if err := t.docs.Delete(ctx, TicketsCollection, id); err != nil {
		if fault.Is(err, fault.NotFound) {
			return ticketDoc{}, bad
		}
		return ticketDoc{}, err
	}
	return d.Value, nil
}

// --- routes ---

func (a *API) realtimeRoutes() []route {
	return []route{
		{fiber.MethodGet, "/ws", a.wsEndpoint()},
		{fiber.MethodPost, "/api/ws-ticket", a.postWSTicket},
	}
}

func (a *API) realtime() (*Realtime, error) {
	if a.deps.Realtime == nil || a.deps.Realtime.Hub == nil {
		return nil, fault.Errorf(fault.Unavailable, "Live updates are not available on this server.")
	}
	return a.deps.Realtime, nil
}

// accessClaims verifies the caller's access token (Bearer header or cookie)
// and that its session is still active.
func (a *API) accessClaims(c *fiber.Ctx) (auth.Claims, error) {
	token := bearer(c)
	if token == "" {
		token = c.Cookies(accessCookie)
	}
	if token == "" {
		return auth.Claims{}, fault.Errorf(fault.Unauthorized, "Please sign in.")
	}
	claims, err := a.people.Tokens.Verify(token)
	if err != nil {
		return auth.Claims{}, err
	}
	if err := a.people.Sessions.SessionActive(c.UserContext(), claims.SessionID); err != nil {
		return auth.Claims{}, err
	}
	return claims, nil
}

// postWSTicket gives a non-browser client a ticket to open /ws with
// (?ticket=...): usable once, within TicketTTL.
func (a *API) postWSTicket(c *fiber.Ctx) error {
	rt, err := a.realtime()
	if err != nil {
		return err
	}
	claims, err := a.accessClaims(c)
	if err != nil {
		return err
	}
	ticket, err := rt.Tickets.Issue(c.UserContext(), claims)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(http.StatusCreated).JSON(fiber.Map{"ticket": ticket, "expiresIn": int(TicketTTL.Seconds())})
}

const peerLocal = "realtime.peer"

// wsEndpoint authenticates before the upgrade (a problem+json answer when
// that fails), then hands the socket to the hub on a goroutine of its own
// and returns. fasthttp keeps the request's context (the parsed request,
// its headers and cookies) and gofiber/websocket its copies of them until
// the upgrade handler returns; an idle socket lives for hours, so the
// handler returns at once and the socket keeps only what the hub needs (the
// Peer). The server keeps hijacked connections open for it
// (KeepHijackedConns, see New): the hub closes the socket.
func (a *API) wsEndpoint() fiber.Handler {
	upgrade := websocket.New(func(conn *websocket.Conn) {
		peer, _ := conn.Locals(peerLocal).(realtime.Peer)
		sock := conn.Conn
		if !readsFromNetwork(sock.NetConn()) {
			_ = sock.Close()
			return
		}
		go a.serveSocket(sock, peer)
	}, socketConfig())
	return func(c *fiber.Ctx) error {
		if _, err := a.realtime(); err != nil {
			return err
		}
		if !websocket.IsWebSocketUpgrade(c) {
			return fault.Errorf(fault.Invalid, "This address is for websocket connections.")
		}
		peer, err := a.wsPeer(c)
		if err != nil {
			return err
		}
		c.Locals(peerLocal, peer)
		return upgrade(c)
	}
}

// socketConfig is how sockets are upgraded.
func socketConfig() websocket.Config {
	return websocket.Config{
		HandshakeTimeout: 10 * time.Second,
		// Most sockets sit idle between events: a shared pool lends a write
		// buffer only while a message is being written.
		WriteBufferPool: &sync.Pool{},
		WriteBufferSize: wsWriteBuffer,
		// The socket reads straight from the network (see
		// readsFromNetwork): its own buffer is the only one, large enough
		// for a frame header and a control frame; a message's payload is
		// read past it into the hub's pooled buffers.
		ReadBufferSize: wsReadBuffer,
	}
}

// wsReadBuffer is the size of a socket's read buffer, kept for its life.
const wsReadBuffer = 128

// wsWriteBuffer is the size of the buffer a socket borrows from the pool
// while it writes a message. A message that does not fit goes out as two
// writes (the frame's start, then the rest; the hijacked connection
// cannot gather them into one system call). With gofiber's 1 KiB default
// a busy topic's frames (1-4 KiB) were all written twice, and at 400
// co-editing authors writing took 48 % of the server's CPU (36 % once
// written once). 16 KiB holds nearly every frame (the hub's stop at
// 64 KiB); only the sockets writing at that moment hold one.
const wsWriteBuffer = 16 << 10

func (a *API) serveSocket(sock realtime.Socket, peer realtime.Peer) {
	a.metrics.wsConnections.Inc()
	defer a.metrics.wsConnections.Dec()
	err := a.deps.Realtime.Hub.Serve(context.Background(), sock, peer)
	if errors.Is(err, realtime.ErrTooSlow) {
		a.metrics.wsDropped.Inc()
	}
}

// readsFromNetwork reports whether nothing the client sent waits in the
// HTTP server's buffered reader, so that the socket reads from the network
// itself and the reader is free to go back to the server's pool once the
// upgrade handler returns (with ReduceMemoryUsage, see New, fasthttp hands
// a hijacked connection its reader only when bytes are left in it). A
// client may send frames only once it has the handshake's answer (RFC 6455
// 4.1), so bytes left over from the upgrade request are a client that did
// not wait: it is refused, as net/http's websocket upgrader does. The probe
// reads with a deadline already past, which fails before reading anything
// from the network, so a frame sent after the answer stays where it is.
func readsFromNetwork(nc net.Conn) bool {
	if err := nc.SetReadDeadline(time.Unix(1, 0)); err != nil {
		return false
	}
	var b [1]byte
	n, _ := nc.Read(b[:])
	return n == 0 && nc.SetReadDeadline(time.Time{}) == nil
}

// wsPeer is who opens a socket: from a ticket, or from the access token
// (cookie or Bearer), whose session is checked again at every heartbeat.
func (a *API) wsPeer(c *fiber.Ctx) (realtime.Peer, error) {
	ctx := c.UserContext()
	var accountID, sessionID string
	var expires time.Time
	if ticket := c.Query("ticket"); ticket != "" {
		d, err := a.deps.Realtime.Tickets.Redeem(ctx, ticket)
		if err != nil {
			return realtime.Peer{}, err
		}
		if err := a.people.Sessions.SessionActive(ctx, d.SessionID); err != nil {
			return realtime.Peer{}, err
		}
		accountID, sessionID, expires = d.AccountID, d.SessionID, d.TokenExp
	} else {
		if bearer(c) == "" && !a.sameOrigin(c) {
			// A cookie is sent by the browser whichever page opens the
			// socket: only our own pages may use it.
			return realtime.Peer{}, fault.Errorf(fault.Forbidden, "Live updates can only be opened from Chorus itself.")
		}
		claims, err := a.accessClaims(c)
		if err != nil {
			return realtime.Peer{}, err
		}
		accountID, sessionID, expires = claims.AccountID, claims.SessionID, claims.ExpiresAt
	}
	sessions := a.people.Sessions
	peer := realtime.Peer{AccountID: accountID, ExpiresAt: expires,
		Active: func(ctx context.Context) error { return sessions.SessionActive(ctx, sessionID) }}
	if ms, err := a.people.Identity.Memberships(ctx, accountID); err == nil {
		peer.Audience = audienceOf(policy.Subject{AccountID: accountID, Memberships: ms}) // partners see pseudonyms
	} else {
		return realtime.Peer{}, err
	}
	return peer, nil
}

// sameOrigin: no Origin (not a browser), or our public address, or the
// address the request came to.
func (a *API) sameOrigin(c *fiber.Ctx) bool {
	origin := c.Get(fiber.HeaderOrigin)
	return origin == "" || origin == strings.TrimSuffix(a.people.PublicURL, "/") || origin == c.Protocol()+"://"+c.Hostname()
}
