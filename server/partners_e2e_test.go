package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestPartnersAreNeverInvitedIntoAGroup is hole 5 of issue 10: the
// invitation form offered a group for the partner role, and the youth
// group's "who can see this space" then did not mention the partner.
// Partners are invited to the panel, with their organisation, only.
func TestPartnersAreNeverInvitedIntoAGroup(t *testing.T) {
	base, _, stderr := start(t, nil)
	setup := regexp.MustCompile(`/setup/([A-Za-z0-9_-]+)`).FindStringSubmatch(stderr.String())
	coord := newClient(t, base)
	coord.do("POST", "/api/setup", map[string]any{"token": setup[1], "orgName": "SIC FR", "country": "FR", "displayName": "Claire Martin",
		"email": "claire@example.org", "password": "violet-ferry-42-lantern", "language": "en"}, 201)
	panel := str(coord.do("POST", "/api/panels", map[string]any{"name": "Panel", "country": "FR", "languages": []string{"en"}}, 201), "panel", "id")
	group := str(coord.do("POST", "/api/panels/"+panel+"/groups", map[string]any{"name": "Group A"}, 201), "group", "id")
	org := str(coord.do("POST", "/api/organisations", map[string]any{"name": "AppCo", "kind": "partner", "country": "DE"}, 201), "organisation", "id")

	detail := problem(t, coord, "POST", "/api/panels/"+panel+"/invitations",
		map[string]any{"email": "pat@appco.example", "role": "partner", "orgId": org, "groupId": group, "language": "en"}, 403, "forbidden")
	if !strings.Contains(detail, "never members of a group") {
		t.Errorf("refusal: got %q, want it to say partners are never group members", detail)
	}
	// Into the panel, with their organisation: as before.
	joinByMail(t, coord, base, panel, "", org, "pat@appco.example", "partner", "")
}
