package pledge

import (
	"strings"
	"testing"
)

func TestMerge(t *testing.T) {
	cases := []struct {
		name                string
		base, current, mine string
		want                string
	}{
		{"nobody else changed it", "Apps should be clear.", "Apps should be clear.", "Apps should be very clear.", "Apps should be very clear."},
		{"I changed nothing", "Apps should be clear.", "Apps must be clear.", "Apps should be clear.", "Apps must be clear."},
		{"changes in different places", "Apps should be clear.", "All apps should be clear.", "Apps should be clear and short.", "All apps should be clear and short."},
		{"inserts at the same spot keep both", "ab", "aXb", "aYb", "aXYb"},
		{"insert inside a region someone deleted survives", "hello big world", "hello world", "hello big bright world", "hello bright world"},
		{"insert inside a fully deleted text survives", "keep this. drop this part. end", "keep this. end", "keep this. drop this NEW part. end", "keep this.NEW  end"}, // lands where the deleted text was,
		{"deleting already deleted text is a no-op", "one two three", "one three", "one three", "one three"},
		{"deleting partly deleted text removes the rest", "one two three four", "one three four", "one four", "one four"},
		{"text inserted inside my deleted range survives", "one two three", "one two and a half three", "one three", "one and a half three"},
		{"replace keeps both sides", "the cat sat", "the black cat sat", "the dog sat", "the black dog sat"},
		{"unicode", "Les applis doivent être claires.", "Les applis doivent être très claires.", "Les applis doivent être claires 🙂.", "Les applis doivent être très claires 🙂."},
		{"unicode at the same spot", "Größe ", "Größe ä", "Größe ö", "Größe äö"},
		{"empty base", "", "first", "second", "firstsecond"},
		{"everything deleted by others, I append", "abc", "", "abcd", "d"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Merge(c.base, c.current, c.mine); got != c.want {
				t.Errorf("Merge(%q, %q, %q): got %q, want %q", c.base, c.current, c.mine, got, c.want)
			}
		})
	}
}

func TestMergeKeepsEveryInsertion(t *testing.T) {
	base := "Apps should talk to us in plain words"
	current := base
	// Ten clients, all from the same base, each insert a marker; every one survives.
	for i := 0; i < 10; i++ {
		pos := strings.Index(base, " ") + i%3
		mine := base[:pos] + "[m" + string(rune('0'+i)) + "]" + base[pos:]
		current = Merge(base, current, mine)
	}
	for i := 0; i < 10; i++ {
		if m := "[m" + string(rune('0'+i)) + "]"; strings.Count(current, m) != 1 {
			t.Errorf("marker %s: found %d times in %q, want once", m, strings.Count(current, m), current)
		}
	}
}

func TestMapRange(t *testing.T) {
	old := "Apps must explain rules simply."
	now := "Today, apps must explain rules."
	s, e, ok := MapRange(old, now, strings.Index(old, "explain"), strings.Index(old, "explain")+len("explain"))
	if !ok || now[s:e] != "explain" {
		t.Fatalf("got %q ok=%t, want the anchor to follow to %q", now[s:e], ok, "explain")
	}
	if _, _, ok := MapRange(old, now, strings.Index(old, "simply"), strings.Index(old, "simply")+len("simply")); ok {
		t.Errorf("deleted anchor: got ok, want lost")
	}
}

func FuzzMerge(f *testing.F) {
	f.Add("hello world", "hello big world", "hello small world")
	f.Add("", "a", "b")
	f.Add("été", "ét", "éxté")
	f.Fuzz(func(t *testing.T, base, current, mine string) {
		out := Merge(base, current, mine)
		if !strings.HasPrefix(base, "") || (mine == base && out != current) {
			t.Fatalf("unchanged client text must leave current: got %q", out)
		}
	})
}
