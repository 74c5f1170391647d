package mail_test

import (
	"strings"
	"testing"

	"chorus/fault"
	"chorus/mail"
)

func TestValidate(t *testing.T) {
	ok := mail.Message{To: "guardian@example.org", Subject: "Bestätigung für Léa", Text: "Hello", Kind: "guardian.request"}
	with := func(f func(*mail.Message)) mail.Message { m := ok; f(&m); return m }

	if err := mail.Validate(ok); err != nil {
		t.Fatalf("Validate(valid message) = %v, want nil", err)
	}
	if err := mail.Validate(with(func(m *mail.Message) { m.HTML = "<p>Hello</p>"; m.Kind = "" })); err != nil {
		t.Fatalf("Validate(with HTML, no kind) = %v, want nil", err)
	}

	bad := map[string]mail.Message{
		"empty address":          with(func(m *mail.Message) { m.To = "" }),
		"no at":                  with(func(m *mail.Message) { m.To = "guardian.example.org" }),
		"no domain":              with(func(m *mail.Message) { m.To = "guardian@" }),
		"no local part":          with(func(m *mail.Message) { m.To = "@example.org" }),
		"CRLF header injection":  with(func(m *mail.Message) { m.To = "a@b.c\r\nBcc: x@y.z" }),
		"LF header injection":    with(func(m *mail.Message) { m.To = "a@b.c\nBcc: x@y.z" }),
		"NUL":                    with(func(m *mail.Message) { m.To = "a@b.c\x00" }),
		"two addresses":          with(func(m *mail.Message) { m.To = "a@b.c, x@y.z" }),
		"group":                  with(func(m *mail.Message) { m.To = "team: a@b.c, x@y.z;" }),
		"display name":           with(func(m *mail.Message) { m.To = "Léa Martin <lea@example.org>" }),
		"angle brackets":         with(func(m *mail.Message) { m.To = "<lea@example.org>" }),
		"surrounding spaces":     with(func(m *mail.Message) { m.To = " lea@example.org " }),
		"comment":                with(func(m *mail.Message) { m.To = "lea@example.org (Léa)" }),
		"too long":               with(func(m *mail.Message) { m.To = strings.Repeat("a", 250) + "@b.cd" }),
		"empty subject":          with(func(m *mail.Message) { m.Subject = "  " }),
		"subject with newline":   with(func(m *mail.Message) { m.Subject = "Hi\r\nBcc: x@y.z" }),
		"subject too long":       with(func(m *mail.Message) { m.Subject = strings.Repeat("é", mail.MaxSubjectLen+1) }),
		"subject not UTF-8":      with(func(m *mail.Message) { m.Subject = "caf\xe9" }),
		"empty text":             with(func(m *mail.Message) { m.Text = "\n" }),
		"text too large":         with(func(m *mail.Message) { m.Text = strings.Repeat("a", mail.MaxBodyLen+1) }),
		"HTML not UTF-8":         with(func(m *mail.Message) { m.HTML = "<p>\xff</p>" }),
		"kind with newline":      with(func(m *mail.Message) { m.Kind = "a\nb" }),
		"unicode line separator": with(func(m *mail.Message) { m.Subject = "a\u2028b" }),
	}
	for name, m := range bad {
		t.Run(name, func(t *testing.T) {
			if err := mail.Validate(m); fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("Validate: got %v, want code %s", err, fault.Invalid)
			}
		})
	}
}

func TestDomain(t *testing.T) {
	for addr, want := range map[string]string{
		"lea@Example.ORG": "example.org",
		"a@b@c.de":        "c.de",
		"nobody":          "",
	} {
		if got := mail.Domain(addr); got != want {
			t.Errorf("Domain(%q) = %q, want %q", addr, got, want)
		}
	}
}
