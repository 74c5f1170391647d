package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// rawUpgrade is the opening handshake of a websocket on /ws with a ticket,
// as a client writes it.
func rawUpgrade(base, ticket string) []byte {
	host := strings.TrimPrefix(base, "http://")
	return []byte("GET /ws?ticket=" + url.QueryEscape(ticket) + " HTTP/1.1\r\nHost: " + host +
		"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
}

// clientFrame is one masked text frame, as a client sends it (RFC 6455 5.3).
func clientFrame(payload []byte) []byte {
	key := [4]byte{0x12, 0x34, 0x56, 0x78}
	f := []byte{0x81, 0x80 | byte(len(payload))} // payloads here stay below 126 bytes
	f = append(f, key[:]...)
	for i, b := range payload {
		f = append(f, b^key[i%4])
	}
	return f
}

// TestRealtimeHandOffReadsFromTheNetwork: the socket is served after the
// upgrade handler has returned, reading from the network itself. A frame
// sent as soon as the handshake's answer arrived is read; a client that
// sent a frame before the answer (bytes left in the HTTP server's reader,
// which goes back to its pool) is refused, never served from that reader.
func TestRealtimeHandOffReadsFromTheNetwork(t *testing.T) {
	base, _, stderr := start(t, nil)
	coord, _, _, group := coordinatorWithGroup(t, base, stderr)
	sub, _ := json.Marshal(map[string]any{"type": "subscribe", "topic": "group:" + group})

	open := func(t *testing.T, early bool) (net.Conn, *bufio.Reader) {
		t.Helper()
		tk := str(coord.do("POST", "/api/ws-ticket", nil, 201), "ticket")
		nc, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { nc.Close() })
		nc.SetDeadline(time.Now().Add(patience))
		req := rawUpgrade(base, tk)
		if early {
			req = append(req, clientFrame(sub)...) // one write: the frame does not wait for the answer
		}
		if _, err := nc.Write(req); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(nc)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusSwitchingProtocols {
			t.Fatalf("upgrade: got %d, want 101", resp.StatusCode)
		}
		return nc, br
	}

	t.Run("a frame right after the answer is read", func(t *testing.T) {
		nc, br := open(t, false)
		if _, err := nc.Write(clientFrame(sub)); err != nil {
			t.Fatal(err)
		}
		head := make([]byte, 2)
		if _, err := io.ReadFull(br, head); err != nil {
			t.Fatalf("no answer to the subscribe: %v", err)
		}
		msg := make([]byte, head[1]&0x7f)
		if head[1]&0x7f >= 126 {
			t.Fatalf("unexpectedly long answer: % x", head)
		}
		if _, err := io.ReadFull(br, msg); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(msg), `"subscribed"`) {
			t.Fatalf("got %s, want subscribed", msg)
		}
	})

	t.Run("a frame sent before the answer is refused", func(t *testing.T) {
		_, br := open(t, true)
		rest, err := io.ReadAll(br)
		if err != nil && !isReset(err) {
			t.Fatalf("reading after the answer: %v", err)
		}
		if len(rest) != 0 {
			t.Fatalf("got % x after the answer, want the connection closed", rest)
		}
	})
}

func isReset(err error) bool {
	return strings.Contains(err.Error(), "connection reset")
}
