// Package media benchmarks group video uploads and processing against a
// Chorus server process on MinIO: tus upload throughput against a bare
// minio-go PutObject of the same bytes to the same MinIO, the server's
// memory while a large file streams in, and the time from the last byte of
// an upload to a playable rendition against ffmpeg alone on the same file.
package media

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"chorus/bench/realtime"
	"chorus/bench/table"
	"chorus/testenv"
)

// Config sizes the workloads.
type Config struct {
	Bin         string // the chorus binary
	Dir         string // scratch space
	Bytes       int64  // size of the file for throughput and memory
	ClipSeconds int    // length of the 720p clip for processing
}

// Result is what one run measured.
type Result struct {
	Bytes            int64
	Tus, Put         time.Duration // the same bytes, through Chorus (tus) and bare PutObject
	RSSBefore, Peak  int64
	Verify           time.Duration // last byte to joined and checked (S3 joins and reads back)
	Playable, FFmpeg time.Duration
	ClipSeconds      int
	ClipBytes        int64
}

// Run runs the workloads.
func Run(ctx context.Context, cfg Config) (Result, error) {
	res := Result{Bytes: cfg.Bytes, ClipSeconds: cfg.ClipSeconds}
	minioSrv, stopMinIO, err := testenv.StartMinIO(filepath.Join(cfg.Dir, "minio"))
	if err != nil {
		return res, err
	}
	defer stopMinIO()
	s3env := func(bucket string) []string {
		return []string{"S3_ENDPOINT=" + minioSrv.Endpoint, "S3_ACCESS_KEY=" + minioSrv.AccessKey, "S3_SECRET_KEY=" + minioSrv.SecretKey,
			"S3_BUCKET=" + bucket, "S3_USE_SSL=false"}
	}

	// Throughput and memory: no ffmpeg, so the worker only joins and checks.
	big := filepath.Join(cfg.Dir, "big.mp4")
	if err := writeFile(big, cfg.Bytes); err != nil {
		return res, err
	}
	srv, err := realtime.StartServerWith(cfg.Bin, filepath.Join(cfg.Dir, "media1"),
		append(s3env("bench-chorus"), "FFMPEG_BIN="+filepath.Join(cfg.Dir, "no-ffmpeg"), "VIDEO_MAX_BYTES="+strconv.FormatInt(max(cfg.Bytes, 1<<20), 10))...)
	if err != nil {
		return res, err
	}
	defer srv.Stop()
	c, err := client(ctx, srv)
	if err != nil {
		return res, err
	}
	vid, err := c.video(ctx)
	if err != nil {
		return res, err
	}
	if res.RSSBefore, err = srv.RSS(); err != nil {
		return res, err
	}
	stopSampling := sampleRSS(srv, &res.Peak)
	start := time.Now()
	if err := c.upload(ctx, vid, big, cfg.Bytes); err != nil {
		stopSampling()
		return res, err
	}
	res.Tus = time.Since(start)
	stopSampling()
	if _, res.Verify, err = c.wait(ctx, vid, start.Add(res.Tus), "unavailable"); err != nil {
		return res, err
	}
	srv.Stop()

	raw, err := minio.New(minioSrv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(minioSrv.AccessKey, minioSrv.SecretKey, "")})
	if err != nil {
		return res, err
	}
	if err := raw.MakeBucket(ctx, "bench-raw", minio.MakeBucketOptions{}); err != nil {
		return res, err
	}
	f, err := os.Open(big)
	if err != nil {
		return res, err
	}
	start = time.Now()
	_, err = raw.PutObject(ctx, "bench-raw", "big.mp4", f, cfg.Bytes, minio.PutObjectOptions{ContentType: "video/mp4"})
	res.Put = time.Since(start)
	f.Close()
	if err != nil {
		return res, err
	}
	os.Remove(big)

	// Processing: a 720p clip in a format browsers do not play.
	mpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		return res, errors.New("ffmpeg is not installed")
	}
	clip := filepath.Join(cfg.Dir, "clip.mov")
	if out, err := exec.CommandContext(ctx, mpeg, "-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-t", strconv.Itoa(cfg.ClipSeconds), "-c:v", "mpeg4", "-q:v", "4", "-c:a", "aac", clip).CombinedOutput(); err != nil {
		return res, fmt.Errorf("making the clip: %v\n%s", err, out)
	}
	st, _ := os.Stat(clip)
	res.ClipBytes = st.Size()
	srv2, err := realtime.StartServerWith(cfg.Bin, filepath.Join(cfg.Dir, "media2"), s3env("bench-chorus2")...)
	if err != nil {
		return res, err
	}
	defer srv2.Stop()
	c2, err := client(ctx, srv2)
	if err != nil {
		return res, err
	}
	vid2, err := c2.video(ctx)
	if err != nil {
		return res, err
	}
	if err := c2.upload(ctx, vid2, clip, res.ClipBytes); err != nil {
		return res, err
	}
	if _, res.Playable, err = c2.wait(ctx, vid2, time.Now(), "ready"); err != nil {
		return res, err
	}
	srv2.Stop()
	// ffmpeg alone: the same conversion Chorus makes (H.264/AAC, 720
	// lines, faststart), best of two runs.
	for round := 0; round < 2; round++ {
		start = time.Now()
		if out, err := exec.CommandContext(ctx, mpeg, "-hide_banner", "-loglevel", "error", "-y", "-i", clip, "-map", "0:v:0", "-map", "0:a:0?",
			"-vf", "scale=-2:720,format=yuv420p", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-profile:v", "high",
			"-c:a", "aac", "-b:a", "128k", "-ac", "2", "-movflags", "+faststart", filepath.Join(cfg.Dir, "alone.mp4")).CombinedOutput(); err != nil {
			return res, fmt.Errorf("ffmpeg alone: %v\n%s", err, out)
		}
		if d := time.Since(start); res.FFmpeg == 0 || d < res.FFmpeg {
			res.FFmpeg = d
		}
	}
	return res, nil
}

// Rows turns a result into the report's rows and notes.
func Rows(r Result) ([]table.Row, []string) {
	mbps := func(d time.Duration) float64 { return float64(r.Bytes) / (1 << 20) / d.Seconds() }
	tus, put := mbps(r.Tus), mbps(r.Put)
	growth := float64(r.Peak-r.RSSBefore) / (1 << 20)
	size := fmt.Sprintf("%.0f MiB", float64(r.Bytes)/(1<<20))
	ratio := r.FFmpeg.Seconds() / r.Playable.Seconds()
	rows := []table.Row{
		{Workload: "video upload into MinIO: tus through Chorus (one streaming PATCH) vs bare minio-go PutObject, " + size,
			Chorus: fmt.Sprintf("%.0f MiB/s", tus), Baseline: fmt.Sprintf("%.0f MiB/s", put), Ratio: fmt.Sprintf("%.2f", tus/put),
			Aim: table.Verdict(">= 0.8", tus/put >= 0.8)},
		{Workload: "video upload: server RSS growth while " + size + " streams in",
			Chorus: fmt.Sprintf("%.1f MiB", growth), Aim: table.Verdict("<= 64 MiB", growth <= 64)},
		{Workload: fmt.Sprintf("video processing: last byte of a %d s 720p MPEG-4 clip to playable rendition vs ffmpeg alone", r.ClipSeconds),
			Chorus: fmt.Sprintf("%.1f s", r.Playable.Seconds()), Baseline: fmt.Sprintf("%.1f s", r.FFmpeg.Seconds()), Ratio: fmt.Sprintf("%.2f", ratio),
			Aim: "ratio reported"},
	}
	notes := []string{fmt.Sprintf("video upload: server RSS %.0f → peak %.0f MiB; after the last byte the worker joined the parts and read the file back to check its SHA-256 in %.1f s (S3 has no whole-object SHA-256). Processing: the clip is %.1f MiB; Chorus joins and checks it, probes it, makes a poster and a thumbnail strip, then the same H.264 conversion ffmpeg alone makes.",
		float64(r.RSSBefore)/(1<<20), float64(r.Peak)/(1<<20), r.Verify.Seconds(), float64(r.ClipBytes)/(1<<20))}
	return rows, notes
}

// writeFile writes n bytes that an upload takes for an MP4 (an ftyp box,
// then random bytes, repeated by the MiB so that writing is quick).
func writeFile(path string, n int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	block := make([]byte, 1<<20)
	_, _ = rand.Read(block)
	copy(block, "\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")
	for left := n; left > 0; left -= int64(len(block)) {
		if _, err := f.Write(block[:min(int64(len(block)), left)]); err != nil {
			return err
		}
	}
	return f.Close()
}

// sampleRSS keeps the server's peak RSS in peak until stopped.
func sampleRSS(srv *realtime.Server, peak *int64) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			if rss, err := srv.RSS(); err == nil && rss > *peak {
				*peak = rss
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// apiClient is one youth of the server's group.
type apiClient struct {
	base, token, group string
	hc                 *http.Client
}

func client(ctx context.Context, srv *realtime.Server) (*apiClient, error) {
	fix, err := realtime.Setup(ctx, srv, 1)
	if err != nil {
		return nil, err
	}
	return &apiClient{base: srv.Base, token: fix.Youth[0].Token, group: fix.Group, hc: &http.Client{}}, nil
}

func (c *apiClient) do(ctx context.Context, method, path string, body io.Reader, length int64, header map[string]string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	req.ContentLength = length
	req.Header.Set("Authorization", "Bearer "+c.token)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return c.hc.Do(req)
}

func (c *apiClient) video(ctx context.Context) (string, error) {
	resp, err := c.do(ctx, "POST", "/api/groups/"+c.group+"/videos", strings.NewReader(`{"title":"Bench"}`), -1, map[string]string{"Content-Type": "application/json"})
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Video struct {
			ID string `json:"id"`
		} `json:"video"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 201 {
		return "", fmt.Errorf("creating a video: %s %v", resp.Status, err)
	}
	return out.Video.ID, nil
}

// upload sends the file at path by tus: creation, then one PATCH that
// streams the whole file.
func (c *apiClient) upload(ctx context.Context, video, path string, size int64) error {
	meta := "filename " + base64.StdEncoding.EncodeToString([]byte(filepath.Base(path)))
	resp, err := c.do(ctx, "POST", "/api/videos/"+video+"/uploads", nil, 0, map[string]string{"Tus-Resumable": "1.0.0",
		"Upload-Length": strconv.FormatInt(size, 10), "Upload-Metadata": meta})
	if err != nil {
		return err
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 201 || loc == "" {
		return fmt.Errorf("creating the upload: %s", resp.Status)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	resp, err = c.do(ctx, "PATCH", loc, f, size, map[string]string{"Tus-Resumable": "1.0.0", "Upload-Offset": "0",
		"Content-Type": "application/offset+octet-stream"})
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 204 {
		return fmt.Errorf("PATCH: %s %s", resp.Status, bytes.TrimSpace(b))
	}
	return nil
}

// wait polls the video's first version until it reaches state, and
// returns how long that took from since.
func (c *apiClient) wait(ctx context.Context, video string, since time.Time, state string) (map[string]any, time.Duration, error) {
	deadline := time.Now().Add(20 * time.Minute)
	for time.Now().Before(deadline) {
		resp, err := c.do(ctx, "GET", "/api/videos/"+video+"/versions/1", nil, 0, nil)
		if err != nil {
			return nil, 0, err
		}
		var out struct {
			Version map[string]any `json:"version"`
		}
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if s, _ := out.Version["state"].(string); s == state {
			return out.Version, time.Since(since), nil
		} else if s != "" && s != "processing" {
			return nil, 0, fmt.Errorf("version %v, want %s", out.Version, state)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil, 0, fmt.Errorf("no %s version within 20 minutes", state)
}
