package httpapi

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite web/src/openapi/openapi.json from the served document")

// webOpenAPI is the web app's copy of /api/openapi.json, from which its
// TypeScript types are generated (web/src/openapi/schema.test.ts checks that
// the types match this copy).
const webOpenAPI = "../../web/src/openapi/openapi.json"

// The web app's types are only as true as its copy of the document: when a
// part under openapi/ changes, run `make api-types`.
func TestWebCopyOfOpenAPIIsCurrent(t *testing.T) {
	var want bytes.Buffer
	if err := json.Indent(&want, openapiDoc, "", "  "); err != nil {
		t.Fatal(err)
	}
	want.WriteByte('\n')
	if *update {
		if err := os.WriteFile(webOpenAPI, want.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(webOpenAPI)
	if err != nil {
		t.Fatalf("%v: run `make api-types`", err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("%s differs from /api/openapi.json: run `make api-types` (it rewrites the copy and the web app's types)", webOpenAPI)
	}
}
