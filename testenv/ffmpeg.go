package testenv

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// FFmpeg returns the paths of ffmpeg and ffprobe (Debian's ffmpeg package,
// which `make test` installs), skipping the test without them unless
// CHORUS_REQUIRE_SERVICES=1.
func FFmpeg(t testing.TB) (ffmpegPath, ffprobePath string) {
	t.Helper()
	mpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		missing(t, "ffmpeg is not installed: `make test` installs Debian's ffmpeg package")
	}
	probe, err := exec.LookPath("ffprobe")
	if err != nil {
		missing(t, "ffprobe is not installed: `make test` installs Debian's ffmpeg package")
	}
	return mpeg, probe
}

// GPSLocation is the place written into clips made by Clip with gps set
// (the Eiffel Tower), as ISO 6709 text: a test looks for it in what is served.
const GPSLocation = "+48.8584+002.2945"

// Clip makes a short test video of seconds with ffmpeg's test pattern and a
// tone: width x height, encoded with the given output options (codecs and
// format, for example "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a",
// "aac"), into dir/name, and returns its path. With gps, the clip carries
// location and device metadata the way phones write it.
func Clip(t testing.TB, dir, name string, seconds float64, width, height int, gps bool, output ...string) string {
	t.Helper()
	mpeg, _ := FFmpeg(t)
	path := filepath.Join(dir, name)
	args := []string{"-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc=size=" + itoa(width) + "x" + itoa(height) + ":rate=25",
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-t", ftoa(seconds)}
	args = append(args, output...)
	if gps {
		args = append(args, "-metadata", "location="+GPSLocation+"/",
			"-metadata", "com.apple.quicktime.location.ISO6709="+GPSLocation+"+035.000/",
			"-metadata", "make=Apple", "-metadata", "model=iPhone 12", "-movflags", "use_metadata_tags")
	}
	args = append(args, path)
	if out, err := exec.Command(mpeg, args...).CombinedOutput(); err != nil {
		t.Fatalf("making %s: %v\n%s", name, err, out)
	}
	return path
}

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
