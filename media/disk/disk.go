// Package disk keeps blobs in a local directory: the embedded default of the
// media.Blobs port, durable on one node.
//
// Layout under the root directory:
//
//	blobs/<key>~blob          one file per blob: the bytes, then a trailer
//	uploads/<id>/manifest.json  a multipart upload: its key and content type
//	uploads/<id>/00001.part     its parts, each with a trailer
//	tmp/                        files being written; renamed into place when complete
//
// The trailer (JSON with size, SHA-256, content type and time, then its
// length and a magic number) lives in the same file as the bytes, so one
// rename replaces bytes and metadata together: a reader or a crash never sees
// the new bytes with the old metadata, as a separate sidecar file would allow.
// The "~blob" suffix holds a character that keys cannot contain, so the blob
// "a" (file a~blob) and the blob "a/b" (directory a/) never collide.
//
// Every file is written to tmp/, fsynced and then renamed into place, so a
// failed or cancelled write never leaves a partial blob or part under its
// name. All upload state is on disk, so uploads survive a restart.
package disk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"chorus/fault"
	"chorus/media"
)

const (
	blobSuffix   = "~blob"
	partSuffix   = ".part"
	manifestName = "manifest.json"
	// staleTemp is how old a file in tmp/ must be before New removes it; it
	// is far longer than any write, so a second process on the same root is
	// never robbed of a file it is still writing.
	staleTemp = 24 * time.Hour
)

// Store is a media.Blobs on a local directory. It is safe for concurrent use,
// also by several processes sharing the directory.
type Store struct {
	root    string
	blobs   string
	uploads string
	tmp     string
}

var _ media.Blobs = (*Store)(nil)

// New opens (creating if needed) a blob store under root and removes
// leftovers of writes that crashed more than a day ago.
func New(root string) (*Store, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("disk.New(%s): %w", root, err)
	}
	s := &Store{
		root:    abs,
		blobs:   filepath.Join(abs, "blobs"),
		uploads: filepath.Join(abs, "uploads"),
		tmp:     filepath.Join(abs, "tmp"),
	}
	for _, dir := range []string{s.blobs, s.uploads, s.tmp} {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("disk.New(%s): %w", root, err)
		}
	}
	s.sweepTemp(time.Now().Add(-staleTemp))
	return s, nil
}

// sweepTemp removes entries of tmp/ last modified before cutoff; best effort.
func (s *Store) sweepTemp(cutoff time.Time) {
	entries, err := os.ReadDir(s.tmp)
	if err != nil {
		return
	}
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(cutoff) {
			_ = os.RemoveAll(filepath.Join(s.tmp, e.Name()))
		}
	}
}

// Put implements media.Blobs.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, contentType string) (media.BlobInfo, error) {
	if err := media.ValidateKey(key); err != nil {
		return media.BlobInfo{}, err
	}
	if err := media.CheckContentType(contentType); err != nil {
		return media.BlobInfo{}, err
	}
	w, err := s.newTemp()
	if err != nil {
		return media.BlobInfo{}, err
	}
	defer w.discard()
	if _, err := io.Copy(w, ctxReader{ctx, r}); err != nil {
		if errors.Is(err, errWrite) {
			return media.BlobInfo{}, internal(err, "writing the blob")
		}
		return media.BlobInfo{}, fmt.Errorf("disk: put %s: reading the content: %w", key, err)
	}
	m, err := w.commit(ctx, s.blobPath(key), media.ContentTypeOr(contentType), true)
	if err != nil {
		return media.BlobInfo{}, err
	}
	return blobInfo(key, m), nil
}

// Get implements media.Blobs. Length <= 0 reads to the end; a range that
// starts at or past the end of the blob (other than the whole-blob range)
// is fault.Invalid; a range running past the end is cut at the end. The
// returned BlobInfo describes the whole blob.
func (s *Store) Get(ctx context.Context, key string, rg media.Range) (io.ReadCloser, media.BlobInfo, error) {
	f, m, err := s.openBlob(key)
	if err != nil {
		return nil, media.BlobInfo{}, err
	}
	start, n, err := resolveRange(rg, m.Size)
	if err != nil {
		f.Close()
		return nil, media.BlobInfo{}, err
	}
	rc := readCloser{io.NewSectionReader(f, start, n), f}
	return rc, blobInfo(key, m), nil
}

// resolveRange turns rg into an offset and a length within a blob of size bytes.
func resolveRange(rg media.Range, size int64) (start, n int64, err error) {
	switch {
	case rg.Offset < 0:
		return 0, 0, fault.Errorf(fault.Invalid, "The range starts before the blob.")
	case rg.Offset == 0 && rg.Length <= 0:
		return 0, size, nil
	case rg.Offset >= size:
		return 0, 0, fault.Errorf(fault.Invalid, "The range starts at byte %d, past the end of the blob (%d bytes).", rg.Offset, size)
	case rg.Length <= 0 || rg.Length > size-rg.Offset:
		return rg.Offset, size - rg.Offset, nil
	default:
		return rg.Offset, rg.Length, nil
	}
}

type readCloser struct {
	io.Reader
	io.Closer
}

// Stat implements media.Blobs.
func (s *Store) Stat(ctx context.Context, key string) (media.BlobInfo, error) {
	f, m, err := s.openBlob(key)
	if err != nil {
		return media.BlobInfo{}, err
	}
	f.Close()
	return blobInfo(key, m), nil
}

// Delete implements media.Blobs.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := media.ValidateKey(key); err != nil {
		return err
	}
	path := s.blobPath(key)
	if err := os.Remove(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return notFound(key)
		}
		return internal(err, "deleting a blob")
	}
	// Remove directories the blob leaves empty; a concurrent Put that loses
	// its directory this way creates it again (see install).
	for dir := filepath.Dir(path); dir != s.blobs && strings.HasPrefix(dir, s.blobs); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break
		}
	}
	return nil
}

// List implements media.Blobs.
func (s *Store) List(ctx context.Context, prefix string) ([]media.BlobInfo, error) {
	if err := media.ValidatePrefix(prefix); err != nil {
		return nil, err
	}
	// Walk only the deepest directory the prefix names in full.
	start := s.blobs
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		start = filepath.Join(s.blobs, filepath.FromSlash(prefix[:i]))
	}
	var out []media.BlobInfo
	err := filepath.WalkDir(start, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) { // gone meanwhile, or no such prefix
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), blobSuffix) {
			return nil
		}
		rel, err := filepath.Rel(s.blobs, path)
		if err != nil {
			return err
		}
		key := strings.TrimSuffix(filepath.ToSlash(rel), blobSuffix)
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		f, m, err := openTrailed(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		f.Close()
		out = append(out, blobInfo(key, m))
		return nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, internal(err, "listing blobs")
	}
	slices.SortFunc(out, func(a, b media.BlobInfo) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// manifest describes a multipart upload; it is written once, at the start.
type manifest struct {
	Key         string    `json:"key"`
	ContentType string    `json:"content_type"`
	Started     time.Time `json:"started"`
}

// StartUpload implements media.Blobs. The upload directory is prepared in
// tmp/ and renamed into uploads/, so it appears complete with its manifest.
func (s *Store) StartUpload(ctx context.Context, key, contentType string) (string, error) {
	if err := media.ValidateKey(key); err != nil {
		return "", err
	}
	if err := media.CheckContentType(contentType); err != nil {
		return "", err
	}
	id := randomID()
	staging := filepath.Join(s.tmp, "upload-"+id)
	if err := os.Mkdir(staging, 0o750); err != nil {
		return "", internal(err, "starting an upload")
	}
	defer os.RemoveAll(staging) // a no-op once renamed
	data, err := json.Marshal(manifest{Key: key, ContentType: media.ContentTypeOr(contentType), Started: time.Now().UTC()})
	if err != nil {
		return "", internal(err, "starting an upload")
	}
	if err := writeFileSync(filepath.Join(staging, manifestName), data); err != nil {
		return "", internal(err, "starting an upload")
	}
	if err := syncDir(staging); err != nil {
		return "", internal(err, "starting an upload")
	}
	if err := os.Rename(staging, s.uploadDir(id)); err != nil {
		return "", internal(err, "starting an upload")
	}
	if err := syncDir(s.uploads); err != nil {
		return "", internal(err, "starting an upload")
	}
	return id, nil
}

// PutPart implements media.Blobs. It reads exactly size bytes from r; a
// shorter stream is fault.Invalid and stores nothing.
func (s *Store) PutPart(ctx context.Context, key, uploadID string, n int, r io.Reader, size int64) (media.Part, error) {
	if err := media.CheckPart(key, n, size); err != nil {
		return media.Part{}, err
	}
	if _, err := s.loadUpload(key, uploadID); err != nil {
		return media.Part{}, err
	}
	w, err := s.newTemp()
	if err != nil {
		return media.Part{}, err
	}
	defer w.discard()
	got, err := io.CopyN(w, ctxReader{ctx, r}, size)
	switch {
	case errors.Is(err, io.EOF):
		return media.Part{}, fault.Errorf(fault.Invalid, "Part %d has %d bytes, not the %d announced.", n, got, size)
	case errors.Is(err, errWrite):
		return media.Part{}, internal(err, "writing a part")
	case err != nil:
		return media.Part{}, fmt.Errorf("disk: put part %d of %s: reading the content: %w", n, key, err)
	}
	// No mkdir: if the upload was aborted meanwhile, its directory is gone
	// and must stay gone.
	m, err := w.commit(ctx, s.partPath(uploadID, n), "", false)
	if errors.Is(err, fs.ErrNotExist) {
		return media.Part{}, uploadNotFound()
	}
	if err != nil {
		return media.Part{}, err
	}
	return media.Part{Number: n, Size: m.Size, ETag: m.SHA256}, nil
}

// ListParts implements media.Blobs.
func (s *Store) ListParts(ctx context.Context, key, uploadID string) ([]media.Part, error) {
	if err := media.ValidateKey(key); err != nil {
		return nil, err
	}
	if _, err := s.loadUpload(key, uploadID); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(s.uploadDir(uploadID))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, uploadNotFound()
	}
	if err != nil {
		return nil, internal(err, "listing parts")
	}
	parts := []media.Part{}
	for _, e := range entries { // ReadDir sorts by name: zero-padded numbers
		n, ok := partNumber(e.Name())
		if !ok {
			continue
		}
		f, m, err := openTrailed(filepath.Join(s.uploadDir(uploadID), e.Name()))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, internal(err, "listing parts")
		}
		f.Close()
		parts = append(parts, media.Part{Number: n, Size: m.Size, ETag: m.SHA256})
	}
	return parts, nil
}

// CompleteUpload implements media.Blobs. Every listed part must be stored
// with the same ETag, and every part but the last must hold at least
// media.MinPartSize bytes; otherwise it is fault.Invalid and the upload stays
// as it was. Parts may be given in any order; they are joined by number.
func (s *Store) CompleteUpload(ctx context.Context, key, uploadID string, parts []media.Part) (media.BlobInfo, error) {
	if err := media.ValidateKey(key); err != nil {
		return media.BlobInfo{}, err
	}
	man, err := s.loadUpload(key, uploadID)
	if err != nil {
		return media.BlobInfo{}, err
	}
	sorted, err := media.SortParts(parts)
	if err != nil {
		return media.BlobInfo{}, err
	}
	// Open every part first and keep the descriptors: what is checked is
	// what is copied, even if a part is replaced meanwhile.
	type openPart struct {
		f *os.File
		m trailer
	}
	open := make([]openPart, 0, len(sorted))
	defer func() {
		for _, p := range open {
			p.f.Close()
		}
	}()
	for i, p := range sorted {
		f, m, err := openTrailed(s.partPath(uploadID, p.Number))
		if errors.Is(err, fs.ErrNotExist) {
			return media.BlobInfo{}, fault.Errorf(fault.Invalid, "Part %d was not uploaded.", p.Number)
		}
		if err != nil {
			return media.BlobInfo{}, internal(err, "completing an upload")
		}
		open = append(open, openPart{f, m})
		if media.NormalizeETag(p.ETag) != m.SHA256 {
			return media.BlobInfo{}, fault.Errorf(fault.Invalid, "Part %d does not match the stored part; list the parts and send it again.", p.Number)
		}
		if i < len(sorted)-1 && m.Size < media.MinPartSize {
			return media.BlobInfo{}, fault.Errorf(fault.Invalid, "Part %d has %d bytes; every part but the last needs at least %d.", p.Number, m.Size, media.MinPartSize)
		}
	}
	w, err := s.newTemp()
	if err != nil {
		return media.BlobInfo{}, err
	}
	defer w.discard()
	for i, p := range open {
		// Hash each part again on the way, to catch a part damaged on disk.
		ph := sha256.New()
		src := io.TeeReader(io.NewSectionReader(p.f, 0, p.m.Size), ph)
		if _, err := io.Copy(w, ctxReader{ctx, src}); err != nil {
			if ctx.Err() != nil {
				return media.BlobInfo{}, ctx.Err()
			}
			return media.BlobInfo{}, internal(err, "joining parts")
		}
		if hex.EncodeToString(ph.Sum(nil)) != p.m.SHA256 {
			return media.BlobInfo{}, internal(fmt.Errorf("part %d of upload %s is damaged", sorted[i].Number, uploadID), "joining parts")
		}
	}
	m, err := w.commit(ctx, s.blobPath(key), man.ContentType, true)
	if err != nil {
		return media.BlobInfo{}, err
	}
	// The blob is in place; the upload is done even if cleaning up fails
	// (the sweep in New takes what is left in tmp/).
	s.removeUpload(uploadID)
	return blobInfo(key, m), nil
}

// AbortUpload implements media.Blobs.
func (s *Store) AbortUpload(ctx context.Context, key, uploadID string) error {
	if err := media.ValidateKey(key); err != nil {
		return err
	}
	if _, err := s.loadUpload(key, uploadID); err != nil {
		return err
	}
	if !s.removeUpload(uploadID) {
		return uploadNotFound()
	}
	return nil
}

// removeUpload moves the upload directory out of uploads/ in one rename (so
// no half-deleted upload is ever listed) and then deletes it. It reports
// whether this call was the one that moved it.
func (s *Store) removeUpload(id string) bool {
	gone := filepath.Join(s.tmp, "done-"+id+"-"+randomID())
	if err := os.Rename(s.uploadDir(id), gone); err != nil {
		return false
	}
	_ = os.RemoveAll(gone)
	return true
}

// SignedURL implements media.Blobs: a directory has no URLs of its own.
func (s *Store) SignedURL(ctx context.Context, key string, ttl time.Duration) (string, bool, error) {
	if err := media.ValidateKey(key); err != nil {
		return "", false, err
	}
	return "", false, nil
}

// Ping implements media.Blobs: the root must accept a new file.
func (s *Store) Ping(ctx context.Context) error {
	f, err := os.CreateTemp(s.tmp, "ping-*")
	if err != nil {
		return fault.Wrap(fault.Unavailable, err, "The blob directory is not writable.")
	}
	name := f.Name()
	_, werr := f.Write([]byte("ping"))
	cerr := f.Close()
	_ = os.Remove(name)
	if err := errors.Join(werr, cerr); err != nil {
		return fault.Wrap(fault.Unavailable, err, "The blob directory is not writable.")
	}
	return nil
}

// --- paths and uploads ---

func (s *Store) blobPath(key string) string {
	return filepath.Join(s.blobs, filepath.FromSlash(key)+blobSuffix)
}

func (s *Store) uploadDir(id string) string { return filepath.Join(s.uploads, id) }

func (s *Store) partPath(id string, n int) string {
	return filepath.Join(s.uploadDir(id), fmt.Sprintf("%05d%s", n, partSuffix))
}

func partNumber(name string) (int, bool) {
	digits, ok := strings.CutSuffix(name, partSuffix)
	if !ok || len(digits) != 5 {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	return n, err == nil && n >= 1 && n <= media.MaxParts
}

// loadUpload reads the manifest of upload id and checks that it belongs to
// key. A malformed id, a missing upload and an upload of another key are all
// fault.NotFound (ids come from clients; the check also keeps them from
// naming paths outside uploads/).
func (s *Store) loadUpload(key, id string) (manifest, error) {
	if !validID(id) {
		return manifest{}, uploadNotFound()
	}
	data, err := os.ReadFile(filepath.Join(s.uploadDir(id), manifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return manifest{}, uploadNotFound()
	}
	if err != nil {
		return manifest{}, internal(err, "reading an upload")
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return manifest{}, internal(err, "reading an upload")
	}
	if m.Key != key {
		return manifest{}, uploadNotFound()
	}
	return m, nil
}

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// --- files with a trailer ---

// trailer is the metadata stored after the bytes of a blob or part.
type trailer struct {
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	ContentType string    `json:"content_type,omitempty"`
	Modified    time.Time `json:"modified"`
}

// The file ends with the trailer's JSON, its length (4 bytes, big endian)
// and this magic number.
const (
	trailerMagic = "chorusB1"
	footerLen    = 4 + len(trailerMagic)
	maxTrailer   = 64 << 10
)

func (s *Store) openBlob(key string) (*os.File, trailer, error) {
	if err := media.ValidateKey(key); err != nil {
		return nil, trailer{}, err
	}
	f, m, err := openTrailed(s.blobPath(key))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, trailer{}, notFound(key)
	case errors.Is(err, syscall.ENAMETOOLONG), errors.Is(err, syscall.ENOTDIR):
		return nil, trailer{}, notFound(key)
	case err != nil:
		return nil, trailer{}, internal(err, "reading a blob")
	}
	return f, m, nil
}

// openTrailed opens path and reads its trailer. The file stays open for the
// caller, who reads the bytes from the same descriptor.
func openTrailed(path string) (*os.File, trailer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, trailer{}, err
	}
	m, err := readTrailer(f)
	if err != nil {
		f.Close()
		return nil, trailer{}, fmt.Errorf("%s: %w", path, err)
	}
	return f, m, nil
}

func readTrailer(f *os.File) (trailer, error) {
	fi, err := f.Stat()
	if err != nil {
		return trailer{}, err
	}
	total := fi.Size()
	if total < int64(footerLen) {
		return trailer{}, errors.New("file too short for a trailer")
	}
	var foot [footerLen]byte
	if _, err := f.ReadAt(foot[:], total-int64(footerLen)); err != nil {
		return trailer{}, err
	}
	if string(foot[4:]) != trailerMagic {
		return trailer{}, errors.New("no trailer")
	}
	n := int64(binary.BigEndian.Uint32(foot[:4]))
	if n > maxTrailer || n > total-int64(footerLen) {
		return trailer{}, errors.New("bad trailer length")
	}
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, total-int64(footerLen)-n); err != nil {
		return trailer{}, err
	}
	var m trailer
	if err := json.Unmarshal(buf, &m); err != nil {
		return trailer{}, err
	}
	if m.Size != total-int64(footerLen)-n {
		return trailer{}, errors.New("trailer size does not match the file")
	}
	return m, nil
}

// errWrite marks failures of the temporary file (as opposed to the source).
var errWrite = errors.New("writing the temporary file")

// tempFile is a file being written in tmp/; it hashes and counts what is
// written, and becomes visible only through commit.
type tempFile struct {
	f    *os.File
	h    hash.Hash
	n    int64
	done bool
}

func (s *Store) newTemp() (*tempFile, error) {
	f, err := os.CreateTemp(s.tmp, "write-*")
	if err != nil {
		return nil, internal(err, "creating a temporary file")
	}
	return &tempFile{f: f, h: sha256.New()}, nil
}

func (w *tempFile) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.h.Write(p[:n])
	w.n += int64(n)
	if err != nil {
		return n, fmt.Errorf("%w: %w", errWrite, err)
	}
	return n, nil
}

// commit appends the trailer, fsyncs, and renames the file to dst (creating
// dst's directory when mkdir is set), then fsyncs dst's directory.
func (w *tempFile) commit(ctx context.Context, dst, contentType string, mkdir bool) (trailer, error) {
	if err := ctx.Err(); err != nil {
		return trailer{}, err
	}
	m := trailer{
		Size:        w.n,
		SHA256:      hex.EncodeToString(w.h.Sum(nil)),
		ContentType: contentType,
		Modified:    time.Now().UTC(),
	}
	data, err := json.Marshal(m)
	if err != nil {
		return trailer{}, internal(err, "writing a trailer")
	}
	data = binary.BigEndian.AppendUint32(data, uint32(len(data)))
	data = append(data, trailerMagic...)
	if _, err := w.f.Write(data); err != nil {
		return trailer{}, internal(err, "writing a trailer")
	}
	if err := w.f.Sync(); err != nil {
		return trailer{}, internal(err, "syncing a file")
	}
	if err := w.f.Close(); err != nil {
		return trailer{}, internal(err, "closing a file")
	}
	if err := install(w.f.Name(), dst, mkdir); err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist) && !mkdir:
			return trailer{}, err // the caller knows what a missing directory means
		case errors.Is(err, syscall.ENAMETOOLONG):
			return trailer{}, fault.Errorf(fault.Invalid, "A segment of the key is too long for this store.")
		}
		return trailer{}, internal(err, "moving a file into place")
	}
	w.done = true
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return trailer{}, internal(err, "syncing a directory")
	}
	return m, nil
}

// discard removes the file unless it was committed.
func (w *tempFile) discard() {
	if w.done {
		return
	}
	w.f.Close()
	_ = os.Remove(w.f.Name())
}

// install renames tmp to dst. With mkdir it creates dst's directory first,
// and tries again if a concurrent Delete removed that directory in between.
func install(tmp, dst string, mkdir bool) error {
	for attempt := 0; ; attempt++ {
		if mkdir {
			if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
				return err
			}
		}
		err := os.Rename(tmp, dst)
		if err == nil || !mkdir || !errors.Is(err, fs.ErrNotExist) || attempt == 3 {
			return err
		}
	}
}

func writeFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	return errors.Join(werr, serr, cerr)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	serr := d.Sync()
	cerr := d.Close()
	return errors.Join(serr, cerr)
}

// ctxReader stops a copy when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// --- results and errors ---

func blobInfo(key string, m trailer) media.BlobInfo {
	return media.BlobInfo{Key: key, Size: m.Size, SHA256: m.SHA256, ContentType: m.ContentType, Modified: m.Modified}
}

func notFound(key string) error {
	return fault.Errorf(fault.NotFound, "No blob %q.", key)
}

func uploadNotFound() error {
	return fault.Errorf(fault.NotFound, "No such upload.")
}

func internal(err error, doing string) error {
	return fault.Wrap(fault.Internal, err, "disk blob store: "+doing)
}
