package vtt_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"chorus/fault"
	"chorus/media/vtt"
)

const good = "\uFEFFWEBVTT - captions of our video\r\nKind: captions\r\n\r\n" +
	"NOTE written by group A\r\n\r\n" +
	"REGION\nid:fred\nwidth:40%\n\n" +
	"intro\n00:00.000 --> 00:04.500 align:start line:0 position:10%,line-left size:80%\n<v Ana>Hello, <i>everyone</i>!</v>\nWe are group A &amp; friends.\n\n" +
	"00:00:04.500 --> 00:00:09.000\n<c.loud>Apps</c> should <b>explain</b> their <u>rules</u> <00:00:06.000>in words we understand.\n\n" +
	"00:00:09.000 --> 01:00:00.000 vertical:rl region:fred\n<lang fr>Merci</lang> <ruby>漢<rt>kan</rt></ruby>\n"

func TestParseGoodFile(t *testing.T) {
	f, err := vtt.Parse([]byte(good), vtt.Options{Duration: time.Hour})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := []vtt.Cue{
		{ID: "intro", Start: 0, End: 4500 * time.Millisecond, Settings: "align:start line:0 position:10%,line-left size:80%",
			Text: "<v Ana>Hello, <i>everyone</i>!</v>\nWe are group A &amp; friends.", Line: 11},
		{Start: 4500 * time.Millisecond, End: 9 * time.Second,
			Text: "<c.loud>Apps</c> should <b>explain</b> their <u>rules</u> <00:00:06.000>in words we understand.", Line: 15},
		{Start: 9 * time.Second, End: time.Hour, Settings: "vertical:rl region:fred", Text: "<lang fr>Merci</lang> <ruby>漢<rt>kan</rt></ruby>", Line: 18},
	}
	if !reflect.DeepEqual(f.Cues, want) {
		t.Errorf("got cues\n%+v\nwant\n%+v", f.Cues, want)
	}
}

func TestBadFilesNameTheLineAndTheReason(t *testing.T) {
	const ok = "00:01.000 --> 00:02.000\nhi\n"
	cases := []struct {
		name, src string
		code      fault.Code
		want      string // part of the message, which always names the line
	}{
		{"no header", "00:01.000 --> 00:02.000\nhi\n", fault.Invalid, "Line 1 must start with WEBVTT"},
		{"header glued", "WEBVTTX\n\n" + ok, fault.Invalid, "Line 1 must start with WEBVTT"},
		{"no blank after header", "WEBVTT\n00:01.000 --> 00:02.000\nhi\n", fault.Invalid, "Line 2: leave an empty line"},
		{"no cues", "WEBVTT\n\nNOTE nothing yet\n", fault.Invalid, "no captions"},
		{"minutes 60", "WEBVTT\n\n00:60.000 --> 01:02.000\nhi\n", fault.Invalid, `Line 3: "00:60.000" is not a valid time`},
		{"seconds 60", "WEBVTT\n\n00:00:60.000 --> 00:01:02.000\nhi\n", fault.Invalid, `Line 3: "00:00:60.000" is not a valid time`},
		{"comma decimal", "WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nhi\n", fault.Invalid, `Line 3: "00:00:01,000" is not a valid time`},
		{"two-digit ms", "WEBVTT\n\n00:01.00 --> 00:02.000\nhi\n", fault.Invalid, "Line 3: \"00:01.00\""},
		{"one-digit minutes", "WEBVTT\n\n0:01.000 --> 00:02.000\nhi\n", fault.Invalid, "Line 3: \"0:01.000\""},
		{"letters", "WEBVTT\n\n00:0a.000 --> 00:02.000\nhi\n", fault.Invalid, "Line 3:"},
		{"negative", "WEBVTT\n\n-00:01.000 --> 00:02.000\nhi\n", fault.Invalid, "Line 3:"},
		{"no spaces around arrow", "WEBVTT\n\n00:01.000-->00:02.000\nhi\n", fault.Invalid, "Line 3: write the timing as start --> end"},
		{"ends before start", "WEBVTT\n\n00:05.000 --> 00:02.000\nhi\n", fault.Invalid, "Line 3: this caption ends (00:00:02.000) before it starts (00:00:05.000)"},
		{"zero length", "WEBVTT\n\n00:05.000 --> 00:05.000\nhi\n", fault.Invalid, "Line 3: this caption ends"},
		{"out of order", "WEBVTT\n\n00:05.000 --> 00:06.000\na\n\n00:01.000 --> 00:02.000\nb\n", fault.Invalid, "Line 6: this caption starts at 00:00:01.000, before the one above it"},
		{"past the video", "WEBVTT\n\n00:05.000 --> 00:20.000\na\n", fault.Invalid, "Line 3: this caption ends at 00:00:20.000, after the end of the video (00:00:10.000)"},
		{"script tag", "WEBVTT\n\n" + "00:01.000 --> 00:02.000\nhi <script>alert(1)</script>\n", fault.Invalid, "Line 4: <script> is not allowed in captions"},
		{"img tag", "WEBVTT\n\n" + "00:01.000 --> 00:02.000\n<img src=x onerror=alert(1)>\n", fault.Invalid, "Line 4: <img src=x onerror=alert(1)> is not allowed"},
		{"end tag with class", "WEBVTT\n\n" + "00:01.000 --> 00:02.000\n<c>x</c.y>\n", fault.Invalid, "Line 4: </c.y> is not allowed"},
		{"unclosed tag", "WEBVTT\n\n" + "00:01.000 --> 00:02.000\na <b\n", fault.Invalid, "Line 4: a tag is opened with < but not closed"},
		{"bare less-than", "WEBVTT\n\n" + "00:01.000 --> 00:02.000\n1 < 2 > 0\n", fault.Invalid, "Line 4: < 2 > is not allowed"},
		{"timestamp tag outside", "WEBVTT\n\n" + "00:01.000 --> 00:02.000\na <00:03.000>b\n", fault.Invalid, "Line 4: the time <00:03.000> is outside this caption"},
		{"bad timestamp tag", "WEBVTT\n\n" + "00:01.000 --> 00:02.000\na <1:00.000>b\n", fault.Invalid, "Line 4: <1:00.000> is not a valid time"},
		{"style block", "WEBVTT\n\nSTYLE\n::cue { background: url(https://tracker.example/p.png) }\n\n" + ok, fault.Invalid, "Line 3: STYLE blocks are not allowed"},
		{"region after cue", "WEBVTT\n\n" + ok + "\nREGION\nid:x\n", fault.Invalid, "Line 6: a REGION must come before the first caption"},
		{"arrow in note", "WEBVTT\n\nNOTE this --> that\n\n" + ok, fault.Invalid, "Line 3: a NOTE cannot contain -->"},
		{"arrow in text", "WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n00:03.000 --> 00:04.000\nho\n", fault.Invalid, "Line 5: a caption's text cannot contain -->"},
		{"id without timing", "WEBVTT\n\nintro\nhello\n", fault.Invalid, `Line 4: expected a timing line such as 00:00:01.000 --> 00:00:04.000 after the caption name "intro"`},
		{"id at end", "WEBVTT\n\nintro", fault.Invalid, "Line 4: expected a timing line"},
		{"unknown setting", "WEBVTT\n\n00:01.000 --> 00:02.000 colour:red\nhi\n", fault.Invalid, `Line 3: "colour:red" is not a caption setting`},
		{"bad setting value", "WEBVTT\n\n00:01.000 --> 00:02.000 align:middle\nhi\n", fault.Invalid, `Line 3: the caption setting "align:middle"`},
		{"percent over 100", "WEBVTT\n\n00:01.000 --> 00:02.000 size:101%\nhi\n", fault.Invalid, `Line 3: the caption setting "size:101%"`},
		{"NUL", "WEBVTT\n\n00:01.000 --> 00:02.000\nh\x00i\n", fault.Invalid, "Line 4 has a NUL character"},
		{"not UTF-8", "WEBVTT\n\n00:01.000 --> 00:02.000\nh\xffi\n", fault.Invalid, "not UTF-8"},
		{"long line", "WEBVTT\n\n00:01.000 --> 00:02.000\n" + strings.Repeat("a", vtt.MaxLineLen+1) + "\n", fault.Invalid, "Line 4 is too long"},
		{"too large", "WEBVTT\n\n" + strings.Repeat("00:01.000 --> 00:02.000\n"+strings.Repeat("a", 900)+"\n\n", vtt.MaxBytes/900), fault.TooLarge, "at most 512 KB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := vtt.Parse([]byte(tc.src), vtt.Options{Duration: 10 * time.Second})
			if !fault.Is(err, tc.code) {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
			if msg := fault.MessageOf(err); !strings.Contains(msg, tc.want) {
				t.Errorf("got message %q, want it to contain %q", msg, tc.want)
			}
		})
	}
}

func TestTooManyCues(t *testing.T) {
	var b strings.Builder
	b.WriteString("WEBVTT\n")
	for i := 0; i <= vtt.MaxCues; i++ {
		b.WriteString("\n00:01.000 --> 00:02.000\nx\n")
	}
	if _, err := vtt.Parse([]byte(b.String()), vtt.Options{}); !fault.Is(err, fault.TooLarge) || !strings.Contains(fault.MessageOf(err), "at most 5000 captions") {
		t.Errorf("got %v, want too_large naming the limit", err)
	}
}

func TestLineEndings(t *testing.T) {
	for name, nl := range map[string]string{"LF": "\n", "CRLF": "\r\n", "CR": "\r"} {
		src := strings.ReplaceAll("WEBVTT\n\n00:01.000 --> 00:02.000\nhi\nthere\n", "\n", nl)
		f, err := vtt.Parse([]byte(src), vtt.Options{})
		if err != nil || len(f.Cues) != 1 || f.Cues[0].Text != "hi\nthere" {
			t.Errorf("%s: got %+v, %v; want one cue with two lines", name, f.Cues, err)
		}
	}
}

func TestEncodeRoundTrips(t *testing.T) {
	f, err := vtt.Parse([]byte(good), vtt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := vtt.Parse(f.Encode(), vtt.Options{})
	if err != nil {
		t.Fatalf("Parse(Encode): %v\n%s", err, f.Encode())
	}
	if !sameCues(f.Cues, g.Cues) {
		t.Errorf("round trip changed the cues:\n%+v\n%+v", f.Cues, g.Cues)
	}
}

// sameCues compares cues but not the line they were read from.
func sameCues(a, b []vtt.Cue) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		x.Line, y.Line = 0, 0
		if x != y {
			return false
		}
	}
	return true
}

// FuzzParse: Parse never panics, and what it accepts keeps its promises: cues
// in order, each ending after it starts, no arrow in any text, no tag but
// WebVTT's, and Encode writes a file that reads back to the same cues.
func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("WEBVTT\n\n00:01.000 --> 00:02.000\nhi <b>there</b>\n"))
	f.Add([]byte("WEBVTT\n\nNOTE x\n\n1\n00:00:01.000 --> 00:00:02.000 align:end\n<script>x</script>\n"))
	f.Add([]byte("WEBVTT\r\rSTYLE\r::cue{}\r"))
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := vtt.Parse(src, vtt.Options{})
		if err != nil {
			if code := fault.CodeOf(err); code != fault.Invalid && code != fault.TooLarge {
				t.Fatalf("error with code %s: %v", code, err)
			}
			if !strings.HasPrefix(fault.MessageOf(err), "Line ") && !strings.Contains(fault.MessageOf(err), "captions") && !strings.Contains(fault.MessageOf(err), "The file") {
				t.Fatalf("message does not say where: %q", fault.MessageOf(err))
			}
			return
		}
		for i, c := range file.Cues {
			if c.End <= c.Start || (i > 0 && c.Start < file.Cues[i-1].Start) {
				t.Fatalf("cue %d out of order or empty: %+v", i, c)
			}
			if strings.Contains(c.Text, "-->") || strings.Contains(strings.ToLower(c.Text), "<script") {
				t.Fatalf("cue %d text %q passed", i, c.Text)
			}
		}
		again, err := vtt.Parse(file.Encode(), vtt.Options{})
		if err != nil {
			t.Fatalf("Parse(Encode()) = %v for\n%q", err, file.Encode())
		}
		if !sameCues(file.Cues, again.Cues) {
			t.Fatalf("round trip changed the cues:\n%+v\n%+v", file.Cues, again.Cues)
		}
	})
}
