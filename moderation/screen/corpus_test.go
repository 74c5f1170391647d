package screen

import (
	"bufio"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// sample is one line of a corpus in testdata.
type sample struct {
	line       int
	lang, text string
}

var escape = regexp.MustCompile(`\\U[0-9a-fA-F]{8}|\\u[0-9a-fA-F]{4}`)

// readCorpus reads testdata/name: "lang<TAB>text[<TAB>tag]" lines, with
// \uXXXX and \UXXXXXXXX read as characters.
func readCorpus(t *testing.T, name string) []sample {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []sample
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) < 2 {
			t.Fatalf("%s:%d: want language, tab, text", name, n)
		}
		text := escape.ReplaceAllStringFunc(parts[1], func(e string) string {
			c, err := strconv.ParseUint(e[2:], 16, 32)
			if err != nil {
				t.Fatalf("%s:%d: %s: %v", name, n, e, err)
			}
			return string(rune(c))
		})
		out = append(out, sample{line: n, lang: parts[0], text: text})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// panelScreener is the screener of a panel working in English, French and
// German, as the corpora are screened.
func panelScreener(t *testing.T) *Screener {
	t.Helper()
	s, err := New(Lists{Languages: []string{"en", "fr", "de"}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// holdRate screens every sample and returns those held and those not.
func holdRate(t *testing.T, s *Screener, samples []sample) (held, passed []sample) {
	t.Helper()
	for _, x := range samples {
		r, err := s.Screen(x.text, x.lang)
		if err != nil {
			t.Fatalf("line %d: %v", x.line, err)
		}
		if r.Held() {
			held = append(held, x)
		} else {
			passed = append(passed, x)
		}
	}
	return held, passed
}

// Rule 5: obfuscation does not beat screening. The hold rate is logged
// for the record (go test -v -run Corpus).
func TestObfuscatedCorpusIsHeld(t *testing.T) {
	samples := readCorpus(t, "obfuscated.txt")
	held, passed := holdRate(t, panelScreener(t), samples)
	t.Logf("obfuscated corpus: %d of %d held (%.1f%%)", len(held), len(samples), 100*float64(len(held))/float64(len(samples)))
	for _, x := range passed {
		t.Errorf("obfuscated.txt:%d (%s) %q passes, want it held", x.line, x.lang, x.text)
	}
}

// Screening must not hold what young people ordinarily write.
func TestOrdinaryCorpusPasses(t *testing.T) {
	samples := readCorpus(t, "ordinary.txt")
	s := panelScreener(t)
	held, _ := holdRate(t, s, samples)
	t.Logf("ordinary corpus: %d of %d held (%.1f%%)", len(held), len(samples), 100*float64(len(held))/float64(len(samples)))
	for _, x := range held {
		r, _ := s.Screen(x.text, x.lang)
		t.Errorf("ordinary.txt:%d (%s) %q is held: %v", x.line, x.lang, x.text, found(x.text, r))
	}
}
