package realtime

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"chorus/store"
)

// wireEvent is a stored event as it travels on the broker.
type wireEvent struct {
	ID      int64           `json:"id"`
	Time    time.Time       `json:"time"`
	Actor   string          `json:"actor"`
	Type    string          `json:"type"`
	Subject string          `json:"subject"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// Feed is a store.Documents that publishes every event it appends, after
// the store accepted it, so every domain change becomes a real-time event
// without the domain knowing. All other methods go to the wrapped store.
type Feed struct {
	store.Documents
	Broker Broker
	// OnError is told when an accepted event could not be published (nil:
	// ignored). The change itself stands: the event is stored, and clients
	// get it when they resume from the store.
	OnError func(error)

	// mu keeps append and publish in one order within this process, so a
	// hub never sees a newer event of this process before an older one.
	mu sync.Mutex
}

// Publishing wraps docs so that AppendEvent also publishes on b.
func Publishing(docs store.Documents, b Broker) store.Documents {
	return &Feed{Documents: docs, Broker: b}
}

// AppendEvent stores e and then publishes it.
func (f *Feed) AppendEvent(ctx context.Context, e store.Event) (store.Event, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ev, err := f.Documents.AppendEvent(ctx, e)
	if err != nil {
		return ev, err
	}
	data, err := json.Marshal(wireEvent{ID: ev.ID, Time: ev.Time, Actor: ev.Actor, Type: ev.Type, Subject: ev.Subject, Data: validJSON(ev.Data)})
	if err == nil {
		// The publish must not be cancelled with the request that caused it.
		err = f.Broker.Publish(context.WithoutCancel(ctx), SubjectEvents, data)
	}
	if err != nil && f.OnError != nil {
		f.OnError(err)
	}
	return ev, nil
}

func validJSON(b json.RawMessage) json.RawMessage {
	if len(b) == 0 || !json.Valid(b) {
		return nil
	}
	return b
}
