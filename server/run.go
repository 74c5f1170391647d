package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"chorus/app"
	"chorus/auth"
	"chorus/config"
	"chorus/media"
	"chorus/media/disk"
	"chorus/media/s3"
	"chorus/realtime"
	"chorus/realtime/natsbroker"
	"chorus/server/httpapi"
	"chorus/store"
	"chorus/store/mongo"
	"chorus/store/sqlite"
	"chorus/web"
	"chorus/worker"
)

// ShutdownTimeout bounds a graceful stop: in-flight requests get this long
// to finish before connections are closed.
const ShutdownTimeout = 10 * time.Second

// role says which parts of Chorus a process runs.
type role struct{ web, worker, demo bool }

var roles = map[string]role{
	"serve":  {web: true, worker: true},
	"demo":   {web: true, worker: true, demo: true},
	"web":    {web: true},
	"worker": {worker: true},
}

// Run starts Chorus as args ask and returns when ctx is cancelled (after a
// graceful shutdown) or when something fails.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	name := "serve"
	if len(args) > 0 {
		name = args[0]
	}
	if name == "config-table" {
		_, err := io.WriteString(stdout, config.MarkdownTable())
		return err
	}
	if name == "rotate-keys" {
		return rotateKeys(getenv, stdout)
	}
	r, ok := roles[name]
	if !ok || len(args) > 1 {
		return fmt.Errorf("unknown command %q: expected serve, web, worker, demo, rotate-keys or config-table", args)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))

	s, err := openStores(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.close(log)
	if m, ok := s.docs.(*mongo.Store); ok && !m.Features().Transactions {
		log.Warn("MONGODB_URI: the server has no multi-document transactions (use a replica set): writes that belong together are applied one by one, and a failure between them can leave a part")
	}

	// Every event the services append is published for the real-time hubs.
	broker, err := openBroker(cfg, log)
	if err != nil {
		return err
	}
	defer broker.Close()
	s.docs = &realtime.Feed{Documents: s.docs, Broker: broker, OnError: func(err error) { log.Warn("event not published", "error", err) }}
	if storesOpened != nil {
		storesOpened(cfg, s.docs)
	}

	// Who is connected comes from the hub (buildRealtime), built after the
	// services it authorises with.
	presence := &hubPresence{}
	people, err := buildServices(ctx, cfg, s, presence.present, log)
	if err != nil {
		return err
	}
	if r.demo {
		// The demo's people are made up: its coordinator may follow
		// every held link. Nothing else sets this.
		people.RevealHeldMail = true
		if err := seedDemo(ctx, people, time.Now(), stderr); err != nil {
			return fmt.Errorf("seeding the demo: %w", err)
		}
	}
	videos, err := buildMedia(cfg, s, people, log)
	if err != nil {
		return err
	}
	people.RegisterKinds()
	var rt *httpapi.Realtime
	if r.web {
		if rt, err = buildRealtime(ctx, s.docs, broker, people, presence, log); err != nil {
			return err
		}
	}
	errc := make(chan error, 2)
	var listener net.Listener
	app := httpapi.New(httpapi.Deps{
		Logger:   log,
		Metrics:  newRegistry(),
		Web:      web.Dist(),
		Checks:   s.checks,
		Services: people,
		Realtime: rt,

		MetricsToken: cfg.MetricsToken,
		Videos:       videos,
	})
	if r.web {
		listener, err = net.Listen("tcp", ":"+strconv.Itoa(cfg.Port))
		if err != nil {
			return fmt.Errorf("PORT=%d: cannot listen: %w", cfg.Port, err)
		}
		log.Info("listening", "url", cfg.PublicURL, "port", cfg.Port, "documents", s.docsKind, "blobs", s.blobsKind)
		fmt.Fprintf(stderr, "Chorus is running at %s (press Ctrl+C to stop)\n", cfg.PublicURL)
		if err := announceSetup(ctx, people, log, func(s string) { fmt.Fprintln(stderr, s) }); err != nil {
			listener.Close()
			return err
		}
		go func() { errc <- app.Listener(listener) }()
	}
	workerCtx, stopWorker := context.WithCancel(context.Background())
	workerDone := closedChan()
	if r.worker {
		workerDone = worker.Run(workerCtx, worker.Config{Log: log, Docs: s.docs, Services: people, Every: cfg.WorkerInterval,
			MaxDuration: cfg.Video.MaxDuration, FFmpeg: cfg.Video.FFmpeg, FFprobe: cfg.Video.FFprobe,
			WorkDir: filepath.Join(cfg.DataDir, "work")})
	}

	select {
	case <-ctx.Done():
		log.Info("shutting down", "timeout", ShutdownTimeout.String())
	case err = <-errc:
		log.Error("server stopped", "error", err)
	}
	stopWorker()
	if r.web {
		drainSockets(rt, log)
		if serr := app.ShutdownWithTimeout(ShutdownTimeout); serr != nil {
			log.Error("shutdown", "error", serr)
		}
	}
	<-workerDone
	log.Info("stopped")
	return err
}

// rotateKeys starts signing access tokens with a new key. Running processes
// pick it up from the key file within a minute; tokens signed with the old
// key stay valid until they expire (15 minutes).
func rotateKeys(getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	if len(cfg.JWTKeys) > 0 {
		return fmt.Errorf("JWT_SIGNING_KEYS is set: rotate by putting a new seed first in that list and restarting")
	}
	keys, err := auth.LoadOrCreateKeys(keyFile(cfg))
	if err != nil {
		return err
	}
	old := keys.SigningKeyID()
	if err := keys.Rotate(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "access tokens are now signed with key %s (was %s)\n", keys.SigningKeyID(), old)
	return err
}

func keyFile(cfg config.Config) string { return filepath.Join(cfg.DataDir, "keys", "jwt.json") }

// stores are the opened adapters and their readiness checks.
type stores struct {
	docs                store.Documents
	blobs               media.Blobs
	docsKind, blobsKind string
	checks              []httpapi.Check
}

// openStores picks the production stores when they are configured and the
// embedded ones (SQLite and a local directory under CHORUS_DATA_DIR) otherwise.
func openStores(ctx context.Context, cfg config.Config) (*stores, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("CHORUS_DATA_DIR=%q: cannot create: %w", cfg.DataDir, err)
	}
	s := &stores{}
	var err error
	if cfg.MongoURI != "" {
		s.docsKind = "mongodb"
		s.docs, err = mongo.Open(ctx, cfg.MongoURI, "chorus")
		if err != nil {
			return nil, fmt.Errorf("MONGODB_URI: cannot connect: %w", err)
		}
	} else {
		s.docsKind = "sqlite"
		s.docs, err = sqlite.Open(filepath.Join(cfg.DataDir, "chorus.db"))
		if err != nil {
			return nil, fmt.Errorf("CHORUS_DATA_DIR: cannot open the SQLite store: %w", err)
		}
	}
	if cfg.S3.Endpoint != "" {
		s.blobsKind = "s3"
		s.blobs, err = s3.New(ctx, s3.Config{
			Endpoint: cfg.S3.Endpoint, AccessKey: cfg.S3.AccessKey, SecretKey: cfg.S3.SecretKey,
			Bucket: cfg.S3.Bucket, UseSSL: cfg.S3.UseSSL,
		})
		if err != nil {
			s.docs.Close()
			return nil, fmt.Errorf("S3_ENDPOINT: cannot reach the bucket: %w", err)
		}
	} else {
		s.blobsKind = "disk"
		s.blobs, err = disk.New(filepath.Join(cfg.DataDir, "blobs"))
		if err != nil {
			s.docs.Close()
			return nil, fmt.Errorf("CHORUS_DATA_DIR: cannot open the blob directory: %w", err)
		}
	}
	s.checks = []httpapi.Check{
		{Name: "documents (" + s.docsKind + ")", Ping: s.docs.Ping},
		{Name: "blobs (" + s.blobsKind + ")", Ping: s.blobs.Ping},
	}
	return s, nil
}

func (s *stores) close(log *slog.Logger) {
	if err := s.docs.Close(); err != nil {
		log.Error("closing the document store", "error", err)
	}
}

func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// storesOpened, when set (by tests), sees the document store every service
// of this process uses: the one that publishes events.
var storesOpened func(cfg config.Config, docs store.Documents)

// openBroker connects to NATS when NATS_URL is set, so that several web
// processes fan out to each other; otherwise events stay in this process.
func openBroker(cfg config.Config, log *slog.Logger) (realtime.Broker, error) {
	if cfg.NATSURL == "" {
		return realtime.NewLocalBroker(), nil
	}
	b, err := natsbroker.Connect(cfg.NATSURL, natsbroker.Options{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("NATS_URL: %w", err)
	}
	return b, nil
}

// buildRealtime starts this process's websocket hub, authorising every
// subscription with the people capability's policy.
func buildRealtime(ctx context.Context, docs store.Documents, broker realtime.Broker, people *app.Services, presence *hubPresence, log *slog.Logger) (*httpapi.Realtime, error) {
	tickets, err := httpapi.NewTickets(ctx, docs, people.Now)
	if err != nil {
		return nil, err
	}
	topics := httpapi.NewTopicPolicy(people)
	hub, err := realtime.NewHub(realtime.Config{Broker: broker, Events: docs, Authorize: topics.Authorize, Logger: log,
		OnPresence: superviseLiveSessions(people, log), Pseudonym: people.Pseudonyms.For,
		Signal: topics.Signal, Edit: topics.Edit, AuthorizeEdit: topics.AuthorizeEdit, Revokes: httpapi.Revokes})
	if err != nil {
		return nil, err
	}
	presence.hub.Store(hub)
	if nb, ok := broker.(*natsbroker.Broker); ok {
		nb.OnReconnect(hub.Resync) // catch clients up on what was missed while disconnected
	}
	return &httpapi.Realtime{Hub: hub, Tickets: tickets, Topics: topics}, nil
}

// drainSockets closes every websocket with 1001 before the HTTP server
// stops, so clients reconnect to another process at once.
func drainSockets(rt *httpapi.Realtime, log *slog.Logger) {
	if rt == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout/2)
	defer cancel()
	if err := rt.Hub.Shutdown(ctx); err != nil {
		log.Warn("websockets did not all close in time", "error", err)
	}
}

func closedChan() <-chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}
