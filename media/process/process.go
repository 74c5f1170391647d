// Package process turns a received video version into what the group can
// watch, in the worker, as a job (package jobs): it joins the uploaded
// parts and checks the file's SHA-256 against the one recorded as the
// bytes arrived, checks with ffprobe that the file is a real video (a
// moving picture, readable streams, a length within the limit), and makes
// with ffmpeg a poster frame, a thumbnail strip for the timeline and a web
// rendition: H.264/AAC MP4 of at most 720 lines with the index first
// (faststart), or, when the original already plays in browsers, the
// original's own streams in a new file.
//
// Safeguarding rule 7: nothing Chorus serves carries the location or
// device metadata of the upload. Every file made here is written with
// ffmpeg's metadata dropped (container, streams and chapters), only the
// first picture and sound streams kept (phones keep timed location in
// extra data streams), and ffmpeg's own tags off (bitexact); the original
// itself is never served.
//
// Without ffmpeg the version is still joined and checked, and says that
// processing is unavailable; a worker that has ffmpeg picks such versions
// up again when it starts (ResumeUnavailable).
package process

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"chorus/fault"
	"chorus/jobs"
	"chorus/media"
	"chorus/media/ffmpeg"
	"chorus/media/video"
)

// Limits of what is made.
const (
	DefaultMaxDuration = 15 * time.Minute
	maxLines           = 720 // the rendition's short side, and the poster's
	thumbWidth         = 160
	thumbHeight        = 90
	maxThumbs          = 60
)

// Messages for people (youth read them: plain words).
const (
	msgUnavailable  = "Videos cannot be processed on this server right now. Your video is saved, and it will be processed as soon as that works again."
	msgDamaged      = "Chorus could not read this video. The file may be damaged or cut short: export it again and upload it once more."
	msgNoPicture    = "This file has no moving picture. Upload a video file."
	msgChanged      = "The file changed on its way into Chorus. Upload it again."
	msgNotContainer = "This file is not a real MP4, MOV or WebM video. Export it as MP4 and upload it again."
	msgTryLater     = "Something went wrong while preparing this video. It will be tried again later."
)

// Config is what processing needs besides the stores.
type Config struct {
	// Tools are ffmpeg and ffprobe; nil: processing is unavailable.
	Tools       *ffmpeg.Tools
	MaxDuration time.Duration
	WorkDir     string // for temporary files; empty: the system's
	Log         *slog.Logger
}

// Processor processes versions.
type Processor struct {
	videos *video.Service
	blobs  media.Blobs
	cfg    Config
}

// New returns a processor.
func New(videos *video.Service, blobs media.Blobs, cfg Config) *Processor {
	if cfg.MaxDuration <= 0 {
		cfg.MaxDuration = DefaultMaxDuration
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Processor{videos: videos, blobs: blobs, cfg: cfg}
}

// Register makes q run processing jobs with p.
func (p *Processor) Register(q *jobs.Queue) {
	q.Handle(video.ProcessJob, jobs.Kind{Run: p.run, GiveUp: p.giveUp})
}

// ResumeUnavailable queues again every version that waits for processing
// to become available, when this processor can process. It returns how
// many it queued.
func (p *Processor) ResumeUnavailable(ctx context.Context) (int, error) {
	if p.cfg.Tools == nil {
		return 0, nil
	}
	waiting, err := p.videos.Waiting(ctx, video.Unavailable)
	if err != nil {
		return 0, err
	}
	for _, v := range waiting {
		if err := p.videos.Reprocess(ctx, v.ID); err != nil {
			return 0, err
		}
	}
	return len(waiting), nil
}

// run processes one version.
func (p *Processor) run(ctx context.Context, j jobs.Job, prog *jobs.Progress) error {
	ver, err := p.videos.VersionByID(ctx, j.ID)
	if err != nil {
		if fault.Is(err, fault.NotFound) {
			return jobs.Permanent(err)
		}
		return err
	}
	r := &runner{p: p, ver: ver, prog: prog}
	if err := r.step(ctx, "verifying", 0); err != nil {
		return err
	}
	if err := r.verify(ctx); err != nil {
		return err
	}
	if p.cfg.Tools == nil {
		_, err := p.videos.UpdateVersion(ctx, ver.ID, "video.processing_unavailable", func(v *video.Version) {
			v.State, v.Step, v.Progress, v.Problem = video.Unavailable, "", 0, video.MessageOf(fault.Errorf(fault.Unavailable, "%s", msgUnavailable))
		})
		return err
	}
	dir, err := os.MkdirTemp(p.cfg.WorkDir, "chorus-video-")
	if err != nil {
		return fault.Wrap(fault.Internal, err, "process: no room for temporary files")
	}
	defer os.RemoveAll(dir)
	r.dir = dir
	return r.process(ctx)
}

// giveUp records why a version will not be processed; when retrying could
// not help, the file is removed with what was made of it.
func (p *Processor) giveUp(ctx context.Context, j jobs.Job, cause error) error {
	msg := video.MessageOf(cause)
	if fault.CodeOf(cause) == fault.Internal || fault.CodeOf(cause) == fault.Unavailable {
		msg = video.MessageOf(fault.Errorf(fault.Unavailable, "%s", msgTryLater))
	}
	ver, err := p.videos.UpdateVersion(ctx, j.ID, "video.processing_failed", func(v *video.Version) {
		v.State, v.Step, v.Progress, v.Problem = video.Failed, "", 0, msg
	})
	if fault.Is(err, fault.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	p.cfg.Log.Warn("video processing failed", "version", ver.ID, "error", cause)
	if !jobs.IsPermanent(cause) {
		return nil // kept for a later try
	}
	for _, key := range []string{ver.Original.Key, assetKey(ver, "poster.jpg"), assetKey(ver, "thumbnails.jpg"), assetKey(ver, "rendition.mp4"), assetKey(ver, "rendition.webm")} {
		if err := p.blobs.Delete(ctx, key); err != nil && !fault.Is(err, fault.NotFound) {
			return err
		}
	}
	if ver.Original.BlobUpload != "" {
		_ = p.blobs.AbortUpload(ctx, ver.Original.Key, ver.Original.BlobUpload)
	}
	_, err = p.videos.UpdateVersion(ctx, ver.ID, "", func(v *video.Version) {
		v.Poster, v.Thumbnails, v.Rendition = nil, nil, nil
	})
	return err
}

func assetKey(v video.Version, name string) string {
	return "videos/" + v.VideoID + "/versions/" + v.ID + "/" + name
}

// runner is one run of processing.
type runner struct {
	p    *Processor
	ver  video.Version
	prog *jobs.Progress
	dir  string

	mu        sync.Mutex
	lastWrite time.Time
}

// step reports the step and how far into it, on the job and (at most once
// a second, or when the step changes) on the version people look at.
func (r *runner) step(ctx context.Context, name string, fraction float64) error {
	if err := r.prog.Set(ctx, name, fraction); err != nil {
		return err
	}
	r.mu.Lock()
	write := name != r.ver.Step || time.Since(r.lastWrite) >= time.Second
	if write {
		r.lastWrite = time.Now()
		r.ver.Step = name
	}
	r.mu.Unlock()
	if !write {
		return nil
	}
	_, err := r.p.videos.UpdateVersion(ctx, r.ver.ID, "", func(v *video.Version) {
		v.State, v.Step, v.Progress = video.Processing, name, math.Round(fraction*100)/100
	})
	return err
}

// verify joins the parts once and checks the SHA-256.
func (r *runner) verify(ctx context.Context) error {
	o := r.ver.Original
	if o.Verified {
		return nil
	}
	info, err := r.p.blobs.CompleteUpload(ctx, o.Key, o.BlobUpload, o.Parts)
	if fault.Is(err, fault.NotFound) {
		// Joined by an earlier run that stopped before recording it.
		info, err = r.p.blobs.Stat(ctx, o.Key)
	}
	if err != nil {
		return err
	}
	if info.SHA256 != o.SHA256 || info.Size != o.Size {
		return jobs.Permanent(fault.Errorf(fault.Invalid, "%s", msgChanged))
	}
	r.ver, err = r.p.videos.UpdateVersion(ctx, r.ver.ID, "video.original_verified", func(v *video.Version) {
		v.Original.Verified, v.Original.BlobUpload, v.Original.Parts = true, "", nil
	})
	return err
}

// process checks the file and makes the poster, thumbnails and rendition.
func (r *runner) process(ctx context.Context) error {
	tools := *r.p.cfg.Tools
	if err := r.step(ctx, "downloading", 0); err != nil {
		return err
	}
	src := filepath.Join(r.dir, "original")
	if err := r.download(ctx, src); err != nil {
		return err
	}
	if err := r.step(ctx, "checking", 0); err != nil {
		return err
	}
	info, err := tools.Probe(ctx, src)
	if err != nil {
		return r.toolFailure(ctx, err)
	}
	probe, err := r.check(info)
	if err != nil {
		return err
	}
	limit := 10*time.Minute + time.Duration(4*probe.Duration)*time.Second

	if err := r.step(ctx, "poster", 0); err != nil {
		return err
	}
	poster, err := r.poster(ctx, tools, src, probe, limit)
	if err != nil {
		return err
	}
	if err := r.step(ctx, "thumbnails", 0); err != nil {
		return err
	}
	thumbs, err := r.thumbnails(ctx, tools, src, probe, limit)
	if err != nil {
		return err
	}
	if err := r.step(ctx, "rendition", 0); err != nil {
		return err
	}
	rendition, remuxed, err := r.rendition(ctx, tools, src, info, probe, limit)
	if err != nil {
		return err
	}
	_, err = r.p.videos.UpdateVersion(ctx, r.ver.ID, "video.ready", func(v *video.Version) {
		v.State, v.Step, v.Progress, v.Problem = video.Ready, "", 1, nil
		v.Probe, v.Poster, v.Thumbnails, v.Rendition, v.Remuxed = &probe, &poster, &thumbs, &rendition, remuxed
	})
	return err
}

func (r *runner) download(ctx context.Context, dst string) error {
	rc, _, err := r.p.blobs.Get(ctx, r.ver.Original.Key, media.Range{})
	if err != nil {
		return err
	}
	defer rc.Close()
	f, err := os.Create(dst)
	if err != nil {
		return fault.Wrap(fault.Internal, err, "process: cannot write a temporary file")
	}
	_, err = io.Copy(f, rc)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fault.Wrap(fault.Unavailable, err, "The video store cannot be reached right now. The video will be prepared a little later.")
	}
	return nil
}

// check says whether the file is a video Chorus takes.
func (r *runner) check(info ffmpeg.Info) (video.Probe, error) {
	formats := map[string]string{"mp4": "mov,mp4,m4a,3gp,3g2,mj2", "mov": "mov,mp4,m4a,3gp,3g2,mj2", "webm": "matroska,webm"}
	if want := formats[r.ver.Original.Container]; want == "" || info.Format != want {
		return video.Probe{}, jobs.Permanent(fault.Errorf(fault.Invalid, "%s", msgNotContainer))
	}
	v, ok := info.Video()
	if !ok || v.Width <= 0 || v.Height <= 0 {
		return video.Probe{}, jobs.Permanent(fault.Errorf(fault.Invalid, "%s", msgNoPicture))
	}
	if v.Codec == "" || info.Duration <= 0 {
		return video.Probe{}, jobs.Permanent(fault.Errorf(fault.Invalid, "%s", msgDamaged))
	}
	if max := r.p.cfg.MaxDuration; info.Duration > max.Seconds() {
		return video.Probe{}, jobs.Permanent(fault.Errorf(fault.Invalid, "This video is %s long; a video can be at most %s. Cut it shorter and upload it again.",
			clock(info.Duration), clock(max.Seconds())))
	}
	p := video.Probe{Duration: info.Duration, Width: v.Width, Height: v.Height, VideoCodec: v.Codec}
	if v.Rotation == 90 || v.Rotation == -90 || v.Rotation == 270 || v.Rotation == -270 {
		p.Width, p.Height = v.Height, v.Width // as it is shown
	}
	if a, ok := info.Audio(); ok {
		p.AudioCodec = a.Codec
	}
	return p, nil
}

// clock writes seconds as a length people read: "14 min 5 s", "40 s".
func clock(sec float64) string {
	s := int(math.Ceil(sec))
	if s < 60 {
		return fmt.Sprintf("%d s", s)
	}
	if s%60 == 0 {
		return fmt.Sprintf("%d min", s/60)
	}
	return fmt.Sprintf("%d min %d s", s/60, s%60)
}

// toolFailure turns a failing ffmpeg or ffprobe into the error to record:
// a file it cannot read will never be readable (permanent); a missing
// program makes processing unavailable; anything else may pass.
func (r *runner) toolFailure(ctx context.Context, err error) error {
	var f *ffmpeg.Failure
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.As(err, &f) && isExit(f.Err):
		r.p.cfg.Log.Info("video not readable", "version", r.ver.ID, "program", f.Program, "output", f.Output)
		return jobs.Permanent(fault.Errorf(fault.Invalid, "%s", msgDamaged))
	}
	return fault.Wrap(fault.Internal, err, "process: running ffmpeg")
}

// noMetadata are the output options that keep location and device
// metadata out of every file made (see the package comment).
var noMetadata = []string{"-map_metadata", "-1", "-map_metadata:s", "-1", "-map_chapters", "-1",
	"-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"}

// shortSide scales so the short side is at most lines, keeping the shape.
func shortSide(lines int) string {
	return fmt.Sprintf("scale='if(gte(iw,ih),-2,min(%[1]d,iw))':'if(gte(iw,ih),min(%[1]d,ih),-2)'", lines)
}

func (r *runner) poster(ctx context.Context, t ffmpeg.Tools, src string, p video.Probe, limit time.Duration) (video.Asset, error) {
	out := filepath.Join(r.dir, "poster.jpg")
	at := math.Min(1, p.Duration/10)
	args := append([]string{"-ss", fmt.Sprintf("%.3f", at), "-i", src, "-map", "0:v:0", "-frames:v", "1", "-vf", shortSide(maxLines), "-q:v", "3"}, noMetadata...)
	if err := r.ffmpeg(ctx, t, append(args, out), 0, limit, ""); err != nil {
		return video.Asset{}, err
	}
	return r.store(ctx, t, out, "poster.jpg", "image/jpeg", video.Asset{})
}

func (r *runner) thumbnails(ctx context.Context, t ffmpeg.Tools, src string, p video.Probe, limit time.Duration) (video.Asset, error) {
	out := filepath.Join(r.dir, "thumbnails.jpg")
	count := max(1, min(maxThumbs, int(math.Ceil(p.Duration/2))))
	interval := p.Duration / float64(count)
	vf := fmt.Sprintf("fps=1/%.6f,scale=%d:%d:force_original_aspect_ratio=decrease,pad=%d:%d:-1:-1,tile=%dx1",
		interval, thumbWidth, thumbHeight, thumbWidth, thumbHeight, count)
	args := append([]string{"-i", src, "-map", "0:v:0", "-vf", vf, "-frames:v", "1", "-q:v", "5"}, noMetadata...)
	if err := r.ffmpeg(ctx, t, append(args, out), p.Duration, limit, "thumbnails"); err != nil {
		return video.Asset{}, err
	}
	return r.store(ctx, t, out, "thumbnails.jpg", "image/jpeg", video.Asset{Count: count, Interval: interval})
}

// browserCodecs are the pictures and sounds every current browser plays,
// by container of the rendition.
var browserCodecs = map[string]struct{ video, audio []string }{
	"mp4":  {[]string{"h264"}, []string{"aac", "mp3"}},
	"webm": {[]string{"vp8", "vp9"}, []string{"opus", "vorbis"}},
}

// playable returns the container to remux into when the original's
// streams already play in browsers at most 720 lines, or "".
func playable(container string, info ffmpeg.Info, p video.Probe) string {
	if min(p.Width, p.Height) > maxLines {
		return ""
	}
	out := map[string]string{"mp4": "mp4", "mov": "mp4", "webm": "webm"}[container]
	codecs, ok := browserCodecs[out]
	v, _ := info.Video()
	if !ok || !contains(codecs.video, v.Codec) || (v.Codec == "h264" && v.PixFmt != "yuv420p" && v.PixFmt != "yuvj420p") {
		return ""
	}
	if a, ok := info.Audio(); ok && !contains(codecs.audio, a.Codec) {
		return ""
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (r *runner) rendition(ctx context.Context, t ffmpeg.Tools, src string, info ffmpeg.Info, p video.Probe, limit time.Duration) (video.Asset, bool, error) {
	container := playable(r.ver.Original.Container, info, p)
	remux := container != ""
	var args []string
	if remux {
		args = []string{"-i", src, "-map", "0:v:0", "-map", "0:a:0?", "-c", "copy"}
	} else {
		container = "mp4"
		args = []string{"-i", src, "-map", "0:v:0", "-map", "0:a:0?", "-vf", shortSide(maxLines) + ",format=yuv420p",
			"-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-profile:v", "high",
			"-c:a", "aac", "-b:a", "128k", "-ac", "2"}
	}
	if container == "mp4" {
		args = append(args, "-movflags", "+faststart")
	}
	name := "rendition." + container
	out := filepath.Join(r.dir, name)
	args = append(append(args, noMetadata...), "-f", container, out)
	if err := r.ffmpeg(ctx, t, args, p.Duration, limit, "rendition"); err != nil {
		return video.Asset{}, false, err
	}
	// A file cut short can still be read up to the cut: the rendition
	// then ends early.
	got, err := t.Probe(ctx, out)
	if err != nil {
		return video.Asset{}, false, r.toolFailure(ctx, err)
	}
	if got.Duration < p.Duration*0.9-0.5 {
		return video.Asset{}, false, jobs.Permanent(fault.Errorf(fault.Invalid, "%s", msgDamaged))
	}
	contentType := map[string]string{"mp4": "video/mp4", "webm": "video/webm"}[container]
	a, err := r.store(ctx, t, out, name, contentType, video.Asset{})
	return a, remux, err
}

// ffmpeg runs one conversion within limit, reporting the progress of
// step (none when step is empty).
func (r *runner) ffmpeg(ctx context.Context, t ffmpeg.Tools, args []string, duration float64, limit time.Duration, step string) error {
	ctx2, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var onProgress func(float64)
	if step != "" {
		onProgress = func(f float64) { _ = r.step(ctx, step, f) }
	}
	if err := t.Run(ctx2, args, duration, onProgress); err != nil {
		return r.toolFailure(ctx, err)
	}
	return nil
}

// store puts a made file into the blob store and describes it.
func (r *runner) store(ctx context.Context, t ffmpeg.Tools, path, name, contentType string, a video.Asset) (video.Asset, error) {
	f, err := os.Open(path)
	if err != nil {
		return video.Asset{}, r.toolFailure(ctx, err)
	}
	defer f.Close()
	info, err := r.p.blobs.Put(ctx, assetKey(r.ver, name), f, contentType)
	if err != nil {
		return video.Asset{}, err
	}
	a.Key, a.ContentType, a.Size = info.Key, contentType, info.Size
	if probe, err := t.Probe(ctx, path); err == nil {
		if v, ok := probe.Video(); ok {
			a.Width, a.Height = v.Width, v.Height
		}
	}
	return a, nil
}

func isExit(err error) bool {
	var ee interface{ ExitCode() int }
	return errors.As(err, &ee) && ee.ExitCode() > 0 && !strings.Contains(err.Error(), "signal")
}
