package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Coordinators keep their panel's extra screening words and their
// country's helpline in data files; both take effect, and a broken file
// stops the start rather than running without them.
func TestSafeguardingDataFiles(t *testing.T) {
	dir := t.TempDir()
	words := filepath.Join(dir, "words.json")
	lines := filepath.Join(dir, "helplines.json")
	if err := os.WriteFile(words, []byte(`{"en": ["bananarama"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lines, []byte(`{"PT": {"name": "Linha Crianças Teste", "url": "https://example.org/pt", "phone": "116 111"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	base, _, stderr := start(t, map[string]string{"SCREEN_WORDS_FILE": words, "HELPLINES_FILE": lines})
	coord, _, panel, group := centreIn(t, base, stderr, "PT")
	birth16 := time.Now().AddDate(-16, -1, 0).Format("2006-01-02")
	amb := joinByMail(t, coord, base, panel, group, "", "amb@example.org", "ambassador", birth16)
	amb.do("POST", "/api/me/consents/participate/grant", nil, 200)
	joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "")
	pledgeID := str(amb.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Pledge", "language": "en"}, 201), "pledge", "id")
	itemID := str(amb.do("POST", "/api/pledges/"+pledgeID+"/items", map[string]any{"heading": "Words", "text": "Plain words."}, 201), "item", "id")

	got := amb.do("POST", "/api/pledges/"+pledgeID+"/items/"+itemID+"/comments", map[string]any{"text": "what a bananarama idea"}, 201)
	if held, _ := got["comment"].(map[string]any)["held"].(bool); !held {
		t.Errorf("a word from SCREEN_WORDS_FILE: comment %v, want held", got)
	}
	rui, _ := joinFrom(t, coord, base, panel, group, "rui@example.org", birth16, "PT")
	if h := rui.do("GET", "/api/helpline", nil, 200); str(h, "helpline", "name") != "Linha Crianças Teste" {
		t.Errorf("helpline for PT: got %v, want the one from HELPLINES_FILE", h)
	}

	// A file with a bad entry stops the start, naming the variable.
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"FR": {"name": "", "url": "http://insecure.example"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var errs bytes.Buffer
	vars := map[string]string{"PORT": strconv.Itoa(freePort(t)), "CHORUS_DATA_DIR": t.TempDir(), "HELPLINES_FILE": bad}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := Run(ctx, []string{"serve"}, func(k string) string { return vars[k] }, io.Discard, &errs)
	if err == nil || !strings.Contains(err.Error(), "HELPLINES_FILE") {
		t.Errorf("a bad helplines file: got %v, want a start-up error naming HELPLINES_FILE", err)
	}
}
