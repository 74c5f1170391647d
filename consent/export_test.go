package consent_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"chorus/consent"
	"chorus/fault"
)

func TestExportRecords27560(t *testing.T) {
	e := newEnv(t)
	e.youth("de14", "DE", 14, "de")
	e.confirm(t, "de14", map[consent.Scope]bool{consent.Participate: true, consent.VideoPublish: true})
	if _, err := e.svc.RecordSignedForm(e.ctx, "coord1", "de14", consent.VideoPublish, "forms/de14.pdf"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Withdraw(e.ctx, "de14", consent.VideoPublish, "de"); err != nil {
		t.Fatal(err)
	}

	raw, err := e.svc.ExportRecords(e.ctx, "de14")
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	get := func(m any, path ...string) any {
		for _, p := range path {
			mm, ok := m.(map[string]any)
			if !ok {
				return nil
			}
			m = mm[p]
		}
		return m
	}
	if f["schema_version"] != consent.ExportSchemaVersion || f["pii_principal_id"] != "de14" {
		t.Errorf("header = %v", f)
	}
	recs := f["records"].([]any)
	if len(recs) != 4 {
		t.Fatalf("got %d records, want 4", len(recs))
	}
	for i, r := range recs {
		for _, path := range [][]string{
			{"schema_version"}, {"record_id"}, {"pii_principal_id"},
			{"pii_controller", "party_name"},
			{"notice", "notice_version"}, {"notice", "language"},
			{"pii_processing", "purpose_id"}, {"pii_processing", "purpose"}, {"pii_processing", "lawful_basis"},
			{"pii_processing", "jurisdiction"}, {"pii_processing", "processing"},
			{"event", "event_time"}, {"event", "state"}, {"state"}, {"verification", "verification_method"},
		} {
			if v := get(r, path...); v == nil || v == "" {
				t.Errorf("record %d lacks %v", i, path)
			}
		}
		if get(r, "pii_controller", "party_name") != "Safer Internet Centre Test" {
			t.Errorf("record %d controller = %v", i, get(r, "pii_controller"))
		}
		if get(r, "pii_processing", "lawful_basis") != "consent" || get(r, "pii_processing", "jurisdiction") != "DE" {
			t.Errorf("record %d processing = %v", i, get(r, "pii_processing"))
		}
		refs, _ := get(r, "pii_processing", "lawful_basis_reference").([]any)
		if !slices.Contains(refs, any("GDPR Art. 6(1)(a)")) || !slices.Contains(refs, any("GDPR Art. 8")) {
			t.Errorf("record %d lawful basis references = %v", i, refs)
		}
	}
	g := recs[0]
	if get(g, "delegation", "on_behalf_of") != "de14" || get(g, "delegation", "delegate_email") != "parent@family.example.org" ||
		get(g, "event", "event_by") != "delegate" || get(g, "verification", "verification_method") != "email_confirmed" || get(g, "state") != "given" {
		t.Errorf("guardian record = %v", g)
	}
	if get(recs[2], "verification", "verification_method") != "signed_form_checked" || get(recs[2], "verification", "evidence_reference") != "forms/de14.pdf" {
		t.Errorf("signed-form record = %v", recs[2])
	}
	last := recs[3]
	if get(last, "state") != "withdrawn" || get(last, "delegation") != nil || get(last, "event", "event_by") != "pii_principal" || get(last, "notice", "language") != "de" {
		t.Errorf("withdrawal record = %v", last)
	}
	wantHash, _ := consent.DefaultRegistry().TextHash(consent.VideoPublish, consent.ForYouth, "de")
	if get(last, "notice", "notice_version") != wantHash {
		t.Errorf("notice_version = %v, want the German youth text hash", get(last, "notice", "notice_version"))
	}

	_, err = e.svc.ExportRecords(e.ctx, "nobody")
	wantCode(t, err, fault.NotFound, "export without records")
}

// TestExportSaysWhatArticle13Asks: each record names the controller and its
// contact, the purpose in the record's language, the data categories, the
// recipients (the partner organisations by name), the retention and how
// long the consent counts (a guardian's until the child is 18).
func TestExportSaysWhatArticle13Asks(t *testing.T) {
	e := newEnv(t)
	kid := e.youth("de12", "DE", 12, "de")
	e.svc.Partners = func(_ context.Context, id string) ([]string, error) { return []string{"AppCo", "Streamly"}, nil }
	e.confirm(t, "de12", map[consent.Scope]bool{consent.Participate: true, consent.VideoPublish: true})
	raw, err := e.svc.ExportRecords(e.ctx, "de12")
	if err != nil {
		t.Fatal(err)
	}
	var f consent.ExportFile
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if f.Controller.PartyName != "Safer Internet Centre Test" || f.Controller.PartyContact != "privacy@sic.example.org" {
		t.Errorf("controller: got %+v", f.Controller)
	}
	adult := consent.BirthdayOf(kid.BirthDate, kid.BirthDate.Year()+18)
	for _, r := range f.Records {
		p := r.Processing
		if p.PurposeDescription == "" || len(p.PIICategories) == 0 || p.Retention == "" || r.Controller.PartyContact == "" {
			t.Errorf("%s: lacks purpose, categories, retention or controller contact: %+v", r.RecordID, p)
		}
		var names []string
		for _, x := range p.Recipients {
			names = append(names, x.PartyName)
		}
		if p.PurposeID == string(consent.VideoPublish) && !slices.Equal(names, []string{"AppCo", "Streamly"}) {
			t.Errorf("video_publish recipients: got %v, want the partner organisations", names)
		}
		if r.Delegation != nil && (r.Validity.ValidUntil == nil || !r.Validity.ValidUntil.Equal(adult)) {
			t.Errorf("%s: a guardian's grant is valid until %v, want the 18th birthday %v", r.RecordID, r.Validity.ValidUntil, adult)
		}
	}
	if len(f.Records) == 0 || !strings.Contains(f.Records[0].Processing.PurposeDescription, "Jugendpanel") && !strings.Contains(f.Records[0].Processing.PurposeDescription, "youth panel") {
		t.Errorf("purpose in the record's language: got %q", f.Records[0].Processing.PurposeDescription)
	}
}

// TestGuardianPageSaysWhatArticle13Asks: before deciding, a guardian reads
// who is responsible for the data and how to reach them, and for each
// scope why and who receives it (the partner organisations by name).
func TestGuardianPageSaysWhatArticle13Asks(t *testing.T) {
	e := newEnv(t)
	e.youth("de12", "DE", 12, "de")
	e.svc.Partners = func(context.Context, string) ([]string, error) { return []string{"AppCo"}, nil }
	tok := e.askGuardian(t, "de12", "de")
	page, err := e.svc.OpenGuardianLink(e.ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if page.Controller.Name != "Safer Internet Centre Test" || page.Controller.Contact != "privacy@sic.example.org" {
		t.Errorf("controller: got %+v", page.Controller)
	}
	for _, s := range page.Scopes {
		if s.Purpose == "" || !strings.Contains(s.Purpose, " ") {
			t.Errorf("%s: no purpose in German: %q", s.Scope, s.Purpose)
		}
		if s.Scope == consent.VideoPublish && (s.Recipients != consent.ToPartners || !slices.Equal(s.Partners, []string{"AppCo"})) {
			t.Errorf("video_publish recipients: got %s %v", s.Recipients, s.Partners)
		}
	}
}
