package httpapi

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"chorus/moderation"
	"chorus/moderation/helpline"
	"chorus/pledge"
)

// schemaTypes are the schemas of the OpenAPI document that are one Go type
// as the API encodes it. The web app's TypeScript types are generated from
// these schemas, so they must name every field the type sends, and mark as
// required exactly the fields that are always sent (those without
// omitempty).
var schemaTypes = map[string]any{
	"Pledge":             pledge.Pledge{},
	"PledgeItem":         pledge.Item{},
	"PledgeComment":      commentView{},
	"PledgeRevision":     pledge.Revision{},
	"Amendment":          amendmentView{},
	"Anchor":             pledge.Anchor{},
	"Endorsements":       pledge.Endorsements{},
	"ModerationCase":     moderation.Case{},
	"ContentRef":         moderation.ContentRef{},
	"AuditEntry":         moderation.AuditEntry{},
	"Helpline":           helpline.Helpline{},
	"LiveSessionMessage": sessionMessageView{},
	"Me":                 Me{},
}

// jsonFields are the names encoding/json writes for t, and which of them it
// always writes.
func jsonFields(t reflect.Type) (all, always []string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && !ok && f.Type.Kind() == reflect.Struct {
			a, w := jsonFields(f.Type)
			all, always = append(all, a...), append(always, w...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		all = append(all, name)
		if !slices.Contains(strings.Split(opts, ","), "omitempty") {
			always = append(always, name)
		}
	}
	sort.Strings(all)
	sort.Strings(always)
	return all, always
}

func TestOpenAPISchemasMatchTheGoTypes(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
				Required   []string                   `json:"required"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openapiDoc, &doc); err != nil {
		t.Fatal(err)
	}
	for name, v := range schemaTypes {
		s, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("no schema %s", name)
			continue
		}
		all, always := jsonFields(reflect.TypeOf(v))
		var props []string
		for p := range s.Properties {
			props = append(props, p)
		}
		sort.Strings(props)
		required := slices.Clone(s.Required)
		sort.Strings(required)
		if !slices.Equal(props, all) {
			t.Errorf("schema %s has properties\n  %v\nthe Go type sends\n  %v", name, props, all)
		}
		if !slices.Equal(required, always) {
			t.Errorf("schema %s requires\n  %v\nthe Go type always sends\n  %v", name, required, always)
		}
	}
}
