package httpapi

import (
	"strings"
	"testing"

	"chorus/identity"
)

// An invitation link is built from PUBLIC_URL and a token; whatever it
// holds, the HTML part must keep it inside its attribute.
func TestInvitationMailEscapesItsLink(t *testing.T) {
	link := `https://chorus.example.org/invite/x"><script>alert(1)</script>`
	m, err := invitationMail("en", identity.Youth, "Panel", link)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.HTML, `"><script>`) || strings.Contains(m.HTML, "<script>") {
		t.Errorf("HTML part carries the link unescaped:\n%s", m.HTML)
	}
	if !strings.Contains(m.Text, link) {
		t.Errorf("text part should carry the link as it is:\n%s", m.Text)
	}
}

// Young people are invited and reminded informally, adults formally.
func TestMailsAddressYouthInformallyAndAdultsFormally(t *testing.T) {
	youth, _ := invitationMail("fr", identity.Ambassador, "Nord", "https://c.example/invite/t")
	partner, _ := invitationMail("fr", identity.Partner, "Nord", "https://c.example/invite/t")
	if !strings.HasPrefix(youth.Subject, "Tu ") || !strings.HasPrefix(partner.Subject, "Vous ") {
		t.Errorf("invitations: youth %q, partner %q; want tu and vous", youth.Subject, partner.Subject)
	}
	kid, _ := resetMail(identity.Account{Language: "de", BirthDate: "2012-01-01"}, "https://c.example/reset/t")
	staff, _ := resetMail(identity.Account{Language: "de"}, "https://c.example/reset/t")
	if !strings.HasPrefix(kid.Subject, "Dein ") || !strings.HasPrefix(staff.Subject, "Ihr ") {
		t.Errorf("resets: youth %q, staff %q; want du and Sie", kid.Subject, staff.Subject)
	}
}
