// Package compose is the one place Chorus writes its mails. Every mail's
// words are data, one file per language (texts/<code>.json), so translators
// and reviewers read them without reading Go:
//
//	{"<kind>": {"youth"|"adult": {"subject": "...", "paragraphs": ["..."], "linkLabel": "..."}}}
//
// The kind is mail.Message.Kind. "youth" texts address a young person
// informally (tu, du, tú), "adult" ones a guardian or staff formally (vous,
// Sie, Lei, usted). Texts are text/template: placeholders are the fields of
// Vars ({{.FirstName}}, {{.Panel}}, {{date .Expires}}). The plain-text body is
// rendered with text/template; the HTML body puts the same words into one
// html/template layout, so what a placeholder holds (a name, a panel's name,
// the link) is always escaped there and never markup. A mail has at most one
// link, the one in Vars.Link, shown after the paragraphs with linkLabel.
//
// Adding a mail: a kind in every file of texts/ (the tests name what is
// missing), then Render(kind, audience, lang, Vars{...}) where it is sent.
package compose

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	texttemplate "text/template"
	"time"

	"chorus/language"
	"chorus/mail"
)

// Audience says whom a text addresses, and so its register.
type Audience string

const (
	Youth Audience = "youth" // a young person: informal
	Adult Audience = "adult" // a guardian, a moderator, a coordinator, a partner: formal
)

// Vars are the placeholders a mail may use. There is deliberately no field
// for a young person's full name or date of birth: mails never carry them.
type Vars struct {
	FirstName    string    // a young person's first name
	GuardianName string    // the name a guardian signed with
	Panel        string    // a panel's name
	Reference    string    // an identifier staff look up in Chorus
	Expires      time.Time // when a link stops working; written with {{date .Expires}}
	Due          time.Time // when a request must be carried out by; {{date .Due}}
	Link         string    // the mail's link; a kind with a linkLabel needs one, others none

	// Feedback rounds: the round's title (its pledge version's), the
	// partner organisation written to, how many items or commitments wait;
	// the deadline is Due.
	Round        string
	Organisation string
	Count        int
}

// text is one kind's words for one audience in one language, as in the file.
type text struct {
	Subject    string   `json:"subject"`
	Paragraphs []string `json:"paragraphs"`
	LinkLabel  string   `json:"linkLabel"`
}

// compiled is a text ready to render, with the Vars fields it uses.
type compiled struct {
	subject    *texttemplate.Template
	paragraphs []*texttemplate.Template
	linkLabel  string
	uses       map[string]bool
}

//go:embed texts/*.json
var textFiles embed.FS

// texts[lang][kind][audience]
var texts = mustLoad(textFiles)

var layout = htmltemplate.Must(htmltemplate.New("mail").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; font-size: 16px; line-height: 1.5; max-width: 40em">
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}{{if .Link}}<p><a href="{{.Link}}">{{.LinkLabel}}</a></p>
{{end}}</body></html>
`))

// Render writes the mail of kind for a reader of aud in lang (English when
// Chorus has no such language). It fails when the kind or audience has no
// text, when the text uses a placeholder v leaves empty, or when v's link
// does not fit the kind (one without the other). The caller sets To and
// whom the mail is about (mail.Message's PanelID, AccountID).
func Render(kind string, aud Audience, lang string, v Vars) (mail.Message, error) {
	return render(texts, kind, aud, lang, v)
}

func render(texts map[string]map[string]map[Audience]compiled, kind string, aud Audience, lang string, v Vars) (mail.Message, error) {
	if _, ok := texts[lang]; !ok {
		lang = language.Default
	}
	c, ok := texts[lang][kind][aud]
	if !ok {
		return mail.Message{}, fmt.Errorf("compose: no %s mail %q", aud, kind)
	}
	for field := range c.uses {
		if zero(v, field) {
			return mail.Message{}, fmt.Errorf("compose: mail %q uses %s, which is empty", kind, field)
		}
	}
	if (c.linkLabel == "") != (v.Link == "") {
		return mail.Message{}, fmt.Errorf("compose: mail %q has a link label %q and link %q: both or neither", kind, c.linkLabel, v.Link)
	}
	subject, err := execute(c.subject, v)
	if err != nil {
		return mail.Message{}, fmt.Errorf("compose: %s subject: %w", kind, err)
	}
	paras := make([]string, len(c.paragraphs))
	for i, p := range c.paragraphs {
		if paras[i], err = execute(p, v); err != nil {
			return mail.Message{}, fmt.Errorf("compose: %s paragraph %d: %w", kind, i+1, err)
		}
	}
	body := strings.Join(paras, "\n\n")
	if v.Link != "" {
		body += "\n\n" + c.linkLabel + ":\n" + v.Link
	}
	var html bytes.Buffer
	err = layout.Execute(&html, map[string]any{
		"Lang": lang, "Subject": subject, "Paragraphs": paras, "Link": v.Link, "LinkLabel": c.linkLabel,
	})
	if err != nil {
		return mail.Message{}, fmt.Errorf("compose: %s HTML: %w", kind, err)
	}
	return mail.Message{Subject: subject, Text: body + "\n", HTML: html.String(), Kind: kind}, nil
}

// Kinds are the mail kinds there are texts for, sorted.
func Kinds() []string {
	var out []string
	for k := range texts[language.Default] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func execute(t *texttemplate.Template, v Vars) (string, error) {
	var b strings.Builder
	err := t.Execute(&b, v)
	return b.String(), err
}

// zero reports whether v's field named name is empty.
func zero(v Vars, name string) bool {
	switch name {
	case "FirstName":
		return v.FirstName == ""
	case "GuardianName":
		return v.GuardianName == ""
	case "Panel":
		return v.Panel == ""
	case "Reference":
		return v.Reference == ""
	case "Expires":
		return v.Expires.IsZero()
	case "Due":
		return v.Due.IsZero()
	case "Link":
		return v.Link == ""
	case "Round":
		return v.Round == ""
	case "Organisation":
		return v.Organisation == ""
	case "Count":
		return v.Count == 0
	}
	return true // unknown: Execute names it
}

var fieldRef = regexp.MustCompile(`\{\{[^}]*\}\}`)
var fieldName = regexp.MustCompile(`\.([A-Z]\w*)`)

// usedFields are the Vars fields the template sources refer to.
func usedFields(sources ...string) map[string]bool {
	uses := map[string]bool{}
	for _, s := range sources {
		for _, action := range fieldRef.FindAllString(s, -1) {
			for _, m := range fieldName.FindAllStringSubmatch(action, -1) {
				uses[m[1]] = true
			}
		}
	}
	return uses
}

// mustLoad reads and parses every language's file; a file that does not
// parse is a bug the tests catch, so it panics like template.Must.
func mustLoad(fsys fs.FS) map[string]map[string]map[Audience]compiled {
	out, err := load(fsys)
	if err != nil {
		panic(err)
	}
	return out
}

func load(fsys fs.FS) (map[string]map[string]map[Audience]compiled, error) {
	files, err := fs.Glob(fsys, "texts/*.json")
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]map[Audience]compiled{}
	for _, name := range files {
		lang := strings.TrimSuffix(path.Base(name), ".json")
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var kinds map[string]map[Audience]text
		if err := json.Unmarshal(b, &kinds); err != nil {
			return nil, fmt.Errorf("compose: %s: %w", name, err)
		}
		funcs := texttemplate.FuncMap{"date": func(t time.Time) string { return FormatDate(t, lang) }}
		out[lang] = map[string]map[Audience]compiled{}
		for kind, byAudience := range kinds {
			out[lang][kind] = map[Audience]compiled{}
			for aud, t := range byAudience {
				if aud != Youth && aud != Adult {
					return nil, fmt.Errorf("compose: %s: %s: audience %q is neither youth nor adult", name, kind, aud)
				}
				parse := func(part, src string) (*texttemplate.Template, error) {
					tt, err := texttemplate.New(kind + " " + part).Funcs(funcs).Option("missingkey=error").Parse(src)
					if err != nil {
						return nil, fmt.Errorf("compose: %s: %w", name, err)
					}
					return tt, nil
				}
				c := compiled{linkLabel: t.LinkLabel, uses: usedFields(append([]string{t.Subject}, t.Paragraphs...)...)}
				if c.subject, err = parse("subject", t.Subject); err != nil {
					return nil, err
				}
				for i, p := range t.Paragraphs {
					pt, err := parse(fmt.Sprintf("paragraph %d", i+1), p)
					if err != nil {
						return nil, err
					}
					c.paragraphs = append(c.paragraphs, pt)
				}
				out[lang][kind][aud] = c
			}
		}
	}
	if _, ok := out[language.Default]; !ok {
		return nil, fmt.Errorf("compose: no texts/%s.json", language.Default)
	}
	return out, nil
}

var monthNames = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"de": {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
	"it": {"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"},
	"es": {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
}

// FormatDate writes a date the way people write it in lang (English for a
// language without month names). Dates are in UTC: the exact hour matters
// less in a mail than an unambiguous day.
func FormatDate(t time.Time, lang string) string {
	if t.IsZero() {
		return ""
	}
	names, ok := monthNames[lang]
	if !ok {
		names = monthNames[language.Default]
	}
	t = t.UTC()
	m := names[t.Month()-1]
	switch lang {
	case "de":
		return fmt.Sprintf("%d. %s %d", t.Day(), m, t.Year())
	case "es":
		return fmt.Sprintf("%d de %s de %d", t.Day(), m, t.Year())
	default:
		return fmt.Sprintf("%d %s %d", t.Day(), m, t.Year())
	}
}
