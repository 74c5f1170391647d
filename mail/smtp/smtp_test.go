package smtp_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/fault"
	"chorus/mail"
	"chorus/mail/smtp"
	"chorus/testenv"
)

const from = "Chorus <no-reply@chorus.example>"

// link is long and full of characters that quoted-printable escapes ("=")
// or folds (over 76 characters), so reading it back proves the decoding.
const link = "https://chorus.example/guardian/accept?token=eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ5b3V0aC0xMjMiLCJleHAiOjE3NDB9.c2lnbmF0dXJl&lang=fr"

func guardianMail(to string) mail.Message {
	return mail.Message{
		To:      to,
		Subject: "Bestätigung für Léa",
		Text:    "Bonjour,\n\nLéa aimerait participer à Chorus. Pour répondre, ouvrez ce lien :\n" + link + "\n\nMerci !",
		HTML:    `<p>Bonjour,</p><p>Léa aimerait participer à Chorus. <a href="` + strings.ReplaceAll(link, "&", "&amp;") + `">Répondre</a></p>`,
		Kind:    "guardian.request",
	}
}

func mustNew(t *testing.T, rawURL string) *smtp.Sender {
	t.Helper()
	s, err := smtp.New(rawURL, from)
	if err != nil {
		t.Fatalf("New(%q): %v", rawURL, err)
	}
	s.Timeout = 5 * time.Second
	return s
}

func TestSendDeliversMultipartMessage(t *testing.T) {
	srv := testenv.SMTP(t)
	s := mustNew(t, srv.URL)
	m := guardianMail("guardian@example.org")
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}

	got := srv.WaitFor(t, func(r testenv.ReceivedMail) bool { return r.ToAddr(m.To) }, 5*time.Second)
	if got.From != "no-reply@chorus.example" || len(got.To) != 1 || got.To[0] != m.To {
		t.Errorf("envelope: got from %q to %q, want no-reply@chorus.example to [%s]", got.From, got.To, m.To)
	}
	if got.User != "" {
		t.Errorf("AUTH user: got %q, want none", got.User)
	}
	head, _, _ := bytes.Cut(got.Data, []byte("\r\n\r\n"))
	for _, c := range head {
		if c >= 0x80 {
			t.Fatalf("raw header has a non-ASCII byte; the subject must be RFC 2047 encoded:\n%s", head)
		}
	}

	p := got.MustParse(t)
	if p.ContentType != "multipart/alternative" {
		t.Errorf("Content-Type: got %q, want multipart/alternative", p.ContentType)
	}
	if p.Subject != m.Subject {
		t.Errorf("Subject: got %q, want %q", p.Subject, m.Subject)
	}
	if p.Text != m.Text {
		t.Errorf("text part:\n got %q\nwant %q", p.Text, m.Text)
	}
	if p.HTML != m.HTML {
		t.Errorf("HTML part:\n got %q\nwant %q", p.HTML, m.HTML)
	}
	if links := p.Links(); len(links) != 1 || links[0] != link {
		t.Errorf("links in the text: got %q, want [%s]", links, link)
	}

	for name, want := range map[string]string{
		"From":           `"Chorus" <no-reply@chorus.example>`,
		"To":             "<guardian@example.org>",
		"Auto-Submitted": "auto-generated",
		"Mime-Version":   "1.0",
	} {
		if v := p.Header.Get(name); v != want {
			t.Errorf("%s: got %q, want %q", name, v, want)
		}
	}
	if d, err := p.Header.Date(); err != nil || time.Since(d) > time.Minute || time.Until(d) > time.Minute {
		t.Errorf("Date: got %v (%v), want about now", d, err)
	}
	if id := p.Header.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@chorus.example>") || len(id) < 30 {
		t.Errorf("Message-ID: got %q, want a random <...@chorus.example>", id)
	}
	for _, h := range []string{"User-Agent", "X-Mailer"} {
		if v := p.Header.Get(h); v != "" {
			t.Errorf("%s: got %q, want none", h, v)
		}
	}
}

func TestSendTextOnly(t *testing.T) {
	srv := testenv.SMTP(t)
	m := guardianMail("lea@example.org")
	m.HTML = ""
	if err := mustNew(t, srv.URL).Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	p := srv.WaitFor(t, nil, 5*time.Second).MustParse(t)
	// A single-part body ends with the line break SMTP requires.
	if strings.TrimSuffix(p.Text, "\n") != m.Text || p.HTML != "" {
		t.Errorf("got text %q and HTML %q, want the text only", p.Text, p.HTML)
	}
}

func TestSendAuthenticates(t *testing.T) {
	srv := testenv.SMTP(t)
	// Loopback without TLS is the one place go-mail allows PLAIN in the clear.
	u := strings.Replace(srv.URL, "smtp://", "smtp://chorus:p%40ss%3Aword@", 1)
	if err := mustNew(t, u).Send(context.Background(), guardianMail("guardian@example.org")); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := srv.WaitFor(t, nil, 5*time.Second).User; got != "chorus" {
		t.Errorf("AUTH user: got %q, want chorus", got)
	}
}

func TestSendConcurrently(t *testing.T) {
	srv := testenv.SMTP(t)
	s := mustNew(t, srv.URL)
	const n = 8
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if err := s.Send(context.Background(), guardianMail(fmt.Sprintf("g%d@example.org", i))); err != nil {
				t.Errorf("Send %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if got := len(srv.Messages()); got != n {
		t.Errorf("received %d messages, want %d", got, n)
	}
}

func TestSendRefusesBadMessagesWithoutConnecting(t *testing.T) {
	srv := testenv.SMTP(t)
	s := mustNew(t, srv.URL)
	for _, to := range []string{"a@b.c\r\nBcc: x@y.z", "a@b.c, x@y.z", "Léa <lea@example.org>", ""} {
		if err := s.Send(context.Background(), guardianMail(to)); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("Send(to %q): got %v, want %s", to, err, fault.Invalid)
		}
	}
	m := guardianMail("guardian@example.org")
	m.Subject = ""
	if err := s.Send(context.Background(), m); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("Send(no subject): got %v, want %s", err, fault.Invalid)
	}
	if got := srv.Messages(); len(got) != 0 {
		t.Errorf("received %d messages, want 0", len(got))
	}
}

func TestSendRecipientRejectedIsInvalid(t *testing.T) {
	srv := testenv.SMTP(t)
	srv.RejectRecipient("gone@example.org")
	err := mustNew(t, srv.URL).Send(context.Background(), guardianMail("gone@example.org"))
	if fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("Send to a refused mailbox: got %v, want %s", err, fault.Invalid)
	}
}

func TestSendUnreachableIsUnavailable(t *testing.T) {
	// A port nobody listens on: the connection is refused at once.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	_ = l.Close()

	// A server that accepts and never greets: only the timeout ends the wait.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = silent.Close() })
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = c.Close() })
		}
	}()

	for name, addr := range map[string]string{"refused": closed, "silent": silent.Addr().String()} {
		t.Run(name, func(t *testing.T) {
			s := mustNew(t, "smtp://"+addr)
			s.Timeout = 300 * time.Millisecond
			start := time.Now()
			err := s.Send(context.Background(), guardianMail("guardian@example.org"))
			if fault.CodeOf(err) != fault.Unavailable {
				t.Fatalf("Send: got %v, want %s", err, fault.Unavailable)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("Send took %v, want about the 300ms timeout", d)
			}
		})
	}
}

func TestSendCancelledContextIsUnavailable(t *testing.T) {
	srv := testenv.SMTP(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := mustNew(t, srv.URL).Send(ctx, guardianMail("guardian@example.org"))
	if fault.CodeOf(err) != fault.Unavailable {
		t.Fatalf("Send(cancelled): got %v, want %s", err, fault.Unavailable)
	}
}

func TestNew(t *testing.T) {
	good := []string{
		"smtp://localhost",
		"smtp://mail.example.org:2525",
		"smtps://user:secret@mail.example.org",
		"smtp://user:secret@mail.example.org:587?starttls=required",
	}
	for _, u := range good {
		if _, err := smtp.New(u, from); err != nil {
			t.Errorf("New(%q): %v", u, err)
		}
	}
	bad := []string{
		"",
		"mail.example.org:25",
		"http://mail.example.org",
		"smtp://",
		"smtp://mail.example.org:0",
		"smtp://mail.example.org:99999",
		"smtp://mail.example.org/inbox",
		"smtp://mail.example.org?tls=off",
		"smtps://mail.example.org?starttls=required",
		"smtp://user:s%zzret@mail.example.org",
	}
	for _, u := range bad {
		_, err := smtp.New(u, from)
		if fault.CodeOf(err) != fault.Invalid {
			t.Errorf("New(%q): got %v, want %s", u, err, fault.Invalid)
		}
		if err != nil && strings.Contains(err.Error(), "s%zzret") {
			t.Errorf("New(%q): the error leaks the password: %v", u, err)
		}
	}
	for _, f := range []string{"", "not an address", "a@b.c\r\nBcc: x@y.z"} {
		if _, err := smtp.New("smtp://localhost", f); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("New(from %q): got %v, want %s", f, err, fault.Invalid)
		}
	}

	s, err := smtp.New("smtps://chorus:secret@mail.example.org", from)
	if err != nil {
		t.Fatal(err)
	}
	if str := s.String(); strings.Contains(str, "secret") || !strings.Contains(str, "smtps://chorus@mail.example.org:465") {
		t.Errorf("String: got %q, want the URL with the user and without the password", str)
	}
}

// The parsed From header must round-trip through net/mail, as mail clients
// will read it.
func TestFromHeaderParses(t *testing.T) {
	srv := testenv.SMTP(t)
	if err := mustNew(t, srv.URL).Send(context.Background(), guardianMail("guardian@example.org")); err != nil {
		t.Fatal(err)
	}
	p := srv.WaitFor(t, nil, 5*time.Second).MustParse(t)
	a, err := netmail.ParseAddress(p.Header.Get("From"))
	if err != nil || a.Address != "no-reply@chorus.example" || a.Name != "Chorus" {
		t.Errorf("From: got %+v (%v), want Chorus <no-reply@chorus.example>", a, err)
	}
}
