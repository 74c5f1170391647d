package process_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chorus/identity"
	"chorus/jobs"
	"chorus/media"
	"chorus/media/disk"
	"chorus/media/ffmpeg"
	"chorus/media/process"
	"chorus/media/upload"
	"chorus/media/video"
	"chorus/store"
	"chorus/store/sqlite"
	"chorus/testenv"
)

// world is a video service, a queue and a processor on real stores.
type world struct {
	t      *testing.T
	docs   store.Documents
	blobs  media.Blobs
	videos *video.Service
	queue  *jobs.Queue
	vid    video.Video
	tools  *ffmpeg.Tools
}

func newWorld(t *testing.T, withTools bool, maxDuration time.Duration) *world {
	t.Helper()
	ctx := context.Background()
	docs, err := sqlite.Open(filepath.Join(t.TempDir(), "docs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docs.Close() })
	blobs, err := disk.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, docs: docs, blobs: blobs, queue: jobs.NewQueue(docs)}
	w.videos = video.NewService(docs, blobs, w.queue)
	for _, d := range []func(context.Context) error{w.queue.Declare, w.videos.Declare} {
		if err := d(ctx); err != nil {
			t.Fatal(err)
		}
	}
	mpeg, probe := testenv.FFmpeg(t)
	w.tools = &ffmpeg.Tools{FFmpeg: mpeg, FFprobe: probe}
	cfg := process.Config{MaxDuration: maxDuration, WorkDir: t.TempDir()}
	if withTools {
		cfg.Tools = w.tools
	}
	process.New(w.videos, blobs, cfg).Register(w.queue)
	if w.vid, err = w.videos.Create(ctx, "acc1", identity.Group{ID: "g1", PanelID: "p1"}, "Our video"); err != nil {
		t.Fatal(err)
	}
	return w
}

// receive stores file as an upload's single part and hands it over, as
// package upload does when the last byte has arrived.
func (w *world) receive(id string, file []byte, container upload.Container) video.Version {
	w.t.Helper()
	ctx := context.Background()
	key := "videos/" + w.vid.ID + "/originals/" + id
	bu, err := w.blobs.StartUpload(ctx, key, container.ContentType())
	if err != nil {
		w.t.Fatal(err)
	}
	part, err := w.blobs.PutPart(ctx, key, bu, 1, bytes.NewReader(file), int64(len(file)))
	if err != nil {
		w.t.Fatal(err)
	}
	h := sha256.Sum256(file)
	u := upload.Upload{ID: id, VideoID: w.vid.ID, PanelID: "p1", GroupID: "g1", Uploader: "acc1", Filename: "clip", Size: int64(len(file)),
		Offset: int64(len(file)), State: upload.Received, Container: container, Key: key, BlobUpload: bu, Parts: []media.Part{part}, SHA256: hex.EncodeToString(h[:])}
	if err := w.videos.Received(ctx, u); err != nil {
		w.t.Fatal(err)
	}
	if err := w.videos.Received(ctx, u); err != nil { // a second hand-over changes nothing
		w.t.Fatal(err)
	}
	return w.version(id)
}

func (w *world) version(id string) video.Version {
	w.t.Helper()
	v, err := w.videos.VersionByID(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return v
}

func (w *world) run() {
	w.t.Helper()
	if _, err := w.queue.RunDue(context.Background()); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) blob(key string) []byte {
	w.t.Helper()
	rc, _, err := w.blobs.Get(context.Background(), key, media.Range{})
	if err != nil {
		w.t.Fatalf("Get(%s): %v", key, err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	return b
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var h264 = []string{"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"}

// Rule 7: a clip carrying GPS and device metadata is served without it,
// in every file made from it.
func TestReadyWithoutLocationMetadata(t *testing.T) {
	w := newWorld(t, true, 0)
	clip := testenv.Clip(t, t.TempDir(), "gps.mp4", 3, 320, 240, true, h264...)
	file := read(t, clip)
	if !bytes.Contains(file, []byte(testenv.GPSLocation)) || !bytes.Contains(file, []byte("iPhone")) {
		t.Fatal("the test clip does not carry the metadata it should")
	}
	w.receive("v1", file, upload.MP4)
	w.run()
	v := w.version("v1")
	if v.State != video.Ready || v.Poster == nil || v.Thumbnails == nil || v.Rendition == nil || !v.Remuxed || !v.Original.Verified {
		t.Fatalf("got %+v, want ready, remuxed, with poster, thumbnails and rendition", v)
	}
	if v.Probe.Duration < 2.9 || v.Probe.Width != 320 || v.Probe.VideoCodec != "h264" || v.Probe.AudioCodec != "aac" {
		t.Errorf("probe %+v", v.Probe)
	}
	if v.Thumbnails.Count != 2 || v.Thumbnails.Width != 2*160 {
		t.Errorf("thumbnails %+v, want 2 of 160 px in one strip", v.Thumbnails)
	}
	dir := t.TempDir()
	for _, a := range []*video.Asset{v.Poster, v.Thumbnails, v.Rendition} {
		data := w.blob(a.Key)
		for _, secret := range []string{testenv.GPSLocation, "48.8584", "iPhone", "Apple", "location"} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s contains %q", a.Key, secret)
			}
		}
		path := filepath.Join(dir, filepath.Base(a.Key))
		os.WriteFile(path, data, 0o600)
		info, err := w.tools.Probe(context.Background(), path)
		if err != nil {
			t.Fatalf("probing %s: %v", a.Key, err)
		}
		for k, val := range info.Tags {
			if strings.Contains(strings.ToLower(k), "location") || strings.Contains(val, "48.85") || k == "make" || k == "model" {
				t.Errorf("%s has the tag %s=%s", a.Key, k, val)
			}
		}
	}
	// The rendition plays from its start (index first: faststart).
	if r := w.blob(v.Rendition.Key); !bytes.Contains(r[:256], []byte("moov")) && bytes.Index(r, []byte("moov")) > bytes.Index(r, []byte("mdat")) {
		t.Errorf("the rendition's index comes after its data: not faststart")
	}
	if j, _ := w.queue.Get(context.Background(), "v1"); j.State != jobs.Done {
		t.Errorf("job %+v, want done", j)
	}
}

// What browsers cannot play, or larger than 720 lines, is converted to
// H.264/AAC MP4 of at most 720 lines; WebM with VP8 plays as it is.
func TestRenditions(t *testing.T) {
	w := newWorld(t, true, 0)
	dir := t.TempDir()
	for _, tc := range []struct {
		name, file string
		container  upload.Container
		size       [2]int
		output     []string
		remuxed    bool
		want       [2]int
		codec      string
	}{
		{"mpeg4 in mov", "a.mov", upload.MOV, [2]int{320, 240}, []string{"-c:v", "mpeg4", "-c:a", "pcm_s16le"}, false, [2]int{320, 240}, "h264"},
		{"h264 at 960 lines", "b.mp4", upload.MP4, [2]int{1280, 960}, h264, false, [2]int{960, 720}, "h264"},
		{"portrait", "c.mp4", upload.MP4, [2]int{720, 1280}, h264, true, [2]int{720, 1280}, "h264"},
		{"webm", "d.webm", upload.WebM, [2]int{320, 240}, []string{"-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libvorbis"}, true, [2]int{320, 240}, "vp8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clip := testenv.Clip(t, dir, tc.file, 1, tc.size[0], tc.size[1], false, tc.output...)
			v := w.receive(strings.ReplaceAll(tc.name, " ", "-"), read(t, clip), tc.container)
			w.run()
			v = w.version(v.ID)
			if v.State != video.Ready {
				t.Fatalf("got %s (%+v), want ready", v.State, v.Problem)
			}
			if v.Remuxed != tc.remuxed || v.Rendition.Width != tc.want[0] || v.Rendition.Height != tc.want[1] {
				t.Errorf("rendition %+v remuxed %t, want %dx%d remuxed %t", v.Rendition, v.Remuxed, tc.want[0], tc.want[1], tc.remuxed)
			}
			path := filepath.Join(dir, "out-"+filepath.Base(v.Rendition.Key))
			os.WriteFile(path, w.blob(v.Rendition.Key), 0o600)
			info, err := w.tools.Probe(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			if s, _ := info.Video(); s.Codec != tc.codec {
				t.Errorf("rendition codec %s, want %s", s.Codec, tc.codec)
			}
		})
	}
}

// Files that are not what they claim, too long or cut short fail with a
// reason in plain words, and nothing of them is kept.
func TestBadVideosFailWithAReason(t *testing.T) {
	w := newWorld(t, true, 4*time.Second)
	dir := t.TempDir()
	long := read(t, testenv.Clip(t, dir, "long.mp4", 5, 160, 120, false, h264...))
	audio := read(t, testenv.Clip(t, dir, "sound.m4a", 1, 160, 120, false, "-vn", "-c:a", "aac"))
	faststart := read(t, testenv.Clip(t, dir, "fs.mp4", 3, 320, 240, false, append(h264, "-movflags", "+faststart")...))
	plain := read(t, testenv.Clip(t, dir, "plain.mp4", 3, 320, 240, false, h264...))
	for _, tc := range []struct {
		name, id string
		file     []byte
		want     string
	}{
		{"too long", "long", long, "This video is %s long; a video can be at most %s."},
		{"sound only", "sound", audio, "This file has no moving picture."},
		{"cut short, index first", "cut1", faststart[:len(faststart)/2], "Chorus could not read this video."},
		{"cut short, index last", "cut2", plain[:len(plain)/2], "Chorus could not read this video."},
		{"not a video inside", "junk", append(bytes.Clone(plain[:32]), bytes.Repeat([]byte("junk"), 5000)...), "Chorus could not read this video."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := w.receive(tc.id, tc.file, upload.MP4)
			w.run()
			v = w.version(v.ID)
			if v.State != video.Failed || v.Problem == nil || !strings.HasPrefix(v.Problem.Format, strings.SplitN(tc.want, "%", 2)[0]) {
				t.Fatalf("got %s with %+v, want failed saying %q", v.State, v.Problem, tc.want)
			}
			if v.Rendition != nil || v.Poster != nil {
				t.Errorf("assets kept: %+v", v)
			}
			if left, _ := w.blobs.List(context.Background(), "videos/"+w.vid.ID+"/originals/"+tc.id); len(left) != 0 {
				t.Errorf("original kept: %+v", left)
			}
		})
	}
	v := w.version("long")
	if v.Problem.Args[0] != "5 s" || v.Problem.Args[1] != "4 s" {
		t.Errorf("too long: args %q, want the length and the limit", v.Problem.Args)
	}
}

// A file whose joined bytes do not match the SHA-256 recorded as they
// arrived is refused.
func TestChecksumIsVerified(t *testing.T) {
	w := newWorld(t, true, 0)
	clip := read(t, testenv.Clip(t, t.TempDir(), "a.mp4", 1, 160, 120, false, h264...))
	ctx := context.Background()
	key := "videos/" + w.vid.ID + "/originals/bad"
	bu, _ := w.blobs.StartUpload(ctx, key, "")
	part, _ := w.blobs.PutPart(ctx, key, bu, 1, bytes.NewReader(clip), int64(len(clip)))
	u := upload.Upload{ID: "bad", VideoID: w.vid.ID, Uploader: "acc1", Size: int64(len(clip)), State: upload.Received, Container: upload.MP4,
		Key: key, BlobUpload: bu, Parts: []media.Part{part}, SHA256: strings.Repeat("ab", 32)}
	if err := w.videos.Received(ctx, u); err != nil {
		t.Fatal(err)
	}
	w.run()
	if v := w.version("bad"); v.State != video.Failed || v.Problem.Format != "The file changed on its way into Chorus. Upload it again." || v.Original.Verified {
		t.Errorf("got %s %+v, want failed: changed on its way", v.State, v.Problem)
	}
}

// Without ffmpeg a video is still stored and checked, and says processing
// is unavailable; a worker with ffmpeg takes it up when it starts.
func TestWithoutFFmpeg(t *testing.T) {
	w := newWorld(t, false, 0)
	clip := read(t, testenv.Clip(t, t.TempDir(), "a.mp4", 1, 160, 120, false, h264...))
	w.receive("v1", clip, upload.MP4)
	w.run()
	v := w.version("v1")
	if v.State != video.Unavailable || !v.Original.Verified || v.Problem == nil || !strings.Contains(v.Problem.Format, "cannot be processed on this server") {
		t.Fatalf("got %+v, want unavailable, verified, saying why", v)
	}
	// A worker with ffmpeg, on the same stores.
	p := process.New(w.videos, w.blobs, process.Config{Tools: w.tools, WorkDir: t.TempDir()})
	q := jobs.NewQueue(w.docs)
	p.Register(q)
	n, err := p.ResumeUnavailable(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("ResumeUnavailable = %d, %v; want 1", n, err)
	}
	if _, err := q.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v := w.version("v1"); v.State != video.Ready {
		t.Errorf("after resuming with ffmpeg: %s %+v, want ready", v.State, v.Problem)
	}
}
