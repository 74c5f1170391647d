// Package testenv starts the real services that tests run against. The
// binaries are built by `make test` into ~/.cache/chorus/bin; without them a
// test is skipped, unless CHORUS_REQUIRE_SERVICES=1 (set by `make test`)
// makes a missing service a failure, so CI never passes by skipping.
package testenv

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// MinIOServer is a running MinIO server on loopback.
type MinIOServer struct {
	Endpoint  string // "127.0.0.1:port", no scheme (plain HTTP)
	AccessKey string
	SecretKey string
}

// minioStartTimeout bounds the wait for the server to answer its health check.
const minioStartTimeout = 30 * time.Second

// MinIO starts a MinIO server with an empty data directory for the test and
// stops it when the test ends. The binary is $CHORUS_MINIO_BIN or else
// ~/.cache/chorus/bin/minio.
func MinIO(t testing.TB) MinIOServer {
	t.Helper()
	if bin, err := minioBinary(); err != nil {
		missing(t, fmt.Sprintf("MinIO binary not found at %s: `make test` builds it into ~/.cache/chorus/bin (or set CHORUS_MINIO_BIN)", bin))
	}
	srv, stop, err := StartMinIO(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return srv
}

// StartMinIO starts a MinIO server on a free loopback port that keeps its
// data in dataDir, waits until it serves requests, and returns it with a
// function that stops it. Benchmarks use it directly; tests use MinIO.
func StartMinIO(dataDir string) (MinIOServer, func(), error) {
	bin, err := minioBinary()
	if err != nil {
		return MinIOServer{}, nil, fmt.Errorf("MinIO binary not found at %s: %w", bin, err)
	}
	endpoint, err := freeAddr()
	if err != nil {
		return MinIOServer{}, nil, err
	}
	console, err := freeAddr()
	if err != nil {
		return MinIOServer{}, nil, err
	}
	srv := MinIOServer{
		Endpoint:  endpoint,
		AccessKey: "chorus-" + randomHex(6),
		SecretKey: randomHex(20),
	}

	var out syncBuffer
	cmd := exec.Command(bin, "server", filepath.Join(dataDir, "data"),
		"--address", srv.Endpoint,
		"--console-address", console,
		"--certs-dir", filepath.Join(dataDir, "certs"))
	cmd.Env = append(os.Environ(),
		"MINIO_ROOT_USER="+srv.AccessKey,
		"MINIO_ROOT_PASSWORD="+srv.SecretKey,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
		"HOME="+dataDir, // keeps MinIO's own files out of the real home
	)
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		return MinIOServer{}, nil, fmt.Errorf("start MinIO (%s): %w", bin, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}

	if err := waitHealthy(srv.Endpoint, exited); err != nil {
		select {
		case <-exited:
			err = fmt.Errorf("%w (exit: %v)", err, waitErr)
		default:
		}
		stop()
		return MinIOServer{}, nil, fmt.Errorf("MinIO at %s did not start: %w\noutput:\n%s", srv.Endpoint, err, out.String())
	}
	return srv, stop, nil
}

// minioBinary returns the path of the MinIO binary, and an error (with the
// path it looked at) if there is no executable there.
func minioBinary() (string, error) { return cachedBinary("CHORUS_MINIO_BIN", "minio") }

// cachedBinary returns $envVar, or else ~/.cache/chorus/bin/name (where
// `make test` builds the services), and an error (with the path it looked
// at) if there is no executable there.
func cachedBinary(envVar, name string) (string, error) {
	bin := os.Getenv(envVar)
	if bin == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "~/.cache/chorus/bin/" + name, err
		}
		bin = filepath.Join(home, ".cache", "chorus", "bin", name)
	}
	fi, err := os.Stat(bin)
	if err != nil {
		return bin, err
	}
	if fi.IsDir() || fi.Mode()&0o111 == 0 {
		return bin, errors.New("not an executable file")
	}
	return bin, nil
}

// missing skips the test, or fails it when services are required.
func missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CHORUS_REQUIRE_SERVICES") == "1" {
		t.Fatal(msg + " (CHORUS_REQUIRE_SERVICES=1)")
	}
	t.Skip(msg)
}

// waitHealthy polls MinIO until it is live and its object layer serves
// requests, the process exits, or minioStartTimeout passes. /minio/health/live
// alone answers 200 a moment before requests stop failing with "Server not
// initialized yet"; /minio/health/cluster answers 200 only once the drives
// have write quorum.
func waitHealthy(endpoint string, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(context.Background(), minioStartTimeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		last = healthy(ctx, client, "http://"+endpoint+"/minio/health/live")
		if last == nil {
			last = healthy(ctx, client, "http://"+endpoint+"/minio/health/cluster")
		}
		if last == nil {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("MinIO exited: last health check: %v", last)
		case <-ctx.Done():
			return fmt.Errorf("not healthy within %s: %v", minioStartTimeout, last)
		case <-tick.C:
		}
	}
}

func healthy(ctx context.Context, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return nil
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// syncBuffer collects the server's output from two pipes at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
