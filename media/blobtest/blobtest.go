// Package blobtest is the contract suite of the media.Blobs port: every
// adapter runs it, so they behave alike.
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"chorus/fault"
	"chorus/media"
)

// Run runs the contract suite. open returns an empty store for one subtest
// (and cleans it up through t); subtests run in parallel.
func Run(t *testing.T, open func(t *testing.T) media.Blobs) {
	tests := []struct {
		name string
		fn   func(t *testing.T, b media.Blobs)
	}{
		{"PutGet", testPutGet},
		{"Empty", testEmpty},
		{"Replace", testReplace},
		{"Ranges", testRanges},
		{"StatDeleteNotFound", testStatDeleteNotFound},
		{"List", testList},
		{"InvalidKeys", testInvalidKeys},
		{"LongKey", testLongKey},
		{"BadContentType", testBadContentType},
		{"FailedPut", testFailedPut},
		{"CancelledPut", testCancelledPut},
		{"Multipart", testMultipart},
		{"SmallPartNotLast", testSmallPartNotLast},
		{"CompleteChecksParts", testCompleteChecksParts},
		{"ShortPart", testShortPart},
		{"Abort", testAbort},
		{"UnknownUpload", testUnknownUpload},
		{"SignedURL", testSignedURL},
		{"Ping", testPing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, open(t))
		})
	}
}

func testPutGet(t *testing.T, b media.Blobs) {
	ctx := context.Background()
	data := randomBytes(1<<20 + 17)
	key := "groups/g1/videos/v1.mp4"
	before := time.Now().Add(-time.Minute)
	info, err := b.Put(ctx, key, bytes.NewReader(data), "video/mp4")
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	want := media.BlobInfo{Key: key, Size: int64(len(data)), SHA256: sum(data), ContentType: "video/mp4"}
	checkInfo(t, "Put", info, want)
	if info.Modified.Before(before) {
		t.Errorf("Put: Modified = %v, want about now", info.Modified)
	}
	got, ginfo := get(t, b, key, media.Range{})
	if !bytes.Equal(got, data) {
		t.Errorf("Get: got %d bytes, want the %d put", len(got), len(data))
	}
	checkInfo(t, "Get", ginfo, want)
	sinfo, err := b.Stat(ctx, key)
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	checkInfo(t, "Stat", sinfo, want)

	// Without a content type the blob is plain bytes.
	info, err = b.Put(ctx, "plain", strings.NewReader("x"), "")
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	if info.ContentType != "application/octet-stream" {
		t.Errorf("Put without type: ContentType = %q, want application/octet-stream", info.ContentType)
	}
}

func testEmpty(t *testing.T, b media.Blobs) {
	info, err := b.Put(context.Background(), "empty", bytes.NewReader(nil), "text/plain")
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	checkInfo(t, "Put", info, media.BlobInfo{Key: "empty", Size: 0, SHA256: sum(nil), ContentType: "text/plain"})
	got, _ := get(t, b, "empty", media.Range{})
	if len(got) != 0 {
		t.Errorf("Get: got %d bytes, want 0", len(got))
	}
}

func testReplace(t *testing.T, b media.Blobs) {
	ctx := context.Background()
	mustPut(t, b, "k", []byte("first version"))
	second := []byte("second, longer version")
	info, err := b.Put(ctx, "k", bytes.NewReader(second), "text/plain")
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	want := media.BlobInfo{Key: "k", Size: int64(len(second)), SHA256: sum(second), ContentType: "text/plain"}
	checkInfo(t, "Put", info, want)
	got, _ := get(t, b, "k", media.Range{})
	if !bytes.Equal(got, second) {
		t.Errorf("Get = %q, want %q", got, second)
	}
	sinfo, err := b.Stat(ctx, "k")
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	checkInfo(t, "Stat", sinfo, want)
}

func testRanges(t *testing.T, b media.Blobs) {
	data := randomBytes(1000)
	mustPut(t, b, "r", data)
	for _, tc := range []struct {
		name string
		rg   media.Range
		want []byte
	}{
		{"whole", media.Range{}, data},
		{"whole with length -1", media.Range{Length: -1}, data},
		{"middle", media.Range{Offset: 100, Length: 50}, data[100:150]},
		{"first byte", media.Range{Offset: 0, Length: 1}, data[:1]},
		{"last byte", media.Range{Offset: 999, Length: 1}, data[999:]},
		{"to end", media.Range{Offset: 900, Length: -1}, data[900:]},
		{"length 0 is to end", media.Range{Offset: 900}, data[900:]},
		{"length past end is cut", media.Range{Offset: 990, Length: 100}, data[990:]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, info := get(t, b, "r", tc.rg)
			if !bytes.Equal(got, tc.want) {
				t.Errorf("Get(%+v): got %d bytes, want %d (content differs: %v)", tc.rg, len(got), len(tc.want), len(got) == len(tc.want))
			}
			if info.Size != int64(len(data)) || info.SHA256 != sum(data) {
				t.Errorf("Get(%+v): info = %+v, want the whole blob's size %d and hash", tc.rg, info, len(data))
			}
		})
	}
	for _, rg := range []media.Range{
		{Offset: 1000, Length: 1},
		{Offset: 1000, Length: -1},
		{Offset: 5000, Length: 10},
		{Offset: -1, Length: 10},
	} {
		rc, _, err := b.Get(context.Background(), "r", rg)
		if err == nil {
			rc.Close()
			t.Errorf("Get(%+v): no error, want %s", rg, fault.Invalid)
		} else if !fault.Is(err, fault.Invalid) {
			t.Errorf("Get(%+v): %v, want %s", rg, err, fault.Invalid)
		}
	}
}

func testStatDeleteNotFound(t *testing.T, b media.Blobs) {
	ctx := context.Background()
	if _, err := b.Stat(ctx, "missing"); !fault.Is(err, fault.NotFound) {
		t.Errorf("Stat(missing) = %v, want %s", err, fault.NotFound)
	}
	if rc, _, err := b.Get(ctx, "missing", media.Range{}); !fault.Is(err, fault.NotFound) {
		if rc != nil {
			rc.Close()
		}
		t.Errorf("Get(missing) = %v, want %s", err, fault.NotFound)
	}
	if err := b.Delete(ctx, "missing"); !fault.Is(err, fault.NotFound) {
		t.Errorf("Delete(missing) = %v, want %s", err, fault.NotFound)
	}
	mustPut(t, b, "a/b/c", []byte("abc"))
	mustPut(t, b, "a/b/d", []byte("abd"))
	if err := b.Delete(ctx, "a/b/c"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := b.Stat(ctx, "a/b/c"); !fault.Is(err, fault.NotFound) {
		t.Errorf("Stat after Delete = %v, want %s", err, fault.NotFound)
	}
	if err := b.Delete(ctx, "a/b/c"); !fault.Is(err, fault.NotFound) {
		t.Errorf("second Delete = %v, want %s", err, fault.NotFound)
	}
	if got := keys(t, b, ""); !slices.Equal(got, []string{"a/b/d"}) {
		t.Errorf("List after Delete = %q, want [a/b/d]", got)
	}
	// A blob can be put again where one was deleted.
	if err := b.Delete(ctx, "a/b/d"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	mustPut(t, b, "a/b/c", []byte("again"))
	if got, _ := get(t, b, "a/b/c", media.Range{}); string(got) != "again" {
		t.Errorf("Get after re-Put = %q, want %q", got, "again")
	}
}

func testList(t *testing.T, b media.Blobs) {
	all := []string{"a", "a-b", "a/b/1/x", "a/b/10", "a/b/2", "a/c", "ab", "b/x", "tmp/x"}
	for _, i := range rand.Perm(len(all)) {
		mustPut(t, b, all[i], []byte(all[i]))
	}
	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{"", all},
		{"a", []string{"a", "a-b", "a/b/1/x", "a/b/10", "a/b/2", "a/c", "ab"}},
		{"a/", []string{"a/b/1/x", "a/b/10", "a/b/2", "a/c"}},
		{"a/b", []string{"a/b/1/x", "a/b/10", "a/b/2"}},
		{"a/b/1", []string{"a/b/1/x", "a/b/10"}},
		{"b/x", []string{"b/x"}},
		{"c", nil},
		{"a/b/2/", nil},
	} {
		if got := keys(t, b, tc.prefix); !slices.Equal(got, tc.want) {
			t.Errorf("List(%q) = %q, want %q", tc.prefix, got, tc.want)
		}
	}
	infos, err := b.List(context.Background(), "a/c")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(infos) == 1 {
		checkInfo(t, "List", infos[0], media.BlobInfo{Key: "a/c", Size: 3, SHA256: sum([]byte("a/c")), ContentType: "application/octet-stream"})
	}
	if _, err := b.List(context.Background(), "../"); !fault.Is(err, fault.Invalid) {
		t.Errorf("List(../) = %v, want %s", err, fault.Invalid)
	}
}

func testInvalidKeys(t *testing.T, b media.Blobs) {
	ctx := context.Background()
	for _, key := range []string{
		"", "../x", "a/../b", "..", "/abs", "a b", "a//b", "a/", "./a", "a/./b",
		`a\b`, "a~b", "é", "a?b", "a\x00b", strings.Repeat("a", media.MaxKeyLength+1),
	} {
		if err := media.ValidateKey(key); !fault.Is(err, fault.Invalid) {
			t.Errorf("ValidateKey(%q) = %v, want %s", key, err, fault.Invalid)
		}
		if _, err := b.Put(ctx, key, strings.NewReader("x"), ""); !fault.Is(err, fault.Invalid) {
			t.Errorf("Put(%q) = %v, want %s", key, err, fault.Invalid)
		}
		if _, err := b.Stat(ctx, key); !fault.Is(err, fault.Invalid) {
			t.Errorf("Stat(%q) = %v, want %s", key, err, fault.Invalid)
		}
		if rc, _, err := b.Get(ctx, key, media.Range{}); !fault.Is(err, fault.Invalid) {
			if rc != nil {
				rc.Close()
			}
			t.Errorf("Get(%q) = %v, want %s", key, err, fault.Invalid)
		}
		if err := b.Delete(ctx, key); !fault.Is(err, fault.Invalid) {
			t.Errorf("Delete(%q) = %v, want %s", key, err, fault.Invalid)
		}
		if _, err := b.StartUpload(ctx, key, ""); !fault.Is(err, fault.Invalid) {
			t.Errorf("StartUpload(%q) = %v, want %s", key, err, fault.Invalid)
		}
		if _, _, err := b.SignedURL(ctx, key, time.Minute); !fault.Is(err, fault.Invalid) {
			t.Errorf("SignedURL(%q) = %v, want %s", key, err, fault.Invalid)
		}
	}
	if got := keys(t, b, ""); len(got) != 0 {
		t.Errorf("after invalid Puts, List = %q, want nothing stored", got)
	}
}

func testLongKey(t *testing.T, b media.Blobs) {
	// The longest key, in segments short enough for any file system.
	key := strings.Repeat("abcdefghi/", media.MaxKeyLength/10) + "xy"
	if len(key) != media.MaxKeyLength {
		t.Fatalf("test key has %d bytes, want %d", len(key), media.MaxKeyLength)
	}
	mustPut(t, b, key, []byte("long"))
	if got, _ := get(t, b, key, media.Range{}); string(got) != "long" {
		t.Errorf("Get = %q, want %q", got, "long")
	}
	if got := keys(t, b, "abcdefghi/"); !slices.Equal(got, []string{key}) {
		t.Errorf("List = %q, want the long key", got)
	}
}

func testBadContentType(t *testing.T, b media.Blobs) {
	ctx := context.Background()
	for _, ct := range []string{strings.Repeat("a", 256), "text/plain\r\nX-Evil: 1", "vidéo/mp4"} {
		if _, err := b.Put(ctx, "k", strings.NewReader("x"), ct); !fault.Is(err, fault.Invalid) {
			t.Errorf("Put with content type %q = %v, want %s", ct, err, fault.Invalid)
		}
		if _, err := b.StartUpload(ctx, "k", ct); !fault.Is(err, fault.Invalid) {
			t.Errorf("StartUpload with content type %q = %v, want %s", ct, err, fault.Invalid)
		}
	}
	if got := keys(t, b, ""); len(got) != 0 {
		t.Errorf("List = %q, want nothing stored", got)
	}
}

func testFailedPut(t *testing.T, b media.Blobs) {
	ctx := context.Background()
	boom := errors.New("connection dropped")
	// Longer than a buffer or two, so that some bytes were written.
	failing := func() io.Reader { return io.MultiReader(bytes.NewReader(randomBytes(3<<20)), errReader{boom}) }

	if _, err := b.Put(ctx, "new", failing(), ""); !errors.Is(err, boom) {
		t.Errorf("Put(failing reader) = %v, want the reader's error", err)
	}
	if _, err := b.Stat(ctx, "new"); !fault.Is(err, fault.NotFound) {
		t.Errorf("Stat after failed Put = %v, want %s", err, fault.NotFound)
	}

	old := []byte("the blob that must survive")
	mustPut(t, b, "old", old)
	if _, err := b.Put(ctx, "old", failing(), ""); !errors.Is(err, boom) {
		t.Errorf("Put(failing reader) over a blob = %v, want the reader's error", err)
	}
	got, info := get(t, b, "old", media.Range{})
	if !bytes.Equal(got, old) || info.SHA256 != sum(old) {
		t.Errorf("after failed Put: Get = %q (sha %s), want %q untouched", got, info.SHA256, old)
	}
	if got := keys(t, b, ""); !slices.Equal(got, []string{"old"}) {
		t.Errorf("List = %q, want [old]", got)
	}
}

func testCancelledPut(t *testing.T, b media.Blobs) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The reader cancels the context half way through.
	r := io.MultiReader(bytes.NewReader(randomBytes(1<<20)), cancelReader{cancel}, bytes.NewReader(randomBytes(1<<20)))
	if _, err := b.Put(ctx, "cancelled", r, ""); err == nil {
		t.Errorf("Put with a cancelled context: no error")
	}
	if _, err := b.Stat(context.Background(), "cancelled"); !fault.Is(err, fault.NotFound) {
		t.Errorf("Stat after cancelled Put = %v, want %s", err, fault.NotFound)
	}
}

func testMultipart(t *testing.T, b media.Blobs) {
	ctx := context.Background()
	key := "groups/g1/videos/big.webm"
	p1, p2, p3 := randomBytes(media.MinPartSize), randomBytes(media.MinPartSize), randomBytes(12345)
	whole := bytes.Join([][]byte{p1, p2, p3}, nil)

	id, err := b.StartUpload(ctx, key, "video/webm")
	if err != nil {
		t.Fatalf("StartUpload: %v", err)
	}
	if parts, err := b.ListParts(ctx, key, id); err != nil || len(parts) != 0 {
		t.Fatalf("ListParts of a new upload = %v, %v; want none", parts, err)
	}
	// Out of order; part 2 first breaks off, then is sent with wrong bytes,
	// then again with the right ones (each send replaces the last).
	put3 := putPart(t, b, key, id, 3, p3)
	put1 := putPart(t, b, key, id, 1, p1)
	boom := errors.New("connection dropped")
	broken := io.MultiReader(bytes.NewReader(p2[:1<<20]), errReader{boom})
	if _, err := b.PutPart(ctx, key, id, 2, broken, int64(len(p2))); err == nil {
		t.Errorf("PutPart with a failing reader: no error")
	}
	parts, err := b.ListParts(ctx, key, id)
	if err != nil {
		t.Fatalf("ListParts: %v", err)
	}
	if want := []media.Part{put1, put3}; !equalParts(parts, want) {
		t.Errorf("ListParts after a broken part = %+v, want %+v", parts, want)
	}
	putPart(t, b, key, id, 2, randomBytes(len(p2)))
	put2 := putPart(t, b, key, id, 2, p2)

	parts, err = b.ListParts(ctx, key, id)
	if err != nil {
		t.Fatalf("ListParts: %v", err)
	}
	if want := []media.Part{put1, put2, put3}; !equalParts(parts, want) {
		t.Errorf("ListParts = %+v, want %+v", parts, want)
	}
	if _, err := b.Stat(ctx, key); !fault.Is(err, fault.NotFound) {
		t.Errorf("Stat before CompleteUpload = %v, want %s", err, fault.NotFound)
	}

	// Parts may be given in any order.
	info, err := b.CompleteUpload(ctx, key, id, []media.Part{parts[2], parts[0], parts[1]})
	if err != nil {
		t.Fatalf("CompleteUpload: %v", err)
	}
	want := media.BlobInfo{Key: key, Size: int64(len(whole)), SHA256: sum(whole), ContentType: "video/webm"}
	checkInfo(t, "CompleteUpload", info, want)
	got, ginfo := get(t, b, key, media.Range{})
	if !bytes.Equal(got, whole) {
		t.Errorf("Get after CompleteUpload: got %d bytes, want %d joined in order", len(got), len(whole))
	}
	checkInfo(t, "Get", ginfo, want)
	if got := keys(t, b, ""); !slices.Equal(got, []string{key}) {
		t.Errorf("List = %q, want only the blob", got)
	}
	if _, err := b.ListParts(ctx, key, id); !fault.Is(err, fault.NotFound) {
		t.Errorf("ListParts after CompleteUpload = %v, want %s", err, fault.NotFound)
	}
}

func testSmallPartNotLast(t *testing.T, b media.Blobs) {
	ctx := context.Background()
	id := mustStart(t, b, "small")
	parts := []media.Part{putPart(t, b, "small", id, 1, []byte("tiny")), putPart(t, b, "small", id, 2, []byte("last"))}
	if _, err := b.CompleteUpload(ctx, "small", id, parts); !fault.Is(err, fault.Invalid) {
		t.Errorf("CompleteUpload with a small first part = %v, want %s", err, fault.Invalid)
	}
	if _, err := b.Stat(ctx, "small"); !fault.Is(err, fault.NotFound) {
		t.Errorf("Stat after refused CompleteUpload = %v, want %s", err, fault.NotFound)
	}
	// A single small part is the last part: fine.
	info, err := b.CompleteUpload(ctx, "small", id, parts[1:])
	if err != nil {
		t.Fatalf("CompleteUpload of one small part: %v", err)
	}
	checkInfo(t, "CompleteUpload", info, media.BlobInfo{Key: "small", Size: 4, SHA256: sum([]byte("last")), ContentType: "application/octet-stream"})
}

func testCompleteChecksParts(t *testing.T, b media.Blobs) {
	ctx := context.Background()
	id := mustStart(t, b, "k")
	p := putPart(t, b, "k", id, 1, []byte("only"))
	for name, parts := range map[string][]media.Part{
		"no parts":     nil,
		"missing part": {{Number: 2, Size: 4, ETag: p.ETag}},
		"wrong ETag":   {{Number: 1, Size: 4, ETag: strings.Repeat("0", 64)}},
		"twice":        {p, p},
		"number 0":     {{Number: 0, ETag: p.ETag}},
	} {
		if _, err := b.CompleteUpload(ctx, "k", id, parts); !fault.Is(err, fault.Invalid) {
			t.Errorf("CompleteUpload(%s) = %v, want %s", name, err, fault.Invalid)
		}
	}
	if _, err := b.Stat(ctx, "k"); !fault.Is(err, fault.NotFound) {
		t.Errorf("Stat after refused CompleteUpload = %v, want %s", err, fault.NotFound)
	}
	if _, err := b.PutPart(ctx, "k", id, 0, strings.NewReader("x"), 1); !fault.Is(err, fault.Invalid) {
		t.Errorf("PutPart(0) = %v, want %s", err, fault.Invalid)
	}
	if _, err := b.PutPart(ctx, "k", id, media.MaxParts+1, strings.NewReader("x"), 1); !fault.Is(err, fault.Invalid) {
		t.Errorf("PutPart(MaxParts+1) = %v, want %s", err, fault.Invalid)
	}
	if _, err := b.CompleteUpload(ctx, "k", id, []media.Part{p}); err != nil {
		t.Errorf("CompleteUpload after refusals: %v", err)
	}
}

func testShortPart(t *testing.T, b media.Blobs) {
	ctx := context.Background()
	id := mustStart(t, b, "k")
	if _, err := b.PutPart(ctx, "k", id, 1, strings.NewReader("12345"), 10); !fault.Is(err, fault.Invalid) {
		t.Errorf("PutPart with 5 of 10 bytes = %v, want %s", err, fault.Invalid)
	}
	if parts, err := b.ListParts(ctx, "k", id); err != nil || len(parts) != 0 {
		t.Errorf("ListParts after a short part = %+v, %v; want none", parts, err)
	}
}

func testAbort(t *testing.T, b media.Blobs) {
	ctx := context.Background()
	id := mustStart(t, b, "k")
	p := putPart(t, b, "k", id, 1, []byte("data"))
	if err := b.AbortUpload(ctx, "k", id); err != nil {
		t.Fatalf("AbortUpload: %v", err)
	}
	if _, err := b.ListParts(ctx, "k", id); !fault.Is(err, fault.NotFound) {
		t.Errorf("ListParts after Abort = %v, want %s", err, fault.NotFound)
	}
	if _, err := b.PutPart(ctx, "k", id, 2, strings.NewReader("x"), 1); !fault.Is(err, fault.NotFound) {
		t.Errorf("PutPart after Abort = %v, want %s", err, fault.NotFound)
	}
	if _, err := b.CompleteUpload(ctx, "k", id, []media.Part{p}); !fault.Is(err, fault.NotFound) {
		t.Errorf("CompleteUpload after Abort = %v, want %s", err, fault.NotFound)
	}
	if err := b.AbortUpload(ctx, "k", id); !fault.Is(err, fault.NotFound) {
		t.Errorf("second AbortUpload = %v, want %s", err, fault.NotFound)
	}
	if _, err := b.Stat(ctx, "k"); !fault.Is(err, fault.NotFound) {
		t.Errorf("Stat after Abort = %v, want %s", err, fault.NotFound)
	}
	if got := keys(t, b, ""); len(got) != 0 {
		t.Errorf("List after Abort = %q, want nothing", got)
	}
}

func testUnknownUpload(t *testing.T, b media.Blobs) {
	ctx := context.Background()
	real := mustStart(t, b, "k")
	part := media.Part{Number: 1, Size: 1, ETag: "x"}
	for _, tc := range []struct{ key, id string }{
		{"k", "nope"},
		{"k", ""},
		{"k", "../../blobs"},
		{"k", strings.Repeat("0", 32)},
		{"k", strings.Repeat("0", 32) + ".bogus"},
		{"other", real}, // a real id used with another key
	} {
		if _, err := b.ListParts(ctx, tc.key, tc.id); !fault.Is(err, fault.NotFound) {
			t.Errorf("ListParts(%q, %q) = %v, want %s", tc.key, tc.id, err, fault.NotFound)
		}
		if _, err := b.PutPart(ctx, tc.key, tc.id, 1, strings.NewReader("x"), 1); !fault.Is(err, fault.NotFound) {
			t.Errorf("PutPart(%q, %q) = %v, want %s", tc.key, tc.id, err, fault.NotFound)
		}
		if _, err := b.CompleteUpload(ctx, tc.key, tc.id, []media.Part{part}); !fault.Is(err, fault.NotFound) {
			t.Errorf("CompleteUpload(%q, %q) = %v, want %s", tc.key, tc.id, err, fault.NotFound)
		}
		if err := b.AbortUpload(ctx, tc.key, tc.id); !fault.Is(err, fault.NotFound) {
			t.Errorf("AbortUpload(%q, %q) = %v, want %s", tc.key, tc.id, err, fault.NotFound)
		}
	}
	// The real upload is untouched by all that.
	if parts, err := b.ListParts(ctx, "k", real); err != nil || len(parts) != 0 {
		t.Errorf("ListParts(real) = %+v, %v; want no parts, no error", parts, err)
	}
}

func testSignedURL(t *testing.T, b media.Blobs) {
	ctx := context.Background()
	data := randomBytes(4096)
	mustPut(t, b, "signed/v.mp4", data)
	u, ok, err := b.SignedURL(ctx, "signed/v.mp4", time.Minute)
	if err != nil {
		t.Fatalf("SignedURL: %v", err)
	}
	if !ok {
		if u != "" {
			t.Errorf("SignedURL: ok=false with URL %q", u)
		}
		t.Skip("this store has no signed URLs")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		t.Fatalf("SignedURL returned %q: %v", u, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET signed URL: %v", err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading signed URL: %v", err)
	}
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, data) {
		t.Errorf("GET signed URL: %s with %d bytes, want 200 with the %d put", resp.Status, len(got), len(data))
	}
}

func testPing(t *testing.T, b media.Blobs) {
	if err := b.Ping(context.Background()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// --- helpers ---

func randomBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rand.Uint32())
	}
	return b
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func mustPut(t *testing.T, b media.Blobs, key string, data []byte) {
	t.Helper()
	if _, err := b.Put(context.Background(), key, bytes.NewReader(data), ""); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

func mustStart(t *testing.T, b media.Blobs, key string) string {
	t.Helper()
	id, err := b.StartUpload(context.Background(), key, "")
	if err != nil {
		t.Fatalf("StartUpload(%q): %v", key, err)
	}
	return id
}

func putPart(t *testing.T, b media.Blobs, key, id string, n int, data []byte) media.Part {
	t.Helper()
	p, err := b.PutPart(context.Background(), key, id, n, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("PutPart(%d): %v", n, err)
	}
	if p.Number != n || p.Size != int64(len(data)) || p.ETag == "" {
		t.Errorf("PutPart(%d) = %+v, want number %d, size %d and an ETag", n, p, n, len(data))
	}
	return p
}

func get(t *testing.T, b media.Blobs, key string, rg media.Range) ([]byte, media.BlobInfo) {
	t.Helper()
	rc, info, err := b.Get(context.Background(), key, rg)
	if err != nil {
		t.Fatalf("Get(%q, %+v): %v", key, rg, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Get(%q): reading: %v", key, err)
	}
	return data, info
}

func keys(t *testing.T, b media.Blobs, prefix string) []string {
	t.Helper()
	infos, err := b.List(context.Background(), prefix)
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	var out []string
	for _, info := range infos {
		out = append(out, info.Key)
	}
	return out
}

// checkInfo compares everything but Modified, which only has to be set.
func checkInfo(t *testing.T, op string, got, want media.BlobInfo) {
	t.Helper()
	if got.Modified.IsZero() {
		t.Errorf("%s: Modified is zero", op)
	}
	got.Modified = time.Time{}
	if got != want {
		t.Errorf("%s: info = %+v, want %+v", op, got, want)
	}
}

func equalParts(got, want []media.Part) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i].Number != want[i].Number || got[i].Size != want[i].Size || got[i].ETag != want[i].ETag {
			return false
		}
	}
	return true
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// cancelReader cancels a context when it is read, and then reads nothing.
type cancelReader struct{ cancel context.CancelFunc }

func (r cancelReader) Read([]byte) (int, error) {
	r.cancel()
	return 0, io.EOF
}
