// Package s3 keeps blobs in an S3 bucket (MinIO in production) through
// minio-go: the production adapter of the media.Blobs port.
//
// SHA-256. S3 has no whole-object SHA-256 of its own (multipart checksums
// are checksums of part checksums), and user metadata must be sent with the
// bytes, before a streamed hash is known. So a write of unknown length goes
// to a temporary object first; once its bytes are stored and hashed, a
// server-side copy creates the blob at its key with the hash in the user
// metadata "Sha256" (header X-Amz-Meta-Sha256), and the temporary object is
// deleted. The copy is also what makes a blob appear only when complete and
// with its hash: a failed write leaves at most a temporary object, never a
// partial or hash-less blob under a key.
//
// Costs. A Put of up to 16 MiB is buffered and hashed in memory first (as
// minio-go would buffer it anyway) and stored in one PUT with its hash, no
// temporary object. A longer Put streams the bytes once from the app to S3,
// hashing on the way, plus one server-side copy (no bytes through the app;
// MinIO rewrites the data, AWS copies internally). CompleteUpload cannot
// hash while parts arrive (they come in any order, and SHA-256 cannot be
// combined from part hashes), so it completes into the temporary object,
// reads it back once through the app to hash it (a full download: for a
// 2 GiB video some seconds on a LAN), then copies server-side. Objects up to
// 5 GiB are copied in one request, larger ones part by part (ComposeObject).
//
// Object names. The blob at key "a/b" is the object "a/b~blob". MinIO keeps
// objects as directories on its drives and cannot list both an object "a"
// and objects under "a/" (the latter vanish from listings); with the suffix
// no object name is ever the "directory" of another, so every key the port
// allows works, as on disk. '~' is never part of a key, so the suffix is
// unambiguous and a prefix of keys is a prefix of object names. Temporary
// objects live under "~chorus-tmp/", which no key can start with; List shows
// only names with the suffix. When New creates the bucket it also adds a
// lifecycle rule that deletes temporary objects after a day, which collects
// what a crash between the steps leaves behind.
package s3

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/lifecycle"

	"chorus/fault"
	"chorus/media"
)

const (
	tmpPrefix  = "~chorus-tmp/"
	blobSuffix = "~blob"
	// metaSHA256 is the user metadata that holds the hex SHA-256 of a blob.
	metaSHA256 = "Sha256"
	// putPartSize bounds the memory of a Put: minio-go buffers one part of a
	// stream of unknown length (by default it would pick ~500 MiB parts).
	// 16 MiB x 10000 parts allows blobs of up to 156 GiB.
	putPartSize = 16 << 20
	// maxCopySize is the largest object S3 copies in one request.
	maxCopySize = 5 << 30
	maxURLTTL   = 7 * 24 * time.Hour
)

// Config says where the bucket is.
type Config struct {
	Endpoint  string // host:port, without scheme
	AccessKey string
	SecretKey string
	Bucket    string
	UseSSL    bool
	Region    string // may be empty for MinIO
}

// Store is a media.Blobs on an S3 bucket. It is safe for concurrent use.
type Store struct {
	client *minio.Client
	core   minio.Core
	bucket string
}

var _ media.Blobs = (*Store)(nil)

// New connects to the S3 service and creates the bucket if it is missing
// (with the lifecycle rule for temporary objects).
func New(ctx context.Context, cfg Config) (*Store, error) {
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.UseSSL,
		Region: cfg.Region,
		// Lets Put hand S3 a checksum it verifies (see Put). MinIO and
		// AWS S3 support S3's flexible checksums.
		TrailingHeaders: true,
	})
	if err != nil {
		return nil, fmt.Errorf("s3.New(%s): %w", cfg.Endpoint, err)
	}
	s := &Store{client: client, core: minio.Core{Client: client}, bucket: cfg.Bucket}
	exists, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, s.fail(err, "checking the bucket")
	}
	if exists {
		return s, nil
	}
	err = client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region})
	if code := minio.ToErrorResponse(err).Code; code == "BucketAlreadyOwnedByYou" || code == "BucketAlreadyExists" {
		return s, nil // created meanwhile by another process, which set the rule
	}
	if err != nil {
		return nil, s.fail(err, "creating the bucket")
	}
	rules := lifecycle.NewConfiguration()
	rules.Rules = []lifecycle.Rule{{
		ID:         "chorus-tmp-expiry",
		Status:     "Enabled",
		RuleFilter: lifecycle.Filter{Prefix: tmpPrefix},
		Expiration: lifecycle.Expiration{Days: 1},
	}}
	// Only on a bucket we created: setting a lifecycle replaces the whole
	// configuration, and an operator's bucket keeps its own.
	if err := client.SetBucketLifecycle(ctx, cfg.Bucket, rules); err != nil && minio.ToErrorResponse(err).Code != "NotImplemented" {
		return nil, s.fail(err, "setting the bucket lifecycle")
	}
	return s, nil
}

// Put implements media.Blobs. A blob of up to putPartSize bytes is read
// into memory (as minio-go would buffer it anyway), hashed, and stored with
// its hash in one PUT, which S3 applies all or nothing. A longer stream goes
// through a temporary object (see the package comment).
func (s *Store) Put(ctx context.Context, key string, r io.Reader, contentType string) (media.BlobInfo, error) {
	if err := media.ValidateKey(key); err != nil {
		return media.BlobInfo{}, err
	}
	if err := media.CheckContentType(contentType); err != nil {
		return media.BlobInfo{}, err
	}
	contentType = media.ContentTypeOr(contentType)
	src := &hashingReader{r: r, h: sha256.New()}
	var head bytes.Buffer
	if _, err := io.CopyN(&head, src, putPartSize+1); err != io.EOF {
		if err != nil {
			return media.BlobInfo{}, fmt.Errorf("s3: put %s: reading the content: %w", key, err)
		}
		return s.putStream(ctx, key, io.MultiReader(&head, src), src, contentType)
	}
	digest := src.h.Sum(nil)
	sum := hex.EncodeToString(digest)
	up, err := s.client.PutObject(ctx, s.bucket, objectName(key), bytes.NewReader(head.Bytes()), int64(head.Len()), minio.PutObjectOptions{
		ContentType: contentType,
		UserMetadata: map[string]string{
			metaSHA256: sum,
			// S3 checks the body against this checksum and rejects a
			// mismatch, so minio-go need not hash the body a second time to
			// sign it: one SHA-256 serves our record and the transfer check.
			"x-amz-checksum-sha256": base64.StdEncoding.EncodeToString(digest),
		},
		DisableContentSha256: true,
	})
	if err != nil {
		return media.BlobInfo{}, s.fail(err, "storing a blob")
	}
	// Everything the caller needs is known here; a HEAD to read it back
	// would double the round trips of every small upload.
	modified := up.LastModified
	if modified.IsZero() {
		modified = time.Now().UTC()
	}
	return media.BlobInfo{Key: key, Size: up.Size, SHA256: sum, ContentType: contentType, Modified: modified}, nil
}

// putStream stores a stream of unknown length: into a temporary object while
// hashing, then copied to key with the hash. src is the hashing reader
// underneath r.
func (s *Store) putStream(ctx context.Context, key string, r io.Reader, src *hashingReader, contentType string) (media.BlobInfo, error) {
	tmp := tmpPrefix + "put/" + randomHex()
	up, err := s.client.PutObject(ctx, s.bucket, tmp, r, -1, minio.PutObjectOptions{
		ContentType: contentType,
		PartSize:    putPartSize,
	})
	defer s.removeTemp(tmp)
	if src.err != nil { // the source failed: its error, not the S3 one
		return media.BlobInfo{}, fmt.Errorf("s3: put %s: reading the content: %w", key, src.err)
	}
	if err != nil {
		return media.BlobInfo{}, s.fail(err, "storing a blob")
	}
	if up.Size != src.n {
		return media.BlobInfo{}, s.fail(fmt.Errorf("stored %d bytes, read %d", up.Size, src.n), "storing a blob")
	}
	return s.promote(ctx, tmp, up.ETag, key, contentType, hex.EncodeToString(src.h.Sum(nil)), src.n)
}

// promote copies the temporary object tmp (which must still have etag) to
// key with the hash in its metadata, and returns the new blob's info.
func (s *Store) promote(ctx context.Context, tmp, etag, key, contentType, sum string, size int64) (media.BlobInfo, error) {
	dst := minio.CopyDestOptions{
		Bucket:          s.bucket,
		Object:          objectName(key),
		ReplaceMetadata: true,
		// Content-Type also goes into UserMetadata: ComposeObject's
		// multipart path (objects > 5 GiB) only carries UserMetadata.
		UserMetadata: map[string]string{metaSHA256: sum, "Content-Type": contentType},
		ContentType:  contentType,
	}
	src := minio.CopySrcOptions{Bucket: s.bucket, Object: tmp, MatchETag: etag}
	var err error
	if size <= maxCopySize {
		_, err = s.client.CopyObject(ctx, dst, src)
	} else {
		_, err = s.client.ComposeObject(ctx, dst, src)
	}
	if err != nil {
		return media.BlobInfo{}, s.fail(err, "moving a blob into place")
	}
	// Stat for the time and the final word on what is stored.
	return s.Stat(ctx, key)
}

// removeTemp deletes a temporary object; best effort (the lifecycle rule
// collects what is left), and done even when ctx is already cancelled.
func (s *Store) removeTemp(tmp string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = s.client.RemoveObject(ctx, s.bucket, tmp, minio.RemoveObjectOptions{})
}

// Get implements media.Blobs. Length <= 0 reads to the end; a range that
// starts at or past the end of the blob (other than the whole-blob range)
// is fault.Invalid; a range running past the end is cut at the end. The
// returned BlobInfo describes the whole blob.
func (s *Store) Get(ctx context.Context, key string, rg media.Range) (io.ReadCloser, media.BlobInfo, error) {
	if err := media.ValidateKey(key); err != nil {
		return nil, media.BlobInfo{}, err
	}
	if rg.Offset < 0 {
		return nil, media.BlobInfo{}, fault.Errorf(fault.Invalid, "The range starts before the blob.")
	}
	var opts minio.GetObjectOptions
	ranged := rg.Offset > 0 || rg.Length > 0
	if ranged {
		end := int64(0) // SetRange(start, 0): from start to the end
		if rg.Length > 0 {
			end = rg.Offset + rg.Length - 1
		}
		if err := opts.SetRange(rg.Offset, end); err != nil {
			return nil, media.BlobInfo{}, fault.Wrap(fault.Invalid, err, "The range is not valid.")
		}
	}
	body, oi, header, err := s.core.GetObject(ctx, s.bucket, objectName(key), opts)
	if err != nil {
		return nil, media.BlobInfo{}, s.failKey(err, key, "reading a blob")
	}
	info := s.info(oi)
	if ranged {
		total, err := totalFromContentRange(header.Get("Content-Range"))
		if err != nil {
			body.Close()
			return nil, media.BlobInfo{}, s.fail(err, "reading a blob")
		}
		info.Size = total
	}
	return body, info, nil
}

// totalFromContentRange reads the full size from "bytes 0-9/100".
func totalFromContentRange(v string) (int64, error) {
	_, total, ok := strings.Cut(v, "/")
	if !ok {
		return 0, fmt.Errorf("no size in Content-Range %q", v)
	}
	return strconv.ParseInt(total, 10, 64)
}

// Stat implements media.Blobs.
func (s *Store) Stat(ctx context.Context, key string) (media.BlobInfo, error) {
	if err := media.ValidateKey(key); err != nil {
		return media.BlobInfo{}, err
	}
	oi, err := s.client.StatObject(ctx, s.bucket, objectName(key), minio.StatObjectOptions{})
	if err != nil {
		return media.BlobInfo{}, s.failKey(err, key, "reading a blob")
	}
	return s.info(oi), nil
}

// Delete implements media.Blobs. S3 deletes idempotently, so a Stat comes
// first to report a missing key as the port requires.
func (s *Store) Delete(ctx context.Context, key string) error {
	if _, err := s.Stat(ctx, key); err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, objectName(key), minio.RemoveObjectOptions{}); err != nil {
		return s.failKey(err, key, "deleting a blob")
	}
	return nil
}

// List implements media.Blobs. It asks for metadata in the listing (a MinIO
// extension); a service that does not return it costs one Stat per blob.
func (s *Store) List(ctx context.Context, prefix string) ([]media.BlobInfo, error) {
	if err := media.ValidatePrefix(prefix); err != nil {
		return nil, err
	}
	var out []media.BlobInfo
	for oi := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true, WithMetadata: true}) {
		if oi.Err != nil {
			return nil, s.fail(oi.Err, "listing blobs")
		}
		key, ok := strings.CutSuffix(oi.Key, blobSuffix)
		if !ok { // temporary, or not written by this adapter
			continue
		}
		info := s.info(oi)
		if ct := metaValue(oi.UserMetadata, "Content-Type"); ct != "" {
			info.ContentType = ct
		}
		if info.SHA256 == "" || info.ContentType == "" {
			var err error
			if info, err = s.Stat(ctx, key); fault.Is(err, fault.NotFound) {
				continue // deleted meanwhile
			} else if err != nil {
				return nil, err
			}
		}
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b media.BlobInfo) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// StartUpload implements media.Blobs. The S3 upload targets a temporary
// object named after a random token and the key; the returned id is
// "<token>.<S3 upload id>", so every later call finds the temporary object
// without any state in the app, and an id used with another key names
// another object and is reported as not found.
func (s *Store) StartUpload(ctx context.Context, key, contentType string) (string, error) {
	if err := media.ValidateKey(key); err != nil {
		return "", err
	}
	if err := media.CheckContentType(contentType); err != nil {
		return "", err
	}
	token := randomHex()
	id, err := s.core.NewMultipartUpload(ctx, s.bucket, uploadObject(token, key), minio.PutObjectOptions{ContentType: media.ContentTypeOr(contentType)})
	if err != nil {
		return "", s.fail(err, "starting an upload")
	}
	return token + "." + id, nil
}

// objectName is the S3 object that holds the blob at key (see the package
// comment on blobSuffix).
func objectName(key string) string { return key + blobSuffix }

func uploadObject(token, key string) string { return tmpPrefix + "up/" + token + "/" + key }

// parseUpload splits an upload id into the temporary object and the S3
// upload id; a malformed id is fault.NotFound like an unknown one.
func parseUpload(key, uploadID string) (object, s3ID string, err error) {
	token, s3ID, ok := strings.Cut(uploadID, ".")
	if !ok || len(token) != 32 || s3ID == "" || strings.Trim(token, "0123456789abcdef") != "" {
		return "", "", uploadNotFound()
	}
	return uploadObject(token, key), s3ID, nil
}

// PutPart implements media.Blobs. It reads exactly size bytes from r; a
// shorter stream is fault.Invalid and stores nothing.
func (s *Store) PutPart(ctx context.Context, key, uploadID string, n int, r io.Reader, size int64) (media.Part, error) {
	if err := media.CheckPart(key, n, size); err != nil {
		return media.Part{}, err
	}
	object, s3ID, err := parseUpload(key, uploadID)
	if err != nil {
		return media.Part{}, err
	}
	src := &exactReader{r: r, left: size}
	p, err := s.core.PutObjectPart(ctx, s.bucket, object, s3ID, n, src, size, minio.PutObjectPartOptions{})
	switch {
	case src.short:
		return media.Part{}, fault.Errorf(fault.Invalid, "Part %d has %d bytes, not the %d announced.", n, size-src.left, size)
	case src.err != nil:
		return media.Part{}, fmt.Errorf("s3: put part %d of %s: reading the content: %w", n, key, src.err)
	case err != nil:
		return media.Part{}, s.fail(err, "storing a part")
	}
	return media.Part{Number: n, Size: size, ETag: p.ETag}, nil
}

// ListParts implements media.Blobs.
func (s *Store) ListParts(ctx context.Context, key, uploadID string) ([]media.Part, error) {
	if err := media.ValidateKey(key); err != nil {
		return nil, err
	}
	object, s3ID, err := parseUpload(key, uploadID)
	if err != nil {
		return nil, err
	}
	return s.listParts(ctx, object, s3ID)
}

func (s *Store) listParts(ctx context.Context, object, s3ID string) ([]media.Part, error) {
	parts := []media.Part{}
	marker := 0
	for {
		res, err := s.core.ListObjectParts(ctx, s.bucket, object, s3ID, marker, 1000)
		if err != nil {
			return nil, s.fail(err, "listing parts")
		}
		for _, p := range res.ObjectParts {
			// Listings quote ETags, PutObjectPart does not: one form for callers.
			parts = append(parts, media.Part{Number: p.PartNumber, Size: p.Size, ETag: strings.Trim(p.ETag, `"`)})
		}
		if !res.IsTruncated || res.NextPartNumberMarker <= marker {
			return parts, nil
		}
		marker = res.NextPartNumberMarker
	}
}

// CompleteUpload implements media.Blobs. Every listed part must be stored
// with the same ETag, and every part but the last must hold at least
// media.MinPartSize bytes; otherwise it is fault.Invalid and the upload stays
// as it was. Parts may be given in any order; they are joined by number.
//
// It completes into the temporary object, hashes it and copies it to key
// (see the package comment). If an earlier call completed the S3 upload but
// failed before the copy, calling again finishes the job from the
// temporary object.
func (s *Store) CompleteUpload(ctx context.Context, key, uploadID string, parts []media.Part) (media.BlobInfo, error) {
	if err := media.ValidateKey(key); err != nil {
		return media.BlobInfo{}, err
	}
	object, s3ID, err := parseUpload(key, uploadID)
	if err != nil {
		return media.BlobInfo{}, err
	}
	sorted, err := media.SortParts(parts)
	if err != nil {
		return media.BlobInfo{}, err
	}
	stored, err := s.listParts(ctx, object, s3ID)
	if fault.Is(err, fault.NotFound) {
		if _, serr := s.client.StatObject(ctx, s.bucket, object, minio.StatObjectOptions{}); serr == nil {
			return s.finishUpload(ctx, object, key)
		}
	}
	if err != nil {
		return media.BlobInfo{}, err
	}
	byNumber := make(map[int]media.Part, len(stored))
	for _, p := range stored {
		byNumber[p.Number] = p
	}
	complete := make([]minio.CompletePart, 0, len(sorted))
	for i, p := range sorted {
		have, ok := byNumber[p.Number]
		switch {
		case !ok:
			return media.BlobInfo{}, fault.Errorf(fault.Invalid, "Part %d was not uploaded.", p.Number)
		case media.NormalizeETag(have.ETag) != media.NormalizeETag(p.ETag):
			return media.BlobInfo{}, fault.Errorf(fault.Invalid, "Part %d does not match the stored part; list the parts and send it again.", p.Number)
		case i < len(sorted)-1 && have.Size < media.MinPartSize:
			return media.BlobInfo{}, fault.Errorf(fault.Invalid, "Part %d has %d bytes; every part but the last needs at least %d.", p.Number, have.Size, media.MinPartSize)
		}
		complete = append(complete, minio.CompletePart{PartNumber: p.Number, ETag: have.ETag})
	}
	if _, err := s.core.CompleteMultipartUpload(ctx, s.bucket, object, s3ID, complete, minio.PutObjectOptions{}); err != nil {
		return media.BlobInfo{}, s.fail(err, "completing an upload")
	}
	return s.finishUpload(ctx, object, key)
}

// finishUpload hashes the completed temporary object, copies it to key and
// deletes it.
func (s *Store) finishUpload(ctx context.Context, object, key string) (media.BlobInfo, error) {
	body, oi, _, err := s.core.GetObject(ctx, s.bucket, object, minio.GetObjectOptions{})
	if err != nil {
		return media.BlobInfo{}, s.fail(err, "reading a completed upload")
	}
	h := sha256.New()
	n, err := io.Copy(h, body)
	body.Close()
	if err != nil {
		return media.BlobInfo{}, s.fail(err, "reading a completed upload")
	}
	if n != oi.Size {
		return media.BlobInfo{}, s.fail(fmt.Errorf("read %d of %d bytes", n, oi.Size), "reading a completed upload")
	}
	info, err := s.promote(ctx, object, oi.ETag, key, media.ContentTypeOr(oi.ContentType), hex.EncodeToString(h.Sum(nil)), n)
	if err != nil {
		return media.BlobInfo{}, err
	}
	s.removeTemp(object)
	return info, nil
}

// AbortUpload implements media.Blobs. It also removes the temporary object
// of an upload whose completion was interrupted.
func (s *Store) AbortUpload(ctx context.Context, key, uploadID string) error {
	if err := media.ValidateKey(key); err != nil {
		return err
	}
	object, s3ID, err := parseUpload(key, uploadID)
	if err != nil {
		return err
	}
	// S3 may answer an abort of an unknown upload with success, so ask first.
	if _, err := s.listParts(ctx, object, s3ID); err != nil {
		if fault.Is(err, fault.NotFound) {
			if _, serr := s.client.StatObject(ctx, s.bucket, object, minio.StatObjectOptions{}); serr == nil {
				s.removeTemp(object)
				return nil
			}
		}
		return err
	}
	if err := s.core.AbortMultipartUpload(ctx, s.bucket, object, s3ID); err != nil {
		return s.fail(err, "aborting an upload")
	}
	return nil
}

// SignedURL implements media.Blobs with a presigned GET. It does not check
// that the blob exists; the URL answers 404 if it does not.
func (s *Store) SignedURL(ctx context.Context, key string, ttl time.Duration) (string, bool, error) {
	if err := media.ValidateKey(key); err != nil {
		return "", false, err
	}
	if ttl < time.Second || ttl > maxURLTTL {
		return "", false, fault.Errorf(fault.Invalid, "A signed URL lives between one second and seven days.")
	}
	u, err := s.client.PresignedGetObject(ctx, s.bucket, objectName(key), ttl, url.Values{})
	if err != nil {
		return "", false, s.fail(err, "signing a URL")
	}
	return u.String(), true, nil
}

// Ping implements media.Blobs.
func (s *Store) Ping(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fault.Wrap(fault.Unavailable, err, "The blob store is not reachable.")
	}
	if !ok {
		return fault.Errorf(fault.Unavailable, "The blob bucket does not exist.")
	}
	return nil
}

// --- helpers ---

func (s *Store) info(oi minio.ObjectInfo) media.BlobInfo {
	return media.BlobInfo{
		Key:         strings.TrimSuffix(oi.Key, blobSuffix),
		Size:        oi.Size,
		SHA256:      metaValue(oi.UserMetadata, metaSHA256),
		ContentType: oi.ContentType,
		Modified:    oi.LastModified,
	}
}

// metaValue finds user metadata by name, with or without the
// "X-Amz-Meta-" prefix and in any case (HEAD and listings differ).
func metaValue(m map[string]string, name string) string {
	for k, v := range m {
		k = strings.TrimPrefix(strings.ToLower(k), "x-amz-meta-")
		if k == strings.ToLower(name) {
			return v
		}
	}
	return ""
}

// hashingReader hashes and counts what it reads and remembers a failure of
// its source, so that it is reported as such rather than as an S3 error.
type hashingReader struct {
	r   io.Reader
	h   hash.Hash
	n   int64
	err error
}

func (r *hashingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.h.Write(p[:n])
	r.n += int64(n)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

// exactReader passes on at most left bytes and notes whether its source
// ended early or failed.
type exactReader struct {
	r     io.Reader
	left  int64
	short bool
	err   error
}

func (r *exactReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.r.Read(p)
	r.left -= int64(n)
	switch {
	case err == io.EOF && r.left > 0:
		r.short = true
		return n, io.ErrUnexpectedEOF
	case err != nil && err != io.EOF:
		r.err = err
	}
	return n, err
}

func randomHex() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

func uploadNotFound() error {
	return fault.Errorf(fault.NotFound, "No such upload.")
}

// failKey is fail for calls on one blob: a missing object is fault.NotFound.
func (s *Store) failKey(err error, key, doing string) error {
	if code := minio.ToErrorResponse(err).Code; code == "NoSuchKey" {
		return fault.Errorf(fault.NotFound, "No blob %q.", key)
	}
	return s.fail(err, doing)
}

// fail translates a minio-go error into a fault code.
func (s *Store) fail(err error, doing string) error {
	var fe *fault.Error
	if errors.As(err, &fe) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var resp minio.ErrorResponse
	if errors.As(err, &resp) {
		switch resp.Code {
		case "NoSuchKey":
			return fault.Wrap(fault.NotFound, err, "No such blob.")
		case "NoSuchUpload":
			return fault.Wrap(fault.NotFound, err, "No such upload.")
		case "InvalidRange":
			return fault.Wrap(fault.Invalid, err, "The range starts past the end of the blob.")
		case "InvalidPart", "InvalidPartOrder", "EntityTooSmall":
			return fault.Wrap(fault.Invalid, err, "The parts do not make a valid upload.")
		case "EntityTooLarge":
			return fault.Wrap(fault.TooLarge, err, "The blob is too large.")
		case "SlowDown", "ServiceUnavailable", "RequestTimeout", "XMinioServerNotInitialized":
			return fault.Wrap(fault.Unavailable, err, "The blob store is busy; try again later.")
		}
		return fault.Wrap(fault.Internal, err, "s3 blob store: "+doing)
	}
	var nerr net.Error
	if errors.As(err, &nerr) {
		return fault.Wrap(fault.Unavailable, err, "The blob store is not reachable.")
	}
	return fault.Wrap(fault.Internal, err, "s3 blob store: "+doing)
}
