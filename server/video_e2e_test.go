package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"chorus/testenv"
)

// tusMeta encodes tus Upload-Metadata.
func tusMeta(kv ...string) string {
	var parts []string
	for i := 0; i+1 < len(kv); i += 2 {
		parts = append(parts, kv[i]+" "+base64.StdEncoding.EncodeToString([]byte(kv[i+1])))
	}
	return strings.Join(parts, ",")
}

// tus sends one tus request as c and returns the status, the headers and
// the problem body (if any).
func (c *client) tus(method, path string, body []byte, header map[string]string) (int, http.Header, map[string]any) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	req.Header.Set("Tus-Resumable", "1.0.0")
	req.Header.Set("X-CSRF-Token", c.csrf())
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	_ = json.Unmarshal(raw, &out)
	if resp.StatusCode >= 400 && method != "HEAD" && resp.Header.Get("Content-Type") != "application/problem+json" {
		c.t.Errorf("%s %s: error %d as %q, want application/problem+json", method, path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return resp.StatusCode, resp.Header, out
}

// tusCreate starts an upload of size bytes into video and returns its path.
func (c *client) tusCreate(video string, size int, meta string) string {
	c.t.Helper()
	st, h, out := c.tus("POST", "/api/videos/"+video+"/uploads", nil, map[string]string{"Upload-Length": strconv.Itoa(size), "Upload-Metadata": meta})
	if st != http.StatusCreated || !strings.HasPrefix(h.Get("Location"), "/api/uploads/") {
		c.t.Fatalf("creating an upload: got %d %v, Location %q", st, out, h.Get("Location"))
	}
	return h.Get("Location")
}

func (c *client) tusPatch(path string, offset int64, chunk []byte) (int, map[string]any) {
	c.t.Helper()
	st, _, out := c.tus("PATCH", path, chunk, map[string]string{"Upload-Offset": strconv.FormatInt(offset, 10), "Content-Type": "application/offset+octet-stream"})
	return st, out
}

func (c *client) tusOffset(path string) int64 {
	c.t.Helper()
	st, h, _ := c.tus("HEAD", path, nil, nil)
	if st != http.StatusOK {
		c.t.Fatalf("HEAD %s: got %d", path, st)
	}
	n, _ := strconv.ParseInt(h.Get("Upload-Offset"), 10, 64)
	return n
}

// tusCut sends a PATCH that announces all of rest but breaks the
// connection after n bytes, as a dropped connection does.
func (c *client) tusCut(path string, offset int64, rest []byte, n int) {
	c.t.Helper()
	conn := openPatch(c.t, c, path, offset, offset+int64(len(rest)))
	conn.Write(rest[:n])
	time.Sleep(100 * time.Millisecond)
	conn.Close()
}

// cookieHeader is the Cookie header the client's jar would send.
func (c *client) cookieHeader() string {
	u, _ := url.Parse(c.base)
	var cookies []string
	for _, ck := range c.http.Jar.Cookies(u) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	return strings.Join(cookies, "; ")
}

// waitVersion polls a version until its processing is over.
func waitVersion(t *testing.T, c *client, video string, n int) map[string]any {
	t.Helper()
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		v := c.do("GET", fmt.Sprintf("/api/videos/%s/versions/%d", video, n), nil, 200)["version"].(map[string]any)
		if v["state"] != "processing" {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("version %d still processing after 90 s: %v", n, v)
		}
	}
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// fetch GETs path as c with optional extra headers.
func fetch(t *testing.T, c *client, path string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// videoPeople sets up a centre with a group of two youth (one of them
// without participate), a moderator, and a youth of another group.
type videoPeople struct {
	coord, youth, noConsent, mod, outsider *client
	panel, group                           string
}

func setUpVideoPeople(t *testing.T, base string, stderr *syncBuffer) videoPeople {
	t.Helper()
	coord, _, panel, group := centreIn(t, base, stderr, "FR")
	other := str(coord.do("POST", "/api/panels/"+panel+"/groups", map[string]any{"name": "Group B"}, 201), "group", "id")
	birth16 := time.Now().AddDate(-16, -1, 0).Format("2006-01-02")
	p := videoPeople{coord: coord, panel: panel, group: group}
	p.youth = joinByMail(t, coord, base, panel, group, "", "sam@example.org", "youth", birth16)
	p.youth.do("POST", "/api/me/consents/participate/grant", nil, 200)
	p.noConsent = joinByMail(t, coord, base, panel, group, "", "kim@example.org", "youth", birth16)
	p.mod = joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "")
	p.outsider = joinByMail(t, coord, base, panel, other, "", "lea@example.org", "youth", birth16)
	p.outsider.do("POST", "/api/me/consents/participate/grant", nil, 200)
	return p
}

// TestVideoJourney uploads a clip carrying GPS metadata by tus through the
// real wiring, with a connection cut half-way, waits for the worker to
// process it, and checks who sees what, that nothing served carries the
// location, playback by byte ranges, and captions.
func TestVideoJourney(t *testing.T) {
	testenv.FFmpeg(t)
	t.Run("disk", func(t *testing.T) { videoJourney(t, nil, false) })
	t.Run("s3", func(t *testing.T) {
		m := testenv.MinIO(t)
		videoJourney(t, map[string]string{"S3_ENDPOINT": m.Endpoint, "S3_ACCESS_KEY": m.AccessKey, "S3_SECRET_KEY": m.SecretKey,
			"S3_BUCKET": "journey", "S3_USE_SSL": "false", "VIDEO_SIGNED_URL_TTL": "1m"}, true)
	})
}

// videoJourney runs the journey on the stores env names; with signed,
// playback redirects to signed URLs of the S3 store.
func videoJourney(t *testing.T, env map[string]string, signed bool) {
	base, _, stderr := start(t, env)
	p := setUpVideoPeople(t, base, stderr)
	clip, err := os.ReadFile(testenv.Clip(t, t.TempDir(), "gps.mp4", 3, 320, 240, true,
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"))
	if err != nil {
		t.Fatal(err)
	}

	vid := str(p.youth.do("POST", "/api/groups/"+p.group+"/videos", map[string]any{"title": "Apps and us"}, 201), "video", "id")
	problem(t, p.noConsent, "POST", "/api/groups/"+p.group+"/videos", map[string]any{"title": "x"}, 403, "forbidden")
	problem(t, p.outsider, "POST", "/api/groups/"+p.group+"/videos", map[string]any{"title": "x"}, 404, "not_found") // another group: not even told it exists
	problem(t, p.coord, "POST", "/api/groups/"+p.group+"/videos", map[string]any{"title": "x"}, 403, "forbidden")
	problem(t, p.youth, "POST", "/api/groups/"+p.group+"/videos", map[string]any{"title": ""}, 400, "invalid")

	// Uploads only into a group one may write in.
	if st, _, out := p.outsider.tus("POST", "/api/videos/"+vid+"/uploads", nil, map[string]string{"Upload-Length": "100", "Upload-Metadata": tusMeta("filename", "a.mp4")}); st != 404 || str(out, "type") != "/problems/not_found" {
		t.Errorf("an outsider creating an upload: got %d %v, want 404", st, out)
	}
	if st, _, out := p.noConsent.tus("POST", "/api/videos/"+vid+"/uploads", nil, map[string]string{"Upload-Length": "100", "Upload-Metadata": tusMeta("filename", "a.mp4")}); st != 403 || str(out, "type") != "/problems/forbidden" {
		t.Errorf("a youth without participate creating an upload: got %d %v, want 403", st, out)
	}

	up := p.youth.tusCreate(vid, len(clip), tusMeta("filename", "gps.mp4", "filetype", "video/mp4", "sha256", sha(clip)))
	if st, _, _ := p.outsider.tus("HEAD", up, nil, nil); st != 404 {
		t.Errorf("HEAD of someone else's upload: got %d, want 404", st)
	}
	if st, out := p.outsider.tusPatch(up, 0, clip); st != 404 {
		t.Errorf("PATCH of someone else's upload: got %d %v, want 404", st, out)
	}
	half := len(clip) / 2
	p.youth.tusCut(up, 0, clip, half)
	// Asking where it stands may cut short a request still reading; it
	// stands somewhere in what was sent, and resumes from there.
	time.Sleep(50 * time.Millisecond)
	got := p.youth.tusOffset(up)
	if got < 0 || got > int64(half) {
		t.Fatalf("after the cut: offset %d, want at most the %d bytes sent", got, half)
	}
	if st, out := p.youth.tusPatch(up, got+1, clip[got+1:]); st != 409 || str(out, "type") != "/problems/conflict" {
		t.Errorf("sending from the wrong offset: got %d %v, want 409 problem", st, out)
	}
	if st, out := p.youth.tusPatch(up, got, clip[got:]); st != 204 {
		t.Fatalf("resuming: got %d %v", st, out)
	}
	status := p.youth.do("GET", up, nil, 200)["upload"].(map[string]any)
	if status["state"] != "received" || status["sha256"] != sha(clip) {
		t.Errorf("upload status %v, want received with the clip's sha256", status)
	}

	v := waitVersion(t, p.youth, vid, 1)
	if v["state"] != "ready" || v["verified"] != true || v["sha256"] != sha(clip) {
		t.Fatalf("version: %v, want ready and verified with the clip's sha256", v)
	}
	// The panel's moderator and coordinator see it; outside the group nobody does.
	p.mod.do("GET", "/api/videos/"+vid, nil, 200)
	if list := p.coord.do("GET", "/api/groups/"+p.group+"/videos", nil, 200)["videos"].([]any); len(list) != 1 {
		t.Errorf("coordinator's list: %v, want the video", list)
	}
	problem(t, p.outsider, "GET", "/api/videos/"+vid, nil, 404, "not_found")
	problem(t, p.outsider, "GET", "/api/groups/"+p.group+"/videos", nil, 404, "not_found")
	problem(t, p.noConsent, "GET", "/api/videos/"+vid, nil, 403, "forbidden")
	if resp, _ := fetch(t, p.outsider, "/api/videos/"+vid+"/versions/1/rendition", nil); resp.StatusCode != 404 {
		t.Errorf("outsider playing: got %d, want 404", resp.StatusCode)
	}

	// Rule 7: nothing served carries the location or the device.
	rendition := v["rendition"].(map[string]any)
	var served [][]byte
	for _, a := range []string{"poster", "thumbnails", "rendition"} {
		asset := v[a].(map[string]any)
		resp, body := fetch(t, p.youth, asset["url"].(string), nil)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), asset["contentType"].(string)) || int64(len(body)) != int64(asset["size"].(float64)) {
			t.Fatalf("GET %s: %d %s with %d bytes, want 200 %s", a, resp.StatusCode, resp.Header.Get("Content-Type"), len(body), asset["contentType"])
		}
		served = append(served, body)
	}
	for i, body := range served {
		for _, secret := range []string{testenv.GPSLocation, "48.8584", "iPhone", "com.apple.quicktime.location"} {
			if bytes.Contains(body, []byte(secret)) {
				t.Errorf("served file %d contains %q", i, secret)
			}
		}
	}
	_, ffprobe := testenv.FFmpeg(t)
	path := filepath.Join(t.TempDir(), "served.mp4")
	os.WriteFile(path, served[2], 0o600)
	tags, err := exec.Command(ffprobe, "-v", "error", "-show_entries", "format_tags:stream_tags", "-of", "json", path).Output()
	if err != nil || bytes.Contains(tags, []byte("location")) || bytes.Contains(tags, []byte("make")) || bytes.Contains(tags, []byte("model")) {
		t.Errorf("the served rendition's tags: %s (%v)", tags, err)
	}

	// Playback by byte ranges (with S3, through a short-lived signed URL
	// given after the permission check).
	if signed {
		noFollow := *p.youth.http
		noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		req, _ := http.NewRequest("GET", base+rendition["url"].(string), nil)
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || !strings.Contains(loc, env["S3_ENDPOINT"]) || !strings.Contains(loc, "X-Amz-Expires=60") {
			t.Errorf("S3 playback: %d to %q, want a redirect to a one-minute signed URL", resp.StatusCode, loc)
		}
	}
	resp, body := fetch(t, p.youth, rendition["url"].(string), map[string]string{"Range": "bytes=100-199"})
	if resp.StatusCode != 206 || len(body) != 100 || !bytes.Equal(body, served[2][100:200]) ||
		resp.Header.Get("Content-Range") != fmt.Sprintf("bytes 100-199/%d", len(served[2])) || resp.Header.Get("Accept-Ranges") != "bytes" {
		t.Errorf("range: %d %q with %d bytes", resp.StatusCode, resp.Header.Get("Content-Range"), len(body))
	}
	if resp, body := fetch(t, p.youth, rendition["url"].(string), map[string]string{"Range": "bytes=-10"}); resp.StatusCode != 206 || !bytes.Equal(body, served[2][len(served[2])-10:]) {
		t.Errorf("suffix range: %d with %d bytes", resp.StatusCode, len(body))
	}
	if resp, _ := fetch(t, p.youth, rendition["url"].(string), map[string]string{"Range": fmt.Sprintf("bytes=%d-", len(served[2])+5)}); resp.StatusCode != 400 && (!signed || resp.StatusCode != 416) {
		t.Errorf("range past the end: %d, want 400 (416 from S3)", resp.StatusCode)
	}

	// Captions: a clear error naming the line, then fixed.
	capURL := "/api/videos/" + vid + "/versions/1/captions/fr"
	st, out := putVTT(t, p.youth, capURL, "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nSalut\n\n00:00:02,000 --> 00:00:03.000\n<script>x</script>\n")
	if st != 400 || !strings.Contains(str(out, "detail"), "Line 6:") {
		t.Errorf("bad captions: got %d %v, want 400 naming line 6", st, out)
	}
	good := "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nSalut !\n\n00:00:02.500 --> 00:00:03.000\n<i>C’est nous.</i>\n"
	if st, out := putVTT(t, p.youth, capURL, good); st != 200 || out["caption"].(map[string]any)["cues"] != float64(2) {
		t.Errorf("good captions: got %d %v", st, out)
	}
	if st, _ := putVTT(t, p.outsider, capURL, good); st != 404 {
		t.Errorf("outsider writing captions: got %d, want 404", st)
	}
	if resp, body := fetch(t, p.mod, capURL, nil); resp.StatusCode != 200 || string(body) != good || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/vtt") {
		t.Errorf("GET captions: %d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	v = p.youth.do("GET", "/api/videos/"+vid+"/versions/1", nil, 200)["version"].(map[string]any)
	if cs := v["captions"].([]any); len(cs) != 1 || cs[0].(map[string]any)["language"] != "fr" {
		t.Errorf("captions listed: %v", cs)
	}

	// Her export lists the video she appears in, by its title, and her
	// comment on it (GDPR Art. 15, 20).
	p.youth.do("POST", "/api/videos/"+vid+"/tags", map[string]any{}, 201)
	p.youth.do("POST", "/api/videos/"+vid+"/versions/1/comments", map[string]any{"at": 1.5, "text": "Louder here please"}, 201)
	files := unzip(t, p.youth, "/api/me/export")
	for name, want := range map[string][]string{
		"contributions.json": {`"videos"`, `"videoId": "` + vid + `"`, `"confirmed": true`, "Louder here please", `"` + vid + `": "Apps and us"`},
		"summary.html":       {"Apps and us", "Louder here please"},
	} {
		for _, w := range want {
			if !strings.Contains(files[name], w) {
				t.Errorf("export: %s lacks %q:\n%s", name, w, files[name])
			}
		}
	}
}

func putVTT(t *testing.T, c *client, path, text string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("PUT", c.base+path, strings.NewReader(text))
	req.Header.Set("Content-Type", "text/vtt")
	req.Header.Set("X-CSRF-Token", c.csrf())
	req.Header.Set("Accept-Language", "en")
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// TestVideoBadInput: files that are not video, cut short, too large or not
// what was announced, chunks at the wrong offset or past the end, and a
// cancelled upload all get a clear problem, leave no version to see, and
// leave no parts behind.
func TestVideoBadInput(t *testing.T) {
	testenv.FFmpeg(t)
	dataDir := t.TempDir()
	base, _, stderr := start(t, map[string]string{"CHORUS_DATA_DIR": dataDir, "VIDEO_MAX_BYTES": strconv.Itoa(4 << 20)})
	p := setUpVideoPeople(t, base, stderr)
	y := p.youth
	vid := str(y.do("POST", "/api/groups/"+p.group+"/videos", map[string]any{"title": "Bad input"}, 201), "video", "id")
	clip, _ := os.ReadFile(testenv.Clip(t, t.TempDir(), "ok.mp4", 2, 160, 120, false, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"))

	// Refused before any byte: too large, not a video by name or type, no size.
	for _, tc := range []struct {
		name   string
		header map[string]string
		status int
		typ    string
	}{
		{"too large", map[string]string{"Upload-Length": strconv.Itoa(4<<20 + 1), "Upload-Metadata": tusMeta("filename", "big.mp4")}, 413, "too_large"},
		{"a text file", map[string]string{"Upload-Length": "100", "Upload-Metadata": tusMeta("filename", "notes.txt", "filetype", "text/plain")}, 400, "invalid"},
		{"no size", map[string]string{"Upload-Defer-Length": "1", "Upload-Metadata": tusMeta("filename", "a.mp4")}, 400, "invalid"},
		{"no tus version", map[string]string{"Tus-Resumable": "0.2.2", "Upload-Length": "100"}, 400, "invalid"},
	} {
		if st, _, out := y.tus("POST", "/api/videos/"+vid+"/uploads", nil, tc.header); st != tc.status || str(out, "type") != "/problems/"+tc.typ || str(out, "detail") == "" {
			t.Errorf("%s: got %d %v, want %d /problems/%s with a detail", tc.name, st, out, tc.status, tc.typ)
		}
	}

	// Not a video, whatever its name says.
	text := []byte(strings.Repeat("This is not a video. ", 500))
	up := y.tusCreate(vid, len(text), tusMeta("filename", "holiday.mp4", "filetype", "video/mp4"))
	if st, out := y.tusPatch(up, 0, text); st != 400 || !strings.Contains(str(out, "detail"), "not a video Chorus can take") {
		t.Errorf("a text file named .mp4: got %d %v", st, out)
	}
	if st, _, _ := y.tus("HEAD", up, nil, nil); st != 404 {
		t.Errorf("HEAD after the refusal: %d, want 404", st)
	}

	// Wrong offsets, chunks past the end, a different file than announced.
	up = y.tusCreate(vid, len(clip), tusMeta("filename", "ok.mp4", "sha256", strings.Repeat("0", 64)))
	if st, out := y.tusPatch(up, 10, clip[10:20]); st != 409 || str(out, "type") != "/problems/conflict" {
		t.Errorf("offset ahead: %d %v", st, out)
	}
	if st, out := y.tusPatch(up, 0, append(append([]byte{}, clip...), 0)); st != 413 || str(out, "type") != "/problems/too_large" {
		t.Errorf("chunk past the end: %d %v", st, out)
	}
	if st, out := y.tusPatch(up, 0, clip); st != 400 || !strings.Contains(str(out, "detail"), "SHA-256 differs") {
		t.Errorf("a different file than announced: %d %v", st, out)
	}

	// A cancelled upload is gone with its parts.
	up = y.tusCreate(vid, len(clip), tusMeta("filename", "ok.mp4"))
	if st, _ := y.tusPatch(up, 0, clip[:len(clip)/2]); st != 204 {
		t.Fatalf("first half: %d", st)
	}
	if st, _, _ := p.outsider.tus("DELETE", up, nil, nil); st != 404 {
		t.Errorf("an outsider cancelling: %d, want 404", st)
	}
	if st, _, _ := y.tus("DELETE", up, nil, nil); st != 204 {
		t.Errorf("cancelling: %d, want 204", st)
	}
	if st, _ := y.tusPatch(up, int64(len(clip)/2), clip[len(clip)/2:]); st != 404 {
		t.Errorf("PATCH after cancelling: %d, want 404", st)
	}

	// A file cut short arrives whole as far as tus knows, and processing
	// says it cannot be read.
	cut := clip[:len(clip)/2]
	up = y.tusCreate(vid, len(cut), tusMeta("filename", "cut.mp4"))
	if st, _ := y.tusPatch(up, 0, cut); st != 204 {
		t.Fatalf("the cut file: %d", st)
	}
	v := waitVersion(t, y, vid, 1)
	if v["state"] != "failed" || !strings.Contains(v["problem"].(string), "could not read this video") || v["rendition"] != nil {
		t.Errorf("a cut file: %v, want failed saying it could not be read", v)
	}
	// In French, for a French reader.
	req, _ := http.NewRequest("GET", base+"/api/videos/"+vid+"/versions/1", nil)
	req.Header.Set("Accept-Language", "fr")
	resp, err := y.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var fr map[string]any
	json.NewDecoder(resp.Body).Decode(&fr)
	resp.Body.Close()
	if got := fr["version"].(map[string]any)["problem"]; !strings.Contains(got.(string), "Chorus n’a pas pu lire cette vidéo") {
		t.Errorf("the problem in French: %q", got)
	}

	// Nothing half-stored is left: no upload directory, no tail, no part,
	// no original of a refused or failed file.
	var left []string
	filepath.Walk(filepath.Join(dataDir, "blobs"), func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && !strings.Contains(path, string(filepath.Separator)+"tmp"+string(filepath.Separator)) {
			left = append(left, strings.TrimPrefix(path, dataDir))
		}
		return nil
	})
	if len(left) != 0 {
		t.Errorf("files left in the blob store: %q", left)
	}
}
