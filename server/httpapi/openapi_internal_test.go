package httpapi

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestOpenAPIPartsMergeAndRefuseDuplicates(t *testing.T) {
	base := `{"openapi":"3.0.3","paths":{"/healthz":{}},"components":{"schemas":{"Problem":{}}}}`
	merged, err := mergeOpenAPI(fstest.MapFS{
		"openapi/base.json":   {Data: []byte(base)},
		"openapi/pledge.json": {Data: []byte(`{"paths":{"/api/pledges":{}},"components":{"schemas":{"Pledge":{}}}}`)},
	})
	if err != nil || !strings.Contains(string(merged), "/api/pledges") || !strings.Contains(string(merged), `"Pledge"`) {
		t.Fatalf("got %s, %v; want the part's path and schema merged in", merged, err)
	}
	_, err = mergeOpenAPI(fstest.MapFS{
		"openapi/base.json": {Data: []byte(base)},
		"openapi/dup.json":  {Data: []byte(`{"paths":{"/healthz":{}}}`)},
	})
	if err == nil || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("got %v, want a duplicate path refused", err)
	}
}
