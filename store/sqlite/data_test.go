package sqlite

import (
	"encoding/json"
	"testing"
)

func TestOnlyOneJSONObjectIsStoredAsData(t *testing.T) {
	got, err := compactObject(json.RawMessage(" {\"a\": [1, 2],\n \"b\": {}} "))
	if err != nil || got != `{"a":[1,2],"b":{}}` {
		t.Fatalf("an object: got %q, %v; want it compacted", got, err)
	}
	for _, bad := range []string{``, ` `, `null`, `[1]`, `42`, `"s"`, `true`, `{"a":`, `{} {}`, `{}x`} {
		if got, err := compactObject(json.RawMessage(bad)); err == nil {
			t.Errorf("%q was taken as an object: %q", bad, got)
		}
	}
}
