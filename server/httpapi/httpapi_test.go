package httpapi_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"chorus/server/httpapi"
)

var webFS = fstest.MapFS{
	"index.html":           {Data: []byte("<!doctype html><title>Chorus</title>")},
	"assets/app-4f2a9c.js": {Data: []byte("console.log('hi')")},
	"favicon.svg":          {Data: []byte("<svg/>")},
}

func newApp(t *testing.T, checks ...httpapi.Check) (*fiber.App, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	app := httpapi.New(httpapi.Deps{
		Logger:       slog.New(slog.NewJSONHandler(&logs, nil)),
		Metrics:      prometheus.NewRegistry(),
		Web:          webFS,
		Checks:       checks,
		MetricsToken: metricsToken,
	})
	return app, &logs
}

const metricsToken = "test-metrics-token-0123456789"

// scrape reads /metrics with the token.
func scrape(t *testing.T, app *fiber.App) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	return do(t, app, req)
}

func do(t *testing.T, app *fiber.App, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, body
}

func get(t *testing.T, app *fiber.App, path string) (*http.Response, []byte) {
	return do(t, app, httptest.NewRequest(http.MethodGet, path, nil))
}

// problemOf asserts that the response is problem+json with the given status
// and type, and returns it.
func problemOf(t *testing.T, resp *http.Response, body []byte, status int, typ string) httpapi.Problem {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("got status %d, want %d (body %s)", resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("got Content-Type %q, want application/problem+json", ct)
	}
	var p httpapi.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("body is not a problem: %v: %s", err, body)
	}
	if p.Type != typ || p.Status != status || p.Title == "" || p.Detail == "" || p.RequestID == "" {
		t.Fatalf("got problem %+v, want type %q status %d with title, detail and requestId", p, typ, status)
	}
	return p
}

func TestHealthz(t *testing.T) {
	app, _ := newApp(t)
	resp, body := get(t, app, "/healthz")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"ok"`) {
		t.Fatalf("got %d %s", resp.StatusCode, body)
	}
}

func TestReadyzNamesTheFailingStore(t *testing.T) {
	ok := httpapi.Check{Name: "documents", Ping: func(context.Context) error { return nil }}
	down := httpapi.Check{Name: "blobs", Ping: func(context.Context) error { return errors.New("dial tcp 10.1.2.3:9000: refused") }}

	app, _ := newApp(t, ok)
	resp, body := get(t, app, "/readyz")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"documents":"ok"`) {
		t.Fatalf("all up: got %d %s", resp.StatusCode, body)
	}

	app, _ = newApp(t, ok, down)
	resp, body = get(t, app, "/readyz")
	p := problemOf(t, resp, body, 503, "/problems/unavailable")
	if !strings.Contains(p.Detail, "blobs") || strings.Contains(p.Detail, "documents") {
		t.Errorf("detail %q should name blobs only", p.Detail)
	}
	if strings.Contains(string(body), "10.1.2.3") {
		t.Errorf("readyz leaked the driver error: %s", body)
	}
	if !strings.Contains(string(body), `"blobs":"unreachable"`) {
		t.Errorf("checks should show blobs unreachable: %s", body)
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	app, _ := newApp(t)
	for _, path := range []string{"/healthz", "/", "/api/nope", "/assets/app-4f2a9c.js"} {
		resp, _ := get(t, app, path)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", path, h.Get("X-Content-Type-Options"))
		}
		if h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: Referrer-Policy %q", path, h.Get("Referrer-Policy"))
		}
		if h.Get("X-Request-Id") == "" {
			t.Errorf("%s: no X-Request-ID", path)
		}
	}
}

func TestErrorsAreProblems(t *testing.T) {
	app, _ := newApp(t)
	app.Get("/api/boom", func(c *fiber.Ctx) error { panic("secret stack detail") })

	t.Run("unknown api route is 404", func(t *testing.T) {
		resp, body := get(t, app, "/api/no-such-capability/does-not-exist")
		problemOf(t, resp, body, 404, "/problems/not_found")
	})
	t.Run("wrong method is 405", func(t *testing.T) {
		resp, body := do(t, app, httptest.NewRequest(http.MethodPost, "/healthz", nil))
		problemOf(t, resp, body, 405, "/problems/method_not_allowed")
	})
	t.Run("oversized body is 413", func(t *testing.T) {
		// Fiber rejects the body while reading it, which app.Test bypasses:
		// go through a real listener as a client would.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go app.Listener(ln)
		t.Cleanup(func() { app.Shutdown() })
		// The server answers once it has the declared length and the
		// first few KiB (bodies stream, see tus.go), long before the
		// whole body: send a little of it and read the reply.
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /api/anything HTTP/1.1\r\nHost: chorus\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", httpapi.MaxBodyBytes+1)
		conn.Write(make([]byte, 16<<10))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		problemOf(t, resp, body, 413, "/problems/too_large")
	})
	t.Run("panic is 500 without details", func(t *testing.T) {
		resp, body := get(t, app, "/api/boom")
		problemOf(t, resp, body, 500, "/problems/internal")
		if strings.Contains(string(body), "secret") || strings.Contains(string(body), "goroutine") {
			t.Errorf("500 leaked details: %s", body)
		}
	})
}

func TestRequestsAreLoggedAsJSON(t *testing.T) {
	app, logs := newApp(t)
	get(t, app, "/healthz")
	get(t, app, "/api/missing")
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d log lines, want 2: %s", len(lines), logs)
	}
	var entry map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &entry); err != nil {
		t.Fatalf("log line is not JSON: %s", lines[1])
	}
	if entry["status"] != float64(404) || entry["path"] != "/api/missing" || entry["requestId"] == "" {
		t.Errorf("got log entry %v, want status 404, path and requestId", entry)
	}
}

func TestWebAppCaching(t *testing.T) {
	app, _ := newApp(t)
	cases := []struct {
		path, cache, body string
	}{
		{"/", "no-cache", "<title>Chorus</title>"},
		{"/pledges/42", "no-cache", "<title>Chorus</title>"}, // client-side route
		{"/assets/app-4f2a9c.js", "public, max-age=31536000, immutable", "console.log"},
		{"/favicon.svg", "no-cache", "<svg/>"},
	}
	for _, c := range cases {
		resp, body := get(t, app, c.path)
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != c.cache || !strings.Contains(string(body), c.body) {
			t.Errorf("%s: got %d, Cache-Control %q, body %.40q; want 200, %q, %q", c.path, resp.StatusCode, resp.Header.Get("Cache-Control"), body, c.cache, c.body)
		}
	}
	resp, body := get(t, app, "/assets/missing-123.js")
	problemOf(t, resp, body, 404, "/problems/not_found")
}

func TestWebAppNotBuiltSaysHowToBuild(t *testing.T) {
	app := httpapi.New(httpapi.Deps{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Metrics: prometheus.NewRegistry(), Web: fstest.MapFS{}})
	resp, body := get(t, app, "/")
	p := problemOf(t, resp, body, 503, "/problems/unavailable")
	if !strings.Contains(p.Detail, "make run") {
		t.Errorf("detail %q should say how to build the web app", p.Detail)
	}
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	app, _ := newApp(t)
	for i := 0; i < 3; i++ {
		get(t, app, "/healthz")
	}
	_, body := scrape(t, app)
	want := regexp.MustCompile(`chorus_http_requests_total\{method="GET",route="/healthz",status="200"\} 3`)
	if !want.Match(body) {
		t.Fatalf("metrics lack 3 healthz requests:\n%s", body)
	}
	if !strings.Contains(string(body), "chorus_http_request_duration_seconds_bucket") {
		t.Error("metrics lack the latency histogram")
	}
}

// /metrics answers only the scraper holding the token, and nobody at all
// when no token is configured.
func TestMetricsNeedTheToken(t *testing.T) {
	app, _ := newApp(t)
	resp, body := get(t, app, "/metrics")
	problemOf(t, resp, body, 401, "/problems/unauthorized")
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Authorization", "Bearer wrong-token-0123456789")
	resp, body = do(t, app, req)
	problemOf(t, resp, body, 401, "/problems/unauthorized")
	if resp, body := scrape(t, app); resp.StatusCode != 200 || !strings.Contains(string(body), "chorus_http_requests_total") {
		t.Fatalf("with the token: got %d %s", resp.StatusCode, body)
	}

	closed := httpapi.New(httpapi.Deps{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Metrics: prometheus.NewRegistry(), Web: webFS})
	resp, body = scrape(t, closed)
	problemOf(t, resp, body, 404, "/problems/not_found")
}

// Request bytes must not outlive their request: fasthttp reuses a
// connection's buffer for the next request, and a method or path kept as a
// metrics label turned into "GETT" or "POS", and /metrics answered 500.
// Many keep-alive connections send requests of every method to many paths
// at once; then /metrics must answer, with only the methods that were sent.
func TestMetricsSurviveConcurrentTraffic(t *testing.T) {
	app, _ := newApp(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	base := "http://" + ln.Addr().String()

	methods := []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"}
	paths := []string{"/healthz", "/readyz", "/api/nothing-here", "/api/openapi.json", "/assets/app-4f2a9c.js", "/x/" + strings.Repeat("long", 40), "/"}
	const workers, perWorker = 16, 60
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}} // one keep-alive connection each
			defer client.CloseIdleConnections()
			for i := range perWorker {
				m, p := methods[(w+i)%len(methods)], paths[(w*7+i)%len(paths)]
				req, _ := http.NewRequest(m, base+p+"?n="+strings.Repeat("q", (w*i)%50), strings.NewReader(`{"a":1}`))
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					errs <- err
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	resp, body := scrape(t, app)
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics after concurrent traffic: got %d, want 200:\n%s", resp.StatusCode, body)
	}
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`chorus_http_requests_total\{method="([^"]*)"`).FindAllStringSubmatch(string(body), -1) {
		seen[m[1]] = true
	}
	for m := range seen {
		if !slices.Contains(methods, m) {
			t.Errorf("metrics carry the method label %q, which no request sent", m)
		}
	}
	if len(seen) < len(methods)-1 {
		t.Errorf("got method labels %v, want every method sent", seen)
	}
}

// The OpenAPI document must describe exactly the routes the app serves.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	app, _ := newApp(t)
	_, body := get(t, app, "/api/openapi.json")
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("not an OpenAPI 3 document: %v", err)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+p] = true
		}
	}
	registered := map[string]bool{}
	param := regexp.MustCompile(`:([A-Za-z0-9_]+)`)
	for _, r := range app.GetRoutes(true) {
		if r.Method == fiber.MethodHead || r.Path == "/*" || r.Path == "/" {
			continue // HEAD mirrors GET; /* is the web app
		}
		registered[r.Method+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
	}
	for k := range registered {
		if !documented[k] {
			t.Errorf("route %s is not in openapi.json", k)
		}
	}
	for k := range documented {
		if !registered[k] {
			t.Errorf("openapi.json documents %s, which the app does not serve", k)
		}
	}
}

func TestWebAppIsSentCompressed(t *testing.T) {
	script := bytes.Repeat([]byte("console.log('a long script that compresses well');\n"), 200)
	web := fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html><title>Chorus</title>" + strings.Repeat(" ", 500))},
		"assets/app-4f2a9c.js": {Data: script},
		"assets/logo-1a2b.png": {Data: []byte("\x89PNG not compressed again")},
	}
	app := httpapi.New(httpapi.Deps{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Metrics: prometheus.NewRegistry(), Web: web})
	for _, tc := range []struct {
		accept, want string
	}{
		{"gzip, deflate, br, zstd", "br"},
		{"gzip", "gzip"},
		{"br;q=0, gzip", "gzip"},
		{"", ""},
		{"identity", ""},
	} {
		req := httptest.NewRequest(http.MethodGet, "/assets/app-4f2a9c.js", nil)
		if tc.accept != "" {
			req.Header.Set("Accept-Encoding", tc.accept)
		}
		resp, body := do(t, app, req)
		if got := resp.Header.Get("Content-Encoding"); got != tc.want {
			t.Errorf("Accept-Encoding %q: got Content-Encoding %q, want %q", tc.accept, got, tc.want)
		}
		if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("Accept-Encoding %q: hashed asset Cache-Control = %q, want immutable", tc.accept, got)
		}
		var plain []byte
		switch tc.want {
		case "br":
			plain, _ = io.ReadAll(brotli.NewReader(bytes.NewReader(body)))
		case "gzip":
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			plain, _ = io.ReadAll(zr)
		default:
			plain = body
		}
		if !bytes.Equal(plain, script) {
			t.Errorf("Accept-Encoding %q: the script does not come back whole (%d bytes, want %d)", tc.accept, len(plain), len(script))
		}
		if tc.want != "" {
			if len(body) >= len(script)/4 {
				t.Errorf("%s: %d bytes for a %d-byte script: not compressed", tc.want, len(body), len(script))
			}
			if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
				t.Errorf("%s: Vary %q, Content-Type %q", tc.want, resp.Header.Get("Vary"), resp.Header.Get("Content-Type"))
			}
		}
	}
	// The page itself (and client-side routes) is compressed too; an image is not compressed again.
	req := httptest.NewRequest(http.MethodGet, "/pledges/p1", nil)
	req.Header.Set("Accept-Encoding", "br")
	if resp, _ := do(t, app, req); resp.Header.Get("Content-Encoding") != "br" || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("a client-side route: Content-Encoding %q, Cache-Control %q; want br, no-cache", resp.Header.Get("Content-Encoding"), resp.Header.Get("Cache-Control"))
	}
	req = httptest.NewRequest(http.MethodGet, "/assets/logo-1a2b.png", nil)
	req.Header.Set("Accept-Encoding", "br")
	if resp, _ := do(t, app, req); resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("a PNG was sent with Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
}

func TestWebAppSendsTheBuildsOwnCompressedFiles(t *testing.T) {
	var br bytes.Buffer
	w := brotli.NewWriter(&br)
	_, _ = w.Write([]byte("console.log('built')"))
	_ = w.Close()
	web := fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html>")},
		"assets/app-4f2a9c.js": {Data: []byte("console.log('built')")},
		// The build's best-compressed copies: sent as they are.
		"assets/app-4f2a9c.js.br": {Data: br.Bytes()},
		"assets/app-4f2a9c.js.gz": {Data: []byte("gzip from the build")},
	}
	app := httpapi.New(httpapi.Deps{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Metrics: prometheus.NewRegistry(), Web: web})
	req := httptest.NewRequest(http.MethodGet, "/assets/app-4f2a9c.js", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	if resp, body := do(t, app, req); resp.Header.Get("Content-Encoding") != "gzip" || string(body) != "gzip from the build" {
		t.Errorf("got %q with Content-Encoding %q, want the build's .gz file", body, resp.Header.Get("Content-Encoding"))
	}
	req = httptest.NewRequest(http.MethodGet, "/assets/app-4f2a9c.js", nil)
	req.Header.Set("Accept-Encoding", "br")
	if resp, body := do(t, app, req); !bytes.Equal(body, br.Bytes()) || resp.Header.Get("Content-Encoding") != "br" {
		t.Errorf("got %d bytes with Content-Encoding %q, want the build's .br file", len(body), resp.Header.Get("Content-Encoding"))
	}
}

// A link's token is the credential of whoever holds it (an event link, a
// guardian's link, an invitation): it never reaches the request log.
func TestRequestLogKeepsNoLinkTokens(t *testing.T) {
	app, logs := newApp(t)
	const secret = "s3cr3t-token-of-a-link-0123456789"
	for _, path := range []string{"/api/watch/" + secret, "/api/watch/" + secret + "/rendition", "/api/guardian/" + secret, "/api/invitations/by-token/" + secret} {
		do(t, app, httptest.NewRequest(http.MethodGet, path, nil))
	}
	if strings.Contains(logs.String(), secret) {
		t.Fatalf("the request log holds a link token:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), `"route":"/api/watch/:token"`) {
		t.Errorf("the log no longer says which route was asked:\n%s", logs.String())
	}
}
