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
	lists map[string][]entry // built-in and extra words, by language
	langs []string           // the panel's languages
	own   []string           // the panel's own words
	// dicts holds, per language of a text, the words checked in it (see
	// Screen); built on first use. The key "" is for texts in a language
	// without a list of its own.
	dicts sync.Map // string -> *dict
}

// Lists says which words a Screener checks besides personal data.
type Lists struct {
	// Languages are the languages a panel works in: the lists of each
	// apply to every text of the panel, whatever language it is written
	// in ("du bist ein Arschloch" under an English pledge is held).
	Languages []string
	// Extra adds words or phrases per language code ("fr", "de", or any
	// other two- or three-letter code): SCREEN_WORDS_FILE.
	Extra map[string][]string
	// Own are a panel's own words or phrases, in any language, checked in
	// every text of the panel.
	Own []string
}

// New returns a Screener that checks the built-in lists plus those of l.
// It returns a fault.Invalid error when a language code is malformed, a
// word is empty, has no letter or is longer than MaxWordLen characters,
// or a language (or Own) has more than MaxExtraWords words.
func New(l Lists) (*Screener, error) {
	s := &Screener{lists: map[string][]entry{
		"en": parseList(listEN),
		"fr": parseList(listFR),
		"de": parseList(listDE),
	}}
	for _, lang := range slices.Sorted(maps.Keys(l.Extra)) {
		code := strings.ToLower(strings.TrimSpace(lang))
		if !isLangCode(code) {
			return nil, fault.Errorf(fault.Invalid, "Extra words: %q is not a language code such as \"fr\".", lang)
		}
		words, err := CheckWords(l.Extra[lang])
		if err != nil {
			return nil, err
		}
		for _, w := range words {
			s.lists[code] = append(s.lists[code], entry{text: w})
		}
	}
	for _, lang := range l.Languages {
		code := primary(lang)
		if !isLangCode(code) {
			return nil, fault.Errorf(fault.Invalid, "Extra words: %q is not a language code such as \"fr\".", lang)
		}
		if !slices.Contains(s.langs, code) {
			s.langs = append(s.langs, code)
		}
	}
	own, err := CheckWords(l.Own)
	if err != nil {
		return nil, err
	}
	s.own = own
	return s, nil
}

// CheckWords returns words without surrounding spaces, or a fault.Invalid
// error naming the first that New would refuse: empty, without a letter,
// longer than MaxWordLen characters, or more than MaxExtraWords in all.
func CheckWords(words []string) ([]string, error) {
	if len(words) > MaxExtraWords {
		return nil, fault.Errorf(fault.Invalid, "There can be at most %d words in one list.", MaxExtraWords)
	}
	out := make([]string, 0, len(words))
	for _, w := range words {
		w = strings.TrimSpace(w)
		switch {
		case w == "":
			return nil, fault.Errorf(fault.Invalid, "A word of the list is empty.")
		case utf8.RuneCountInString(w) > MaxWordLen:
			return nil, fault.Errorf(fault.Invalid, "%q is longer than %d characters.", w, MaxWordLen)
		case strings.IndexFunc(w, unicode.IsLetter) < 0:
			return nil, fault.Errorf(fault.Invalid, "%q has no letter.", w)
		}
		out = append(out, w)
	}
	return out, nil
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

// primary is the primary language of a tag: "fr" for "fr-BE" or "FR_be".
func primary(lang string) string {
	p, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(lang)), "-")
	p, _, _ = strings.Cut(p, "_")
	return p
}

var builtin = sync.OnceValue(func() *Screener {
	s, err := New(Lists{})
	if err != nil {
		panic("screen: built-in word lists: " + err.Error())
	}
	return s
})

// Builtin returns the Screener of the built-in word lists alone.
func Builtin() *Screener { return builtin() }

// Screen screens text with the built-in word lists; see Screener.Screen.
func Screen(text, lang string) (Result, error) { return builtin().Screen(text, lang) }

// Screen finds what in text, written in lang ("en", "fr-CA", ...), must be
// held for a moderator. Words are checked against the lists of lang, of
// English and of every language of the panel, and the panel's own words;
// a language without a list of its own gets every list. A word that a
// list marks as ordinary in lang ("bite" in English) is not checked in a
// text of lang. Screening reads the text normalised first (see reading):
// look-alike letters, invisible characters and full-width forms do not
// hide a word, an address or a number. It returns a fault.Invalid error
// for a text longer than MaxText bytes.
func (s *Screener) Screen(text, lang string) (Result, error) {
	if len(text) > MaxText {
		return Result{}, fault.Errorf(fault.Invalid, "The text is too long to check: at most %d KiB.", MaxText>>10)
	}
	rd := read(text)
	t := rd.text
	toks := tokenize(t)
	hits := emails(t)
	hits = merge(hits, spelledEmails(t, toks))
	hits = merge(hits, links(t))
	hits = merge(hits, spelledLinks(t, toks))
	hits = merge(hits, phones(t))
	hits = merge(hits, spokenPhones(t, toks))
	hits = merge(hits, handles(t))
	hits = merge(hits, namedHandles(t, toks))
	hits = merge(hits, addresses(t, toks))
	hits = merge(hits, s.dict(lang).find(t, toks))
	hits = rd.restore(hits)
	if hits == nil {
		hits = []Hit{}
	}
	return Result{Hits: hits}, nil
}

// dict returns the words checked in a text of lang.
func (s *Screener) dict(lang string) *dict {
	code := primary(lang)
	if _, ok := s.lists[code]; !ok && !slices.Contains(s.langs, code) {
		code = ""
	}
	if d, ok := s.dicts.Load(code); ok {
		return d.(*dict)
	}
	d, _ := s.dicts.LoadOrStore(code, newDict(s.words(code)))
	return d.(*dict)
}

// words lists the entries checked in a text of lang ("": every list).
func (s *Screener) words(lang string) []string {
	var out []string
	for _, code := range slices.Sorted(maps.Keys(s.lists)) {
		if lang != "" && code != lang && code != "en" && !slices.Contains(s.langs, code) {
			continue
		}
		for _, e := range s.lists[code] {
			if !slices.Contains(e.except, lang) {
				out = append(out, e.text)
			}
		}
	}
	return append(out, s.own...)
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
