// Package screening measures how many texts per second the automatic
// screening of young people's texts (chorus/moderation/screen) gets
// through, against the cost of the part any screening must pay, in the
// same run: one pass of Go's regexp over the text with one combined e-mail
// and link pattern, and a plain word split with a map lookup per word.
package screening

import (
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"chorus/moderation/screen"
)

// Config sizes the measurement.
type Config struct {
	Texts  int           // generated texts per language, screened in turn
	Size   int           // bytes per text (at most)
	Round  time.Duration // how long one round screens
	Rounds int           // rounds per side; the best counts
}

// Rates are texts per second.
type Rates struct {
	Chorus, Regexp, Split float64
}

// Result is one language's measurement.
type Result struct {
	Lang       string
	Texts      int     // texts in the corpus
	MeanBytes  float64 // their mean size
	Planted    int     // texts with a planted hit
	Held       int     // texts Screen held
	Missed     int     // texts with a planted hit that Screen did not hold
	Extra      int     // texts without one that Screen held
	Single     Rates   // one goroutine
	Parallel   Rates   // GOMAXPROCS goroutines
	Goroutines int     // GOMAXPROCS during the parallel rounds
}

// Run measures every language of Languages.
func Run(cfg Config) ([]Result, error) {
	var out []Result
	for _, lang := range Languages {
		r, err := RunLang(lang, cfg)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// RunLang measures one language: first a check that the corpus screens as
// planted, then alternating rounds of Screen and the two baselines, one
// goroutine and then all.
func RunLang(lang string, cfg Config) (Result, error) {
	texts := Texts(lang, cfg.Texts, cfg.Size)
	res := Result{Lang: lang, Texts: len(texts), Goroutines: runtime.GOMAXPROCS(0)}
	bodies := make([]string, len(texts))
	total := 0
	for i, t := range texts {
		bodies[i] = t.Body
		total += len(t.Body)
		r, err := screen.Screen(t.Body, lang)
		if err != nil {
			return res, fmt.Errorf("screen %s text %d: %w", lang, i, err)
		}
		if t.Planted > 0 {
			res.Planted++
		}
		switch {
		case r.Held():
			res.Held++
			if t.Planted == 0 {
				res.Extra++
			}
		case t.Planted > 0:
			res.Missed++
		}
	}
	res.MeanBytes = float64(total) / float64(len(texts))

	chorus := func(s string) int {
		r, _ := screen.Screen(s, lang)
		return len(r.Hits)
	}
	sides := []struct {
		work func(string) int
		one  *float64
		all  *float64
	}{
		{chorus, &res.Single.Chorus, &res.Parallel.Chorus},
		{regexpPass, &res.Single.Regexp, &res.Parallel.Regexp},
		{splitLookup, &res.Single.Split, &res.Parallel.Split},
	}
	for range max(cfg.Rounds, 1) {
		for _, s := range sides {
			n, d := round(bodies, s.work, 1, cfg.Round)
			*s.one = max(*s.one, float64(n)/d.Seconds())
		}
		for _, s := range sides {
			n, d := round(bodies, s.work, res.Goroutines, cfg.Round)
			*s.all = max(*s.all, float64(n)/d.Seconds())
		}
	}
	return res, nil
}

// round screens texts in turn on g goroutines until d has passed, and
// returns how many were screened and how long that took.
func round(texts []string, work func(string) int, g int, d time.Duration) (int, time.Duration) {
	const batch = 16
	counts := make([]int, g)
	start := time.Now()
	end := start.Add(d)
	var wg sync.WaitGroup
	for w := range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hits, n := 0, 0
			i := w * len(texts) / g // each goroutine starts elsewhere in the corpus
			for n == 0 || time.Now().Before(end) {
				for range batch {
					hits += work(texts[i])
					i = (i + 1) % len(texts)
				}
				n += batch
			}
			counts[w] = n
			sink.Add(int64(hits))
		}()
	}
	wg.Wait()
	took := time.Since(start)
	n := 0
	for _, c := range counts {
		n += c
	}
	return n, took
}

// sink keeps the compiler from dropping the work.
var sink atomic.Int64

// baselineRE is one combined pattern for e-mail addresses and links, as
// one would write it to find both in a single pass: the e-mail part is
// Screen's own, the link part the simple form.
var baselineRE = regexp.MustCompile(`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}|(?i:https?://|www\.)[^\s<>"]+`)

// regexpPass is the first baseline: one pass of the combined pattern over
// the text.
func regexpPass(s string) int { return len(baselineRE.FindAllStringIndex(s, -1)) }

// baselineWords stands in for a word list: a few hundred entries, as the
// built-in lists have.
var baselineWords = func() map[string]bool {
	m := map[string]bool{}
	for i := range 400 {
		m[fmt.Sprintf("listedword%d", i)] = true
	}
	return m
}()

// splitLookup is the second baseline: the text in lower case, split at
// spaces, each word looked up in a map.
func splitLookup(s string) int {
	n := 0
	for _, w := range strings.Fields(strings.ToLower(s)) {
		if baselineWords[w] {
			n++
		}
	}
	return n
}
