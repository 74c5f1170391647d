// Package config reads Chorus's settings from environment variables. Every
// variable is declared once in Options, with its default and description; the
// README's configuration table is generated from that table (see
// `go run ./server config-table`) and a test keeps the two in step.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is the parsed configuration.
type Config struct {
	Port      int
	DataDir   string
	PublicURL string // absolute, no trailing slash
	MongoURI  string // empty: embedded SQLite under DataDir
	S3        S3
	NATSURL   string // empty: in-process fan-out
	SMTPURL   string // empty: mail is kept in the outbox under DataDir
	MailFrom  string
	JWTKeys   []string // base64 Ed25519 seeds, newest first; empty: a key file in DataDir
	LogLevel  slog.Level
	// MetricsToken is the bearer token /metrics asks for; empty: /metrics
	// is not served (the figures say how the service is used).
	MetricsToken string

	// Safeguarding data a coordinator keeps up to date, read at start.
	ScreenWordsFile string // JSON {"fr": ["mot", ...], ...}: words screening holds besides the built-in lists
	HelplinesFile   string // JSON {"FR": {"name", "url", "phone"}, ...}: helplines replacing or adding to the built-in ones

	// Controller is the organisation running Chorus, named in every consent
	// record and export (GDPR Art. 13(1)(a) and (b)).
	Controller Controller

	Video Video

	// WorkerInterval is how often the worker looks for due work
	// (reminders, expired documents, coming of age).
	WorkerInterval time.Duration
}

// Controller is who is responsible for the personal data Chorus keeps.
type Controller struct {
	Name      string // the organisation
	Contact   string // e-mail of its privacy contact or data protection officer; may be empty
	NoticeURL string // its privacy notice; may be empty
}

// Video holds the limits and tools of group videos.
type Video struct {
	MaxBytes     int64         // largest file uploaded
	MaxDuration  time.Duration // longest video accepted
	SignedURLTTL time.Duration // 0: Chorus sends video bytes itself; else S3 playback redirects to signed URLs valid this long
	FFmpeg       string        // ffmpeg program (a name on PATH or a path)
	FFprobe      string        // ffprobe program
}

// S3 holds the blob store settings; an empty Endpoint means local disk.
type S3 struct {
	Endpoint  string
	AccessKey string
	SecretKey string
	Bucket    string
	UseSSL    bool
}

// Option declares one environment variable.
type Option struct {
	Name        string
	Default     string
	Description string
	Secret      bool // may also be read from the file named by Name+"_FILE"
	apply       func(c *Config, value string) error
}

// Options is the one table of every environment variable Chorus reads.
var Options = []Option{
	{Name: "PORT", Default: "8080", Description: "TCP port the web process listens on.",
		apply: func(c *Config, v string) error {
			p, err := strconv.Atoi(v)
			if err != nil || p < 1 || p > 65535 {
				return errors.New("expected a port number from 1 to 65535")
			}
			c.Port = p
			return nil
		}},
	{Name: "CHORUS_DATA_DIR", Default: "./data", Description: "Directory for the embedded stores (SQLite documents, local blobs, mail outbox, signing keys).",
		apply: func(c *Config, v string) error {
			if strings.TrimSpace(v) == "" {
				return errors.New("expected a directory path")
			}
			c.DataDir = v
			return nil
		}},
	{Name: "PUBLIC_URL", Default: "", Description: "Address people use to reach Chorus, used in e-mailed links; empty means http://localhost:PORT.",
		apply: func(c *Config, v string) error {
			if v == "" {
				return nil // filled in from PORT after all options are read
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return errors.New("expected an absolute http:// or https:// URL")
			}
			c.PublicURL = strings.TrimRight(v, "/")
			return nil
		}},
	{Name: "MONGODB_URI", Default: "", Secret: true, Description: "MongoDB connection string (replica set); empty uses the embedded SQLite store.",
		apply: func(c *Config, v string) error {
			if v != "" && !strings.HasPrefix(v, "mongodb://") && !strings.HasPrefix(v, "mongodb+srv://") {
				return errors.New("expected a mongodb:// or mongodb+srv:// connection string")
			}
			c.MongoURI = v
			return nil
		}},
	{Name: "S3_ENDPOINT", Default: "", Description: "S3/MinIO endpoint as host:port; empty stores blobs on local disk.",
		apply: func(c *Config, v string) error {
			if strings.Contains(v, "://") || strings.Contains(v, "/") {
				return errors.New("expected host:port without a scheme or path (use S3_USE_SSL for https)")
			}
			c.S3.Endpoint = v
			return nil
		}},
	{Name: "S3_ACCESS_KEY", Default: "", Description: "S3 access key.",
		apply: func(c *Config, v string) error { c.S3.AccessKey = v; return nil }},
	{Name: "S3_SECRET_KEY", Default: "", Secret: true, Description: "S3 secret key.",
		apply: func(c *Config, v string) error { c.S3.SecretKey = v; return nil }},
	{Name: "S3_BUCKET", Default: "chorus", Description: "S3 bucket; created at start if missing.",
		apply: func(c *Config, v string) error {
			if len(v) < 3 || len(v) > 63 || strings.ToLower(v) != v || strings.ContainsAny(v, " _/") {
				return errors.New("expected a bucket name of 3-63 lower-case letters, digits, dots or hyphens")
			}
			c.S3.Bucket = v
			return nil
		}},
	{Name: "S3_USE_SSL", Default: "true", Description: "Use https to reach S3_ENDPOINT.",
		apply: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return errors.New("expected true or false")
			}
			c.S3.UseSSL = b
			return nil
		}},
	{Name: "NATS_URL", Default: "", Description: "NATS server for fan-out between several web processes; empty fans out in-process.",
		apply: func(c *Config, v string) error {
			if v != "" && !strings.HasPrefix(v, "nats://") && !strings.HasPrefix(v, "tls://") {
				return errors.New("expected a nats:// or tls:// URL")
			}
			c.NATSURL = v
			return nil
		}},
	{Name: "SMTP_URL", Default: "", Secret: true, Description: "Mail server as smtp://user:pass@host:port or smtps://...; empty keeps mail in the outbox.",
		apply: func(c *Config, v string) error {
			if v == "" {
				return nil
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
				return errors.New("expected smtp://host:port or smtps://host:port")
			}
			c.SMTPURL = v
			return nil
		}},
	{Name: "MAIL_FROM", Default: "Chorus <chorus@localhost>", Description: "Sender of every mail Chorus sends.",
		apply: func(c *Config, v string) error {
			if _, err := mail.ParseAddress(v); err != nil {
				return errors.New("expected an e-mail address, optionally with a name: Chorus <chorus@example.org>")
			}
			c.MailFrom = v
			return nil
		}},
	{Name: "JWT_SIGNING_KEYS", Default: "", Secret: true, Description: "Comma-separated base64 Ed25519 seeds for access tokens, newest (signing) first, so several web processes share keys; empty creates a key file in CHORUS_DATA_DIR.",
		apply: func(c *Config, v string) error {
			for _, k := range strings.Split(v, ",") {
				if k = strings.TrimSpace(k); k != "" {
					c.JWTKeys = append(c.JWTKeys, k)
				}
			}
			return nil
		}},
	{Name: "SCREEN_WORDS_FILE", Default: "", Description: "JSON file of extra words screening holds, per language ({\"fr\": [\"mot\"]}); empty uses the built-in lists only.",
		apply: func(c *Config, v string) error { c.ScreenWordsFile = v; return nil }},
	{Name: "HELPLINES_FILE", Default: "", Description: "JSON file of child helplines per country ({\"FR\": {\"name\": ..., \"url\": ..., \"phone\": ...}}) replacing or adding to the built-in ones; 116 111 stays the fallback.",
		apply: func(c *Config, v string) error { c.HelplinesFile = v; return nil }},
	{Name: "CONTROLLER_NAME", Default: "Chorus operator", Description: "The organisation running Chorus (the data controller), named in every consent record and export; set it before real people use Chorus.",
		apply: func(c *Config, v string) error {
			if v = strings.TrimSpace(v); v == "" || len(v) > 200 {
				return errors.New("expected the organisation's name, at most 200 characters")
			}
			c.Controller.Name = v
			return nil
		}},
	{Name: "CONTROLLER_CONTACT", Default: "", Description: "E-mail address of the controller's privacy contact or data protection officer, in every consent record and export; empty: none is named.",
		apply: func(c *Config, v string) error {
			if v == "" {
				return nil
			}
			a, err := mail.ParseAddress(v)
			if err != nil || a.Name != "" {
				return errors.New("expected one e-mail address: privacy@example.org")
			}
			c.Controller.Contact = a.Address
			return nil
		}},
	{Name: "PRIVACY_NOTICE_URL", Default: "", Description: "Address of the controller's privacy notice, in every consent record and export; empty: none is named.",
		apply: func(c *Config, v string) error {
			if v == "" {
				return nil
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return errors.New("expected an absolute http(s) address")
			}
			c.Controller.NoticeURL = v
			return nil
		}},
	{Name: "METRICS_TOKEN", Default: "", Secret: true, Description: "Bearer token a Prometheus scraper sends to read /metrics (Authorization: Bearer ...), at least 16 characters; empty: /metrics is not served.",
		apply: func(c *Config, v string) error {
			if v != "" && (len(v) < 16 || strings.ContainsAny(v, " \t\r\n")) {
				return errors.New("expected at least 16 characters without spaces")
			}
			c.MetricsToken = v
			return nil
		}},
	{Name: "VIDEO_MAX_BYTES", Default: "2147483648", Description: "Largest video file a person may upload, in bytes (2 GiB).",
		apply: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1<<20 || n > 50<<30 {
				return errors.New("expected a number of bytes from 1048576 (1 MiB) to 53687091200 (50 GiB)")
			}
			c.Video.MaxBytes = n
			return nil
		}},
	{Name: "VIDEO_MAX_DURATION", Default: "15m", Description: "Longest video accepted (checked when it is processed), as a Go duration: 15m, 1h30m.",
		apply: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Second || d > 4*time.Hour {
				return errors.New("expected a duration from 1s to 4h, such as 15m")
			}
			c.Video.MaxDuration = d
			return nil
		}},
	{Name: "VIDEO_SIGNED_URL_TTL", Default: "0s", Description: "With S3 blobs, playback redirects (after the permission check) to a signed URL valid this long, e.g. 2m (allow the S3 origin in media-src then); 0s: Chorus sends the bytes itself.",
		apply: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 || (d > 0 && d < time.Second) || d > time.Hour {
				return errors.New("expected 0s or a duration from 1s to 1h, such as 2m")
			}
			c.Video.SignedURLTTL = d
			return nil
		}},
	{Name: "FFMPEG_BIN", Default: "ffmpeg", Description: "The ffmpeg program the worker processes videos with (a name on PATH or a path); without it videos upload but wait, marked unavailable.",
		apply: func(c *Config, v string) error { c.Video.FFmpeg = v; return nil }},
	{Name: "FFPROBE_BIN", Default: "ffprobe", Description: "The ffprobe program the worker checks videos with.",
		apply: func(c *Config, v string) error { c.Video.FFprobe = v; return nil }},
	{Name: "WORKER_INTERVAL", Default: "1m", Description: "How often the worker looks for due work (round reminders, expired documents, coming of age), as a Go duration from 1s to 1h.",
		apply: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Second || d > time.Hour {
				return errors.New("expected a duration from 1s to 1h, such as 1m")
			}
			c.WorkerInterval = d
			return nil
		}},
	{Name: "CHORUS_LOG_LEVEL", Default: "info", Description: "Log level: debug, info, warn or error.",
		apply: func(c *Config, v string) error {
			var l slog.Level
			if err := l.UnmarshalText([]byte(v)); err != nil {
				return errors.New("expected debug, info, warn or error")
			}
			c.LogLevel = l
			return nil
		}},
}

// Load reads every option through getenv (os.Getenv in production), applies
// defaults, and returns all problems at once, each naming its variable.
func Load(getenv func(string) string) (Config, error) {
	var c Config
	var problems []error
	for _, o := range Options {
		v, err := o.value(getenv)
		if err == nil {
			err = o.apply(&c, v)
		}
		if err != nil {
			problems = append(problems, fmt.Errorf("%s=%q: %w", o.Name, v, err))
		}
	}
	if c.PublicURL == "" {
		c.PublicURL = fmt.Sprintf("http://localhost:%d", c.Port)
	}
	if c.S3.Endpoint != "" && (c.S3.AccessKey == "" || c.S3.SecretKey == "") {
		problems = append(problems, errors.New("S3_ACCESS_KEY and S3_SECRET_KEY: expected both to be set when S3_ENDPOINT is set"))
	}
	if len(problems) > 0 {
		return Config{}, fmt.Errorf("invalid configuration:\n  %w", errors.Join(problems...))
	}
	return c, nil
}

// value returns the variable's value: the variable itself, else the contents
// of NAME_FILE for secrets (so secrets can come from mounted files), else the default.
func (o Option) value(getenv func(string) string) (string, error) {
	if v := getenv(o.Name); v != "" {
		return v, nil
	}
	if o.Secret {
		if path := getenv(o.Name + "_FILE"); path != "" {
			b, err := os.ReadFile(path)
			if err != nil {
				return "", fmt.Errorf("expected %s_FILE to name a readable file: %w", o.Name, err)
			}
			return strings.TrimSpace(string(b)), nil
		}
	}
	return o.Default, nil
}

// MarkdownTable renders Options as the README's configuration table.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| variable | default | what it sets |\n|---|---|---|\n")
	for _, o := range Options {
		def := "(empty)"
		if o.Default != "" {
			def = "`" + o.Default + "`"
		}
		desc := o.Description
		if o.Secret {
			desc += " Also read from the file named by `" + o.Name + "_FILE`."
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", o.Name, def, desc)
	}
	return b.String()
}
