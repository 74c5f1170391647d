package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Issue 14, rule 5, over HTTP on the real wiring: the word lists of every
// language a panel works in hold its texts whatever the pledge's
// language, and coordinators edit the panel's own words in the app: the
// change is recorded (who, when, what) and holds the next comment, without
// a restart. Youth and moderators may not read or change the list, and a
// bad or stale edit changes nothing.
func TestScreenWordsJourney(t *testing.T) {
	base, _, stderr := start(t, nil)
	coord, coordID, _, _ := centreIn(t, base, stderr, "BE")
	panel := str(coord.do("POST", "/api/panels", map[string]any{"name": "Mixed panel", "country": "BE", "languages": []string{"en", "fr", "de"}}, 201), "panel", "id")
	group := str(coord.do("POST", "/api/panels/"+panel+"/groups", map[string]any{"name": "Group B"}, 201), "group", "id")
	birth16 := time.Now().AddDate(-16, -1, 0).Format("2006-01-02")
	amb := joinByMail(t, coord, base, panel, group, "", "amb@example.org", "ambassador", birth16)
	amb.do("POST", "/api/me/consents/participate/grant", nil, 200)
	mod := joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "")
	pledgeID := str(amb.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Pledge", "language": "en"}, 201), "pledge", "id")
	itemID := str(amb.do("POST", "/api/pledges/"+pledgeID+"/items", map[string]any{"heading": "Words", "text": "Plain words."}, 201), "item", "id")
	comments := "/api/pledges/" + pledgeID + "/items/" + itemID + "/comments"
	held := func(text string) bool {
		t.Helper()
		held, _ := amb.do("POST", comments, map[string]any{"text": text}, 201)["comment"].(map[string]any)["held"].(bool)
		return held
	}

	if !held("du bist ein Arschloch") {
		t.Error("a German insult under an English pledge of an en/fr/de panel is shown, want held")
	}
	if held("a bite of the cake, zero stress") {
		t.Error("ordinary English is held")
	}
	if held("what a bananarama idea") {
		t.Fatal("bananarama held before any coordinator listed it")
	}

	words := "/api/panels/" + panel + "/screen-words"
	got := coord.do("GET", words, nil, 200)
	if fmt.Sprint(got["version"]) != "0" || len(got["words"].([]any)) != 0 || len(got["changes"].([]any)) != 0 {
		t.Fatalf("a panel's words before any change: %v, want none at version 0", got)
	}
	for who, c := range map[string]*client{"youth": amb, "moderator": mod} {
		if status, _ := c.try("GET", words, nil); status != 403 {
			t.Errorf("%s reads the panel's words: %d, want 403", who, status)
		}
		if status, _ := c.try("PUT", words, map[string]any{"version": 0, "words": []string{"x"}}); status != 403 {
			t.Errorf("%s changes the panel's words: %d, want 403", who, status)
		}
	}
	got = coord.do("PUT", words, map[string]any{"version": 0, "words": []string{"Bananarama", " tête de nœud "}}, 200)
	if fmt.Sprint(got["version"]) != "1" || fmt.Sprint(got["words"]) != "[Bananarama tête de nœud]" {
		t.Fatalf("after the change: %v, want the two words at version 1", got)
	}
	ch := got["changes"].([]any)[0].(map[string]any)
	if str(ch, "actor") != coordID || str(ch, "actorName") != "Claire Martin" || fmt.Sprint(ch["added"]) != "[Bananarama tête de nœud]" || str(ch, "at") == "" {
		t.Errorf("the recorded change: %v, want who, when and the added words", ch)
	}
	if !held("what a bananarama idea") || !held("quelle tete de noeud") {
		t.Error("the coordinator's words do not hold the next comment")
	}

	// Bad edits: a problem, and the list as it was.
	for name, c := range map[string]struct {
		body   any
		status int
	}{
		"stale version": {map[string]any{"version": 0, "words": []string{"autre"}}, 409},
		"no letter":     {map[string]any{"version": 1, "words": []string{"1234"}}, 400},
		"too long":      {map[string]any{"version": 1, "words": []string{strings.Repeat("a", 65)}}, 400},
		"no version":    {map[string]any{"words": []string{"ok"}}, 400},
		"not a list":    {map[string]any{"version": 1, "words": "ok"}, 400},
		"too many":      {map[string]any{"version": 1, "words": make([]string, 5001)}, 400},
	} {
		if status, out := coord.try("PUT", words, c.body); status != c.status || !strings.HasPrefix(str(out, "type"), "/problems/") {
			t.Errorf("%s: %d %v, want %d with a problem", name, status, out, c.status)
		}
	}
	if status, _ := coord.try("PUT", words, map[string]any{"version": 1, "words": []string{strings.Repeat("é", 700000)}}); status != 413 {
		t.Errorf("a body over the limit: %d, want 413", status)
	}
	if got := coord.do("GET", words, nil, 200); fmt.Sprint(got["version"]) != "1" || len(got["changes"].([]any)) != 1 {
		t.Errorf("after refused edits: %v, want version 1 and one change", got)
	}

	got = coord.do("PUT", words, map[string]any{"version": 1, "words": []string{"tête de nœud"}}, 200)
	if fmt.Sprint(got["changes"].([]any)[0].(map[string]any)["removed"]) != "[Bananarama]" {
		t.Errorf("the removal is not recorded: %v", got["changes"])
	}
	if held("what a bananarama idea") {
		t.Error("a removed word still holds comments")
	}
}
