package httpapi

import (
	"bytes"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	fws "github.com/fasthttp/websocket"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/websocket/v2"
)

// countingListener counts the writes on the connections it accepts.
type countingListener struct {
	net.Listener
	writes atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, writes: &l.writes}, nil
}

type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c *countingConn) Write(b []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(b)
}

// TestASocketWritesAFrameAtOnce: a message of a few KiB (a busy topic's
// frame) goes to the network in one write, not its start and then the
// rest: each write is a system call, and under load writing is most of
// what the server does.
func TestASocketWritesAFrameAtOnce(t *testing.T) {
	for _, size := range []int{100, 3 << 10, wsWriteBuffer - 64} {
		msg := []byte(strings.Repeat("x", size))
		var writes int64
		written := make(chan struct{})
		app := fiber.New(fiber.Config{DisableStartupMessage: true})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		cl := &countingListener{Listener: ln}
		app.Get("/ws", websocket.New(func(c *websocket.Conn) {
			before := cl.writes.Load()
			_ = c.WriteMessage(websocket.TextMessage, msg)
			writes = cl.writes.Load() - before
			close(written)
			_, _, _ = c.ReadMessage() // until the client closes
		}, socketConfig()))
		go func() { _ = app.Listener(cl) }()
		d := fws.Dialer{HandshakeTimeout: 5 * time.Second}
		conn, _, err := d.Dial("ws://"+ln.Addr().String()+"/ws", nil)
		if err != nil {
			t.Fatal(err)
		}
		_, got, err := conn.ReadMessage()
		conn.Close()
		_ = app.Shutdown()
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("%d bytes: read %d bytes, %v", size, len(got), err)
		}
		<-written
		if n := writes; n != 1 {
			t.Errorf("a %d-byte message took %d writes, want 1", size, n)
		}
	}
}
