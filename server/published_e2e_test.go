package main

import (
	"regexp"
	"testing"
	"time"
)

// TestPartnerListsWhatWasPublished: a partner, who belongs to no group,
// finds the pledges published in their panel (issue 12: the partner's home),
// each as its newest published version; never a draft (rule 2), nothing of
// another panel.
func TestPartnerListsWhatWasPublished(t *testing.T) {
	base, _, stderr := start(t, nil)
	setup := regexp.MustCompile(`/setup/([A-Za-z0-9_-]+)`).FindStringSubmatch(stderr.String())
	coord := newClient(t, base)
	coord.do("POST", "/api/setup", map[string]any{"token": setup[1], "orgName": "SIC FR", "country": "FR", "displayName": "Claire Martin",
		"email": "claire@example.org", "password": "violet-ferry-42-lantern", "language": "fr"}, 201)
	panel := str(coord.do("POST", "/api/panels", map[string]any{"name": "Panel Nord", "country": "FR", "languages": []string{"en"}}, 201), "panel", "id")
	other := str(coord.do("POST", "/api/panels", map[string]any{"name": "Panel Sud", "country": "FR", "languages": []string{"en"}}, 201), "panel", "id")
	group := str(coord.do("POST", "/api/panels/"+panel+"/groups", map[string]any{"name": "Group A"}, 201), "group", "id")
	org := str(coord.do("POST", "/api/organisations", map[string]any{"name": "AppCo", "kind": "partner", "country": "DE"}, 201), "organisation", "id")

	birth16 := time.Now().AddDate(-16, -1, 0).Format("2006-01-02")
	amb := joinByMail(t, coord, base, panel, group, "", "amb@example.org", "ambassador", birth16)
	amb.do("POST", "/api/me/consents/participate/grant", nil, 200)
	mod := joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "")
	partner := joinByMail(t, coord, base, panel, "", org, "pat@appco.example", "partner", "")
	colleague := joinByMail(t, coord, base, panel, "", org, "lou@appco.example", "partner", "")
	elsewhere := joinByMail(t, coord, base, other, "", org, "max@appco.example", "partner", "")

	id := str(amb.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Youth Pledge", "language": "en"}, 201), "pledge", "id")
	amb.do("POST", "/api/pledges/"+id+"/items", map[string]any{"heading": "Plain words", "text": "Apps should explain rules.", "summary": "Say it simply"}, 201)
	amb.do("POST", "/api/pledges/"+id+"/items", map[string]any{"heading": "Safe defaults", "text": "Private by default.", "summary": "Private first"}, 201)
	draft := str(amb.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Still a draft", "language": "en"}, 201), "pledge", "id")

	list := func(c *client) []any { return c.do("GET", "/api/published-pledges", nil, 200)["pledges"].([]any) }
	if got := list(partner); len(got) != 0 {
		t.Fatalf("before publishing: got %v, want nothing (rule 2)", got)
	}
	amb.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "in_review"}, 200)
	if got := list(partner); len(got) != 0 {
		t.Fatalf("in review: got %v, want nothing (rule 2)", got)
	}
	mod.do("POST", "/api/pledges/"+id+"/transitions", map[string]any{"to": "published"}, 200)
	// A new draft title after publishing stays in the group.
	amb.do("PATCH", "/api/pledges/"+id, map[string]any{"title": "DRAFT TITLE"}, 200)

	for name, c := range map[string]*client{"partner": partner, "colleague": colleague} {
		got := list(c)
		if len(got) != 1 {
			t.Fatalf("%s: got %d pledges %v, want the published one only", name, len(got), got)
		}
		p := got[0].(map[string]any)
		if p["id"] != id || p["title"] != "Youth Pledge" || p["version"] != float64(1) || p["items"] != float64(2) || p["panelName"] != "Panel Nord" || p["publishedAt"] == nil {
			t.Errorf("%s: got %v, want version 1 of Youth Pledge with 2 items in Panel Nord", name, p)
		}
		if p["id"] == draft {
			t.Errorf("%s sees a draft: %v", name, p)
		}
	}
	if got := list(elsewhere); len(got) != 0 {
		t.Errorf("a partner of another panel: got %v, want nothing", got)
	}
	// What the list links to: the published version with every item's summary.
	pub := partner.do("GET", "/api/pledges/"+id, nil, 200)["published"].(map[string]any)
	items := pub["items"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["summary"] != "Say it simply" || pub["title"] != "Youth Pledge" {
		t.Errorf("the published version: got %v", pub)
	}
	anon := newClient(t, base)
	problem(t, anon, "GET", "/api/published-pledges", nil, 401, "unauthorized")
}
