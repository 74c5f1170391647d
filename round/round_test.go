package round_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/fault"
	"chorus/identity"
	"chorus/mail"
	"chorus/moderation"
	"chorus/moderation/livesession"
	"chorus/pledge"
	"chorus/round"
	"chorus/store"
	"chorus/store/sqlite"
)

var start = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// clock is the test's time: it moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// world is a panel with a published pledge of two items, two partner
// organisations, on a real SQLite store with the real services.
type world struct {
	t      *testing.T
	ctx    context.Context
	clock  *clock
	docs   store.Documents
	ids    *identity.Service
	mod    *moderation.Service
	pl     *pledge.Service
	svc    *round.Service
	coord  identity.Account
	panel  identity.Panel
	orgA   identity.Organisation
	orgB   identity.Organisation
	pledge pledge.Pledge
	items  []pledge.Item
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	c := &clock{now: start}
	docs, err := sqlite.OpenWith(filepath.Join(t.TempDir(), "db"), sqlite.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docs.Close() })
	w := &world{t: t, ctx: ctx, clock: c, docs: docs, ids: identity.NewService(docs, nil), mod: moderation.NewService(docs, nil), pl: pledge.NewService(docs, nil, nil)}
	w.ids.Now, w.mod.Now, w.pl.Now = c.Now, c.Now, c.Now
	for _, d := range []func(context.Context) error{w.ids.Declare, w.mod.Declare, w.pl.Declare} {
		if err := d(ctx); err != nil {
			t.Fatal(err)
		}
	}
	w.svc = round.NewService(docs, w.pl, w.ids, w.mod, nil, nil)
	w.svc.Now = c.Now
	if err := w.svc.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	token, _, err := w.ids.NewSetupToken(ctx)
	must(t, err)
	var sic identity.Organisation
	w.coord, sic, err = w.ids.CompleteSetup(ctx, identity.SetupInput{Token: token, OrgName: "Centre", Country: "FR", DisplayName: "Claire Martin",
		Email: "claire@example.org", Language: "fr", PasswordHash: "h"})
	must(t, err)
	w.panel, err = w.ids.CreatePanel(ctx, w.coord.ID, identity.PanelInput{OrgID: sic.ID, Name: "Panel", Country: "FR", Languages: []string{"fr"}})
	must(t, err)
	must(t, w.ids.AddCoordinator(ctx, w.coord.ID, w.panel.ID))
	w.orgA, err = w.ids.CreateOrganisation(ctx, w.coord.ID, "Appco", identity.IndustryPartner, "IE", sic.ID)
	must(t, err)
	w.orgB, err = w.ids.CreateOrganisation(ctx, w.coord.ID, "Othercorp", identity.IndustryPartner, "DE", sic.ID)
	must(t, err)
	g, err := w.ids.CreateGroup(ctx, w.coord.ID, w.panel.ID, "Group")
	must(t, err)
	w.pledge, err = w.pl.Create(ctx, w.coord.ID, pledge.CreateInput{PanelID: w.panel.ID, GroupID: g.ID, Title: "Youth Pledge", Language: "fr"})
	must(t, err)
	for _, h := range []string{"Clear terms", "Safe defaults"} {
		it, err := w.pl.AddItem(ctx, w.coord.ID, w.pledge.ID, pledge.ItemInput{Heading: h, Text: h + " for everyone", Summary: h + "!"})
		must(t, err)
		w.items = append(w.items, it)
	}
	_, err = w.pl.Move(ctx, w.coord.ID, w.pledge.ID, pledge.InReview)
	must(t, err)
	w.pledge, err = w.pl.Move(ctx, w.coord.ID, w.pledge.ID, pledge.Published)
	must(t, err)
	return w
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code fault.Code, what string) {
	t.Helper()
	if !fault.Is(err, code) {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

func (w *world) open(orgs ...string) round.Round {
	w.t.Helper()
	r, err := w.svc.Open(w.ctx, w.coord.ID, round.OpenInput{PledgeID: w.pledge.ID, OrgIDs: orgs, Deadline: start.Add(10 * 24 * time.Hour),
		Questions: map[string]string{w.items[0].ID: "How will you explain your terms to a 13-year-old?"}})
	must(w.t, err)
	return r
}

var partnerA = round.Answerer{AccountID: "pat", Language: "en"}

func (w *world) a() round.Answerer { p := partnerA; p.OrgID = w.orgA.ID; return p }
func (w *world) b() round.Answerer {
	return round.Answerer{AccountID: "bob", OrgID: w.orgB.ID, Language: "en"}
}

func commitBody() round.Body {
	return round.Body{Stance: round.Commit, Explanation: "We will rewrite our terms in plain words.",
		Actions:  []round.Action{{Text: "Publish a plain-language summary", DueDate: start.AddDate(0, 3, 0).Format(time.DateOnly)}},
		Evidence: []string{"https://appco.example/terms"}}
}

// approve decides as a moderator on the open case of content.
func (w *world) approve(contentType, id string) {
	w.t.Helper()
	c, err := w.mod.CaseFor(w.ctx, contentType, id)
	must(w.t, err)
	_, err = w.mod.Act(w.ctx, moderation.ActInput{CaseID: c.ID, Actor: "moderator", Action: moderation.Approve, Reason: "fine"})
	must(w.t, err)
	must(w.t, w.svc.Apply(w.ctx, "moderator", contentType, id, "approve"))
}

func TestOpenRefusesWhatIsNotARound(t *testing.T) {
	w := newWorld(t)
	in := round.OpenInput{PledgeID: w.pledge.ID, OrgIDs: []string{w.orgA.ID}, Deadline: start.Add(time.Hour)}
	bad := map[string]func(round.OpenInput) round.OpenInput{
		"no organisation":    func(in round.OpenInput) round.OpenInput { in.OrgIDs = nil; return in },
		"not a partner":      func(in round.OpenInput) round.OpenInput { in.OrgIDs = []string{w.panel.OrgID}; return in },
		"unknown org":        func(in round.OpenInput) round.OpenInput { in.OrgIDs = []string{"nope"}; return in },
		"deadline past":      func(in round.OpenInput) round.OpenInput { in.Deadline = start.Add(-time.Minute); return in },
		"deadline too far":   func(in round.OpenInput) round.OpenInput { in.Deadline = start.AddDate(6, 0, 0); return in },
		"question elsewhere": func(in round.OpenInput) round.OpenInput { in.Questions = map[string]string{"other": "q"}; return in },
		"question too long": func(in round.OpenInput) round.OpenInput {
			in.Questions = map[string]string{w.items[0].ID: strings.Repeat("q", round.MaxQuestion+1)}
			return in
		},
	}
	for name, f := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := w.svc.Open(w.ctx, w.coord.ID, f(in))
			wantCode(t, err, fault.Invalid, name)
		})
	}
	rs, err := w.svc.Rounds(w.ctx, w.panel.ID)
	must(t, err)
	if len(rs) != 0 {
		t.Fatalf("got %d rounds after refusals, want 0", len(rs))
	}
	_, err = w.svc.Open(w.ctx, w.coord.ID, round.OpenInput{PledgeID: w.pledge.ID, Version: 7, OrgIDs: []string{w.orgA.ID}, Deadline: start.Add(time.Hour)})
	wantCode(t, err, fault.NotFound, "unpublished version")
}

func TestOpenFreezesThePublishedVersion(t *testing.T) {
	w := newWorld(t)
	r := w.open(w.orgA.ID, w.orgB.ID, w.orgA.ID)
	if len(r.Orgs) != 2 || r.Orgs[0].Name != "Appco" || !r.Orgs[0].Deadline.Equal(r.Deadline) {
		t.Fatalf("got orgs %+v, want Appco and Othercorp with the round's deadline", r.Orgs)
	}
	if len(r.Items) != 2 || r.Items[0].Heading != "Clear terms" || r.Items[0].Question == "" || r.Items[1].Question != "" || r.Language != "fr" {
		t.Fatalf("got items %+v language %q, want the version's items with one question, in fr", r.Items, r.Language)
	}
	p, err := w.pl.Pledge(w.ctx, w.pledge.ID)
	must(t, err)
	if p.State != pledge.InRound {
		t.Fatalf("pledge state %s, want in_round", p.State)
	}
}

func TestBadAnswersAreRefusedAndChangeNothing(t *testing.T) {
	w := newWorld(t)
	r := w.open(w.orgA.ID)
	item := w.items[0].ID
	day := func(d time.Time) string { return d.Format(time.DateOnly) }
	cases := map[string]func(*round.Body){
		"stance outside the list": func(b *round.Body) { b.Stance = "maybe" },
		"no stance":               func(b *round.Body) { b.Stance = "" },
		"no explanation":          func(b *round.Body) { b.Explanation = " " },
		"explanation too long":    func(b *round.Body) { b.Explanation = strings.Repeat("é", round.MaxExplanation+1) },
		"action too long":         func(b *round.Body) { b.Actions[0].Text = strings.Repeat("a", round.MaxActionText+1) },
		"too many actions": func(b *round.Body) {
			for len(b.Actions) <= round.MaxActions {
				b.Actions = append(b.Actions, b.Actions[0])
			}
		},
		"due today":         func(b *round.Body) { b.Actions[0].DueDate = day(start) },
		"due yesterday":     func(b *round.Body) { b.Actions[0].DueDate = day(start.AddDate(0, 0, -1)) },
		"due after 5 years": func(b *round.Body) { b.Actions[0].DueDate = day(start.AddDate(5, 0, 1)) },
		"due not a date":    func(b *round.Body) { b.Actions[0].DueDate = "next year" },
		"javascript link":   func(b *round.Body) { b.Evidence = []string{"javascript:alert(1)"} },
		"data link":         func(b *round.Body) { b.Evidence = []string{"data:text/html,<script>alert(1)</script>"} },
		"http link":         func(b *round.Body) { b.Evidence = []string{"http://appco.example/terms"} },
		"link with user":    func(b *round.Body) { b.Evidence = []string{"https://user:pw@appco.example/"} },
		"relative link":     func(b *round.Body) { b.Evidence = []string{"/terms"} },
		"link too long": func(b *round.Body) {
			b.Evidence = []string{"https://appco.example/" + strings.Repeat("x", round.MaxURL)}
		},
		"too many links": func(b *round.Body) {
			for len(b.Evidence) <= round.MaxEvidence {
				b.Evidence = append(b.Evidence, "https://appco.example/")
			}
		},
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			b := commitBody()
			change(&b)
			_, err := w.svc.Submit(w.ctx, r.ID, item, w.a(), b)
			wantCode(t, err, fault.Invalid, name)
		})
	}
	_, err := w.svc.Submit(w.ctx, r.ID, "not-an-item", w.a(), commitBody())
	wantCode(t, err, fault.NotFound, "item not in the round")
	_, err = w.svc.Submit(w.ctx, r.ID, item, w.b(), commitBody())
	wantCode(t, err, fault.Forbidden, "organisation not invited")
	_, err = w.svc.SaveDraft(w.ctx, r.ID, item, w.a(), round.Body{Stance: "maybe"})
	wantCode(t, err, fault.Invalid, "draft stance outside the list")
	_, err = w.svc.SaveDraft(w.ctx, r.ID, item, w.a(), round.Body{Evidence: []string{"javascript:alert(1)"}})
	wantCode(t, err, fault.Invalid, "draft javascript link")
	as, err := w.svc.Answers(w.ctx, r.ID)
	must(t, err)
	if len(as) != 0 {
		t.Fatalf("got %d answers after refusals, want none", len(as))
	}
}

func TestDraftsThenRevisionsAreAllKept(t *testing.T) {
	w := newWorld(t)
	r := w.open(w.orgA.ID)
	item := w.items[0].ID
	a, err := w.svc.SaveDraft(w.ctx, r.ID, item, w.a(), round.Body{Explanation: "We are thin", Actions: []round.Action{{Text: "half", DueDate: "20"}}})
	must(t, err)
	if a.Draft == nil || a.Draft.Explanation != "We are thin" || a.Submitted() {
		t.Fatalf("got %+v, want an unsubmitted draft as typed", a)
	}
	a, err = w.svc.Submit(w.ctx, r.ID, item, w.a(), commitBody())
	must(t, err)
	if a.Draft != nil || len(a.Revisions) != 1 || a.Revisions[0].Status != round.Pending || a.Revisions[0].Late {
		t.Fatalf("after submit got %+v, want one pending revision on time, draft cleared", a)
	}
	if _, ok := a.Shown(); ok {
		t.Fatal("a pending answer is shown; want it to wait for a moderator (rule 2)")
	}
	b := commitBody()
	b.Stance, b.Explanation = round.Partly, "Only in some countries."
	a, err = w.svc.Submit(w.ctx, r.ID, item, w.a(), b)
	must(t, err)
	if len(a.Revisions) != 2 || a.Revisions[0].Body.Stance != round.Commit || a.Revisions[1].Body.Stance != round.Partly {
		t.Fatalf("got revisions %+v, want both kept in order", a.Revisions)
	}
	w.approve(moderation.PartnerAnswer, round.RevisionRef(a.ID, 1))
	a, err = w.svc.Answer(w.ctx, a.ID)
	must(t, err)
	if rev, ok := a.Shown(); !ok || rev.N != 1 {
		t.Fatalf("shown %+v %t, want revision 1 (the approved one) while 2 waits", rev, ok)
	}
	evs, err := w.docs.Events(w.ctx, store.EventQuery{Subject: round.Topic(r.ID)})
	must(t, err)
	for _, e := range evs {
		if strings.Contains(string(e.Data), "Only in some countries") || strings.Contains(string(e.Data), "We are thin") {
			t.Fatalf("round topic event %s carries unapproved or draft text: %s", e.Type, e.Data)
		}
	}
	if last := evs[len(evs)-1]; last.Type != "round.answer_approved" || !strings.Contains(string(last.Data), "plain words") {
		t.Fatalf("last round event %s %s, want answer_approved with the approved text", last.Type, last.Data)
	}
}

func TestDeadlineExtensionAndLateAnswers(t *testing.T) {
	w := newWorld(t)
	r := w.open(w.orgA.ID, w.orgB.ID)
	w.clock.add(11 * 24 * time.Hour)
	_, err := w.svc.Submit(w.ctx, r.ID, w.items[0].ID, w.b(), commitBody())
	wantCode(t, err, fault.Conflict, "after the deadline without extension")
	as, err := w.svc.Answers(w.ctx, r.ID)
	must(t, err)
	if len(as) != 0 {
		t.Fatalf("late refusal stored %d answers", len(as))
	}
	_, err = w.svc.Extend(w.ctx, w.coord.ID, r.ID, w.orgB.ID, r.Deadline.Add(-time.Hour))
	wantCode(t, err, fault.Invalid, "extension to an earlier time")
	_, err = w.svc.Extend(w.ctx, w.coord.ID, r.ID, "nope", start.AddDate(0, 1, 0))
	wantCode(t, err, fault.Invalid, "extension for an organisation not invited")
	r, err = w.svc.Extend(w.ctx, w.coord.ID, r.ID, w.orgB.ID, start.AddDate(0, 1, 0))
	must(t, err)
	a, err := w.svc.Submit(w.ctx, r.ID, w.items[0].ID, w.b(), commitBody())
	must(t, err)
	if !a.Revisions[0].Late {
		t.Fatal("an answer after the round's deadline (extended) is not marked late")
	}
	_, err = w.svc.Submit(w.ctx, r.ID, w.items[0].ID, w.a(), commitBody())
	wantCode(t, err, fault.Conflict, "the other organisation keeps its deadline")
}

func TestReactionsFollowUpsAndReplies(t *testing.T) {
	w := newWorld(t)
	r := w.open(w.orgA.ID, w.orgB.ID)
	a, err := w.svc.Submit(w.ctx, r.ID, w.items[0].ID, w.a(), commitBody())
	must(t, err)
	lea := round.Youth{AccountID: "lea", Language: "fr"}
	wantCode(t, w.svc.React(w.ctx, r.ID, a.ID, "lea", round.Clear), fault.NotFound, "reaction to an unapproved answer")
	_, err = w.svc.Ask(w.ctx, r.ID, a.ID, lea, "Pourquoi ?")
	wantCode(t, err, fault.NotFound, "question on an unapproved answer")
	w.approve(moderation.PartnerAnswer, round.RevisionRef(a.ID, 1))
	wantCode(t, w.svc.React(w.ctx, r.ID, a.ID, "lea", "love"), fault.Invalid, "reaction outside the list")
	must(t, w.svc.React(w.ctx, r.ID, a.ID, "lea", round.Clear))
	must(t, w.svc.React(w.ctx, r.ID, a.ID, "lea", round.WantMore))
	must(t, w.svc.React(w.ctx, r.ID, a.ID, "tom", round.WantMore))
	rc, err := w.svc.Reactions(w.ctx, r.ID, "lea")
	must(t, err)
	if got := rc.Counts[a.ID]; got[round.WantMore] != 2 || got[round.Clear] != 0 || rc.Mine[a.ID] != round.WantMore {
		t.Fatalf("got counts %v mine %v, want want_more 2 (one per person, changed, not added)", got, rc.Mine)
	}
	_, err = w.svc.Ask(w.ctx, r.ID, a.ID, lea, strings.Repeat("q", round.MaxFollowUp+1))
	wantCode(t, err, fault.Invalid, "question too long")
	f, err := w.svc.Ask(w.ctx, r.ID, a.ID, lea, "Quand exactement ?")
	must(t, err)
	if f.Status != round.Pending || f.AuthorID != "lea" {
		t.Fatalf("got %+v, want a pending question by lea", f)
	}
	_, err = w.svc.ReplyTo(w.ctx, r.ID, f.ID, w.a(), "In March.")
	wantCode(t, err, fault.NotFound, "reply to a question a moderator has not approved")
	held, err := w.svc.Ask(w.ctx, r.ID, a.ID, lea, "Écris-moi à lea@example.org")
	must(t, err)
	if held.Status != round.Held {
		t.Fatalf("a question with an e-mail address is %s, want held by screening (rule 5)", held.Status)
	}
	w.approve(moderation.RoundFollowUp, f.ID)
	_, err = w.svc.ReplyTo(w.ctx, r.ID, f.ID, w.b(), "Not ours.")
	wantCode(t, err, fault.NotFound, "reply by another organisation")
	rp, err := w.svc.ReplyTo(w.ctx, r.ID, f.ID, w.a(), "In March.")
	must(t, err)
	if rp.Status != round.Pending {
		t.Fatalf("reply is %s, want pending (partner text waits for a moderator)", rp.Status)
	}
}

func TestCloseMakesCommitmentsThatAreUpdatedAndRated(t *testing.T) {
	w := newWorld(t)
	r := w.open(w.orgA.ID, w.orgB.ID)
	a, err := w.svc.Submit(w.ctx, r.ID, w.items[0].ID, w.a(), commitBody())
	must(t, err)
	w.approve(moderation.PartnerAnswer, round.RevisionRef(a.ID, 1))
	decline := round.Body{Stance: round.Decline, Explanation: "Not for us."}
	_, err = w.svc.Submit(w.ctx, r.ID, w.items[1].ID, w.a(), decline)
	must(t, err)
	_, err = w.svc.OpenReview(w.ctx, w.coord.ID, r.ID, start.AddDate(1, 0, 0))
	wantCode(t, err, fault.Conflict, "review of an open round")
	r, cs, err := w.svc.Close(w.ctx, w.coord.ID, r.ID)
	must(t, err)
	if r.State != round.Closed || len(cs) != 1 || cs[0].Text != "Publish a plain-language summary" || cs[0].Status() != round.Planned {
		t.Fatalf("closed %s with %+v, want one planned commitment from the approved action", r.State, cs)
	}
	_, err = w.svc.Submit(w.ctx, r.ID, w.items[1].ID, w.a(), decline)
	wantCode(t, err, fault.Conflict, "answer after close")
	c := cs[0]
	_, err = w.svc.UpdateCommitment(w.ctx, r.ID, c.ID, w.b(), round.UpdateInput{Status: round.Done, Note: "x"})
	wantCode(t, err, fault.NotFound, "update by another organisation")
	_, err = w.svc.UpdateCommitment(w.ctx, r.ID, c.ID, w.a(), round.UpdateInput{Status: "finished", Note: "x"})
	wantCode(t, err, fault.Invalid, "status outside the list")
	_, err = w.svc.UpdateCommitment(w.ctx, r.ID, c.ID, w.a(), round.UpdateInput{Status: round.Done, Note: "x", Evidence: []string{"http://a.example"}})
	wantCode(t, err, fault.Invalid, "update with an http link")
	_, err = w.svc.UpdateCommitment(w.ctx, r.ID, c.ID, w.a(), round.UpdateInput{Status: round.Done, Note: strings.Repeat("n", round.MaxNote+1)})
	wantCode(t, err, fault.Invalid, "note too long")
	r, err = w.svc.OpenReview(w.ctx, w.coord.ID, r.ID, start.AddDate(1, 0, 0))
	must(t, err)
	w.clock.add(time.Hour)
	c, err = w.svc.UpdateCommitment(w.ctx, r.ID, c.ID, w.a(), round.UpdateInput{Status: round.Done, Note: "Summary is live.", Evidence: []string{"https://appco.example/summary"}})
	must(t, err)
	if c.Status() != round.Done || c.ShownStatus() != round.Planned || !c.UpdatedSince(r.Review.OpenedAt) {
		t.Fatalf("got status %s shown %s, want done for the partner, planned for youth until approved", c.Status(), c.ShownStatus())
	}
	w.approve(moderation.CommitmentUpdate, round.UpdateRef(c.ID, 1))
	c, err = w.svc.Commitment(w.ctx, c.ID)
	must(t, err)
	if c.ShownStatus() != round.Done {
		t.Fatalf("after approval shown %s, want done", c.ShownStatus())
	}
	lea := round.Youth{AccountID: "lea", Language: "fr"}
	_, err = w.svc.Rate(w.ctx, r.ID, c.ID, lea, "great", "")
	wantCode(t, err, fault.Invalid, "rating outside the list")
	_, err = w.svc.Rate(w.ctx, r.ID, c.ID, lea, round.Kept, strings.Repeat("r", round.MaxReason+1))
	wantCode(t, err, fault.Invalid, "reason too long")
	v, err := w.svc.Rate(w.ctx, r.ID, c.ID, lea, round.Kept, "Je l'ai lu, c'est clair.")
	must(t, err)
	_, err = w.svc.Rate(w.ctx, r.ID, c.ID, round.Youth{AccountID: "tom", Language: "fr"}, round.PartlyK, "")
	must(t, err)
	scs, err := w.svc.Scorecards(w.ctx, r)
	must(t, err)
	sc := scs[0]
	if sc.Org.ID != w.orgA.ID || sc.Totals[round.Kept] != 1 || sc.Totals[round.PartlyK] != 1 || len(sc.Lines[0].Reasons) != 0 {
		t.Fatalf("scorecard %+v, want kept 1 partly 1 and no reason before approval", sc)
	}
	w.approve(moderation.CommitmentRating, v.ID)
	scs, err = w.svc.Scorecards(w.ctx, r)
	must(t, err)
	if got := scs[0].Lines[0].Reasons; len(got) != 1 || got[0] != "Je l'ai lu, c'est clair." {
		t.Fatalf("reasons %v, want the approved reason", got)
	}
	r, err = w.svc.PublishScorecard(w.ctx, w.coord.ID, r.ID, w.orgA.ID, true)
	must(t, err)
	if st := r.Scorecard(w.orgA.ID); !st.Published || !st.Public || r.Scorecard(w.orgB.ID).Published {
		t.Fatalf("scorecards %+v, want Appco's published and public, Othercorp's not", r.Scorecards)
	}
}

// outbox records the mail the service sends.
type outbox struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (o *outbox) Send(_ context.Context, m mail.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return nil
}

func (o *outbox) to(addr string) []mail.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []mail.Message
	for _, m := range o.sent {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

func (w *world) partnerMember(email string, org identity.Organisation, lang string) {
	w.t.Helper()
	_, token, err := w.ids.Invite(w.ctx, w.coord.ID, identity.InviteInput{Email: email, Role: identity.Partner, PanelID: w.panel.ID, OrgID: org.ID, Language: lang})
	must(w.t, err)
	_, _, err = w.ids.AcceptInvitation(w.ctx, identity.AcceptInput{Token: token, DisplayName: "Pat Partner", PasswordHash: "h", Language: lang})
	must(w.t, err)
}

func TestRemindersBeforeAndAtTheDeadlineToWhoHasItemsLeft(t *testing.T) {
	w := newWorld(t)
	w.partnerMember("pat@appco.example", w.orgA, "en")
	w.partnerMember("bea@other.example", w.orgB, "de")
	r := w.open(w.orgA.ID, w.orgB.ID)
	for _, it := range w.items {
		_, err := w.svc.Submit(w.ctx, r.ID, it.ID, w.a(), commitBody())
		must(t, err)
	}
	box := &outbox{}
	remind := func(want int) {
		t.Helper()
		n, err := w.svc.Remind(w.ctx, box, "https://chorus.example")
		must(t, err)
		if n != want {
			t.Fatalf("at %s: sent %d reminders, want %d", w.clock.Now(), n, want)
		}
	}
	remind(0) // ten days before: nothing due
	w.clock.add(7*24*time.Hour + time.Minute)
	remind(1) // three days before: Othercorp, which answered nothing
	remind(0) // once
	got := box.to("bea@other.example")
	if len(got) != 1 || !strings.Contains(got[0].Subject, "Feedbackrunde „Youth Pledge“") || !strings.Contains(got[0].Text, "noch 2 Punkte") ||
		!strings.Contains(got[0].Text, "https://chorus.example/rounds/"+r.ID) || got[0].Kind != round.MailAnswersDue {
		t.Fatalf("reminder to Othercorp: %+v, want it in German, naming the 2 items left and the link", got)
	}
	if len(box.to("pat@appco.example")) != 0 {
		t.Fatal("Appco answered everything and still got a reminder")
	}
	w.clock.add(3 * 24 * time.Hour)
	remind(1) // at the deadline
	if got := box.to("bea@other.example"); len(got) != 2 || !strings.Contains(got[1].Text, "Frist der Feedbackrunde") {
		t.Fatalf("deadline reminder: %+v", got)
	}
	_, err := w.svc.Extend(w.ctx, w.coord.ID, r.ID, w.orgB.ID, w.clock.Now().Add(24*time.Hour))
	must(t, err)
	remind(1) // the extension starts them again: a day left is within the lead
}

func TestLimitsOnCountsAreExplicit(t *testing.T) {
	w := newWorld(t)
	r := w.open(w.orgA.ID)
	item := w.items[0].ID
	for range round.MaxRevisions {
		_, err := w.svc.Submit(w.ctx, r.ID, item, w.a(), commitBody())
		must(t, err)
	}
	_, err := w.svc.Submit(w.ctx, r.ID, item, w.a(), commitBody())
	wantCode(t, err, fault.Invalid, "one revision more than MaxRevisions")
	a, err := w.svc.Answer(w.ctx, round.AnswerID(r.ID, w.orgA.ID, item))
	must(t, err)
	if len(a.Revisions) != round.MaxRevisions {
		t.Fatalf("got %d revisions, want %d", len(a.Revisions), round.MaxRevisions)
	}
	w.approve(moderation.PartnerAnswer, round.RevisionRef(a.ID, 1))
	f, err := w.svc.Ask(w.ctx, r.ID, a.ID, round.Youth{AccountID: "lea", Language: "fr"}, "Quand ?")
	must(t, err)
	w.approve(moderation.RoundFollowUp, f.ID)
	_, err = w.svc.ReplyTo(w.ctx, r.ID, f.ID, w.a(), strings.Repeat("r", round.MaxReply+1))
	wantCode(t, err, fault.Invalid, "reply too long")
	_, err = w.svc.ReplyTo(w.ctx, r.ID, f.ID, w.a(), strings.Repeat("r", round.MaxReply))
	must(t, err)

	many := make([]string, round.MaxOrgs+1)
	for i := range many {
		many[i] = w.orgA.ID + strings.Repeat("x", i) // distinct ids: the count is checked first
	}
	_, err = w.svc.Open(w.ctx, w.coord.ID, round.OpenInput{PledgeID: w.pledge.ID, OrgIDs: many, Deadline: start.Add(time.Hour)})
	wantCode(t, err, fault.Invalid, "more organisations than MaxOrgs")
}

func TestHideAndRestoreNeverApprove(t *testing.T) {
	w := newWorld(t)
	r := w.open(w.orgA.ID)
	a, err := w.svc.Submit(w.ctx, r.ID, w.items[0].ID, w.a(), commitBody())
	must(t, err)
	ref := round.RevisionRef(a.ID, 1)
	shown := func() bool {
		t.Helper()
		a, err := w.svc.Answer(w.ctx, a.ID)
		must(t, err)
		_, ok := a.Shown()
		return ok
	}
	must(t, w.svc.Apply(w.ctx, "mod", moderation.PartnerAnswer, ref, "hide"))
	must(t, w.svc.Apply(w.ctx, "mod", moderation.PartnerAnswer, ref, "restore"))
	if shown() {
		t.Fatal("hiding then restoring a pending answer showed it: a restore approved")
	}
	c, err := w.svc.Content(w.ctx, moderation.PartnerAnswer, ref)
	must(t, err)
	if c.Status != round.Pending || c.OwnerID != "pat" || !strings.Contains(c.Text, "plain words") || c.Context != "Clear terms: Clear terms for everyone" {
		t.Fatalf("content for the queue: %+v", c)
	}
	must(t, w.svc.Apply(w.ctx, "mod", moderation.PartnerAnswer, ref, "approve"))
	must(t, w.svc.Apply(w.ctx, "mod", moderation.PartnerAnswer, ref, "hide"))
	if shown() {
		t.Fatal("a hidden answer is shown")
	}
	must(t, w.svc.Apply(w.ctx, "mod", moderation.PartnerAnswer, ref, "restore"))
	if !shown() {
		t.Fatal("restoring an approved answer did not show it again")
	}
	wantCode(t, w.svc.Apply(w.ctx, "mod", moderation.PartnerAnswer, ref, "publish"), fault.Invalid, "unknown outcome")
	wantCode(t, w.svc.Apply(w.ctx, "mod", moderation.PartnerAnswer, a.ID+"_r9", "approve"), fault.NotFound, "unknown revision")
	wantCode(t, w.svc.Apply(w.ctx, "mod", "video", ref, "approve"), fault.Invalid, "unknown type")
}

func TestProgressReviewRemindsWhoHasNotUpdated(t *testing.T) {
	w := newWorld(t)
	w.partnerMember("pat@appco.example", w.orgA, "fr")
	r := w.open(w.orgA.ID)
	a, err := w.svc.Submit(w.ctx, r.ID, w.items[0].ID, w.a(), commitBody())
	must(t, err)
	w.approve(moderation.PartnerAnswer, round.RevisionRef(a.ID, 1))
	r, cs, err := w.svc.Close(w.ctx, w.coord.ID, r.ID)
	must(t, err)
	box := &outbox{}
	if n, err := w.svc.Remind(w.ctx, box, "https://chorus.example"); err != nil || n != 0 {
		t.Fatalf("before any review: %d reminders, %v", n, err)
	}
	_, err = w.svc.OpenReview(w.ctx, w.coord.ID, r.ID, w.clock.Now().Add(2*24*time.Hour))
	must(t, err)
	if n, err := w.svc.Remind(w.ctx, box, "https://chorus.example"); err != nil || n != 1 {
		t.Fatalf("review due in 2 days: %d reminders, %v; want 1", n, err)
	}
	got := box.to("pat@appco.example")
	if len(got) != 1 || got[0].Kind != round.MailReviewDue || !strings.Contains(got[0].Text, "1 engagements") || !strings.Contains(got[0].HTML, `lang="fr"`) {
		t.Fatalf("review reminder: %+v", got)
	}
	w.clock.add(time.Hour)
	_, err = w.svc.UpdateCommitment(w.ctx, r.ID, cs[0].ID, w.a(), round.UpdateInput{Status: round.InProgress, Note: "En cours."})
	must(t, err)
	w.clock.add(2 * 24 * time.Hour)
	if n, err := w.svc.Remind(w.ctx, box, "https://chorus.example"); err != nil || n != 0 {
		t.Fatalf("at the review date after updating: %d reminders, %v; want none", n, err)
	}
}

// Several members of one organisation save and submit at once: every
// submission is a revision of its own, numbered 1..n with none lost or
// repeated, and reactions by many youth at once count once per person.
func TestConcurrentSubmissionsAndReactionsLoseNothing(t *testing.T) {
	w := newWorld(t)
	r := w.open(w.orgA.ID)
	item := w.items[0].ID
	const members, each = 4, 5
	var wg sync.WaitGroup
	errs := make(chan error, members*each*2)
	for m := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			who := w.a()
			who.AccountID = "member" + string(rune('A'+m))
			for k := range each {
				b := commitBody()
				b.Explanation = who.AccountID + " revision " + string(rune('0'+k))
				if _, err := w.svc.SaveDraft(w.ctx, r.ID, item, who, b); err != nil {
					errs <- err
				}
				if _, err := w.svc.Submit(w.ctx, r.ID, item, who, b); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	a, err := w.svc.Answer(w.ctx, round.AnswerID(r.ID, w.orgA.ID, item))
	must(t, err)
	seen := map[string]bool{}
	for i, rev := range a.Revisions {
		if rev.N != i+1 {
			t.Fatalf("revision %d is numbered %d", i+1, rev.N)
		}
		if seen[rev.Body.Explanation] {
			t.Fatalf("revision %q stored twice", rev.Body.Explanation)
		}
		seen[rev.Body.Explanation] = true
	}
	if len(a.Revisions) != members*each {
		t.Fatalf("got %d revisions, want %d: submissions were lost", len(a.Revisions), members*each)
	}

	w.approve(moderation.PartnerAnswer, round.RevisionRef(a.ID, 1))
	const youth = 12
	for i := range youth {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, re := range []round.Reaction{round.Clear, round.NotClear, round.Reactions[i%3]} {
				if err := w.svc.React(w.ctx, r.ID, a.ID, "youth"+string(rune('a'+i)), re); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	rc, err := w.svc.Reactions(w.ctx, r.ID, "")
	must(t, err)
	got := rc.Counts[a.ID]
	if got[round.Clear]+got[round.NotClear]+got[round.WantMore] != youth || got[round.WantMore] != youth/3 {
		t.Fatalf("got %v, want %d reactions, one per person, each their last", got, youth)
	}
}

func TestAYouthAsksAtMostMaxAskedAboutOneAnswer(t *testing.T) {
	w := newWorld(t)
	r := w.open(w.orgA.ID)
	a, err := w.svc.Submit(w.ctx, r.ID, w.items[0].ID, w.a(), commitBody())
	must(t, err)
	w.approve(moderation.PartnerAnswer, round.RevisionRef(a.ID, 1))
	lea := round.Youth{AccountID: "lea", Language: "fr"}
	for range round.MaxAsked {
		_, err := w.svc.Ask(w.ctx, r.ID, a.ID, lea, "Et alors ?")
		must(t, err)
	}
	_, err = w.svc.Ask(w.ctx, r.ID, a.ID, lea, "Et encore ?")
	wantCode(t, err, fault.Invalid, "one question more than MaxAsked")
	_, err = w.svc.Ask(w.ctx, r.ID, a.ID, round.Youth{AccountID: "tom", Language: "fr"}, "Et moi ?")
	must(t, err) // the limit is per person
	fus, err := w.svc.FollowUps(w.ctx, r.ID)
	must(t, err)
	if len(fus) != round.MaxAsked+1 {
		t.Fatalf("got %d questions, want %d", len(fus), round.MaxAsked+1)
	}
}

// The printable report after a progress review: every commitment with its
// approved progress and the youth's ratings, in the pledge's language,
// with the stance as words beside its icon.
func TestReportShowsTheReviewInThePledgesLanguage(t *testing.T) {
	w := newWorld(t)
	r := w.open(w.orgA.ID, w.orgB.ID)
	a, err := w.svc.Submit(w.ctx, r.ID, w.items[0].ID, w.a(), commitBody())
	must(t, err)
	w.approve(moderation.PartnerAnswer, round.RevisionRef(a.ID, 1))
	b, err := w.svc.Submit(w.ctx, r.ID, w.items[1].ID, w.b(), round.Body{Stance: round.Decline, Explanation: "<script>alert(1)</script> non"})
	must(t, err)
	w.approve(moderation.PartnerAnswer, round.RevisionRef(b.ID, 1))
	r, cs, err := w.svc.Close(w.ctx, w.coord.ID, r.ID)
	must(t, err)
	r, err = w.svc.OpenReview(w.ctx, w.coord.ID, r.ID, start.AddDate(1, 0, 0))
	must(t, err)
	c, err := w.svc.UpdateCommitment(w.ctx, r.ID, cs[0].ID, w.a(), round.UpdateInput{Status: round.Done, Note: "Le résumé est en ligne."})
	must(t, err)
	if _, err := w.svc.UpdateCommitment(w.ctx, r.ID, c.ID, w.a(), round.UpdateInput{Status: round.Dropped, Note: "Pas encore validé"}); err != nil {
		t.Fatal(err)
	}
	w.approve(moderation.CommitmentUpdate, round.UpdateRef(c.ID, 1))
	for i, who := range []string{"youth-account-1", "youth-account-2", "youth-account-3"} {
		_, err := w.svc.Rate(w.ctx, r.ID, c.ID, round.Youth{AccountID: who}, []round.Rating{round.Kept, round.Kept, round.NotYet}[i], "")
		must(t, err)
	}
	var html strings.Builder
	must(t, w.svc.WriteReport(w.ctx, &html, r))
	got := html.String()
	for _, want := range []string{`<html lang="fr">`, "Tour de retours: Youth Pledge", "État: clos", "✔ s’engage: 1", "✘ refuse: 1",
		"<h4>Appco: ✔ s’engage</h4>", "Engagements", "Bilan des progrès prévu le: 2027-11-23", "Publish a plain-language summary",
		"réalisé: Le résumé est en ligne.", "tenu 2 · en partie 0 · pas encore 1", "&lt;script&gt;alert(1)&lt;/script&gt; non"} {
		if !strings.Contains(got, want) {
			t.Fatalf("report lacks %q:\n%s", want, got)
		}
	}
	for _, never := range []string{"Pas encore validé", "<script>", "youth-account"} {
		if strings.Contains(got, never) {
			t.Fatalf("report shows %q (an unapproved update, raw markup or a youth's id):\n%s", never, got)
		}
	}
	var csvOut strings.Builder
	must(t, w.svc.WriteCSV(w.ctx, &csvOut, r))
	if lines := strings.Split(strings.TrimSpace(csvOut.String()), "\n"); len(lines) != 5 || !strings.HasPrefix(lines[0], "Point,Titre,Organisation,Position") {
		t.Fatalf("CSV: %q, want a header and 4 rows (2 items x 2 partners)", lines)
	}
}

// A round schedules its supervised live session with the sessions service
// it was built with (a constructor argument, not a field set later):
// every invited organisation is in it, and the round links it. Without
// one, scheduling is unavailable.
func TestScheduleSessionLinksItFromTheRound(t *testing.T) {
	w := newWorld(t)
	r := w.open(w.orgA.ID, w.orgB.ID)
	_, _, err := w.svc.ScheduleSession(w.ctx, w.coord.ID, r.ID, "Talk", start.Add(time.Hour))
	wantCode(t, err, fault.Unavailable, "a session without the sessions service")
	ls := livesession.NewService(w.docs, w.ids, w.mod, nil, nil)
	ls.Now = w.clock.Now
	must(t, ls.Declare(w.ctx))
	svc := round.NewService(w.docs, w.pl, w.ids, w.mod, nil, ls)
	svc.Now = w.clock.Now
	r, sess, err := svc.ScheduleSession(w.ctx, w.coord.ID, r.ID, "Talk with the partners", start.Add(time.Hour))
	must(t, err)
	if len(r.Sessions) != 1 || r.Sessions[0].ID != sess.ID || len(sess.OrgIDs) != 2 || !sess.Paused {
		t.Fatalf("round sessions %+v, session %+v; want the round linking one paused session with both organisations", r.Sessions, sess)
	}
}
