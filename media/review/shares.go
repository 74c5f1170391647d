package review

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"chorus/fault"
	"chorus/media/video"
	"chorus/moderation"
	"chorus/policy"
	"chorus/store"
)

// Limits.
const (
	MaxPartners   = 20                  // organisations in one request
	MaxLinkLabel  = 100                 // characters in an event link's name
	MaxLinkExpiry = 30 * 24 * time.Hour // an event link lasts at most this long
)

// RequestState is where a request to share a version stands.
type RequestState string

// The states of a request.
const (
	Waiting          RequestState = "waiting"           // a moderator has the case
	Approved         RequestState = "approved"          // a moderator approved: the shares are made
	ChangesRequested RequestState = "changes_requested" // sent back to the group
	Refused          RequestState = "hidden"            // a moderator hid it
)

// Request is a group asking the moderators to share one version with the
// panel and/or partner organisations (one request per version; asking
// again replaces a request that was sent back).
type Request struct {
	ID          string       `json:"id"` // the version id
	VideoID     string       `json:"videoId"`
	VersionID   string       `json:"versionId"`
	Number      int          `json:"number"`
	PanelID     string       `json:"panelId"`
	GroupID     string       `json:"groupId"`
	Panel       bool         `json:"panel"`
	Partners    []string     `json:"partners"`
	State       RequestState `json:"state"`
	RequestedBy string       `json:"requestedBy"`
	RequestedAt time.Time    `json:"requestedAt"`
	DecidedBy   string       `json:"decidedBy,omitempty"`
	DecidedAt   time.Time    `json:"decidedAt,omitzero"`
}

// ShareState is where a share stands. Only active shares show anything.
type ShareState string

// The states of a share.
const (
	Active    ShareState = "active"
	Revoked   ShareState = "revoked"   // a moderator ended it
	Withdrawn ShareState = "withdrawn" // someone who appears no longer allows it; Blockers say why
	Expired   ShareState = "expired"   // an event link past its time
)

// Share is one version shown to one audience: the panel, one partner
// organisation, or whoever holds an event link.
type Share struct {
	ID        string          `json:"id"`
	VideoID   string          `json:"videoId"`
	VersionID string          `json:"versionId"`
	Number    int             `json:"number"`
	PanelID   string          `json:"panelId"`
	GroupID   string          `json:"groupId"`
	Audience  policy.Audience `json:"audience"`
	OrgID     string          `json:"orgId,omitempty"`
	TokenHash string          `json:"tokenHash,omitempty"` // event links: the SHA-256 of the token; the token itself is never kept
	Label     string          `json:"label,omitempty"`
	ExpiresAt time.Time       `json:"expiresAt,omitzero"`
	State     ShareState      `json:"state"`
	Blockers  []Blocker       `json:"blockers,omitempty"`
	CreatedBy string          `json:"createdBy"`
	CreatedAt time.Time       `json:"createdAt"`
	EndedBy   string          `json:"endedBy,omitempty"`
	EndedAt   time.Time       `json:"endedAt,omitzero"`
}

// ShareInput is what a group asks to share a version with.
type ShareInput struct {
	Panel    bool
	Partners []string // organisation ids
}

// Ready checks what a version needs before it leaves its group for aud:
// it is processed, everyone who appears allows aud (policy.VideoBlockers;
// asked first, as it is what matters most and may take longest to
// change), someone other than its uploader approved it, and it has
// captions in the panel's working language.
func (s *Service) Ready(ctx context.Context, ver video.Version, aud policy.Audience) error {
	if ver.State != video.Ready {
		return fault.Errorf(fault.Conflict, "This version is not ready to watch yet.")
	}
	if err := s.MayReach(ctx, ver.VideoID, aud); err != nil {
		return err
	}
	approvals, err := s.Approvals(ctx, ver.ID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(approvals, func(a Approval) bool { return a.AccountID != ver.UploadedBy }) {
		return fault.Errorf(fault.Conflict, "Someone in the group other than the person who uploaded this version needs to approve it first.")
	}
	lang, err := s.dir.WorkingLanguage(ctx, ver.PanelID)
	if err != nil {
		return err
	}
	if _, err := s.videos.Caption(ctx, ver.ID, lang); fault.Is(err, fault.NotFound) {
		return fault.Errorf(fault.Conflict, "This version needs captions in the panel's language (%s) before it leaves the group.", lang)
	} else if err != nil {
		return err
	}
	return nil
}

// RequestShare asks the moderators to share ver with the audiences of in,
// after checking everything Ready checks for each, and opens the
// moderation case.
func (s *Service) RequestShare(ctx context.Context, actor string, v video.Video, ver video.Version, in ShareInput) (Request, error) {
	return store.Atomically(ctx, s.docs, func(ctx context.Context) (Request, error) { return s.requestShare(ctx, actor, v, ver, in) })
}

func (s *Service) requestShare(ctx context.Context, actor string, v video.Video, ver video.Version, in ShareInput) (Request, error) {
	partners := slices.Compact(slices.Sorted(slices.Values(in.Partners)))
	if !in.Panel && len(partners) == 0 {
		return Request{}, fault.Errorf(fault.Invalid, "Choose who to share the video with: the panel or partner organisations.")
	}
	if len(partners) > MaxPartners {
		return Request{}, fault.Errorf(fault.Invalid, "Share with at most %d organisations at once.", MaxPartners)
	}
	if len(partners) > 0 {
		orgs, err := s.dir.PartnerOrgs(ctx, v.PanelID)
		if err != nil {
			return Request{}, err
		}
		for _, id := range partners {
			if !slices.ContainsFunc(orgs, func(o Org) bool { return o.ID == id }) {
				return Request{}, fault.Errorf(fault.Invalid, "One of the organisations is not a partner of this panel.")
			}
		}
	}
	aud := policy.AudiencePanel
	if len(partners) > 0 {
		aud = policy.AudiencePartners
	}
	if err := s.Ready(ctx, ver, aud); err != nil {
		return Request{}, err
	}
	if in.Panel && aud != policy.AudiencePanel {
		if err := s.MayReach(ctx, v.ID, policy.AudiencePanel); err != nil {
			return Request{}, err
		}
	}
	r := Request{ID: ver.ID, VideoID: v.ID, VersionID: ver.ID, Number: ver.Number, PanelID: v.PanelID, GroupID: v.GroupID,
		Panel: in.Panel, Partners: partners, State: Waiting, RequestedBy: actor, RequestedAt: s.now()}
	if partners == nil {
		r.Partners = []string{}
	}
	if err := s.putRequest(ctx, r); err != nil {
		return Request{}, err
	}
	excerpt := v.Title + " (version " + strconv.Itoa(ver.Number) + ")"
	if _, _, err := s.cases.Open(ctx, moderation.OpenInput{Kind: moderation.KindPublication,
		Content: moderation.ContentRef{Type: ContentVersion, ID: ver.ID, Excerpt: excerpt}, PanelID: v.PanelID, GroupID: v.GroupID, Actor: actor}); err != nil {
		return Request{}, err
	}
	return r, s.event(ctx, actor, "video.share_requested", videoTopic(v.ID), map[string]any{"version": ver.Number, "panel": in.Panel, "partners": r.Partners})
}

// putRequest stores r, replacing a request that was sent back; a request
// waiting or approved stays.
func (s *Service) putRequest(ctx context.Context, r Request) error {
	err := store.InsertAs(ctx, s.docs, colRequests, r.ID, r, time.Time{})
	if !fault.Is(err, fault.Conflict) {
		return err
	}
	_, err = update(ctx, s, colRequests, r.ID, func(old *Request) error {
		switch old.State {
		case Waiting:
			return fault.Errorf(fault.Conflict, "A moderator is already looking at this version.")
		case Approved:
			return fault.Errorf(fault.Conflict, "This version is already shared.")
		}
		*old = r
		return nil
	})
	return err
}

// Request returns the share request of a version.
func (s *Service) Request(ctx context.Context, versionID string) (Request, error) {
	d, err := store.GetAs[Request](ctx, s.docs, colRequests, versionID)
	if fault.Is(err, fault.NotFound) {
		return Request{}, fault.Errorf(fault.NotFound, "Nobody has asked to share this version.")
	}
	return d.Value, err
}

// CheckDecision refuses an approval the version is not ready for (see
// Ready), so a moderator cannot approve what the people in it do not
// allow; other outcomes are always possible.
func (s *Service) CheckDecision(ctx context.Context, versionID, outcome string) error {
	if outcome != OutcomeApprove {
		return nil
	}
	r, err := s.Request(ctx, versionID)
	if err != nil {
		return err
	}
	if r.State != Waiting {
		return fault.Errorf(fault.Conflict, "This version is not waiting for a moderator any more. Please reload it.")
	}
	ver, err := s.videos.VersionByID(ctx, versionID)
	if err != nil {
		return err
	}
	aud := policy.AudiencePanel
	if len(r.Partners) > 0 {
		aud = policy.AudiencePartners
	}
	if err := s.Ready(ctx, ver, aud); err != nil {
		return err
	}
	if r.Panel {
		return s.MayReach(ctx, ver.VideoID, policy.AudiencePanel)
	}
	return nil
}

// Decide carries out a moderator's decision on a share request: approve
// makes its shares; request_changes and hide send it back, and hide also
// ends every share of the version.
func (s *Service) Decide(ctx context.Context, actor, versionID, outcome string) error {
	return s.docs.InTransaction(ctx, func(ctx context.Context) error { return s.decide(ctx, actor, versionID, outcome) })
}

func (s *Service) decide(ctx context.Context, actor, versionID, outcome string) error {
	var before RequestState
	r, err := update(ctx, s, colRequests, versionID, func(r *Request) error {
		before = r.State
		switch outcome {
		case OutcomeApprove:
			r.State = Approved
		case OutcomeRequestChanges:
			r.State = ChangesRequested
		case OutcomeHide:
			r.State = Refused
		case OutcomeRestore:
			if r.State == Refused {
				r.State = ChangesRequested // a restore never approves
			}
		default:
			return fault.Errorf(fault.Invalid, "Unknown moderation outcome %q.", outcome)
		}
		r.DecidedBy, r.DecidedAt = actor, s.now()
		return nil
	})
	if err != nil {
		return err
	}
	switch {
	case outcome == OutcomeApprove && before != Approved:
		var audiences []Share
		if r.Panel {
			audiences = append(audiences, Share{Audience: policy.AudiencePanel})
		}
		for _, org := range r.Partners {
			audiences = append(audiences, Share{Audience: policy.AudiencePartners, OrgID: org})
		}
		for _, sh := range audiences {
			sh.ID, sh.VideoID, sh.VersionID, sh.Number, sh.PanelID, sh.GroupID = uuid.NewString(), r.VideoID, r.VersionID, r.Number, r.PanelID, r.GroupID
			sh.State, sh.CreatedBy, sh.CreatedAt = Active, actor, s.now()
			if err := s.insertShare(ctx, sh); err != nil {
				return err
			}
		}
	case outcome == OutcomeHide:
		shares, err := find[Share](ctx, s, colShares, "versionId", versionID, "")
		if err != nil {
			return err
		}
		for _, sh := range shares {
			if sh.State == Active {
				if _, err := s.end(ctx, actor, sh.ID, Revoked, nil); err != nil {
					return err
				}
			}
		}
	}
	return s.event(ctx, actor, "video.share_decided", videoTopic(r.VideoID), map[string]any{"version": r.Number, "outcome": outcome})
}

func (s *Service) insertShare(ctx context.Context, sh Share) error {
	if sh.TokenHash == "" {
		sh.TokenHash = "none:" + sh.ID // the unique index needs a value; no token hashes to it
	}
	if err := store.InsertAs(ctx, s.docs, colShares, sh.ID, sh, time.Time{}); err != nil {
		return err
	}
	return s.event(ctx, sh.CreatedBy, "video.shared", videoTopic(sh.VideoID), map[string]any{"shareId": sh.ID, "version": sh.Number,
		"audience": sh.Audience, "orgId": sh.OrgID, "expiresAt": sh.ExpiresAt})
}

// Shares lists every share of a video, newest first.
func (s *Service) Shares(ctx context.Context, videoID string) ([]Share, error) {
	out, err := find[Share](ctx, s, colShares, "videoId", videoID, "")
	slices.SortFunc(out, func(a, b Share) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, err
}

// CreateLink makes an event link for ver, as a moderator: view-only, it
// works until expires (at most MaxLinkExpiry away) unless revoked, and
// only while everyone who appears allows an event audience. The token is
// returned once and never kept.
func (s *Service) CreateLink(ctx context.Context, actor string, ver video.Version, label string, expires time.Time) (Share, string, error) {
	var token string
	sh, err := store.Atomically(ctx, s.docs, func(ctx context.Context) (Share, error) {
		var (
			sh  Share
			err error
		)
		sh, token, err = s.createLink(ctx, actor, ver, label, expires)
		return sh, err
	})
	if err != nil {
		return Share{}, "", err
	}
	return sh, token, nil
}

func (s *Service) createLink(ctx context.Context, actor string, ver video.Version, label string, expires time.Time) (Share, string, error) {
	label = strings.TrimSpace(label)
	if label == "" || utf8.RuneCountInString(label) > MaxLinkLabel {
		return Share{}, "", fault.Errorf(fault.Invalid, "Name the event in 1 to %d characters.", MaxLinkLabel)
	}
	now := s.now()
	if !expires.After(now) || expires.Sub(now) > MaxLinkExpiry {
		return Share{}, "", fault.Errorf(fault.Invalid, "An event link must end in the future, within %d days.", int(MaxLinkExpiry.Hours()/24))
	}
	r, err := s.Request(ctx, ver.ID)
	if err != nil || r.State != Approved {
		return Share{}, "", fault.Errorf(fault.Conflict, "A moderator needs to approve this version for sharing first.")
	}
	if err := s.Ready(ctx, ver, policy.AudienceEvent); err != nil {
		return Share{}, "", err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return Share{}, "", fault.Wrap(fault.Internal, err, "review: no randomness")
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	sh := Share{ID: uuid.NewString(), VideoID: ver.VideoID, VersionID: ver.ID, Number: ver.Number, PanelID: ver.PanelID, GroupID: ver.GroupID,
		Audience: policy.AudienceEvent, TokenHash: hashToken(token), Label: label, ExpiresAt: expires.UTC(), State: Active, CreatedBy: actor, CreatedAt: now}
	if err := s.insertShare(ctx, sh); err != nil {
		return Share{}, "", err
	}
	return sh, token, nil
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Revoke ends a share of videoID, as a moderator; it is recorded.
func (s *Service) Revoke(ctx context.Context, actor, videoID, shareID string) (Share, error) {
	d, err := store.GetAs[Share](ctx, s.docs, colShares, shareID)
	if err != nil || d.Value.VideoID != videoID {
		return Share{}, fault.Errorf(fault.NotFound, "This video has no such share.")
	}
	if d.Value.State != Active {
		return d.Value, nil
	}
	return s.end(ctx, actor, shareID, Revoked, nil)
}

// end moves an active share to state and records why; a share that ended
// meanwhile is left as it is. A withdrawal also tells the group (without
// names: who withdrew is theirs to say) and the panel's moderators (with
// first names and reasons).
func (s *Service) end(ctx context.Context, actor, shareID string, state ShareState, blockers []Blocker) (Share, error) {
	return store.Atomically(ctx, s.docs, func(ctx context.Context) (Share, error) { return s.endTx(ctx, actor, shareID, state, blockers) })
}

func (s *Service) endTx(ctx context.Context, actor, shareID string, state ShareState, blockers []Blocker) (Share, error) {
	ended := false
	sh, err := update(ctx, s, colShares, shareID, func(sh *Share) error {
		if sh.State != Active {
			return nil
		}
		ended = true
		sh.State, sh.EndedBy, sh.EndedAt, sh.Blockers = state, actor, s.now(), blockers
		return nil
	})
	if err != nil || !ended {
		return sh, err
	}
	data := map[string]any{"shareId": sh.ID, "version": sh.Number, "audience": sh.Audience, "orgId": sh.OrgID, "state": state}
	var reasons []string
	for _, b := range blockers {
		reasons = append(reasons, b.Reason)
	}
	if reasons != nil {
		data["reasons"] = reasons
	}
	if err := s.event(ctx, actor, "video.share_ended", videoTopic(sh.VideoID), data); err != nil {
		return sh, err
	}
	if state != Withdrawn {
		return sh, nil
	}
	if err := s.event(ctx, actor, "video.withdrawn", "group:"+sh.GroupID, map[string]any{"videoId": sh.VideoID, "version": sh.Number,
		"audience": sh.Audience, "reasons": reasons}); err != nil {
		return sh, err
	}
	return sh, s.event(ctx, actor, "video.withdrawn", "moderation:"+sh.PanelID, map[string]any{"videoId": sh.VideoID, "version": sh.Number,
		"audience": sh.Audience, "orgId": sh.OrgID, "groupId": sh.GroupID, "blockers": blockers})
}

// check returns sh when it still shows its version: active, not past its
// time, and allowed by everyone who appears. One that no longer is ends
// here and now (recorded and told), and the answer is fault.NotFound.
func (s *Service) check(ctx context.Context, sh Share) (Share, error) {
	gone := fault.Errorf(fault.NotFound, "This video is not shared with you, or not any more.")
	if sh.State != Active {
		return Share{}, gone
	}
	if !sh.ExpiresAt.IsZero() && !s.now().Before(sh.ExpiresAt) {
		if _, err := s.end(ctx, "system", sh.ID, Expired, nil); err != nil {
			return Share{}, err
		}
		return Share{}, gone
	}
	bs, err := s.Blockers(ctx, sh.VideoID, sh.Audience)
	if err != nil {
		return Share{}, err
	}
	if len(bs) > 0 {
		if _, err := s.end(ctx, "system", sh.ID, Withdrawn, bs); err != nil {
			return Share{}, err
		}
		return Share{}, gone
	}
	return sh, nil
}

// Link returns the share of an event link token, if it still works.
func (s *Service) Link(ctx context.Context, token string) (Share, error) {
	docs, err := store.FindAs[Share](ctx, s.docs, colShares, store.Query{
		Where: []store.Cond{{Field: "tokenHash", Op: store.Eq, Value: hashToken(token)}}, Limit: 1}, 1)
	if err != nil {
		return Share{}, err
	}
	if len(docs) == 0 || docs[0].Value.Audience != policy.AudienceEvent {
		return Share{}, fault.Errorf(fault.NotFound, "This link does not work: it is wrong, it has ended, or it was revoked.")
	}
	sh, err := s.check(ctx, docs[0].Value)
	if fault.Is(err, fault.NotFound) {
		return Share{}, fault.Errorf(fault.NotFound, "This link does not work: it is wrong, it has ended, or it was revoked.")
	}
	return sh, err
}

// SharedWith returns the active share of versionID with the panel (orgs
// empty) or with one of orgs, if it still shows.
func (s *Service) SharedWith(ctx context.Context, versionID string, orgs []string) (Share, error) {
	shares, err := find[Share](ctx, s, colShares, "versionId", versionID, "")
	if err != nil {
		return Share{}, err
	}
	for _, sh := range shares {
		if sh.State != Active {
			continue
		}
		if (len(orgs) == 0 && sh.Audience == policy.AudiencePanel) || (sh.Audience == policy.AudiencePartners && slices.Contains(orgs, sh.OrgID)) {
			return s.check(ctx, sh)
		}
	}
	return Share{}, fault.Errorf(fault.NotFound, "This video is not shared with you, or not any more.")
}

// Visible lists the active shares of a panel that reach the panel
// (orgs empty) or one of orgs, and still show.
func (s *Service) Visible(ctx context.Context, panelID string, orgs []string) ([]Share, error) {
	active, err := find[Share](ctx, s, colShares, "state", string(Active), "")
	if err != nil {
		return nil, err
	}
	var out []Share
	for _, sh := range active {
		if sh.PanelID != panelID {
			continue
		}
		if (len(orgs) == 0 && sh.Audience == policy.AudiencePanel) || (sh.Audience == policy.AudiencePartners && slices.Contains(orgs, sh.OrgID)) {
			if sh, err := s.check(ctx, sh); err == nil {
				out = append(out, sh)
			} else if !fault.Is(err, fault.NotFound) {
				return nil, err
			}
		}
	}
	slices.SortFunc(out, func(a, b Share) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, nil
}

// Sweep checks every active share and ends those past their time or no
// longer allowed by the people who appear (see check). The worker runs it
// often enough that a withdrawal is recorded and told within a minute
// even when nobody opens the video. It returns how many ended.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	active, err := find[Share](ctx, s, colShares, "state", string(Active), "")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sh := range active {
		if _, err := s.check(ctx, sh); fault.Is(err, fault.NotFound) {
			n++
		} else if err != nil {
			return n, err
		}
	}
	return n, nil
}

// ShareByID returns share id if it still shows its version (see check).
func (s *Service) ShareByID(ctx context.Context, id string) (Share, error) {
	d, err := store.GetAs[Share](ctx, s.docs, colShares, id)
	if fault.Is(err, fault.NotFound) {
		return Share{}, fault.Errorf(fault.NotFound, "This video is not shared with you, or not any more.")
	}
	if err != nil {
		return Share{}, err
	}
	return s.check(ctx, d.Value)
}
