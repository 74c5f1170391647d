package httpapi

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// httpMetrics are the Prometheus series for HTTP traffic, labelled by the
// route pattern (not the raw path, which would grow without bound).
type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// websocket connections open now, and clients dropped as too slow
	wsConnections prometheus.Gauge
	wsDropped     prometheus.Counter
}

func newHTTPMetrics(reg *prometheus.Registry) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chorus_http_requests_total",
			Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "chorus_http_request_duration_seconds",
			Help:    "HTTP request latency by method and route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
	}
	m.wsConnections = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "chorus_websocket_connections",
		Help: "Open websocket connections.",
	})
	m.wsDropped = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "chorus_websocket_slow_clients_dropped_total",
		Help: "Websocket clients disconnected because they did not keep up.",
	})
	reg.MustRegister(m.requests, m.latency, m.wsConnections, m.wsDropped)
	return m
}

// observe logs every request as one JSON line and records its metrics. It
// runs the error handler itself so the logged status is the one sent.
func (a *API) observe(c *fiber.Ctx) error {
	start := time.Now()
	if err := c.Next(); err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	elapsed := time.Since(start)
	status := c.Response().StatusCode()
	route := c.Route().Path
	a.metrics.requests.WithLabelValues(c.Method(), route, strconv.Itoa(status)).Inc()
	a.metrics.latency.WithLabelValues(c.Method(), route).Observe(elapsed.Seconds())
	a.deps.Logger.Info("request",
		"requestId", requestID(c),
		"method", c.Method(),
		"path", loggedPath(c),
		"route", route,
		"status", status,
		"durationMs", float64(elapsed.Microseconds())/1000,
		"bytes", len(c.Response().Body()),
	)
	return nil
}

// loggedPath is the request's path with the value of a :token parameter
// left out: a link's token (an event link, a guardian's, an invitation) is
// the credential of whoever holds it, and logs are read by others.
func loggedPath(c *fiber.Ctx) string {
	p := c.Path()
	if tok := c.Params("token"); tok != "" {
		p = strings.Replace(p, tok, "…", 1)
	}
	return p
}
