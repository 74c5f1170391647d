package httpapi

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"

	"github.com/gofiber/fiber/v2"
)

// The OpenAPI document is kept in parts: openapi/base.json (info, the
// operator endpoints, shared schemas) and one file per capability with its
// paths and schemas, so that each capability documents its own routes. A
// test checks the merged document against the registered routes.
//
//go:embed openapi/*.json
var openapiParts embed.FS

// openapiDoc is the merged document, built once at start-up.
var openapiDoc = mustMergeOpenAPI(openapiParts)

type openapiPart struct {
	Paths      map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

func mustMergeOpenAPI(parts fs.FS) []byte {
	b, err := mergeOpenAPI(parts)
	if err != nil {
		panic(err) // the parts are embedded: a broken part fails every test
	}
	return b
}

func mergeOpenAPI(parts fs.FS) ([]byte, error) {
	raw, err := fs.ReadFile(parts, "openapi/base.json")
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("openapi/base.json: %w", err)
	}
	paths := doc["paths"].(map[string]any)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	names, err := fs.Glob(parts, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if path.Base(name) == "base.json" {
			continue
		}
		b, err := fs.ReadFile(parts, name)
		if err != nil {
			return nil, err
		}
		var part openapiPart
		if err := json.Unmarshal(b, &part); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for p, ops := range part.Paths {
			if _, dup := paths[p]; dup {
				return nil, fmt.Errorf("%s: path %s is documented twice", name, p)
			}
			paths[p] = ops
		}
		for s, schema := range part.Components.Schemas {
			if _, dup := schemas[s]; dup {
				return nil, fmt.Errorf("%s: schema %s is defined twice", name, s)
			}
			schemas[s] = schema
		}
	}
	return json.Marshal(doc)
}

func (a *API) openapi(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(openapiDoc)
}
