package httpapi

import (
	"regexp"
	"testing"

	"chorus/identity"
)

// The invitation mail addresses young people informally and adults
// (moderators, partners, coordinators) formally, in every language.
func TestInvitationMailRegisterByRole(t *testing.T) {
	informal := map[string]*regexp.Regexp{
		"fr": regexp.MustCompile(`\b(Tu|tu|ton|Ouvre)\b`),
		"de": regexp.MustCompile(`\b(Du|du|dein|Öffne)\b`),
		"it": regexp.MustCompile(`\b(Sei|tuo|Apri)\b`),
		"es": regexp.MustCompile(`\b(Te|tu|Abre)\b`),
	}
	formal := map[string]*regexp.Regexp{
		"fr": regexp.MustCompile(`\b(Vous|vous|votre|Ouvrez)\b`),
		"de": regexp.MustCompile(`\b(Sie|Ihr)\b`),
		"it": regexp.MustCompile(`\b(Lei|Suo|Apra)\b`),
		"es": regexp.MustCompile(`\b(Le|su|Abra)\b`),
	}
	for lang := range informal {
		for _, role := range []identity.Role{identity.Youth, identity.Ambassador, identity.Moderator, identity.Partner, identity.Coordinator} {
			m, err := invitationMail(lang, role, "Panel", "http://localhost/invite/x")
			if err != nil {
				t.Fatal(err)
			}
			text := m.Subject + "\n" + m.Text
			youth := role == identity.Youth || role == identity.Ambassador
			if youth && (!informal[lang].MatchString(text) || formal[lang].MatchString(text)) {
				t.Errorf("%s to a %s: want informal only, got %q", lang, role, text)
			}
			if !youth && (!formal[lang].MatchString(text) || informal[lang].MatchString(text)) {
				t.Errorf("%s to a %s: want formal only, got %q", lang, role, text)
			}
		}
	}
}
