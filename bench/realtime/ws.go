package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fasthttp/websocket"

	protocol "chorus/realtime"
)

// dialWS opens /ws with the access token as the browser sends it (the
// chorus_at cookie; no Origin header, as a non-browser client), from the
// source address local (nil: any).
func dialWS(ctx context.Context, base, token string, local net.IP) (*websocket.Conn, error) {
	nd := &net.Dialer{Timeout: 10 * time.Second}
	if local != nil {
		nd.LocalAddr = &net.TCPAddr{IP: local}
	}
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second, NetDialContext: nd.DialContext, ReadBufferSize: 2048, WriteBufferSize: 512}
	var hdr http.Header
	if token != "" {
		hdr = http.Header{"Cookie": {"chorus_at=" + token}}
	}
	c, resp, err := d.DialContext(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws", hdr)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("websocket upgrade: %s: %w", resp.Status, err)
		}
		return nil, err
	}
	return c, nil
}

// wsMsg is what the benchmark reads of a server message.
type wsMsg struct {
	Type    string `json:"type"`
	Topic   string `json:"topic"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// subscribe subscribes c to topic and waits for the server's answer,
// skipping presence and other messages meanwhile.
func subscribe(c *websocket.Conn, topic string, wait time.Duration) error {
	_ = c.SetWriteDeadline(time.Now().Add(wait))
	if err := c.WriteJSON(map[string]any{"type": "subscribe", "topic": topic}); err != nil {
		return err
	}
	_ = c.SetReadDeadline(time.Now().Add(wait))
	defer c.SetReadDeadline(time.Time{})
	for {
		_, frame, err := c.ReadMessage()
		if err != nil {
			return err
		}
		for _, data := range protocol.Messages(frame) {
			var m wsMsg
			if err := json.Unmarshal(data, &m); err != nil {
				return fmt.Errorf("not JSON: %.100s", data)
			}
			switch {
			case m.Type == "subscribed" && m.Topic == topic:
				return nil
			case m.Type == "error":
				return fmt.Errorf("subscribe %s: %s: %s", topic, m.Code, m.Message)
			}
		}
	}
}

var (
	versionKey = []byte(`"version":`)
	probeKey   = []byte(`"itemId":"`)
	editedKey  = []byte(`"event":"pledge.item_edited"`)
)

// probeNumber is the index of the probe item msg names (probeIndex); -1
// when it names none.
func probeNumber(msg []byte) int64 {
	i := bytes.Index(msg, probeKey)
	if i < 0 {
		return -1
	}
	rest := msg[i+len(probeKey):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return -1
	}
	if k, ok := probeIndex.Load(string(rest[:j])); ok {
		return k.(int64)
	}
	return -1
}

// intAfter reads the decimal number right after key in msg; -1 when absent.
// Reading it this way (rather than decoding the JSON) keeps the load
// generator cheap: it shares the machine with the server.
func intAfter(msg, key []byte, stop byte) int64 {
	i := bytes.Index(msg, key)
	if i < 0 {
		return -1
	}
	rest := msg[i+len(key):]
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	if j == 0 || (stop != 0 && (j >= len(rest) || rest[j] != stop)) {
		return -1
	}
	n, err := strconv.ParseInt(string(rest[:j]), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// editedVersion is the item version a pledge.item_edited event carries,
// or -1 for any other message.
func editedVersion(msg []byte) int64 {
	if !bytes.Contains(msg, editedKey) {
		return -1
	}
	return intAfter(msg, versionKey, 0)
}

// typeText makes the change a person typing would: a few letters inserted
// at one place and, once the text is long enough, as many removed at
// another, so that the item keeps its length over a long run.
func typeText(r *rand.Rand, text string, maxLen int) string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	ins := make([]byte, 3)
	for i := range ins {
		ins[i] = letters[r.IntN(len(letters))]
	}
	at := r.IntN(len(text) + 1)
	text = text[:at] + string(ins) + text[at:]
	if len(text) > maxLen {
		// Concurrent deletions of the same letters count once, while every
		// insertion lands, so the shared text would keep growing: remove
		// what is over the length too (a few letters at a time, as a
		// person deleting a word would).
		n := min(3+len(text)-maxLen, 12)
		del := r.IntN(len(text) - n)
		text = text[:del] + text[del+n:]
	}
	return text
}
