package consent

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"chorus/fault"
)

// ExportSchemaVersion names the structure ExportRecords writes: the consent
// record information structure of ISO/IEC TS 27560:2023, with field names as
// in the DPVCG guide to implementing it
// (https://w3id.org/dpv/guides/consent-27560), in JSON.
const ExportSchemaVersion = "ISO/IEC TS 27560:2023"

// ExportFile is the document ExportRecords writes.
type ExportFile struct {
	SchemaVersion  string         `json:"schema_version"`
	GeneratedAt    time.Time      `json:"generated_at"`
	PIIPrincipalID string         `json:"pii_principal_id"`
	Controller     ExportParty    `json:"pii_controller"`
	Records        []ExportRecord `json:"records"`
}

// ExportParty is a party in the 27560 sense (party_identification).
type ExportParty struct {
	PartyName    string `json:"party_name"`
	PartyRole    string `json:"party_role"`
	PartyContact string `json:"party_contact,omitempty"`
	PartyURL     string `json:"party_url,omitempty"`
}

// ExportRecord is one consent record: one decision of the ledger.
type ExportRecord struct {
	SchemaVersion  string           `json:"schema_version"`
	RecordID       string           `json:"record_id"`
	PIIPrincipalID string           `json:"pii_principal_id"`
	Controller     ExportParty      `json:"pii_controller"`
	Notice         ExportNotice     `json:"notice"`
	Processing     ExportProcessing `json:"pii_processing"`
	Event          ExportEvent      `json:"event"`
	State          string           `json:"state"` // given | withdrawn
	Delegation     *ExportDelegate  `json:"delegation,omitempty"`
	Verification   ExportVerify     `json:"verification"`
	Validity       ExportValidity   `json:"validity"`
}

// ExportValidity is how long a given consent counts: until withdrawn, and a
// guardian's until the child is 18 and decides alone.
type ExportValidity struct {
	ValidFrom  time.Time  `json:"valid_from"`
	ValidUntil *time.Time `json:"valid_until,omitempty"`
	Condition  string     `json:"validity_condition"`
}

// ExportNotice identifies the exact text the person read.
type ExportNotice struct {
	NoticeVersion string `json:"notice_version"` // sha256 of the text shown
	Language      string `json:"language"`
	Audience      string `json:"audience"` // youth or guardian text
	Text          string `json:"notice_text,omitempty"`
}

// ExportProcessing is the purpose and its lawful basis.
type ExportProcessing struct {
	PurposeID            string   `json:"purpose_id"` // the scope code
	Purpose              string   `json:"purpose"`    // the scope's short name in the record's language
	LawfulBasis          string   `json:"lawful_basis"`
	LawfulBasisReference []string `json:"lawful_basis_reference"`
	Processing           []string `json:"processing"`
	Jurisdiction         string   `json:"jurisdiction"` // the person's country
	ConsentType          string   `json:"consent_type"`
	// What GDPR Art. 13 asks people be told.
	PurposeDescription string        `json:"purpose_description"` // in the record's language
	PIICategories      []string      `json:"pii_categories"`      // DPV personal data categories
	Recipients         []ExportParty `json:"recipients"`          // who receives the data, partner organisations by name
	Retention          string        `json:"retention"`
}

// ExportEvent is the consent event the record documents.
type ExportEvent struct {
	EventTime time.Time `json:"event_time"`
	EventType string    `json:"event_type"` // "explicit": every decision is an action
	EventBy   string    `json:"event_by"`   // pii_principal or delegate
	State     string    `json:"state"`
}

// ExportDelegate says who consented on whose behalf (GDPR Art. 8: the holder
// of parental responsibility for a child below the age of consent).
type ExportDelegate struct {
	DelegateRole  string `json:"delegate_role"`
	DelegateEmail string `json:"delegate_email"`
	DelegateName  string `json:"delegate_name,omitempty"`
	OnBehalfOf    string `json:"on_behalf_of"`
}

// ExportVerify is how the actor's identity or authority was verified.
type ExportVerify struct {
	Method    string `json:"verification_method"`
	Level     string `json:"verification_level,omitempty"`
	Evidence  string `json:"evidence_reference,omitempty"` // blob key of a signed form, or an assurance reference
	CheckedBy string `json:"checked_by,omitempty"`
}

// ExportRecords returns every consent record of the account as JSON
// following the ISO/IEC TS 27560 consent record fields: what the young
// person, their guardian or a moderator needs to see what was agreed, by
// whom, on which text, and when. It returns fault.NotFound when the account
// has no records.
func (s *Service) ExportRecords(ctx context.Context, accountID string) ([]byte, error) {
	return s.exportRecords(ctx, accountID, false)
}

// ExportPseudonymised is ExportRecords for an erased account, as its
// controller keeps and shows it: the records stand as proof of lawful
// processing (GDPR Art. 7(1), 17(3)(b) and (e)), but name nobody. The
// person is their account id, which no longer leads to a name; a guardian
// is their role and the domain of their address.
func (s *Service) ExportPseudonymised(ctx context.Context, accountID string) ([]byte, error) {
	return s.exportRecords(ctx, accountID, true)
}

// Pseudonymise returns the records of an erased account as coordinators
// see them (see ExportPseudonymised).
func Pseudonymise(hist []Record) []Record {
	out := make([]Record, len(hist))
	for i, r := range hist {
		r.GuardianName = ""
		r.GuardianEmail = MaskEmail(r.GuardianEmail)
		out[i] = r
	}
	return out
}

// MaskEmail keeps only the domain of an address ("…@example.org").
func MaskEmail(addr string) string {
	if addr == "" {
		return ""
	}
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return "…" + addr[i:]
	}
	return "…"
}

func (s *Service) exportRecords(ctx context.Context, accountID string, pseudonymise bool) ([]byte, error) {
	hist, err := s.History(ctx, accountID)
	if pseudonymise {
		hist = Pseudonymise(hist)
	}
	if err != nil {
		return nil, err
	}
	if len(hist) == 0 {
		return nil, fault.Errorf(fault.NotFound, "There are no consent records for this account.")
	}
	controller := ExportParty{PartyName: s.Controller.Name, PartyRole: "PII controller", PartyContact: s.Controller.Contact, PartyURL: s.Controller.URL}
	var partners []string
	if s.Partners != nil {
		if partners, err = s.Partners(ctx, accountID); err != nil {
			return nil, err
		}
	}
	var adultAt *time.Time // a guardian's grant counts until then
	if sub, err := s.Subjects.FindSubject(ctx, accountID); err == nil && !sub.BirthDate.IsZero() {
		t := BirthdayOf(sub.BirthDate, sub.BirthDate.Year()+AdultAge)
		adultAt = &t
	}
	f := ExportFile{
		SchemaVersion: ExportSchemaVersion, GeneratedAt: s.now().UTC(),
		PIIPrincipalID: accountID, Controller: controller, Records: make([]ExportRecord, 0, len(hist)),
	}
	for _, r := range hist {
		state := "given"
		if r.Action == Withdrawn {
			state = "withdrawn"
		}
		basis := []string{"GDPR Art. 6(1)(a)", "GDPR Art. 7"}
		if r.Band.IsMinor() {
			basis = append(basis, "GDPR Art. 8")
		}
		var purpose, text, description, retention string
		var processing, categories []string
		recipients := []ExportParty{}
		if info, err := s.Registry.Info(r.Scope); err == nil {
			purpose = info.ShortName[r.Language]
			processing = info.Processing
			description, categories, retention = info.Purpose[r.Language], info.DataCategories, info.Retention
			recipients = recipientsOf(info.Recipients, partners)
			if t, err := s.Registry.Text(r.Scope, r.Audience, r.Language); err == nil {
				// Only include the text when it is still the one that was
				// shown; otherwise the hash alone identifies the version.
				if h, _ := s.Registry.TextHash(r.Scope, r.Audience, r.Language); h == r.TextHash {
					text = t
				}
			}
		}
		er := ExportRecord{
			SchemaVersion: ExportSchemaVersion, RecordID: r.ID, PIIPrincipalID: accountID, Controller: controller,
			Notice: ExportNotice{NoticeVersion: r.TextHash, Language: r.Language, Audience: string(r.Audience), Text: text},
			Processing: ExportProcessing{
				PurposeID: string(r.Scope), Purpose: purpose, LawfulBasis: "consent",
				LawfulBasisReference: basis, Processing: processing, Jurisdiction: r.Country, ConsentType: "explicit",
				PurposeDescription: description, PIICategories: categories, Recipients: recipients, Retention: retention,
			},
			Validity:     ExportValidity{ValidFrom: r.Time, Condition: "until withdrawn"},
			Event:        ExportEvent{EventTime: r.Time, EventType: "explicit", EventBy: "pii_principal", State: state},
			State:        state,
			Verification: ExportVerify{Method: string(r.Method), Level: string(r.Level), Evidence: r.Evidence, CheckedBy: r.RecordedBy},
		}
		if state == "withdrawn" {
			er.Validity.Condition = "not given: this record withdraws"
		}
		if r.Actor == ByGuardian {
			if state == "given" && adultAt != nil {
				er.Validity.ValidUntil, er.Validity.Condition = adultAt, "until withdrawn, or until the child is 18 and decides alone"
			}
			er.Event.EventBy = "delegate"
			er.Delegation = &ExportDelegate{
				DelegateRole: "holder of parental responsibility", DelegateEmail: r.GuardianEmail,
				DelegateName: r.GuardianName, OnBehalfOf: accountID,
			}
		}
		f.Records = append(f.Records, er)
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fault.Wrap(fault.Internal, err, "consent: encode export")
	}
	return b, nil
}

// recipientsOf names who receives a scope's data: the group, the panel, or
// the partner organisations by name.
func recipientsOf(r Recipients, partners []string) []ExportParty {
	out := []ExportParty{}
	switch r {
	case ToGroup:
		out = append(out, ExportParty{PartyName: "the person's group and its moderators", PartyRole: "recipient"})
	case ToPanel:
		out = append(out, ExportParty{PartyName: "the person's panel, its moderators and coordinators", PartyRole: "recipient"})
		fallthrough
	case ToPartners:
		for _, p := range partners {
			out = append(out, ExportParty{PartyName: p, PartyRole: "third party"})
		}
	}
	return out
}
