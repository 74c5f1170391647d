package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"chorus/testenv"
)

// process is the server binary running on a data directory.
type serverProcess struct {
	cmd    *exec.Cmd
	base   string
	stderr *syncBuffer
	done   chan error
}

func startBinary(t *testing.T, port int, env map[string]string) *serverProcess {
	t.Helper()
	cmd := exec.Command(chorusBinary(t), "serve")
	smtp := testenv.SMTP(t) // the tests read links as the recipient does
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port), "SMTP_URL="+smtp.URL)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	p := &serverProcess{cmd: cmd, base: "http://127.0.0.1:" + strconv.Itoa(port), stderr: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { p.cmd.Process.Kill(); <-p.done })
	mailboxes.Store(p.base, smtp)
	t.Cleanup(func() { mailboxes.Delete(p.base) })
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(p.base + "/healthz"); err == nil {
			resp.Body.Close()
			return p
		}
		select {
		case err := <-p.done:
			t.Fatalf("the server stopped: %v\n%s", err, p.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not answer within 20 s:\n%s", p.stderr)
		}
	}
}

// kill stops the server as a crash does: SIGKILL, nothing flushed.
func (p *serverProcess) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
	p.done <- nil // for the cleanup
}

// TestUploadResumesAfterKill9 kills the server binary with SIGKILL while a
// tus PATCH is streaming, starts it again on the same data, and finishes
// the upload from the offset the new server reports: the stored file's
// SHA-256 matches the one sent. The server has no ffmpeg, so the video is
// stored, checked and says that processing is unavailable.
func TestUploadResumesAfterKill9(t *testing.T) {
	testenv.FFmpeg(t) // to make the clip
	dir := t.TempDir()
	port := freePort(t)
	env := map[string]string{"CHORUS_DATA_DIR": dir, "FFMPEG_BIN": filepath.Join(dir, "no-ffmpeg-here"), "CHORUS_LOG_LEVEL": "warn"}
	first := startBinary(t, port, env)
	people := setUpVideoPeople(t, first.base, first.stderr)
	youth := people.youth

	// An uncompressed clip of about 14 MB: more than one 8 MiB part.
	clipPath := testenv.Clip(t, t.TempDir(), "raw.mov", 5, 320, 240, false, "-c:v", "rawvideo", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le")
	clip, err := os.ReadFile(clipPath)
	if err != nil {
		t.Fatal(err)
	}
	vid := str(youth.do("POST", "/api/groups/"+people.group+"/videos", map[string]any{"title": "Crash test"}, 201), "video", "id")
	up := youth.tusCreate(vid, len(clip), tusMeta("filename", "raw.mov"))

	// Stream 11 MiB of the file and keep the connection open, then kill.
	sent := 11 << 20
	conn := openPatch(t, youth, up, 0, int64(len(clip)))
	if _, err := conn.Write(clip[:sent]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // the server stores the first part meanwhile
	first.kill(t)
	conn.Close()

	second := startBinary(t, port, env)
	if !strings.Contains(second.base, strconv.Itoa(port)) {
		t.Fatal("restarted on another port")
	}
	offset := youth.tusOffset(up)
	if offset <= 0 || offset > int64(sent) {
		t.Fatalf("after kill -9 and restart: offset %d, want some of the %d bytes sent", offset, sent)
	}
	t.Logf("kill -9 after %d bytes sent; the restarted server resumes at %d", sent, offset)
	if st, out := youth.tusPatch(up, offset, clip[offset:]); st != 204 {
		t.Fatalf("finishing after the restart: %d %v", st, out)
	}
	v := waitVersion(t, youth, vid, 1)
	if v["sha256"] != sha(clip) || v["verified"] != true || v["size"] != float64(len(clip)) {
		t.Fatalf("version after the restart: %v, want the clip's sha256 %s, verified", v, sha(clip))
	}
	if v["state"] != "unavailable" || !strings.Contains(v["problem"].(string), "cannot be processed on this server") {
		t.Errorf("without ffmpeg: state %v, problem %q; want unavailable, saying so", v["state"], v["problem"])
	}
}

// openPatch starts a tus PATCH of length bytes from offset and returns the
// connection to write the body on.
func openPatch(t *testing.T, c *client, path string, offset, length int64) net.Conn {
	t.Helper()
	host := strings.TrimPrefix(c.base, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "PATCH %s HTTP/1.1\r\nHost: %s\r\nTus-Resumable: 1.0.0\r\nX-CSRF-Token: %s\r\nCookie: %s\r\nUpload-Offset: %d\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: %d\r\n\r\n",
		path, host, c.csrf(), c.cookieHeader(), offset, length-offset)
	return conn
}
