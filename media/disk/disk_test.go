package disk_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"chorus/media"
	"chorus/media/blobtest"
	"chorus/media/disk"
)

func TestContract(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) media.Blobs {
		return mustOpen(t, t.TempDir())
	})
}

// TestUploadSurvivesRestart continues an upload with a new Store on the same
// directory, as after a server restart.
func TestUploadSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	p1, p2 := bytes.Repeat([]byte("a"), media.MinPartSize), []byte("the end")

	before := mustOpen(t, root)
	id, err := before.StartUpload(ctx, "v.mp4", "video/mp4")
	if err != nil {
		t.Fatalf("StartUpload: %v", err)
	}
	if _, err := before.PutPart(ctx, "v.mp4", id, 1, bytes.NewReader(p1), int64(len(p1))); err != nil {
		t.Fatalf("PutPart: %v", err)
	}

	after := mustOpen(t, root)
	parts, err := after.ListParts(ctx, "v.mp4", id)
	if err != nil {
		t.Fatalf("ListParts after restart: %v", err)
	}
	if len(parts) != 1 || parts[0].Number != 1 || parts[0].Size != int64(len(p1)) {
		t.Fatalf("ListParts after restart = %+v, want part 1 of %d bytes", parts, len(p1))
	}
	p, err := after.PutPart(ctx, "v.mp4", id, 2, bytes.NewReader(p2), int64(len(p2)))
	if err != nil {
		t.Fatalf("PutPart after restart: %v", err)
	}
	info, err := after.CompleteUpload(ctx, "v.mp4", id, append(parts, p))
	if err != nil {
		t.Fatalf("CompleteUpload after restart: %v", err)
	}
	whole := append(append([]byte{}, p1...), p2...)
	h := sha256.Sum256(whole)
	if info.Size != int64(len(whole)) || info.SHA256 != hex.EncodeToString(h[:]) || info.ContentType != "video/mp4" {
		t.Errorf("CompleteUpload = %+v, want %d bytes, sha %x, video/mp4", info, len(whole), h)
	}
	rc, _, err := before.Get(ctx, "v.mp4", media.Range{})
	if err != nil {
		t.Fatalf("Get from the first store: %v", err)
	}
	defer rc.Close()
	if got, _ := io.ReadAll(rc); !bytes.Equal(got, whole) {
		t.Errorf("Get: got %d bytes, want %d", len(got), len(whole))
	}
	assertEmpty(t, filepath.Join(root, "uploads"))
}

// TestFailuresLeaveNoFiles checks that failed writes clean up after themselves.
func TestFailuresLeaveNoFiles(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	s := mustOpen(t, root)
	boom := errors.New("boom")
	r := io.MultiReader(bytes.NewReader(make([]byte, 1<<20)), failReader{boom})
	if _, err := s.Put(ctx, "a/b", r, ""); !errors.Is(err, boom) {
		t.Fatalf("Put = %v, want %v", err, boom)
	}
	id, err := s.StartUpload(ctx, "a/b", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutPart(ctx, "a/b", id, 1, bytes.NewReader([]byte("short")), 100); err == nil {
		t.Fatal("PutPart of a short part: no error")
	}
	if err := s.AbortUpload(ctx, "a/b", id); err != nil {
		t.Fatal(err)
	}
	assertEmpty(t, filepath.Join(root, "tmp"))
	assertEmpty(t, filepath.Join(root, "uploads"))
	assertEmpty(t, filepath.Join(root, "blobs"))

	// Delete removes the directories it empties.
	if _, err := s.Put(ctx, "x/y/z", bytes.NewReader([]byte("z")), ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "x/y/z"); err != nil {
		t.Fatal(err)
	}
	assertEmpty(t, filepath.Join(root, "blobs"))
}

func TestPingUnwritable(t *testing.T) {
	root := t.TempDir()
	s := mustOpen(t, root)
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(context.Background()); err == nil {
		t.Error("Ping on a removed directory: no error")
	}
}

func mustOpen(t *testing.T, root string) *disk.Store {
	t.Helper()
	s, err := disk.New(root)
	if err != nil {
		t.Fatalf("disk.New: %v", err)
	}
	return s
}

func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("%s holds %q, want nothing", dir, names)
	}
}

type failReader struct{ err error }

func (r failReader) Read([]byte) (int, error) { return 0, r.err }
