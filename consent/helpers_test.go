package consent_test

import (
	"context"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"chorus/consent"
	"chorus/fault"
	"chorus/mail"
	"chorus/store"
	"chorus/store/sqlite"
)

// clock is an injected clock that tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }
func (c *clock) Set(t time.Time)         { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// outbox records every message sent.
type outbox struct {
	mu   sync.Mutex
	msgs []mail.Message
}

var _ mail.Sender = (*outbox)(nil)

func (o *outbox) Send(_ context.Context, m mail.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = append(o.msgs, m)
	return nil
}

func (o *outbox) all() []mail.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]mail.Message(nil), o.msgs...)
}

func (o *outbox) last(t *testing.T) mail.Message {
	t.Helper()
	all := o.all()
	if len(all) == 0 {
		t.Fatal("no mail was sent")
	}
	return all[len(all)-1]
}

// assurance is an AgeAssurance double: a struct of function fields.
type assurance struct {
	CheckGuardianFn func(ctx context.Context, email, ref string) (consent.AssuranceResult, error)
}

var _ consent.AgeAssurance = assurance{}

func (a assurance) CheckGuardian(ctx context.Context, email, ref string) (consent.AssuranceResult, error) {
	return a.CheckGuardianFn(ctx, email, ref)
}

// people is a Subjects fake keyed by account id.
type people struct {
	mu sync.Mutex
	m  map[string]consent.Subject
}

func (p *people) FindSubject(_ context.Context, id string) (consent.Subject, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.m[id]
	if !ok {
		return consent.Subject{}, fault.Errorf(fault.NotFound, "no account %s", id)
	}
	return s, nil
}

func (p *people) add(s consent.Subject) { p.mu.Lock(); defer p.mu.Unlock(); p.m[s.AccountID] = s }

type env struct {
	svc    *consent.Service
	clock  *clock
	mail   *outbox
	people *people
	docs   store.Documents
	ctx    context.Context
}

// start is the fixed "today" of the tests: 2026-11-23 10:00 UTC.
var start = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func newEnv(t *testing.T) *env {
	t.Helper()
	docs, err := sqlite.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docs.Close() })
	e := &env{clock: &clock{t: start}, mail: &outbox{}, people: &people{m: map[string]consent.Subject{}}, docs: docs, ctx: context.Background()}
	e.svc = consent.NewService(docs, e.mail, e.people, "https://chorus.example.org/")
	e.svc.Now = e.clock.Now
	e.svc.Controller = consent.Controller{Name: "Safer Internet Centre Test", Contact: "privacy@sic.example.org"}
	if err := e.svc.Declare(e.ctx); err != nil {
		t.Fatal(err)
	}
	return e
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// youth adds a young person aged `age` today (birthday a month ago).
func (e *env) youth(id, country string, age int, lang string) consent.Subject {
	b := start.AddDate(-age, -1, 0)
	s := consent.Subject{
		AccountID: id, FirstName: "Léa", Email: id + "@youth.example.org",
		BirthDate: time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC), Country: country, Language: lang,
	}
	e.people.add(s)
	return s
}

var linkRE = regexp.MustCompile(`https://chorus\.example\.org/guardian/(manage/)?([A-Za-z0-9_-]{43})`)

// tokenFrom returns the token of the guardian link in m.
func tokenFrom(t *testing.T, m mail.Message) string {
	t.Helper()
	got := linkRE.FindStringSubmatch(m.Text)
	if got == nil {
		t.Fatalf("no guardian link in mail %q:\n%s", m.Kind, m.Text)
	}
	if !regexp.MustCompile(regexp.QuoteMeta(got[0])).MatchString(m.HTML) {
		t.Fatalf("HTML part lacks the link %s", got[0])
	}
	return got[2]
}

// askGuardian runs RequestGuardian and returns the token of the mailed link.
func (e *env) askGuardian(t *testing.T, id, lang string) string {
	t.Helper()
	if err := e.svc.RequestGuardian(e.ctx, id, "parent@family.example.org", lang); err != nil {
		t.Fatalf("RequestGuardian: %v", err)
	}
	return tokenFrom(t, e.mail.last(t))
}

// confirm runs the whole guardian flow and returns the manage token.
func (e *env) confirm(t *testing.T, id string, grants map[consent.Scope]bool) string {
	t.Helper()
	tok := e.askGuardian(t, id, "en")
	if err := e.svc.ConfirmGuardian(e.ctx, tok, "Anne Parent", grants); err != nil {
		t.Fatalf("ConfirmGuardian: %v", err)
	}
	m := e.mail.last(t)
	if m.Kind != consent.MailGuardianDone {
		t.Fatalf("last mail kind = %q, want %q", m.Kind, consent.MailGuardianDone)
	}
	return tokenFrom(t, m)
}

func (e *env) states(t *testing.T, id string) map[consent.Scope]consent.State {
	t.Helper()
	st, err := e.svc.EffectiveFor(e.ctx, id)
	if err != nil {
		t.Fatalf("Effective: %v", err)
	}
	return st
}

func wantCode(t *testing.T, err error, code fault.Code, what string) {
	t.Helper()
	if got := fault.CodeOf(err); got != code {
		t.Fatalf("%s: got error %v (code %q), want code %q", what, err, got, code)
	}
}

func wantMessage(t *testing.T, err error, code fault.Code, msg, what string) {
	t.Helper()
	wantCode(t, err, code, what)
	if got := fault.MessageOf(err); got != msg {
		t.Fatalf("%s: got message %q, want %q", what, got, msg)
	}
}
