package config_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/config"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaultsNeedNoServices(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 8080 || c.DataDir != "./data" || c.PublicURL != "http://localhost:8080" {
		t.Errorf("got port %d, data dir %q, public URL %q", c.Port, c.DataDir, c.PublicURL)
	}
	if c.MongoURI != "" || c.S3.Endpoint != "" || c.NATSURL != "" || c.SMTPURL != "" {
		t.Errorf("defaults must use the embedded stores, got %+v", c)
	}
	if c.LogLevel != slog.LevelInfo || c.S3.Bucket != "chorus" || !c.S3.UseSSL {
		t.Errorf("got level %v bucket %q ssl %v", c.LogLevel, c.S3.Bucket, c.S3.UseSSL)
	}
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	cases := map[string]string{
		"PORT":                 "eighty",
		"PUBLIC_URL":           "chorus.example.org",
		"MONGODB_URI":          "postgres://x",
		"S3_ENDPOINT":          "https://minio:9000",
		"S3_BUCKET":            "Bad_Bucket",
		"S3_USE_SSL":           "perhaps",
		"NATS_URL":             "http://nats",
		"SMTP_URL":             "mail.example.org",
		"CHORUS_LOG_LEVEL":     "loud",
		"CHORUS_DATA_DIR":      " ",
		"METRICS_TOKEN":        "short",
		"VIDEO_MAX_BYTES":      "2GB",
		"VIDEO_MAX_DURATION":   "forever",
		"VIDEO_SIGNED_URL_TTL": "-1m",
		"CONTROLLER_NAME":      " ",
		"CONTROLLER_CONTACT":   "the privacy team",
		"PRIVACY_NOTICE_URL":   "privacy.example.org",
	}
	for name, value := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := config.Load(env(map[string]string{name: value}))
			if err == nil {
				t.Fatalf("%s=%q: got no error", name, value)
			}
			if !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "expected") {
				t.Errorf("error %q should name %s and say what is expected", err, name)
			}
		})
	}
}

func TestAllProblemsReportedAtOnce(t *testing.T) {
	_, err := config.Load(env(map[string]string{"PORT": "0", "CHORUS_LOG_LEVEL": "loud"}))
	if err == nil || !strings.Contains(err.Error(), "PORT") || !strings.Contains(err.Error(), "CHORUS_LOG_LEVEL") {
		t.Fatalf("got %v, want both variables named", err)
	}
}

func TestS3NeedsCredentials(t *testing.T) {
	_, err := config.Load(env(map[string]string{"S3_ENDPOINT": "127.0.0.1:9000"}))
	if err == nil || !strings.Contains(err.Error(), "S3_ACCESS_KEY") {
		t.Fatalf("got %v, want a message about S3 credentials", err)
	}
	c, err := config.Load(env(map[string]string{"S3_ENDPOINT": "127.0.0.1:9000", "S3_ACCESS_KEY": "a", "S3_SECRET_KEY": "b", "S3_USE_SSL": "false"}))
	if err != nil || c.S3.Endpoint != "127.0.0.1:9000" || c.S3.UseSSL {
		t.Fatalf("got %+v, %v", c.S3, err)
	}
}

func TestSecretsFromFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte("s3cr3t\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(env(map[string]string{"S3_ENDPOINT": "h:1", "S3_ACCESS_KEY": "a", "S3_SECRET_KEY_FILE": path}))
	if err != nil || c.S3.SecretKey != "s3cr3t" {
		t.Fatalf("got %q, %v; want the file's trimmed contents", c.S3.SecretKey, err)
	}
	_, err = config.Load(env(map[string]string{"MONGODB_URI_FILE": filepath.Join(t.TempDir(), "missing")}))
	if err == nil || !strings.Contains(err.Error(), "MONGODB_URI_FILE") {
		t.Fatalf("got %v, want an error naming MONGODB_URI_FILE", err)
	}
}

func TestPublicURLDefaultsToPort(t *testing.T) {
	c, err := config.Load(env(map[string]string{"PORT": "9001"}))
	if err != nil || c.PublicURL != "http://localhost:9001" {
		t.Fatalf("got %q, %v", c.PublicURL, err)
	}
	c, err = config.Load(env(map[string]string{"PUBLIC_URL": "https://chorus.example.org/"}))
	if err != nil || c.PublicURL != "https://chorus.example.org" {
		t.Fatalf("got %q, %v; want the URL without trailing slash", c.PublicURL, err)
	}
}

// The README is the map a newcomer reads: its table must list every variable.
func TestReadmeListsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), config.MarkdownTable()) {
		t.Errorf("README.md's configuration table is out of date; replace it with the output of `go run ./server config-table`:\n%s", config.MarkdownTable())
	}
}

// TestControllerFromConfiguration: the organisation running Chorus, its
// privacy contact and notice come from the environment (GDPR Art. 13(1)(a)).
func TestControllerFromConfiguration(t *testing.T) {
	c, err := config.Load(env(map[string]string{"CONTROLLER_NAME": "Safer Internet Centre Belgium", "CONTROLLER_CONTACT": "dpo@sic.example.org",
		"PRIVACY_NOTICE_URL": "https://sic.example.org/privacy"}))
	if err != nil {
		t.Fatal(err)
	}
	want := config.Controller{Name: "Safer Internet Centre Belgium", Contact: "dpo@sic.example.org", NoticeURL: "https://sic.example.org/privacy"}
	if c.Controller != want {
		t.Errorf("controller: got %+v, want %+v", c.Controller, want)
	}
	if d, _ := config.Load(env(nil)); d.Controller.Name != "Chorus operator" {
		t.Errorf("default controller: got %+v", d.Controller)
	}
}
