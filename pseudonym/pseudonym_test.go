package pseudonym_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"chorus/pseudonym"
	"chorus/store/sqlite"
)

// TestPseudonymsAreStablePerAudienceAndUnlinkableAcross: one person, one
// pseudonym per audience, the same after a restart; two audiences get
// different ones; neither contains the id.
func TestPseudonymsAreStablePerAudienceAndUnlinkableAcross(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	docs, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := pseudonym.Load(context.Background(), docs)
	if err != nil {
		t.Fatal(err)
	}
	id := "5c44f0e4-3c1d-4b71-8f1e-4c353739fdd7"
	a, b := n.For("org:appco", id), n.For("org:streamly", id)
	if a == b || strings.Contains(a, id[:8]) || !strings.HasPrefix(a, pseudonym.Prefix) {
		t.Fatalf("pseudonyms: got %q and %q", a, b)
	}
	if n.For("org:appco", "another-person") == a {
		t.Error("two people share a pseudonym")
	}
	docs.Close()
	docs, err = sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer docs.Close()
	again, err := pseudonym.Load(context.Background(), docs)
	if err != nil || again.For("org:appco", id) != a {
		t.Errorf("after a restart: got %q %v, want %q", again.For("org:appco", id), err, a)
	}
	for _, keep := range []string{"", "system", "guardian:ga_1", a} {
		if got := n.For("org:appco", keep); got != keep {
			t.Errorf("For(%q) = %q, want it unchanged", keep, got)
		}
	}
}
