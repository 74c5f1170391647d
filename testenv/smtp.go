package testenv

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPServer is an in-process SMTP server on loopback (github.com/emersion/go-smtp)
// that keeps every message it receives. It offers no TLS, so a client with
// opportunistic STARTTLS talks plain SMTP to it, and it accepts AUTH PLAIN
// with any credentials, or no AUTH at all.
type SMTPServer struct {
	Addr string // "127.0.0.1:port"
	URL  string // "smtp://127.0.0.1:port", for SMTP_URL

	mu       sync.Mutex
	received []ReceivedMail
	changed  chan struct{} // closed and replaced whenever a message arrives
	reject   map[string]bool
	close    func()
}

// ReceivedMail is one message as the server received it.
type ReceivedMail struct {
	From string   // envelope sender (MAIL FROM)
	To   []string // envelope recipients (RCPT TO)
	User string   // the AUTH user name; empty when the client did not authenticate
	Data []byte   // the raw message: headers and body, CRLF line ends
}

// ParsedMail is a received message with its headers and its text and HTML
// bodies decoded (quoted-printable or base64, UTF-8) and with LF line ends.
type ParsedMail struct {
	Header      mail.Header
	Subject     string // RFC 2047 decoded
	ContentType string // media type of the whole body, e.g. "multipart/alternative"
	Text        string // the first text/plain part that is not an attachment
	HTML        string // the first text/html part that is not an attachment
}

// smtpMaxNesting bounds multipart nesting when parsing.
const smtpMaxNesting = 8

// SMTP starts an SMTP server on 127.0.0.1 and a free port for the test and
// stops it when the test ends.
func SMTP(t testing.TB) *SMTPServer {
	t.Helper()
	s, err := StartSMTP()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// StartSMTP starts an SMTP server on 127.0.0.1 and a free port, for
// programs other than tests (the benchmarks); Close stops it.
func StartSMTP() (*SMTPServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("testenv: smtp listen: %w", err)
	}
	s := &SMTPServer{
		Addr:    l.Addr().String(),
		URL:     "smtp://" + l.Addr().String(),
		changed: make(chan struct{}),
		reject:  map[string]bool{},
	}
	srv := smtp.NewServer(smtpBackend{s})
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true // loopback only; there is no TLS to offer
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 100
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0) // t.Logf would panic after the test ends

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l) // returns once Close is called
	}()
	var once sync.Once
	s.close = func() {
		once.Do(func() {
			_ = srv.Close()
			// Close only closes the listeners Serve has registered; when the
			// caller stops before Serve got that far, closing l ends Serve.
			_ = l.Close()
			<-done
		})
	}
	return s, nil
}

// Close stops the server.
func (s *SMTPServer) Close() { s.close() }

// RejectRecipient makes the server refuse addr at RCPT TO with a permanent
// 550 error, as a real server does for a mailbox that does not exist.
func (s *SMTPServer) RejectRecipient(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject[strings.ToLower(addr)] = true
}

// Messages returns a copy of every message received so far, oldest first.
func (s *SMTPServer) Messages() []ReceivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ReceivedMail, len(s.received))
	for i, m := range s.received {
		out[i] = m.clone()
	}
	return out
}

// WaitFor returns the first received message for which match returns true
// (nil matches any), waiting up to timeout for it to arrive; it fails the
// test when none does. Call it from the test's goroutine.
func (s *SMTPServer) WaitFor(t testing.TB, match func(ReceivedMail) bool, timeout time.Duration) ReceivedMail {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		msgs := s.Messages()
		for _, m := range msgs {
			if match == nil || match(m) {
				return m
			}
		}
		select {
		case <-changed:
		case <-deadline.C:
			var got []string
			for _, m := range msgs {
				got = append(got, fmt.Sprintf("%v from %s", m.To, m.From))
			}
			t.Fatalf("testenv: no matching mail within %v; received %d: %s", timeout, len(msgs), strings.Join(got, "; "))
			return ReceivedMail{}
		}
	}
}

// ToAddr reports whether addr is one of the envelope recipients (ignoring
// case), for use with WaitFor.
func (m ReceivedMail) ToAddr(addr string) bool {
	for _, to := range m.To {
		if strings.EqualFold(to, addr) {
			return true
		}
	}
	return false
}

// Parse reads the headers and decodes the text and HTML bodies, walking
// nested multipart bodies. Only UTF-8 and US-ASCII bodies are supported.
func (m ReceivedMail) Parse() (ParsedMail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return ParsedMail{}, fmt.Errorf("testenv: parse mail: %w", err)
	}
	p := ParsedMail{Header: msg.Header}
	if p.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return ParsedMail{}, fmt.Errorf("testenv: decode subject: %w", err)
	}
	ct := msg.Header.Get("Content-Type")
	if ct == "" {
		ct = "text/plain; charset=us-ascii"
	}
	if p.ContentType, _, err = mime.ParseMediaType(ct); err != nil {
		return ParsedMail{}, fmt.Errorf("testenv: content type %q: %w", ct, err)
	}
	if err := p.walk(msg.Header, msg.Body, 0); err != nil {
		return ParsedMail{}, err
	}
	return p, nil
}

// MustParse is Parse that fails the test on error.
func (m ReceivedMail) MustParse(t testing.TB) ParsedMail {
	t.Helper()
	p, err := m.Parse()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// linkPattern finds http(s) URLs in plain text; trailing punctuation of the
// sentence around a link is trimmed by Links.
var linkPattern = regexp.MustCompile(`https?://[^\s<>"']+`)

// Links returns the http and https URLs in the text body, in order.
func (p ParsedMail) Links() []string {
	var out []string
	for _, l := range linkPattern.FindAllString(p.Text, -1) {
		out = append(out, strings.TrimRight(l, ".,;:!?)]"))
	}
	return out
}

// partHeader is what walk needs of a header: mail.Header for the message,
// textproto.MIMEHeader for a part.
type partHeader interface{ Get(string) string }

func (p *ParsedMail) walk(h partHeader, body io.Reader, depth int) error {
	if depth > smtpMaxNesting {
		return errors.New("testenv: multipart nested too deeply")
	}
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain; charset=us-ascii"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("testenv: content type %q: %w", ct, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart() // raw: decode every encoding the same way below
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("testenv: multipart: %w", err)
			}
			if err := p.walk(part.Header, part, depth+1); err != nil {
				return err
			}
		}
	}
	if mt != "text/plain" && mt != "text/html" {
		return nil
	}
	if d, _, _ := mime.ParseMediaType(h.Get("Content-Disposition")); d == "attachment" {
		return nil
	}
	if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "us-ascii" {
		return fmt.Errorf("testenv: unsupported charset %q", cs)
	}
	var r io.Reader = body
	switch enc := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))); enc {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body) // skips the CRLF line breaks
	case "", "7bit", "8bit", "binary":
	default:
		return fmt.Errorf("testenv: unsupported transfer encoding %q", enc)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("testenv: decode %s body: %w", mt, err)
	}
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	if mt == "text/plain" && p.Text == "" {
		p.Text = text
	}
	if mt == "text/html" && p.HTML == "" {
		p.HTML = text
	}
	return nil
}

func (m ReceivedMail) clone() ReceivedMail {
	m.To = append([]string(nil), m.To...)
	m.Data = append([]byte(nil), m.Data...)
	return m
}

// smtpBackend starts one session per connection.
type smtpBackend struct{ s *SMTPServer }

func (b smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &smtpSession{s: b.s}, nil
}

// smtpSession collects one transaction at a time.
type smtpSession struct {
	s    *SMTPServer
	user string
	from string
	to   []string
}

var _ smtp.AuthSession = (*smtpSession)(nil)

func (ss *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, _ string) error {
		ss.user = username
		return nil
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	rejected := ss.s.reject[strings.ToLower(to)]
	ss.s.mu.Unlock()
	if rejected {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := ReceivedMail{From: ss.from, To: append([]string(nil), ss.to...), User: ss.user, Data: data}
	ss.s.mu.Lock()
	ss.s.received = append(ss.s.received, m)
	close(ss.s.changed)
	ss.s.changed = make(chan struct{})
	ss.s.mu.Unlock()
	return nil
}

func (ss *smtpSession) Reset() {
	ss.from = ""
	ss.to = nil
}

func (ss *smtpSession) Logout() error { return nil }
