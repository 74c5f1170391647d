// Package vtt reads and checks WebVTT captions (the W3C WebVTT format that
// browsers' <track> elements play), strictly enough that whatever it accepts
// is safe to serve to every player: only the text tags WebVTT defines (no
// script, no markup of other kinds), no STYLE blocks (they hold CSS, which
// could fetch from other sites), valid timestamps in order, and bounded
// sizes. Every refusal names the line and says what is wrong in plain words,
// so that a young person can fix their captions.
package vtt

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"chorus/fault"
)

// Limits on one captions file.
const (
	MaxBytes   = 512 << 10 // a 15-minute video needs far less (about 50 KB)
	MaxCues    = 5000
	MaxLineLen = 1000 // bytes in one line
)

// Cue is one caption: shown from Start until End.
type Cue struct {
	ID       string        // optional identifier
	Start    time.Duration // from the start of the video
	End      time.Duration
	Settings string // cue settings as written ("align:start line:0"), already checked
	Text     string // the payload lines joined by "\n", with tags and entities as written
	Line     int    // line of the timing line in the source, for messages
}

// File is a parsed captions file.
type File struct {
	Cues []Cue
}

// Options bound what a file may hold beyond the package limits.
type Options struct {
	// Duration is the length of the video; when set, no cue may end after it.
	Duration time.Duration
}

// Parse reads and checks a WebVTT file. Any problem is fault.Invalid (or
// fault.TooLarge) with a message naming the line; the file is accepted only
// when it has no problem at all.
func Parse(src []byte, opt Options) (File, error) {
	if len(src) > MaxBytes {
		return File{}, fault.Errorf(fault.TooLarge, "Captions can be at most %d KB; this file has %d KB.", MaxBytes>>10, (len(src)+1023)>>10)
	}
	if !utf8.Valid(src) {
		return File{}, fault.Errorf(fault.Invalid, "The captions are not UTF-8 text. Save the file as UTF-8 and try again.")
	}
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	p := parser{lines: splitLines(string(src)), opt: opt}
	return p.parse()
}

// splitLines splits on CRLF, LF or CR, as WebVTT allows.
func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(s, "\n")
}

type parser struct {
	lines []string
	i     int // index of the next line; line numbers are i+1
	opt   Options
	file  File
}

func (p *parser) parse() (File, error) {
	for n, l := range p.lines {
		if len(l) > MaxLineLen {
			return File{}, fault.Errorf(fault.Invalid, "Line %d is too long: a line can have at most %d characters.", n+1, MaxLineLen)
		}
		if strings.ContainsRune(l, 0) {
			return File{}, fault.Errorf(fault.Invalid, "Line %d has a NUL character, which captions cannot contain.", n+1)
		}
	}
	if err := p.header(); err != nil {
		return File{}, err
	}
	for {
		p.skipBlank()
		if p.i >= len(p.lines) {
			break
		}
		if err := p.block(); err != nil {
			return File{}, err
		}
	}
	if len(p.file.Cues) == 0 {
		return File{}, fault.Errorf(fault.Invalid, "The file has no captions. Add at least one, like: 00:00:01.000 --> 00:00:04.000 and the text on the next line.")
	}
	return p.file, nil
}

// header checks the "WEBVTT" line and the optional header lines after it,
// which end at the first empty line.
func (p *parser) header() error {
	first := p.lines[0]
	rest, ok := strings.CutPrefix(first, "WEBVTT")
	if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
		return fault.Errorf(fault.Invalid, "Line 1 must start with WEBVTT: that is how a captions file begins.")
	}
	p.i = 1
	for p.i < len(p.lines) && p.lines[p.i] != "" {
		if strings.Contains(p.lines[p.i], "-->") {
			return fault.Errorf(fault.Invalid, "Line %d: leave an empty line after the WEBVTT line, before the first caption.", p.i+1)
		}
		p.i++
	}
	return nil
}

func (p *parser) skipBlank() {
	for p.i < len(p.lines) && strings.TrimSpace(p.lines[p.i]) == "" {
		p.i++
	}
}

// block reads one block: a NOTE, a REGION, or a cue.
func (p *parser) block() error {
	line := p.lines[p.i]
	switch {
	case isKeywordLine(line, "NOTE"):
		return p.note()
	case isKeywordLine(line, "STYLE"):
		return fault.Errorf(fault.Invalid, "Line %d: STYLE blocks are not allowed. The player decides how captions look.", p.i+1)
	case isKeywordLine(line, "REGION"):
		if len(p.file.Cues) > 0 {
			return fault.Errorf(fault.Invalid, "Line %d: a REGION must come before the first caption.", p.i+1)
		}
		return p.note() // region settings are kept as written; players ignore what they do not know
	}
	return p.cue()
}

// isKeywordLine reports whether line is keyword alone or followed by a
// space or a tab.
func isKeywordLine(line, keyword string) bool {
	rest, ok := strings.CutPrefix(line, keyword)
	return ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t')
}

// note skips a NOTE (or REGION) block, which must not hold "-->".
func (p *parser) note() error {
	for ; p.i < len(p.lines) && p.lines[p.i] != ""; p.i++ {
		if strings.Contains(p.lines[p.i], "-->") {
			return fault.Errorf(fault.Invalid, "Line %d: a NOTE cannot contain -->. Leave an empty line between a note and the next caption.", p.i+1)
		}
	}
	return nil
}

func (p *parser) cue() error {
	var c Cue
	if !strings.Contains(p.lines[p.i], "-->") {
		c.ID = p.lines[p.i]
		p.i++
		if p.i >= len(p.lines) || !strings.Contains(p.lines[p.i], "-->") {
			return fault.Errorf(fault.Invalid, "Line %d: expected a timing line such as 00:00:01.000 --> 00:00:04.000 after the caption name %q.", p.i+1, c.ID)
		}
	}
	c.Line = p.i + 1
	if err := p.timing(&c, p.lines[p.i]); err != nil {
		return err
	}
	p.i++
	var text []string
	for ; p.i < len(p.lines) && p.lines[p.i] != ""; p.i++ {
		line := p.lines[p.i]
		if strings.Contains(line, "-->") {
			return fault.Errorf(fault.Invalid, "Line %d: a caption's text cannot contain -->. Leave an empty line before the next timing line.", p.i+1)
		}
		if err := checkPayload(line, p.i+1, c); err != nil {
			return err
		}
		text = append(text, line)
	}
	c.Text = strings.Join(text, "\n")
	if len(p.file.Cues) == MaxCues {
		return fault.Errorf(fault.TooLarge, "Line %d: a file can have at most %d captions.", c.Line, MaxCues)
	}
	p.file.Cues = append(p.file.Cues, c)
	return nil
}

// timing parses "start --> end [settings]" into c.
func (p *parser) timing(c *Cue, line string) error {
	n := p.i + 1
	fields := strings.Fields(line)
	if len(fields) < 3 || fields[1] != "-->" {
		return fault.Errorf(fault.Invalid, "Line %d: write the timing as start --> end, with spaces around the arrow, for example 00:00:01.000 --> 00:00:04.000.", n)
	}
	var err error
	if c.Start, err = parseTimestamp(fields[0]); err != nil {
		return fault.Errorf(fault.Invalid, "Line %d: %q is not a valid time. Write times as minutes:seconds.milliseconds (01:02.500) or hours:minutes:seconds.milliseconds (00:01:02.500).", n, fields[0])
	}
	if c.End, err = parseTimestamp(fields[2]); err != nil {
		return fault.Errorf(fault.Invalid, "Line %d: %q is not a valid time. Write times as minutes:seconds.milliseconds (01:02.500) or hours:minutes:seconds.milliseconds (00:01:02.500).", n, fields[2])
	}
	if c.End <= c.Start {
		return fault.Errorf(fault.Invalid, "Line %d: this caption ends (%s) before it starts (%s).", n, Timestamp(c.End), Timestamp(c.Start))
	}
	if k := len(p.file.Cues); k > 0 && c.Start < p.file.Cues[k-1].Start {
		return fault.Errorf(fault.Invalid, "Line %d: this caption starts at %s, before the one above it (%s). Put captions in the order they are shown.", n, Timestamp(c.Start), Timestamp(p.file.Cues[k-1].Start))
	}
	if p.opt.Duration > 0 && c.End > p.opt.Duration {
		return fault.Errorf(fault.Invalid, "Line %d: this caption ends at %s, after the end of the video (%s).", n, Timestamp(c.End), Timestamp(p.opt.Duration))
	}
	for _, s := range fields[3:] {
		if err := checkSetting(s, n); err != nil {
			return err
		}
	}
	c.Settings = strings.Join(fields[3:], " ")
	return nil
}

// parseTimestamp reads [hh:]mm:ss.ttt: hours of two or more digits, minutes
// and seconds of two digits below 60, and exactly three digits of
// milliseconds.
func parseTimestamp(s string) (time.Duration, error) {
	bad := fmt.Errorf("bad timestamp %q", s)
	clock, frac, ok := strings.Cut(s, ".")
	if !ok || len(frac) != 3 || !digits(frac) {
		return 0, bad
	}
	parts := strings.Split(clock, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, bad
	}
	var h int64
	if len(parts) == 3 {
		if len(parts[0]) < 2 || len(parts[0]) > 4 || !digits(parts[0]) {
			return 0, bad
		}
		h, _ = strconv.ParseInt(parts[0], 10, 64)
		parts = parts[1:]
	}
	mm, ss := parts[0], parts[1]
	if len(mm) != 2 || len(ss) != 2 || !digits(mm) || !digits(ss) {
		return 0, bad
	}
	m, _ := strconv.ParseInt(mm, 10, 64)
	sec, _ := strconv.ParseInt(ss, 10, 64)
	ms, _ := strconv.ParseInt(frac, 10, 64)
	if m > 59 || sec > 59 {
		return 0, bad
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second + time.Duration(ms)*time.Millisecond, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Timestamp formats d as hh:mm:ss.ttt.
func Timestamp(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

// checkSetting checks one cue setting, name:value.
func checkSetting(s string, n int) error {
	name, value, ok := strings.Cut(s, ":")
	valid := ok && value != ""
	switch name {
	case "vertical":
		valid = valid && (value == "rl" || value == "lr")
	case "line":
		v, align, _ := strings.Cut(value, ",")
		valid = valid && (isPercent(v) || isInteger(v)) && oneOf(align, "", "start", "center", "end")
	case "position":
		v, align, _ := strings.Cut(value, ",")
		valid = valid && isPercent(v) && oneOf(align, "", "line-left", "center", "line-right")
	case "size":
		valid = valid && isPercent(value)
	case "align":
		valid = valid && oneOf(value, "start", "center", "end", "left", "right")
	case "region":
		valid = valid && !strings.ContainsAny(value, "<>&")
	default:
		return fault.Errorf(fault.Invalid, "Line %d: %q is not a caption setting. Settings are vertical, line, position, size, align and region.", n, s)
	}
	if !valid {
		return fault.Errorf(fault.Invalid, "Line %d: the caption setting %q has a value that is not allowed.", n, s)
	}
	return nil
}

func oneOf(v string, options ...string) bool {
	for _, o := range options {
		if v == o {
			return true
		}
	}
	return false
}

func isInteger(s string) bool { return digits(strings.TrimPrefix(s, "-")) }

func isPercent(s string) bool {
	num, ok := strings.CutSuffix(s, "%")
	if !ok {
		return false
	}
	f, err := strconv.ParseFloat(num, 64)
	return err == nil && f >= 0 && f <= 100 && !strings.ContainsAny(num, "eExXpP+-_") && num != ""
}

// textTags are the only tags a caption's text may hold.
var textTags = map[string]bool{"c": true, "i": true, "b": true, "u": true, "ruby": true, "rt": true, "v": true, "lang": true}

// checkPayload checks the tags of one line of caption text: each "<" opens
// a tag WebVTT knows, closed by ">" on the same line; timestamp tags lie
// within the cue.
func checkPayload(line string, n int, c Cue) error {
	for {
		i := strings.IndexByte(line, '<')
		if i < 0 {
			return nil
		}
		line = line[i+1:]
		j := strings.IndexByte(line, '>')
		if j < 0 {
			return fault.Errorf(fault.Invalid, "Line %d: a tag is opened with < but not closed with >. To show the sign itself, write &lt;.", n)
		}
		tag := line[:j]
		line = line[j+1:]
		if tag != "" && tag[0] >= '0' && tag[0] <= '9' {
			t, err := parseTimestamp(tag)
			if err != nil {
				return fault.Errorf(fault.Invalid, "Line %d: <%s> is not a valid time inside a caption.", n, tag)
			}
			if t <= c.Start || t >= c.End {
				return fault.Errorf(fault.Invalid, "Line %d: the time <%s> is outside this caption (%s to %s).", n, tag, Timestamp(c.Start), Timestamp(c.End))
			}
			continue
		}
		name := strings.TrimPrefix(tag, "/")
		if k := strings.IndexAny(name, " \t."); k >= 0 {
			if strings.HasPrefix(tag, "/") {
				name = "" // an end tag has no classes or annotation
			} else {
				name = name[:k]
			}
		}
		if !textTags[name] {
			return fault.Errorf(fault.Invalid, "Line %d: <%s> is not allowed in captions. Use only <b>, <i>, <u>, <c>, <v>, <lang>, <ruby> and <rt>; to show the sign <, write &lt;.", n, clip(tag))
		}
	}
}

// clip shortens a tag for a message.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 30 {
		return s
	}
	r := []rune(s)
	return string(r[:30]) + "…"
}

// Encode writes f as a WebVTT file that Parse reads back to the same cues.
func (f File) Encode() []byte {
	var b bytes.Buffer
	b.WriteString("WEBVTT\n")
	for _, c := range f.Cues {
		b.WriteString("\n")
		if c.ID != "" {
			b.WriteString(c.ID + "\n")
		}
		b.WriteString(Timestamp(c.Start) + " --> " + Timestamp(c.End))
		if c.Settings != "" {
			b.WriteString(" " + c.Settings)
		}
		b.WriteString("\n")
		if c.Text != "" {
			b.WriteString(c.Text + "\n")
		}
	}
	return b.Bytes()
}
