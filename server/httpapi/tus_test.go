package httpapi_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"chorus/server/httpapi"
)

// Bodies stream for video uploads only: every other request still has its
// body bounded by MaxBodyBytes, also when it comes in chunks of unknown
// total length.
func TestBodiesStayBoundedOutsideUploads(t *testing.T) {
	app, _ := newApp(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown() })
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/anything HTTP/1.1\r\nHost: chorus\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
	chunk := strings.Repeat("a", 1<<20)
	go func() {
		for i := 0; i <= httpapi.MaxBodyBytes>>20; i++ {
			if _, err := fmt.Fprintf(conn, "%x\r\n%s\r\n", len(chunk), chunk); err != nil {
				return
			}
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	problemOf(t, resp, body, 413, "/problems/too_large")
	if !resp.Close {
		t.Errorf("the connection stays open with an unread body behind: got no Connection: close")
	}
}
