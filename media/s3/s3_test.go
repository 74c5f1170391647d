package s3_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"chorus/fault"
	"chorus/media"
	"chorus/media/blobtest"
	"chorus/media/s3"
	"chorus/testenv"
)

// TestContract runs the contract suite on one MinIO server, with a new
// bucket for every subtest.
func TestContract(t *testing.T) {
	srv := testenv.MinIO(t)
	blobtest.Run(t, func(t *testing.T) media.Blobs {
		return mustOpen(t, srv, randomBucket())
	})
}

func TestNewKeepsExistingBucket(t *testing.T) {
	ctx := context.Background()
	srv := testenv.MinIO(t)
	bucket := randomBucket()
	first := mustOpen(t, srv, bucket)
	if _, err := first.Put(ctx, "k", strings.NewReader("v"), ""); err != nil {
		t.Fatal(err)
	}
	second := mustOpen(t, srv, bucket)
	if _, err := second.Stat(ctx, "k"); err != nil {
		t.Errorf("Stat through a second Store on the bucket: %v", err)
	}
}

func TestUnreachable(t *testing.T) {
	ctx := context.Background()
	_, err := s3.New(ctx, s3.Config{Endpoint: "127.0.0.1:1", AccessKey: "a", SecretKey: "b", Bucket: "chorus"})
	if !fault.Is(err, fault.Unavailable) {
		t.Errorf("New on a closed port = %v, want %s", err, fault.Unavailable)
	}
}

// TestNoTemporaryObjectsLeft checks that Puts, failed Puts, completed and
// aborted uploads leave only blobs in the bucket, and that the bucket got its
// lifecycle rule for temporary objects.
func TestNoTemporaryObjectsLeft(t *testing.T) {
	ctx := context.Background()
	srv := testenv.MinIO(t)
	bucket := randomBucket()
	s := mustOpen(t, srv, bucket)

	if _, err := s.Put(ctx, "a", strings.NewReader("a"), ""); err != nil {
		t.Fatal(err)
	}
	// Past 16 MiB a Put streams through a temporary object.
	big := bytes.Repeat([]byte("0123456789abcdef"), 20<<20/16)
	info, err := s.Put(ctx, "big", bytes.NewReader(big), "video/mp4")
	if err != nil {
		t.Fatalf("Put of 20 MiB: %v", err)
	}
	if h := sha256.Sum256(big); info.SHA256 != hex.EncodeToString(h[:]) || info.Size != int64(len(big)) {
		t.Errorf("Put of 20 MiB = %+v, want %d bytes with sha %x", info, len(big), h)
	}
	if _, err := s.Put(ctx, "a", bytes.NewReader(big), ""); err != nil { // replace
		t.Fatal(err)
	}
	for _, n := range []int{1 << 10, 20 << 20} {
		boom := errors.New("boom")
		failing := io.MultiReader(bytes.NewReader(big[:n]), iotest.ErrReader(boom))
		if _, err := s.Put(ctx, "a", failing, ""); !errors.Is(err, boom) {
			t.Fatalf("Put with a reader failing after %d bytes = %v, want the reader's error", n, err)
		}
	}
	if got, err := s.Stat(ctx, "a"); err != nil || got.Size != int64(len(big)) {
		t.Errorf("Stat after failed Puts = %+v, %v; want the 20 MiB blob untouched", got, err)
	}
	for _, complete := range []bool{true, false} {
		id, err := s.StartUpload(ctx, "up", "")
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.PutPart(ctx, "up", id, 1, strings.NewReader("part"), 4)
		if err != nil {
			t.Fatal(err)
		}
		if complete {
			_, err = s.CompleteUpload(ctx, "up", id, []media.Part{p})
		} else {
			err = s.AbortUpload(ctx, "up", id)
		}
		if err != nil {
			t.Fatal(err)
		}
	}

	c := rawClient(t, srv)
	var names []string
	for oi := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
		if oi.Err != nil {
			t.Fatal(oi.Err)
		}
		names = append(names, oi.Key)
	}
	if want := []string{"a~blob", "big~blob", "up~blob"}; !slices.Equal(names, want) {
		t.Errorf("objects in the bucket = %q, want %q", names, want)
	}
	for up := range c.ListIncompleteUploads(ctx, bucket, "", true) {
		t.Errorf("incomplete upload left: %+v", up)
	}
	rules, err := c.GetBucketLifecycle(ctx, bucket)
	if err != nil {
		t.Fatalf("GetBucketLifecycle: %v", err)
	}
	if len(rules.Rules) != 1 || rules.Rules[0].RuleFilter.Prefix != "~chorus-tmp/" {
		t.Errorf("lifecycle rules = %+v, want one for ~chorus-tmp/", rules.Rules)
	}
}

// TestCompleteAfterInterruptedComplete simulates a crash after S3 completed
// the upload into its temporary object but before the copy to the key: a
// second CompleteUpload finishes the job. (It relies on the documented
// names: upload id "<token>.<S3 upload id>", object "~chorus-tmp/up/<token>/<key>".)
func TestCompleteAfterInterruptedComplete(t *testing.T) {
	ctx := context.Background()
	srv := testenv.MinIO(t)
	bucket := randomBucket()
	s := mustOpen(t, srv, bucket)

	id, err := s.StartUpload(ctx, "v.mp4", "video/mp4")
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.PutPart(ctx, "v.mp4", id, 1, strings.NewReader("video bytes"), 11)
	if err != nil {
		t.Fatal(err)
	}
	token, s3ID, _ := strings.Cut(id, ".")
	core := minio.Core{Client: rawClient(t, srv)}
	if _, err := core.CompleteMultipartUpload(ctx, bucket, "~chorus-tmp/up/"+token+"/v.mp4", s3ID,
		[]minio.CompletePart{{PartNumber: 1, ETag: p.ETag}}, minio.PutObjectOptions{}); err != nil {
		t.Fatalf("completing behind the adapter's back: %v", err)
	}
	if _, err := s.Stat(ctx, "v.mp4"); !fault.Is(err, fault.NotFound) {
		t.Errorf("Stat before the second CompleteUpload = %v, want %s", err, fault.NotFound)
	}
	info, err := s.CompleteUpload(ctx, "v.mp4", id, []media.Part{p})
	if err != nil {
		t.Fatalf("second CompleteUpload: %v", err)
	}
	h := sha256.Sum256([]byte("video bytes"))
	if info.SHA256 != hex.EncodeToString(h[:]) || info.Size != 11 || info.ContentType != "video/mp4" {
		t.Errorf("CompleteUpload = %+v, want 11 bytes of video/mp4 with sha %x", info, h)
	}
	if _, err := s.CompleteUpload(ctx, "v.mp4", id, []media.Part{p}); !fault.Is(err, fault.NotFound) {
		t.Errorf("third CompleteUpload = %v, want %s", err, fault.NotFound)
	}
}

func rawClient(t *testing.T, srv testenv.MinIOServer) *minio.Client {
	t.Helper()
	c, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustOpen(t *testing.T, srv testenv.MinIOServer, bucket string) *s3.Store {
	t.Helper()
	s, err := s3.New(context.Background(), s3.Config{
		Endpoint:  srv.Endpoint,
		AccessKey: srv.AccessKey,
		SecretKey: srv.SecretKey,
		Bucket:    bucket,
	})
	if err != nil {
		t.Fatalf("s3.New: %v", err)
	}
	return s
}

func randomBucket() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "test-" + hex.EncodeToString(b)
}
