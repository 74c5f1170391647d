package upload

import (
	"bytes"
	"errors"
	"path"
	"strings"

	"chorus/fault"
)

// Container is the file format of a video, as read from its first bytes.
type Container string

// The containers Chorus accepts.
const (
	MP4  Container = "mp4"
	MOV  Container = "mov"
	WebM Container = "webm"
)

// ContentType is the media type a container is served and stored with.
func (c Container) ContentType() string {
	switch c {
	case MP4:
		return "video/mp4"
	case MOV:
		return "video/quicktime"
	case WebM:
		return "video/webm"
	}
	return "application/octet-stream"
}

// sniffLen is how many first bytes detection may need; a file of fewer
// bytes is judged on what it has.
const sniffLen = 4096

// errNeedMore: detection needs more of the file's first bytes.
var errNeedMore = errors.New("need more bytes to tell the file type")

// msgNotVideo is what a person is told when a file is not one Chorus takes.
const msgNotVideo = "This file is not a video Chorus can take. Upload an MP4, MOV or WebM file."

// Detect tells the container from a file's first bytes (head), whatever the
// file's name or declared type says. complete means head is the whole
// file. It returns errNeedMore when head is too short to tell, and
// fault.Invalid for anything but MP4, MOV and WebM.
func Detect(head []byte, complete bool) (Container, error) {
	if len(head) < 12 && !complete {
		return "", errNeedMore
	}
	if bytes.HasPrefix(head, []byte{0x1A, 0x45, 0xDF, 0xA3}) {
		doc, err := ebmlDocType(head)
		switch {
		case errors.Is(err, errNeedMore) && !complete && len(head) < sniffLen:
			return "", errNeedMore
		case err != nil:
			return "", fault.Errorf(fault.Invalid, "%s", msgNotVideo)
		case doc == "webm":
			return WebM, nil
		case doc == "matroska":
			return "", fault.Errorf(fault.Invalid, "Chorus takes WebM but not MKV (Matroska) files. Export the video as MP4 or WebM.")
		}
		return "", fault.Errorf(fault.Invalid, "%s", msgNotVideo)
	}
	if len(head) >= 12 {
		box := string(head[4:8])
		switch {
		case box == "ftyp" && string(head[8:12]) == "qt  ":
			return MOV, nil
		case box == "ftyp":
			return MP4, nil
		case box == "moov" || box == "mdat" || box == "wide" || box == "free" || box == "skip" || box == "pnot":
			return MOV, nil // QuickTime files from before the ftyp box
		}
	}
	return "", fault.Errorf(fault.Invalid, "%s", msgNotVideo)
}

// ebmlDocType reads the DocType of the EBML header that starts head.
func ebmlDocType(head []byte) (string, error) {
	r := ebmlReader{b: head[4:]}
	size, err := r.vint(false)
	if err != nil {
		return "", err
	}
	end := r.pos + int(size)
	for r.pos < end {
		id, err := r.vint(true)
		if err != nil {
			return "", err
		}
		n, err := r.vint(false)
		if err != nil {
			return "", err
		}
		if n > sniffLen {
			return "", errors.New("EBML element too large for a header")
		}
		if r.pos+int(n) > len(r.b) {
			return "", errNeedMore
		}
		if id == 0x4282 { // DocType
			return strings.TrimRight(string(r.b[r.pos:r.pos+int(n)]), "\x00"), nil
		}
		r.pos += int(n)
	}
	return "", errors.New("EBML header without a DocType")
}

type ebmlReader struct {
	b   []byte
	pos int
}

// vint reads an EBML variable-length integer; keepMarker keeps the length
// marker bit, as element IDs are written.
func (r *ebmlReader) vint(keepMarker bool) (uint64, error) {
	if r.pos >= len(r.b) {
		return 0, errNeedMore
	}
	first := r.b[r.pos]
	n := 1
	for mask := byte(0x80); n <= 8 && first&mask == 0; mask >>= 1 {
		n++
	}
	if n > 8 {
		return 0, errors.New("bad EBML number")
	}
	if r.pos+n > len(r.b) {
		return 0, errNeedMore
	}
	v := uint64(first)
	if !keepMarker {
		v &= uint64(0xFF >> n)
	}
	for i := 1; i < n; i++ {
		v = v<<8 | uint64(r.b[r.pos+i])
	}
	r.pos += n
	return v, nil
}

// declaredContainer reads what the client says the file is, from its
// declared type and its name: a first check before any byte arrives. An
// empty answer means the client said nothing; the bytes decide either way.
func declaredContainer(filetype, filename string) (Container, error) {
	byType := map[string]Container{"video/mp4": MP4, "video/quicktime": MOV, "video/webm": WebM}
	byExt := map[string]Container{".mp4": MP4, ".m4v": MP4, ".mov": MOV, ".qt": MOV, ".webm": WebM}
	if filetype != "" {
		c, ok := byType[strings.ToLower(strings.TrimSpace(filetype))]
		if !ok {
			return "", fault.Errorf(fault.Invalid, "%s", msgNotVideo)
		}
		return c, nil
	}
	if ext := strings.ToLower(path.Ext(filename)); ext != "" {
		c, ok := byExt[ext]
		if !ok {
			return "", fault.Errorf(fault.Invalid, "%s", msgNotVideo)
		}
		return c, nil
	}
	return "", nil
}
