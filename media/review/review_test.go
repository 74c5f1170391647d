package review_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/consent"
	"chorus/fault"
	"chorus/identity"
	"chorus/jobs"
	"chorus/media/disk"
	"chorus/media/review"
	"chorus/media/upload"
	"chorus/media/video"
	"chorus/moderation"
	"chorus/moderation/screen"
	"chorus/policy"
	"chorus/store"
	"chorus/store/sqlite"
)

// directory is a Directory kept in memory, changed by the tests.
type directory struct {
	mu     sync.Mutex
	people map[string]review.Person
	groups map[string]string // account -> group
}

var _ review.Directory = (*directory)(nil)

func (d *directory) Person(_ context.Context, id string) (review.Person, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p, ok := d.people[id]
	if !ok {
		return review.Person{}, fault.Errorf(fault.NotFound, "no such person")
	}
	p.Consents = slices.Clone(p.Consents)
	return p, nil
}

func (d *directory) InGroup(_ context.Context, id, group string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.groups[id] == group, nil
}

func (d *directory) WorkingLanguage(context.Context, string) (string, error) { return "fr", nil }

func (d *directory) PartnerOrgs(context.Context, string) ([]review.Org, error) {
	return []review.Org{{ID: "o1", Name: "Partner One"}, {ID: "o2", Name: "Partner Two"}}, nil
}

func (d *directory) set(id string, scopes ...consent.Scope) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := d.people[id]
	p.Consents = scopes
	d.people[id] = p
}

// screeners gives each panel its own screener.
type screeners map[string]*screen.Screener

func (m screeners) ScreenerFor(_ context.Context, panelID string) (*screen.Screener, error) {
	if sc, ok := m[panelID]; ok {
		return sc, nil
	}
	return nil, fault.Errorf(fault.NotFound, "no panel %s", panelID)
}

type fixture struct {
	docs   store.Documents
	blobs  *disk.Store
	videos *video.Service
	rev    *review.Service
	cases  *moderation.Service
	dir    *directory
	now    time.Time
	video  video.Video
	ver    video.Version
}

var all = []consent.Scope{consent.Participate, consent.VideoAppear, consent.VideoPublish}

// newFixture: a group g1 of panel p1 with Sam (16) and Kim (15), who hold
// every consent, Noa (14) who holds participate only, and Lea of group
// g2; Sam uploaded version 1 of a video, processed, 10 s long.
func newFixture(t *testing.T) *fixture {
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
	f := &fixture{docs: docs, blobs: blobs, videos: video.NewService(docs, blobs, q), cases: moderation.NewService(docs, nil), now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	f.dir = &directory{people: map[string]review.Person{
		"sam": {AccountID: "sam", FirstName: "Sam", Youth: true, Band: consent.MinorAtConsentAge, Consents: all},
		"kim": {AccountID: "kim", FirstName: "Kim", Youth: true, Band: consent.MinorAtConsentAge, Consents: all},
		"noa": {AccountID: "noa", FirstName: "Noa", Youth: true, Band: consent.MinorBelowConsentAge, Consents: all[:1]},
		"lea": {AccountID: "lea", FirstName: "Lea", Youth: true, Band: consent.MinorAtConsentAge, Consents: all},
	}, groups: map[string]string{"sam": "g1", "kim": "g1", "noa": "g1", "lea": "g2"}}
	own, err := screen.New(screen.Lists{Languages: []string{"fr"}, Own: []string{"mot secret"}})
	if err != nil {
		t.Fatal(err)
	}
	f.rev = review.NewService(docs, f.videos, f.dir, f.cases, screeners{"p1": own})
	f.rev.Now = func() time.Time { return f.now }
	for _, declare := range []func(context.Context) error{q.Declare, f.videos.Declare, f.cases.Declare, f.rev.Declare} {
		if err := declare(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if f.video, err = f.videos.Create(ctx, "sam", identity.Group{ID: "g1", PanelID: "p1"}, "Apps and us"); err != nil {
		t.Fatal(err)
	}
	if err := f.videos.Received(ctx, upload.Upload{ID: "u1", VideoID: f.video.ID, PanelID: "p1", GroupID: "g1", Uploader: "sam", State: upload.Received}); err != nil {
		t.Fatal(err)
	}
	if f.ver, err = f.videos.UpdateVersion(ctx, "u1", "", func(v *video.Version) {
		v.State, v.Probe = video.Ready, &video.Probe{Duration: 10}
	}); err != nil {
		t.Fatal(err)
	}
	return f
}

func wantCode(t *testing.T, what string, err error, code fault.Code, contains string) {
	t.Helper()
	if !fault.Is(err, code) || !strings.Contains(fault.MessageOf(err), contains) {
		t.Errorf("%s: got %v, want %s containing %q", what, err, code, contains)
	}
}

func TestNobodyIsTaggedWithoutAgreeing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if tg, err := f.rev.Tag(ctx, "sam", f.video, ""); err != nil || !tg.Confirmed {
		t.Fatalf("tagging oneself: %+v, %v; want a confirmed tag", tg, err)
	}
	tg, err := f.rev.Tag(ctx, "sam", f.video, "kim")
	if err != nil || tg.Confirmed || tg.TaggedBy != "sam" {
		t.Fatalf("tagging a group member: %+v, %v; want a tag waiting for Kim", tg, err)
	}
	for _, who := range []string{"lea", "nobody"} {
		_, err := f.rev.Tag(ctx, "sam", f.video, who)
		wantCode(t, "tagging "+who+", not in the group", err, fault.Invalid, "only tag members of this group")
	}
	// Kim's tag is no agreement yet: the video cannot leave the group.
	wantCode(t, "leaving with an unconfirmed tag", f.rev.MayReach(ctx, f.video.ID, policy.AudiencePanel), fault.Forbidden, "Kim has not confirmed")
	if tg, err := f.rev.Confirm(ctx, "kim", f.video); err != nil || !tg.Confirmed {
		t.Fatalf("Kim confirming: %+v, %v", tg, err)
	}
	if err := f.rev.MayReach(ctx, f.video.ID, policy.AudiencePanel); err != nil {
		t.Errorf("both confirmed and holding video_appear: %v, want the panel allowed", err)
	}
	_, err = f.rev.Confirm(ctx, "noa", f.video)
	wantCode(t, "confirming without a tag", err, fault.NotFound, "Nobody has tagged you")

	// A confirmed tag of someone else goes only by that person or a moderator.
	wantCode(t, "Sam removing Kim's confirmed tag", f.rev.Untag(ctx, "sam", false, f.video, "kim"), fault.Forbidden, "Only the person tagged")
	if _, err := f.rev.Tag(ctx, "kim", f.video, "noa"); err != nil {
		t.Fatal(err)
	}
	if err := f.rev.Untag(ctx, "kim", false, f.video, "noa"); err != nil {
		t.Errorf("the tagger removing a tag still waiting: %v", err)
	}
	if err := f.rev.Untag(ctx, "mod", true, f.video, "kim"); err != nil {
		t.Errorf("a moderator removing a tag: %v", err)
	}
	tags, _ := f.rev.Tags(ctx, f.video.ID)
	if len(tags) != 1 || tags[0].AccountID != "sam" {
		t.Errorf("tags: got %+v, want Sam's only", tags)
	}
}

func TestSharingWaitsForEveryonesConsentCaptionsAndAReviewer(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	share := func(in review.ShareInput) error {
		_, err := f.rev.RequestShare(ctx, "sam", f.video, f.ver, in)
		return err
	}
	wantCode(t, "no audience", share(review.ShareInput{}), fault.Invalid, "Choose who")
	wantCode(t, "an organisation of no partner", share(review.ShareInput{Partners: []string{"o9"}}), fault.Invalid, "not a partner of this panel")
	partners := review.ShareInput{Panel: true, Partners: []string{"o1"}}
	// Who appears comes first.
	wantCode(t, "nobody tagged", share(partners), fault.Forbidden, "tag everyone who appears")
	f.rev.Tag(ctx, "sam", f.video, "")
	f.rev.Tag(ctx, "noa", f.video, "")
	wantCode(t, "Noa lacks video_appear", share(partners), fault.Forbidden, "Noa does not have permission to appear in videos")
	f.dir.set("noa", consent.Participate, consent.VideoAppear)
	wantCode(t, "Noa lacks video_publish", share(partners), fault.Forbidden, "Noa does not have permission to share videos (video_publish)")
	if _, err := f.rev.Request(ctx, f.ver.ID); !fault.Is(err, fault.NotFound) {
		t.Errorf("refused requests leave no request: %v", err)
	}
	f.dir.set("noa", all...) // the guardian grants video_publish
	// Then a reviewer other than the uploader, and captions in the working language.
	wantCode(t, "nobody approved", share(partners), fault.Conflict, "other than the person who uploaded")
	f.rev.Approve(ctx, "sam", f.ver)
	wantCode(t, "only the uploader approved", share(partners), fault.Conflict, "other than the person who uploaded")
	if _, err := f.rev.Approve(ctx, "kim", f.ver); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "no captions", share(partners), fault.Conflict, "captions in the panel's language (fr)")
	if _, err := f.videos.PutCaption(ctx, "sam", f.ver, "en", []byte("WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n")); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "captions in another language", share(partners), fault.Conflict, "captions in the panel's language (fr)")
	if _, err := f.videos.PutCaption(ctx, "sam", f.ver, "fr", []byte("WEBVTT\n\n00:01.000 --> 00:02.000\nSalut\n")); err != nil {
		t.Fatal(err)
	}
	r, err := f.rev.RequestShare(ctx, "sam", f.video, f.ver, partners)
	if err != nil || r.State != review.Waiting || !r.Panel || !slices.Equal(r.Partners, []string{"o1"}) {
		t.Fatalf("request: %+v, %v", r, err)
	}
	cs, err := f.cases.CaseFor(ctx, review.ContentVersion, f.ver.ID)
	if err != nil || cs.Kind != moderation.KindPublication || cs.PanelID != "p1" {
		t.Fatalf("the moderators' case: %+v, %v", cs, err)
	}
	wantCode(t, "asking twice", share(partners), fault.Conflict, "already looking")
	if _, err := f.rev.SharedWith(ctx, f.ver.ID, []string{"o1"}); !fault.Is(err, fault.NotFound) {
		t.Errorf("before a moderator approved, partners see nothing: %v", err)
	}

	// Between request and decision, Noa's guardian withdraws: the moderator cannot approve.
	f.dir.set("noa", consent.Participate, consent.VideoAppear)
	wantCode(t, "approving after a withdrawal", f.rev.CheckDecision(ctx, f.ver.ID, review.OutcomeApprove), fault.Forbidden, "Noa")
	f.dir.set("noa", all...)
	if err := f.rev.CheckDecision(ctx, f.ver.ID, review.OutcomeApprove); err != nil {
		t.Fatal(err)
	}
	if err := f.rev.Decide(ctx, "mod", f.ver.ID, review.OutcomeApprove); err != nil {
		t.Fatal(err)
	}
	if sh, err := f.rev.SharedWith(ctx, f.ver.ID, []string{"o2", "o1"}); err != nil || sh.OrgID != "o1" {
		t.Fatalf("partner o1 after approval: %+v, %v", sh, err)
	}
	if _, err := f.rev.SharedWith(ctx, f.ver.ID, []string{"o2"}); !fault.Is(err, fault.NotFound) {
		t.Errorf("partner o2 was not chosen: %v", err)
	}
	if _, err := f.rev.SharedWith(ctx, f.ver.ID, nil); err != nil {
		t.Errorf("the panel: %v", err)
	}
	before := lastEvent(t, f.docs)

	// Noa's guardian withdraws video_publish: partners lose the video at
	// the next request; the panel keeps it (video_appear still holds).
	f.dir.set("noa", consent.Participate, consent.VideoAppear)
	if _, err := f.rev.SharedWith(ctx, f.ver.ID, []string{"o1"}); !fault.Is(err, fault.NotFound) {
		t.Fatalf("partner after the withdrawal: %v, want not found", err)
	}
	if _, err := f.rev.SharedWith(ctx, f.ver.ID, nil); err != nil {
		t.Errorf("the panel after video_publish went: %v", err)
	}
	shares, _ := f.rev.Shares(ctx, f.video.ID)
	var withdrawn []review.Share
	for _, sh := range shares {
		if sh.State == review.Withdrawn {
			withdrawn = append(withdrawn, sh)
		}
	}
	if len(withdrawn) != 1 || withdrawn[0].OrgID != "o1" || len(withdrawn[0].Blockers) != 1 || withdrawn[0].Blockers[0].FirstName != "Noa" {
		t.Fatalf("withdrawn shares: %+v", withdrawn)
	}
	evs := eventsAfter(t, f.docs, before)
	for _, subject := range []string{"video:" + f.video.ID, "group:g1", "moderation:p1"} {
		if !slices.ContainsFunc(evs, func(e store.Event) bool {
			return e.Subject == subject && (e.Type == "video.withdrawn" || e.Type == "video.share_ended")
		}) {
			t.Errorf("no withdrawal event on %s: %v", subject, evs)
		}
	}
	for _, e := range evs {
		if e.Subject == "group:g1" && strings.Contains(string(e.Data), "noa") {
			t.Errorf("the group is told a video left, not who withdrew: %s", e.Data)
		}
	}
	// Granting again does not put it back: the group asks again.
	f.dir.set("noa", all...)
	if _, err := f.rev.SharedWith(ctx, f.ver.ID, []string{"o1"}); !fault.Is(err, fault.NotFound) {
		t.Errorf("a withdrawn share came back by itself: %v", err)
	}
}

func lastEvent(t *testing.T, docs store.Documents) int64 {
	evs := eventsAfter(t, docs, 0)
	return evs[len(evs)-1].ID
}

func eventsAfter(t *testing.T, docs store.Documents, after int64) []store.Event {
	t.Helper()
	var out []store.Event
	for {
		evs, err := docs.Events(context.Background(), store.EventQuery{After: after, Limit: store.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return out
		}
		out = append(out, evs...)
		after = evs[len(evs)-1].ID
	}
}

// approved brings the fixture's version to a moderator's approval for
// partner o1, with Sam and Kim tagged.
func approved(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	f.rev.Tag(ctx, "sam", f.video, "")
	f.rev.Tag(ctx, "kim", f.video, "")
	f.rev.Approve(ctx, "kim", f.ver)
	if _, err := f.videos.PutCaption(ctx, "sam", f.ver, "fr", []byte("WEBVTT\n\n00:01.000 --> 00:02.000\nSalut\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.rev.RequestShare(ctx, "sam", f.video, f.ver, review.ShareInput{Partners: []string{"o1"}}); err != nil {
		t.Fatal(err)
	}
	if err := f.rev.Decide(ctx, "mod", f.ver.ID, review.OutcomeApprove); err != nil {
		t.Fatal(err)
	}
}

func TestEventLinksExpireAndAreRevocable(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	_, _, err := f.rev.CreateLink(ctx, "mod", f.ver, "Forum", f.now.Add(time.Hour))
	wantCode(t, "a link before approval", err, fault.Conflict, "approve this version")
	approved(t, f)
	for _, tc := range []struct {
		label   string
		expires time.Time
	}{{"", f.now.Add(time.Hour)}, {strings.Repeat("x", review.MaxLinkLabel+1), f.now.Add(time.Hour)},
		{"Forum", f.now}, {"Forum", f.now.Add(review.MaxLinkExpiry + time.Second)}} {
		_, _, err := f.rev.CreateLink(ctx, "mod", f.ver, tc.label, tc.expires)
		wantCode(t, "link "+tc.label+" until "+tc.expires.String(), err, fault.Invalid, "")
	}
	sh, token, err := f.rev.CreateLink(ctx, "mod", f.ver, "Safer Internet Forum", f.now.Add(time.Hour))
	if err != nil || len(token) < 40 || sh.TokenHash == token {
		t.Fatalf("CreateLink: %+v %q %v", sh, token, err)
	}
	if got, err := f.rev.Link(ctx, token); err != nil || got.ID != sh.ID {
		t.Fatalf("Link: %+v, %v", got, err)
	}
	for _, bad := range []string{"", "forged", token + "x"} {
		if _, err := f.rev.Link(ctx, bad); !fault.Is(err, fault.NotFound) {
			t.Errorf("Link(%q) = %v, want not found", bad, err)
		}
	}
	f.now = f.now.Add(time.Hour)
	if _, err := f.rev.Link(ctx, token); !fault.Is(err, fault.NotFound) {
		t.Errorf("an expired link: %v, want not found", err)
	}
	f.now = f.now.Add(-time.Hour)
	sh2, token2, _ := f.rev.CreateLink(ctx, "mod", f.ver, "Workshop", f.now.Add(time.Hour))
	if _, err := f.rev.Revoke(ctx, "mod", "other-video", sh2.ID); !fault.Is(err, fault.NotFound) {
		t.Errorf("revoking through another video: %v", err)
	}
	if got, err := f.rev.Revoke(ctx, "mod", f.video.ID, sh2.ID); err != nil || got.State != review.Revoked || got.EndedBy != "mod" {
		t.Fatalf("Revoke: %+v, %v", got, err)
	}
	if _, err := f.rev.Link(ctx, token2); !fault.Is(err, fault.NotFound) {
		t.Errorf("a revoked link: %v", err)
	}
	// The sweep ends what a withdrawal forbids even when nobody looks.
	_, token3, _ := f.rev.CreateLink(ctx, "mod", f.ver, "Third", f.now.Add(time.Hour))
	f.dir.set("kim", consent.Participate)
	if n, err := f.rev.Sweep(ctx); err != nil || n != 2 { // the partner share and the third link
		t.Errorf("Sweep = %d, %v; want 2 ended", n, err)
	}
	f.dir.set("kim", all...)
	if _, err := f.rev.Link(ctx, token3); !fault.Is(err, fault.NotFound) {
		t.Errorf("a swept link: %v", err)
	}
}

func TestTimecodedCommentsAreScreenedThreadedAndResolved(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	add := func(who string, in review.CommentInput) (review.Comment, error) {
		return f.rev.AddComment(ctx, who, f.ver, in)
	}
	for _, tc := range []review.CommentInput{{At: -1, Text: "x"}, {At: 10.5, Text: "x"}, {At: 2, Text: "  "}, {At: 2, Text: strings.Repeat("é", review.MaxComment+1)}} {
		_, err := add("kim", tc)
		wantCode(t, "bad comment", err, fault.Invalid, "")
	}
	c, err := add("kim", review.CommentInput{At: 4.25, Text: "Le son est trop bas ici"})
	if err != nil || c.Held || c.At != 4.25 {
		t.Fatalf("comment: %+v, %v", c, err)
	}
	held, err := add("noa", review.CommentInput{At: 1, Text: "écris-moi à noa@example.org"})
	if err != nil || !held.Held {
		t.Fatalf("a comment with an e-mail address: %+v, %v; want held", held, err)
	}
	// Its case is open for the moderators, with what screening found.
	if cs, err := f.cases.CaseFor(ctx, review.ContentComment, held.ID); err != nil || cs.Kind != moderation.KindScreening || !slices.Equal(cs.Hits, []string{"email"}) || cs.GroupID != "g1" {
		t.Errorf("the held comment's case: %+v, %v; want a screening case for its e-mail address", cs, err)
	}
	reply, err := add("sam", review.CommentInput{At: 9, ThreadID: c.ID, Text: "D'accord"})
	if err != nil || reply.At != 4.25 || reply.ThreadID != c.ID {
		t.Fatalf("reply: %+v, %v; want it at its thread's moment", reply, err)
	}
	if _, err := add("sam", review.CommentInput{At: 1, ThreadID: reply.ID, Text: "x"}); !fault.Is(err, fault.NotFound) {
		t.Errorf("a reply to a reply: %v", err)
	}
	seen := func(v review.Viewer) []string {
		cs, err := f.rev.Comments(ctx, v, f.ver.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		return ids
	}
	if got := seen(review.Viewer{AccountID: "kim"}); !slices.Equal(got, []string{c.ID, reply.ID}) {
		t.Errorf("Kim sees %v, want the comment and its reply, not the held one", got)
	}
	if got := seen(review.Viewer{AccountID: "noa"}); !slices.Equal(got, []string{held.ID, c.ID, reply.ID}) {
		t.Errorf("Noa sees %v, want her held comment too, in timeline order", got)
	}
	if got := seen(review.Viewer{AccountID: "mod", Supervisor: true}); len(got) != 3 {
		t.Errorf("a moderator sees %v, want all three", got)
	}
	if _, err := f.rev.Resolve(ctx, "sam", reply.ID, true); !fault.Is(err, fault.Invalid) {
		t.Errorf("resolving a reply: %v", err)
	}
	if got, err := f.rev.Resolve(ctx, "sam", c.ID, true); err != nil || !got.Resolved || got.ResolvedBy != "sam" {
		t.Errorf("resolve: %+v, %v", got, err)
	}
	if got, err := f.rev.ModerateComment(ctx, "mod", held.ID, review.OutcomeApprove); err != nil || got.Held {
		t.Errorf("approving the held comment: %+v, %v", got, err)
	}
	if got := seen(review.Viewer{AccountID: "kim"}); len(got) != 3 {
		t.Errorf("after approval Kim sees %v", got)
	}
	var data map[string]any
	evs := eventsAfter(t, f.docs, 0)
	for _, e := range evs {
		if e.Type == "video.comment_added" {
			json.Unmarshal(e.Data, &data)
			if strings.Contains(string(e.Data), "example.org") {
				t.Errorf("an event carries a comment's text: %s", e.Data)
			}
		}
	}
	// The panel's own words, from the screener the service was built with (rule 5).
	if own, err := add("kim", review.CommentInput{At: 2, Text: "c'est le mot secret"}); err != nil || !own.Held {
		t.Errorf("a comment with a word of the panel's own list: %+v, %v; want held", own, err)
	}
}

// A withdrawal of consent reaches a youth's video comments without HTTP
// (issue 10, hole 3): review's kinds are registered with the moderation
// workflow, so WithdrawByAuthor takes Noa's visible comment out of the
// group's view, no moderator approves her held one, and its case shows why.
func TestWithdrawalReachesVideoComments(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	noa := policy.Subject{AccountID: "noa", Band: consent.MinorBelowConsentAge, Consents: []consent.Scope{consent.Participate},
		Memberships: []identity.Membership{{PanelID: "p1", GroupID: "g1", Role: identity.Youth}}}
	mod := policy.Subject{AccountID: "mod", Band: consent.Adult, Memberships: []identity.Membership{{PanelID: "p1", Role: identity.Moderator}}}
	m := moderation.NewService(f.docs, func(_ context.Context, id string) (policy.Subject, error) {
		if id != noa.AccountID {
			return policy.Subject{}, fault.Errorf(fault.NotFound, "no account")
		}
		return noa, nil
	})
	f.rev.Register(m)
	shown, err := f.rev.AddComment(ctx, "noa", f.ver, review.CommentInput{At: 2, Text: "J'aime bien la fin"})
	if err != nil || shown.Held {
		t.Fatalf("comment: %+v, %v", shown, err)
	}
	held, err := f.rev.AddComment(ctx, "noa", f.ver, review.CommentInput{At: 3, Text: "écris-moi à noa@example.org"})
	if err != nil || !held.Held {
		t.Fatalf("a comment with an e-mail address: %+v, %v; want held", held, err)
	}
	cs, err := m.CaseFor(ctx, review.ContentComment, held.ID)
	if err != nil {
		t.Fatalf("the held comment's case: %v", err)
	}

	noa.Consents = nil
	if n, err := m.WithdrawByAuthor(ctx, moderation.Withdrawal{AccountID: "noa", Scope: consent.Participate, By: "guardian"}); err != nil || n != 1 {
		t.Fatalf("withdrawal: took %d out (%v), want her visible comment", n, err)
	}
	got, err := f.rev.Comments(ctx, review.Viewer{AccountID: "kim"}, f.ver.ID)
	if err != nil || len(got) != 0 {
		t.Fatalf("the group after the withdrawal sees %+v (%v), want none of Noa's comments", got, err)
	}
	_, err = m.Decide(ctx, moderation.DecideInput{CaseID: cs.ID, By: mod, Action: moderation.Approve, Reason: "fine"})
	wantCode(t, "approving the held comment after the withdrawal", err, fault.Conflict, "no longer takes part")
	if c, _ := f.rev.Comment(ctx, held.ID); !c.Held {
		t.Errorf("the held comment after a refused approval: %+v, want still held", c)
	}
	if cs, _ = m.Case(ctx, cs.ID); !strings.Contains(cs.ConsentWithdrawn, "participate") || len(cs.AuthorConsents) != 0 {
		t.Errorf("the case: consentWithdrawn %q, author consents %v; want the withdrawal, no consents", cs.ConsentWithdrawn, cs.AuthorConsents)
	}
}

// TestAppearancesOfAPerson: a person's export lists the videos they are
// tagged in, confirmed or not, by title, and their own video comments only.
func TestAppearancesOfAPerson(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if _, err := f.rev.Tag(ctx, "sam", f.video, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.rev.Tag(ctx, "sam", f.video, "kim"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.rev.AddComment(ctx, "kim", f.ver, review.CommentInput{At: 4, Text: "Le son est trop bas ici"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.rev.AddComment(ctx, "sam", f.ver, review.CommentInput{At: 2, Text: "Bonne prise"}); err != nil {
		t.Fatal(err)
	}
	got, err := f.rev.AppearancesOf(ctx, "kim")
	if err != nil || len(got.Tags) != 1 || got.Tags[0].VideoID != f.video.ID || got.Tags[0].Confirmed {
		t.Fatalf("Kim's appearances: got %+v %v, want the one tag waiting for her", got, err)
	}
	if len(got.Comments) != 1 || got.Comments[0].Text != "Le son est trop bas ici" {
		t.Errorf("Kim's comments: got %+v, want hers only", got.Comments)
	}
	if title := got.Title(f.video.ID); title != "Apps and us" {
		t.Errorf("the video's title: got %q, want %q", title, "Apps and us")
	}
	if none, err := f.rev.AppearancesOf(ctx, "lea"); err != nil || len(none.Tags) != 0 || len(none.Comments) != 0 {
		t.Errorf("someone in no video: got %+v %v, want nothing", none, err)
	}
}

// TestEraseAppearerRemovesTheCutsTheyAppearIn is the videos row of the
// README's retention table: when Kim's account is erased, every cut of the
// video she is tagged in goes (footage, captions, approvals, comments),
// its share with a partner ends at once, her tag goes and the video stays
// for the group; her comment on a video she is not in keeps its place
// without her words; nobody else's video or words change; a second run
// changes nothing.
func TestEraseAppearerRemovesTheCutsTheyAppearIn(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	for _, key := range []string{"videos/" + f.video.ID + "/originals/u1", "videos/" + f.video.ID + "/versions/u1/poster.jpg", "videos/" + f.video.ID + "/versions/u1/web.mp4"} {
		if _, err := f.blobs.Put(ctx, key, strings.NewReader("bytes"), "application/octet-stream"); err != nil {
			t.Fatal(err)
		}
	}
	approved(t, f) // Sam and Kim tagged, shared with partner o1
	if _, err := f.rev.AddComment(ctx, "kim", f.ver, review.CommentInput{At: 4, Text: "On me voit bien ici"}); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// A second cut waits for a moderator's decision.
	must(f.videos.Received(ctx, upload.Upload{ID: "u3", VideoID: f.video.ID, PanelID: "p1", GroupID: "g1", Uploader: "sam", State: upload.Received}))
	cut2, err := f.videos.UpdateVersion(ctx, "u3", "", func(v *video.Version) { v.State, v.Probe = video.Ready, &video.Probe{Duration: 10} })
	must(err)
	_, err = f.rev.Approve(ctx, "kim", cut2)
	must(err)
	_, err = f.videos.PutCaption(ctx, "sam", cut2, "fr", []byte("WEBVTT\n\n00:01.000 --> 00:02.000\nSalut\n"))
	must(err)
	_, err = f.rev.RequestShare(ctx, "sam", f.video, cut2, review.ShareInput{Partners: []string{"o1"}})
	must(err)
	if _, err := f.cases.CaseFor(ctx, review.ContentVersion, "u3"); err != nil {
		t.Fatalf("the moderators' case about the second cut: %v", err)
	}
	other, err := f.videos.Create(ctx, "sam", identity.Group{ID: "g1", PanelID: "p1"}, "Sam alone")
	if err != nil {
		t.Fatal(err)
	}
	must(f.videos.Received(ctx, upload.Upload{ID: "u2", VideoID: other.ID, PanelID: "p1", GroupID: "g1", Uploader: "sam", State: upload.Received}))
	v2, err := f.videos.UpdateVersion(ctx, "u2", "", func(v *video.Version) { v.State, v.Probe = video.Ready, &video.Probe{Duration: 10} })
	must(err)
	_, err = f.rev.Tag(ctx, "sam", other, "")
	must(err)
	kims, err := f.rev.AddComment(ctx, "kim", v2, review.CommentInput{At: 1, Text: "Super, Sam !"})
	must(err)
	sams, err := f.rev.AddComment(ctx, "sam", v2, review.CommentInput{At: 2, Text: "Merci Kim"})
	must(err)

	var forgotten []string
	got, err := f.rev.EraseAppearer(ctx, "kim", "kim", func(_ context.Context, id string) error { forgotten = append(forgotten, id); return nil })
	if err != nil || !slices.Equal(got.Versions, []string{"u1", "u3"}) || got.Tags != 1 || got.Comments != 1 {
		t.Fatalf("EraseAppearer: got %+v %v, want cuts u1 and u3, one tag, one comment elsewhere", got, err)
	}
	if !slices.Equal(forgotten, []string{"u1", "u3"}) {
		t.Errorf("uploads forgotten: %v, want u1's and u3's", forgotten)
	}
	if c, err := f.cases.CaseFor(ctx, review.ContentVersion, "u3"); !fault.Is(err, fault.NotFound) {
		t.Errorf("the moderators' case about the deleted cut is still open: %+v %v", c, err)
	}
	if _, err := f.rev.SharedWith(ctx, "u1", []string{"o1"}); !fault.Is(err, fault.NotFound) {
		t.Errorf("partner o1 still sees the cut Kim is in: %v", err)
	}
	if _, err := f.videos.VersionByID(ctx, "u1"); !fault.Is(err, fault.NotFound) {
		t.Errorf("the cut Kim is in: %v, want gone", err)
	}
	if left, err := f.blobs.List(ctx, "videos/"+f.video.ID+"/"); err != nil || len(left) != 0 {
		t.Errorf("the footage Kim is in: %v %v, want none left", left, err)
	}
	if cs, _ := f.videos.Captions(ctx, "u1"); len(cs) != 0 {
		t.Errorf("captions of the deleted cut: %v", cs)
	}
	if as, _ := f.rev.Approvals(ctx, "u1"); len(as) != 0 {
		t.Errorf("approvals of the deleted cut: %v", as)
	}
	if cs, _ := f.rev.Comments(ctx, review.Viewer{Supervisor: true}, "u1"); len(cs) != 0 {
		t.Errorf("comments on the deleted cut: %v", cs)
	}
	if v, err := f.videos.Video(ctx, f.video.ID); err != nil || v.Title != "Apps and us" {
		t.Errorf("the video itself: %+v %v, want it kept for the group", v, err)
	}
	tags, _ := f.rev.Tags(ctx, f.video.ID)
	if len(tags) != 1 || tags[0].AccountID != "sam" {
		t.Errorf("tags after the erasure: %+v, want Sam's only", tags)
	}
	if c, _ := f.rev.Comment(ctx, kims.ID); c.Text != "" || !c.Erased {
		t.Errorf("Kim's comment on Sam's video: %+v, want no words, marked erased", c)
	}
	if c, _ := f.rev.Comment(ctx, sams.ID); c.Text != "Merci Kim" || c.Erased {
		t.Errorf("Sam's comment changed: %+v", c)
	}
	if _, err := f.videos.VersionByID(ctx, "u2"); err != nil {
		t.Errorf("Sam's video, which Kim is not in: %v", err)
	}
	if again, err := f.rev.EraseAppearer(ctx, "kim", "kim", nil); err != nil || len(again.Versions)+again.Tags+again.Comments != 0 {
		t.Errorf("a second run: %+v %v, want nothing", again, err)
	}
}
