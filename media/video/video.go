// Package video keeps a group's videos: a video belongs to one group and
// has versions (every new cut uploaded is a new version, numbered from 1),
// each with its processing state and what processing made of it (poster,
// thumbnail strip, web rendition), and captions per language. Every change
// appends an event on the topic "video:<id>".
//
// The service decides nothing about who may do what: callers ask the
// policy first. It is the Receiver of finished uploads (package upload):
// a received file becomes a new version, and its processing is queued as a
// job (package jobs) that package process runs in the worker.
package video

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"chorus/fault"
	"chorus/identity"
	"chorus/jobs"
	"chorus/media"
	"chorus/media/upload"
	"chorus/media/vtt"
	"chorus/store"
)

// Limits.
const (
	MaxTitle  = 200 // characters in a video's title
	maxListed = 1000
)

// ProcessJob is the kind of job that processes a new version.
const ProcessJob = "video.process"

// Video is a group's video.
type Video struct {
	ID        string    `json:"id"`
	PanelID   string    `json:"panelId"`
	GroupID   string    `json:"groupId"`
	Title     string    `json:"title"`
	Versions  int       `json:"versions"`           // numbers given so far
	ScriptID  string    `json:"scriptId,omitempty"` // the script the group co-writes (a pledge document of kind script)
	CreatedBy string    `json:"createdBy"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// State is where a version's processing stands.
type State string

// The states of a version.
const (
	Processing  State = "processing"  // queued or running; Step and Progress say where
	Ready       State = "ready"       // poster, thumbnails and a rendition to play
	Failed      State = "failed"      // Problem says why, in plain words
	Unavailable State = "unavailable" // stored and checked, but this server cannot process videos (no ffmpeg)
)

// Message is a text for people kept untranslated: the format and its
// arguments, so the HTTP layer can show it in the reader's language.
type Message struct {
	Format string   `json:"format"`
	Args   []string `json:"args,omitempty"`
}

// MessageOf keeps err's client-safe message as a Message.
func MessageOf(err error) *Message {
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Code == fault.Internal || fe.Format == "" {
		return &Message{Format: fault.MessageOf(err)}
	}
	if fe.Format == "%s" && len(fe.Args) == 1 { // a message kept in a constant
		if s, ok := fe.Args[0].(string); ok {
			return &Message{Format: s}
		}
	}
	m := &Message{Format: fe.Format}
	for _, a := range fe.Args {
		s, ok := a.(string)
		if !ok {
			return &Message{Format: fe.Message} // only string arguments are kept; others stay in English
		}
		m.Args = append(m.Args, s)
	}
	return m
}

// Original is the uploaded file, as received.
type Original struct {
	Key        string       `json:"key"`
	BlobUpload string       `json:"blobUpload"` // parts not yet joined; empty once joined
	Parts      []media.Part `json:"parts,omitempty"`
	Size       int64        `json:"size"`
	SHA256     string       `json:"sha256"`
	Container  string       `json:"container"`
	Filename   string       `json:"filename"`
	Verified   bool         `json:"verified"` // joined, and its SHA-256 matches the one recorded as it arrived
}

// Probe is what the file holds, as read by ffprobe.
type Probe struct {
	Duration   float64 `json:"duration"` // seconds
	Width      int     `json:"width"`
	Height     int     `json:"height"`
	VideoCodec string  `json:"videoCodec"`
	AudioCodec string  `json:"audioCodec,omitempty"`
}

// Asset is a file made from a version, served to the group.
type Asset struct {
	Key         string  `json:"key"`
	ContentType string  `json:"contentType"`
	Size        int64   `json:"size"`
	Width       int     `json:"width,omitempty"`
	Height      int     `json:"height,omitempty"`
	Count       int     `json:"count,omitempty"`    // thumbnails in a strip
	Interval    float64 `json:"interval,omitempty"` // seconds between thumbnails
}

// Version is one cut of a video.
type Version struct {
	ID         string    `json:"id"` // the id of the upload it came from
	VideoID    string    `json:"videoId"`
	PanelID    string    `json:"panelId"`
	GroupID    string    `json:"groupId"`
	Number     int       `json:"number"`
	UploadedBy string    `json:"uploadedBy"`
	State      State     `json:"state"`
	Step       string    `json:"step,omitempty"`
	Progress   float64   `json:"progress"`
	Problem    *Message  `json:"problem,omitempty"`
	Original   Original  `json:"original"`
	Probe      *Probe    `json:"probe,omitempty"`
	Poster     *Asset    `json:"poster,omitempty"`
	Thumbnails *Asset    `json:"thumbnails,omitempty"`
	Rendition  *Asset    `json:"rendition,omitempty"`
	Remuxed    bool      `json:"remuxed,omitempty"` // the rendition is the original's streams, without its metadata
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// Caption is the captions of a version in one language.
type Caption struct {
	ID        string    `json:"id"` // version id + "-" + language
	VideoID   string    `json:"videoId"`
	VersionID string    `json:"versionId"`
	Language  string    `json:"language"`
	Text      string    `json:"text"` // WebVTT, as checked by package vtt
	Cues      int       `json:"cues"`
	UpdatedBy string    `json:"updatedBy"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Collections.
const (
	colVideos   = "videos"
	colVersions = "video_versions"
	colCaptions = "video_captions"
)

// Schemas are the collections of this package.
var Schemas = []store.Schema{
	{Collection: colVideos, Indexes: []store.Index{{Field: "groupId"}, {Field: "panelId"}}},
	{Collection: colVersions, Indexes: []store.Index{{Field: "videoId"}, {Field: "number"}, {Field: "state"}}},
	{Collection: colCaptions, Indexes: []store.Index{{Field: "versionId"}}},
}

// Service keeps videos.
type Service struct {
	docs  store.Documents
	blobs media.Blobs
	queue *jobs.Queue
	// Now is the clock; NewService sets time.Now.
	Now func() time.Time
}

var _ upload.Receiver = (*Service)(nil)

// NewService returns the video service; processing jobs go to queue.
func NewService(docs store.Documents, blobs media.Blobs, queue *jobs.Queue) *Service {
	return &Service{docs: docs, blobs: blobs, queue: queue, Now: time.Now}
}

// Declare creates the package's collections.
func (s *Service) Declare(ctx context.Context) error {
	return store.DeclareAll(ctx, s.docs, "video", Schemas)
}

func (s *Service) now() time.Time { return s.Now().UTC() }

func (s *Service) event(ctx context.Context, actor, typ, videoID string, data map[string]any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fault.Wrap(fault.Internal, err, "video: event cannot be stored")
	}
	_, err = s.docs.AppendEvent(ctx, store.Event{Actor: actor, Type: typ, Subject: "video:" + videoID, Data: b})
	return err
}

// Create starts a video in a group.
func (s *Service) Create(ctx context.Context, actorID string, g identity.Group, title string) (Video, error) {
	title = strings.TrimSpace(title)
	if title == "" {
		return Video{}, fault.Errorf(fault.Invalid, "Give the video a title.")
	}
	if utf8.RuneCountInString(title) > MaxTitle {
		return Video{}, fault.Errorf(fault.Invalid, "The title can have at most %d characters.", MaxTitle)
	}
	now := s.now()
	v := Video{ID: uuid.NewString(), PanelID: g.PanelID, GroupID: g.ID, Title: title, CreatedBy: actorID, CreatedAt: now, UpdatedAt: now}
	if err := store.InsertAs(ctx, s.docs, colVideos, v.ID, v, time.Time{}); err != nil {
		return Video{}, err
	}
	return v, s.event(ctx, actorID, "video.created", v.ID, map[string]any{"title": v.Title, "groupId": v.GroupID})
}

// Video returns video id.
func (s *Service) Video(ctx context.Context, id string) (Video, error) {
	d, err := store.GetAs[Video](ctx, s.docs, colVideos, id)
	if fault.Is(err, fault.NotFound) {
		return Video{}, fault.Errorf(fault.NotFound, "There is no such video.")
	}
	return d.Value, err
}

// Videos lists a group's videos, newest first.
func (s *Service) Videos(ctx context.Context, groupID string) ([]Video, error) {
	docs, err := store.FindAs[Video](ctx, s.docs, colVideos, store.Query{
		Where: []store.Cond{{Field: "groupId", Op: store.Eq, Value: groupID}}, Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return nil, err
	}
	out := make([]Video, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Value)
	}
	slices.SortFunc(out, func(a, b Video) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, nil
}

// Versions lists a video's versions, by number.
func (s *Service) Versions(ctx context.Context, videoID string) ([]Version, error) {
	docs, err := store.FindAs[Version](ctx, s.docs, colVersions, store.Query{
		Where: []store.Cond{{Field: "videoId", Op: store.Eq, Value: videoID}}, OrderBy: "number", Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return nil, err
	}
	out := make([]Version, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Value)
	}
	return out, nil
}

// Version returns version number n of a video.
func (s *Service) Version(ctx context.Context, videoID string, n int) (Version, error) {
	docs, err := store.FindAs[Version](ctx, s.docs, colVersions, store.Query{Where: []store.Cond{
		{Field: "videoId", Op: store.Eq, Value: videoID}, {Field: "number", Op: store.Eq, Value: n}}, Limit: 2}, 1)
	if err != nil {
		return Version{}, err
	}
	if len(docs) == 0 {
		return Version{}, fault.Errorf(fault.NotFound, "This video has no version %d.", n)
	}
	return docs[0].Value, nil
}

// VersionByID returns the version with id.
func (s *Service) VersionByID(ctx context.Context, id string) (Version, error) {
	d, err := store.GetAs[Version](ctx, s.docs, colVersions, id)
	return d.Value, err
}

// Received implements upload.Receiver: the uploaded file becomes the next
// version of its video, and its processing is queued. It is idempotent:
// the version's id is the upload's.
func (s *Service) Received(ctx context.Context, u upload.Upload) error {
	if _, err := s.VersionByID(ctx, u.ID); err == nil {
		return s.queue.Enqueue(ctx, ProcessJob, u.ID, "version:"+u.ID)
	} else if !fault.Is(err, fault.NotFound) {
		return err
	}
	var number int
	err := s.updateVideo(ctx, u.VideoID, func(v *Video) error {
		v.Versions++
		number = v.Versions
		return nil
	})
	if err != nil {
		return err
	}
	now := s.now()
	ver := Version{
		ID: u.ID, VideoID: u.VideoID, PanelID: u.PanelID, GroupID: u.GroupID, Number: number, UploadedBy: u.Uploader,
		State: Processing, Step: "queued",
		Original:  Original{Key: u.Key, BlobUpload: u.BlobUpload, Parts: u.Parts, Size: u.Size, SHA256: u.SHA256, Container: string(u.Container), Filename: u.Filename},
		CreatedAt: now, UpdatedAt: now,
	}
	if err := store.InsertAs(ctx, s.docs, colVersions, ver.ID, ver, time.Time{}); err != nil && !fault.Is(err, fault.Conflict) {
		return err
	}
	if err := s.queue.Enqueue(ctx, ProcessJob, ver.ID, "version:"+ver.ID); err != nil {
		return err
	}
	return s.event(ctx, u.Uploader, "video.version_added", u.VideoID, map[string]any{"version": number, "versionId": ver.ID, "size": u.Size, "sha256": u.SHA256})
}

// AttachScript makes scriptID the script of video id, unless it has one
// already; it returns the video's script id either way.
func (s *Service) AttachScript(ctx context.Context, actorID, id, scriptID string) (string, error) {
	return store.Atomically(ctx, s.docs, func(ctx context.Context) (string, error) { return s.attachScript(ctx, actorID, id, scriptID) })
}

func (s *Service) attachScript(ctx context.Context, actorID, id, scriptID string) (string, error) {
	var got string
	err := s.updateVideo(ctx, id, func(v *Video) error {
		if v.ScriptID == "" {
			v.ScriptID = scriptID
		}
		got = v.ScriptID
		return nil
	})
	if err != nil || got != scriptID {
		return got, err
	}
	return got, s.event(ctx, actorID, "video.script_started", id, map[string]any{"scriptId": scriptID})
}

func (s *Service) updateVideo(ctx context.Context, id string, change func(*Video) error) error {
	for attempt := 0; attempt < 20; attempt++ {
		d, err := store.GetAs[Video](ctx, s.docs, colVideos, id)
		if err != nil {
			return err
		}
		v := d.Value
		if err := change(&v); err != nil {
			return err
		}
		v.UpdatedAt = s.now()
		if _, err = store.UpdateAs(ctx, s.docs, colVideos, id, d.Version, v, time.Time{}); !fault.Is(err, fault.Conflict) {
			return err
		}
	}
	return fault.Errorf(fault.Conflict, "Many people changed this video at once. Try again.")
}

// UpdateVersion changes version id with change (compare and set, retried),
// appends an event of type typ when typ is set, and returns the result.
// Processing reports through it.
func (s *Service) UpdateVersion(ctx context.Context, id, typ string, change func(*Version)) (Version, error) {
	for attempt := 0; attempt < 20; attempt++ {
		d, err := store.GetAs[Version](ctx, s.docs, colVersions, id)
		if err != nil {
			return Version{}, err
		}
		v := d.Value
		change(&v)
		v.UpdatedAt = s.now()
		_, err = store.UpdateAs(ctx, s.docs, colVersions, id, d.Version, v, time.Time{})
		if fault.Is(err, fault.Conflict) {
			continue
		}
		if err != nil {
			return Version{}, err
		}
		if typ != "" {
			data := map[string]any{"version": v.Number, "versionId": v.ID, "state": v.State}
			if v.Problem != nil {
				data["problem"] = v.Problem.Format
			}
			if err := s.event(ctx, "system", typ, v.VideoID, data); err != nil {
				return Version{}, err
			}
		}
		return v, nil
	}
	return Version{}, fault.Errorf(fault.Conflict, "This version changed many times at once. Try again.")
}

// Reprocess queues a version's processing again (after ffmpeg was
// installed, or a failure that may have passed).
func (s *Service) Reprocess(ctx context.Context, id string) error {
	if _, err := s.UpdateVersion(ctx, id, "", func(v *Version) {
		v.State, v.Step, v.Progress, v.Problem = Processing, "queued", 0, nil
	}); err != nil {
		return err
	}
	return s.queue.Retry(ctx, id)
}

// Waiting lists the versions in state, oldest first (at most 1000).
func (s *Service) Waiting(ctx context.Context, state State) ([]Version, error) {
	docs, err := store.FindAs[Version](ctx, s.docs, colVersions, store.Query{
		Where: []store.Cond{{Field: "state", Op: store.Eq, Value: string(state)}}, Limit: store.MaxLimit}, store.MaxLimit)
	if err != nil {
		return nil, err
	}
	out := make([]Version, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Value)
	}
	return out, nil
}

// --- captions ---

// PutCaption sets the captions of a version in one language, after
// checking them (package vtt: every problem names its line). Captions may
// not run past the end of the video once its length is known.
func (s *Service) PutCaption(ctx context.Context, actorID string, ver Version, language string, text []byte) (Caption, error) {
	if !slices.Contains(identity.Languages, language) {
		return Caption{}, fault.Errorf(fault.Invalid, "Captions can be in English (en), French (fr) or German (de).")
	}
	var opt vtt.Options
	if ver.Probe != nil && ver.Probe.Duration > 0 {
		// Let a cue end at the last frame's time, rounded up to the millisecond.
		opt.Duration = time.Duration(ver.Probe.Duration*float64(time.Second)) + time.Millisecond
	}
	f, err := vtt.Parse(text, opt)
	if err != nil {
		return Caption{}, err
	}
	c := Caption{ID: ver.ID + "-" + language, VideoID: ver.VideoID, VersionID: ver.ID, Language: language,
		Text: string(text), Cues: len(f.Cues), UpdatedBy: actorID, UpdatedAt: s.now()}
	r, err := store.RecordOf(c.ID, c, time.Time{})
	if err != nil {
		return Caption{}, err
	}
	if _, err := s.docs.Insert(ctx, colCaptions, r); fault.Is(err, fault.Conflict) {
		old, gerr := s.docs.Get(ctx, colCaptions, c.ID)
		if gerr != nil {
			return Caption{}, gerr
		}
		r.Version = old.Version
		if _, err := s.docs.Update(ctx, colCaptions, r); err != nil {
			return Caption{}, err
		}
	} else if err != nil {
		return Caption{}, err
	}
	return c, s.event(ctx, actorID, "video.captions_set", ver.VideoID, map[string]any{"version": ver.Number, "language": language, "cues": c.Cues})
}

// Captions lists the captions of a version.
func (s *Service) Captions(ctx context.Context, versionID string) ([]Caption, error) {
	docs, err := store.FindAs[Caption](ctx, s.docs, colCaptions, store.Query{
		Where: []store.Cond{{Field: "versionId", Op: store.Eq, Value: versionID}}, Limit: 10}, 10)
	if err != nil {
		return nil, err
	}
	out := make([]Caption, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Value)
	}
	slices.SortFunc(out, func(a, b Caption) int { return strings.Compare(a.Language, b.Language) })
	return out, nil
}

// Caption returns the captions of a version in language.
func (s *Service) Caption(ctx context.Context, versionID, language string) (Caption, error) {
	d, err := store.GetAs[Caption](ctx, s.docs, colCaptions, versionID+"-"+language)
	if fault.Is(err, fault.NotFound) {
		return Caption{}, fault.Errorf(fault.NotFound, "This version has no captions in this language yet.")
	}
	return d.Value, err
}
