// Package realtime is Chorus's real-time core: a broker port that carries
// small messages between processes, a feed that turns every stored domain
// event into a message on that broker, and the hub that fans events,
// presence and typing out to the open websockets of one process.
//
// The flow: a domain service appends an event to the store; the Feed
// decorator publishes it on the broker; every process's Hub receives it and
// pushes it to its sockets subscribed to the event's subject (the topic).
// One process uses LocalBroker; several share a NATS server (natsbroker).
package realtime

import (
	"context"
	"sync"
)

// Broker subjects used by Chorus. Adapters may add a prefix of their own.
const (
	SubjectEvents    = "events"    // stored domain events, JSON of wireEvent
	SubjectEphemeral = "ephemeral" // presence and typing, JSON of ephemeral
)

// Broker is the port for publish/subscribe of small messages between
// processes. Delivery is at most once and, from one publisher, in order;
// a process also receives what it publishes itself.
type Broker interface {
	// Publish sends data on subject. It returns fault.Unavailable (or a
	// wrapped adapter error) when the message cannot be handed over.
	Publish(ctx context.Context, subject string, data []byte) error
	// Subscribe calls handler for every message on every subject, one
	// message at a time, until stop is called. handler must not block.
	Subscribe(handler func(subject string, data []byte)) (stop func(), err error)
	// Close releases the broker.
	Close() error
}

// LocalBroker is the in-process broker: Publish calls every handler
// synchronously, in the publisher's goroutine.
type LocalBroker struct {
	mu       sync.RWMutex
	next     int
	handlers map[int]func(string, []byte)
}

// NewLocalBroker returns an in-process broker.
func NewLocalBroker() *LocalBroker {
	return &LocalBroker{handlers: map[int]func(string, []byte){}}
}

// Publish delivers data to every subscriber before it returns.
func (b *LocalBroker) Publish(_ context.Context, subject string, data []byte) error {
	b.mu.RLock()
	hs := make([]func(string, []byte), 0, len(b.handlers))
	for _, h := range b.handlers {
		hs = append(hs, h)
	}
	b.mu.RUnlock()
	for _, h := range hs {
		h(subject, data)
	}
	return nil
}

// Subscribe registers handler until stop is called.
func (b *LocalBroker) Subscribe(handler func(string, []byte)) (func(), error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	id := b.next
	b.next++
	b.handlers[id] = handler
	return func() {
		b.mu.Lock()
		delete(b.handlers, id)
		b.mu.Unlock()
	}, nil
}

// Close drops every subscriber.
func (b *LocalBroker) Close() error {
	b.mu.Lock()
	b.handlers = map[int]func(string, []byte){}
	b.mu.Unlock()
	return nil
}

var _ Broker = (*LocalBroker)(nil)
