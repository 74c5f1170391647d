package httpapi_test

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"chorus/consent"
	"chorus/fault"
	"chorus/language"
	"chorus/policy"
)

// messageDirs are the packages (relative to the module root, not their
// sub-packages) whose fault errors are shown to people. Left out on purpose:
// store/..., media/... and testenv, whose Invalid errors are programming
// errors that the domain layers prevent before a request reaches them, and
// mail/smtp, whose errors are start-up configuration errors or are wrapped by
// the domain with a message of its own.
var messageDirs = []string{"auth", "consent", "identity", "policy", "mail", "moderation", "moderation/screen", "pledge", "readability", "realtime", "server", "server/httpapi", "moderation/livesession", "moderation/wordlist", "media/upload", "media/video", "media/vtt", "media/process", "media/review", "round", "erasure"}

const moduleRoot = "../.."

// translated are the languages with a catalogue: every language Chorus speaks but English.
var translated = language.Codes[1:]

func TestEveryCatalogueIsALanguageChorusSpeaks(t *testing.T) {
	files, err := filepath.Glob("messages/*.json")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, strings.TrimSuffix(filepath.Base(f), ".json"))
	}
	want := slices.Clone(translated)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("messages/ holds %v, want one file per language of language.Codes but English: %v", got, want)
	}
}

// goPackage is one scanned package: its non-test files and the package-level
// constants, functions and variables that messages are built from.
type goPackage struct {
	dir    string
	fset   *token.FileSet
	files  []*ast.File
	consts map[string]ast.Expr
	funcs  map[string]*ast.FuncDecl
	vars   map[string]ast.Expr
}

func parsePackage(t *testing.T, dir string) *goPackage {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(moduleRoot, dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	p := &goPackage{dir: dir, fset: token.NewFileSet(), consts: map[string]ast.Expr{}, funcs: map[string]*ast.FuncDecl{}, vars: map[string]ast.Expr{}}
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(p.fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		p.files = append(p.files, f)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					p.funcs[d.Name.Name] = d
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					vs, ok := s.(*ast.ValueSpec)
					if !ok {
						continue
					}
					for i, name := range vs.Names {
						if i >= len(vs.Values) {
							continue
						}
						if d.Tok == token.CONST {
							p.consts[name.Name] = vs.Values[i]
						} else {
							p.vars[name.Name] = vs.Values[i]
						}
					}
				}
			}
		}
	}
	if len(p.files) == 0 {
		t.Fatalf("no Go files in %s", dir)
	}
	return p
}

// str returns the value of a constant string expression: literals, the
// package's constants and their concatenations.
func (p *goPackage) str(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.ParenExpr:
		return p.str(e.X)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		x, ok1 := p.str(e.X)
		y, ok2 := p.str(e.Y)
		return x + y, ok1 && ok2
	case *ast.Ident:
		if v, ok := p.consts[e.Name]; ok {
			return p.str(v)
		}
	}
	return "", false
}

// funcMessages returns the texts a message-building function (policy.Explain)
// can return: the strings it returns and the values of the package-level maps
// it reads.
func (p *goPackage) funcMessages(name string) []string {
	fd, ok := p.funcs[name]
	if !ok || fd.Body == nil {
		return nil
	}
	var out []string
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				if s, ok := p.str(r); ok {
					out = append(out, s)
				}
			}
		case *ast.Ident:
			if lit, ok := p.vars[n.Name].(*ast.CompositeLit); ok {
				for _, elt := range lit.Elts {
					if kv, ok := elt.(*ast.KeyValueExpr); ok {
						if s, ok := p.str(kv.Value); ok {
							out = append(out, s)
						}
					}
				}
			}
		}
		return true
	})
	return out
}

func isFault(e ast.Expr, name string) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != name {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "fault"
}

// shownMessages scans messageDirs for every text that can become a problem
// detail, mapped to where it is first used. problems lists the fault.Errorf
// calls whose message the scan cannot read (a format that is not a constant):
// such a message could never be translated.
func shownMessages(t *testing.T) (msgs map[string]string, problems []string) {
	t.Helper()
	msgs = map[string]string{}
	add := func(s, where string) {
		if _, ok := msgs[s]; !ok {
			msgs[s] = where
		}
	}
	for _, dir := range messageDirs {
		p := parsePackage(t, dir)
		for _, f := range p.files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				pos := p.fset.Position(call.Pos())
				where := filepath.Join(dir, filepath.Base(pos.Filename)) + ":" + strconv.Itoa(pos.Line)
				switch {
				case isFault(call.Fun, "Errorf") && len(call.Args) >= 2 && !isFault(call.Args[0], "Internal"):
					format, ok := p.str(call.Args[1])
					if !ok {
						problems = append(problems, where+": the format is not a constant string")
						return true
					}
					if format != "%s" || len(call.Args) != 3 {
						add(format, where)
						return true
					}
					// fault.Localize translates the text of Errorf(code, "%s", msg).
					if s, ok := p.str(call.Args[2]); ok {
						add(s, where)
						return true
					}
					if fn, ok := call.Args[2].(*ast.CallExpr); ok {
						if id, ok := fn.Fun.(*ast.Ident); ok {
							if texts := p.funcMessages(id.Name); len(texts) > 0 {
								for _, s := range texts {
									add(s, where+" ("+id.Name+")")
								}
								return true
							}
						}
					}
					problems = append(problems, where+`: the message passed to "%s" is not a constant nor built by a function of this package`)
				case isFault(call.Fun, "Wrap") && len(call.Args) == 3 && !isFault(call.Args[0], "Internal"):
					// A wrapped error's message is shown as is; messages
					// built at run time (auth's key file errors) are for
					// operators and stay in English.
					if s, ok := p.str(call.Args[2]); ok {
						add(s, where)
					}
				}
				return true
			})
		}
		switch dir {
		case "consent":
			for name := range p.consts {
				if s, ok := p.str(p.consts[name]); ok && strings.HasPrefix(name, "Msg") {
					add(s, dir+": "+name)
				}
			}
		case "server/httpapi":
			texts := p.funcMessages("fiberDetail")
			if len(texts) == 0 {
				t.Fatal("found no texts in fiberDetail")
			}
			for _, s := range texts {
				add(s, dir+": fiberDetail")
			}
		}
	}
	add(fault.MessageOf(errors.New("internal")), "fault.MessageOf")
	// Problem titles are the HTTP status texts (problem_internal_test.go
	// checks this list covers every status a problem can have).
	for _, st := range []int{400, 401, 403, 404, 405, 409, 413, 429, 500, 503} {
		add(http.StatusText(st), "problem title")
	}
	return msgs, problems
}

func loadCatalogue(t *testing.T, lang string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("messages", lang+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("messages/%s.json: %v", lang, err)
	}
	return m
}

func TestCataloguesCoverEveryMessage(t *testing.T) {
	msgs, problems := shownMessages(t)
	for _, p := range problems {
		t.Errorf("untranslatable message at %s", p)
	}
	if len(msgs) < 100 {
		t.Fatalf("found only %d messages: the scan is broken", len(msgs))
	}
	for _, lang := range translated {
		cat := loadCatalogue(t, lang)
		var missing, stale []string
		for m, where := range msgs {
			if cat[m] == "" {
				missing = append(missing, where+": "+strconv.Quote(m))
			}
		}
		for k := range cat {
			if _, ok := msgs[k]; !ok {
				stale = append(stale, strconv.Quote(k))
			}
		}
		sort.Strings(missing)
		sort.Strings(stale)
		if len(missing) > 0 {
			t.Errorf("messages/%s.json lacks %d messages:\n%s", lang, len(missing), strings.Join(missing, "\n"))
		}
		if len(stale) > 0 {
			t.Errorf("messages/%s.json has %d messages no longer in the code:\n%s", lang, len(stale), strings.Join(stale, "\n"))
		}
	}
}

// fmtVerb matches a fmt verb such as %s, %q, %d, %5.2f or %%.
var fmtVerb = regexp.MustCompile(`%[-+# 0]*(\d+|\*)?(\.(\d+|\*)?)?[a-zA-Z%]`)

func TestTranslationsKeepTheVerbs(t *testing.T) {
	for _, lang := range translated {
		for k, v := range loadCatalogue(t, lang) {
			if got, want := fmtVerb.FindAllString(v, -1), fmtVerb.FindAllString(k, -1); !slices.Equal(got, want) {
				t.Errorf("%s: %q has verbs %q, want %q as in %q", lang, v, got, want, k)
			}
		}
	}
}

func TestProblemsSpeakTheReadersLanguage(t *testing.T) {
	app, _ := newApp(t)
	// Real domain errors: one with arguments, one whose text policy builds.
	app.Get("/api/i18n/too-young", func(c *fiber.Ctx) error {
		_, err := consent.ValidateYouthBirthDate("2020-01-01", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		return err
	})
	app.Get("/api/i18n/signed-out", func(c *fiber.Ctx) error {
		return policy.Check(policy.Subject{}, policy.Actions()[0], policy.Resource{})
	})
	app.Get("/api/i18n/guardian", func(c *fiber.Ctx) error {
		return fault.Errorf(fault.Invalid, "%s", consent.MsgLinkExpired)
	})

	cases := []struct {
		path, accept    string
		status          int
		typ, lang, want string
	}{
		{"/api/i18n/too-young", "fr-FR,fr;q=0.9", 400, "/problems/invalid", "fr", "Chorus est pour les jeunes de 12 à 25 ans. Tu pourras t’inscrire à 12 ans."},
		{"/api/i18n/too-young", "de", 400, "/problems/invalid", "de", "Chorus ist für junge Menschen von 12 bis 25 Jahren. Du kannst mitmachen, wenn du 12 bist."},
		{"/api/i18n/too-young", "nl", 400, "/problems/invalid", "en", "Chorus is for young people aged 12 to 25. You can join when you are 12."},
		{"/api/i18n/too-young", "it-IT", 400, "/problems/invalid", "it", "Chorus è per i giovani dai 12 ai 25 anni. Potrai iscriverti quando avrai 12 anni."},
		{"/api/i18n/signed-out", "es-ES,es;q=0.9", 401, "/problems/unauthorized", "es", "Primero inicia sesión."},
		{"/api/i18n/too-young", "", 400, "/problems/invalid", "en", "Chorus is for young people aged 12 to 25. You can join when you are 12."},
		{"/api/i18n/too-young", "en;q=0.5, de;q=0.8, fr;q=0.7", 400, "/problems/invalid", "de", "Chorus ist für junge Menschen von 12 bis 25 Jahren. Du kannst mitmachen, wenn du 12 bist."},
		{"/api/i18n/too-young", "fr;q=0, de-AT;q=0.1", 400, "/problems/invalid", "de", "Chorus ist für junge Menschen von 12 bis 25 Jahren. Du kannst mitmachen, wenn du 12 bist."},
		{"/api/i18n/signed-out", "fr-FR,fr;q=0.9", 401, "/problems/unauthorized", "fr", "Connecte-toi d’abord."},
		{"/api/i18n/signed-out", "de", 401, "/problems/unauthorized", "de", "Melde dich zuerst an."},
		{"/api/i18n/guardian", "fr-FR,fr;q=0.9", 400, "/problems/invalid", "fr", "Ce lien a expiré. Demandez à votre enfant d’en envoyer un nouveau."},
		{"/api/i18n/guardian", "de", 400, "/problems/invalid", "de", "Dieser Link ist abgelaufen. Bitten Sie Ihr Kind, einen neuen zu senden."},
		{"/api/nothing-here", "fr-FR,fr;q=0.9", 404, "/problems/not_found", "fr", "Il n’y a rien à cette adresse."},
		{"/api/nothing-here", "de", 404, "/problems/not_found", "de", "Unter dieser Adresse gibt es nichts."},
		{"/api/nothing-here", "nl", 404, "/problems/not_found", "en", "There is nothing at this address."},
	}
	for _, c := range cases {
		t.Run(c.path+" "+c.accept, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, c.path, nil)
			if c.accept != "" {
				req.Header.Set("Accept-Language", c.accept)
			}
			resp, body := do(t, app, req)
			p := problemOf(t, resp, body, c.status, c.typ)
			if p.Detail != c.want {
				t.Errorf("got detail %q, want %q", p.Detail, c.want)
			}
			if (c.lang == "en") != (p.Title == http.StatusText(c.status)) || p.Title == "" {
				t.Errorf("got title %q in %s, want the status text %q in that language", p.Title, c.lang, http.StatusText(c.status))
			}
			if got := resp.Header.Get("Content-Language"); got != c.lang {
				t.Errorf("got Content-Language %q, want %q", got, c.lang)
			}
			if vary := resp.Header.Get("Vary"); !strings.Contains(vary, "Accept-Language") {
				t.Errorf("got Vary %q, want it to name Accept-Language", vary)
			}
		})
	}
}
