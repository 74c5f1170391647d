package erasure

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"

	"chorus/fault"
	"chorus/mail"
)

// Mail kinds this package sends to coordinators.
const (
	MailRequested = "erasure.requested" // a guardian asked to delete a young person's data
	MailReminder  = "erasure.reminder"  // an open request is due within ReminderBefore
)

// Mail texts are data, as in package consent, so translators read them
// without reading Go. Placeholders: {due} (the date the request must be
// carried out by). A mail never names the young person: the coordinator
// sees who in Chorus.
//
//go:embed data/mails.json
var mailsJSON []byte

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
		panic(fmt.Sprintf("erasure: data/mails.json: %v", err))
	}
	return f.Kinds
}()

var mailHTML = template.Must(template.New("mail").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; font-size: 16px; line-height: 1.5; max-width: 40em">
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}<p><a href="{{.Link}}">{{.LinkLabel}}</a></p>
</body></html>
`))

func renderMail(kind, lang, to, panelID string, due time.Time, link string) mail.Message {
	t, ok := mailTexts[kind][lang]
	if !ok {
		lang, t = "en", mailTexts[kind]["en"]
	}
	r := strings.NewReplacer("{due}", due.UTC().Format(time.DateOnly))
	paras := make([]string, len(t.Paragraphs))
	for i, p := range t.Paragraphs {
		paras[i] = r.Replace(p)
	}
	subject := r.Replace(t.Subject)
	var html bytes.Buffer
	_ = mailHTML.Execute(&html, map[string]any{"Lang": lang, "Subject": subject, "Paragraphs": paras, "Link": link, "LinkLabel": t.LinkLabel})
	text := strings.Join(paras, "\n\n") + "\n\n" + t.LinkLabel + ":\n" + link + "\n"
	return mail.Message{To: to, Subject: subject, Text: text, HTML: html.String(), Kind: kind, PanelID: panelID}
}

// tellCoordinators mails every coordinator of the request's panels once.
func (s *Service) tellCoordinators(ctx context.Context, r Request, kind string) error {
	if s.Coordinators == nil || s.Mail == nil {
		return nil
	}
	told := map[string]bool{}
	for _, panelID := range r.PanelIDs {
		coords, err := s.Coordinators(ctx, panelID)
		if err != nil {
			return err
		}
		for _, c := range coords {
			if told[c.Email] {
				continue
			}
			told[c.Email] = true
			msg := renderMail(kind, c.Language, c.Email, panelID, time.UnixMilli(r.DueMS), s.PublicURL+"/deletion-requests")
			if err := s.Mail.Send(ctx, msg); err != nil {
				return fault.Wrap(fault.Unavailable, err, "erasure: mail to coordinators not sent")
			}
		}
	}
	return nil
}
