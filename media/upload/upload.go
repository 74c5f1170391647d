// Package upload receives video files by the tus 1.0 resumable upload
// protocol (what tus-js-client and Uppy speak), with the handler of
// github.com/tus/tusd/v2 on a data store written on Chorus's ports: bytes go
// to the blob port (media.Blobs: local disk or S3 multipart parts), the
// state of each upload to the document port. So an upload survives a
// dropped connection, a reload and a restart of the server, on every store,
// and resumes from the last stored byte.
//
// How bytes are kept. A file is cut into parts of Limits.PartSize bytes at
// fixed offsets (part n holds bytes [(n-1)·PartSize, n·PartSize)), each
// stored with PutPart as soon as it is full; the bytes after the last full
// part (the tail, shorter than a part) are stored as a blob of their own
// when a request ends, and read back by the next. At most one part is in
// memory per request, whatever the size of the request or the file. The
// record of an upload (offset, parts, tail, and the SHA-256 state of the
// bytes in parts) changes only by compare-and-set, so a stale request (a
// connection that died, on any process) can never move an upload back or
// mix its bytes in: its write fails and the client resumes from the
// recorded offset. Because parts sit at fixed offsets, a part written again
// after a crash holds the same bytes.
//
// The type of a file is read from its first bytes (see Detect), whatever
// its name says; anything but MP4, MOV and WebM is refused and its upload
// removed. When the last byte is stored the file's SHA-256 is recorded and
// the upload is handed to a Receiver (the video it belongs to), which
// joins the parts and checks the hash against the joined file.
package upload

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tus/tusd/v2/pkg/handler"

	"chorus/fault"
	"chorus/media"
	"chorus/store"
)

// State is where an upload stands.
type State string

// The states of an upload. A cancelled or abandoned upload is deleted.
const (
	Uploading State = "uploading"
	Received  State = "received" // every byte is stored and the SHA-256 recorded
)

// Limits of uploads.
type Limits struct {
	MaxBytes int64 // largest file accepted
	PartSize int64 // bytes per stored part; at least media.MinPartSize
	// AbandonAfter is how long an upload may rest before Sweep removes it
	// with its parts.
	AbandonAfter time.Duration
}

// Default limits.
const (
	DefaultMaxBytes     = 2 << 30
	DefaultPartSize     = 8 << 20
	DefaultAbandonAfter = 24 * time.Hour
	// MaxFilename bounds the file name kept with an upload.
	MaxFilename = 255
	// receivedKept is how long the record of a finished upload stays, so
	// that a client asking where it stands is told "complete".
	receivedKept = 7 * 24 * time.Hour
)

// Owner says on whose behalf and into which video an upload is made: the
// HTTP layer decides it (after asking the policy) and passes it with
// WithOwner.
type Owner struct {
	AccountID string
	VideoID   string
	PanelID   string
	GroupID   string
}

// Upload is the record of one upload.
type Upload struct {
	ID       string `json:"id"`
	VideoID  string `json:"videoId"`
	PanelID  string `json:"panelId"`
	GroupID  string `json:"groupId"`
	Uploader string `json:"uploader"`
	Filename string `json:"filename"`
	Size     int64  `json:"size"`   // bytes announced by the client
	Offset   int64  `json:"offset"` // bytes stored: in parts and the tail
	State    State  `json:"state"`
	// Container is read from the first bytes once they have arrived.
	Container Container `json:"container,omitempty"`

	Key        string       `json:"key"`        // blob key of the joined file
	BlobUpload string       `json:"blobUpload"` // multipart upload id at the blob store
	Parts      []media.Part `json:"parts"`
	Tail       string       `json:"tail,omitempty"` // blob key of the bytes after the last part
	TailSize   int64        `json:"tailSize,omitempty"`
	Hash       []byte       `json:"hash,omitempty"`   // SHA-256 state of the bytes in parts
	SHA256     string       `json:"sha256,omitempty"` // of the whole file, once received
	// Expected is the SHA-256 the client announced (metadata "sha256"), if any.
	Expected   string `json:"expected,omitempty"`
	HandedOver bool   `json:"handedOver"`

	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	UpdatedMs int64     `json:"updatedMs"`
}

// Receiver takes over a file whose bytes have all arrived. Received must be
// idempotent: it is called again if a call failed or its result was lost.
type Receiver interface {
	Received(ctx context.Context, u Upload) error
}

const collection = "video_uploads"

// Schemas are the collections of this package.
var Schemas = []store.Schema{
	{Collection: collection, Indexes: []store.Index{{Field: "videoId"}, {Field: "state"}, {Field: "updatedMs"}, {Field: "handedOver"}}},
}

// Store is the tusd data store, on the document and blob ports.
type Store struct {
	docs     store.Documents
	blobs    media.Blobs
	receiver Receiver
	limits   Limits
	locker   *locks
	bufs     sync.Pool // *[]byte of PartSize
	// Now is the clock; NewStore sets time.Now.
	Now func() time.Time
}

var (
	_ handler.DataStore           = (*Store)(nil)
	_ handler.TerminaterDataStore = (*Store)(nil)
)

// NewStore returns the upload store. Zero limits take the defaults.
func NewStore(docs store.Documents, blobs media.Blobs, receiver Receiver, limits Limits) *Store {
	if limits.MaxBytes <= 0 {
		limits.MaxBytes = DefaultMaxBytes
	}
	if limits.PartSize < media.MinPartSize {
		limits.PartSize = DefaultPartSize
	}
	if limits.AbandonAfter <= 0 {
		limits.AbandonAfter = DefaultAbandonAfter
	}
	s := &Store{docs: docs, blobs: blobs, receiver: receiver, limits: limits, locker: newLocks(), Now: time.Now}
	s.bufs.New = func() any { b := make([]byte, limits.PartSize); return &b }
	return s
}

// Declare creates the package's collections.
func (s *Store) Declare(ctx context.Context) error {
	return store.DeclareAll(ctx, s.docs, "upload", Schemas)
}

// Limits returns the limits in force.
func (s *Store) Limits() Limits { return s.limits }

// Get returns the record of upload id.
func (s *Store) Get(ctx context.Context, id string) (Upload, error) {
	if !validID(id) {
		return Upload{}, notFound()
	}
	d, err := store.GetAs[Upload](ctx, s.docs, collection, id)
	if fault.Is(err, fault.NotFound) {
		return Upload{}, notFound()
	}
	return d.Value, err
}

// Forget removes the record of upload id and whatever of its bytes the
// blob store still holds (the joined file is the video version's, which
// package video deletes). Erasure calls it for the cuts it deletes: the
// record keeps the file's name and who uploaded it. An unknown id is no
// error, so a cut-short erasure simply runs again.
func (s *Store) Forget(ctx context.Context, id string) error {
	if !validID(id) {
		return nil
	}
	d, err := store.GetAs[Upload](ctx, s.docs, collection, id)
	if fault.Is(err, fault.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if d.Value.BlobUpload == "" {
		if err := s.docs.Delete(ctx, collection, id); err != nil && !fault.Is(err, fault.NotFound) {
			return err
		}
		if err := s.removeTails(ctx, d.Value, ""); err != nil {
			return err
		}
		return s.event(ctx, d.Value, "video.upload_erased", map[string]any{})
	}
	return s.remove(ctx, d, "video.upload_erased")
}

func notFound() error {
	return fault.Errorf(fault.NotFound, "There is no such upload. Start the upload again.")
}

// --- the tusd data store ---

type ownerKey struct{}

// WithOwner returns ctx carrying who makes an upload and into which video;
// a new upload needs it.
func WithOwner(ctx context.Context, o Owner) context.Context {
	return context.WithValue(ctx, ownerKey{}, o)
}

// NewUpload implements handler.DataStore: it checks what the client
// announces (size, type, name) and starts the multipart upload.
func (s *Store) NewUpload(ctx context.Context, info handler.FileInfo) (handler.Upload, error) {
	o, ok := ctx.Value(ownerKey{}).(Owner)
	if !ok || o.AccountID == "" || o.VideoID == "" {
		return nil, failed(ctx, fault.Errorf(fault.Internal, "upload: no owner in the context"))
	}
	if info.SizeIsDeferred {
		return nil, failed(ctx, fault.Errorf(fault.Invalid, "Chorus needs to know the size of the file before it arrives (the Upload-Length header)."))
	}
	if info.Size <= 0 {
		return nil, failed(ctx, fault.Errorf(fault.Invalid, "This file is empty. Choose the video file again."))
	}
	if info.Size > s.limits.MaxBytes {
		return nil, failed(ctx, tooLarge(s.limits.MaxBytes))
	}
	name := strings.TrimSpace(info.MetaData["filename"])
	if len(name) > MaxFilename || !utf8.ValidString(name) || strings.ContainsAny(name, "\x00/\\") {
		return nil, failed(ctx, fault.Errorf(fault.Invalid, "The file name must be at most %d characters, without slashes.", MaxFilename))
	}
	declared, err := declaredContainer(info.MetaData["filetype"], name)
	if err != nil {
		return nil, failed(ctx, err)
	}
	expected := strings.ToLower(strings.TrimSpace(info.MetaData["sha256"]))
	if b, err := hex.DecodeString(expected); expected != "" && (err != nil || len(b) != sha256.Size) {
		return nil, failed(ctx, fault.Errorf(fault.Invalid, "The sha256 in the upload's metadata must be 64 hexadecimal digits."))
	}
	now := s.Now().UTC()
	u := Upload{
		ID: randomID(), VideoID: o.VideoID, PanelID: o.PanelID, GroupID: o.GroupID, Uploader: o.AccountID,
		Filename: name, Size: info.Size, State: Uploading, Expected: expected,
		CreatedAt: now, UpdatedAt: now, UpdatedMs: now.UnixMilli(),
	}
	u.Key = "videos/" + o.VideoID + "/originals/" + u.ID
	if u.BlobUpload, err = s.blobs.StartUpload(ctx, u.Key, declared.ContentType()); err != nil {
		return nil, failed(ctx, err)
	}
	if err := store.InsertAs(ctx, s.docs, collection, u.ID, u, time.Time{}); err != nil {
		_ = s.blobs.AbortUpload(context.WithoutCancel(ctx), u.Key, u.BlobUpload)
		return nil, failed(ctx, err)
	}
	if err := s.event(ctx, u, "video.upload_started", map[string]any{"size": u.Size}); err != nil {
		return nil, failed(ctx, err)
	}
	return &tusUpload{s: s, id: u.ID, info: u}, nil
}

func tooLarge(max int64) error {
	return fault.Errorf(fault.TooLarge, "This file is too large: a video can be at most %s.", humanBytes(max))
}

// humanBytes writes a size the way people read it (2 GB, 700 MB).
func humanBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", (n+1023)>>10)
}

// GetUpload implements handler.DataStore. A received upload whose hand-over
// failed is handed over again here, so a client that asks where it stands
// after an error also finishes the job.
func (s *Store) GetUpload(ctx context.Context, id string) (handler.Upload, error) {
	u, err := s.Get(ctx, id)
	if fault.Is(err, fault.NotFound) {
		return nil, handler.ErrNotFound
	}
	if err != nil {
		return nil, failed(ctx, err)
	}
	if u.State == Received && !u.HandedOver {
		if err := s.handOver(ctx, u.ID); err != nil {
			return nil, failed(ctx, err)
		}
	}
	return &tusUpload{s: s, id: id, info: u}, nil
}

// AsTerminatableUpload implements handler.TerminaterDataStore.
func (s *Store) AsTerminatableUpload(u handler.Upload) handler.TerminatableUpload {
	return u.(*tusUpload)
}

// tusUpload is one upload as tusd handles it during a request.
type tusUpload struct {
	s    *Store
	id   string
	info Upload // as read when the request began
}

func (t *tusUpload) GetInfo(ctx context.Context) (handler.FileInfo, error) {
	u := t.info
	return handler.FileInfo{
		ID: u.ID, Size: u.Size, Offset: u.Offset,
		MetaData: handler.MetaData{"filename": u.Filename, "video": u.VideoID},
	}, nil
}

// GetReader is not offered: uploads are never downloaded through tus (the
// handler's download is disabled; videos are played after processing).
func (t *tusUpload) GetReader(ctx context.Context) (io.ReadCloser, error) {
	return nil, handler.ErrNotImplemented
}

// FinishUpload is called by tusd once the offset reaches the size; the
// record says Received by then (see WriteChunk).
func (t *tusUpload) FinishUpload(ctx context.Context) error {
	if err := t.s.handOver(ctx, t.id); err != nil {
		return failed(ctx, err)
	}
	return nil
}

// Terminate removes an unfinished upload with its parts and tail.
func (t *tusUpload) Terminate(ctx context.Context) error {
	d, err := store.GetAs[Upload](ctx, t.s.docs, collection, t.id)
	if err != nil {
		return failed(ctx, err)
	}
	if d.Value.State != Uploading {
		return failed(ctx, fault.Errorf(fault.Conflict, "This upload is already complete, so it cannot be cancelled. Its video is being processed."))
	}
	if err := t.s.remove(ctx, d, "video.upload_cancelled"); err != nil {
		return failed(ctx, err)
	}
	return nil
}

// remove deletes an unfinished upload: the record first (so no request
// finds it half-removed), then its parts and tails.
func (s *Store) remove(ctx context.Context, d store.Doc[Upload], event string) error {
	u := d.Value
	if err := s.docs.Delete(ctx, collection, u.ID); err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	if err := s.blobs.AbortUpload(ctx, u.Key, u.BlobUpload); err != nil && !fault.Is(err, fault.NotFound) {
		return err
	}
	if err := s.removeTails(ctx, u, ""); err != nil {
		return err
	}
	return s.event(ctx, u, event, map[string]any{"offset": u.Offset, "size": u.Size})
}

// removeTails deletes the upload's tail blobs but keep (one of them, or "").
func (s *Store) removeTails(ctx context.Context, u Upload, keep string) error {
	infos, err := s.blobs.List(ctx, tailPrefix(u))
	if err != nil {
		return err
	}
	for _, b := range infos {
		if b.Key != keep {
			if err := s.blobs.Delete(ctx, b.Key); err != nil && !fault.Is(err, fault.NotFound) {
				return err
			}
		}
	}
	return nil
}

func tailPrefix(u Upload) string { return "videos/" + u.VideoID + "/uploads/" + u.ID + "/" }

// WriteChunk implements handler.Upload: it stores what src holds from
// offset on, as described in the package comment, and returns how many
// bytes it took from src. What it stored is recorded when it returns, also
// when src breaks off.
func (t *tusUpload) WriteChunk(ctx context.Context, offset int64, src io.Reader) (int64, error) {
	t.s.locker.touch(t.id)
	n, err := t.s.write(ctx, t.id, offset, src)
	if err != nil {
		return n, failed(ctx, err)
	}
	return n, nil
}

func (s *Store) write(ctx context.Context, id string, offset int64, src io.Reader) (int64, error) {
	d, err := store.GetAs[Upload](ctx, s.docs, collection, id)
	if err != nil {
		return 0, err
	}
	u, version := d.Value, d.Version
	if u.State != Uploading {
		return 0, fault.Errorf(fault.Conflict, "This upload is already complete.")
	}
	if offset != u.Offset {
		return 0, handler.ErrMismatchOffset
	}
	bufp := s.bufs.Get().(*[]byte)
	defer s.bufs.Put(bufp)
	buf := *bufp
	start := u.Offset - u.TailSize // file offset of buf[0]
	have, err := s.readTail(ctx, u, buf)
	if err != nil {
		return 0, err
	}
	h, err := restoreHash(u.Hash)
	if err != nil {
		return 0, err
	}
	var taken int64
	for {
		partLen := min(s.limits.PartSize, u.Size-start)
		// ReadFull stops early only when src ends or breaks off; tusd
		// reports a broken body itself, and what arrived is kept.
		n, _ := io.ReadFull(src, buf[have:partLen])
		have += int64(n)
		taken += int64(n)
		if err := s.checkType(ctx, &u, start, buf[:have]); err != nil {
			if !errors.Is(err, errNeedMore) {
				return taken, err
			}
		}
		if have < partLen {
			break
		}
		part, err := s.blobs.PutPart(ctx, u.Key, u.BlobUpload, len(u.Parts)+1, bytesReader(buf[:have]), have)
		if err != nil {
			return taken, err
		}
		h.Write(buf[:have])
		oldTail := u.Tail
		u.Parts = append(u.Parts, part)
		u.Offset, u.Tail, u.TailSize = start+have, "", 0
		if u.Hash, err = saveHash(h); err != nil {
			return taken, err
		}
		if u.Offset == u.Size {
			u.State, u.SHA256 = Received, hex.EncodeToString(h.Sum(nil))
			if u.Expected != "" && u.Expected != u.SHA256 {
				_ = s.remove(ctx, store.Doc[Upload]{Value: u, Version: version}, "video.upload_refused")
				return taken, fault.Errorf(fault.Invalid, "The file that arrived is not the file that was sent: its SHA-256 differs. Upload it again.")
			}
		}
		if version, err = s.save(ctx, u, version); err != nil {
			return taken, err
		}
		s.dropTail(ctx, oldTail)
		start, have = u.Offset, 0
		if u.State == Received {
			return taken, nil
		}
	}
	if have == u.TailSize && start+have == u.Offset {
		return taken, nil // nothing new
	}
	// Keep the bytes after the last full part as the new tail.
	oldTail := u.Tail
	tail := tailPrefix(u) + "tail-" + randomID()
	if _, err := s.blobs.Put(ctx, tail, bytesReader(buf[:have]), ""); err != nil {
		return taken, err
	}
	u.Tail, u.TailSize, u.Offset = tail, have, start+have
	if _, err := s.save(ctx, u, version); err != nil {
		s.dropTail(ctx, tail)
		return taken, err
	}
	s.dropTail(ctx, oldTail)
	return taken, nil
}

// checkType detects the container once the first bytes are in hand and
// removes the upload when they are not a video Chorus takes.
func (s *Store) checkType(ctx context.Context, u *Upload, start int64, head []byte) error {
	if u.Container != "" || start != 0 {
		return nil
	}
	c, err := Detect(head[:min(len(head), sniffLen)], int64(len(head)) == u.Size)
	if errors.Is(err, errNeedMore) {
		return err
	}
	if err != nil {
		d, gerr := store.GetAs[Upload](ctx, s.docs, collection, u.ID)
		if gerr == nil {
			_ = s.remove(ctx, d, "video.upload_refused")
		}
		return err
	}
	u.Container = c
	return nil
}

// readTail reads the upload's tail into buf and returns its length.
func (s *Store) readTail(ctx context.Context, u Upload, buf []byte) (int64, error) {
	if u.TailSize == 0 {
		return 0, nil
	}
	rc, _, err := s.blobs.Get(ctx, u.Tail, media.Range{})
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	n, err := io.ReadFull(rc, buf[:u.TailSize])
	if err != nil {
		return 0, fault.Wrap(fault.Internal, err, fmt.Sprintf("upload %s: tail has %d of %d bytes", u.ID, n, u.TailSize))
	}
	return int64(n), nil
}

// save writes u over the version read (compare and set). A conflict means
// another request moved the upload meanwhile: this one must stop.
func (s *Store) save(ctx context.Context, u Upload, version int64) (int64, error) {
	now := s.Now().UTC()
	u.UpdatedAt, u.UpdatedMs = now, now.UnixMilli()
	var expires time.Time
	if u.State == Received {
		expires = now.Add(receivedKept)
	}
	v, err := store.UpdateAs(ctx, s.docs, collection, u.ID, version, u, expires)
	if fault.Is(err, fault.Conflict) {
		return 0, fault.Errorf(fault.Conflict, "Another request is sending this upload at the same time. Wait a moment: it resumes by itself.")
	}
	return v, err
}

// dropTail deletes a tail that is no longer recorded; what fails to go is
// removed with the upload.
func (s *Store) dropTail(ctx context.Context, key string) {
	if key != "" {
		_ = s.blobs.Delete(context.WithoutCancel(ctx), key)
	}
}

// handOver gives a received upload to the receiver, once.
func (s *Store) handOver(ctx context.Context, id string) error {
	d, err := store.GetAs[Upload](ctx, s.docs, collection, id)
	if err != nil {
		return err
	}
	u := d.Value
	if u.State != Received || u.HandedOver {
		return nil
	}
	if err := s.removeTails(ctx, u, ""); err != nil {
		return err
	}
	if err := s.receiver.Received(ctx, u); err != nil {
		return err
	}
	u.HandedOver = true
	if _, err := s.save(ctx, u, d.Version); err != nil && !fault.Is(err, fault.Conflict) {
		return err
	}
	return s.event(ctx, u, "video.upload_received", map[string]any{"size": u.Size, "sha256": u.SHA256})
}

// Sweep removes uploads that rested longer than Limits.AbandonAfter, with
// their parts, and hands over received uploads whose hand-over failed. It
// returns how many it removed.
func (s *Store) Sweep(ctx context.Context) (int, error) {
	cutoff := s.Now().Add(-s.limits.AbandonAfter).UnixMilli()
	stale, err := store.FindAs[Upload](ctx, s.docs, collection, store.Query{Where: []store.Cond{
		{Field: "state", Op: store.Eq, Value: string(Uploading)},
		{Field: "updatedMs", Op: store.Lt, Value: cutoff},
	}, Limit: store.MaxLimit}, store.MaxLimit)
	if err != nil {
		return 0, err
	}
	removed := 0
	for _, d := range stale {
		if err := s.remove(ctx, d, "video.upload_abandoned"); err != nil && !fault.Is(err, fault.NotFound) {
			return removed, err
		}
		removed++
	}
	waiting, err := store.FindAs[Upload](ctx, s.docs, collection, store.Query{Where: []store.Cond{
		{Field: "state", Op: store.Eq, Value: string(Received)},
		{Field: "handedOver", Op: store.Eq, Value: false},
	}, Limit: store.MaxLimit}, store.MaxLimit)
	if err != nil {
		return removed, err
	}
	for _, d := range waiting {
		if err := s.handOver(ctx, d.Value.ID); err != nil {
			return removed, err
		}
	}
	return removed, nil
}

func (s *Store) event(ctx context.Context, u Upload, typ string, data map[string]any) error {
	data["upload"] = u.ID
	return appendEvent(ctx, s.docs, u.Uploader, typ, "video:"+u.VideoID, data)
}

// --- helpers ---

func restoreHash(state []byte) (hash.Hash, error) {
	h := sha256.New()
	if len(state) == 0 {
		return h, nil
	}
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(state); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "upload: hash state is not readable")
	}
	return h, nil
}

func saveHash(h hash.Hash) ([]byte, error) {
	b, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return nil, fault.Wrap(fault.Internal, err, "upload: hash state cannot be kept")
	}
	return b, nil
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
