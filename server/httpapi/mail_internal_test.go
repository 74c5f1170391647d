package httpapi

import (
	"strings"
	"testing"
)

// An invitation link is built from PUBLIC_URL and a token; whatever it
// holds, the HTML part must keep it inside its attribute.
func TestInvitationMailEscapesItsLink(t *testing.T) {
	link := `https://chorus.example.org/invite/x"><script>alert(1)</script>`
	m := invitationMail("en", "Panel", link)
	if strings.Contains(m.HTML, `"><script>`) || strings.Contains(m.HTML, "<script>") {
		t.Errorf("HTML part carries the link unescaped:\n%s", m.HTML)
	}
}
