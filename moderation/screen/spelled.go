package screen

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Personal data written so that the plain detectors miss it: e-mail
// addresses and links with "at" and "dot" spelled out or spaced
// ("lena (at) gmail (dot) com", "lena arobase gmail point fr", "example
// dot com"), phone numbers in number words ("zero six, douze, trente-
// quatre", "null eins fünf eins") or with look-alike letters ("O6 12..."),
// and social-media names given after the platform's name ("my snapchat is
// tommy2011", "discord: tommy#1234"). Each works on the tokens of the
// reading (see tokenize) and the gaps between them.

// gap is the text between tokens i and i+1.
func gap(text string, toks []token, i int) string { return text[toks[i].end:toks[i+1].start] }

func raw(text string, t token) string { return text[t.start:t.end] }

var (
	// atWords stand for "@" in e-mail addresses written out; "at" alone
	// is weak (an English word): see spelledEmails.
	atWords = set("at", "arobase", "arrobase", "arroba", "aet")
	// dotWords stand for "."; "point", "punkt" and "punto" are common
	// words and weak.
	dotWords  = set("dot", "point", "punkt", "punto")
	weakDots  = set("point", "punkt", "punto")
	providers = set("gmail", "googlemail", "hotmail", "outlook", "yahoo", "gmx", "icloud", "protonmail", "proton",
		"laposte", "wanadoo", "orange", "aol", "yandex", "freenet")
	// spelledTLDs are the top-level domains accepted after a spelled or
	// spaced dot: those that are also common short words ("a dot in the
	// sky", "point de vue") are left out.
	spelledTLDs = func() map[string]bool {
		m := map[string]bool{}
		for t := range tlds {
			m[t] = true
		}
		for _, w := range strings.Fields("at be it es se eu si no in is to me us so co ly") {
			delete(m, w)
		}
		return m
	}()
)

// onLine reports whether g holds only spaces (no line break) and
// brackets: what may stand around a spelled "at" or "dot".
func onLine(g string) bool {
	for _, r := range g {
		if r == '\n' || r == '\r' || !unicode.IsSpace(r) && !strings.ContainsRune("()[]{}<>", r) {
			return false
		}
	}
	return true
}

// bracketed reports whether the token between gaps before and after is
// in brackets: "(at)", "[dot]".
func bracketed(before, after string) bool {
	b, a := strings.TrimRight(before, " \t"), strings.TrimLeft(after, " \t")
	return b != "" && a != "" && strings.ContainsRune("([{<", rune(b[len(b)-1])) && strings.ContainsRune(")]}>", rune(a[0]))
}

// signGap reports whether g is one sign c with only spaces or brackets
// around it (" @ ", "(.)").
func signGap(g string, c byte) bool {
	i := strings.IndexByte(g, c)
	return i >= 0 && onLine(g[:i]) && onLine(g[i+1:])
}

// marker is a spelled "at" or "dot" at a place of the tokens.
type marker struct {
	next   int  // index of the token after it
	ok     bool // there is one
	strong bool // unlikely in ordinary text: "@", "(at)", "arobase", ".", "dot", "(point)"
	spelt  bool // not a plain "." between two words
	word   string
}

// dotAt reads a dot after token k: a "." with or without spaces, or a dot
// word with spaces or brackets around it.
func dotAt(text string, toks []token, k int) marker {
	if k+1 >= len(toks) {
		return marker{}
	}
	// A dot with nothing before it and a space after ends a sentence.
	if g := gap(text, toks, k); signGap(g, '.') && (g == "." || g[0] != '.') {
		return marker{next: k + 1, ok: true, strong: true, spelt: g != "."}
	}
	if k+2 < len(toks) && dotWords[toks[k+1].key] && onLine(gap(text, toks, k)) && onLine(gap(text, toks, k+1)) {
		w := toks[k+1].key
		br := bracketed(gap(text, toks, k), gap(text, toks, k+1))
		return marker{next: k + 2, ok: true, strong: br || !weakDots[w], spelt: true, word: w}
	}
	return marker{}
}

// domain reads labels joined by dots from token k and returns the index
// of the last and whether the domain is one a spelled dot may end: a
// known top-level domain, in lower case unless the dot was "dot" or in
// brackets, not "de" after "point" ("point de vue").
func domain(text string, toks []token, k int) (last int, markers int, strong, ok bool) {
	last = k
	var m marker
	spelt := false
	for {
		d := dotAt(text, toks, last)
		if !d.ok {
			break
		}
		m, spelt = d, spelt || d.spelt
		last = d.next
		markers++
		strong = strong || d.strong
	}
	if markers == 0 {
		return k, 0, false, false
	}
	tld := raw(text, toks[last])
	lower := strings.ToLower(tld)
	switch {
	case !tlds[lower]:
		return k, 0, false, false
	case spelt && !spelledTLDs[lower]:
		return k, 0, false, false
	case tld != lower && (m.word == "" || weakDots[m.word]):
		return k, 0, false, false
	case m.word == "point" && lower == "de":
		return k, 0, false, false
	}
	return last, markers, strong, true
}

// spelledEmails finds e-mail addresses whose "@" or dots are spelled out
// or spaced: "lena (at) gmail (dot) com", "lena.k @ gmail . com", "lena
// arobase gmail point fr", "tommy2011 at gmail". A plain "at" counts only
// with a strong dot ("lena at gmail dot com"), or before a mail provider
// after a name with a digit or "_".
func spelledEmails(text string, toks []token) []Hit {
	var hits []Hit
	for j := 1; j+1 < len(toks); j++ {
		var local, dom int
		var strong bool
		switch {
		case atWords[toks[j].key] && toks[j].letter && onLine(gap(text, toks, j-1)) && onLine(gap(text, toks, j)):
			local, dom = j-1, j+1
			strong = !strings.EqualFold(raw(text, toks[j]), "at") || bracketed(gap(text, toks, j-1), gap(text, toks, j))
		case signGap(gap(text, toks, j-1), '@'),
			strings.HasSuffix(raw(text, toks[j-1]), "@") && onLine(gap(text, toks, j-1)): // "lena@ gmail"
			local, dom, strong = j-1, j, true
		default:
			continue
		}
		start := localStart(text, toks, local)
		last, _, dotStrong, ok := domain(text, toks, dom)
		switch {
		case ok && (strong || dotStrong):
		case providers[toks[dom].key] && (strong || nameLike(text, toks, start, local)):
			last = dom
		default:
			continue
		}
		hits = append(hits, hit(Email, toks[start].start, toks[last].end))
		j = last
	}
	return hits
}

// localStart extends the local part of an address back from token k over
// ".", "_", "-" and "+" and spelled dots ("lena dot k at ...").
func localStart(text string, toks []token, k int) int {
	for k > 0 {
		switch g := gap(text, toks, k-1); {
		case g == "." || g == "_" || g == "-" || g == "+":
			k--
		case k > 1 && dotWords[toks[k-1].key] && onLine(g) && onLine(gap(text, toks, k-2)) && g != "" && gap(text, toks, k-2) != "":
			k -= 2
		default:
			return k
		}
	}
	return k
}

// nameLike reports whether tokens s to e (included) look like a user
// name rather than a word: joined by "_" or ".", or a word with digits.
func nameLike(text string, toks []token, s, e int) bool {
	if e > s {
		return true
	}
	r := raw(text, toks[s])
	return strings.IndexFunc(r, unicode.IsDigit) >= 0 && strings.IndexFunc(r, unicode.IsLetter) >= 0
}

// spelledLinks finds web addresses with spelled or spaced dots: "example
// dot com", "www . example . fr", "tiktok dot com slash lena".
func spelledLinks(text string, toks []token) []Hit {
	var hits []Hit
	for i := 0; i+2 < len(toks); i++ {
		if !toks[i].letter && !isDigit(text[toks[i].start]) {
			continue
		}
		last, _, _, ok := domain(text, toks, i)
		if !ok || !spelledChain(text, toks, i, last) {
			continue
		}
		// A path: "/lena", "slash lena".
		for last+1 < len(toks) {
			if g := gap(text, toks, last); strings.TrimSpace(g) == "/" {
				last++
			} else if last+2 < len(toks) && toks[last+1].key == "slash" && onLine(g) && onLine(gap(text, toks, last+1)) {
				last += 2
			} else {
				break
			}
			for last+1 < len(toks) && strings.Contains("_.-", gap(text, toks, last)) && len(gap(text, toks, last)) == 1 {
				last++ // "lena_k"
			}
		}
		hits = append(hits, hit(Link, toks[i].start, toks[last].end))
		i = last
	}
	return hits
}

// spelledChain reports whether a dot between tokens first and last is
// spelled or spaced: with plain dots only, the link is the plain
// detector's ("e.g. it", "3.5 de" are not links to it).
func spelledChain(text string, toks []token, first, last int) bool {
	for k := first; k < last; k++ {
		if g := gap(text, toks, k); g != "." && g != "" {
			return true
		}
	}
	return false
}

// Number words, read as the digits people say for a phone number.
var (
	units = map[string]int{
		"zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
		"un": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9,
		"null": 0, "eins": 1, "zwei": 2, "zwo": 2, "drei": 3, "vier": 4, "funf": 5, "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9,
	}
	teens = map[string]int{
		"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
		"dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
		"zehn": 10, "elf": 11, "zwolf": 12, "zwoelf": 12, "dreizehn": 13, "vierzehn": 14, "funfzehn": 15, "fuenfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19,
	}
	tens = map[string]int{
		"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
		"vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,
		"zwanzig": 20, "dreissig": 30, "vierzig": 40, "funfzig": 50, "fuenfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80, "neunzig": 90,
	}
	// German units as they start a compound ("einundzwanzig").
	deUnits = map[string]int{"ein": 1, "zwei": 2, "drei": 3, "vier": 4, "funf": 5, "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9}
)

// spoken is one token of a phone number said in words or digits.
type spoken struct {
	tok    int
	digits string
	words  bool // said in words or with letters for digits, not plain digits
}

// sayDigits reads toks[i:] as number words and returns the digits of the
// first number and how many tokens it took, or 0 tokens.
func sayDigits(text string, toks []token, i int) (string, int) {
	t := toks[i]
	k := t.key
	next := func(n int) (string, bool) {
		if i+n < len(toks) && numberGap(gap(text, toks, i+n-1)) {
			return toks[i+n].key, true
		}
		return "", false
	}
	two := func(v int) string { return string([]byte{byte('0' + v/10), byte('0' + v%10)}) }
	if v, ok := tens[k]; ok {
		n := 1
		if w, ok := next(1); ok && (w == "et" || w == "and") {
			if w2, ok := next(2); ok {
				if u, ok := units[w2]; ok && u > 0 {
					return two(v + u), 3
				}
				if v == 60 && w2 == "onze" {
					return two(71), 3
				}
			}
		}
		if w, ok := next(1); ok {
			// soixante-dix(-sept), quatre-vingt-douze
			if t, ok := teens[w]; ok && (k == "soixante" || k == "vingt" || k == "vingts") {
				if t == 10 {
					if w2, ok := next(2); ok {
						if u := units[w2]; u >= 7 && w2 != "zero" {
							return two(v + 10 + u), 3
						}
					}
				}
				return two(v + t), 2
			}
			if u, ok := units[w]; ok && u > 0 {
				return two(v + u), 2
			}
		}
		return two(v), n
	}
	if k == "dix" {
		if w, ok := next(1); ok {
			if u := units[w]; u >= 7 {
				return two(10 + u), 2
			}
		}
	}
	if v, ok := teens[k]; ok {
		return two(v), 1
	}
	if k == "quatre" {
		if w, ok := next(1); ok && (w == "vingt" || w == "vingts") {
			d, n := sayDigits(text, toks, i+1)
			return two(60 + int(d[0]-'0')*10 + int(d[1]-'0')), n + 1
		}
	}
	if (k == "double" || k == "triple") && i+1 < len(toks) {
		if w, ok := next(1); ok {
			if u, ok := units[w]; ok {
				return strings.Repeat(string(rune('0'+u)), map[string]int{"double": 2, "triple": 3}[k]), 2
			}
		}
	}
	if u, ok := units[k]; ok {
		return string(rune('0' + u)), 1
	}
	// German compounds: "sechsundfünfzig".
	if a, b, ok := strings.Cut(k, "und"); ok {
		if u, ok := deUnits[a]; ok {
			if v, ok := tens[b]; ok {
				return two(v + u), 1
			}
		}
	}
	// Letters for digits: "O6", "l2".
	r := raw(text, t)
	if len(r) >= 2 && strings.IndexFunc(r, unicode.IsDigit) >= 0 && strings.Trim(r, "0123456789oOlI") == "" && strings.Trim(r, "0123456789") != "" {
		return strings.NewReplacer("o", "0", "O", "0", "l", "1", "I", "1").Replace(r), 1
	}
	return "", 0
}

// numberGap reports whether g may stand between the parts of a phone
// number said or typed: one to three spaces or signs, on one line.
func numberGap(g string) bool {
	if g == "" || utf8.RuneCountInString(g) > 3 {
		return false
	}
	for _, r := range g {
		if r == '\n' || r == '\r' || unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// spokenPhones finds phone numbers said at least partly in words, or
// with letters for digits: "zero six twelve thirty-four...", "zéro six,
// douze, trente-quatre...", "null eins fünf eins...", "O6 12 34 56 78".
// The digits read must make a phone number by the rules of phones; a run
// counting up ("five, six, seven, eight...") is not one.
func spokenPhones(text string, toks []token) []Hit {
	var hits []Hit
	for i := 0; i < len(toks); {
		var run []spoken
		j := i
		for j < len(toks) {
			if len(run) > 0 && !numberGap(gap(text, toks, j-1)) {
				break
			}
			if w := toks[j].key; len(run) > 0 && (w == "et" || w == "and") {
				break // "and" alone joins nothing: "six and seven"
			}
			var s spoken
			if r := raw(text, toks[j]); !toks[j].letter && strings.Trim(r, "0123456789") == "" {
				s, j = spoken{tok: j, digits: r}, j+1
			} else if d, n := sayDigits(text, toks, j); n > 0 {
				s, j = spoken{tok: j + n - 1, digits: d, words: true}, j+n
			} else {
				break
			}
			run = append(run, s)
		}
		if len(run) == 0 {
			i++
			continue
		}
		first := i
		for s := 0; s < len(run); s++ {
			for e := len(run) - 1; e >= s; e-- {
				if spokenPhone(text, toks, run, s, e, first) {
					start := first
					if s > 0 {
						start = run[s-1].tok + 1
					}
					hits = append(hits, hit(Phone, toks[start].start, toks[run[e].tok].end))
					s = e
					break
				}
			}
		}
		i = j
	}
	return hits
}

// spokenPhone reports whether run[s:e+1] is a phone number said with at
// least one word.
func spokenPhone(text string, toks []token, run []spoken, s, e, first int) bool {
	words, counting := false, e-s >= 2
	var b strings.Builder
	for k := s; k <= e; k++ {
		words = words || run[k].words
		b.WriteString(run[k].digits)
		if k > s && !isNext(run[k-1].digits, run[k].digits) {
			counting = false
		}
	}
	if !words || counting {
		return false
	}
	d := b.String()
	start := first
	if s > 0 {
		start = run[s-1].tok + 1
	}
	plus := start > 0 && (toks[start-1].key == "plus" || strings.HasSuffix(strings.TrimSpace(gap(text, toks, start-1)), "+"))
	l := len(d)
	switch {
	case plus:
		return l >= 8 && l <= 15
	case strings.HasPrefix(d, "000"):
		return false
	case strings.HasPrefix(d, "00"):
		return l >= 10 && l <= maxPhoneDigits
	case d[0] == '0':
		return l >= 9 && l <= 13
	}
	return (l == 9 || l == 10) && d[0] >= '3' && !strings.HasSuffix(d, "00") && !freephone(d)
}

// isNext reports whether b is the number after a ("seven", "eight").
func isNext(a, b string) bool {
	x, y := 0, 0
	for _, c := range []byte(a) {
		x = 10*x + int(c-'0')
	}
	for _, c := range []byte(b) {
		y = 10*y + int(c-'0')
	}
	return len(a) <= 2 && len(b) <= 2 && y == x+1
}

// platforms are apps whose user names young people give without "@".
var platforms = set("snapchat", "snap", "insta", "instagram", "ig", "tiktok", "discord", "telegram", "kik", "twitter",
	"facebook", "fb", "youtube", "twitch", "reddit", "steam", "roblox", "psn", "skype", "wechat", "bereal", "whatsapp", "threema")

// notNames are words with digits that name products, not people ("iOS17").
var notNames = set("ios", "android", "windows", "win", "ps", "fifa", "gta", "mp", "covid", "iphone", "galaxy", "pixel", "xbox", "wii", "web", "top", "q", "h", "k")

// namedHandles finds a user name given with the platform's name, before
// or after it, in the same sentence: "my snapchat is tommy2011", "insta:
// lena_k", "discord: tommy#1234", "add tommy2011 on snap". A user name is
// a word with letters then digits, words joined by "_" or "." ("lena_k",
// "lena.k"), or a name and a Discord tag.
func namedHandles(text string, toks []token) []Hit {
	var hits []Hit
	for p := 0; p < len(toks); p++ {
		if !platforms[toks[p].key] {
			continue
		}
		start, end, ok := 0, 0, false
		for k := p + 1; k < len(toks) && k <= p+4 && sameSentence(gap(text, toks, k-1)); k++ {
			if e, found := userName(text, toks, k); found {
				start, end, ok = p, e, true
				break
			}
		}
		for k := p - 1; !ok && k >= 0 && k >= p-3 && sameSentence(gap(text, toks, k)); k-- {
			if _, found := userName(text, toks, k); found {
				start, end, ok = k, p, true
			}
		}
		if !ok {
			continue
		}
		if len(hits) > 0 && toks[start].start < hits[len(hits)-1].End {
			continue
		}
		hits = append(hits, hit(Handle, toks[start].start, toks[end].end))
		p = end
	}
	return hits
}

// sameSentence reports whether a gap between words stays in one
// sentence: no full stop, question or exclamation mark, or line break.
func sameSentence(g string) bool { return !strings.ContainsAny(g, ".!?\n\r") || g == "." }

// userName reports whether a user name starts at token k, and the index
// of its last token.
func userName(text string, toks []token, k int) (int, bool) {
	e := k
	for e+1 < len(toks) && (gap(text, toks, e) == "_" || gap(text, toks, e) == ".") {
		e++
	}
	if e+1 < len(toks) && gap(text, toks, e) == "#" {
		if r := raw(text, toks[e+1]); len(r) == 4 && strings.Trim(r, "0123456789") == "" {
			return e + 1, true
		}
	}
	if e > k {
		return e, utf8.RuneCountInString(text[toks[k].start:toks[e].end])-(e-k) >= 4
	}
	r := raw(text, toks[k])
	first, _ := utf8.DecodeRuneInString(r)
	d := strings.IndexFunc(r, unicode.IsDigit)
	return k, d > 0 && unicode.IsLetter(first) && utf8.RuneCountInString(r) >= 4 && !notNames[strings.ToLower(r[:d])]
}
