package screen

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"chorus/fault"
)

// MaxText is the longest text, in bytes, that Screen accepts. Pledge items,
// comments and scripts are far shorter; the limit bounds the work one save
// can cause.
const MaxText = 64 << 10

// Limits on the words a coordinator adds, so that one panel's list cannot
// slow every save down or smuggle in a pasted document.
const (
	MaxWordLen    = 64   // characters in one extra word or phrase
	MaxExtraWords = 5000 // extra words per language
)

// Kind says what a hit looks like; the UI shows the matching reason.
type Kind string

// The kinds, in the order screening prefers them when two overlap: an e-mail
// address is not also reported as a link, nor a link as a handle.
const (
	Email   Kind = "email"
	Link    Kind = "link"
	Phone   Kind = "phone"
	Handle  Kind = "handle"
	Address Kind = "address"
	Word    Kind = "word"
)

// Hit is one place in a text that holds it. Start and End are byte offsets
// into the screened text (text[Start:End]); a browser working in UTF-16 code
// units must convert them. A hit carries no copy of the text it points at,
// so hits can be logged and stored without copying personal data.
type Hit struct {
	Kind  Kind `json:"kind"`
	Start int  `json:"start"`
	End   int  `json:"end"`
	// Reason is a key of the reason catalogue, "screen.reason.<kind>"; see
	// Reason for its text.
	Reason string `json:"reason"`
}

func hit(k Kind, start, end int) Hit {
	return Hit{Kind: k, Start: start, End: end, Reason: "screen.reason." + string(k)}
}

// Result lists the hits of a text in text order; they never overlap.
type Result struct {
	Hits []Hit `json:"hits"`
}

// Held reports whether the text must wait for a moderator.
func (r Result) Held() bool { return len(r.Hits) > 0 }

// Screener screens texts against the built-in word lists and a panel's own.
// It is safe for concurrent use.
type Screener struct {
	// dicts holds, per language, the words checked in a text of that
	// language: its own list and the English one. The key "" holds every
	// list, for texts in a language without a list of its own.
	dicts map[string]*dict
}

// New returns a Screener that checks the built-in lists plus extra, a
// panel's own words or phrases per language code ("fr", "de", or any other
// two- or three-letter code). It returns a fault.Invalid error when a code
// is malformed, a word is empty, has no letter or is longer than MaxWordLen
// characters, or a language has more than MaxExtraWords extra words.
func New(extra map[string][]string) (*Screener, error) {
	lists := map[string][]string{
		"en": parseList(listEN),
		"fr": parseList(listFR),
		"de": parseList(listDE),
	}
	for _, lang := range slices.Sorted(maps.Keys(extra)) {
		code := strings.ToLower(strings.TrimSpace(lang))
		if !isLangCode(code) {
			return nil, fault.Errorf(fault.Invalid, "Extra words: %q is not a language code such as \"fr\".", lang)
		}
		words := extra[lang]
		if len(words) > MaxExtraWords {
			return nil, fault.Errorf(fault.Invalid, "Extra words (%s): at most %d words per language.", code, MaxExtraWords)
		}
		for _, w := range words {
			w = strings.TrimSpace(w)
			switch {
			case w == "":
				return nil, fault.Errorf(fault.Invalid, "Extra words (%s): a word is empty.", code)
			case utf8.RuneCountInString(w) > MaxWordLen:
				return nil, fault.Errorf(fault.Invalid, "Extra words (%s): %q is longer than %d characters.", code, w, MaxWordLen)
			case strings.IndexFunc(w, unicode.IsLetter) < 0:
				return nil, fault.Errorf(fault.Invalid, "Extra words (%s): %q has no letter.", code, w)
			}
			lists[code] = append(lists[code], w)
		}
	}
	s := &Screener{dicts: map[string]*dict{"": newDict(slices.Collect(maps.Values(lists))...)}}
	for code, list := range lists {
		if code == "en" {
			s.dicts[code] = newDict(list)
		} else {
			s.dicts[code] = newDict(list, lists["en"])
		}
	}
	return s, nil
}

func isLangCode(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for _, c := range []byte(s) {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

var builtin = sync.OnceValue(func() *Screener {
	s, err := New(nil)
	if err != nil {
		panic("screen: built-in word lists: " + err.Error())
	}
	return s
})

// Screen screens text with the built-in word lists; see Screener.Screen.
func Screen(text, lang string) (Result, error) { return builtin().Screen(text, lang) }

// Screen finds what in text, written in lang ("en", "fr-CA", ...), must be
// held for a moderator. Words are checked against the list of lang and the
// English list; a language without a list of its own gets every list. It
// returns a fault.Invalid error for a text longer than MaxText bytes.
func (s *Screener) Screen(text, lang string) (Result, error) {
	if len(text) > MaxText {
		return Result{}, fault.Errorf(fault.Invalid, "The text is too long to check: at most %d KiB.", MaxText>>10)
	}
	toks := tokenize(text)
	hits := emails(text)
	hits = merge(hits, links(text))
	hits = merge(hits, phones(text))
	hits = merge(hits, handles(text))
	hits = merge(hits, addresses(text, toks))
	hits = merge(hits, s.dict(lang).find(toks))
	if hits == nil {
		hits = []Hit{}
	}
	return Result{Hits: hits}, nil
}

func (s *Screener) dict(lang string) *dict {
	primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(lang)), "-")
	primary, _, _ = strings.Cut(primary, "_")
	if d, ok := s.dicts[primary]; ok {
		return d
	}
	return s.dicts[""]
}

// merge adds to kept (in text order, without overlaps) the hits of next (in
// text order, without overlaps among themselves) that overlap none of kept:
// the detector that ran first wins.
func merge(kept, next []Hit) []Hit {
	if len(next) == 0 {
		return kept
	}
	out := make([]Hit, 0, len(kept)+len(next))
	i := 0
	for _, h := range next {
		for i < len(kept) && kept[i].End <= h.Start {
			out = append(out, kept[i])
			i++
		}
		if i < len(kept) && kept[i].Start < h.End {
			continue
		}
		out = append(out, h)
	}
	return append(out, kept[i:]...)
}
