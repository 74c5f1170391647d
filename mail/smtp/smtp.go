// Package smtp is the mail.Sender that delivers over SMTP (SMTP_URL), built
// on github.com/wneessen/go-mail.
//
// URLs:
//
//	smtp://[user:pass@]host[:port]   plain TCP, upgraded with STARTTLS when the server offers it (default port 587)
//	smtps://[user:pass@]host[:port]  implicit TLS (default port 465)
//
// smtp://...?starttls=required refuses a server that does not offer STARTTLS.
// User and password are URL-encoded. Credentials are sent with PLAIN or
// LOGIN only over TLS or to a loopback server: a server that drops STARTTLS
// (or an attacker stripping it) gets no password, and Send fails with
// fault.Internal. Every message is one connection: the SMTP_URL server is a
// relay, and a dedicated connection keeps Send safe for concurrent use.
package smtp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	netmail "net/mail"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"chorus/fault"
	"chorus/mail"
)

// Compile-time proof that *Sender implements the port.
var _ mail.Sender = (*Sender)(nil)

// DefaultTimeout bounds connecting and each SMTP exchange.
const DefaultTimeout = 15 * time.Second

// Sender sends each message over a new SMTP connection.
type Sender struct {
	// Timeout bounds the dial, the TLS handshake and each exchange with the
	// server. New sets DefaultTimeout; change it before the first Send.
	Timeout time.Duration

	host     string
	port     int
	implicit bool // smtps://
	policy   gomail.TLSPolicy
	user     string
	pass     string
	auth     bool
	from     string // as given, possibly with a display name
	fromAddr string // the bare address, for the Message-ID
}

// New parses rawURL (see the package doc) and from, the sender address
// ("Chorus <no-reply@example.org>" or a bare address). It does not connect.
// It returns fault.Invalid for a bad URL or sender address.
func New(rawURL, from string) (*Sender, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Error repeats the URL, and with it the password: keep it out.
		return nil, fault.Errorf(fault.Invalid, "smtp: SMTP_URL is not a URL")
	}
	s := &Sender{Timeout: DefaultTimeout, host: u.Hostname(), policy: gomail.TLSOpportunistic}
	switch u.Scheme {
	case "smtp":
		s.port = 587
	case "smtps":
		s.port, s.implicit = 465, true
	default:
		return nil, fault.Errorf(fault.Invalid, "smtp: SMTP_URL must start with smtp:// or smtps://, got %q", u.Scheme)
	}
	if s.host == "" {
		return nil, fault.Errorf(fault.Invalid, "smtp: SMTP_URL has no host")
	}
	if (u.Path != "" && u.Path != "/") || u.Fragment != "" || u.Opaque != "" {
		return nil, fault.Errorf(fault.Invalid, "smtp: SMTP_URL must be scheme://[user:pass@]host[:port]")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fault.Errorf(fault.Invalid, "smtp: SMTP_URL has a bad port %q", p)
		}
		s.port = n
	}
	for k, v := range u.Query() {
		switch {
		case k == "starttls" && len(v) == 1 && v[0] == "required" && !s.implicit:
			s.policy = gomail.TLSMandatory
		case k == "starttls" && len(v) == 1 && v[0] == "opportunistic" && !s.implicit:
			s.policy = gomail.TLSOpportunistic
		default:
			return nil, fault.Errorf(fault.Invalid, "smtp: SMTP_URL has an unknown setting %q", k)
		}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
		s.auth = s.user != ""
	}

	a, err := netmail.ParseAddress(from)
	if err != nil || strings.ContainsAny(from, "\r\n") {
		return nil, fault.Errorf(fault.Invalid, "smtp: the sender address %q is not valid", from)
	}
	s.from, s.fromAddr = from, a.Address
	return s, nil
}

// Send delivers m as multipart/alternative (text and, when m.HTML is set,
// HTML), with an auto-generated marker so that auto-responders stay quiet.
//
// Errors: fault.Invalid for a message mail.Validate refuses or a recipient
// the server rejects permanently; fault.Unavailable when the server cannot
// be reached, times out, drops the connection or answers with a temporary
// (4xx) failure; fault.Internal when the server refuses for another
// permanent reason (bad credentials, no usable authentication, a failed TLS
// certificate check, a rejected message), which needs an operator.
func (s *Sender) Send(ctx context.Context, m mail.Message) error {
	if err := mail.Validate(m); err != nil {
		return err
	}
	msg, err := s.message(m)
	if err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	conn, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return dialFault(ctx, err)
	}
	// The message is delivered once the server accepts DATA; a failing QUIT
	// afterwards changes nothing for the caller.
	defer func() { _ = c.CloseWithSMTPClient(conn) }()
	if err := c.SendWithSMTPClient(conn, msg); err != nil {
		return sendFault(err)
	}
	return nil
}

// client configures a go-mail client for one delivery. go-mail clients hold
// one connection, so each Send gets its own.
func (s *Sender) client() (*gomail.Client, error) {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	opts := []gomail.Option{
		gomail.WithPort(s.port),
		gomail.WithTimeout(timeout),
		gomail.WithTLSPolicy(s.policy),
	}
	if s.implicit {
		opts = append(opts, gomail.WithSSL())
	}
	if s.auth {
		opts = append(opts,
			gomail.WithUsername(s.user),
			gomail.WithPassword(s.pass),
			// PLAIN and LOGIN are what relays offer; go-mail refuses to send
			// them in the clear except to loopback, and falls back to
			// discovering the strongest mechanism when neither is offered.
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
		)
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return nil, fault.Wrap(fault.Internal, err, "smtp: cannot configure the client")
	}
	return c, nil
}

// message builds the MIME message: go-mail encodes the subject as an RFC
// 2047 UTF-8 word when needed and the bodies as quoted-printable UTF-8.
func (s *Sender) message(m mail.Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(s.from); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "smtp: the sender address is not valid")
	}
	if err := msg.To(m.To); err != nil {
		return nil, fault.Wrap(fault.Invalid, err, "mail: the recipient address is not valid")
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	id, err := messageID(s.fromAddr)
	if err != nil {
		return nil, err
	}
	msg.SetMessageIDWithValue(id)
	msg.SetGenHeader("Auto-Submitted", "auto-generated") // RFC 3834
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// messageID returns a random id in the sender's domain (not the host name,
// which says nothing to the recipient and may leak an internal name).
func messageID(from string) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fault.Wrap(fault.Internal, err, "smtp: cannot make a Message-ID")
	}
	domain := mail.Domain(from)
	if domain == "" {
		domain = "chorus.invalid"
	}
	return hex.EncodeToString(b) + "@" + domain, nil
}

// dialFault classifies an error from connecting, greeting, STARTTLS or
// AUTH: not reaching the server is Unavailable; being turned away for good
// is a configuration problem (Internal) that an operator must see in logs.
func dialFault(ctx context.Context, err error) error {
	if unreachable(err) || ctx.Err() != nil {
		return fault.Wrap(fault.Unavailable, err, "the mail server cannot be reached")
	}
	if code := smtpCode(err); code >= 400 && code < 500 {
		return fault.Wrap(fault.Unavailable, err, "the mail server is temporarily unavailable")
	}
	return fault.Wrap(fault.Internal, err, "smtp: the mail server refused the connection settings")
}

// sendFault classifies an error from MAIL, RCPT, DATA or writing the
// message.
func sendFault(err error) error {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		if unreachable(err) {
			return fault.Wrap(fault.Unavailable, err, "the mail server cannot be reached")
		}
		return fault.Wrap(fault.Internal, err, "smtp: sending failed")
	}
	code := se.ErrorCode()
	switch {
	case se.IsTemp() || (code >= 400 && code < 500):
		return fault.Wrap(fault.Unavailable, err, "the mail server is temporarily unavailable")
	case code == 0 || se.Reason == gomail.ErrConnCheck:
		// Not an SMTP reply: the connection broke or timed out mid-way.
		return fault.Wrap(fault.Unavailable, err, "the connection to the mail server failed")
	case se.Reason == gomail.ErrSMTPRcptTo:
		return fault.Wrap(fault.Invalid, err, "the mail server does not accept this address")
	default:
		return fault.Wrap(fault.Internal, err, "smtp: the mail server refused the message")
	}
}

// unreachable reports whether err means the server could not be reached or
// the connection broke: network errors (refused, reset, timeouts, DNS) and
// an unexpected end of the stream.
func unreachable(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// smtpCode returns the reply code carried by err, or 0.
func smtpCode(err error) int {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

// String describes the sender without its password, for start-up logs.
func (s *Sender) String() string {
	scheme := "smtp"
	if s.implicit {
		scheme = "smtps"
	}
	u := url.URL{Scheme: scheme, Host: net.JoinHostPort(s.host, strconv.Itoa(s.port))}
	if s.auth {
		u.User = url.User(s.user)
	}
	return fmt.Sprintf("%s (from %s)", u.String(), s.fromAddr)
}
