package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"chorus/fault"
	"chorus/language"
	"chorus/moderation/screen"
	"chorus/store"
)

// Collections of this package.
const (
	AccountsCollection      = "accounts"
	OrganisationsCollection = "organisations"
	PanelsCollection        = "panels"
	GroupsCollection        = "groups"
	MembershipsCollection   = "memberships"
	InvitationsCollection   = "invitations"
	SetupCollection         = "setup"
)

// Schemas declares the collections and the fields they are queried by.
var Schemas = []store.Schema{
	{Collection: AccountsCollection, Indexes: []store.Index{{Field: "email", Unique: true}}},
	{Collection: OrganisationsCollection, Indexes: []store.Index{{Field: "kind"}, {Field: "centreId"}}},
	{Collection: PanelsCollection, Indexes: []store.Index{{Field: "orgId"}}},
	{Collection: GroupsCollection, Indexes: []store.Index{{Field: "panelId"}}},
	{Collection: MembershipsCollection, Indexes: []store.Index{{Field: "accountId"}, {Field: "panelId"}, {Field: "groupId"}, {Field: "key", Unique: true}}},
	{Collection: InvitationsCollection, Indexes: []store.Index{{Field: "tokenHash", Unique: true}, {Field: "panelId"}, {Field: "email"}}},
	{Collection: SetupCollection},
}

// Limits on what people type. Names are short so they fit on every screen.
const (
	MaxNameLength  = 80
	MaxEmailLength = 254
	InvitationTTL  = 14 * 24 * time.Hour
	SetupTTL       = 24 * time.Hour
	maxListed      = 5000
)

// Organisation is a Safer Internet Centre or an industry partner. A
// partner is registered by one centre (CentreID), whose panels may invite
// it; another centre that works with the same company registers its own.
type Organisation struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Kind      OrgKind   `json:"kind"`
	Country   string    `json:"country,omitempty"`
	CentreID  string    `json:"centreId,omitempty"` // partners: the centre that registered it
	CreatedAt time.Time `json:"createdAt"`
}

// Panel is a youth panel run by a Safer Internet Centre.
type Panel struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"orgId"` // the Safer Internet Centre
	Name      string    `json:"name"`
	Country   string    `json:"country"`
	Languages []string  `json:"languages"`
	Settings  Settings  `json:"settings"`
	CreatedAt time.Time `json:"createdAt"`
}

// Settings are a panel's safeguarding settings.
type Settings struct {
	// ModeratorsRequired is how many moderators must be present for a live
	// session with partners to accept posts (the "two adults" rule; never below 1).
	ModeratorsRequired int `json:"moderatorsRequired"`
	// SafeguardingLeadID is the account alerted on safeguarding reports.
	SafeguardingLeadID string `json:"safeguardingLeadId,omitempty"`
	// PartnerPostModeration lets partner text in live sessions reach youth
	// after screening alone, a moderator checking it afterwards. The
	// default (false) is pre-moderation: a moderator approves it first
	// (safeguarding rule 2).
	PartnerPostModeration bool `json:"partnerPostModeration,omitempty"`
	// ReportsToHide is how many people reporting the same content hide it
	// until a moderator decides (0: moderation's default).
	ReportsToHide int `json:"reportsToHide,omitempty"`
}

// Group is a small working team inside a panel.
type Group struct {
	ID        string    `json:"id"`
	PanelID   string    `json:"panelId"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"createdAt"`
}

// storedAccount is an Account as kept, with its secrets.
type storedAccount struct {
	Account
	PasswordHash string `json:"passwordHash"`
}

// storedMembership is a Membership as kept. Key makes a person's
// membership in one place unique.
type storedMembership struct {
	Membership
	ID        string    `json:"id"`
	AccountID string    `json:"accountId"`
	Key       string    `json:"key"`
	CreatedAt time.Time `json:"createdAt"`
}

// InvitationState tells where an invitation stands.
type InvitationState string

// Invitation states.
const (
	InvitationPending  InvitationState = "pending"
	InvitationAccepted InvitationState = "accepted"
	InvitationRevoked  InvitationState = "revoked"
)

// Invitation asks someone, by e-mail, to join a panel (and group) in a role.
type Invitation struct {
	ID        string          `json:"id"`
	Email     string          `json:"email"`
	Role      Role            `json:"role"`
	PanelID   string          `json:"panelId"`
	GroupID   string          `json:"groupId,omitempty"`
	OrgID     string          `json:"orgId,omitempty"` // partners: their organisation
	Language  string          `json:"language"`
	InvitedBy string          `json:"invitedBy"`
	State     InvitationState `json:"state"`
	TokenHash string          `json:"tokenHash"`
	ExpiresAt time.Time       `json:"expiresAt"`
	CreatedAt time.Time       `json:"createdAt"`
}

// Service keeps organisations, panels, groups, accounts and invitations.
// It decides nothing about permissions: callers ask the policy first.
type Service struct {
	Docs store.Documents
	Now  func() time.Time
	// Screeners gives each panel's screener, for the names people give
	// themselves (safeguarding rule 5: a name is text others read); nil
	// means the built-in lists only.
	Screeners Screeners
}

// Screeners gives a panel's screener; *wordlist.Service satisfies it.
type Screeners interface {
	ScreenerFor(ctx context.Context, panelID string) (*screen.Screener, error)
}

// NewService returns a Service on docs with the real clock.
func NewService(docs store.Documents) *Service {
	return &Service{Docs: docs, Now: time.Now}
}

// Declare declares the collections.
func (s *Service) Declare(ctx context.Context) error {
	return store.DeclareAll(ctx, s.Docs, "identity", Schemas)
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// event appends to the audit trail; a failure fails the change's caller so
// that no change goes unrecorded.
func (s *Service) event(ctx context.Context, actor, typ, subject string, data any) error {
	var b []byte
	if data != nil {
		var err error
		if b, err = json.Marshal(data); err != nil {
			return fault.Wrap(fault.Internal, err, "event cannot be recorded")
		}
	}
	_, err := s.Docs.AppendEvent(ctx, store.Event{Actor: actor, Type: typ, Subject: subject, Data: b})
	return err
}

// --- first run ---

type setupDoc struct {
	TokenHash string    `json:"tokenHash"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// NewSetupToken returns a one-time token that creates the first coordinator,
// or ok=false when an account already exists (then nobody can use setup).
// A new call replaces an older token, so restarting the server gives a
// fresh link.
func (s *Service) NewSetupToken(ctx context.Context) (token string, ok bool, err error) {
	n, err := s.Docs.Count(ctx, AccountsCollection, nil)
	if err != nil || n > 0 {
		return "", false, err
	}
	token, hash := newToken()
	doc := setupDoc{TokenHash: hash, ExpiresAt: s.now().Add(SetupTTL)}
	cur, err := store.GetAs[setupDoc](ctx, s.Docs, SetupCollection, "first-run")
	switch {
	case fault.Is(err, fault.NotFound):
		err = store.InsertAs(ctx, s.Docs, SetupCollection, "first-run", doc, doc.ExpiresAt)
	case err == nil:
		_, err = store.UpdateAs(ctx, s.Docs, SetupCollection, "first-run", cur.Version, doc, doc.ExpiresAt)
	}
	if err != nil {
		return "", false, err
	}
	return token, true, nil
}

// SetupInput is what the first coordinator gives.
type SetupInput struct {
	Token        string
	OrgName      string // their Safer Internet Centre
	Country      string
	DisplayName  string
	Email        string
	Language     string
	PasswordHash string // hashed by the caller (package auth)
}

// CompleteSetup creates the Safer Internet Centre and its first coordinator.
// It works once: the token is consumed and accounts then exist.
func (s *Service) CompleteSetup(ctx context.Context, in SetupInput) (Account, Organisation, error) {
	var acc Account
	var org Organisation
	err := s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		cur, err := store.GetAs[setupDoc](ctx, s.Docs, SetupCollection, "first-run")
		if err != nil || !equalHash(cur.Value.TokenHash, in.Token) {
			return fault.Errorf(fault.NotFound, "This set-up link is not valid. Restart Chorus to get a new one.")
		}
		if n, err := s.Docs.Count(ctx, AccountsCollection, nil); err != nil || n > 0 {
			return fault.Errorf(fault.Conflict, "Chorus is already set up. Sign in instead.")
		}
		if org, err = s.createOrganisation(ctx, "setup", in.OrgName, SaferInternetCentre, in.Country, ""); err != nil {
			return err
		}
		if acc, err = s.createAccount(ctx, Account{DisplayName: in.DisplayName, Email: in.Email, Language: in.Language, Country: in.Country}, in.PasswordHash, ""); err != nil {
			return err
		}
		// The first coordinator belongs to their centre; panels come next.
		if err := s.addMembership(ctx, acc.ID, Membership{OrgID: org.ID, Role: Coordinator}); err != nil {
			return err
		}
		if err := s.Docs.Delete(ctx, SetupCollection, "first-run"); err != nil {
			return err
		}
		return s.event(ctx, acc.ID, "identity.setup_completed", "account:"+acc.ID, map[string]string{"orgId": org.ID})
	})
	if err != nil {
		return Account{}, Organisation{}, err
	}
	return acc, org, nil
}

// --- organisations, panels, groups ---

// CreateOrganisation adds an organisation on behalf of centreID, a Safer
// Internet Centre whose coordinator actorID is (the caller asked the
// policy): an industry partner registered with that centre, or a new
// centre, which actorID then coordinates as a whole.
func (s *Service) CreateOrganisation(ctx context.Context, actorID, name string, kind OrgKind, country, centreID string) (Organisation, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Organisation, error) {
		centre, err := s.Organisation(ctx, centreID)
		if err != nil {
			return Organisation{}, err
		}
		if centre.Kind != SaferInternetCentre {
			return Organisation{}, fault.Errorf(fault.Invalid, "Panels belong to a Safer Internet Centre.")
		}
		if kind == SaferInternetCentre {
			o, err := s.createOrganisation(ctx, actorID, name, kind, country, "")
			if err != nil {
				return Organisation{}, err
			}
			return o, s.addMembership(ctx, actorID, Membership{OrgID: o.ID, Role: Coordinator})
		}
		return s.createOrganisation(ctx, actorID, name, kind, country, centre.ID)
	})
}

func (s *Service) createOrganisation(ctx context.Context, actorID, name string, kind OrgKind, country, centreID string) (Organisation, error) {
	name, err := cleanName("organisation name", name)
	if err != nil {
		return Organisation{}, err
	}
	if kind != SaferInternetCentre && kind != IndustryPartner {
		return Organisation{}, fault.Errorf(fault.Invalid, "An organisation is a Safer Internet Centre (sic) or an industry partner (partner).")
	}
	o := Organisation{ID: uuid.NewString(), Name: name, Kind: kind, Country: strings.ToUpper(country), CentreID: centreID, CreatedAt: s.now()}
	if err := store.InsertAs(ctx, s.Docs, OrganisationsCollection, o.ID, o, time.Time{}); err != nil {
		return Organisation{}, err
	}
	return o, s.event(ctx, actorID, "identity.organisation_created", "organisation:"+o.ID, o)
}

// Organisation returns the organisation id.
func (s *Service) Organisation(ctx context.Context, id string) (Organisation, error) {
	d, err := store.GetAs[Organisation](ctx, s.Docs, OrganisationsCollection, id)
	return d.Value, err
}

// CentreOrganisations lists a Safer Internet Centre itself, first, and the
// partner organisations it registered. Nothing of another centre is in it.
func (s *Service) CentreOrganisations(ctx context.Context, centreID string) ([]Organisation, error) {
	centre, err := s.Organisation(ctx, centreID)
	if err != nil {
		return nil, err
	}
	partners, err := values(store.FindAs[Organisation](ctx, s.Docs, OrganisationsCollection, store.Query{
		Where: []store.Cond{{Field: "centreId", Op: store.Eq, Value: centreID}}, Limit: store.MaxLimit}, maxListed))
	if err != nil {
		return nil, err
	}
	return append([]Organisation{centre}, partners...), nil
}

// PanelInput describes a new panel.
type PanelInput struct {
	OrgID     string
	Name      string
	Country   string
	Languages []string
}

// CreatePanel adds a panel to a Safer Internet Centre, with safe defaults
// (two moderators for live sessions).
func (s *Service) CreatePanel(ctx context.Context, actorID string, in PanelInput) (Panel, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Panel, error) {
		name, err := cleanName("panel name", in.Name)
		if err != nil {
			return Panel{}, err
		}
		org, err := s.Organisation(ctx, in.OrgID)
		if err != nil {
			return Panel{}, err
		}
		if org.Kind != SaferInternetCentre {
			return Panel{}, fault.Errorf(fault.Invalid, "Panels belong to a Safer Internet Centre.")
		}
		langs, err := cleanLanguages(in.Languages)
		if err != nil {
			return Panel{}, err
		}
		p := Panel{ID: uuid.NewString(), OrgID: org.ID, Name: name, Country: strings.ToUpper(in.Country), Languages: langs,
			Settings: Settings{ModeratorsRequired: 2}, CreatedAt: s.now()}
		if err := store.InsertAs(ctx, s.Docs, PanelsCollection, p.ID, p, time.Time{}); err != nil {
			return Panel{}, err
		}
		return p, s.event(ctx, actorID, "identity.panel_created", "panel:"+p.ID, p)
	})
}

// Panel returns the panel id.
func (s *Service) Panel(ctx context.Context, id string) (Panel, error) {
	d, err := store.GetAs[Panel](ctx, s.Docs, PanelsCollection, id)
	return d.Value, err
}

// Panels lists the panels of a Safer Internet Centre.
func (s *Service) Panels(ctx context.Context, orgID string) ([]Panel, error) {
	return values(store.FindAs[Panel](ctx, s.Docs, PanelsCollection, store.Query{
		Where: []store.Cond{{Field: "orgId", Op: store.Eq, Value: orgID}}, Limit: store.MaxLimit}, maxListed))
}

// CreateGroup adds a working group to a panel.
func (s *Service) CreateGroup(ctx context.Context, actorID, panelID, name string) (Group, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Group, error) {
		name, err := cleanName("group name", name)
		if err != nil {
			return Group{}, err
		}
		if _, err := s.Panel(ctx, panelID); err != nil {
			return Group{}, err
		}
		g := Group{ID: uuid.NewString(), PanelID: panelID, Name: name, CreatedAt: s.now()}
		if err := store.InsertAs(ctx, s.Docs, GroupsCollection, g.ID, g, time.Time{}); err != nil {
			return Group{}, err
		}
		return g, s.event(ctx, actorID, "identity.group_created", "group:"+g.ID, g)
	})
}

// Group returns the group id.
func (s *Service) Group(ctx context.Context, id string) (Group, error) {
	d, err := store.GetAs[Group](ctx, s.Docs, GroupsCollection, id)
	return d.Value, err
}

// Groups lists the groups of a panel.
func (s *Service) Groups(ctx context.Context, panelID string) ([]Group, error) {
	return values(store.FindAs[Group](ctx, s.Docs, GroupsCollection, store.Query{
		Where: []store.Cond{{Field: "panelId", Op: store.Eq, Value: panelID}}, Limit: store.MaxLimit}, maxListed))
}

// --- accounts and memberships ---

// createAccount creates a, whose name is screened with the screener of
// panelID (the panel they join; empty: the built-in lists).
func (s *Service) createAccount(ctx context.Context, a Account, passwordHash, panelID string) (Account, error) {
	var err error
	if a.DisplayName, err = cleanName("name", a.DisplayName); err != nil {
		return Account{}, err
	}
	if a.Email, err = CleanEmail(a.Email); err != nil {
		return Account{}, err
	}
	if a.Language, err = cleanLanguage(a.Language); err != nil {
		return Account{}, err
	}
	if err := s.screenName(ctx, panelID, a.DisplayName, a.Language); err != nil {
		return Account{}, err
	}
	if passwordHash == "" {
		return Account{}, fault.Errorf(fault.Invalid, "Choose a password.")
	}
	a.ID = uuid.NewString()
	a.CreatedAt = s.now()
	if err := store.InsertAs(ctx, s.Docs, AccountsCollection, a.ID, storedAccount{Account: a, PasswordHash: passwordHash}, time.Time{}); err != nil {
		if fault.Is(err, fault.Conflict) {
			return Account{}, fault.Errorf(fault.Conflict, "There is already an account with this e-mail address. Sign in instead.")
		}
		return Account{}, err
	}
	return a, s.event(ctx, a.ID, "identity.account_created", "account:"+a.ID, map[string]string{"language": a.Language})
}

// screenName refuses a name in which screening finds personal data or a
// listed word: a name is shown to the group, and a first name to partners.
func (s *Service) screenName(ctx context.Context, panelID, name, lang string) error {
	screenWith := screen.Screen
	if s.Screeners != nil && panelID != "" {
		sc, err := s.Screeners.ScreenerFor(ctx, panelID)
		if err != nil {
			return err
		}
		screenWith = sc.Screen
	}
	res, err := screenWith(name, lang)
	if err != nil {
		return err
	}
	if res.Held() {
		return fault.Errorf(fault.Invalid, "A name cannot hold an e-mail address, a phone number, an address, a link or words that are not allowed. Please write just your name.")
	}
	return nil
}

// Account returns the account id.
func (s *Service) Account(ctx context.Context, id string) (Account, error) {
	d, err := store.GetAs[storedAccount](ctx, s.Docs, AccountsCollection, id)
	return d.Value.Account, err
}

// Credentials returns the account with this e-mail and its password hash,
// for signing in; fault.NotFound when there is none.
func (s *Service) Credentials(ctx context.Context, email string) (Account, string, error) {
	email, err := CleanEmail(email)
	if err != nil {
		return Account{}, "", fault.Errorf(fault.NotFound, "no such account")
	}
	docs, err := store.FindAs[storedAccount](ctx, s.Docs, AccountsCollection, store.Query{
		Where: []store.Cond{{Field: "email", Op: store.Eq, Value: email}}, Limit: 1}, 1)
	if err != nil {
		return Account{}, "", err
	}
	if len(docs) == 0 {
		return Account{}, "", fault.Errorf(fault.NotFound, "no such account")
	}
	return docs[0].Value.Account, docs[0].Value.PasswordHash, nil
}

// PasswordHash returns the stored password hash of account id.
func (s *Service) PasswordHash(ctx context.Context, id string) (string, error) {
	d, err := store.GetAs[storedAccount](ctx, s.Docs, AccountsCollection, id)
	return d.Value.PasswordHash, err
}

// SetPasswordHash replaces the account's password hash.
func (s *Service) SetPasswordHash(ctx context.Context, id, hash string) error {
	return s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		d, err := store.GetAs[storedAccount](ctx, s.Docs, AccountsCollection, id)
		if err != nil {
			return err
		}
		d.Value.PasswordHash = hash
		if _, err := store.UpdateAs(ctx, s.Docs, AccountsCollection, id, d.Version, d.Value, time.Time{}); err != nil {
			return err
		}
		return s.event(ctx, id, "identity.password_changed", "account:"+id, nil)
	})
}

// SetLanguage changes the language of account id (its e-mails, and what
// Chorus opens in after sign-in); fault.Invalid for a language Chorus does
// not speak.
func (s *Service) SetLanguage(ctx context.Context, id, lang string) (Account, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Account, error) {
		if !language.Valid(lang) {
			return Account{}, fault.Errorf(fault.Invalid, "Choose one of the languages Chorus speaks: %s.", strings.Join(Languages, ", "))
		}
		d, err := store.GetAs[storedAccount](ctx, s.Docs, AccountsCollection, id)
		if err != nil {
			return Account{}, err
		}
		if d.Value.Language == lang {
			return d.Value.Account, nil
		}
		from := d.Value.Language
		d.Value.Language = lang
		if _, err := store.UpdateAs(ctx, s.Docs, AccountsCollection, id, d.Version, d.Value, time.Time{}); err != nil {
			return Account{}, err
		}
		return d.Value.Account, s.event(ctx, id, "identity.language_changed", "account:"+id, map[string]string{"from": from, "to": lang})
	})
}

// EraseAccount removes a person: their memberships and the invitations to
// their address go, and the account keeps only its id (so records that
// point at it stay readable) with no name, e-mail, date of birth or
// password. Nobody can sign in to it again.
func (s *Service) EraseAccount(ctx context.Context, id string) error {
	return s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		d, err := store.GetAs[storedAccount](ctx, s.Docs, AccountsCollection, id)
		if err != nil {
			return err
		}
		docs, err := store.FindAs[storedMembership](ctx, s.Docs, MembershipsCollection, store.Query{
			Where: []store.Cond{{Field: "accountId", Op: store.Eq, Value: id}}, Limit: store.MaxLimit}, maxListed)
		if err != nil {
			return err
		}
		for _, m := range docs {
			if err := s.Docs.Delete(ctx, MembershipsCollection, m.Value.ID); err != nil && !fault.Is(err, fault.NotFound) {
				return err
			}
		}
		// Invitations name the address (and the invitation accepted is how
		// the person came in): they go with the account.
		invs, err := store.FindAs[Invitation](ctx, s.Docs, InvitationsCollection, store.Query{
			Where: []store.Cond{{Field: "email", Op: store.Eq, Value: d.Value.Email}}, Limit: store.MaxLimit}, maxListed)
		if err != nil {
			return err
		}
		for _, inv := range invs {
			if err := s.Docs.Delete(ctx, InvitationsCollection, inv.Value.ID); err != nil && !fault.Is(err, fault.NotFound) {
				return err
			}
		}
		// The e-mail is unique, so each erased account gets its own
		// undeliverable placeholder (.invalid is reserved, RFC 2606).
		erased := storedAccount{Account: Account{ID: id, DisplayName: ErasedName, Email: "erased-" + id + "@erased.invalid",
			Language: d.Value.Language, CreatedAt: d.Value.CreatedAt}}
		if _, err := store.UpdateAs(ctx, s.Docs, AccountsCollection, id, d.Version, erased, time.Time{}); err != nil {
			return err
		}
		return s.event(ctx, id, "identity.account_erased", "account:"+id, nil)
	})
}

// ErasedName is shown where an erased person's name used to be.
const ErasedName = "Former member"

// YouthAccounts returns every account with a date of birth, for the
// worker's coming-of-age check.
func (s *Service) YouthAccounts(ctx context.Context) ([]Account, error) {
	var out []Account
	q := store.Query{Limit: store.MaxLimit}
	for {
		page, err := s.Docs.Find(ctx, AccountsCollection, q)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Records {
			var a storedAccount
			if err := json.Unmarshal(r.Data, &a); err != nil {
				return nil, fault.Wrap(fault.Internal, err, "stored account is not readable")
			}
			if a.BirthDate != "" {
				out = append(out, a.Account)
			}
		}
		if page.Next == "" {
			return out, nil
		}
		q.After = page.Next
	}
}

// Memberships returns everything account id is a member of, oldest first
// (so a coordinator's own centre, from set-up, comes before the centres
// they started later).
func (s *Service) Memberships(ctx context.Context, accountID string) ([]Membership, error) {
	docs, err := store.FindAs[storedMembership](ctx, s.Docs, MembershipsCollection, store.Query{
		Where: []store.Cond{{Field: "accountId", Op: store.Eq, Value: accountID}}, Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(docs, func(a, b store.Doc[storedMembership]) int { return a.Value.CreatedAt.Compare(b.Value.CreatedAt) })
	out := make([]Membership, len(docs))
	centres := map[string]string{} // panel id -> centre id
	for i, d := range docs {
		m := d.Value.Membership
		if m.PanelID != "" && m.CentreID == "" { // kept before memberships named their centre
			c, ok := centres[m.PanelID]
			if !ok {
				p, err := s.Panel(ctx, m.PanelID)
				if err != nil && !fault.Is(err, fault.NotFound) {
					return nil, err
				}
				c, centres[m.PanelID] = p.OrgID, p.OrgID
			}
			m.CentreID = c
		}
		out[i] = m
	}
	return out, nil
}

// Member is an account with its membership, for member lists.
type Member struct {
	Account    Account    `json:"account"`
	Membership Membership `json:"membership"`
}

// PanelMembers lists the members of a panel (all its groups).
func (s *Service) PanelMembers(ctx context.Context, panelID string) ([]Member, error) {
	docs, err := store.FindAs[storedMembership](ctx, s.Docs, MembershipsCollection, store.Query{
		Where: []store.Cond{{Field: "panelId", Op: store.Eq, Value: panelID}}, Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return nil, err
	}
	out := make([]Member, 0, len(docs))
	for _, d := range docs {
		a, err := s.Account(ctx, d.Value.AccountID)
		if err != nil {
			return nil, err
		}
		out = append(out, Member{Account: a, Membership: d.Value.Membership})
	}
	return out, nil
}

// GroupHasModerator reports whether a moderator is a member of the group:
// only then is the group a space where its members may write to each
// other (safeguarding rule 1).
func (s *Service) GroupHasModerator(ctx context.Context, groupID string) (bool, error) {
	if groupID == "" {
		return false, nil
	}
	docs, err := store.FindAs[storedMembership](ctx, s.Docs, MembershipsCollection, store.Query{
		Where: []store.Cond{{Field: "groupId", Op: store.Eq, Value: groupID}}, Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return false, err
	}
	for _, d := range docs {
		if d.Value.Role == Moderator {
			return true, nil
		}
	}
	return false, nil
}

// AddCoordinator makes the coordinator who created a panel a coordinator of
// it. Coordinators are staff of the centre that runs the panel, not
// youth, so rule 7 (a minor's agreement) does not apply.
func (s *Service) AddCoordinator(ctx context.Context, accountID, panelID string) error {
	return s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		p, err := s.Panel(ctx, panelID)
		if err != nil {
			return err
		}
		return s.addMembership(ctx, accountID, Membership{PanelID: p.ID, CentreID: p.OrgID, Role: Coordinator})
	})
}

func (s *Service) addMembership(ctx context.Context, accountID string, m Membership) error {
	sm := storedMembership{Membership: m, ID: uuid.NewString(), AccountID: accountID,
		Key: strings.Join([]string{accountID, m.PanelID, m.GroupID, m.OrgID}, "|"), CreatedAt: s.now()}
	if err := store.InsertAs(ctx, s.Docs, MembershipsCollection, sm.ID, sm, time.Time{}); err != nil {
		if fault.Is(err, fault.Conflict) {
			return fault.Errorf(fault.Conflict, "You are already a member here.")
		}
		return err
	}
	return s.event(ctx, accountID, "identity.membership_added", "account:"+accountID, m)
}

// --- invitations ---

// InviteInput describes an invitation.
type InviteInput struct {
	Email    string
	Role     Role
	PanelID  string
	GroupID  string // optional
	OrgID    string // required for partners: their organisation
	Language string // of the invitation mail and the sign-up page
}

// Invite records an invitation and returns it with its token (to be mailed;
// only the token's hash is kept). It expires after 14 days.
func (s *Service) Invite(ctx context.Context, actorID string, in InviteInput) (Invitation, string, error) {
	email, err := CleanEmail(in.Email)
	if err != nil {
		return Invitation{}, "", err
	}
	if !in.Role.Valid() {
		return Invitation{}, "", fault.Errorf(fault.Invalid, "Choose a role: youth, ambassador, moderator, partner or coordinator.")
	}
	lang, err := cleanLanguage(in.Language)
	if err != nil {
		return Invitation{}, "", err
	}
	panel, err := s.Panel(ctx, in.PanelID)
	if err != nil {
		return Invitation{}, "", err
	}
	if in.GroupID != "" {
		g, err := s.Group(ctx, in.GroupID)
		if err != nil {
			return Invitation{}, "", err
		}
		if g.PanelID != in.PanelID {
			return Invitation{}, "", fault.Errorf(fault.Invalid, "This group is not in this panel.")
		}
	}
	if in.Role == Partner {
		// Partner organisations are invited per panel, only by the centre
		// that registered them: nothing crosses to another centre.
		org, err := s.Organisation(ctx, in.OrgID)
		if err != nil || org.Kind != IndustryPartner || org.CentreID != panel.OrgID {
			return Invitation{}, "", fault.Errorf(fault.Invalid, "Partners are invited for their industry partner organisation.")
		}
	} else {
		in.OrgID = ""
	}
	token, hash := newToken()
	now := s.now()
	inv := Invitation{ID: uuid.NewString(), Email: email, Role: in.Role, PanelID: in.PanelID, GroupID: in.GroupID, OrgID: in.OrgID,
		Language: lang, InvitedBy: actorID, State: InvitationPending, TokenHash: hash, ExpiresAt: now.Add(InvitationTTL), CreatedAt: now}
	err = s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		if err := store.InsertAs(ctx, s.Docs, InvitationsCollection, inv.ID, inv, time.Time{}); err != nil {
			return err
		}
		return s.event(ctx, actorID, "identity.invitation_created", "invitation:"+inv.ID,
			map[string]string{"role": string(inv.Role), "panelId": inv.PanelID, "groupId": inv.GroupID})
	})
	if err != nil {
		return Invitation{}, "", err
	}
	return inv, token, nil
}

// Invitation returns the invitation id (for coordinators).
func (s *Service) Invitation(ctx context.Context, id string) (Invitation, error) {
	d, err := store.GetAs[Invitation](ctx, s.Docs, InvitationsCollection, id)
	return d.Value, err
}

// Invitations lists the invitations of a panel.
func (s *Service) Invitations(ctx context.Context, panelID string) ([]Invitation, error) {
	return values(store.FindAs[Invitation](ctx, s.Docs, InvitationsCollection, store.Query{
		Where: []store.Cond{{Field: "panelId", Op: store.Eq, Value: panelID}}, Limit: store.MaxLimit}, maxListed))
}

// RevokeInvitation makes a pending invitation unusable.
func (s *Service) RevokeInvitation(ctx context.Context, actorID, id string) error {
	return s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		d, err := store.GetAs[Invitation](ctx, s.Docs, InvitationsCollection, id)
		if err != nil {
			return err
		}
		if d.Value.State != InvitationPending {
			return fault.Errorf(fault.Conflict, "This invitation was already %s.", d.Value.State)
		}
		d.Value.State = InvitationRevoked
		if _, err := store.UpdateAs(ctx, s.Docs, InvitationsCollection, id, d.Version, d.Value, time.Time{}); err != nil {
			return err
		}
		return s.event(ctx, actorID, "identity.invitation_revoked", "invitation:"+id, nil)
	})
}

// RenewInvitation gives a pending (or expired) invitation a new token and
// 14 more days, for resending; the old link stops working.
func (s *Service) RenewInvitation(ctx context.Context, actorID, id string) (Invitation, string, error) {
	token, hash := newToken()
	inv, err := store.Atomically(ctx, s.Docs, func(ctx context.Context) (Invitation, error) {
		d, err := store.GetAs[Invitation](ctx, s.Docs, InvitationsCollection, id)
		if err != nil {
			return Invitation{}, err
		}
		if d.Value.State != InvitationPending {
			return Invitation{}, fault.Errorf(fault.Conflict, "This invitation was already %s.", d.Value.State)
		}
		d.Value.TokenHash = hash
		d.Value.ExpiresAt = s.now().Add(InvitationTTL)
		if _, err := store.UpdateAs(ctx, s.Docs, InvitationsCollection, id, d.Version, d.Value, time.Time{}); err != nil {
			return Invitation{}, err
		}
		return d.Value, s.event(ctx, actorID, "identity.invitation_renewed", "invitation:"+id, nil)
	})
	if err != nil {
		return Invitation{}, "", err
	}
	return inv, token, nil
}

// OpenInvitation returns the pending invitation behind token. Unknown,
// revoked, used and expired tokens get errors that say what to do.
func (s *Service) OpenInvitation(ctx context.Context, token string) (store.Doc[Invitation], error) {
	docs, err := store.FindAs[Invitation](ctx, s.Docs, InvitationsCollection, store.Query{
		Where: []store.Cond{{Field: "tokenHash", Op: store.Eq, Value: hashToken(token)}}, Limit: 1}, 1)
	if err != nil {
		return store.Doc[Invitation]{}, err
	}
	if len(docs) == 0 {
		return store.Doc[Invitation]{}, fault.Errorf(fault.NotFound, "This invitation link is not valid. Check that you copied the whole link.")
	}
	inv := docs[0]
	switch {
	case inv.Value.State == InvitationAccepted:
		return inv, fault.Errorf(fault.Conflict, "This invitation was already used. Sign in instead.")
	case inv.Value.State == InvitationRevoked:
		return inv, fault.Errorf(fault.Forbidden, "This invitation was cancelled. Ask the person who invited you.")
	case !s.now().Before(inv.Value.ExpiresAt):
		return inv, fault.Errorf(fault.Forbidden, "This invitation has expired. Ask the person who invited you to send it again.")
	}
	return inv, nil
}

// AcceptInput is what the invited person gives.
type AcceptInput struct {
	Token        string
	DisplayName  string
	PasswordHash string
	BirthDate    string // youth roles: YYYY-MM-DD, validated by the caller (package consent)
	Country      string // youth roles: validated by the caller
	Language     string
}

// AcceptInvitation creates the account and its membership. Joining is the
// invited person's own act (safeguarding rule 7: nobody adds a minor to a
// group without the minor's agreement). Using the invitation up, the
// account, the membership and their events are one transaction: when any
// fails, the invitation stays pending and the person can correct their
// input and try again.
func (s *Service) AcceptInvitation(ctx context.Context, in AcceptInput) (Account, Membership, error) {
	var acc Account
	var m Membership
	err := s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		inv, err := s.OpenInvitation(ctx, in.Token)
		if err != nil {
			return err
		}
		// Claim the invitation (compare and set), so two tabs cannot use it twice.
		v := inv.Value
		v.State = InvitationAccepted
		if _, err := store.UpdateAs(ctx, s.Docs, InvitationsCollection, v.ID, inv.Version, v, time.Time{}); err != nil {
			if fault.Is(err, fault.Conflict) {
				return fault.Errorf(fault.Conflict, "This invitation was already used. Sign in instead.")
			}
			return err
		}
		a := Account{DisplayName: in.DisplayName, Email: v.Email, Language: in.Language}
		if v.Role.IsYouth() {
			if in.BirthDate == "" || in.Country == "" {
				return fault.Errorf(fault.Invalid, "Tell us your date of birth and your country.")
			}
			a.BirthDate, a.Country = in.BirthDate, strings.ToUpper(in.Country)
		}
		if acc, err = s.createAccount(ctx, a, in.PasswordHash, v.PanelID); err != nil {
			return err
		}
		m = Membership{PanelID: v.PanelID, GroupID: v.GroupID, OrgID: v.OrgID, Role: v.Role}
		if p, err := s.Panel(ctx, v.PanelID); err == nil {
			m.CentreID = p.OrgID
		}
		if err := s.addMembership(ctx, acc.ID, m); err != nil {
			return err
		}
		return s.event(ctx, acc.ID, "identity.invitation_accepted", "invitation:"+v.ID, nil)
	})
	if err != nil {
		return Account{}, Membership{}, err
	}
	return acc, m, nil
}

// --- validation and tokens ---

// CleanEmail trims and lower-cases an e-mail address and rejects anything
// that is not one plain address.
func CleanEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if len(email) > MaxEmailLength {
		return "", fault.Errorf(fault.Invalid, "This e-mail address is too long.")
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || !strings.Contains(email[strings.IndexByte(email, '@')+1:], ".") {
		return "", fault.Errorf(fault.Invalid, "This does not look like an e-mail address. Check it and try again.")
	}
	return email, nil
}

func cleanName(what, name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	switch {
	case name == "":
		return "", fault.Errorf(fault.Invalid, "Fill in the %s.", what)
	case utf8.RuneCountInString(name) > MaxNameLength:
		return "", fault.Errorf(fault.Invalid, "The %s is too long: at most %d characters.", what, MaxNameLength)
	case strings.ContainsAny(name, "<>"):
		return "", fault.Errorf(fault.Invalid, "The %s cannot contain < or >.", what)
	}
	return name, nil
}

// Languages Chorus speaks.
var Languages = language.Codes

func cleanLanguage(lang string) (string, error) {
	if lang == "" {
		return language.Default, nil
	}
	if language.Valid(lang) {
		return lang, nil
	}
	return "", fault.Errorf(fault.Invalid, "Choose one of the languages Chorus speaks: %s.", strings.Join(Languages, ", "))
}

func cleanLanguages(langs []string) ([]string, error) {
	if len(langs) == 0 {
		return []string{"en"}, nil
	}
	out := make([]string, 0, len(langs))
	for _, l := range langs {
		c, err := cleanLanguage(l)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// newToken returns a random URL-safe token and the hash that is stored
// instead of it, so a copy of the database opens no door.
func newToken() (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func equalHash(hash, token string) bool {
	return token != "" && hash == hashToken(token)
}

func values[T any](docs []store.Doc[T], err error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	out := make([]T, len(docs))
	for i, d := range docs {
		out[i] = d.Value
	}
	return out, nil
}
