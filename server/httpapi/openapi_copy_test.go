package httpapi

import (
	"bytes"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"strconv"
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

// A merge that adds the same property on both sides leaves a duplicate key:
// encoding/json keeps the last silently, the web's type generator refuses
// the document. Each part must have each key once per object.
func TestOpenAPIPartsHaveNoDuplicateKeys(t *testing.T) {
	names, err := fs.Glob(openapiParts, "openapi/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		b, err := fs.ReadFile(openapiParts, name)
		if err != nil {
			t.Fatal(err)
		}
		if dup := duplicateKey(json.NewDecoder(bytes.NewReader(b)), ""); dup != "" {
			t.Errorf("%s: key %s appears twice in one object", name, dup)
		}
	}
}

// duplicateKey reads one JSON value from dec and returns the path of the
// first key repeated within an object, or "".
func duplicateKey(dec *json.Decoder, path string) string {
	tok, err := dec.Token()
	if err != nil {
		return ""
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			k, _ := dec.Token()
			key, _ := k.(string)
			if seen[key] {
				return path + "." + key
			}
			seen[key] = true
			if dup := duplicateKey(dec, path+"."+key); dup != "" {
				return dup
			}
		}
		dec.Token() // }
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if dup := duplicateKey(dec, path+"["+strconv.Itoa(i)+"]"); dup != "" {
				return dup
			}
		}
		dec.Token() // ]
	}
	return ""
}
