package natsbroker_test

import (
	"context"
	"net/url"
	"strconv"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"

	"chorus/realtime/natsbroker"
)

func runServer(t *testing.T, port int) *natsserver.Server {
	t.Helper()
	ns, err := natsserver.NewServer(&natsserver.Options{Host: "127.0.0.1", Port: port, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("NATS server not ready within 10 s")
	}
	return ns
}

type got struct{ subject, data string }

func receive(t *testing.T, ch <-chan got, want got) {
	t.Helper()
	select {
	case g := <-ch:
		if g != want {
			t.Fatalf("got %+v, want %+v", g, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no message %+v within 5 s", want)
	}
}

func TestPublishSubscribeAndReconnect(t *testing.T) {
	ns := runServer(t, -1)
	addr := ns.ClientURL()
	a, err := natsbroker.Connect(addr, natsbroker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := natsbroker.Connect(addr, natsbroker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	reconnected := make(chan struct{}, 1)
	b.OnReconnect(func() { reconnected <- struct{}{} })
	ch := make(chan got, 10)
	stop, err := b.Subscribe(func(s string, d []byte) { ch <- got{s, string(d)} })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	ctx := context.Background()
	if err := a.Publish(ctx, "events", []byte("one")); err != nil {
		t.Fatal(err)
	}
	receive(t, ch, got{"events", "one"})

	// The server restarts on the same port: both sides reconnect by themselves.
	p := portOf(t, addr)
	ns.Shutdown()
	ns.WaitForShutdown()
	ns2 := runServer(t, p)
	defer ns2.Shutdown()
	select {
	case <-reconnected:
	case <-time.After(10 * time.Second):
		t.Fatal("no reconnect within 10 s")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		// a may still be reconnecting; its publishes are buffered meanwhile.
		if err := a.Publish(ctx, "ephemeral", []byte("two")); err != nil {
			t.Fatal(err)
		}
		select {
		case g := <-ch:
			if g != (got{"ephemeral", "two"}) {
				t.Fatalf("got %+v", g)
			}
			return
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("no message after the reconnect")
		}
	}
}

func TestConnectFailsClearlyWhenNoServer(t *testing.T) {
	if _, err := natsbroker.Connect("nats://127.0.0.1:1", natsbroker.Options{}); err == nil {
		t.Fatal("want an error when no server listens")
	}
}

func portOf(t *testing.T, addr string) int {
	t.Helper()
	u, err := url.Parse(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, err := strconv.Atoi(u.Port())
	if err != nil {
		t.Fatal(err)
	}
	return p
}
