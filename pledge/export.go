package pledge

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
)

// Markdown renders a version as a Markdown document. Markdown lets raw HTML
// through to whatever renders it (a script, an iframe, a tracking image),
// so every text has its HTML escaped: it shows as the characters written.
func Markdown(v Version) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(v.Title))
	if v.Number > 0 {
		fmt.Fprintf(&b, "_Version %d_\n\n", v.Number)
	}
	for i, it := range v.Items {
		fmt.Fprintf(&b, "## %d. %s\n\n", i+1, mdEscape(it.Heading))
		if it.Text != "" {
			b.WriteString(htmlEscape.Replace(strings.TrimSpace(it.Text)) + "\n\n")
		}
		if it.Summary != "" {
			b.WriteString("> " + strings.ReplaceAll(htmlEscape.Replace(strings.TrimSpace(it.Summary)), "\n", "\n> ") + "\n\n")
		}
	}
	return []byte(b.String())
}

// htmlEscape turns the characters that start HTML into entities, which a
// Markdown renderer shows as the characters themselves.
var htmlEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// mdEscape keeps a heading on one line and stops it from starting markup
// or HTML.
func mdEscape(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	r := strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "#", `\#`, "[", `\[`, "]", `\]`, "&", "&amp;", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}

var printPage = template.Must(template.New("pledge").Funcs(template.FuncMap{"paragraphs": paragraphs}).Parse(printPageSource))

const printPageSource = `<!doctype html>
<html lang="{{.Language}}">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body { font: 12pt/1.5 Georgia, "Times New Roman", serif; max-width: 42em; margin: 2em auto; color: #111; }
h1 { font-size: 20pt; margin-bottom: .2em; } h2 { font-size: 14pt; margin-top: 1.4em; break-after: avoid; }
blockquote { margin: .5em 0 0; padding-left: 1em; border-left: 3px solid #555; font-style: italic; }
@media print { body { margin: 0; } a { color: inherit; } }
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
{{if .Number}}<p class="version">Version {{.Number}}</p>{{end}}
<ol class="items">
{{range .Items}}<li>
<h2>{{.Heading}}</h2>
{{range paragraphs .Text}}<p>{{.}}</p>
{{end}}{{if .Summary}}<p class="summary">{{.Summary}}</p>{{end}}
</li>
{{end}}</ol>
</main>
</body>
</html>
`

func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// HTML renders a version as a printable, standalone HTML page. Every text is
// escaped by html/template; styles come from a linked stylesheet, never
// inline (the Content-Security-Policy forbids inline styles).
func HTML(v Version) ([]byte, error) {
	var b bytes.Buffer
	if err := printPage.Execute(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
