package httpapi_test

import (
	"regexp"
	"testing"
)

// adultMessages are messages only staff or partners ever read (moderators
// deciding cases, coordinators checking forms, partners in sessions and
// rounds, staff searching the audit trail): like the guardians' messages,
// they address the reader formally (vous, Sie, Lei, usted), while messages
// young people read stay informal (issue 15). Add a message here when only
// adults can meet it.
var adultMessages = []string{
	"This person's full name is not shared with you.",
	"You can't decide about something you wrote yourself. Please ask another moderator.",
	"You can't mute yourself.",
	"You can't suspend yourself.",
	"This case was already approved. You can still hide the content if needed.",
	"Your organisation is not invited to this session.",
	"Upload the signed form before recording that you checked it.",
	"There is no such person in your panels.",
}

// informalWords find "tu", "du", "tu", "tú" and their forms, and the
// French and German imperatives of the informal register.
var informalWords = map[string]*regexp.Regexp{
	"fr": regexp.MustCompile(`(^|[^\pL'’-])(tu|te|toi|ton|ta|tes|Tu|Te|Ton|Ta|Tes)([^\pL]|$)|(^|[^\pL])[tT]['’]|(^|[.!?] )(Demande|Ajoute|Réessaie)([^\pL]|$)`),
	"de": regexp.MustCompile(`(^|[^\pL])(du|dich|dir|dein\pL*|Du|Dich|Dir|Dein\pL*)([^\pL]|$)|(^|[.!?] )(Lade|Frag|Bitte frag)([^\pL]|$)`),
	"it": regexp.MustCompile(`(^|[^\pL])(tu|ti|te|tuo|tua|tuoi|tue|puoi|hai|Chiedi|Carica)([^\pL]|$)`),
	"es": regexp.MustCompile(`(^|[^\pL])(tú|te|ti|tu|tus|contigo|puedes|escribiste|revisaste|Sube|Pide)([^\pL]|$)`),
}

func TestMessagesForAdultsAreFormal(t *testing.T) {
	for _, lang := range translated {
		informal, ok := informalWords[lang]
		if !ok {
			t.Errorf("no informal words for %s: add them here", lang)
			continue
		}
		cat := loadCatalogue(t, lang)
		for _, m := range adultMessages {
			text, ok := cat[m]
			if !ok {
				t.Errorf("%s: %q is not in the catalogue any more: update adultMessages", lang, m)
				continue
			}
			if informal.MatchString(text) {
				t.Errorf("%s: a message for adults is informal: %q", lang, text)
			}
		}
	}
}
