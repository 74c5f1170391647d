package outbox_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/fault"
	"chorus/mail"
	"chorus/mail/outbox"
	"chorus/store"
	"chorus/store/sqlite"
)

// clock is a fake clock that tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// syncBuffer is a log sink that is safe to read while the outbox writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

type fixture struct {
	box   *outbox.Outbox
	docs  store.Documents
	clock *clock
	log   *syncBuffer
}

func mustOpen(t *testing.T) fixture {
	t.Helper()
	docs, err := sqlite.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = docs.Close() })
	f := fixture{docs: docs, clock: &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}, log: &syncBuffer{}}
	panelsOf := func(_ context.Context, accountID string) ([]string, error) {
		return map[string][]string{"youth-a": {"panel-a"}, "youth-b": {"panel-b"}}[accountID], nil
	}
	f.box, err = outbox.New(context.Background(), docs, slog.New(slog.NewJSONHandler(f.log, nil)), f.clock.Now, panelsOf)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func message(i int) mail.Message {
	return mail.Message{
		To:      fmt.Sprintf("guardian%d@example.org", i),
		Subject: fmt.Sprintf("Bestätigung für Léa %d", i),
		Text:    fmt.Sprintf("Open https://chorus.example/g/secret-token-%d to answer.", i),
		HTML:    fmt.Sprintf(`<p><a href="https://chorus.example/g/secret-token-%d">Answer</a></p>`, i),
		Kind:    "guardian.request",
	}
}

func TestSendKeepsAndLogs(t *testing.T) {
	ctx := context.Background()
	f := mustOpen(t)
	m := message(1)
	if err := f.box.Send(ctx, m); err != nil {
		t.Fatalf("Send: %v", err)
	}

	page, err := f.box.List(ctx, outbox.Query{})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(page.Entries) != 1 || page.Next != "" {
		t.Fatalf("List: got %d entries, next %q; want 1, \"\"", len(page.Entries), page.Next)
	}
	e := page.Entries[0]
	if e.Message != m {
		t.Errorf("kept message: got %+v, want %+v", e.Message, m)
	}
	if !e.At.Equal(f.clock.Now()) {
		t.Errorf("At: got %v, want %v", e.At, f.clock.Now())
	}
	got, err := f.box.Get(ctx, e.ID)
	if err != nil || got.Message != m {
		t.Errorf("Get(%s): got %+v, %v; want the message", e.ID, got.Message, err)
	}
	if _, err := f.box.Get(ctx, "nope"); fault.CodeOf(err) != fault.NotFound {
		t.Errorf("Get(unknown): got %v, want %s", err, fault.NotFound)
	}

	log := f.log.String()
	if n := strings.Count(log, "\n"); n != 1 {
		t.Errorf("log: got %d lines, want 1:\n%s", n, log)
	}
	for _, want := range []string{`"kind":"guardian.request"`, `"to_domain":"example.org"`, e.ID} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
	for _, secret := range []string{"guardian1@", "secret-token", "Léa"} {
		if strings.Contains(log, secret) {
			t.Errorf("log leaks %q:\n%s", secret, log)
		}
	}
}

func TestListNewestFirstWithPaging(t *testing.T) {
	ctx := context.Background()
	f := mustOpen(t)
	// Seven messages: five a minute apart, then two in the same millisecond
	// (the tie is broken by the time-ordered id). Odd ones are reminders.
	var want []string // subjects, newest first
	for i := range 7 {
		if i < 5 {
			f.clock.Add(time.Minute)
		}
		m := message(i)
		if i%2 == 1 {
			m.Kind = "guardian.reminder"
		}
		if err := f.box.Send(ctx, m); err != nil {
			t.Fatalf("Send %d: %v", i, err)
		}
		want = append([]string{m.Subject}, want...)
	}

	var got []string
	var last time.Time
	q := outbox.Query{Limit: 3}
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatal("List: paging does not end")
		}
		p, err := f.box.List(ctx, q)
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if len(p.Entries) > 3 {
			t.Fatalf("List: got %d entries, want at most 3", len(p.Entries))
		}
		for _, e := range p.Entries {
			if !last.IsZero() && e.At.After(last) {
				t.Errorf("List: %s (%v) after an older entry (%v)", e.Message.Subject, e.At, last)
			}
			last = e.At
			got = append(got, e.Message.Subject)
		}
		if p.Next == "" {
			break
		}
		q.After = p.Next
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("List pages:\n got %q\nwant %q", got, want)
	}

	p, err := f.box.List(ctx, outbox.Query{Kind: "guardian.reminder"})
	if err != nil {
		t.Fatalf("List(kind): %v", err)
	}
	var reminders []string
	for _, e := range p.Entries {
		reminders = append(reminders, e.Message.Subject)
	}
	if w := []string{want[1], want[3], want[5]}; strings.Join(reminders, "|") != strings.Join(w, "|") {
		t.Errorf("List(kind=guardian.reminder): got %q, want %q", reminders, w)
	}

	if _, err := f.box.List(ctx, outbox.Query{After: "not-a-cursor"}); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("List(bad cursor): got %v, want %s", err, fault.Invalid)
	}
	if _, err := f.box.List(ctx, outbox.Query{Limit: store.MaxLimit + 1}); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("List(limit too big): got %v, want %s", err, fault.Invalid)
	}
}

// A password-reset link is for its recipient alone: the outbox, which
// staff can read, never keeps it (issue 9).
func TestMailForTheRecipientOnlyIsNeverKept(t *testing.T) {
	ctx := context.Background()
	f := mustOpen(t)
	reset := mail.Message{To: "mod@example.org", Subject: "Reset your password", Text: "https://chorus.example/reset/secret-reset-token",
		Kind: "auth.password_reset", ForRecipientOnly: true}
	if err := f.box.Send(ctx, reset); err != nil {
		t.Fatal(err)
	}
	page, err := f.box.List(ctx, outbox.Query{})
	if err != nil || len(page.Entries) != 0 {
		t.Fatalf("got %d held messages (%v), want none", len(page.Entries), err)
	}
	if logged := f.log.String(); !strings.Contains(logged, "not delivered") || strings.Contains(logged, "secret-reset-token") || strings.Contains(logged, "mod@") {
		t.Errorf("log: got %s, want a line saying it was not delivered, without the link or the address", logged)
	}
}

// Each held message knows the panels it is about: its own panel and the
// panels of the person it is about; a listing for some panels shows only
// theirs, however many others' came after.
func TestListForPanelsShowsOnlyTheirMail(t *testing.T) {
	ctx := context.Background()
	f := mustOpen(t)
	send := func(m mail.Message) {
		t.Helper()
		f.clock.Add(time.Millisecond)
		if err := f.box.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	a := message(1)
	a.AccountID = "youth-a"
	send(a)
	inv := message(2)
	inv.Kind, inv.PanelID = "identity.invitation", "panel-a"
	send(inv)
	for i := range 60 { // panel b's mail, newer than all of panel a's: pages of 10 hold none of a's
		b := message(100 + i)
		b.AccountID = "youth-b"
		send(b)
	}
	page, err := f.box.List(ctx, outbox.Query{Panels: []string{"panel-a"}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 2 || page.Entries[0].Message.Kind != "identity.invitation" || page.Entries[1].Message.AccountID != "youth-a" {
		t.Fatalf("panel a: got %+v, want its invitation and its youth's guardian mail", page.Entries)
	}
	if page, _ := f.box.List(ctx, outbox.Query{Panels: []string{"panel-c"}}); len(page.Entries) != 0 {
		t.Errorf("a panel without mail: got %d messages", len(page.Entries))
	}
}

func TestSendRejectsBadMessagesAndChangesNothing(t *testing.T) {
	ctx := context.Background()
	f := mustOpen(t)
	with := func(fn func(*mail.Message)) mail.Message { m := message(1); fn(&m); return m }
	for name, m := range map[string]mail.Message{
		"header injection": with(func(m *mail.Message) { m.To = "a@b.c\r\nBcc: x@y.z" }),
		"two addresses":    with(func(m *mail.Message) { m.To = "a@b.c, x@y.z" }),
		"display name":     with(func(m *mail.Message) { m.To = "Léa Martin <lea@example.org>" }),
		"not an address":   with(func(m *mail.Message) { m.To = "lea" }),
		"empty subject":    with(func(m *mail.Message) { m.Subject = "" }),
		"empty text":       with(func(m *mail.Message) { m.Text = "" }),
	} {
		t.Run(name, func(t *testing.T) {
			if err := f.box.Send(ctx, m); fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("Send: got %v, want %s", err, fault.Invalid)
			}
		})
	}
	if n, err := f.docs.Count(ctx, outbox.Collection, nil); err != nil || n != 0 {
		t.Errorf("outbox after bad sends: got %d records (%v), want 0", n, err)
	}
	if log := f.log.String(); log != "" {
		t.Errorf("log after bad sends: got %q, want nothing", log)
	}
}

func TestConcurrentSends(t *testing.T) {
	ctx := context.Background()
	f := mustOpen(t)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if err := f.box.Send(ctx, message(i)); err != nil {
				t.Errorf("Send %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if n, err := f.docs.Count(ctx, outbox.Collection, nil); err != nil || n != 20 {
		t.Errorf("outbox: got %d records (%v), want 20", n, err)
	}
}

// TestForgetRemovesAnErasedPersonsMail is the outbox row of the README's
// retention table: mail to the erased person, or about them (a guardian's
// link for them), goes; other mail stays.
func TestForgetRemovesAnErasedPersonsMail(t *testing.T) {
	ctx := context.Background()
	f := mustOpen(t)
	toLea := mail.Message{To: "lea@example.org", Subject: "Invitation", Text: "join at /invite/secret", Kind: "invitation"}
	aboutLea := mail.Message{To: "parent@example.org", Subject: "Consent", Text: "/guardian/secret", Kind: "guardian.request", AccountID: "lea"}
	toSam := mail.Message{To: "sam@example.org", Subject: "Invitation", Text: "join", Kind: "invitation"}
	for _, m := range []mail.Message{toLea, aboutLea, toSam} {
		if err := f.box.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	n, err := f.box.Forget(ctx, "lea", "lea@example.org")
	if err != nil || n != 2 {
		t.Fatalf("Forget: got %d %v, want 2", n, err)
	}
	page, _ := f.box.List(ctx, outbox.Query{})
	if len(page.Entries) != 1 || page.Entries[0].Message.To != "sam@example.org" {
		t.Errorf("left in the outbox: got %+v, want only Sam's mail", page.Entries)
	}
}
