// Package natsbroker is the realtime.Broker on a NATS server
// (github.com/nats-io/nats.go), for fan-out between several Chorus
// processes. The connection reconnects by itself for as long as the process
// runs; messages published while disconnected are buffered (up to 8 MiB),
// and messages others published meanwhile are lost to this process, which
// is why OnReconnect lets the hub catch its clients up from the store.
package natsbroker

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"chorus/fault"
	"chorus/realtime"
)

// Options tune the connection; zero values take defaults.
type Options struct {
	Name   string       // client name shown by the server ("chorus")
	Prefix string       // subject prefix, so several deployments can share a server ("chorus.")
	Logger *slog.Logger // connection state changes
}

// Broker is a realtime.Broker on one NATS connection.
type Broker struct {
	nc     *nats.Conn
	prefix string
	log    *slog.Logger

	mu          sync.Mutex
	onReconnect func()
}

// Connect dials url (nats://host:port). It fails when the server cannot be
// reached now; once connected it reconnects forever.
func Connect(url string, o Options) (*Broker, error) {
	if o.Name == "" {
		o.Name = "chorus"
	}
	if o.Prefix == "" {
		o.Prefix = "chorus."
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	b := &Broker{prefix: o.Prefix, log: o.Logger}
	nc, err := nats.Connect(url,
		nats.Name(o.Name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(500*time.Millisecond),
		nats.ReconnectBufSize(8<<20),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			b.log.Warn("nats: disconnected", "error", err)
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			b.log.Info("nats: reconnected", "url", nc.ConnectedUrlRedacted())
			b.mu.Lock()
			f := b.onReconnect
			b.mu.Unlock()
			if f != nil {
				go f()
			}
		}),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			b.log.Error("nats: error", "error", err)
		}),
	)
	if err != nil {
		return nil, fault.Wrap(fault.Unavailable, err, "cannot reach the NATS server")
	}
	b.nc = nc
	return b, nil
}

// OnReconnect sets what to do after the connection came back.
func (b *Broker) OnReconnect(f func()) {
	b.mu.Lock()
	b.onReconnect = f
	b.mu.Unlock()
}

// Publish sends data on the prefixed subject.
func (b *Broker) Publish(_ context.Context, subject string, data []byte) error {
	if err := b.nc.Publish(b.prefix+subject, data); err != nil {
		return fault.Wrap(fault.Unavailable, err, "cannot publish on NATS")
	}
	return nil
}

// Subscribe receives every subject under the prefix, in order, on one
// goroutine.
func (b *Broker) Subscribe(handler func(subject string, data []byte)) (func(), error) {
	sub, err := b.nc.Subscribe(b.prefix+">", func(m *nats.Msg) {
		handler(strings.TrimPrefix(m.Subject, b.prefix), m.Data)
	})
	if err != nil {
		return nil, fault.Wrap(fault.Unavailable, err, "cannot subscribe on NATS")
	}
	// A hub must not miss what is published right after it subscribed.
	if err := b.nc.FlushTimeout(5 * time.Second); err != nil {
		_ = sub.Unsubscribe()
		return nil, fmt.Errorf("natsbroker: subscribe: %w", err)
	}
	return func() { _ = sub.Unsubscribe() }, nil
}

// Close flushes what is buffered and closes the connection.
func (b *Broker) Close() error {
	_ = b.nc.FlushTimeout(2 * time.Second)
	b.nc.Close()
	return nil
}

var _ realtime.Broker = (*Broker)(nil)
