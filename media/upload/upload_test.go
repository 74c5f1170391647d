package upload_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/fault"
	"chorus/media"
	"chorus/media/disk"
	"chorus/media/s3"
	"chorus/media/upload"
	"chorus/store"
	"chorus/store/sqlite"
	"chorus/testenv"
)

// The tests speak tus to tusd's real handler on a real HTTP server, on the
// disk store and on MinIO, with SQLite for the records.

const partSize = media.MinPartSize

// mp4Head starts every test file, so that it is taken for an MP4.
var mp4Head = []byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")

func fileOf(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	copy(b, mp4Head)
	return b
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// receiver records what was handed over.
type receiver struct {
	mu   sync.Mutex
	got  []upload.Upload
	fail error
}

func (r *receiver) Received(ctx context.Context, u upload.Upload) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.got = append(r.got, u)
	return nil
}

func (r *receiver) uploads() []upload.Upload {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]upload.Upload(nil), r.got...)
}

// env is one server over one pair of stores.
type env struct {
	t     *testing.T
	docs  store.Documents
	blobs media.Blobs
	recv  *receiver
	store *upload.Store
	srv   *httptest.Server
}

type backend struct {
	name string
	open func(t *testing.T) media.Blobs
}

func backends(t *testing.T) []backend {
	bs := []backend{{"disk", func(t *testing.T) media.Blobs {
		b, err := disk.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return b
	}}}
	bs = append(bs, backend{"s3", func(t *testing.T) media.Blobs {
		srv := testenv.MinIO(t)
		var rb [6]byte
		_, _ = rand.Read(rb[:])
		b, err := s3.New(context.Background(), s3.Config{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Bucket: "up-" + hex.EncodeToString(rb[:])})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}})
	return bs
}

func forEachBackend(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			fn(t, newEnv(t, b.open(t), nil))
		})
	}
}

func newEnv(t *testing.T, blobs media.Blobs, docs store.Documents) *env {
	t.Helper()
	if docs == nil {
		d, err := sqlite.Open(filepath.Join(t.TempDir(), "docs.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		docs = d
	}
	e := &env{t: t, docs: docs, blobs: blobs, recv: &receiver{}}
	e.start(upload.Limits{MaxBytes: 64 << 20, PartSize: partSize})
	return e
}

// start runs a new store and server on e's stores, as a restarted process would.
func (e *env) start(limits upload.Limits) {
	e.t.Helper()
	e.store = upload.NewStore(e.docs, e.blobs, e.recv, limits)
	if err := e.store.Declare(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	h, err := e.store.Handler("/uploads/", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		e.t.Fatal(err)
	}
	mux := http.NewServeMux()
	// As the HTTP layer does (Fiber's request context is not cancelled
	// when a client goes away), the context ends when the handler returns,
	// not when the connection drops.
	untilDone := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
			defer cancel()
			h.ServeHTTP(w, r.WithContext(ctx))
		})
	}
	owner := upload.Owner{AccountID: "acc1", VideoID: "vid1", PanelID: "p1", GroupID: "g1"}
	mux.Handle("POST /uploads", untilDone(h.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.PostFile(w, r.WithContext(upload.WithOwner(r.Context(), owner)))
	}))))
	for _, m := range []string{"HEAD", "PATCH", "DELETE"} {
		fn := map[string]http.HandlerFunc{"HEAD": h.HeadFile, "PATCH": h.PatchFile, "DELETE": h.DelFile}[m]
		mux.Handle(m+" /uploads/{id}", untilDone(http.StripPrefix("/uploads/", h.Middleware(fn))))
	}
	if e.srv != nil {
		e.srv.Close()
	}
	e.srv = httptest.NewServer(mux)
	e.t.Cleanup(e.srv.Close)
}

func (e *env) request(method, path string, body []byte, header map[string]string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Tus-Resumable", "1.0.0")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func meta(kv ...string) string {
	var parts []string
	for i := 0; i+1 < len(kv); i += 2 {
		parts = append(parts, kv[i]+" "+base64.StdEncoding.EncodeToString([]byte(kv[i+1])))
	}
	return strings.Join(parts, ",")
}

// create starts an upload of size bytes and returns its id.
func (e *env) create(size int, metadata string) string {
	e.t.Helper()
	resp := e.request("POST", "/uploads", nil, map[string]string{"Upload-Length": strconv.Itoa(size), "Upload-Metadata": metadata})
	if resp.StatusCode != http.StatusCreated {
		e.t.Fatalf("POST: got %s, want 201", resp.Status)
	}
	loc := resp.Header.Get("Location")
	return loc[strings.LastIndex(loc, "/")+1:]
}

func (e *env) patch(id string, offset int64, chunk []byte) *http.Response {
	e.t.Helper()
	return e.request("PATCH", "/uploads/"+id, chunk, map[string]string{
		"Upload-Offset": strconv.FormatInt(offset, 10), "Content-Type": "application/offset+octet-stream"})
}

func (e *env) offset(id string) int64 {
	e.t.Helper()
	resp := e.request("HEAD", "/uploads/"+id, nil, nil)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("HEAD: got %s, want 200", resp.Status)
	}
	n, err := strconv.ParseInt(resp.Header.Get("Upload-Offset"), 10, 64)
	if err != nil {
		e.t.Fatalf("HEAD: Upload-Offset %q", resp.Header.Get("Upload-Offset"))
	}
	return n
}

// joined completes the blob upload of a received upload, as the video's
// processing does, and returns the joined file.
func (e *env) joined(u upload.Upload) ([]byte, media.BlobInfo) {
	e.t.Helper()
	ctx := context.Background()
	info, err := e.blobs.CompleteUpload(ctx, u.Key, u.BlobUpload, u.Parts)
	if err != nil {
		e.t.Fatalf("CompleteUpload: %v", err)
	}
	rc, _, err := e.blobs.Get(ctx, u.Key, media.Range{})
	if err != nil {
		e.t.Fatal(err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	return b, info
}

// finish checks that the upload was received with file's bytes and hash,
// and that nothing but the joined file is left in the blob store.
func (e *env) finish(id string, file []byte) {
	e.t.Helper()
	got := e.recv.uploads()
	if len(got) != 1 || got[0].ID != id {
		e.t.Fatalf("received %d uploads, want upload %s once", len(got), id)
	}
	u := got[0]
	if u.State != upload.Received || u.SHA256 != sum(file) || u.Offset != int64(len(file)) || u.Container != upload.MP4 {
		e.t.Errorf("received %+v, want state received, %d bytes, sha %s, container mp4", u, len(file), sum(file))
	}
	data, info := e.joined(u)
	if !bytes.Equal(data, file) || info.SHA256 != u.SHA256 {
		e.t.Errorf("joined file: %d bytes with sha %s, want the %d sent with %s", len(data), info.SHA256, len(file), u.SHA256)
	}
	left, err := e.blobs.List(context.Background(), "")
	if err != nil {
		e.t.Fatal(err)
	}
	if len(left) != 1 || left[0].Key != u.Key {
		e.t.Errorf("blobs left: %+v, want only the joined file %s", left, u.Key)
	}
}

func TestUploadInChunksOfAnySize(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		file := fileOf(2*partSize + 12345)
		id := e.create(len(file), meta("filename", "our video.mp4", "filetype", "video/mp4"))
		// Odd sizes: inside a part, across a part boundary, one byte, the rest.
		var off int64
		for _, n := range []int{5, 3 << 20, 4 << 20, 1, partSize, len(file)} {
			end := min(off+int64(n), int64(len(file)))
			if resp := e.patch(id, off, file[off:end]); resp.StatusCode != http.StatusNoContent {
				t.Fatalf("PATCH at %d: got %s, want 204", off, resp.Status)
			}
			off = end
			if got := e.offset(id); got != off {
				t.Fatalf("after PATCH: offset %d, want %d", got, off)
			}
			if off == int64(len(file)) {
				break
			}
		}
		e.finish(id, file)
	})
}

// A connection that breaks off keeps what arrived: the client asks where
// the upload stands and sends the rest.
func TestResumeAfterDroppedConnection(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		file := fileOf(partSize + 3<<20)
		id := e.create(len(file), meta("filename", "clip.mp4"))
		sent := partSize + 1<<20 // a full part and some
		cutAfter(t, e.srv.URL, id, 0, file, sent)
		got := settledOffset(t, e, id, 0, sent)
		if resp := e.patch(id, got, file[got:]); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("resuming PATCH: got %s", resp.Status)
		}
		e.finish(id, file)
	})
}

// A request whose connection went silent (the server has not noticed it is
// dead) is taken over at once by the client's next request: it stores what
// it has and lets go.
func TestStalledRequestIsTakenOver(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		file := fileOf(partSize + 1<<20)
		id := e.create(len(file), meta("filename", "clip.mp4"))
		conn, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "PATCH /uploads/%s HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: %d\r\n\r\n", id, len(file))
		sent := 3 << 20
		if _, err := conn.Write(file[:sent]); err != nil {
			t.Fatal(err)
		}
		// The stalled request has read what was sent once its buffer is
		// full; then a new request asks where the upload stands.
		time.Sleep(300 * time.Millisecond)
		began := time.Now()
		got := e.offset(id)
		if took := time.Since(began); took > 5*time.Second {
			t.Errorf("HEAD waited %s for the stalled request", took)
		}
		if got > int64(sent) {
			t.Fatalf("offset %d, want at most the %d bytes the stalled request received", got, sent)
		}
		if resp := e.patch(id, got, file[got:]); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("resuming PATCH: %s", resp.Status)
		}
		e.finish(id, file)
	})
}

// cutAfter sends a PATCH announcing all of file from offset but closes the
// connection after n bytes, as a dropped connection does.
func cutAfter(t *testing.T, base, id string, offset int64, file []byte, n int) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	rest := file[offset:]
	fmt.Fprintf(conn, "PATCH /uploads/%s HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: %d\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: %d\r\n\r\n", id, offset, len(rest))
	if _, err := conn.Write(rest[:n]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	conn.Close()
}

// A new store on the same stores (a restarted server) continues an
// upload from its last stored byte, tail included.
func TestResumeOnANewServer(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		file := fileOf(partSize + 777)
		id := e.create(len(file), meta("filename", "clip.mp4"))
		half := partSize/2 + 3
		if resp := e.patch(id, 0, file[:half]); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("PATCH: %s", resp.Status)
		}
		e.start(e.store.Limits())
		if got := e.offset(id); got != int64(half) {
			t.Fatalf("after restart: offset %d, want %d", got, half)
		}
		if resp := e.patch(id, int64(half), file[half:]); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("PATCH after restart: %s", resp.Status)
		}
		e.finish(id, file)
	})
}

func TestBadInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		file := fileOf(partSize + 100)
		id := e.create(len(file), meta("filename", "clip.mp4"))
		if resp := e.patch(id, 0, file[:1000]); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("first PATCH: %s", resp.Status)
		}
		for _, tc := range []struct {
			name   string
			offset int64
			chunk  []byte
			status int
		}{
			{"duplicated chunk", 0, file[:1000], http.StatusConflict},
			{"offset ahead", 2000, file[2000:3000], http.StatusConflict},
			{"offset behind", 500, file[500:1500], http.StatusConflict},
			{"chunk past the size", 1000, append(bytes.Clone(file[1000:]), 0), http.StatusRequestEntityTooLarge},
		} {
			if resp := e.patch(id, tc.offset, tc.chunk); resp.StatusCode != tc.status {
				t.Errorf("%s: got %s, want %d", tc.name, resp.Status, tc.status)
			}
			if got := e.offset(id); got != 1000 {
				t.Errorf("%s: offset moved to %d, want 1000", tc.name, got)
			}
		}
		resp := e.request("PATCH", "/uploads/"+id, file[1000:2000], map[string]string{"Upload-Offset": "1000", "Content-Type": "text/plain"})
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("PATCH without the tus content type: got %s, want 400", resp.Status)
		}
		for _, tc := range []struct {
			name, length, metadata string
			status                 int
		}{
			{"too large", strconv.Itoa(64<<20 + 1), meta("filename", "big.mp4"), http.StatusRequestEntityTooLarge},
			{"empty", "0", meta("filename", "empty.mp4"), http.StatusBadRequest},
			{"declared as text", "100", meta("filename", "notes.txt", "filetype", "text/plain"), http.StatusBadRequest},
			{"named as a program", "100", meta("filename", "game.exe"), http.StatusBadRequest},
			{"name with a slash", "100", meta("filename", "../../x.mp4"), http.StatusBadRequest},
			{"no length", "", meta("filename", "x.mp4"), http.StatusBadRequest},
		} {
			h := map[string]string{"Upload-Metadata": tc.metadata}
			if tc.length != "" {
				h["Upload-Length"] = tc.length
			}
			if resp := e.request("POST", "/uploads", nil, h); resp.StatusCode != tc.status {
				t.Errorf("POST %s: got %s, want %d", tc.name, resp.Status, tc.status)
			}
		}
		if resp := e.request("HEAD", "/uploads/"+strings.Repeat("0", 32), nil, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("HEAD of an unknown upload: got %s, want 404", resp.Status)
		}
		// The good upload was not disturbed by any of that.
		if resp := e.patch(id, 1000, file[1000:]); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("last PATCH: %s", resp.Status)
		}
		e.finish(id, file)
		if resp := e.request("DELETE", "/uploads/"+id, nil, nil); resp.StatusCode == http.StatusNoContent {
			t.Errorf("DELETE of a finished upload: got %s, want a refusal", resp.Status)
		}
	})
}

// A file that is not a video is refused by its bytes, whatever its name, and
// its upload is removed with everything stored.
func TestNotAVideoIsRefusedAndRemoved(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		for name, head := range map[string][]byte{
			"text named .mp4": []byte("Hello, this is a text file and not a video at all, sorry."),
			"png named .mp4":  []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
			"matroska":        append([]byte{0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01, 0x42, 0xF2, 0x81, 0x04, 0x42, 0xF3, 0x81, 0x08, 0x42, 0x82, 0x88}, []byte("matroska")...),
		} {
			file := append(bytes.Clone(head), make([]byte, partSize+10)...)
			id := e.create(len(file), meta("filename", "clip.mp4", "filetype", "video/mp4"))
			// The first bytes in two chunks: too few to tell, then enough.
			if resp := e.patch(id, 0, file[:3]); resp.StatusCode != http.StatusNoContent {
				t.Fatalf("%s: first 3 bytes: %s", name, resp.Status)
			}
			if resp := e.patch(id, 3, file[3:]); resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: got %s, want 400", name, resp.Status)
			}
			if resp := e.request("HEAD", "/uploads/"+id, nil, nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: HEAD after refusal: got %s, want 404", name, resp.Status)
			}
		}
		if left, _ := e.blobs.List(context.Background(), ""); len(left) != 0 {
			t.Errorf("blobs left after refusals: %+v", left)
		}
		if got := e.recv.uploads(); len(got) != 0 {
			t.Errorf("refused files were handed over: %+v", got)
		}
	})
}

func TestDetect(t *testing.T) {
	webm := []byte{0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01, 0x42, 0xF2, 0x81, 0x04, 0x42, 0xF3, 0x81, 0x08, 0x42, 0x82, 0x84, 'w', 'e', 'b', 'm', 0x42, 0x87, 0x81, 0x04}
	for _, tc := range []struct {
		name     string
		head     []byte
		complete bool
		want     upload.Container
		err      string
	}{
		{"mp4", mp4Head, false, upload.MP4, ""},
		{"mov", []byte("\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  "), false, upload.MOV, ""},
		{"old mov", []byte("\x00\x00\x00\x08wide\x00\x00\x00\x00mdat"), false, upload.MOV, ""},
		{"webm", webm, false, upload.WebM, ""},
		{"webm, header cut short", webm[:20], false, "", "need more"},
		{"too short to tell", []byte("\x00\x00\x00"), false, "", "need more"},
		{"tiny complete file", []byte("abc"), true, "", "not a video"},
		{"text", []byte("just some text, nothing else"), false, "", "not a video"},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00"), false, "", "not a video"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := upload.Detect(tc.head, tc.complete)
			switch {
			case tc.err == "" && (err != nil || got != tc.want):
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			case tc.err == "need more" && (err == nil || fault.CodeOf(err) != fault.Internal):
				t.Errorf("got %q, %v; want a request for more bytes", got, err)
			case tc.err == "not a video" && !fault.Is(err, fault.Invalid):
				t.Errorf("got %q, %v; want %s", got, err, fault.Invalid)
			}
		})
	}
}

// A client that announces the file's SHA-256 has the upload refused (and
// removed) when what arrived differs.
func TestAnnouncedChecksum(t *testing.T) {
	b, err := disk.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, b, nil)
	file := fileOf(partSize + 10)
	if resp := e.request("POST", "/uploads", nil, map[string]string{"Upload-Length": "10", "Upload-Metadata": meta("filename", "a.mp4", "sha256", "abc")}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed sha256: got %s, want 400", resp.Status)
	}
	wrong := e.create(len(file), meta("filename", "a.mp4", "sha256", strings.Repeat("0", 64)))
	if resp := e.patch(wrong, 0, file); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("wrong sha256: got %s, want 400", resp.Status)
	}
	if resp := e.request("HEAD", "/uploads/"+wrong, nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("HEAD after a wrong checksum: got %s, want the upload removed", resp.Status)
	}
	right := e.create(len(file), meta("filename", "a.mp4", "sha256", sum(file)))
	if resp := e.patch(right, 0, file); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("right sha256: got %s", resp.Status)
	}
	e.finish(right, file)
}

// Cancelling removes the upload, its parts and its tail.
func TestCancelRemovesTheParts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		file := fileOf(2*partSize + 10)
		id := e.create(len(file), meta("filename", "clip.mp4"))
		if resp := e.patch(id, 0, file[:partSize+500]); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("PATCH: %s", resp.Status)
		}
		u, err := e.store.Get(context.Background(), id)
		if err != nil || len(u.Parts) != 1 || u.TailSize != 500 {
			t.Fatalf("before cancelling: %+v, %v; want one part and a 500-byte tail", u, err)
		}
		if resp := e.request("DELETE", "/uploads/"+id, nil, nil); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("DELETE: %s", resp.Status)
		}
		if _, err := e.blobs.ListParts(context.Background(), u.Key, u.BlobUpload); !fault.Is(err, fault.NotFound) {
			t.Errorf("parts after cancelling: %v, want the blob upload gone", err)
		}
		if left, _ := e.blobs.List(context.Background(), ""); len(left) != 0 {
			t.Errorf("blobs left after cancelling: %+v", left)
		}
		if resp := e.patch(id, int64(partSize+500), file[partSize+500:]); resp.StatusCode != http.StatusNotFound {
			t.Errorf("PATCH after cancelling: got %s, want 404", resp.Status)
		}
	})
}

// Sweep removes uploads nobody touched for a day, and hands over received
// uploads whose hand-over failed.
func TestSweep(t *testing.T) {
	b, err := disk.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, b, nil)
	now := time.Now()
	e.store.Now = func() time.Time { return now }
	stale := e.create(100, meta("filename", "a.mp4"))
	e.patch(stale, 0, fileOf(100)[:40])
	e.recv.fail = fault.Errorf(fault.Unavailable, "down")
	file := fileOf(50)
	waiting := e.create(len(file), meta("filename", "b.mp4"))
	if resp := e.patch(waiting, 0, file); resp.StatusCode < 500 {
		t.Errorf("PATCH while the receiver fails: got %s, want a 5xx so the client retries", resp.Status)
	}
	e.recv.fail = nil
	now = now.Add(25 * time.Hour)
	fresh := e.create(100, meta("filename", "c.mp4"))
	n, err := e.store.Sweep(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("Sweep = %d, %v; want 1 removed", n, err)
	}
	if _, err := e.store.Get(context.Background(), stale); !fault.Is(err, fault.NotFound) {
		t.Errorf("stale upload: %v, want removed", err)
	}
	if _, err := e.store.Get(context.Background(), fresh); err != nil {
		t.Errorf("fresh upload: %v, want kept", err)
	}
	if got := e.recv.uploads(); len(got) != 1 || got[0].ID != waiting {
		t.Errorf("handed over %+v, want the waiting upload", got)
	}
}

// TestRandomOffsets sends many PATCH requests with random offsets and
// lengths, some cut short, against a model of tus: the offset moves only
// for a request at the current offset, by what arrived; nothing is lost,
// duplicated or reordered.
func TestRandomOffsets(t *testing.T) {
	b, err := disk.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, b, nil)
	for seed := uint64(1); seed <= 3; seed++ {
		runOffsets(t, e, mrand.New(mrand.NewPCG(seed, seed)), 40)
	}
}

func FuzzOffsets(f *testing.F) {
	f.Add(uint64(7), uint8(20))
	f.Add(uint64(99), uint8(5))
	f.Fuzz(func(t *testing.T, seed uint64, steps uint8) {
		b, err := disk.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		e := newEnv(t, b, nil)
		runOffsets(t, e, mrand.New(mrand.NewPCG(seed, 1)), int(steps%40)+1)
	})
}

func runOffsets(t *testing.T, e *env, rng *mrand.Rand, steps int) {
	t.Helper()
	file := fileOf(partSize + rng.IntN(2*partSize))
	id := e.create(len(file), meta("filename", "clip.mp4"))
	var model int64
	for i := 0; i < steps && model < int64(len(file)); i++ {
		offset := model
		switch rng.IntN(4) {
		case 0: // a wrong offset
			offset = rng.Int64N(int64(len(file)))
		case 1: // a duplicate of what was sent before
			if model > 0 {
				offset = rng.Int64N(model)
			}
		}
		n := 1 + rng.IntN(3<<20)
		end := min(offset+int64(n), int64(len(file)))
		if rng.IntN(3) == 0 && offset == model { // cut off part of the way
			sent := rng.IntN(int(end-offset) + 1)
			cutAfter(t, e.srv.URL, id, offset, file[:end], sent)
			model = settledOffset(t, e, id, offset, sent)
			continue
		}
		resp := e.patch(id, offset, file[offset:end])
		switch {
		case offset == model && resp.StatusCode == http.StatusNoContent:
			model = end
		case offset != model && resp.StatusCode == http.StatusConflict:
		default:
			t.Fatalf("step %d: PATCH at %d (model %d): got %s", i, offset, model, resp.Status)
		}
		if got := e.offset(id); got != model {
			t.Fatalf("step %d: offset %d, model %d", i, got, model)
		}
	}
	if model < int64(len(file)) {
		if resp := e.patch(id, model, file[model:]); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("last PATCH: %s", resp.Status)
		}
	}
	var u upload.Upload
	for _, r := range e.recv.uploads() {
		if r.ID == id {
			u = r
		}
	}
	if u.SHA256 != sum(file) {
		t.Fatalf("received sha %q, want %s", u.SHA256, sum(file))
	}
	if data, _ := e.joined(u); !bytes.Equal(data, file) {
		t.Fatalf("joined file differs from the one sent")
	}
}

// settledOffset asks where an upload stands after a request from offset
// that sent n bytes and broke off. Asking may interrupt that request
// before it read everything (tus lets a new request take over at once),
// so the answer is anywhere from offset to offset+n; the caller resumes
// from there. It waits a moment first, so that usually all has arrived.
func settledOffset(t *testing.T, e *env, id string, offset int64, n int) int64 {
	t.Helper()
	time.Sleep(20 * time.Millisecond)
	got := e.offset(id)
	if got < offset || got > offset+int64(n) {
		t.Fatalf("after a request from %d that sent %d bytes: offset %d", offset, n, got)
	}
	return got
}
