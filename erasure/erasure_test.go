package erasure_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/auth"
	"chorus/consent"
	"chorus/erasure"
	"chorus/fault"
	"chorus/identity"
	"chorus/jobs"
	"chorus/mail/outbox"
	"chorus/media/disk"
	"chorus/media/review"
	"chorus/media/upload"
	"chorus/media/video"
	"chorus/moderation"
	"chorus/pledge"
	"chorus/store"
	"chorus/store/sqlite"

	"github.com/tus/tusd/v2/pkg/handler"
)

var start = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// world is a panel with a coordinator and a 13-year-old whose guardian
// consented, on one real store with the real services.
type world struct {
	t        *testing.T
	ctx      context.Context
	clk      *clock
	docs     store.Documents
	ids      *identity.Service
	consent  *consent.Service
	mod      *moderation.Service
	pledges  *pledge.Service
	box      *outbox.Outbox
	sessions *auth.Sessions
	blobs    *disk.Store
	videos   *video.Service
	uploads  *upload.Store
	review   *review.Service
	svc      *erasure.Service

	coord, youth, other identity.Account
	panel               identity.Panel
	group               identity.Group
	manage              string // the guardian's manage token
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	clk := &clock{t: start}
	docs, err := sqlite.OpenWith(filepath.Join(t.TempDir(), "db"), sqlite.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docs.Close() })
	w := &world{t: t, ctx: ctx, clk: clk, docs: docs, ids: identity.NewService(docs, nil), mod: moderation.NewService(docs, nil), pledges: pledge.NewService(docs, nil, nil)}
	w.ids.Now, w.mod.Now, w.pledges.Now = clk.Now, clk.Now, clk.Now
	must(t, w.ids.Declare(ctx))
	must(t, w.mod.Declare(ctx))
	must(t, w.pledges.Declare(ctx))
	if w.box, err = outbox.New(ctx, docs, nil, clk.Now, nil); err != nil {
		t.Fatal(err)
	}
	w.consent = consent.NewService(docs, w.box, consent.SubjectsFunc(func(ctx context.Context, id string) (consent.Subject, error) {
		a, err := w.ids.Account(ctx, id)
		if err != nil {
			return consent.Subject{}, err
		}
		sub := consent.Subject{AccountID: a.ID, FirstName: consent.FirstName(a.DisplayName), Email: a.Email, Country: a.Country, Language: a.Language}
		if a.BirthDate != "" {
			sub.BirthDate, _ = consent.ParseBirthDate(a.BirthDate)
		}
		return sub, nil
	}), "https://chorus.example.org")
	w.consent.Now = clk.Now
	must(t, w.consent.Declare(ctx))
	if w.sessions, err = auth.NewSessions(ctx, docs); err != nil {
		t.Fatal(err)
	}
	coordinators := func(ctx context.Context, panelID string) ([]identity.Account, error) {
		ms, err := w.ids.PanelMembers(ctx, panelID)
		var out []identity.Account
		for _, m := range ms {
			if m.Membership.Role == identity.Coordinator {
				out = append(out, m.Account)
			}
		}
		return out, err
	}
	if w.blobs, err = disk.New(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	q := jobs.NewQueue(docs)
	w.videos = video.NewService(docs, w.blobs, q)
	w.uploads = upload.NewStore(docs, w.blobs, w.videos, upload.Limits{})
	w.review = review.NewService(docs, w.videos, videoPeople{w}, w.mod, nil)
	for _, declare := range []func(context.Context) error{q.Declare, w.videos.Declare, w.uploads.Declare, w.review.Declare} {
		must(t, declare(ctx))
	}
	w.svc = erasure.NewService(docs, erasure.Parts{Directory: w.ids, Sessions: w.sessions, Consent: w.consent, Cases: w.mod, Pledges: w.pledges, Mailbox: w.box,
		Videos: w.review, Uploads: w.uploads},
		w.box, coordinators, "https://chorus.example.org")
	w.svc.Now = clk.Now
	must(t, w.svc.Declare(ctx))

	token, _, err := w.ids.NewSetupToken(ctx)
	must(t, err)
	var sic identity.Organisation
	w.coord, sic, err = w.ids.CompleteSetup(ctx, identity.SetupInput{Token: token, OrgName: "Centre", Country: "FR", DisplayName: "Claire Martin",
		Email: "claire@example.org", Language: "fr", PasswordHash: "h"})
	must(t, err)
	w.panel, err = w.ids.CreatePanel(ctx, w.coord.ID, identity.PanelInput{OrgID: sic.ID, Name: "Panel", Country: "FR", Languages: []string{"fr"}})
	must(t, err)
	must(t, w.ids.AddCoordinator(ctx, w.coord.ID, w.panel.ID))
	w.group, err = w.ids.CreateGroup(ctx, w.coord.ID, w.panel.ID, "Groupe A")
	must(t, err)
	w.youth = w.join("lea@example.org", "Léa Dubois", time.Date(2013, 5, 1, 0, 0, 0, 0, time.UTC))
	w.other = w.join("sam@example.org", "Sam Petit", time.Date(2012, 5, 1, 0, 0, 0, 0, time.UTC))

	// The guardian consents through their link (mailed to the outbox).
	must(t, w.consent.RequestGuardian(ctx, w.youth.ID, "parent@example.org", "fr"))
	must(t, w.consent.ConfirmGuardian(ctx, w.linkTo("parent@example.org", "/guardian/"), "Marie Dubois", map[consent.Scope]bool{consent.Participate: true}))
	if _, err := w.consent.Grant(ctx, w.youth.ID, consent.Participate, "fr"); err != nil {
		t.Fatal(err)
	}
	w.manage = w.linkTo("parent@example.org", "/guardian/manage/")
	return w
}

// videoPeople is review's directory on the world's identity service.
type videoPeople struct{ w *world }

func (d videoPeople) Person(ctx context.Context, id string) (review.Person, error) {
	a, err := d.w.ids.Account(ctx, id)
	return review.Person{AccountID: a.ID, FirstName: consent.FirstName(a.DisplayName), Youth: a.BirthDate != ""}, err
}

func (d videoPeople) InGroup(ctx context.Context, id, groupID string) (bool, error) {
	ms, err := d.w.ids.Memberships(ctx, id)
	for _, m := range ms {
		if m.GroupID == groupID {
			return true, err
		}
	}
	return false, err
}

func (videoPeople) WorkingLanguage(context.Context, string) (string, error) { return "fr", nil }

func (videoPeople) PartnerOrgs(context.Context, string) ([]review.Org, error) { return nil, nil }

// upload sends a small MP4 into v as who, through the upload store as tus
// does, and returns the version it became.
func (w *world) upload(who string, v video.Video, filename string) video.Version {
	w.t.Helper()
	data := append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), bytes.Repeat([]byte{0}, 64)...)
	ctx := upload.WithOwner(w.ctx, upload.Owner{AccountID: who, VideoID: v.ID, PanelID: v.PanelID, GroupID: v.GroupID})
	u, err := w.uploads.NewUpload(ctx, handler.FileInfo{Size: int64(len(data)), MetaData: handler.MetaData{"filename": filename}})
	must(w.t, err)
	if _, err := u.WriteChunk(ctx, 0, bytes.NewReader(data)); err != nil {
		w.t.Fatal(err)
	}
	must(w.t, u.FinishUpload(ctx))
	info, err := u.GetInfo(ctx)
	must(w.t, err)
	ver, err := w.videos.UpdateVersion(ctx, info.ID, "", func(ver *video.Version) { ver.State, ver.Probe = video.Ready, &video.Probe{Duration: 10} })
	must(w.t, err)
	return ver
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (w *world) join(email, name string, birth time.Time) identity.Account {
	w.t.Helper()
	_, token, err := w.ids.Invite(w.ctx, w.coord.ID, identity.InviteInput{Email: email, Role: identity.Youth, PanelID: w.panel.ID, GroupID: w.group.ID, Language: "fr"})
	must(w.t, err)
	acc, _, err := w.ids.AcceptInvitation(w.ctx, identity.AcceptInput{Token: token, DisplayName: name, PasswordHash: "h",
		BirthDate: birth.Format(time.DateOnly), Country: "FR", Language: "fr"})
	must(w.t, err)
	return acc
}

// linkTo returns the token of the newest held link to addr under prefix.
func (w *world) linkTo(addr, prefix string) string {
	w.t.Helper()
	page, err := w.box.List(w.ctx, outbox.Query{Limit: store.MaxLimit})
	must(w.t, err)
	for _, e := range page.Entries {
		if e.Message.To != addr {
			continue
		}
		if i := strings.Index(e.Message.Text, "https://chorus.example.org"+prefix); i >= 0 {
			rest := e.Message.Text[i+len("https://chorus.example.org"+prefix):]
			if j := strings.IndexAny(rest, " \n"); j >= 0 {
				rest = rest[:j]
			}
			if !strings.Contains(rest, "/") {
				return rest
			}
		}
	}
	w.t.Fatalf("no %s link to %s in the outbox", prefix, addr)
	return ""
}

// TestEraseWalksTheRetentionTable checks each row of the README's
// retention table once, through the real services.
func TestEraseWalksTheRetentionTable(t *testing.T) {
	w := newWorld(t)
	ctx := w.ctx
	p, err := w.pledges.Create(ctx, w.other.ID, pledge.CreateInput{PanelID: w.panel.ID, GroupID: w.group.ID, Title: "Youth Pledge", Language: "fr"})
	must(t, err)
	it, err := w.pledges.AddItem(ctx, w.youth.ID, p.ID, pledge.ItemInput{Heading: "Des mots simples", Text: "Les applis doivent parler simplement"})
	must(t, err)
	held, err := w.pledges.AddComment(ctx, w.youth.ID, p.ID, it.ID, pledge.CommentInput{Text: "écris-moi à lea.dubois@example.org"})
	must(t, err)
	// The transport opens the screening case, as for every held comment.
	c, _, err := w.mod.Open(ctx, moderation.OpenInput{Kind: moderation.KindScreening, PanelID: w.panel.ID, GroupID: w.group.ID, Hits: []string{"email"},
		Content: moderation.ContentRef{Type: moderation.PledgeComment, ID: held.ID, OwnerID: w.youth.ID, Excerpt: held.Text}})
	must(t, err)
	said, err := w.pledges.AddComment(ctx, w.youth.ID, p.ID, it.ID, pledge.CommentInput{Text: "Mon petit frère utilise cette appli"})
	must(t, err)
	sess, err := w.sessions.Start(ctx, w.youth.ID)
	must(t, err)
	// Léa is in the group's video (she tagged herself); Sam's own video has
	// only him in it, and her comment.
	ours, err := w.videos.Create(ctx, w.other.ID, w.group, "Nos applis")
	must(t, err)
	cut := w.upload(w.other.ID, ours, "lea-et-sam.mp4")
	// Its bytes wait as parts until processing joins them; processing made a poster.
	if parts, err := w.blobs.ListParts(ctx, cut.Original.Key, cut.Original.BlobUpload); err != nil || len(parts) == 0 {
		t.Fatalf("the upload's parts: %v %v", parts, err)
	}
	_, err = w.blobs.Put(ctx, "videos/"+ours.ID+"/versions/"+cut.ID+"/poster.jpg", strings.NewReader("jpeg"), "image/jpeg")
	must(t, err)
	_, err = w.review.Tag(ctx, w.youth.ID, ours, "")
	must(t, err)
	_, err = w.review.AddComment(ctx, w.youth.ID, cut, review.CommentInput{At: 1, Text: "On me reconnaît ici"})
	must(t, err)
	his, err := w.videos.Create(ctx, w.other.ID, w.group, "Sam seul")
	must(t, err)
	hisCut := w.upload(w.other.ID, his, "sam.mp4")
	_, err = w.review.Tag(ctx, w.other.ID, his, "")
	must(t, err)
	onHis, err := w.review.AddComment(ctx, w.youth.ID, hisCut, review.CommentInput{At: 2, Text: "Bravo Sam, signé Léa"})
	must(t, err)

	rec, err := w.svc.Erase(ctx, erasure.Input{AccountID: w.youth.ID, Actor: w.youth.ID})
	if err != nil {
		t.Fatalf("Erase: %v", err)
	}
	if rec.DoneMS == 0 || rec.OnBehalf || len(rec.Places) != 1 || rec.Places[0].PanelID != w.panel.ID {
		t.Errorf("erasure record: got %+v, want done, by the person, with their panel", rec)
	}

	t.Run("account: no name, address or date of birth; no membership; invitations gone", func(t *testing.T) {
		a, err := w.ids.Account(ctx, w.youth.ID)
		if err != nil || a.DisplayName != identity.ErasedName || a.BirthDate != "" || strings.Contains(a.Email, "lea") {
			t.Errorf("account: got %+v %v", a, err)
		}
		if ms, _ := w.ids.Memberships(ctx, w.youth.ID); len(ms) != 0 {
			t.Errorf("memberships: got %v, want none", ms)
		}
		invs, _ := w.ids.Invitations(ctx, w.panel.ID)
		for _, inv := range invs {
			if inv.Email == "lea@example.org" {
				t.Errorf("invitation to the erased address kept: %+v", inv)
			}
		}
	})
	t.Run("held case closed, excerpt removed", func(t *testing.T) {
		got, _ := w.mod.Case(ctx, c.ID)
		if got.Status != moderation.StatusClosed || got.Content.Excerpt != "" {
			t.Errorf("case: got %s %q", got.Status, got.Content.Excerpt)
		}
	})
	t.Run("comments lose their words; co-written text stays", func(t *testing.T) {
		for _, id := range []string{held.ID, said.ID} {
			if got, _ := w.pledges.Comment(ctx, id); got.Text != "" || !got.Erased {
				t.Errorf("comment %s: got %+v", id, got)
			}
		}
		if got, _ := w.pledges.Item(ctx, p.ID, it.ID); got.Text != it.Text || got.UpdatedBy != w.youth.ID {
			t.Errorf("item: got %+v, want kept and pointing at the (nameless) account", got)
		}
	})
	t.Run("consent ledger kept, every scope withdrawn, guardian link ended", func(t *testing.T) {
		hist, _ := w.consent.History(ctx, w.youth.ID)
		if len(hist) < 3 || hist[len(hist)-1].Actor != consent.ByErasure {
			t.Errorf("ledger: got %+v, want the grants kept and the erasure's withdrawal last", hist)
		}
		if _, err := w.consent.OpenGuardianAccess(ctx, w.manage); fault.MessageOf(err) != consent.MsgAccountErased {
			t.Errorf("guardian link: got %v, want %q", err, consent.MsgAccountErased)
		}
	})
	t.Run("videos: every cut they are tagged in goes with its upload; the video stays; their comments elsewhere lose their words", func(t *testing.T) {
		if _, err := w.videos.VersionByID(ctx, cut.ID); !fault.Is(err, fault.NotFound) {
			t.Errorf("the cut Léa is in: %v, want gone", err)
		}
		if left, _ := w.blobs.List(ctx, "videos/"+ours.ID+"/"); len(left) != 0 {
			t.Errorf("footage Léa is in: %v, want none", left)
		}
		if parts, err := w.blobs.ListParts(ctx, cut.Original.Key, cut.Original.BlobUpload); !fault.Is(err, fault.NotFound) {
			t.Errorf("the uploaded parts of that cut: %v %v, want gone", parts, err)
		}
		if _, err := w.uploads.Get(ctx, cut.ID); !fault.Is(err, fault.NotFound) {
			t.Errorf("the upload record (file name, uploader) of that cut: %v, want gone", err)
		}
		if v, err := w.videos.Video(ctx, ours.ID); err != nil || v.Title != "Nos applis" {
			t.Errorf("the group's video: %+v %v, want kept without the cut", v, err)
		}
		if tags, _ := w.review.Tags(ctx, ours.ID); len(tags) != 0 {
			t.Errorf("tags: %+v, want Léa's gone", tags)
		}
		if c, _ := w.review.Comment(ctx, onHis.ID); c.Text != "" || !c.Erased {
			t.Errorf("her comment on Sam's video: %+v, want no words, marked erased", c)
		}
		if _, err := w.videos.VersionByID(ctx, hisCut.ID); err != nil {
			t.Errorf("Sam's video, which Léa is not in: %v", err)
		}
		if _, err := w.uploads.Get(ctx, hisCut.ID); err != nil {
			t.Errorf("Sam's upload record: %v", err)
		}
	})
	t.Run("outbox: nothing to or about the person", func(t *testing.T) {
		page, _ := w.box.List(ctx, outbox.Query{Limit: store.MaxLimit})
		for _, e := range page.Entries {
			if e.Message.To == "lea@example.org" || e.Message.AccountID == w.youth.ID {
				t.Errorf("outbox keeps %q to %s", e.Message.Kind, e.Message.To)
			}
		}
	})
	t.Run("sessions ended", func(t *testing.T) {
		if err := w.sessions.SessionActive(ctx, sess.ID); err == nil {
			t.Error("the person's session still works")
		}
	})
	t.Run("event log: what happened stays, their words and address go", func(t *testing.T) {
		evs, err := w.docs.Events(ctx, store.EventQuery{Limit: store.MaxLimit})
		must(t, err)
		sawComment, sawErased := false, false
		for _, e := range evs {
			for _, secret := range []string{"lea.dubois@example.org", "lea@example.org", "petit frère", "Léa", "Dubois", "2013-05-01", "reconnaît", "signé"} {
				if bytes.Contains(e.Data, []byte(secret)) {
					t.Errorf("event %d %s still holds %q: %s", e.ID, e.Type, secret, e.Data)
				}
			}
			if e.Type == "pledge.comment_added" && e.Actor == w.youth.ID {
				sawComment = true
			}
			if e.Type == erasure.EventErased && e.Actor == w.youth.ID && e.Subject == "account:"+w.youth.ID {
				sawErased = true
			}
			if e.Type == "pledge.item_added" && !bytes.Contains(e.Data, []byte("parler simplement")) {
				t.Errorf("the pledge text left the log: %s", e.Data)
			}
		}
		if !sawComment || !sawErased {
			t.Errorf("the log should keep that a comment was added (%t) and the erasure (%t)", sawComment, sawErased)
		}
	})
	t.Run("erasing again changes nothing", func(t *testing.T) {
		again, err := w.svc.Erase(ctx, erasure.Input{AccountID: w.youth.ID, Actor: w.youth.ID})
		if err != nil || again.DoneMS != rec.DoneMS {
			t.Errorf("again: got %+v %v, want the first record", again, err)
		}
	})
}

// TestDeletionRequestLifeCycle: a guardian's request is due in one month,
// the coordinators are told and reminded a week before, a coordinator's
// erasure on behalf needs a reason, closes the request and is recorded.
func TestDeletionRequestLifeCycle(t *testing.T) {
	w := newWorld(t)
	ctx := w.ctx
	req, created, err := w.svc.RequestDeletion(ctx, w.youth.ID, "guardian")
	if err != nil || !created || time.UnixMilli(req.DueMS).UTC() != start.AddDate(0, 1, 0) {
		t.Fatalf("request: got %+v %t %v, want due on %s", req, created, err, start.AddDate(0, 1, 0))
	}
	if again, created, _ := w.svc.RequestDeletion(ctx, w.youth.ID, "guardian"); created || again.ID != req.ID {
		t.Errorf("asking twice: got a new request %+v, want the first (its deadline runs)", again)
	}
	coordMail := func(kind string) int {
		page, _ := w.box.List(ctx, outbox.Query{Kind: kind})
		n := 0
		for _, e := range page.Entries {
			if e.Message.To == w.coord.Email {
				n++
				if strings.Contains(e.Message.Text, "Léa") {
					t.Errorf("a mail to coordinators names the young person: %s", e.Message.Text)
				}
			}
		}
		return n
	}
	if n := coordMail(erasure.MailRequested); n != 1 {
		t.Errorf("coordinators told: got %d mails, want 1", n)
	}
	open, _ := w.svc.OpenRequests(ctx, []string{w.panel.ID})
	if len(open) != 1 || open[0].ID != req.ID {
		t.Errorf("open requests: got %+v", open)
	}
	if other, _ := w.svc.OpenRequests(ctx, []string{"another-panel"}); len(other) != 0 {
		t.Errorf("another panel sees %+v", other)
	}

	if n, _ := w.svc.SendReminders(ctx); n != 0 {
		t.Errorf("reminders a month before: got %d, want 0", n)
	}
	w.clk.Advance(24*24*time.Hour + time.Minute) // 6 days and a bit before it is due
	if n, err := w.svc.SendReminders(ctx); n != 1 || err != nil {
		t.Errorf("reminders 6 days before: got %d %v, want 1", n, err)
	}
	if n, _ := w.svc.SendReminders(ctx); n != 0 || coordMail(erasure.MailReminder) != 1 {
		t.Errorf("reminding again: got %d, want 0 (one reminder in all)", n)
	}

	if _, err := w.svc.Erase(ctx, erasure.Input{AccountID: w.youth.ID, Actor: w.coord.ID}); fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("on behalf without a reason: got %v, want invalid", err)
	}
	if a, _ := w.ids.Account(ctx, w.youth.ID); a.DisplayName == identity.ErasedName {
		t.Fatal("a refused erasure erased the account")
	}
	rec, err := w.svc.Erase(ctx, erasure.Input{AccountID: w.youth.ID, Actor: w.coord.ID, Reason: "Guardian's request of 23 November"})
	if err != nil || !rec.OnBehalf || rec.RequestID != req.ID || rec.By != w.coord.ID {
		t.Fatalf("on behalf: got %+v %v", rec, err)
	}
	if open, _ := w.svc.OpenRequests(ctx, []string{w.panel.ID}); len(open) != 0 {
		t.Errorf("the request stays open after the erasure: %+v", open)
	}
	if got, err := w.svc.Erased(ctx, w.youth.ID); err != nil || got.Reason != "Guardian's request of 23 November" {
		t.Errorf("erasure record: got %+v %v", got, err)
	}
	page, err := w.mod.SearchAudit(ctx, moderation.AuditQuery{PanelIDs: []string{w.panel.ID}, Person: w.youth.ID, Action: moderation.AuditAccountErased})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].Actor != w.coord.ID || page.Entries[0].Reason != "Guardian's request of 23 November" {
		t.Errorf("the panel's audit trail: got %+v %v, want the erasure by the coordinator with the reason", page.Entries, err)
	}
	evs, _ := w.docs.Events(ctx, store.EventQuery{Subject: "account:" + w.youth.ID, Limit: store.MaxLimit})
	if last := evs[len(evs)-1]; last.Type != erasure.EventErased || last.Actor != w.coord.ID || !bytes.Contains(last.Data, []byte("Guardian's request")) {
		t.Errorf("audit trail: got %+v, want the erasure by the coordinator with the reason", last)
	}
}
