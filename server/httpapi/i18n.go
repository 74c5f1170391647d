package httpapi

import (
	"embed"
	"encoding/json"
	"errors"
	"path"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"chorus/fault"
	"chorus/language"
)

// Languages the API answers in: those Chorus speaks. English is the
// fallback and needs no catalogue: the messages are written in English in
// the code; every other language has messages/<code>.json.
var apiLanguages = language.Codes

// messages/<lang>.json maps an English message, as written in the code (a
// fault.Errorf format, a constant passed as "%s", or a fixed text), to its
// translation with the same fmt verbs in the same order. i18n_test.go keeps
// the catalogues in step with the code.
//
//go:embed messages/*.json
var messageFiles embed.FS

// catalogues holds the translations by language; a broken catalogue stops the
// program at start-up rather than showing English by surprise.
var catalogues = func() map[string]map[string]string {
	cs := make(map[string]map[string]string)
	for _, lang := range apiLanguages[1:] {
		data, err := messageFiles.ReadFile(path.Join("messages", lang+".json"))
		if err != nil {
			panic("httpapi: " + err.Error())
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			panic("httpapi: messages/" + lang + ".json: " + err.Error())
		}
		cs[lang] = m
	}
	return cs
}()

// languageOf picks the language of the answer from the Accept-Language header.
func languageOf(c *fiber.Ctx) string {
	return matchLanguage(c.Get(fiber.HeaderAcceptLanguage))
}

// matchLanguage returns the supported language with the highest quality in
// an Accept-Language value ("fr-FR,fr;q=0.9,en;q=0.8"), the first listed on a
// tie, and English when none is supported. Regions are ignored (fr-BE is fr);
// "*" is ignored too, so that a language named explicitly wins.
func matchLanguage(header string) string {
	best, bestQ := apiLanguages[0], 0.0
	for part := range strings.SplitSeq(header, ",") {
		tag, params, _ := strings.Cut(part, ";")
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, v, _ := strings.Cut(p, "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0 // a malformed weight is not a wish to read this language
				}
				q = f
			}
		}
		if q > bestQ && isAPILanguage(primary) {
			best, bestQ = primary, q
		}
	}
	return best
}

func isAPILanguage(lang string) bool { return language.Valid(lang) }

// translator looks an English text up in lang's catalogue; ok is false for
// English and for texts the catalogue lacks (the English text is then shown).
func translator(lang string) func(text string) (string, bool) {
	cat := catalogues[lang]
	return func(text string) (string, bool) {
		t, ok := cat[text]
		return t, ok && t != ""
	}
}

// translate returns text, a fixed English text without fmt verbs, in lang.
func translate(lang, text string) string {
	if t, ok := translator(lang)(text); ok {
		return t
	}
	return text
}

// detailFor is the problem detail for err in the language the request asks
// for. Fiber's own errors get fiberDetail's texts and internal errors the
// generic text, both translated; fault errors are translated by
// fault.Localize, and those made by fault.Wrap (no format) by their message.
func detailFor(c *fiber.Ctx, err error) string {
	lang := languageOf(c)
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return translate(lang, fiberDetail(fe.Code))
	}
	if fault.CodeOf(err) == fault.Internal {
		return translate(lang, fault.MessageOf(err))
	}
	var e *fault.Error
	if errors.As(err, &e) && e.Format == "" {
		return translate(lang, e.Message)
	}
	return fault.Localize(err, translator(lang))
}
