package consent

import (
	"context"
	"crypto/rand"
	"io"
	"strings"
	"time"

	"chorus/fault"
	"chorus/mail"
	"chorus/store"
)

// Subject is what the consent capability needs to know about a young
// person. It is deliberately small: the guardian never learns more than the
// first name, and mails never carry the full name or the date of birth.
type Subject struct {
	AccountID string
	FirstName string    // shown to the guardian; never the full name
	Email     string    // the young person's own address, for their notices
	BirthDate time.Time // decides the age band; never shown to the guardian
	Country   string    // ISO 3166-1 alpha-2; decides the age of consent
	Language  string    // en, fr or de
}

// FirstName returns the first word of a name. Mails and guardian pages pass
// every name through it, so that a full display name handed over by mistake
// still never reaches a guardian's inbox.
func FirstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return ""
}

// Subjects finds the young person behind an account. Identity implements it;
// consent does not read accounts itself so that it depends on no other
// capability. FindSubject returns fault.NotFound for an unknown account.
type Subjects interface {
	FindSubject(ctx context.Context, accountID string) (Subject, error)
}

// SubjectsFunc adapts a function to Subjects.
type SubjectsFunc func(ctx context.Context, accountID string) (Subject, error)

// FindSubject calls f.
func (f SubjectsFunc) FindSubject(ctx context.Context, accountID string) (Subject, error) {
	return f(ctx, accountID)
}

// Controller identifies the data controller named in exported consent
// records (ISO/IEC TS 27560 "PII controller"): the organisation operating
// this Chorus instance, which differs per deployment.
type Controller struct {
	Name    string `json:"party_name"`
	Contact string `json:"party_contact,omitempty"` // e-mail of the privacy contact
	URL     string `json:"party_url,omitempty"`
}

// Collections used by the consent capability.
const (
	RecordsCollection   = "consent_records"           // the append-only ledger
	RequestsCollection  = "consent_guardian_requests" // single-use guardian links
	AccessCollection    = "consent_guardian_access"   // long-lived guardian manage links
	MilestoneCollection = "consent_milestones"        // coming-of-age notices already sent
)

// Schemas declares the consent collections and the fields they are queried
// on. The composition root declares them at start-up (Service.Declare).
var Schemas = []store.Schema{
	{Collection: RecordsCollection, Indexes: []store.Index{{Field: "accountId"}, {Field: "seq"}, {Field: "timeMs"}, {Field: "scope"}}},
	{Collection: RequestsCollection, Indexes: []store.Index{
		{Field: "tokenHash", Unique: true}, {Field: "reminderTokenHash", Unique: true},
		{Field: "accountId"}, {Field: "state"}, {Field: "createdMs"}, {Field: "expiresMs"},
	}},
	{Collection: AccessCollection, Indexes: []store.Index{{Field: "tokenHash", Unique: true}, {Field: "accountId"}}},
	{Collection: MilestoneCollection},
}

// How long guardian links live (issue 3: 7 days) and when a reminder goes out.
const (
	RequestTTL     = 7 * 24 * time.Hour
	ReminderWindow = 48 * time.Hour
)

// Service runs the consent workflows. Settings are exported fields, set by
// the composition root; NewService fills in the defaults.
type Service struct {
	Docs      store.Documents
	Mail      mail.Sender
	Subjects  Subjects
	Assurance AgeAssurance // nil: no age-assurance provider is configured
	Ages      *Ages
	Registry  *Registry
	// PublicURL is where Chorus is reachable (PUBLIC_URL); guardian links
	// are PublicURL + "/guardian/" + token.
	PublicURL  string
	Controller Controller
	// Partners names the partner organisations that may receive a
	// person's data (those invited to their panels), for the recipients
	// of each exported record (GDPR Art. 13(1)(e)); nil: none named.
	Partners func(ctx context.Context, accountID string) ([]string, error)
	// Now is the clock; tests inject one to cross expiries without sleeping.
	Now func() time.Time
	// Random is the source of tokens; nil means crypto/rand.
	Random io.Reader
}

// NewService returns a Service with the embedded ages table and registry, the
// real clock and a placeholder controller name.
func NewService(docs store.Documents, sender mail.Sender, subjects Subjects, publicURL string) *Service {
	return &Service{
		Docs:       docs,
		Mail:       sender,
		Subjects:   subjects,
		Ages:       DefaultAges(),
		Registry:   DefaultRegistry(),
		PublicURL:  publicURL,
		Controller: Controller{Name: "Chorus operator"},
		Now:        time.Now,
	}
}

// Declare declares the consent collections.
func (s *Service) Declare(ctx context.Context) error {
	return store.DeclareAll(ctx, s.Docs, "consent", Schemas)
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) random() io.Reader {
	if s.Random == nil {
		return rand.Reader
	}
	return s.Random
}

// subject looks the account up and works out its band and joint rule.
func (s *Service) subject(ctx context.Context, accountID string) (Subject, AgeBand, bool, error) {
	if accountID == "" {
		return Subject{}, "", false, fault.Errorf(fault.Invalid, "an account id is required")
	}
	sub, err := s.Subjects.FindSubject(ctx, accountID)
	if err != nil {
		return Subject{}, "", false, err
	}
	sub.FirstName = FirstName(sub.FirstName)
	band := s.Ages.Band(sub.BirthDate, sub.Country, s.now())
	return sub, band, s.Ages.Joint(band, sub.Country), nil
}
