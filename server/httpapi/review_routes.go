package httpapi

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"chorus/fault"
	"chorus/identity"
	"chorus/media/review"
	"chorus/media/video"
	"chorus/pledge"
	"chorus/policy"
)

// Review of group videos: tags, timecoded comments, approvals, asking to
// share, the moderators' event links, and watching what was shared (as a
// partner or youth of the panel, or through an event link without an
// account). Package review decides; these handlers decode, authorise
// (policy), call and encode.

func (a *API) reviewRoutes() []route {
	return []route{
		{fiber.MethodPost, "/api/videos/:id/script", a.postVideoScript},
		{fiber.MethodGet, "/api/videos/:id/tags", a.getVideoTags},
		{fiber.MethodPost, "/api/videos/:id/tags", a.postVideoTag},
		{fiber.MethodPost, "/api/videos/:id/tags/me/confirm", a.postVideoTagConfirm},
		{fiber.MethodDelete, "/api/videos/:id/tags/:accountId", a.deleteVideoTag},
		{fiber.MethodGet, "/api/videos/:id/sharing", a.getVideoSharing},
		{fiber.MethodDelete, "/api/videos/:id/shares/:shareId", a.deleteVideoShare},
		{fiber.MethodGet, "/api/videos/:id/versions/:number/review", a.getVersionReview},
		{fiber.MethodPost, "/api/videos/:id/versions/:number/approval", a.postVersionApproval},
		{fiber.MethodDelete, "/api/videos/:id/versions/:number/approval", a.deleteVersionApproval},
		{fiber.MethodPost, "/api/videos/:id/versions/:number/share-request", a.postShareRequest},
		{fiber.MethodPost, "/api/videos/:id/versions/:number/links", a.postEventLink},
		{fiber.MethodGet, "/api/videos/:id/versions/:number/comments", a.getVideoComments},
		{fiber.MethodPost, "/api/videos/:id/versions/:number/comments", a.postVideoComment},
		{fiber.MethodPost, "/api/videos/:id/versions/:number/comments/:commentId/resolve", a.postVideoCommentResolve},
		{fiber.MethodGet, "/api/shared/videos", a.getSharedVideos},
		{fiber.MethodGet, "/api/shared/videos/:shareId", a.getSharedVideo},
		{fiber.MethodGet, "/api/shared/videos/:shareId/:file", a.getSharedFile},
		{fiber.MethodGet, "/api/shared/videos/:shareId/captions/:language", a.getSharedCaption},
		{fiber.MethodGet, "/api/watch/:token", a.getWatch},
		{fiber.MethodGet, "/api/watch/:token/:file", a.getWatchFile},
		{fiber.MethodGet, "/api/watch/:token/captions/:language", a.getWatchCaption},
	}
}

// nameOf is how viewer may see accountID (policy.VisibleName).
func (a *API) nameOf(ctx context.Context, viewer caller, accountID, panelID, groupID string) string {
	au, err := a.authorOf(ctx, viewer, accountID, panelID, groupID)
	if err != nil {
		return ""
	}
	return au.name
}

// postVideoScript starts the video's script (once): a document of kind
// script, co-written with the pledge editor's merge, presence and history
// (/api/pledges/{scriptId}...), in the panel's working language.
func (a *API) postVideoScript(c *fiber.Ctx) error {
	cl, vs, v, err := a.videoFor(c, policy.VideoUpload)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if v.ScriptID != "" {
		return c.JSON(fiber.Map{"scriptId": v.ScriptID})
	}
	lang, err := vs.Review.WorkingLanguage(ctx, v.PanelID)
	if err != nil {
		return err
	}
	p, err := a.people.Pledges.Create(ctx, cl.Account.ID, pledge.CreateInput{PanelID: v.PanelID, GroupID: v.GroupID, Title: v.Title, Language: lang, Kind: pledge.KindScript})
	if err != nil {
		return err
	}
	id, err := vs.Videos.AttachScript(ctx, cl.Account.ID, v.ID, p.ID)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"scriptId": id})
}

// --- tags ---

type tagView struct {
	AccountID string `json:"accountId"`
	Name      string `json:"name"`
	Confirmed bool   `json:"confirmed"`
	TaggedBy  string `json:"taggedBy"`
}

func (a *API) tagViews(ctx context.Context, cl caller, vs *Videos, v video.Video) ([]tagView, error) {
	tags, err := vs.Review.Tags(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	out := make([]tagView, 0, len(tags))
	for _, t := range tags {
		out = append(out, tagView{AccountID: t.AccountID, Name: a.nameOf(ctx, cl, t.AccountID, v.PanelID, v.GroupID), Confirmed: t.Confirmed, TaggedBy: t.TaggedBy})
	}
	return out, nil
}

func (a *API) sendTags(c *fiber.Ctx, cl caller, vs *Videos, v video.Video, status int) error {
	tags, err := a.tagViews(c.UserContext(), cl, vs, v)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(fiber.Map{"tags": tags})
}

func (a *API) getVideoTags(c *fiber.Ctx) error {
	cl, vs, v, err := a.videoFor(c, policy.VideoView)
	if err != nil {
		return err
	}
	return a.sendTags(c, cl, vs, v, http.StatusOK)
}

func (a *API) postVideoTag(c *fiber.Ctx) error {
	cl, vs, v, err := a.videoFor(c, policy.VideoTag)
	if err != nil {
		return err
	}
	var in struct {
		AccountID string `json:"accountId"` // empty: oneself
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if _, err := vs.Review.Tag(c.UserContext(), cl.Account.ID, v, in.AccountID); err != nil {
		return err
	}
	return a.sendTags(c, cl, vs, v, http.StatusCreated)
}

func (a *API) postVideoTagConfirm(c *fiber.Ctx) error {
	cl, vs, v, err := a.videoFor(c, policy.VideoTag)
	if err != nil {
		return err
	}
	if _, err := vs.Review.Confirm(c.UserContext(), cl.Account.ID, v); err != nil {
		return err
	}
	return a.sendTags(c, cl, vs, v, http.StatusOK)
}

func (a *API) deleteVideoTag(c *fiber.Ctx) error {
	cl, vs, v, err := a.videoFor(c, policy.VideoTag)
	if err != nil {
		return err
	}
	who := c.Params("accountId")
	if who == "me" {
		who = cl.Account.ID
	}
	mod := policy.Decide(cl.Subject, policy.VideoShare, videoResource(v.PanelID, v.GroupID)).Allow
	if err := vs.Review.Untag(c.UserContext(), cl.Account.ID, mod, v, who); err != nil {
		return err
	}
	return a.sendTags(c, cl, vs, v, http.StatusOK)
}

// --- sharing ---

type audienceView struct {
	Audience policy.Audience `json:"audience"`
	Allowed  bool            `json:"allowed"`
	Reasons  []string        `json:"reasons"`
}

type shareView struct {
	ID        string            `json:"id"`
	Version   int               `json:"version"`
	Audience  policy.Audience   `json:"audience"`
	OrgID     string            `json:"orgId,omitempty"`
	OrgName   string            `json:"orgName,omitempty"`
	Label     string            `json:"label,omitempty"`
	ExpiresAt time.Time         `json:"expiresAt,omitzero"`
	State     review.ShareState `json:"state"`
	Reasons   []string          `json:"reasons,omitempty"`
	CreatedAt time.Time         `json:"createdAt"`
	EndedAt   time.Time         `json:"endedAt,omitzero"`
}

// blockerText is b in the reader's language.
func blockerText(c *fiber.Ctx, b review.Blocker) string {
	return fault.Localize(review.BlockerError(b), translator(languageOf(c)))
}

// getVideoSharing: who the video may reach now and why not, the panel's
// partner organisations to choose from, and every share with its state.
// Why a share was withdrawn names people only for supervisors: the group
// learns that it left, not who withdrew.
func (a *API) getVideoSharing(c *fiber.Ctx) error {
	cl, vs, v, err := a.videoFor(c, policy.VideoView)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	auds := []audienceView{}
	for _, aud := range []policy.Audience{policy.AudiencePanel, policy.AudiencePartners, policy.AudienceEvent} {
		bs, err := vs.Review.Blockers(ctx, v.ID, aud)
		if err != nil {
			return err
		}
		av := audienceView{Audience: aud, Allowed: len(bs) == 0, Reasons: []string{}}
		for _, b := range bs {
			av.Reasons = append(av.Reasons, blockerText(c, b))
		}
		auds = append(auds, av)
	}
	orgs, err := a.partnerOrgs(ctx, v.PanelID)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	supervisor := moderatesPanel(cl, v.PanelID)
	shares, err := vs.Review.Shares(ctx, v.ID)
	if err != nil {
		return err
	}
	out := []shareView{}
	for _, sh := range shares {
		sv := shareView{ID: sh.ID, Version: sh.Number, Audience: sh.Audience, OrgID: sh.OrgID, OrgName: names[sh.OrgID], Label: sh.Label,
			ExpiresAt: sh.ExpiresAt, State: sh.State, CreatedAt: sh.CreatedAt, EndedAt: sh.EndedAt}
		if sh.State == review.Withdrawn {
			if supervisor {
				for _, b := range sh.Blockers {
					sv.Reasons = append(sv.Reasons, blockerText(c, b))
				}
			} else {
				sv.Reasons = []string{fault.Localize(fault.Errorf(fault.Forbidden, "Someone who appears in it withdrew a permission, so it left this audience."), translator(languageOf(c)))}
			}
		}
		out = append(out, sv)
	}
	lang, err := vs.Review.WorkingLanguage(ctx, v.PanelID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"audiences": auds, "partners": orgs, "shares": out, "workingLanguage": lang,
		"canShare": policy.Decide(cl.Subject, policy.VideoShare, videoResource(v.PanelID, v.GroupID)).Allow})
}

func (a *API) partnerOrgs(ctx context.Context, panelID string) ([]review.Org, error) {
	vs, err := a.videos()
	if err != nil {
		return nil, err
	}
	orgs, err := vs.Review.PartnerOrgs(ctx, panelID)
	if orgs == nil {
		orgs = []review.Org{}
	}
	return orgs, err
}

func (a *API) deleteVideoShare(c *fiber.Ctx) error {
	cl, vs, v, err := a.videoFor(c, policy.VideoShare)
	if err != nil {
		return err
	}
	sh, err := vs.Review.Revoke(c.UserContext(), cl.Account.ID, v.ID, c.Params("shareId"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"share": shareView{ID: sh.ID, Version: sh.Number, Audience: sh.Audience, OrgID: sh.OrgID, Label: sh.Label,
		ExpiresAt: sh.ExpiresAt, State: sh.State, CreatedAt: sh.CreatedAt, EndedAt: sh.EndedAt}})
}

// --- approvals and requests ---

type approvalView struct {
	AccountID string    `json:"accountId"`
	Name      string    `json:"name"`
	At        time.Time `json:"at"`
}

func (a *API) getVersionReview(c *fiber.Ctx) error {
	cl, vs, ver, err := a.videoVersionFor(c, policy.VideoView)
	if err != nil {
		return err
	}
	return a.sendReview(c, cl, vs, ver, http.StatusOK)
}

func (a *API) sendReview(c *fiber.Ctx, cl caller, vs *Videos, ver video.Version, status int) error {
	ctx := c.UserContext()
	approvals, err := vs.Review.Approvals(ctx, ver.ID)
	if err != nil {
		return err
	}
	out := fiber.Map{"approvals": []approvalView{}, "request": nil}
	views := []approvalView{}
	for _, ap := range approvals {
		views = append(views, approvalView{AccountID: ap.AccountID, Name: a.nameOf(ctx, cl, ap.AccountID, ver.PanelID, ver.GroupID), At: ap.At})
	}
	out["approvals"] = views
	if r, err := vs.Review.Request(ctx, ver.ID); err == nil {
		out["request"] = fiber.Map{"state": r.State, "panel": r.Panel, "partners": r.Partners, "requestedAt": r.RequestedAt, "decidedAt": r.DecidedAt}
	} else if !fault.Is(err, fault.NotFound) {
		return err
	}
	return c.Status(status).JSON(out)
}

func (a *API) postVersionApproval(c *fiber.Ctx) error {
	cl, vs, ver, err := a.videoVersionFor(c, policy.VideoApprove)
	if err != nil {
		return err
	}
	if _, err := vs.Review.Approve(c.UserContext(), cl.Account.ID, ver); err != nil {
		return err
	}
	return a.sendReview(c, cl, vs, ver, http.StatusOK)
}

func (a *API) deleteVersionApproval(c *fiber.Ctx) error {
	cl, vs, ver, err := a.videoVersionFor(c, policy.VideoApprove)
	if err != nil {
		return err
	}
	if err := vs.Review.Unapprove(c.UserContext(), cl.Account.ID, ver); err != nil {
		return err
	}
	return a.sendReview(c, cl, vs, ver, http.StatusOK)
}

func (a *API) postShareRequest(c *fiber.Ctx) error {
	cl, vs, ver, err := a.videoVersionFor(c, policy.VideoRequestShare)
	if err != nil {
		return err
	}
	var in struct {
		Panel    bool     `json:"panel"`
		Partners []string `json:"partners"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	v, err := vs.Videos.Video(c.UserContext(), ver.VideoID)
	if err != nil {
		return err
	}
	if _, err := vs.Review.RequestShare(c.UserContext(), cl.Account.ID, v, ver, review.ShareInput{Panel: in.Panel, Partners: in.Partners}); err != nil {
		return err
	}
	return a.sendReview(c, cl, vs, ver, http.StatusCreated)
}

// postEventLink: a moderator makes an expiring, view-only event link; the
// link is shown once.
func (a *API) postEventLink(c *fiber.Ctx) error {
	cl, vs, ver, err := a.videoVersionFor(c, policy.VideoShare)
	if err != nil {
		return err
	}
	var in struct {
		Label     string    `json:"label"`
		ExpiresAt time.Time `json:"expiresAt"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	sh, token, err := vs.Review.CreateLink(c.UserContext(), cl.Account.ID, ver, in.Label, in.ExpiresAt)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"link": fiber.Map{"id": sh.ID, "path": "/watch/" + token, "label": sh.Label, "expiresAt": sh.ExpiresAt}})
}

// --- comments ---

type videoCommentView struct {
	review.Comment
	Name    string   `json:"name"`
	Reasons []string `json:"reasons,omitempty"`
}

func (a *API) videoCommentViews(ctx context.Context, c *fiber.Ctx, cl caller, cs []review.Comment) []videoCommentView {
	out := make([]videoCommentView, 0, len(cs))
	for _, cm := range cs {
		v := videoCommentView{Comment: cm, Name: a.nameOf(ctx, cl, cm.Author, cm.PanelID, cm.GroupID)}
		if cm.Held {
			v.Reasons, _ = a.whyHeld(ctx, languageOf(c), review.ContentComment, cm.ID, cm.Hits)
		}
		v.Hits = nil
		out = append(out, v)
	}
	return out
}

func (a *API) getVideoComments(c *fiber.Ctx) error {
	cl, vs, ver, err := a.videoVersionFor(c, policy.VideoView)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	cs, err := vs.Review.Comments(ctx, review.Viewer{AccountID: cl.Account.ID, Supervisor: moderatesPanel(cl, ver.PanelID)}, ver.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"comments": a.videoCommentViews(ctx, c, cl, cs)})
}

func (a *API) postVideoComment(c *fiber.Ctx) error {
	cl, vs, ver, err := a.videoVersionFor(c, policy.VideoComment)
	if err != nil {
		return err
	}
	var in struct {
		At       *float64 `json:"at"`
		ThreadID string   `json:"threadId"`
		Text     string   `json:"text"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if in.At == nil && in.ThreadID == "" {
		return fault.Errorf(fault.Invalid, "Say at which moment of the video your comment is (at, in seconds).")
	}
	at := 0.0
	if in.At != nil {
		at = *in.At
	}
	ctx := c.UserContext()
	cm, err := vs.Review.AddComment(ctx, cl.Account.ID, ver, review.CommentInput{At: at, ThreadID: in.ThreadID, Text: in.Text})
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"comment": a.videoCommentViews(ctx, c, cl, []review.Comment{cm})[0]})
}

func (a *API) postVideoCommentResolve(c *fiber.Ctx) error {
	cl, vs, ver, err := a.videoVersionFor(c, policy.VideoComment)
	if err != nil {
		return err
	}
	var in struct {
		Resolved bool `json:"resolved"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	cm, err := vs.Review.Comment(ctx, c.Params("commentId"))
	if err != nil || cm.VersionID != ver.ID || !(review.Viewer{AccountID: cl.Account.ID, Supervisor: moderatesPanel(cl, ver.PanelID)}).Sees(cm) {
		return fault.Errorf(fault.NotFound, "This comment does not exist.")
	}
	if cm, err = vs.Review.Resolve(ctx, cl.Account.ID, cm.ID, in.Resolved); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"comment": a.videoCommentViews(ctx, c, cl, []review.Comment{cm})[0]})
}

// --- watching what was shared ---

// sharedFor loads a share the caller may watch: a partner of its
// organisation in its panel, or a young person of its panel.
func (a *API) sharedFor(c *fiber.Ctx) (*Videos, review.Share, error) {
	vs, err := a.videos()
	if err != nil {
		return nil, review.Share{}, err
	}
	cl, err := a.signedIn(c)
	if err != nil {
		return nil, review.Share{}, err
	}
	sh, err := vs.Review.ShareByID(c.UserContext(), c.Params("shareId"))
	if err != nil {
		return nil, review.Share{}, err
	}
	if !mayWatch(cl, sh) {
		return nil, review.Share{}, fault.Errorf(fault.NotFound, "This video is not shared with you, or not any more.")
	}
	return vs, sh, nil
}

// mayWatch: the policy on a share that is active and allowed by everyone
// who appears (which review checked as it loaded it).
func mayWatch(cl caller, sh review.Share) bool {
	r := policy.Resource{Kind: policy.KindVideo, PanelID: sh.PanelID, GroupID: sh.GroupID, OrgID: sh.OrgID, Approved: true}
	switch sh.Audience {
	case policy.AudiencePartners:
		return policy.Decide(cl.Subject, policy.VideoViewByPartner, r).Allow
	case policy.AudiencePanel:
		return policy.Decide(cl.Subject, policy.VideoViewInPanel, r).Allow
	}
	return false
}

// getSharedVideos lists what was shared with the caller's organisations
// and panels.
func (a *API) getSharedVideos(c *fiber.Ctx) error {
	vs, err := a.videos()
	if err != nil {
		return err
	}
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	out := []sharedVideo{}
	seen := map[string]bool{}
	for _, m := range cl.Subject.Memberships {
		if m.PanelID == "" {
			continue
		}
		var orgs []string
		if m.Role == identity.Partner {
			orgs = []string{m.OrgID}
		}
		shares, err := vs.Review.Visible(ctx, m.PanelID, orgs)
		if err != nil {
			return err
		}
		for _, sh := range shares {
			if seen[sh.ID] || !mayWatch(cl, sh) {
				continue
			}
			seen[sh.ID] = true
			view, err := a.sharedView(c, vs, sh, "/api/shared/videos/"+sh.ID)
			if err != nil {
				return err
			}
			out = append(out, view)
		}
	}
	return c.JSON(fiber.Map{"videos": out})
}

// sharedVideo is what an audience outside the group sees: the title, the
// version to play with its captions, nothing of the group's work.
type sharedVideo struct {
	ID        string          `json:"id"` // the share's
	Title     string          `json:"title"`
	Version   int             `json:"version"`
	Audience  policy.Audience `json:"audience"`
	Captions  []sharedCaption `json:"captions"`
	Duration  *float64        `json:"duration,omitempty"` // seconds; with width and height once the file was read
	Width     *int            `json:"width,omitempty"`
	Height    *int            `json:"height,omitempty"`
	Poster    string          `json:"poster,omitempty"` // with rendition once the version is ready
	Rendition string          `json:"rendition,omitempty"`
	ExpiresAt time.Time       `json:"expiresAt,omitzero"`
}

// sharedCaption is a caption track of a shared video.
type sharedCaption struct {
	Language string `json:"language"`
	URL      string `json:"url"`
}

func (a *API) sharedView(c *fiber.Ctx, vs *Videos, sh review.Share, base string) (sharedVideo, error) {
	ctx := c.UserContext()
	v, err := vs.Videos.Video(ctx, sh.VideoID)
	if err != nil {
		return sharedVideo{}, err
	}
	ver, err := vs.Videos.VersionByID(ctx, sh.VersionID)
	if err != nil {
		return sharedVideo{}, err
	}
	captions, err := vs.Videos.Captions(ctx, ver.ID)
	if err != nil {
		return sharedVideo{}, err
	}
	cv := []sharedCaption{}
	for _, cp := range captions {
		cv = append(cv, sharedCaption{Language: cp.Language, URL: base + "/captions/" + cp.Language})
	}
	out := sharedVideo{ID: sh.ID, Title: v.Title, Version: ver.Number, Audience: sh.Audience, Captions: cv, ExpiresAt: sh.ExpiresAt}
	if p := ver.Probe; p != nil {
		out.Duration, out.Width, out.Height = &p.Duration, &p.Width, &p.Height
	}
	if ver.State == video.Ready {
		out.Poster, out.Rendition = base+"/poster", base+"/rendition"
	}
	return out, nil
}

func (a *API) getSharedVideo(c *fiber.Ctx) error {
	vs, sh, err := a.sharedFor(c)
	if err != nil {
		return err
	}
	view, err := a.sharedView(c, vs, sh, "/api/shared/videos/"+sh.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"video": view})
}

func (a *API) getSharedFile(c *fiber.Ctx) error {
	vs, sh, err := a.sharedFor(c)
	if err != nil {
		return err
	}
	return a.serveShared(c, vs, sh, c.Params("file"))
}

func (a *API) getSharedCaption(c *fiber.Ctx) error {
	vs, sh, err := a.sharedFor(c)
	if err != nil {
		return err
	}
	return a.serveSharedCaption(c, vs, sh)
}

// OutsideSignedURLTTL bounds the signed URLs given to audiences outside
// the group: a withdrawal must reach them within a minute.
const OutsideSignedURLTTL = 30 * time.Second

// serveShared sends the rendition or poster of a shared version (never
// the original, never the thumbnails of the group's timeline).
func (a *API) serveShared(c *fiber.Ctx, vs *Videos, sh review.Share, file string) error {
	ver, err := vs.Videos.VersionByID(c.UserContext(), sh.VersionID)
	if err != nil {
		return err
	}
	asset := map[string]*video.Asset{"rendition": ver.Rendition, "poster": ver.Poster}[file]
	if !slices.Contains([]string{"rendition", "poster"}, file) {
		return fault.Errorf(fault.NotFound, "There is no such file.")
	}
	if ver.State != video.Ready || asset == nil {
		return fault.Errorf(fault.Conflict, "This version is not ready to watch yet.")
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	if file == "rendition" && vs.SignedURLTTL > 0 {
		if url, ok, err := vs.Blobs.SignedURL(c.UserContext(), asset.Key, min(vs.SignedURLTTL, OutsideSignedURLTTL)); err != nil {
			return err
		} else if ok {
			return c.Redirect(url, http.StatusFound)
		}
	}
	return serveRange(c, vs.Blobs, asset.Key, asset.ContentType, asset.Size)
}

func (a *API) serveSharedCaption(c *fiber.Ctx, vs *Videos, sh review.Share) error {
	cp, err := vs.Videos.Caption(c.UserContext(), sh.VersionID, c.Params("language"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/vtt; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.SendString(cp.Text)
}

// watchFor loads the share of an event link: the link is the credential.
func (a *API) watchFor(c *fiber.Ctx) (*Videos, review.Share, error) {
	vs, err := a.videos()
	if err != nil {
		return nil, review.Share{}, err
	}
	sh, err := vs.Review.Link(c.UserContext(), c.Params("token"))
	return vs, sh, err
}

func (a *API) getWatch(c *fiber.Ctx) error {
	vs, sh, err := a.watchFor(c)
	if err != nil {
		return err
	}
	view, err := a.sharedView(c, vs, sh, "/api/watch/"+c.Params("token"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"video": view})
}

func (a *API) getWatchFile(c *fiber.Ctx) error {
	vs, sh, err := a.watchFor(c)
	if err != nil {
		return err
	}
	return a.serveShared(c, vs, sh, c.Params("file"))
}

func (a *API) getWatchCaption(c *fiber.Ctx) error {
	vs, sh, err := a.watchFor(c)
	if err != nil {
		return err
	}
	return a.serveSharedCaption(c, vs, sh)
}
