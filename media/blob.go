// Package media is about group videos. This file holds the blob port: where
// video bytes (and other large files such as signed consent forms) are kept.
// Two adapters implement it: media/disk (the embedded default) and media/s3
// (MinIO or any S3 service, through minio-go). One contract suite,
// media/blobtest, proves they behave alike.
package media

import (
	"context"
	"io"
	"time"
)

// BlobInfo describes a stored blob.
type BlobInfo struct {
	Key         string
	Size        int64
	SHA256      string // lower-case hex of the whole content
	ContentType string
	Modified    time.Time
}

// Part is one uploaded part of a multipart upload.
type Part struct {
	Number int // 1..10000
	Size   int64
	ETag   string // adapter-specific; pass back unchanged to CompleteUpload
}

// Range selects bytes [Offset, Offset+Length) of a blob; Length < 0 means
// "to the end". The zero Range is the whole blob.
type Range struct {
	Offset int64
	Length int64
}

// Limits every adapter enforces.
const (
	MaxKeyLength = 512
	// MinPartSize is the smallest size of any part but the last (S3's rule,
	// applied everywhere so that both adapters accept the same uploads).
	MinPartSize = 5 << 20
	MaxParts    = 10000
)

// Blobs is the blob port.
//
// Keys are slash-separated paths of letters, digits, '-', '_', '.' and '/'
// (no "..", no leading slash, at most MaxKeyLength bytes); anything else is
// fault.Invalid. A blob becomes visible only when complete: a failed or
// abandoned Put or upload never leaves a partial blob under its key.
// Get, Stat and Delete return fault.NotFound for a missing key; upload calls
// return fault.NotFound for an unknown upload id.
type Blobs interface {
	// Put streams r into key, replacing any blob there, and returns what was stored.
	Put(ctx context.Context, key string, r io.Reader, contentType string) (BlobInfo, error)
	// Get opens the blob (or the byte range rg of it). The caller closes the reader.
	Get(ctx context.Context, key string, rg Range) (io.ReadCloser, BlobInfo, error)
	// Stat describes the blob.
	Stat(ctx context.Context, key string) (BlobInfo, error)
	// Delete removes the blob.
	Delete(ctx context.Context, key string) error
	// List returns the blobs whose keys start with prefix, in key order.
	List(ctx context.Context, prefix string) ([]BlobInfo, error)

	// StartUpload begins a multipart upload into key and returns its id.
	StartUpload(ctx context.Context, key, contentType string) (uploadID string, err error)
	// PutPart stores part number n; sending the same number again replaces it,
	// which is what makes an upload resumable after a dropped connection.
	PutPart(ctx context.Context, key, uploadID string, n int, r io.Reader, size int64) (Part, error)
	// ListParts returns the parts stored so far, by number, so a client can
	// resume (also after a server restart).
	ListParts(ctx context.Context, key, uploadID string) ([]Part, error)
	// CompleteUpload joins the parts, in number order, into the blob at key.
	CompleteUpload(ctx context.Context, key, uploadID string, parts []Part) (BlobInfo, error)
	// AbortUpload discards the upload and its parts.
	AbortUpload(ctx context.Context, key, uploadID string) error

	// SignedURL returns a short-lived URL that reads the blob without other
	// credentials, or ok=false when the backend has no such thing (local disk:
	// the app serves the bytes itself).
	SignedURL(ctx context.Context, key string, ttl time.Duration) (url string, ok bool, err error)

	// Ping reports whether the store is reachable.
	Ping(ctx context.Context) error
}
