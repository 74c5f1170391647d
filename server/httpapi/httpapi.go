// Package httpapi is Chorus's HTTP transport: the Fiber app, its middleware,
// the route table, and the served web app. Handlers stay thin: decode,
// validate, call the domain, respond.
package httpapi

import (
	"context"
	"crypto/subtle"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"chorus/app"
	"chorus/fault"
)

// Limits on what a client may send. Bodies are checked by Fiber before any
// handler runs; the largest legitimate body is one part of a video upload.
const (
	MaxBodyBytes = 8 << 20
	ReadTimeout  = 30 * time.Second
	WriteTimeout = 60 * time.Second
	IdleTimeout  = 120 * time.Second
)

// ContentSecurityPolicy allows only the app's own scripts and styles: no
// inline script can run, whatever a person manages to type into a page.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; font-src 'self'; " +
	"object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

// Check is one readiness check, named after what it checks.
type Check struct {
	Name string
	Ping func(context.Context) error
}

// Deps is what the HTTP layer needs from the composition root.
type Deps struct {
	Logger  *slog.Logger
	Metrics *prometheus.Registry // the app registers its collectors here
	Web     fs.FS                // the built web app; index.html at its root
	Checks  []Check              // run by /readyz
	// Services are the domain services every route calls.
	Services *app.Services
	// Realtime serves /ws; nil: live updates are unavailable (503).
	Realtime *Realtime
	// MetricsToken is the bearer token /metrics asks for (METRICS_TOKEN);
	// empty: /metrics is not served, as if it did not exist.
	MetricsToken string
	// Videos serves group videos and their uploads; nil: unavailable (503).
	Videos *Videos
}

// API holds the handlers' dependencies.
type API struct {
	deps    Deps
	people  *app.Services
	metrics *httpMetrics
	assets  *compressedAssets
}

// route is one entry of the route table. The OpenAPI test walks the
// registered routes, so every /api route must be documented.
type route struct {
	method  string
	path    string
	handler fiber.Handler
}

func (a *API) routes() []route {
	rs := []route{
		{fiber.MethodGet, "/healthz", a.healthz},
		{fiber.MethodGet, "/readyz", a.readyz},
		{fiber.MethodGet, "/metrics", a.metricsEndpoint()},
		{fiber.MethodGet, "/api/openapi.json", a.openapi},
	}
	rs = append(rs, a.sessionRoutes()...)
	rs = append(rs, a.panelRoutes()...)
	rs = append(rs, a.realtimeRoutes()...)
	rs = append(rs, a.pledgeRoutes()...)
	rs = append(rs, a.publishedRoutes()...)
	rs = append(rs, a.readabilityRoutes()...)
	rs = append(rs, a.moderationRoutes()...)
	rs = append(rs, a.liveSessionRoutes()...)
	rs = append(rs, a.screenWordsRoutes()...)
	rs = append(rs, a.videoRoutesAll()...)
	rs = append(rs, a.accountRoutes()...)
	rs = append(rs, a.roundRoutes()...)
	rs = append(rs, a.erasureRoutes()...)
	rs = append(rs, a.staffConsentRoutes()...)
	return append(rs, a.consentRoutes()...)
}

// New builds the Fiber app with every middleware and route.
func New(d Deps) *fiber.App {
	a := &API{deps: d, people: d.Services, metrics: newHTTPMetrics(d.Metrics), assets: newCompressedAssets(d.Web)}
	app := fiber.New(fiber.Config{
		AppName:               "chorus",
		BodyLimit:             MaxBodyBytes,
		ReadTimeout:           ReadTimeout,
		WriteTimeout:          WriteTimeout,
		IdleTimeout:           IdleTimeout,
		ErrorHandler:          errorHandler(d.Logger),
		DisableStartupMessage: true,
		// Every string Fiber hands out (method, path, params, headers,
		// cookies, body) is a copy. By default they point into fasthttp's
		// request buffer, which the next request on the connection
		// overwrites: a method kept as a metrics label became "GETT" or
		// "POS" and /metrics failed. Metrics labels, caches keyed by ids
		// from the path, Locals and websocket handlers all keep such
		// strings past the request, so they are copied once, here.
		Immutable: true,
		// Video uploads stream; limitBodies buffers every other body
		// within BodyLimit (see tus.go).
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		// A connection holds fasthttp's 4 KiB reader and writer only while
		// a request is being read or answered, not while it waits idle
		// for the next one; and a websocket gets no reader of fasthttp's at
		// all (it reads from the network, see readsFromNetwork).
		ReduceMemoryUsage: true,
	})
	// The upgrade handler returns while the websocket stays open (see
	// wsEndpoint): the hub closes it, not fasthttp.
	app.Server().KeepHijackedConns = true
	app.Use(requestid.New())
	app.Use(a.limitBodies)
	app.Use(a.observe)
	app.Use(recover.New())
	app.Use(helmet.New(helmet.Config{
		ContentSecurityPolicy: ContentSecurityPolicy,
		ReferrerPolicy:        "no-referrer",
		XFrameOptions:         "DENY",
		// Video may later come from a signed S3 URL on another origin;
		// require-corp would block it, and the CSP already limits sources.
		CrossOriginEmbedderPolicy: "unsafe-none",
		// No location, camera or microphone for anyone (privacy by default).
		PermissionPolicy: "geolocation=(), camera=(), microphone=(), interest-cohort=()",
	}))
	app.Use("/api", noStore, a.checkCSRF)
	for _, r := range a.routes() {
		app.Add(r.method, r.path, r.handler)
	}
	// The web app is the last middleware, not a GET /* route: a route would
	// make every path "exist", so unknown API paths would answer 405.
	app.Use(a.webApp)
	return app
}

// noStore keeps API answers out of every cache (the browser's, a proxy's):
// they are personal (a session, consents, a youth's drafts) or for staff
// only (the queue, the outbox, the audit trail). A handler that serves
// something public may set its own Cache-Control after this.
func noStore(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}

// metricsEndpoint serves Prometheus metrics to a scraper that sends the
// configured bearer token, and to nobody when none is configured: the
// figures tell how the service is used, which is nobody else's business.
func (a *API) metricsEndpoint() fiber.Handler {
	serve := adaptor.HTTPHandler(promhttp.HandlerFor(a.deps.Metrics, promhttp.HandlerOpts{}))
	want := []byte(a.deps.MetricsToken)
	return func(c *fiber.Ctx) error {
		if len(want) == 0 {
			return fiber.ErrNotFound
		}
		if subtle.ConstantTimeCompare([]byte(bearer(c)), want) != 1 {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
			return fiber.ErrUnauthorized
		}
		return serve(c)
	}
}

func (a *API) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readiness is /readyz's body: each check by name, "ok" or "unreachable".
type readiness struct {
	Problem
	Checks map[string]string `json:"checks"`
}

func (a *API) readyz(c *fiber.Ctx) error {
	checks := make(map[string]string, len(a.deps.Checks))
	var failing []string
	for _, ch := range a.deps.Checks {
		ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		err := ch.Ping(ctx)
		cancel()
		if err != nil {
			a.deps.Logger.Warn("readiness check failed", "check", ch.Name, "error", err)
			checks[ch.Name] = "unreachable"
			failing = append(failing, ch.Name)
			continue
		}
		checks[ch.Name] = "ok"
	}
	if len(failing) == 0 {
		return c.JSON(fiber.Map{"status": "ready", "checks": checks})
	}
	c.Status(http.StatusServiceUnavailable)
	if err := c.JSON(readiness{
		Problem: Problem{
			Type:      "/problems/" + string(fault.Unavailable),
			Title:     http.StatusText(http.StatusServiceUnavailable),
			Status:    http.StatusServiceUnavailable,
			Detail:    "Not ready: cannot reach " + strings.Join(failing, ", ") + ".",
			Instance:  c.Path(),
			RequestID: requestID(c),
		},
		Checks: checks,
	}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return nil
}

// webApp serves the built browser app. Hashed assets never change, so they
// are cached for a year; everything else (index.html and the client-side
// routes it handles) is revalidated on every visit so a deploy shows at once.
func (a *API) webApp(c *fiber.Ctx) error {
	p := strings.TrimPrefix(path.Clean(c.Path()), "/")
	if p == "api" || strings.HasPrefix(p, "api/") || (c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead) {
		return c.Next() // API paths never fall back to the app: they get a 404 problem
	}
	if p != "" {
		if st, err := fs.Stat(a.deps.Web, p); err == nil && !st.IsDir() {
			if strings.HasPrefix(p, "assets/") {
				c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
			} else {
				c.Set(fiber.HeaderCacheControl, "no-cache")
			}
			return a.sendWebFile(c, p)
		}
		if path.Ext(p) != "" {
			return fiber.ErrNotFound // a missing file, not a client-side route
		}
	}
	if _, err := fs.Stat(a.deps.Web, "index.html"); err != nil {
		return fault.Errorf(fault.Unavailable, "The web app has not been built yet. Start Chorus with `make run`, which builds it.")
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return a.sendWebFile(c, "index.html")
}

// sendWebFile sends a file of the web app, compressed when the client takes it.
func (a *API) sendWebFile(c *fiber.Ctx, name string) error {
	if sent, err := a.assets.send(c, name); sent || err != nil {
		return err
	}
	return filesystem.SendFile(c, http.FS(a.deps.Web), name)
}

// requestID returns the id the requestid middleware gave this request.
// Errors that Fiber raises before any middleware runs (an oversized body)
// get a fresh one here, so every problem can be traced in the logs.
func requestID(c *fiber.Ctx) string {
	if id, _ := c.Locals("requestid").(string); id != "" {
		return id
	}
	id := uuid.NewString()
	c.Locals("requestid", id)
	c.Set(fiber.HeaderXRequestID, id)
	return id
}
