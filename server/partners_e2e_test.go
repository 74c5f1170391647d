package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
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

	// Rule 8: "who can see this" names the moderators and the centre, and,
	// once a pledge is published, the partner organisations.
	amb := joinByMail(t, coord, base, panel, group, "", "amb@example.org", "ambassador", time.Now().AddDate(-17, 0, 0).Format("2006-01-02"))
	amb.do("POST", "/api/me/consents/participate/grant", nil, 200)
	mod := joinByMail(t, coord, base, panel, group, "", "mona@example.org", "moderator", "")
	lines := func(ws any) string {
		var out []string
		for _, w := range ws.([]any) {
			m := w.(map[string]any)
			out = append(out, fmt.Sprintf("%v:%v:%v", m["role"], m["names"], m["organisations"]))
		}
		return strings.Join(out, " | ")
	}
	space := lines(amb.do("GET", "/api/groups/"+group, nil, 200)["watchers"])
	if !strings.Contains(space, "moderator:[mona Test]:[SIC FR]") || !strings.Contains(space, "coordinator:<nil>:[SIC FR]") || strings.Contains(space, "partner") {
		t.Errorf("who can see the space: got %s, want the moderator by name, the centre's coordinators, no partner", space)
	}
	id := str(amb.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Pledge", "language": "en"}, 201), "pledge", "id")
	amb.do("POST", "/api/pledges/"+id+"/items", map[string]any{"heading": "Plain words", "text": "Apps should explain."}, 201)
	if w := lines(amb.do("GET", "/api/pledges/"+id, nil, 200)["watchers"]); strings.Contains(w, "partner") {
		t.Errorf("who can see a draft: got %s, want no partner", w)
	}
	amb.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "in_review"}, 200)
	mod.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "published"}, 200)
	if w := lines(amb.do("GET", "/api/pledges/"+id, nil, 200)["watchers"]); !strings.Contains(w, "partner:<nil>:[AppCo]") {
		t.Errorf("who can see the published pledge: got %s, want AppCo named", w)
	}
}
