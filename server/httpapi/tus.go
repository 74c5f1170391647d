package httpapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/tus/tusd/v2/pkg/handler"

	"chorus/fault"
	"chorus/media/upload"
)

// Video uploads stream. Fiber would read every request body into memory
// before a handler runs, so the app runs with request body streaming on;
// limitBodies then reads, within MaxBodyBytes, the body of every request
// but the tus ones (which stream through to the blob store a part at a
// time), so that every other handler sees a bounded, buffered body as
// before. tusBridge runs tusd's net/http handler on the Fiber request with
// the body as a stream.

// isUploadStream reports whether a request's body is a tus chunk that
// streams: PATCH /api/uploads/<id>, or the creation request of an upload
// (which may carry the first chunk).
func isUploadStream(c *fiber.Ctx) bool {
	p := c.Path()
	switch c.Method() {
	case fiber.MethodPatch:
		return strings.HasPrefix(p, "/api/uploads/")
	case fiber.MethodPost:
		return strings.HasPrefix(p, "/api/videos/") && strings.HasSuffix(p, "/uploads")
	}
	return false
}

// tusBridged marks (in the request's locals) a request tusBridge handled.
const tusBridged = "tusBridged"

// limitBodies buffers every request body but the tus streams, refusing
// bodies larger than MaxBodyBytes with 413 before reading them.
func (a *API) limitBodies(c *fiber.Ctx) error {
	stream := c.Context().RequestBodyStream()
	if stream == nil {
		return c.Next()
	}
	if isUploadStream(c) {
		err := c.Next()
		if bridged, _ := c.Locals(tusBridged).(bool); !bridged && c.Request().Header.ContentLength() != 0 {
			c.Context().SetConnectionClose() // refused before its body was read
		}
		return err
	}
	tooLarge := func() error {
		c.Context().SetConnectionClose() // the rest of the body is never read
		return fiber.ErrRequestEntityTooLarge
	}
	if c.Request().Header.ContentLength() > MaxBodyBytes {
		return tooLarge()
	}
	body, err := io.ReadAll(io.LimitReader(stream, MaxBodyBytes+1))
	if err != nil {
		c.Context().SetConnectionClose()
		return fault.Errorf(fault.Invalid, "The request ended before all of it arrived.")
	}
	if len(body) > MaxBodyBytes {
		return tooLarge()
	}
	c.Request().SetBody(body)
	return c.Next()
}

// tusBridge runs one tusd handler method on a Fiber request: the body
// streams, the response comes back into Fiber, and errors become
// application/problem+json (the store's own error when it gave one, else
// tusd's translated). id, when set, is the upload the request is about.
func (a *API) tusBridge(c *fiber.Ctx, h http.HandlerFunc, id string, ctx context.Context) error {
	c.Locals(tusBridged, true)
	fc := c.Context()
	length := int64(fc.Request.Header.ContentLength())
	var body io.Reader = bytes.NewReader(nil)
	if s := fc.RequestBodyStream(); s != nil {
		body = s
	} else if b := c.Body(); len(b) > 0 {
		body = bytes.NewReader(b)
	}
	chunk := c.Get(fiber.HeaderContentType) == "application/offset+octet-stream"
	if length < 0 {
		if chunk {
			fc.SetConnectionClose()
			return fault.Errorf(fault.Invalid, "Send each piece of the upload with its length (the Content-Length header).")
		}
		length = 0
	}
	tracked := &trackedBody{r: body, left: length}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ctx, storeErr := upload.WithErrors(ctx)
	req := (&http.Request{
		Method: c.Method(), URL: &url.URL{Path: id}, RequestURI: c.OriginalURL(),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{}, Body: tracked, ContentLength: length,
		Host: c.Hostname(), RemoteAddr: c.IP(),
	}).WithContext(ctx)
	fc.Request.Header.VisitAll(func(k, v []byte) { req.Header.Add(string(k), string(v)) })
	w := &tusResponse{conn: fc.Conn(), header: http.Header{}}
	h(w, req)
	if tracked.left > 0 {
		fc.SetConnectionClose() // the unread rest of the body must not be taken for the next request
	}
	for _, k := range []string{"Tus-Resumable", "Upload-Offset", "Upload-Length", "Cache-Control", "Tus-Version", "Tus-Extension", "Tus-Max-Size"} {
		if v := w.header.Get(k); v != "" {
			c.Set(k, v)
		}
	}
	if loc := w.header.Get("Location"); loc != "" {
		// A path, not tusd's absolute URL: right behind any proxy.
		if u, err := url.Parse(loc); err == nil {
			c.Set(fiber.HeaderLocation, u.Path)
		}
	}
	if w.status >= 400 {
		if err := storeErr(); err != nil {
			return tusFault(err)
		}
		return tusFault(tusdError(w.status, w.body.String()))
	}
	c.Status(w.status)
	return c.Send(w.body.Bytes())
}

// tusdError rebuilds the tusd error of a response ("ERR_CODE: message").
func tusdError(status int, body string) error {
	code, msg, _ := strings.Cut(strings.TrimSpace(body), ": ")
	return handler.NewError(code, msg, status)
}

// tusFault turns what tusd or the upload store returned into a fault
// error with a message for people.
func tusFault(err error) error {
	var te handler.Error
	if !errors.As(err, &te) {
		return err // the store's own: a fault error already
	}
	switch te.ErrorCode {
	case handler.ErrMismatchOffset.ErrorCode:
		return fault.Errorf(fault.Conflict, "This piece does not start where the upload stands. Ask where it stands (HEAD) and send from there.")
	case handler.ErrSizeExceeded.ErrorCode:
		return fault.Errorf(fault.TooLarge, "This piece goes past the end of the file announced.")
	case handler.ErrMaxSizeExceeded.ErrorCode:
		return fault.Errorf(fault.TooLarge, "This file is too large for Chorus.")
	case handler.ErrNotFound.ErrorCode:
		return fault.Errorf(fault.NotFound, "There is no such upload. Start the upload again.")
	case handler.ErrFileLocked.ErrorCode, handler.ErrLockTimeout.ErrorCode, handler.ErrUploadInterrupted.ErrorCode, handler.ErrUploadStoppedByServer.ErrorCode:
		return fault.Errorf(fault.Conflict, "Another request is sending this upload at the same time. Wait a moment: it resumes by itself.")
	case handler.ErrUnexpectedEOF.ErrorCode, handler.ErrReadTimeout.ErrorCode, handler.ErrConnectionReset.ErrorCode, handler.ErrServerShutdown.ErrorCode:
		return fault.Errorf(fault.Unavailable, "The connection broke off. The upload resumes from where it stopped.")
	case handler.ErrUnsupportedVersion.ErrorCode:
		return fault.Errorf(fault.Invalid, "Chorus speaks tus 1.0.0: send the header Tus-Resumable: 1.0.0.")
	case handler.ErrInvalidContentType.ErrorCode:
		return fault.Errorf(fault.Invalid, "Send the pieces of an upload as application/offset+octet-stream.")
	case handler.ErrInvalidOffset.ErrorCode:
		return fault.Errorf(fault.Invalid, "Say where this piece starts (the Upload-Offset header, a number of bytes).")
	case handler.ErrInvalidUploadLength.ErrorCode, handler.ErrNotImplemented.ErrorCode, handler.ErrUploadLengthAndUploadDeferLength.ErrorCode, handler.ErrInvalidUploadDeferLength.ErrorCode:
		return fault.Errorf(fault.Invalid, "Chorus needs to know the size of the file before it arrives (the Upload-Length header).")
	case handler.ErrInvalidConcat.ErrorCode, handler.ErrConcatenationUnsupported.ErrorCode, handler.ErrModifyFinal.ErrorCode:
		return fault.Errorf(fault.Invalid, "Chorus does not join uploads together: send one file in one upload.")
	}
	if te.HTTPResponse.StatusCode >= 500 {
		return fault.Wrap(fault.Internal, err, "tus upload")
	}
	return fault.Wrap(fault.Invalid, err, "The upload request is not valid.")
}

// trackedBody counts what is left of a body of known length.
type trackedBody struct {
	r    io.Reader
	left int64
}

func (b *trackedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	if err == io.EOF && b.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (b *trackedBody) Close() error { return nil }

// tusResponse collects tusd's (small) response. Its deadline methods let
// tusd keep a streaming body's connection open while bytes flow and close
// it when they stop (http.ResponseController finds them).
type tusResponse struct {
	conn   net.Conn
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *tusResponse) Header() http.Header { return w.header }

func (w *tusResponse) WriteHeader(status int) {
	if w.status == 0 && status >= 200 { // tusd's 1xx interim answers are not passed on
		w.status = status
	}
}

func (w *tusResponse) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.body.Len()+len(p) > 64<<10 {
		return 0, errors.New("tus response too large")
	}
	return w.body.Write(p)
}

func (w *tusResponse) SetReadDeadline(t time.Time) error {
	if w.conn == nil {
		return nil
	}
	return w.conn.SetReadDeadline(t)
}

func (w *tusResponse) SetWriteDeadline(t time.Time) error {
	if w.conn == nil {
		return nil
	}
	return w.conn.SetWriteDeadline(t)
}
