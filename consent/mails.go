package consent

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"

	"chorus/mail"
)

// Mail texts are data (data/mails.json) for the same reason as the scope
// texts: translators and reviewers read them without reading Go.
//
//go:embed data/mails.json
var mailsJSON []byte

// Mail kinds this package sends (mail.Message.Kind).
const (
	MailGuardianRequest  = "guardian.request"
	MailGuardianReminder = "guardian.reminder"
	MailGuardianDone     = "guardian.confirmed"
	MailYouthConsentAge  = "youth.consent_age"
	MailYouthAdult       = "youth.adult"
	MailGuardianEnded    = "guardian.control_ended"
)

type mailText struct {
	Subject    string   `json:"subject"`
	Paragraphs []string `json:"paragraphs"`
	LinkLabel  string   `json:"linkLabel"`
}

var mailTexts = func() map[string]map[string]mailText {
	var f struct {
		Kinds map[string]map[string]mailText `json:"kinds"`
	}
	if err := json.Unmarshal(mailsJSON, &f); err != nil {
		panic(fmt.Sprintf("consent: data/mails.json: %v", err))
	}
	return f.Kinds
}()

var mailHTML = template.Must(template.New("mail").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; font-size: 16px; line-height: 1.5; max-width: 40em">
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}{{if .Link}}<p><a href="{{.Link}}">{{.LinkLabel}}</a></p>
{{end}}</body></html>
`))

// mailVars are the placeholders a mail may use. There is deliberately no
// field for a full name or a date of birth.
type mailVars struct {
	FirstName    string
	GuardianName string
	Expires      time.Time
	Due          time.Time // a deletion request is carried out by then
}

// renderMail builds a localised multipart message; unknown languages fall
// back to English so that a guardian always gets a readable mail.
// accountID is the young person the mail is about (see mail.Message).
func renderMail(kind, lang, to, accountID string, v mailVars, link string) mail.Message {
	texts := mailTexts[kind]
	t, ok := texts[lang]
	if !ok {
		lang = "en"
		t = texts["en"]
	}
	r := strings.NewReplacer(
		"{firstName}", FirstName(v.FirstName),
		"{guardianName}", v.GuardianName,
		"{expires}", formatDate(v.Expires, lang),
		"{due}", formatDate(v.Due, lang),
	)
	subject := r.Replace(t.Subject)
	paras := make([]string, len(t.Paragraphs))
	for i, p := range t.Paragraphs {
		paras[i] = r.Replace(p)
	}
	text := strings.Join(paras, "\n\n")
	if link != "" {
		text += "\n\n" + t.LinkLabel + ":\n" + link
	}
	var html bytes.Buffer
	_ = mailHTML.Execute(&html, map[string]any{
		"Lang": lang, "Subject": subject, "Paragraphs": paras, "Link": link, "LinkLabel": t.LinkLabel,
	})
	return mail.Message{To: to, Subject: subject, Text: text + "\n", HTML: html.String(), Kind: kind, AccountID: accountID}
}

var monthNames = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"de": {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
	"it": {"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"},
	"es": {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
}

// formatDate writes a date the way people write it in lang. Times are shown
// in UTC: the link's exact hour matters less than an unambiguous day.
func formatDate(t time.Time, lang string) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	m := monthNames[lang][t.Month()-1]
	switch lang {
	case "de":
		return fmt.Sprintf("%d. %s %d", t.Day(), m, t.Year())
	case "es":
		return fmt.Sprintf("%d de %s de %d", t.Day(), m, t.Year())
	default:
		return fmt.Sprintf("%d %s %d", t.Day(), m, t.Year())
	}
}
