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

// feedTxKey finds, in a context inside a transaction, the events appended
// in it so far.
type feedTxKey struct{ f *Feed }

// pendingEvents are the events appended in one attempt of a transaction.
type pendingEvents struct{ events []store.Event }

// InTransaction runs fn in a transaction of the wrapped store and publishes
// the events fn appended once it committed: an event of a rolled-back
// transaction (or of an attempt the store ran again) is never published.
func (f *Feed) InTransaction(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, in := ctx.Value(feedTxKey{f}).(*pendingEvents); in {
		return f.Documents.InTransaction(ctx, fn)
	}
	var pending *pendingEvents
	err := f.Documents.InTransaction(ctx, func(ctx context.Context) error {
		pending = &pendingEvents{}
		return fn(context.WithValue(ctx, feedTxKey{f}, pending))
	})
	if err != nil || pending == nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ev := range pending.events {
		f.publish(ctx, ev)
	}
	return nil
}

// AppendEvent stores e and then publishes it (inside a transaction: once
// the transaction committed).
func (f *Feed) AppendEvent(ctx context.Context, e store.Event) (store.Event, error) {
	if pending, in := ctx.Value(feedTxKey{f}).(*pendingEvents); in {
		ev, err := f.Documents.AppendEvent(ctx, e)
		if err == nil {
			pending.events = append(pending.events, ev)
		}
		return ev, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ev, err := f.Documents.AppendEvent(ctx, e)
	if err != nil {
		return ev, err
	}
	f.publish(ctx, ev)
	return ev, nil
}

// publish sends a stored event to the broker; callers hold f.mu.
func (f *Feed) publish(ctx context.Context, ev store.Event) {
	data, err := json.Marshal(wireEvent{ID: ev.ID, Time: ev.Time, Actor: ev.Actor, Type: ev.Type, Subject: ev.Subject, Data: validJSON(ev.Data)})
	if err == nil {
		// The publish must not be cancelled with the request that caused it.
		err = f.Broker.Publish(context.WithoutCancel(ctx), SubjectEvents, data)
	}
	if err != nil && f.OnError != nil {
		f.OnError(err)
	}
}

func validJSON(b json.RawMessage) json.RawMessage {
	if len(b) == 0 || !json.Valid(b) {
		return nil
	}
	return b
}
