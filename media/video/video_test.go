package video_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"chorus/fault"
	"chorus/identity"
	"chorus/jobs"
	"chorus/media/disk"
	"chorus/media/upload"
	"chorus/media/video"
	"chorus/store/sqlite"
)

func newService(t *testing.T) (*video.Service, *jobs.Queue) {
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
	q := jobs.NewQueue(docs)
	s := video.NewService(docs, blobs, q)
	if err := q.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	return s, q
}

func TestVersionsAreNumberedOncePerUpload(t *testing.T) {
	ctx := context.Background()
	s, q := newService(t)
	v, err := s.Create(ctx, "acc1", identity.Group{ID: "g1", PanelID: "p1"}, "  Apps and us  ")
	if err != nil || v.Title != "Apps and us" {
		t.Fatalf("Create = %+v, %v", v, err)
	}
	for _, id := range []string{"u1", "u2", "u1"} { // u1 handed over twice
		if err := s.Received(ctx, upload.Upload{ID: id, VideoID: v.ID, Uploader: "acc1", State: upload.Received}); err != nil {
			t.Fatal(err)
		}
	}
	vs, err := s.Versions(ctx, v.ID)
	if err != nil || len(vs) != 2 || vs[0].ID != "u1" || vs[0].Number != 1 || vs[1].Number != 2 || vs[1].State != video.Processing {
		t.Fatalf("Versions = %+v, %v; want u1 as 1 and u2 as 2, processing", vs, err)
	}
	if j, err := q.Get(ctx, "u2"); err != nil || j.Kind != video.ProcessJob || j.State != jobs.Queued {
		t.Errorf("job of u2: %+v, %v; want a queued processing job", j, err)
	}
	if got, err := s.Version(ctx, v.ID, 2); err != nil || got.ID != "u2" {
		t.Errorf("Version(2) = %+v, %v", got, err)
	}
	if _, err := s.Version(ctx, v.ID, 3); !fault.Is(err, fault.NotFound) {
		t.Errorf("Version(3) = %v, want not found", err)
	}
	for _, title := range []string{"", "   ", strings.Repeat("x", video.MaxTitle+1)} {
		if _, err := s.Create(ctx, "acc1", identity.Group{ID: "g1", PanelID: "p1"}, title); !fault.Is(err, fault.Invalid) {
			t.Errorf("Create(%q) = %v, want invalid", title, err)
		}
	}
}

func TestCaptionsPerLanguage(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t)
	v, _ := s.Create(ctx, "acc1", identity.Group{ID: "g1", PanelID: "p1"}, "Video")
	s.Received(ctx, upload.Upload{ID: "u1", VideoID: v.ID, Uploader: "acc1", State: upload.Received})
	ver, _ := s.UpdateVersion(ctx, "u1", "", func(x *video.Version) { x.Probe = &video.Probe{Duration: 10} })
	good := "WEBVTT\n\n00:01.000 --> 00:04.000\nHello\n"
	if _, err := s.PutCaption(ctx, "acc1", ver, "fr", []byte(good)); err != nil {
		t.Fatal(err)
	}
	if c, err := s.PutCaption(ctx, "acc1", ver, "fr", []byte(good+"\n00:05.000 --> 00:06.000\nAgain\n")); err != nil || c.Cues != 2 {
		t.Fatalf("replacing captions: %+v, %v", c, err)
	}
	if _, err := s.PutCaption(ctx, "acc1", ver, "en", []byte("WEBVTT\n\n00:01.000 --> 00:11.000\ntoo late\n")); !fault.Is(err, fault.Invalid) ||
		!strings.Contains(fault.MessageOf(err), "Line 3: this caption ends at 00:00:11.000, after the end of the video") {
		t.Errorf("captions past the end: %v", err)
	}
	if _, err := s.PutCaption(ctx, "acc1", ver, "xx", []byte(good)); !fault.Is(err, fault.Invalid) {
		t.Errorf("unknown language: %v", err)
	}
	cs, err := s.Captions(ctx, "u1")
	if err != nil || len(cs) != 1 || cs[0].Language != "fr" || cs[0].Cues != 2 {
		t.Fatalf("Captions = %+v, %v; want the French ones only", cs, err)
	}
	if _, err := s.Caption(ctx, "u1", "en"); !fault.Is(err, fault.NotFound) {
		t.Errorf("Caption(en) = %v, want not found", err)
	}
}
