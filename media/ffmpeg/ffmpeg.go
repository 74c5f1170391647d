// Package ffmpeg runs the ffprobe and ffmpeg programs (Debian's ffmpeg
// package in development and tests): it reads what a video file holds and
// runs conversions with their progress. It knows nothing of Chorus's
// videos; media/process decides what to make.
package ffmpeg

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
)

// Tools are the two programs.
type Tools struct {
	FFmpeg  string // path of ffmpeg
	FFprobe string // path of ffprobe
}

// ErrMissing says a program is not installed.
var ErrMissing = errors.New("ffmpeg or ffprobe is not installed")

// Find looks the programs up (a bare name on PATH, or a path) and returns
// ErrMissing when either cannot be run.
func Find(ffmpegName, ffprobeName string) (Tools, error) {
	mpeg, err := exec.LookPath(ffmpegName)
	if err != nil {
		return Tools{}, fmt.Errorf("%w: %s: %v", ErrMissing, ffmpegName, err)
	}
	probe, err := exec.LookPath(ffprobeName)
	if err != nil {
		return Tools{}, fmt.Errorf("%w: %s: %v", ErrMissing, ffprobeName, err)
	}
	return Tools{FFmpeg: mpeg, FFprobe: probe}, nil
}

// Info is what ffprobe reads from a file.
type Info struct {
	Format   string            // ffprobe's format name, e.g. "mov,mp4,m4a,3gp,3g2,mj2" or "matroska,webm"
	Duration float64           // seconds; 0 when unknown
	Tags     map[string]string // container metadata
	Streams  []Stream
}

// Stream is one stream of a file.
type Stream struct {
	Index       int
	Type        string // video, audio, subtitle, data, attachment
	Codec       string // h264, hevc, vp9, aac, opus, ...
	Profile     string
	PixFmt      string
	Width       int
	Height      int
	Duration    float64
	AttachedPic bool // a cover image, not a moving picture
	Rotation    int  // degrees, from the display matrix
	Tags        map[string]string
}

// Video returns the first moving-picture stream.
func (i Info) Video() (Stream, bool) {
	for _, s := range i.Streams {
		if s.Type == "video" && !s.AttachedPic {
			return s, true
		}
	}
	return Stream{}, false
}

// Audio returns the first audio stream.
func (i Info) Audio() (Stream, bool) {
	for _, s := range i.Streams {
		if s.Type == "audio" {
			return s, true
		}
	}
	return Stream{}, false
}

// Failure is a program that exited with an error; Output holds the end of
// what it wrote, for logs (never for people: it names paths).
type Failure struct {
	Program string
	Err     error
	Output  string
}

func (f *Failure) Error() string {
	return fmt.Sprintf("%s: %v: %s", f.Program, f.Err, f.Output)
}

// Probe reads what path holds.
func (t Tools) Probe(ctx context.Context, path string) (Info, error) {
	cmd := exec.CommandContext(ctx, t.FFprobe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", "--", path)
	var out, errOut bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &limitedBuffer{max: 4 << 10, b: &errOut}
	if err := cmd.Run(); err != nil {
		return Info{}, &Failure{Program: "ffprobe", Err: err, Output: errOut.String()}
	}
	var raw struct {
		Format struct {
			Name     string            `json:"format_name"`
			Duration string            `json:"duration"`
			Tags     map[string]string `json:"tags"`
		} `json:"format"`
		Streams []struct {
			Index       int               `json:"index"`
			Type        string            `json:"codec_type"`
			Codec       string            `json:"codec_name"`
			Profile     string            `json:"profile"`
			PixFmt      string            `json:"pix_fmt"`
			Width       int               `json:"width"`
			Height      int               `json:"height"`
			Duration    string            `json:"duration"`
			Disposition map[string]int    `json:"disposition"`
			Tags        map[string]string `json:"tags"`
			SideData    []struct {
				Type     string  `json:"side_data_type"`
				Rotation float64 `json:"rotation"`
			} `json:"side_data_list"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out.Bytes(), &raw); err != nil {
		return Info{}, &Failure{Program: "ffprobe", Err: err, Output: "unreadable JSON"}
	}
	info := Info{Format: raw.Format.Name, Duration: seconds(raw.Format.Duration), Tags: raw.Format.Tags}
	for _, s := range raw.Streams {
		st := Stream{Index: s.Index, Type: s.Type, Codec: s.Codec, Profile: s.Profile, PixFmt: s.PixFmt,
			Width: s.Width, Height: s.Height, Duration: seconds(s.Duration), AttachedPic: s.Disposition["attached_pic"] == 1, Tags: s.Tags}
		for _, sd := range s.SideData {
			if sd.Type == "Display Matrix" {
				st.Rotation = int(sd.Rotation)
			}
		}
		if st.Duration > info.Duration && info.Duration == 0 {
			info.Duration = st.Duration
		}
		info.Streams = append(info.Streams, st)
	}
	return info, nil
}

func seconds(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return 0
	}
	return f
}

// Run runs ffmpeg with args (after its quiet and progress options). When
// duration (seconds of output expected) is known, progress is called with
// the fraction done, as ffmpeg reports it.
func (t Tools) Run(ctx context.Context, args []string, duration float64, progress func(float64)) error {
	full := append([]string{"-hide_banner", "-nostdin", "-loglevel", "error", "-nostats", "-progress", "pipe:1", "-y"}, args...)
	cmd := exec.CommandContext(ctx, t.FFmpeg, full...)
	var errOut bytes.Buffer
	cmd.Stderr = &limitedBuffer{max: 4 << 10, b: &errOut}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return &Failure{Program: "ffmpeg", Err: err}
	}
	readProgress(stdout, duration, progress)
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &Failure{Program: "ffmpeg", Err: err, Output: errOut.String()}
	}
	return nil
}

// readProgress reads ffmpeg's -progress lines ("out_time_us=1234567").
func readProgress(r io.Reader, duration float64, progress func(float64)) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), "=")
		if !ok || progress == nil || duration <= 0 || (key != "out_time_us" && key != "out_time_ms") {
			continue
		}
		us, err := strconv.ParseInt(value, 10, 64)
		if err != nil || us < 0 {
			continue
		}
		progress(min(float64(us)/1e6/duration, 1))
	}
	_, _ = io.Copy(io.Discard, r)
}

// limitedBuffer keeps the last max bytes written to it.
type limitedBuffer struct {
	mu  sync.Mutex
	max int
	b   *bytes.Buffer
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Write(p)
	if over := l.b.Len() - l.max; over > 0 {
		l.b.Next(over)
	}
	return len(p), nil
}
