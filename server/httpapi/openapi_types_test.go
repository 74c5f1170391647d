package httpapi

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"chorus/consent"
	"chorus/identity"
	"chorus/moderation"
	"chorus/moderation/helpline"
	"chorus/moderation/screen"
	"chorus/pledge"
	"chorus/policy"
	"chorus/readability"
	"chorus/round"
)

// schemaTypes are the schemas of the OpenAPI document that are one Go type
// as the API encodes it. The web app's TypeScript types are generated from
// these schemas, so they must name every field the type sends, and mark as
// required exactly the fields that are always sent (those without
// omitempty).
var schemaTypes = map[string]any{
	"Pledge":               pledge.Pledge{},
	"PledgeItem":           pledge.Item{},
	"PledgeComment":        commentView{},
	"PledgeRevision":       pledge.Revision{},
	"Amendment":            amendmentView{},
	"Anchor":               pledge.Anchor{},
	"Endorsements":         pledge.Endorsements{},
	"ModerationCase":       moderation.Case{},
	"ContentRef":           moderation.ContentRef{},
	"AuditEntry":           auditEntryView{},
	"Helpline":             helpline.Helpline{},
	"LiveSessionMessage":   sessionMessageView{},
	"Me":                   Me{},
	"Account":              identity.Account{},
	"Membership":           MembershipView{},
	"Organisation":         identity.Organisation{},
	"Panel":                identity.Panel{},
	"Group":                identity.Group{},
	"PanelMember":          memberView{},
	"Watcher":              watcherView{}, // policy.Watcher with names: every watcher list sends one or the other
	"Invitation":           invitationViewT{},
	"OutboxMessage":        heldMail{},
	"MemberConsent":        memberConsent{},
	"DeletionRequest":      deletionRequestView{},
	"InvitationInfo":       invitationInfo{},
	"PanelDetail":          panelDetail{},
	"GroupDetail":          groupDetail{},
	"LiveSession":          liveSessionView{},
	"LiveSessionState":     stateView{},
	"LiveSessionList":      sessionList{},
	"ModerationReport":     moderation.Report{},
	"ConsentRecord":        consent.Record{},
	"YouthScope":           scopeView{},
	"GuardianPage":         consent.GuardianPage{},
	"GuardianScope":        consent.GuardianScope{},
	"GuardianHistoryEntry": consent.HistoryEntry{},
	"Controller":           consent.Controller{},
	"DiffOp":               pledge.DiffOp{},
	"ScreeningHit":         screen.Hit{},
	"ReadabilityReport":    readability.Report{},
	"PledgeSummary":        pledgeSummary{},
	"PledgeDetail":         pledgeDetail{},
	"PublishedDetail":      publishedDetail{},

	"Round":            roundView{},
	"RoundOrg":         roundOrgView{},
	"RoundItem":        round.Item{},
	"RoundAction":      round.Action{},
	"RoundAnswer":      answerView{},
	"RoundRevision":    revisionView{},
	"RoundFollowUp":    followUpJSON{},
	"RoundReply":       replyJSON{},
	"RoundWorkingCopy": workingCopyView{},
	"Commitment":       commitmentView{},
	"Scorecard":        scorecardView{},
	"RoundMatrix":      round.Matrix{},
	"PartnerHome":      partnerHome{},
	"PartnerPledge":    partnerPledge{},

	"PledgeVersion":   pledge.Version{},
	"PublishedPledge": publishedPledge{},
	"ScreenWords":     screenWordsView{},

	"ModerationSummary": summaryView{},
	"ModeratedContent":  caseContentView{},
	"Waiting":           waitingView{},

	"Video":         videoView{},
	"VideoVersion":  versionView{},
	"VideoAsset":    assetView{},
	"VideoCaption":  captionView{},
	"VideoTag":      tagView{},
	"VideoAudience": audienceView{},
	"VideoShare":    shareView{},
	"VideoApproval": approvalView{},
	"VideoComment":  videoCommentView{},
	"SharedVideo":   sharedVideo{},
}

// schema is the part of a JSON schema the comparison reads.
type schema struct {
	Ref        string             `json:"$ref"`
	Type       string             `json:"type"`
	Properties map[string]*schema `json:"properties"`
	Required   []string           `json:"required"`
	Items      *schema            `json:"items"`
}

// jsonField is one field as encoding/json writes it.
type jsonField struct {
	name   string
	always bool // neither omitempty nor omitzero
	typ    reflect.Type
}

// jsonFields are the fields encoding/json writes for the struct type t.
func jsonFields(t reflect.Type) []jsonField {
	var out, embedded []jsonField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && !ok && f.Type.Kind() == reflect.Struct {
			embedded = append(embedded, jsonFields(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		o := strings.Split(opts, ",")
		out = append(out, jsonField{name: name, always: !slices.Contains(o, "omitempty") && !slices.Contains(o, "omitzero"), typ: f.Type})
	}
	// As in encoding/json, a field of t hides a field of the same name in a
	// struct it embeds.
	for _, e := range embedded {
		if !slices.ContainsFunc(out, func(f jsonField) bool { return f.name == e.name }) {
			out = append(out, e)
		}
	}
	return out
}

// compareSchema reports how s differs from the struct type t: the
// properties must be its fields, and the required ones those always sent.
// Inline object schemas of struct fields (and of slices of structs) are
// compared too; a $ref is compared under its own name.
func compareSchema(t *testing.T, where string, s *schema, typ reflect.Type) {
	fields := jsonFields(typ)
	var all, always, props []string
	for _, f := range fields {
		all = append(all, f.name)
		if f.always {
			always = append(always, f.name)
		}
	}
	for p := range s.Properties {
		props = append(props, p)
	}
	required := slices.Clone(s.Required)
	for _, l := range [][]string{all, always, props, required} {
		sort.Strings(l)
	}
	if !slices.Equal(props, all) {
		t.Errorf("schema %s has properties\n  %v\nthe Go type sends\n  %v", where, props, all)
	}
	if !slices.Equal(required, always) {
		t.Errorf("schema %s requires\n  %v\nthe Go type always sends\n  %v", where, required, always)
	}
	for _, f := range fields {
		p := s.Properties[f.name]
		ft := f.typ
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if p == nil || p.Ref != "" {
			continue
		}
		if ft.Kind() == reflect.Slice && p.Items != nil && p.Items.Ref == "" && len(p.Items.Properties) > 0 && ft.Elem().Kind() == reflect.Struct {
			compareSchema(t, where+"."+f.name+"[]", p.Items, ft.Elem())
		}
		if ft.Kind() == reflect.Struct && len(p.Properties) > 0 && ft != reflect.TypeOf(time.Time{}) {
			compareSchema(t, where+"."+f.name, p, ft)
		}
	}
}

// openapiSchemas is the document's named schemas.
func openapiSchemas(t *testing.T) map[string]*schema {
	t.Helper()
	var doc struct {
		Components struct {
			Schemas map[string]*schema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openapiDoc, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Components.Schemas
}

func TestOpenAPISchemasMatchTheGoTypes(t *testing.T) {
	schemas := openapiSchemas(t)
	for name, v := range schemaTypes {
		s, ok := schemas[name]
		if !ok {
			t.Errorf("no schema %s", name)
			continue
		}
		compareSchema(t, name, s, reflect.TypeOf(v))
	}
}

// The abilities are a map, so the schema-vs-type comparison cannot see its
// keys: the schema must name exactly the keys pledgeAbilities sends.
func TestOpenAPIPledgeAbilitiesAreTheKeysSent(t *testing.T) {
	schemas := openapiSchemas(t)
	s := schemas["PledgeAbilities"]
	if s == nil {
		t.Fatal("no schema PledgeAbilities")
	}
	var sent, props []string
	for k := range (&API{}).pledgeAbilities(caller{}, policy.Resource{}) {
		sent = append(sent, k)
	}
	for p := range s.Properties {
		props = append(props, p)
	}
	required := slices.Clone(s.Required)
	for _, l := range [][]string{sent, props, required} {
		sort.Strings(l)
	}
	if !slices.Equal(props, sent) || !slices.Equal(required, sent) {
		t.Errorf("schema PledgeAbilities has properties %v, requires %v; the server sends %v", props, required, sent)
	}
}
