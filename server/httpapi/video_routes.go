package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/tus/tusd/v2/pkg/handler"

	"chorus/fault"
	"chorus/media"
	"chorus/media/review"
	"chorus/media/upload"
	"chorus/media/video"
	"chorus/policy"
)

// Videos is what the group video routes need.
type Videos struct {
	Videos  *video.Service
	Review  *review.Service
	Uploads *upload.Store
	Blobs   media.Blobs
	// SignedURLTTL > 0 lets playback from a store with signed URLs (S3)
	// redirect there, after the policy check, with URLs valid this long;
	// 0: Chorus sends the bytes itself, on every store.
	SignedURLTTL time.Duration
	tus          *handler.UnroutedHandler
}

// uploadsPath is where uploads live (tus: the creation answers with it).
const uploadsPath = "/api/uploads/"

// NewVideos prepares the video routes' dependencies.
func NewVideos(videos *video.Service, rev *review.Service, uploads *upload.Store, blobs media.Blobs, signedURLTTL time.Duration, log *slog.Logger) (*Videos, error) {
	tus, err := uploads.Handler(uploadsPath, log)
	if err != nil {
		return nil, fmt.Errorf("tus handler: %w", err)
	}
	return &Videos{Videos: videos, Review: rev, Uploads: uploads, Blobs: blobs, SignedURLTTL: signedURLTTL, tus: tus}, nil
}

func (a *API) videoRoutes() []route {
	return []route{
		{fiber.MethodGet, "/api/groups/:groupId/videos", a.getGroupVideos},
		{fiber.MethodPost, "/api/groups/:groupId/videos", a.postGroupVideo},
		{fiber.MethodGet, "/api/videos/:id", a.getVideo},
		{fiber.MethodPost, "/api/videos/:id/uploads", a.postVideoUpload},
		{fiber.MethodGet, "/api/uploads/:uploadId", a.getUpload},
		{fiber.MethodHead, "/api/uploads/:uploadId", a.headUpload},
		{fiber.MethodPatch, "/api/uploads/:uploadId", a.patchUpload},
		{fiber.MethodDelete, "/api/uploads/:uploadId", a.deleteUpload},
		{fiber.MethodGet, "/api/videos/:id/versions/:number", a.getVideoVersion},
		{fiber.MethodGet, "/api/videos/:id/versions/:number/rendition", a.getVersionFile("rendition")},
		{fiber.MethodGet, "/api/videos/:id/versions/:number/poster", a.getVersionFile("poster")},
		{fiber.MethodGet, "/api/videos/:id/versions/:number/thumbnails", a.getVersionFile("thumbnails")},
		{fiber.MethodGet, "/api/videos/:id/versions/:number/captions/:language", a.getCaption},
		{fiber.MethodPut, "/api/videos/:id/versions/:number/captions/:language", a.putCaption},
	}
}

func (a *API) videoRoutesAll() []route { return append(a.videoRoutes(), a.reviewRoutes()...) }

func (a *API) videos() (*Videos, error) {
	if a.deps.Videos == nil {
		return nil, fault.Errorf(fault.Unavailable, "Videos are not available on this server.")
	}
	return a.deps.Videos, nil
}

func videoResource(panelID, groupID string) policy.Resource {
	return policy.Resource{Kind: policy.KindVideo, PanelID: panelID, GroupID: groupID}
}

// videoFor is every video handler's start: signed in, the video of the
// path loaded, the policy asked about act (and a mute, for posting).
func (a *API) videoFor(c *fiber.Ctx, act policy.Action) (caller, *Videos, video.Video, error) {
	vs, err := a.videos()
	if err != nil {
		return caller{}, nil, video.Video{}, err
	}
	cl, err := a.signedIn(c)
	if err != nil {
		return caller{}, nil, video.Video{}, err
	}
	ctx := c.UserContext()
	v, err := vs.Videos.Video(ctx, c.Params("id"))
	if err != nil {
		return caller{}, nil, video.Video{}, err
	}
	r := videoResource(v.PanelID, v.GroupID)
	if act.WritesIntoGroupSpace() {
		if r, err = a.withModerator(ctx, r); err != nil {
			return caller{}, nil, video.Video{}, err
		}
	}
	if err := allowed(cl, act, r); err != nil {
		// Who may see the video, or is in its group but lacks a consent,
		// is told why; for anyone else it does not exist: not even its
		// existence leaves the group.
		if d := policy.Decide(cl.Subject, policy.VideoView, videoResource(v.PanelID, v.GroupID)); d.Allow || d.Scope != "" {
			return caller{}, nil, video.Video{}, err
		}
		return caller{}, nil, video.Video{}, fault.Errorf(fault.NotFound, "There is no such video.")
	}
	if err := a.notMuted(ctx, cl, act, v.GroupID); err != nil {
		return caller{}, nil, video.Video{}, err
	}
	return cl, vs, v, nil
}

// --- videos ---

type videoView struct {
	ID        string        `json:"id"`
	GroupID   string        `json:"groupId"`
	Title     string        `json:"title"`
	ScriptID  string        `json:"scriptId,omitempty"`
	Versions  int           `json:"versions"`
	CreatedBy string        `json:"createdBy"`
	CreatedAt time.Time     `json:"createdAt"`
	Latest    *versionView  `json:"latest,omitempty"`
	All       []versionView `json:"all,omitempty"`
}

func viewOfVideo(v video.Video) videoView {
	return videoView{ID: v.ID, GroupID: v.GroupID, Title: v.Title, ScriptID: v.ScriptID, Versions: v.Versions, CreatedBy: v.CreatedBy, CreatedAt: v.CreatedAt}
}

func (a *API) getGroupVideos(c *fiber.Ctx) error {
	vs, err := a.videos()
	if err != nil {
		return err
	}
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	g, err := a.people.Identity.Group(ctx, c.Params("groupId"))
	if err != nil {
		return err
	}
	if err := allowed(cl, policy.VideoView, videoResource(g.PanelID, g.ID)); err != nil {
		return err
	}
	list, err := vs.Videos.Videos(ctx, g.ID)
	if err != nil {
		return err
	}
	out := make([]videoView, 0, len(list))
	for _, v := range list {
		out = append(out, viewOfVideo(v))
	}
	return c.JSON(fiber.Map{"videos": out})
}

func (a *API) postGroupVideo(c *fiber.Ctx) error {
	vs, err := a.videos()
	if err != nil {
		return err
	}
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	grp, err := a.people.Identity.Group(c.UserContext(), c.Params("groupId"))
	if err != nil {
		return err
	}
	r, err := a.withModerator(c.UserContext(), videoResource(grp.PanelID, grp.ID))
	if err != nil {
		return err
	}
	if err := allowed(cl, policy.VideoUpload, r); err != nil {
		return err
	}
	if err := a.notMuted(c.UserContext(), cl, policy.VideoUpload, grp.ID); err != nil {
		return err
	}
	var in struct {
		Title string `json:"title"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	v, err := vs.Videos.Create(c.UserContext(), cl.Account.ID, grp, in.Title)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"video": viewOfVideo(v)})
}

func (a *API) getVideo(c *fiber.Ctx) error {
	_, vs, v, err := a.videoFor(c, policy.VideoView)
	if err != nil {
		return err
	}
	versions, err := vs.Videos.Versions(c.UserContext(), v.ID)
	if err != nil {
		return err
	}
	view := viewOfVideo(v)
	for _, ver := range versions {
		vv, err := a.viewOfVersion(c, vs, ver)
		if err != nil {
			return err
		}
		view.All = append(view.All, vv)
	}
	if n := len(view.All); n > 0 {
		view.Latest = &view.All[n-1]
	}
	return c.JSON(fiber.Map{"video": view})
}

// --- versions ---

type assetView struct {
	URL         string  `json:"url"`
	ContentType string  `json:"contentType"`
	Size        int64   `json:"size"`
	Width       int     `json:"width,omitempty"`
	Height      int     `json:"height,omitempty"`
	Count       int     `json:"count,omitempty"`
	Interval    float64 `json:"interval,omitempty"`
}

type captionView struct {
	Language  string    `json:"language"`
	Cues      int       `json:"cues"`
	URL       string    `json:"url"`
	UpdatedAt time.Time `json:"updatedAt"`
}

type versionView struct {
	ID         string        `json:"id"`
	Number     int           `json:"number"`
	State      video.State   `json:"state"`
	Step       string        `json:"step,omitempty"`
	Progress   float64       `json:"progress"`
	Problem    string        `json:"problem,omitempty"`
	UploadedBy string        `json:"uploadedBy"`
	CreatedAt  time.Time     `json:"createdAt"`
	Filename   string        `json:"filename"`
	Size       int64         `json:"size"`
	SHA256     string        `json:"sha256"`
	Verified   bool          `json:"verified"`
	Duration   float64       `json:"duration,omitempty"`
	Width      int           `json:"width,omitempty"`
	Height     int           `json:"height,omitempty"`
	Poster     *assetView    `json:"poster,omitempty"`
	Thumbnails *assetView    `json:"thumbnails,omitempty"`
	Rendition  *assetView    `json:"rendition,omitempty"`
	Captions   []captionView `json:"captions"`
}

func (a *API) viewOfVersion(c *fiber.Ctx, vs *Videos, v video.Version) (versionView, error) {
	base := "/api/videos/" + v.VideoID + "/versions/" + strconv.Itoa(v.Number)
	out := versionView{ID: v.ID, Number: v.Number, State: v.State, Step: v.Step, Progress: v.Progress, UploadedBy: v.UploadedBy, CreatedAt: v.CreatedAt,
		Filename: v.Original.Filename, Size: v.Original.Size, SHA256: v.Original.SHA256, Verified: v.Original.Verified, Captions: []captionView{}}
	if v.Problem != nil {
		out.Problem = localizeMessage(c, *v.Problem)
	}
	if v.Probe != nil {
		out.Duration, out.Width, out.Height = v.Probe.Duration, v.Probe.Width, v.Probe.Height
	}
	asset := func(x *video.Asset, name string) *assetView {
		if x == nil || v.State != video.Ready {
			return nil
		}
		return &assetView{URL: base + "/" + name, ContentType: x.ContentType, Size: x.Size, Width: x.Width, Height: x.Height, Count: x.Count, Interval: x.Interval}
	}
	out.Poster, out.Thumbnails, out.Rendition = asset(v.Poster, "poster"), asset(v.Thumbnails, "thumbnails"), asset(v.Rendition, "rendition")
	captions, err := vs.Videos.Captions(c.UserContext(), v.ID)
	if err != nil {
		return versionView{}, err
	}
	for _, cp := range captions {
		out.Captions = append(out.Captions, captionView{Language: cp.Language, Cues: cp.Cues, URL: base + "/captions/" + cp.Language, UpdatedAt: cp.UpdatedAt})
	}
	return out, nil
}

// localizeMessage shows a kept message in the reader's language.
func localizeMessage(c *fiber.Ctx, m video.Message) string {
	args := make([]any, len(m.Args))
	for i, s := range m.Args {
		args[i] = s
	}
	return fault.Localize(&fault.Error{Code: fault.Invalid, Format: m.Format, Args: args, Message: fmt.Sprintf(m.Format, args...)}, translator(languageOf(c)))
}

// videoVersionFor loads the version of the path after videoFor.
func (a *API) videoVersionFor(c *fiber.Ctx, act policy.Action) (caller, *Videos, video.Version, error) {
	cl, vs, v, err := a.videoFor(c, act)
	if err != nil {
		return caller{}, nil, video.Version{}, err
	}
	n, err := strconv.Atoi(c.Params("number"))
	if err != nil || n < 1 {
		return caller{}, nil, video.Version{}, fault.Errorf(fault.NotFound, "There is no such version of this video.")
	}
	ver, err := vs.Videos.Version(c.UserContext(), v.ID, n)
	return cl, vs, ver, err
}

func (a *API) getVideoVersion(c *fiber.Ctx) error {
	_, vs, ver, err := a.videoVersionFor(c, policy.VideoView)
	if err != nil {
		return err
	}
	view, err := a.viewOfVersion(c, vs, ver)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"version": view})
}

// getVersionFile serves what processing made (never the original: it may
// carry location metadata, rule 7), with byte ranges for players.
func (a *API) getVersionFile(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, vs, ver, err := a.videoVersionFor(c, policy.VideoView)
		if err != nil {
			return err
		}
		asset := map[string]*video.Asset{"rendition": ver.Rendition, "poster": ver.Poster, "thumbnails": ver.Thumbnails}[kind]
		if ver.State != video.Ready || asset == nil {
			return fault.Errorf(fault.Conflict, "This version is not ready to watch yet.")
		}
		c.Set(fiber.HeaderCacheControl, "private, no-store")
		if kind == "rendition" && vs.SignedURLTTL > 0 {
			if url, ok, err := vs.Blobs.SignedURL(c.UserContext(), asset.Key, vs.SignedURLTTL); err != nil {
				return err
			} else if ok {
				return c.Redirect(url, http.StatusFound)
			}
		}
		return serveRange(c, vs.Blobs, asset.Key, asset.ContentType, asset.Size)
	}
}

// serveRange sends a blob of size bytes, or the one byte range asked for.
func serveRange(c *fiber.Ctx, blobs media.Blobs, key, contentType string, size int64) error {
	rg, partial, err := parseRange(c.Get(fiber.HeaderRange), size)
	if err != nil {
		return err
	}
	rc, _, err := blobs.Get(c.UserContext(), key, rg)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderAcceptRanges, "bytes")
	n := size
	if partial {
		n = rg.Length
		c.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes %d-%d/%d", rg.Offset, rg.Offset+rg.Length-1, size))
		c.Status(http.StatusPartialContent)
	}
	return c.SendStream(rc, int(n))
}

// parseRange reads "bytes=a-b", "bytes=a-" or "bytes=-n" (one range;
// several are answered with the whole file, as HTTP allows).
func parseRange(h string, size int64) (media.Range, bool, error) {
	spec, ok := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if h == "" || !ok || strings.Contains(spec, ",") || size == 0 {
		return media.Range{}, false, nil
	}
	bad := fault.Errorf(fault.Invalid, "This part of the file does not exist: it has %d bytes.", size)
	first, last, ok := strings.Cut(spec, "-")
	if !ok {
		return media.Range{}, false, bad
	}
	var start, end int64
	var err error
	switch {
	case first == "": // the last n bytes
		n, perr := strconv.ParseInt(last, 10, 64)
		if perr != nil || n <= 0 {
			return media.Range{}, false, bad
		}
		start, end = max(size-n, 0), size-1
	default:
		if start, err = strconv.ParseInt(first, 10, 64); err != nil || start < 0 || start >= size {
			return media.Range{}, false, bad
		}
		end = size - 1
		if last != "" {
			if end, err = strconv.ParseInt(last, 10, 64); err != nil || end < start {
				return media.Range{}, false, bad
			}
			end = min(end, size-1)
		}
	}
	return media.Range{Offset: start, Length: end - start + 1}, true, nil
}

// --- captions ---

func (a *API) getCaption(c *fiber.Ctx) error {
	_, vs, ver, err := a.videoVersionFor(c, policy.VideoView)
	if err != nil {
		return err
	}
	cp, err := vs.Videos.Caption(c.UserContext(), ver.ID, c.Params("language"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/vtt; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.SendString(cp.Text)
}

func (a *API) putCaption(c *fiber.Ctx) error {
	cl, vs, ver, err := a.videoVersionFor(c, policy.VideoCaption)
	if err != nil {
		return err
	}
	if ct := strings.ToLower(c.Get(fiber.HeaderContentType)); !strings.HasPrefix(ct, "text/vtt") && !strings.HasPrefix(ct, "text/plain") {
		return fault.Errorf(fault.Invalid, "Send the captions as a WebVTT file (Content-Type: text/vtt).")
	}
	cp, err := vs.Videos.PutCaption(c.UserContext(), cl.Account.ID, ver, c.Params("language"), c.Body())
	if err != nil {
		return err
	}
	base := "/api/videos/" + ver.VideoID + "/versions/" + strconv.Itoa(ver.Number)
	return c.JSON(fiber.Map{"caption": captionView{Language: cp.Language, Cues: cp.Cues, URL: base + "/captions/" + cp.Language, UpdatedAt: cp.UpdatedAt}})
}

// --- uploads (tus) ---

// postVideoUpload creates an upload of a new version of the video (tus
// creation, optionally with the first chunk).
func (a *API) postVideoUpload(c *fiber.Ctx) error {
	cl, vs, v, err := a.videoFor(c, policy.VideoUpload)
	if err != nil {
		return err
	}
	ctx := upload.WithOwner(c.UserContext(), upload.Owner{AccountID: cl.Account.ID, VideoID: v.ID, PanelID: v.PanelID, GroupID: v.GroupID})
	return a.tusBridge(c, vs.tus.Middleware(http.HandlerFunc(vs.tus.PostFile)).ServeHTTP, "", ctx)
}

// uploadFor loads the upload of the path: only its uploader, while they
// may still upload into its group, may see or continue it.
func (a *API) uploadFor(c *fiber.Ctx) (*Videos, upload.Upload, error) {
	vs, err := a.videos()
	if err != nil {
		return nil, upload.Upload{}, err
	}
	cl, err := a.signedIn(c)
	if err != nil {
		return nil, upload.Upload{}, err
	}
	u, err := vs.Uploads.Get(c.UserContext(), c.Params("uploadId"))
	if err != nil {
		return nil, upload.Upload{}, err
	}
	if u.Uploader != cl.Account.ID {
		return nil, upload.Upload{}, fault.Errorf(fault.NotFound, "There is no such upload. Start the upload again.")
	}
	r, err := a.withModerator(c.UserContext(), videoResource(u.PanelID, u.GroupID))
	if err != nil {
		return nil, upload.Upload{}, err
	}
	if err := allowed(cl, policy.VideoUpload, r); err != nil {
		return nil, upload.Upload{}, err
	}
	if err := a.notMuted(c.UserContext(), cl, policy.VideoUpload, u.GroupID); err != nil {
		return nil, upload.Upload{}, err
	}
	return vs, u, nil
}

func (a *API) tusOn(c *fiber.Ctx, method func(*handler.UnroutedHandler) http.HandlerFunc) error {
	vs, u, err := a.uploadFor(c)
	if err != nil {
		return err
	}
	return a.tusBridge(c, vs.tus.Middleware(method(vs.tus)).ServeHTTP, u.ID, c.UserContext())
}

func (a *API) headUpload(c *fiber.Ctx) error {
	return a.tusOn(c, func(h *handler.UnroutedHandler) http.HandlerFunc { return h.HeadFile })
}

func (a *API) patchUpload(c *fiber.Ctx) error {
	return a.tusOn(c, func(h *handler.UnroutedHandler) http.HandlerFunc { return h.PatchFile })
}

func (a *API) deleteUpload(c *fiber.Ctx) error {
	return a.tusOn(c, func(h *handler.UnroutedHandler) http.HandlerFunc { return h.DelFile })
}

// getUpload says where an upload stands, as JSON (tus clients use HEAD).
func (a *API) getUpload(c *fiber.Ctx) error {
	_, u, err := a.uploadFor(c)
	if err != nil {
		return err
	}
	out := fiber.Map{"id": u.ID, "videoId": u.VideoID, "filename": u.Filename, "size": u.Size, "offset": u.Offset, "state": u.State}
	if u.State == upload.Received {
		out["sha256"] = u.SHA256
	}
	return c.JSON(fiber.Map{"upload": out})
}
