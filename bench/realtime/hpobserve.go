package realtime

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"
	"golang.org/x/sys/unix"
)

// Hocuspocus's observers, the sockets of a run that do not edit, are read
// here rather than in node: a Go reader handles the 100,000+ messages a
// second of a 200-author run in a fraction of the core node needed for it
// (1.3-1.6 of the machine's 2 cores went to node's observers, so the peer's
// latency measured its load generator more than its server). Chorus's
// observers are Go too. Each observer joins the document as
// bench/hocuspocus/protocol.mjs does and spots the markers in the bytes of
// each update (Yjs writes an inserted string into the update as UTF-8;
// protocol.test.mjs checks it).

// hpSeen is how many observers received a marker, and when the last did.
type hpSeen struct {
	n    atomic.Int64
	last atomic.Int64 // microseconds on monoMicros's clock
}

// monoMicros reads CLOCK_MONOTONIC, the clock the node side stamps its
// edits with (process.hrtime): the wall clock is no good across processes
// here, as it runs faster than the monotonic one while it is being
// corrected (0.5 % on this machine, tens of ms over a run).
func monoMicros() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		panic(err) // Linux always has it
	}
	return ts.Nano() / 1000
}

type hpObservers struct {
	conns []*websocket.Conn
	mu    sync.RWMutex
	seen  map[string]*hpSeen
	last  atomic.Int64 // ns since epoch of the last message any observer got
	// editingMsgs counts the messages the observers got while editing is set.
	editing     atomic.Bool
	editingMsgs atomic.Int64
	epoch       time.Time
	wg          sync.WaitGroup
}

// hpJoin is what a client joining document sends first: an auth message
// with no token, then sync step 1 with an empty state vector.
func hpJoin(document string) [][]byte {
	name := appendVarBytes(nil, []byte(document))
	auth := append(append([]byte(nil), name...), 2, 0, 0) // auth, token, ""
	step1 := append(append([]byte(nil), name...), 0, 0, 1, 0)
	return [][]byte{auth, step1}
}

func appendVarUint(b []byte, n uint64) []byte {
	for n > 0x7f {
		b = append(b, byte(n&0x7f|0x80))
		n >>= 7
	}
	return append(b, byte(n))
}

func appendVarBytes(b, p []byte) []byte { return append(appendVarUint(b, uint64(len(p))), p...) }

func readVarUint(b []byte, at int) (uint64, int, bool) {
	var n uint64
	for shift := 0; at < len(b) && shift < 64; shift += 7 {
		c := b[at]
		at++
		n |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return n, at, true
		}
	}
	return 0, at, false
}

// hpUpdate is the document update a message carries (sync step 2 or
// update), or nil for any other message.
func hpUpdate(msg []byte) []byte {
	n, at, ok := readVarUint(msg, 0)
	if !ok || uint64(len(msg)-at) < n {
		return nil
	}
	at += int(n)
	typ, at, ok := readVarUint(msg, at)
	if !ok || typ != 0 {
		return nil
	}
	step, at, ok := readVarUint(msg, at)
	if !ok || (step != 1 && step != 2) {
		return nil
	}
	n, at, ok = readVarUint(msg, at)
	if !ok || uint64(len(msg)-at) < n {
		return nil
	}
	return msg[at : at+int(n)]
}

// eachMarker calls f with every "[<author>.<seq>]" (base 36) in b.
func eachMarker(b []byte, f func(m []byte)) {
	for {
		i := bytes.IndexByte(b, '[')
		if i < 0 {
			return
		}
		b = b[i:]
		j, dot := 1, 0
		for ; j < len(b); j++ {
			c := b[j]
			if c == '.' && dot == 0 && j > 1 {
				dot = j
				continue
			}
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z') {
				break
			}
		}
		if j < len(b) && b[j] == ']' && dot > 0 && j > dot+1 {
			f(b[:j+1])
			b = b[j+1:]
		} else {
			b = b[1:]
		}
	}
}

// openHPObservers opens n sockets to the Hocuspocus server at url, each
// joined to document, and waits until the server has answered each join.
func openHPObservers(ctx context.Context, url, document string, n int) (*hpObservers, error) {
	o := &hpObservers{seen: map[string]*hpSeen{}, epoch: time.Now()}
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second, NetDialContext: (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		ReadBufferSize: 4096, WriteBufferSize: 512}
	join := hpJoin(document)
	conns, err := inParallel(n, 16, func(int) (*websocket.Conn, error) {
		c, _, err := d.DialContext(ctx, url, nil)
		if err != nil {
			return nil, err
		}
		for _, m := range join {
			if err := c.WriteMessage(websocket.BinaryMessage, m); err != nil {
				c.Close()
				return nil, err
			}
		}
		// The server's sync step 2 says the socket has joined.
		_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
		for {
			_, msg, err := c.ReadMessage()
			if err != nil {
				c.Close()
				return nil, fmt.Errorf("joining %s: %w", document, err)
			}
			if hpUpdate(msg) != nil {
				break
			}
		}
		_ = c.SetReadDeadline(time.Time{})
		return c, nil
	})
	for _, c := range conns {
		if c != nil {
			o.conns = append(o.conns, c)
		}
	}
	if err != nil {
		o.close()
		return nil, err
	}
	for _, c := range o.conns {
		o.wg.Add(1)
		go o.read(c)
	}
	return o, nil
}

func (o *hpObservers) read(c *websocket.Conn) {
	defer o.wg.Done()
	var buf bytes.Buffer
	for {
		_, r, err := c.NextReader()
		if err != nil {
			return
		}
		buf.Reset()
		if _, err := buf.ReadFrom(r); err != nil {
			return
		}
		now := time.Now()
		o.last.Store(int64(now.Sub(o.epoch)))
		if o.editing.Load() {
			o.editingMsgs.Add(1)
		}
		update := hpUpdate(buf.Bytes())
		if update == nil {
			continue
		}
		at := monoMicros()
		eachMarker(update, func(m []byte) {
			o.mu.RLock()
			s := o.seen[string(m)]
			o.mu.RUnlock()
			if s == nil {
				o.mu.Lock()
				if s = o.seen[string(m)]; s == nil {
					s = &hpSeen{}
					o.seen[string(m)] = s
				}
				o.mu.Unlock()
			}
			s.n.Add(1)
			for l := s.last.Load(); at > l && !s.last.CompareAndSwap(l, at); l = s.last.Load() {
			}
		})
	}
}

// quiet waits until no observer got a message for a second, at most limit.
func (o *hpObservers) quiet(ctx context.Context, limit time.Duration) {
	waitQuiet(ctx, &o.last, o.epoch, time.Second, limit)
}

// close closes every socket and waits for the readers.
func (o *hpObservers) close() {
	for _, c := range o.conns {
		c.Close()
	}
	o.wg.Wait()
}

// received is how many observers got marker m, and when the last did (ms
// on the monotonic clock).
func (o *hpObservers) received(m string) (int, float64) {
	o.mu.RLock()
	s := o.seen[m]
	o.mu.RUnlock()
	if s == nil {
		return 0, 0
	}
	return int(s.n.Load()), float64(s.last.Load()) / 1000
}
