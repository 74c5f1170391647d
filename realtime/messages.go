package realtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The client-to-server message types.
const (
	MsgSubscribe   = "subscribe"   // {topic, after?}: start receiving a topic, resuming after an event id
	MsgUnsubscribe = "unsubscribe" // {topic}
	MsgPresence    = "presence"    // {topic, itemId?}: which item I am on ("" for none)
	MsgTyping      = "typing"      // {topic, itemId}: I am typing in an item
	MsgEdit        = "edit"        // {topic, itemId, field, base, op, client, seq}: a change of a document the topic names (see Config.Edit)
)

// The server-to-client message types (besides presence and typing).
const (
	MsgSubscribed   = "subscribed"   // {topic, last}: the subscription is live; last is the newest event id sent
	MsgUnsubscribed = "unsubscribed" // {topic, reason, code?}: a subscription ended (asked for, or no longer allowed)
	MsgEvent        = "event"        // {topic, id, event, actor, time, data}: a domain event
	MsgRefetch      = "refetch"      // {topic}: what was missed is too old to replay: reload over HTTP
	MsgError        = "error"        // {code, message, topic?}
	MsgAck          = "ack"          // {topic, itemId, field, client, seq, version}: an edit was applied (or had been, when sent again)
	MsgRefused      = "refused"      // {topic, itemId, field, client, seq, code, message}: an edit was not applied, and why
)

// Messages splits a frame from the server into its messages. The server
// sends one message per frame when it can keep up, and everything that
// waited, one message per line, when it is busy; a client reads every frame
// through this (the web client does the same).
func Messages(frame []byte) [][]byte {
	return bytes.Split(frame, []byte{'\n'})
}

// MaxTopicLen and MaxItemLen bound identifiers in client messages.
const (
	MaxTopicLen = 200
	MaxItemLen  = 200
	// MaxHave is how many ids a resuming client may say it has beyond its
	// resume point: as many as a subscription remembers (lateWindow).
	MaxHave = lateWindow
)

// Inbound is a message from a client.
type Inbound struct {
	Type  string `json:"type"`
	Topic string `json:"topic,omitempty"`
	After *int64 `json:"after,omitempty"`
	// Have are the ids of events newer than After the client already has
	// (at most MaxHave): events reach a client out of id order, so After is
	// the point up to which it has everything, not the newest id it saw.
	Have   []int64 `json:"have,omitempty"`
	ItemID string  `json:"itemId,omitempty"`

	// An edit's, passed on to Config.Edit as they are.
	Field  string          `json:"field,omitempty"`
	Base   int64           `json:"base,omitempty"`
	Op     json.RawMessage `json:"op,omitempty"`
	Client string          `json:"client,omitempty"`
	Seq    int64           `json:"seq,omitempty"`
}

// DecodeInbound parses and validates one client message. Errors are
// client-safe explanations.
func DecodeInbound(data []byte) (Inbound, error) {
	var in Inbound
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return Inbound{}, errors.New("The message is not valid JSON of a known shape.")
	}
	if dec.More() {
		return Inbound{}, errors.New("The message has extra data after the JSON.")
	}
	switch in.Type {
	case MsgSubscribe, MsgUnsubscribe, MsgPresence, MsgTyping, MsgEdit:
	case "":
		return Inbound{}, errors.New("The message has no type.")
	default:
		return Inbound{}, errors.New("Unknown message type: expected subscribe, unsubscribe, presence, typing or edit.")
	}
	if in.Topic == "" || len(in.Topic) > MaxTopicLen || !strings.Contains(in.Topic, ":") || strings.ContainsAny(in.Topic, " \t\r\n*>") {
		return Inbound{}, errors.New("The topic is missing or not valid (expected kind:id, e.g. group:123).")
	}
	if len(in.ItemID) > MaxItemLen {
		return Inbound{}, errors.New("The itemId is too long.")
	}
	if in.After != nil && (*in.After < 0 || in.Type != MsgSubscribe) {
		return Inbound{}, errors.New("after must be a non-negative event id, on subscribe only.")
	}
	if len(in.Have) > 0 {
		if in.After == nil || len(in.Have) > MaxHave {
			return Inbound{}, fmt.Errorf("have lists at most %d event ids, with after.", MaxHave)
		}
		for _, id := range in.Have {
			if id <= *in.After {
				return Inbound{}, errors.New("have lists ids newer than after only.")
			}
		}
	}
	if in.Type == MsgTyping && in.ItemID == "" {
		return Inbound{}, errors.New("typing needs an itemId.")
	}
	if in.Type == MsgEdit && (in.ItemID == "" || in.Field == "" || len(in.Op) == 0) {
		return Inbound{}, errors.New("edit needs an itemId, a field and an op.")
	}
	if in.Type != MsgEdit && (in.Field != "" || in.Base != 0 || len(in.Op) > 0 || in.Client != "" || in.Seq != 0) {
		return Inbound{}, errors.New("field, base, op, client and seq belong to an edit.")
	}
	return in, nil
}

type outEvent struct {
	Type  string          `json:"type"`
	Topic string          `json:"topic"`
	ID    int64           `json:"id"`
	Event string          `json:"event"`
	Actor string          `json:"actor"`
	Time  time.Time       `json:"time"`
	Data  json.RawMessage `json:"data,omitempty"`
}

type outSimple struct {
	Type    string `json:"type"`
	Topic   string `json:"topic,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// outEdit answers an edit: type MsgAck with Version, or MsgRefused with
// Code and Message.
type outEdit struct {
	Type    string `json:"type"`
	Topic   string `json:"topic"`
	ItemID  string `json:"itemId"`
	Field   string `json:"field"`
	Client  string `json:"client,omitempty"`
	Seq     int64  `json:"seq"`
	Version int64  `json:"version,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

type outSubscribed struct {
	Type  string `json:"type"`
	Topic string `json:"topic"`
	Last  int64  `json:"last"`
}

// PresenceMember is one person in a topic, and the item they are on.
type PresenceMember struct {
	AccountID string `json:"accountId"`
	ItemID    string `json:"itemId,omitempty"`
}

type outPresence struct {
	Type    string           `json:"type"`
	Topic   string           `json:"topic"`
	Members []PresenceMember `json:"members"`
}

type outTyping struct {
	Type      string `json:"type"`
	Topic     string `json:"topic"`
	AccountID string `json:"accountId"`
	ItemID    string `json:"itemId"`
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only types of this package, which always encode
	}
	return b
}
