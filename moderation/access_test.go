package moderation_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestAboutPersonShowsTheirRecordsNotOthers: a person's export holds the
// cases about what they wrote and the reports they made, but never who
// reported them or why (GDPR Art. 15(4): others' rights).
func TestAboutPersonShowsTheirRecordsNotOthers(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	in := report("sam", comment("c1", "lea"), "bullying")
	in.Text = "Sam thinks Lea was mean"
	mustReport(t, s, in)
	mustReport(t, s, report("lea", comment("c9", "tom"), "other"))
	got, err := s.AboutPerson(ctx, "lea")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Cases) != 1 || got.Cases[0].Content.ID != "c1" || got.Cases[0].Content.Excerpt != "text of c1" {
		t.Errorf("cases about Lea's content: got %+v", got.Cases)
	}
	if len(got.Reports) != 1 || got.Reports[0].Content.ID != "c9" {
		t.Errorf("Lea's own reports: got %+v", got.Reports)
	}
	raw, _ := json.Marshal(got)
	for _, secret := range []string{"sam", "Sam thinks"} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("Lea's record names the reporter (%q): %s", secret, raw)
		}
	}
}
