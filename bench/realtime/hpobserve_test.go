package realtime

import (
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// A message as Hocuspocus sends it: varString(document) varUint(0 = sync)
// varUint(step) varUint8Array(update).
func hpMessage(document string, step byte, update []byte) []byte {
	return appendVarBytes(append(appendVarBytes(nil, []byte(document)), 0, step), update)
}

func TestHocuspocusUpdatesAreReadWithTheirMarkers(t *testing.T) {
	// An update's bytes around the strings Yjs stores: ids, lengths, then
	// the inserted text as UTF-8.
	long := make([]byte, 300) // a length that needs two varUint bytes
	copy(long[100:], "é[a.1]x[b.2z][.1][a.][a1]")
	msg := hpMessage("pledge-1", 2, long)
	u := hpUpdate(msg)
	if len(u) != len(long) {
		t.Fatalf("update of %d bytes read as %d", len(long), len(u))
	}
	var got []string
	eachMarker(u, func(m []byte) { got = append(got, string(m)) })
	if want := []string{"[a.1]", "[b.2z]"}; !slices.Equal(got, want) {
		t.Fatalf("markers %q, want %q", got, want)
	}
	if hpUpdate(hpMessage("pledge-1", 1, long)) == nil {
		t.Error("sync step 2 (the document on joining) was not read as an update")
	}
	for name, m := range map[string][]byte{
		"cut short":     msg[:len(msg)-1],
		"sync step 1":   hpMessage("pledge-1", 0, []byte{0}),
		"auth":          append(appendVarBytes(nil, []byte("pledge-1")), 2, 2, 0),
		"empty":         nil,
		"name too long": {0xff, 0x01, 'a'},
	} {
		if hpUpdate(m) != nil {
			t.Errorf("%s: read as an update", name)
		}
	}
}

func TestHocuspocusJoinIsAuthThenSyncStep1(t *testing.T) {
	join := hpJoin("doc")
	want := [][]byte{{3, 'd', 'o', 'c', 2, 0, 0}, {3, 'd', 'o', 'c', 0, 0, 1, 0}}
	if len(join) != 2 || !slices.Equal(join[0], want[0]) || !slices.Equal(join[1], want[1]) {
		t.Fatalf("join %v, want %v", join, want)
	}
}

func TestNodeAndGoShareTheClock(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("skipped: node is needed (the Hocuspocus load generator's clock)")
	}
	// The clock the load generator stamps its edits with, read right after
	// ours, in a process that lives as long as a run's setup.
	cmd := exec.Command(node, "--input-type=module", "-e",
		`import { clock } from './protocol.mjs'; setTimeout(() => { process.stdout.write(String(clock())); }, 2000);`)
	cmd.Dir = filepath.Join("..", "hocuspocus")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(stdout)
	ours := float64(monoMicros()) / 1000
	if err != nil || cmd.Wait() != nil {
		t.Fatalf("node: %v %q", err, b)
	}
	theirs, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		t.Fatalf("node printed %q", b)
	}
	// Ours is read after theirs was printed: 0 to a few ms later.
	if d := ours - theirs; d < 0 || d > 50 {
		t.Fatalf("Go's clock minus node's: %.2f ms, want 0-50 ms", d)
	}
}
