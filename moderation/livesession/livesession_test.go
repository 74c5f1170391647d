package livesession_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/consent"
	"chorus/fault"
	"chorus/identity"
	"chorus/moderation"
	"chorus/moderation/livesession"
	"chorus/store"
	"chorus/store/sqlite"
)

var start = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// here is the test's presence: who is connected to which topic.
type here struct {
	mu sync.Mutex
	in map[string][]string
}

func (h *here) set(topic string, accounts ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.in[topic] = accounts
}

func (h *here) present(topic string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.in[topic]...)
}

// world is a panel with people in every role, on a real SQLite store with
// the real identity and moderation services.
type world struct {
	t        *testing.T
	docs     store.Documents
	ids      *identity.Service
	mod      *moderation.Service
	svc      *livesession.Service
	here     *here
	coord    identity.Account
	panel    identity.Panel
	partners identity.Organisation
	other    identity.Organisation
	sic      identity.Organisation

	mod1, mod2, youth, adultYouth, partner, stranger string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	now := func() time.Time { return start }
	docs, err := sqlite.OpenWith(filepath.Join(t.TempDir(), "db"), sqlite.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docs.Close() })
	w := &world{t: t, docs: docs, ids: identity.NewService(docs), mod: moderation.NewService(docs, nil), here: &here{in: map[string][]string{}}}
	w.ids.Now, w.mod.Now = now, now
	if err := w.ids.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.mod.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	w.svc = livesession.NewService(docs, w.ids, w.mod)
	var (
		tickMu sync.Mutex
		tick   = start
	)
	w.svc.Now = func() time.Time { // a second passes between any two things the session does
		tickMu.Lock()
		defer tickMu.Unlock()
		tick = tick.Add(time.Second)
		return tick
	}
	w.svc.Presence = w.here.present
	if err := w.svc.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	token, _, err := w.ids.NewSetupToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w.coord, w.sic, err = w.ids.CompleteSetup(ctx, identity.SetupInput{Token: token, OrgName: "Centre", Country: "FR", DisplayName: "Claire Martin",
		Email: "claire@example.org", Language: "fr", PasswordHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	if w.panel, err = w.ids.CreatePanel(ctx, w.coord.ID, identity.PanelInput{OrgID: w.sic.ID, Name: "Panel", Country: "FR", Languages: []string{"fr"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.ids.AddCoordinator(ctx, w.coord.ID, w.panel.ID); err != nil {
		t.Fatal(err)
	}
	if w.partners, err = w.ids.CreateOrganisation(ctx, w.coord.ID, "Appco", identity.IndustryPartner, "IE", w.sic.ID); err != nil {
		t.Fatal(err)
	}
	if w.other, err = w.ids.CreateOrganisation(ctx, w.coord.ID, "Othercorp", identity.IndustryPartner, "DE", w.sic.ID); err != nil {
		t.Fatal(err)
	}
	w.mod1 = w.join("max@example.org", identity.Moderator, "", "")
	w.mod2 = w.join("mia@example.org", identity.Moderator, "", "")
	w.youth = w.join("lea@example.org", identity.Youth, "", "2012-05-01")
	w.adultYouth = w.join("tom@example.org", identity.Ambassador, "", "2004-05-01")
	w.partner = w.join("pat@example.org", identity.Partner, w.partners.ID, "")
	w.stranger = w.join("sam@example.org", identity.Partner, w.other.ID, "")
	return w
}

func (w *world) join(email string, role identity.Role, org, birth string) string {
	w.t.Helper()
	ctx := context.Background()
	_, token, err := w.ids.Invite(ctx, w.coord.ID, identity.InviteInput{Email: email, Role: role, PanelID: w.panel.ID, OrgID: org, Language: "fr"})
	if err != nil {
		w.t.Fatal(err)
	}
	acc, _, err := w.ids.AcceptInvitation(ctx, identity.AcceptInput{Token: token, DisplayName: strings.Split(email, "@")[0] + " Test", PasswordHash: "h",
		BirthDate: birth, Country: "FR", Language: "fr"})
	if err != nil {
		w.t.Fatal(err)
	}
	return acc.ID
}

func (w *world) setModerators(n int) {
	w.t.Helper()
	if _, err := w.ids.UpdateSettings(context.Background(), w.coord.ID, w.panel.ID, identity.SettingsInput{ModeratorsRequired: &n}); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) schedule(orgs ...string) livesession.Session {
	w.t.Helper()
	s, err := w.svc.Schedule(context.Background(), w.mod1, livesession.ScheduleInput{PanelID: w.panel.ID, Title: "Talk with Appco", StartsAt: start, OrgIDs: orgs})
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// The authors, as the transport would pass them.
func (w *world) asYouth() livesession.Author {
	return livesession.Author{AccountID: w.youth, Role: identity.Youth, Band: consent.MinorBelowConsentAge, Language: "fr"}
}
func (w *world) asAdultYouth() livesession.Author {
	return livesession.Author{AccountID: w.adultYouth, Role: identity.Ambassador, Band: consent.Adult, Language: "fr"}
}
func (w *world) asPartner() livesession.Author {
	return livesession.Author{AccountID: w.partner, Role: identity.Partner, OrgID: w.partners.ID, Band: consent.Adult, Language: "en"}
}
func (w *world) asModerator(id string) livesession.Author {
	return livesession.Author{AccountID: id, Role: identity.Moderator, Band: consent.Adult}
}

func (w *world) post(s livesession.Session, a livesession.Author, kind livesession.Kind, text string) (livesession.Message, error) {
	return w.svc.Post(context.Background(), livesession.PostInput{SessionID: s.ID, Author: a, Kind: kind, Text: text})
}

func (w *world) mustPost(s livesession.Session, a livesession.Author, kind livesession.Kind, text string) livesession.Message {
	w.t.Helper()
	m, err := w.post(s, a, kind, text)
	if err != nil {
		w.t.Fatalf("%s posting %q: %v", a.Role, text, err)
	}
	return m
}

type stateEvent struct {
	Type    string
	Reason  string `json:"reason"`
	Present int    `json:"present"`
	Needed  int    `json:"needed"`
}

// stateEvents lists the session.paused and session.resumed events.
func (w *world) stateEvents(s livesession.Session) []stateEvent {
	w.t.Helper()
	evs, err := w.docs.Events(context.Background(), store.EventQuery{Subject: livesession.Topic(s.ID), Limit: store.MaxLimit})
	if err != nil {
		w.t.Fatal(err)
	}
	var out []stateEvent
	for _, e := range evs {
		if e.Type != "session.paused" && e.Type != "session.resumed" {
			continue
		}
		se := stateEvent{Type: e.Type}
		if err := json.Unmarshal(e.Data, &se); err != nil {
			w.t.Fatal(err)
		}
		out = append(out, se)
	}
	return out
}

func wantPaused(t *testing.T, err error) {
	t.Helper()
	if !fault.Is(err, fault.Conflict) || fault.MessageOf(err) != livesession.MsgPaused {
		t.Fatalf("got %v, want the session refusing the post as paused (%q)", err, livesession.MsgPaused)
	}
}

func TestScheduleTakesThePanelSettings(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	s := w.schedule(w.partners.ID, w.partners.ID)
	if s.MinModerators != 2 || s.PartnerPostModeration || !s.Paused || len(s.OrgIDs) != 1 || s.Title != "Talk with Appco" {
		t.Fatalf("got %+v, want 2 moderators (the default), pre-moderation, paused, one organisation", s)
	}
	w.setModerators(1)
	if s := w.schedule(); s.MinModerators != 1 {
		t.Fatalf("panel setting 1: got %d moderators needed", s.MinModerators)
	}
	if list, err := w.svc.Sessions(ctx, w.panel.ID); err != nil || len(list) != 2 {
		t.Fatalf("got %d sessions, %v; want 2", len(list), err)
	}
	bad := []struct {
		name string
		in   livesession.ScheduleInput
		want fault.Code
	}{
		{"no title", livesession.ScheduleInput{PanelID: w.panel.ID, Title: "  ", StartsAt: start}, fault.Invalid},
		{"title too long", livesession.ScheduleInput{PanelID: w.panel.ID, Title: strings.Repeat("é", livesession.MaxTitle+1), StartsAt: start}, fault.Invalid},
		{"no start", livesession.ScheduleInput{PanelID: w.panel.ID, Title: "x"}, fault.Invalid},
		{"in the past", livesession.ScheduleInput{PanelID: w.panel.ID, Title: "x", StartsAt: start.Add(-2 * time.Hour)}, fault.Invalid},
		{"a centre is not a partner", livesession.ScheduleInput{PanelID: w.panel.ID, Title: "x", StartsAt: start, OrgIDs: []string{w.sic.ID}}, fault.Invalid},
		{"unknown organisation", livesession.ScheduleInput{PanelID: w.panel.ID, Title: "x", StartsAt: start, OrgIDs: []string{"nope"}}, fault.Invalid},
		{"unknown panel", livesession.ScheduleInput{PanelID: "nope", Title: "x", StartsAt: start}, fault.NotFound},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			if _, err := w.svc.Schedule(ctx, w.mod1, c.in); !fault.Is(err, c.want) {
				t.Fatalf("got %v, want %s", err, c.want)
			}
		})
	}
	if _, err := w.svc.Schedule(ctx, w.mod1, livesession.ScheduleInput{PanelID: w.panel.ID, Title: strings.Repeat("é", livesession.MaxTitle), StartsAt: start}); err != nil {
		t.Fatalf("title at the limit: %v", err)
	}
}

// Rule 3: two moderators needed; one leaves, the session pauses for
// everyone and refuses posts; they come back, it resumes.
func TestTwoModeratorsPauseAndResume(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	s := w.schedule(w.partners.ID)
	topic := livesession.Topic(s.ID)

	// Nobody yet: paused from the start, and posting says why.
	_, err := w.post(s, w.asYouth(), livesession.Chat, "Hello!")
	wantPaused(t, err)
	if evs := w.stateEvents(s); len(evs) != 0 {
		t.Fatalf("still paused as scheduled: got events %+v, want none", evs)
	}

	// Youth, a partner and a coordinator do not count; two moderators do.
	w.here.set(topic, w.youth, w.partner, w.coord.ID, w.mod1, w.mod1)
	_, st, err := w.svc.Refresh(ctx, s.ID)
	if err != nil || !st.Paused || st.Present != 1 || st.Needed != 2 {
		t.Fatalf("one moderator (twice connected): got %+v %v, want paused 1/2", st, err)
	}
	w.here.set(topic, w.youth, w.partner, w.mod1, w.mod2)
	if _, st, err = w.svc.Refresh(ctx, s.ID); err != nil || st.Paused || st.Present != 2 {
		t.Fatalf("two moderators: got %+v %v, want live 2/2", st, err)
	}
	w.mustPost(s, w.asYouth(), livesession.Chat, "Hello!")
	w.mustPost(s, w.asPartner(), livesession.Chat, "Hi all")

	// 2 -> 1: paused, once, with the counts.
	w.here.set(topic, w.youth, w.partner, w.mod1)
	if _, st, err = w.svc.Refresh(ctx, s.ID); err != nil || !st.Paused {
		t.Fatalf("one moderator left: got %+v %v, want paused", st, err)
	}
	if _, changed, err := w.svc.Reconcile(ctx, s.ID, 1); err != nil || changed {
		t.Fatalf("reconciling the same count again: changed=%t %v, want no change", changed, err)
	}
	for _, a := range []livesession.Author{w.asYouth(), w.asPartner(), w.asModerator(w.mod1)} {
		_, err := w.post(s, a, livesession.Chat, "anyone?")
		wantPaused(t, err)
	}
	_, err = w.svc.Post(ctx, livesession.PostInput{SessionID: s.ID, Author: w.asYouth(), Kind: livesession.Question, Text: "Why?"})
	wantPaused(t, err)

	// 1 -> 2: resumed, and posting works again.
	w.here.set(topic, w.youth, w.partner, w.mod1, w.mod2)
	if _, st, err = w.svc.Refresh(ctx, s.ID); err != nil || st.Paused {
		t.Fatalf("back to two: got %+v %v, want live", st, err)
	}
	w.mustPost(s, w.asYouth(), livesession.Chat, "Welcome back")

	want := []stateEvent{
		{Type: "session.resumed", Present: 2, Needed: 2},
		{Type: "session.paused", Reason: livesession.ReasonModeratorsMissing, Present: 1, Needed: 2},
		{Type: "session.resumed", Present: 2, Needed: 2},
	}
	if got := w.stateEvents(s); len(got) != len(want) {
		t.Fatalf("got events %+v, want %+v", got, want)
	} else {
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("event %d: got %+v, want %+v", i, got[i], want[i])
			}
		}
	}

	// A post never trusts the stored state: a moderator gone without any
	// refresh (a lost notification) still pauses the session at the post.
	w.here.set(topic, w.youth, w.mod2)
	_, err = w.post(s, w.asYouth(), livesession.Chat, "still there?")
	wantPaused(t, err)
	if got := w.stateEvents(s); len(got) != 4 || got[3].Type != "session.paused" || got[3].Present != 1 {
		t.Fatalf("the post's own count: got events %+v, want a fourth, paused 1/2", got)
	}
	if stored, _ := w.svc.Session(ctx, s.ID); !stored.Paused {
		t.Fatal("the stored state must follow the post's count")
	}
}

// The minimum is never below 1: a panel needing one moderator pauses
// without any and runs with one.
func TestOneModeratorIsTheLeastAndEnough(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	zero := 0
	if _, err := w.ids.UpdateSettings(ctx, w.coord.ID, w.panel.ID, identity.SettingsInput{ModeratorsRequired: &zero}); !fault.Is(err, fault.Invalid) {
		t.Fatalf("setting 0 moderators: got %v, want invalid", err)
	}
	w.setModerators(1)
	s := w.schedule(w.partners.ID)
	topic := livesession.Topic(s.ID)
	if _, changed, err := w.svc.Reconcile(ctx, s.ID, 0); err != nil || changed {
		t.Fatalf("0 of 1: changed=%t %v, want still paused", changed, err)
	}
	if _, _, err := w.svc.Reconcile(ctx, s.ID, -1); !fault.Is(err, fault.Invalid) {
		t.Fatalf("negative count: got %v, want invalid", err)
	}
	w.here.set(topic, w.youth)
	_, err := w.post(s, w.asYouth(), livesession.Chat, "hi")
	wantPaused(t, err)
	w.here.set(topic, w.youth, w.mod1)
	w.mustPost(s, w.asYouth(), livesession.Chat, "hi")
	w.here.set(topic, w.youth)
	_, err = w.post(s, w.asYouth(), livesession.Chat, "hi again")
	wantPaused(t, err)
	if got := w.stateEvents(s); len(got) != 2 || got[0].Type != "session.resumed" || got[1].Type != "session.paused" || got[1].Needed != 1 {
		t.Fatalf("got %+v, want resumed then paused (needed 1)", got)
	}
	// Without presence at all (no live connections), nobody supervises.
	w.svc.Presence = nil
	if _, st, err := w.svc.Refresh(ctx, s.ID); err != nil || !st.Paused || st.Present != 0 {
		t.Fatalf("no presence: got %+v %v, want paused", st, err)
	}
}

func TestWhatEachKindOfPostNeeds(t *testing.T) {
	w := newWorld(t)
	w.setModerators(1)
	s := w.schedule(w.partners.ID)
	w.here.set(livesession.Topic(s.ID), w.mod1)
	ctx := context.Background()
	cases := []struct {
		name string
		in   livesession.PostInput
		want fault.Code
	}{
		{"empty", livesession.PostInput{Author: w.asYouth(), Kind: livesession.Chat, Text: "   "}, fault.Invalid},
		{"chat too long", livesession.PostInput{Author: w.asYouth(), Kind: livesession.Chat, Text: strings.Repeat("a", livesession.MaxChat+1)}, fault.Invalid},
		{"question too long", livesession.PostInput{Author: w.asYouth(), Kind: livesession.Question, Text: strings.Repeat("a", livesession.MaxQuestion+1)}, fault.Invalid},
		{"partners do not ask", livesession.PostInput{Author: w.asPartner(), Kind: livesession.Question, Text: "Why?"}, fault.Invalid},
		{"youth do not answer", livesession.PostInput{Author: w.asYouth(), Kind: livesession.Answer, Text: "Because"}, fault.Invalid},
		{"unknown kind", livesession.PostInput{Author: w.asYouth(), Kind: "shout", Text: "hey"}, fault.Invalid},
		{"answer to nothing", livesession.PostInput{Author: w.asPartner(), Kind: livesession.Answer, Text: "Because", QuestionID: "nope"}, fault.NotFound},
		{"organisation not invited", livesession.PostInput{Author: livesession.Author{AccountID: w.stranger, Role: identity.Partner, OrgID: w.other.ID, Band: consent.Adult}, Kind: livesession.Chat, Text: "hi"}, fault.Forbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.in.SessionID = s.ID
			if _, err := w.svc.Post(ctx, c.in); !fault.Is(err, c.want) {
				t.Fatalf("got %v, want %s", err, c.want)
			}
		})
	}
	if _, err := w.post(s, w.asYouth(), livesession.Chat, strings.Repeat("é", livesession.MaxChat)); err != nil {
		t.Fatalf("chat at the limit: %v", err)
	}
	if _, err := w.post(s, w.asYouth(), livesession.Question, strings.Repeat("é", livesession.MaxQuestion)); err != nil {
		t.Fatalf("question at the limit: %v", err)
	}
	if _, err := w.svc.Post(ctx, livesession.PostInput{SessionID: "nope", Author: w.asYouth(), Kind: livesession.Chat, Text: "hi"}); !fault.Is(err, fault.NotFound) {
		t.Fatalf("unknown session: got %v, want not_found", err)
	}
}

// Rules 2 and 5 in a session: who sees what, and the cases moderators get.
func TestScreeningAndApprovalDecideWhoReadsWhat(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.setModerators(1)
	s := w.schedule(w.partners.ID)
	w.here.set(livesession.Topic(s.ID), w.mod1, w.youth, w.partner)

	youthView := livesession.Viewer{AccountID: "another-youth"}
	authorView := livesession.Viewer{AccountID: w.youth}
	partnerView := livesession.Viewer{AccountID: w.partner, Partner: true}
	modView := livesession.Viewer{AccountID: w.mod2, Supervisor: true}

	// A minor writes an e-mail address: held, the author sees it (and why),
	// nobody else but moderators; a screening case opens.
	held := w.mustPost(s, w.asYouth(), livesession.Chat, "write me at lea@example.org")
	if held.Status != livesession.Held || held.HeldFor != livesession.HeldScreening || len(held.Hits) == 0 {
		t.Fatalf("got %+v, want held by screening with hits", held)
	}
	if c, err := w.mod.CaseFor(ctx, moderation.SessionMessage, held.ID); err != nil || c.Kind != moderation.KindScreening || c.Category != "email" {
		t.Fatalf("got case %+v %v, want a screening case for the e-mail", c, err)
	}
	// A minor's clean message: the session's youth see it at once, partners
	// only after a moderator approved it (rule 2).
	clean := w.mustPost(s, w.asYouth(), livesession.Chat, "I think apps should explain things simply")
	if clean.Status != livesession.Visible || clean.ForPartners {
		t.Fatalf("got %+v, want visible to youth, not yet to partners", clean)
	}
	if c, err := w.mod.CaseFor(ctx, moderation.SessionMessage, clean.ID); err != nil || c.Kind != moderation.KindPublication {
		t.Fatalf("got case %+v %v, want a publication case", c, err)
	}
	// An adult youth's clean message reaches partners at once.
	adult := w.mustPost(s, w.asAdultYouth(), livesession.Chat, "Agreed")
	// Partner text waits for a moderator (pre-moderation is the default).
	fromPartner := w.mustPost(s, w.asPartner(), livesession.Chat, "Thanks, we are listening")
	if fromPartner.Status != livesession.Held || fromPartner.HeldFor != livesession.HeldApproval {
		t.Fatalf("got %+v, want partner text held for approval", fromPartner)
	}
	if c, err := w.mod.CaseFor(ctx, moderation.SessionMessage, fromPartner.ID); err != nil || c.Kind != moderation.KindPartnerText {
		t.Fatalf("got case %+v %v, want a partner_text case", c, err)
	}
	// A moderator's text goes to everyone.
	staff := w.mustPost(s, w.asModerator(w.mod1), livesession.Chat, "Welcome everyone")

	chatOf := func(v livesession.Viewer) []string {
		b, err := w.svc.BoardFor(ctx, s.ID, v)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range b.Chat {
			ids = append(ids, m.ID)
		}
		return ids
	}
	check := func(who string, v livesession.Viewer, want ...string) {
		t.Helper()
		got := chatOf(v)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: got %v, want %v", who, got, want)
		}
	}
	check("another youth", youthView, clean.ID, adult.ID, staff.ID)
	check("the author", authorView, held.ID, clean.ID, adult.ID, staff.ID)
	check("a partner", partnerView, adult.ID, fromPartner.ID, staff.ID) // their own held text, not the minor's
	check("a moderator", modView, held.ID, clean.ID, adult.ID, fromPartner.ID, staff.ID)

	// A moderator approves in the session: on record, and the text moves.
	if _, _, err := w.svc.Decide(ctx, livesession.DecideInput{SessionID: s.ID, MessageID: clean.ID, Actor: w.mod1, Action: moderation.Approve}); !fault.Is(err, fault.Invalid) {
		t.Fatalf("a decision without a reason: got %v, want invalid", err)
	}
	for _, id := range []string{clean.ID, fromPartner.ID} {
		m, c, err := w.svc.Decide(ctx, livesession.DecideInput{SessionID: s.ID, MessageID: id, Actor: w.mod1, Action: moderation.Approve, Reason: "fine"})
		if err != nil || m.Status != livesession.Visible || !m.ForPartners || c.Status != moderation.StatusApproved {
			t.Fatalf("approve %s: got %+v, case %+v, %v", id, m, c, err)
		}
	}
	check("another youth after approval", youthView, clean.ID, adult.ID, fromPartner.ID, staff.ID)
	check("a partner after approval", partnerView, clean.ID, adult.ID, fromPartner.ID, staff.ID)
	// Hiding: gone for everyone but moderators and the author.
	if _, _, err := w.svc.Decide(ctx, livesession.DecideInput{SessionID: s.ID, MessageID: adult.ID, Actor: w.mod1, Action: moderation.Hide, Reason: "off topic"}); err != nil {
		t.Fatal(err)
	}
	check("another youth after hiding", youthView, clean.ID, fromPartner.ID, staff.ID)
	if _, _, err := w.svc.Decide(ctx, livesession.DecideInput{SessionID: "other", MessageID: adult.ID, Actor: w.mod1, Action: moderation.Restore, Reason: "x"}); !fault.Is(err, fault.NotFound) {
		t.Fatalf("a message of another session: got %v, want not_found", err)
	}

	// The board: a minor's question reaches partners once approved; only
	// then can they answer it, and the answer waits for a moderator too.
	q := w.mustPost(s, w.asYouth(), livesession.Question, "Will you make your terms shorter?")
	answer := livesession.PostInput{SessionID: s.ID, Author: w.asPartner(), Kind: livesession.Answer, Text: "Yes, by June", QuestionID: q.ID}
	if _, err := w.svc.Post(ctx, answer); !fault.Is(err, fault.NotFound) {
		t.Fatalf("answering a question partners cannot see yet: got %v, want not_found", err)
	}
	if _, _, err := w.svc.Decide(ctx, livesession.DecideInput{SessionID: s.ID, MessageID: q.ID, Actor: w.mod2, Action: moderation.Approve, Reason: "ok"}); err != nil {
		t.Fatal(err)
	}
	a, err := w.svc.Post(ctx, answer)
	if err != nil || a.Status != livesession.Held {
		t.Fatalf("answer: got %+v %v, want held for approval", a, err)
	}
	if _, _, err := w.svc.Decide(ctx, livesession.DecideInput{SessionID: s.ID, MessageID: a.ID, Actor: w.mod2, Action: moderation.Approve, Reason: "ok"}); err != nil {
		t.Fatal(err)
	}
	b, err := w.svc.BoardFor(ctx, s.ID, youthView)
	if err != nil || len(b.Questions) != 1 || len(b.Questions[0].Answers) != 1 || b.Questions[0].Answers[0].Text != "Yes, by June" {
		t.Fatalf("board: got %+v %v, want the question with its answer", b, err)
	}

	// Post-moderation (a panel setting): partner text reaches youth after
	// screening alone; screening still holds what it finds.
	post := true
	if _, err := w.ids.UpdateSettings(ctx, w.coord.ID, w.panel.ID, identity.SettingsInput{PartnerPostModeration: &post}); err != nil {
		t.Fatal(err)
	}
	s2 := w.schedule(w.partners.ID)
	w.here.set(livesession.Topic(s2.ID), w.mod1)
	if m := w.mustPost(s2, w.asPartner(), livesession.Chat, "Hello from Appco"); m.Status != livesession.Visible {
		t.Fatalf("post-moderated partner text: got %+v, want visible", m)
	}
	if m := w.mustPost(s2, w.asPartner(), livesession.Chat, "mail us at team@appco.example"); m.Status != livesession.Held || m.HeldFor != livesession.HeldScreening {
		t.Fatalf("partner text with an address: got %+v, want held by screening", m)
	}
}

func TestTranscriptCSVDefusesFormulas(t *testing.T) {
	msgs := []livesession.Message{
		{Kind: livesession.Chat, AuthorID: "a1", AuthorRole: identity.Youth, Status: livesession.Visible, Text: "=HYPERLINK(\"x\")", At: start},
		{Kind: livesession.Question, AuthorID: "a2", AuthorRole: identity.Youth, Status: livesession.Held, Text: "plain, with \"quotes\"", At: start, ForPartners: true},
	}
	var buf bytes.Buffer
	if err := livesession.TranscriptCSV(&buf, msgs, func(id string) string { return "name of " + id }); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	for _, want := range []string{"time,kind,author,role,status,for partners,question,text\n", "'=HYPERLINK", "name of a1", `"plain, with ""quotes"""`, "held,yes"} {
		if !strings.Contains(got, want) {
			t.Errorf("CSV lacks %q:\n%s", want, got)
		}
	}
}

// Hide then restore is no approval (issue 9): a minor's message held for
// a phone number, hidden and restored, is held again, and a minor's clean
// message that partners may not read yet stays so; the cases wait for a
// moderator again.
func TestHideThenRestoreIsNoApproval(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.setModerators(1)
	s := w.schedule(w.partners.ID)
	w.here.set(livesession.Topic(s.ID), w.mod1, w.youth, w.partner)
	partnerView := livesession.Viewer{AccountID: w.partner, Partner: true}

	held := w.mustPost(s, w.asYouth(), livesession.Chat, "call me on 06 12 34 56 78")
	clean := w.mustPost(s, w.asYouth(), livesession.Chat, "apps should explain things simply")
	for _, m := range []livesession.Message{held, clean} {
		for _, a := range []moderation.Action{moderation.Hide, moderation.Restore} {
			if _, _, err := w.svc.Decide(ctx, livesession.DecideInput{SessionID: s.ID, MessageID: m.ID, Actor: w.mod1, Action: a, Reason: "checking"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, c := range []struct {
		m           livesession.Message
		status      livesession.Status
		forPartners bool
	}{{held, livesession.Held, false}, {clean, livesession.Visible, false}} {
		got, err := w.svc.Message(ctx, s.ID, c.m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != c.status || got.ForPartners != c.forPartners || (c.status == livesession.Held && got.HeldFor != livesession.HeldScreening) {
			t.Errorf("%q after hide and restore: got %s (for %q, partners %t), want %s, partners %t", c.m.Text, got.Status, got.HeldFor, got.ForPartners, c.status, c.forPartners)
		}
		if cs, err := w.mod.CaseFor(ctx, moderation.SessionMessage, c.m.ID); err != nil || cs.Status != moderation.StatusOpen {
			t.Errorf("%q: case %+v %v, want it open, waiting for a moderator", c.m.Text, cs, err)
		}
	}
	b, err := w.svc.BoardFor(ctx, s.ID, partnerView)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range b.Chat {
		if m.ID == held.ID || m.ID == clean.ID {
			t.Errorf("the partner reads %q after a hide and a restore", m.Text)
		}
	}
}
