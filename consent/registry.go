package consent

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"chorus/fault"
	"chorus/language"
)

// The scope registry is data (data/scopes.json) so that texts can be
// reviewed and translated, and who manages what can be read, without
// reading Go.
//
//go:embed data/scopes.json
var scopesJSON []byte

// Manager says who decides a scope for a person of a given age band.
type Manager string

// The managers.
const (
	ManagedByYouth    Manager = "youth"       // the person decides alone
	ManagedByGuardian Manager = "guardian"    // a guardian decides; the child may still withdraw
	ManagedByJoint    Manager = "joint"       // child and guardian must both grant
	NotAllowed        Manager = "not_allowed" // nobody may grant it for this band
)

// Audience is who a text is written for.
type Audience string

// The audiences of scope texts.
const (
	ForYouth    Audience = "youth"
	ForGuardian Audience = "guardian"
)

// Level is how sure Chorus is that a guardian's grant comes from the
// child's parent or carer. Verification scales with risk (DESIGN.md).
type Level string

// The levels, weakest first.
const (
	LevelNone           Level = ""                // nothing checked
	LevelEmailConfirmed Level = "email_confirmed" // the guardian used a link sent to their address
	LevelStrong         Level = "strong"          // a signed form was checked, or an age-assurance provider vouched
)

func (l Level) rank() int {
	switch l {
	case LevelEmailConfirmed:
		return 1
	case LevelStrong:
		return 2
	}
	return 0
}

// AtLeast reports whether l is as strong as need.
func (l Level) AtLeast(need Level) bool { return l.rank() >= need.rank() }

// Method is how an action was verified. Its Level is fixed by the method.
type Method string

// The methods.
const (
	MethodSignedIn          Method = "signed_in"           // the person acted from their own account
	MethodEmailConfirmed    Method = "email_confirmed"     // a guardian acted through a link mailed to them
	MethodSignedFormChecked Method = "signed_form_checked" // a coordinator checked a signed form (uploaded)
	MethodAgeAssurance      Method = "age_assurance"       // an age-assurance provider vouched for the guardian
)

// Level returns the verification level the method reaches for a guardian.
func (m Method) Level() Level {
	switch m {
	case MethodEmailConfirmed:
		return LevelEmailConfirmed
	case MethodSignedFormChecked, MethodAgeAssurance:
		return LevelStrong
	}
	return LevelNone
}

// Languages are the languages every text exists in: those Chorus speaks.
var Languages = language.Codes

// ValidLanguage reports whether Chorus has texts in lang.
func ValidLanguage(lang string) bool { return slices.Contains(Languages, lang) }

// ScopeInfo is one registry entry.
type ScopeInfo struct {
	Code         Scope               `json:"code"`
	ShortName    map[string]string   `json:"shortName"`
	YouthText    map[string]string   `json:"youthText"`
	GuardianText map[string]string   `json:"guardianText"`
	ManagedBy    map[AgeBand]Manager `json:"managedBy"`
	WhereJoint   map[AgeBand]Manager `json:"managedByWhereJoint"`
	Verification Level               `json:"guardianVerification"` // what a guardian's grant needs
	Processing   []string            `json:"processing"`           // DPV processing operations, for the 27560 export
	// What GDPR Art. 13 asks people be told, exported in every record.
	Purpose        map[string]string `json:"purpose"`        // why, in every language
	DataCategories []string          `json:"dataCategories"` // DPV personal data categories
	Recipients     Recipients        `json:"recipients"`     // who receives the data
	Retention      string            `json:"retention"`      // how long it is kept (English, as the export's words)

	hashes map[string][32]byte // audience+"/"+lang -> sha256 of the text
}

// Recipients says who receives the data a scope covers.
type Recipients string

// The recipients.
const (
	ToGroup    Recipients = "group"    // the person's group and its moderators
	ToPanel    Recipients = "panel"    // the panel, its staff and, under moderation, its partner organisations
	ToPartners Recipients = "partners" // the panel's partner organisations (named in each export)
)

// Registry is the scope registry.
type Registry struct {
	Version int         `json:"version"`
	Scopes  []ScopeInfo `json:"scopes"`
	byCode  map[Scope]*ScopeInfo
}

// DefaultRegistry returns the embedded registry. It panics only if the
// embedded file is broken, which the package's tests rule out.
func DefaultRegistry() *Registry {
	r, err := ParseRegistry(scopesJSON)
	if err != nil {
		panic(err)
	}
	return r
}

// ParseRegistry reads a registry (the format of data/scopes.json) and checks
// it is complete: every scope of Scopes, texts in every language for both
// audiences, a manager for every band and a known verification level. An
// incomplete registry would show someone a blank consent text.
func ParseRegistry(b []byte) (*Registry, error) {
	var r Registry
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("consent: scope registry: %w", err)
	}
	r.byCode = map[Scope]*ScopeInfo{}
	for i := range r.Scopes {
		s := &r.Scopes[i]
		if !slices.Contains(Scopes, s.Code) {
			return nil, fmt.Errorf("consent: scope registry: unknown scope %q", s.Code)
		}
		if _, dup := r.byCode[s.Code]; dup {
			return nil, fmt.Errorf("consent: scope registry: scope %q twice", s.Code)
		}
		s.hashes = map[string][32]byte{}
		for _, lang := range Languages {
			for name, texts := range map[string]map[string]string{"shortName": s.ShortName, "youthText": s.YouthText, "guardianText": s.GuardianText, "purpose": s.Purpose} {
				if texts[lang] == "" {
					return nil, fmt.Errorf("consent: scope registry: %s has no %s in %q", s.Code, name, lang)
				}
			}
			s.hashes[string(ForYouth)+"/"+lang] = sha256.Sum256([]byte(s.YouthText[lang]))
			s.hashes[string(ForGuardian)+"/"+lang] = sha256.Sum256([]byte(s.GuardianText[lang]))
		}
		for _, band := range AgeBands {
			if !validManager(s.ManagedBy[band]) {
				return nil, fmt.Errorf("consent: scope registry: %s has no valid manager for %s", s.Code, band)
			}
		}
		for band, m := range s.WhereJoint {
			if !slices.Contains(AgeBands, band) || !validManager(m) {
				return nil, fmt.Errorf("consent: scope registry: %s has a bad joint override %s=%s", s.Code, band, m)
			}
		}
		if len(s.Processing) == 0 {
			return nil, fmt.Errorf("consent: scope registry: %s lists no processing", s.Code)
		}
		if len(s.DataCategories) == 0 || s.Retention == "" || (s.Recipients != ToGroup && s.Recipients != ToPanel && s.Recipients != ToPartners) {
			return nil, fmt.Errorf("consent: scope registry: %s lacks data categories, retention or known recipients (Art. 13)", s.Code)
		}
		if s.Verification != LevelEmailConfirmed && s.Verification != LevelStrong {
			return nil, fmt.Errorf("consent: scope registry: %s has unknown verification level %q", s.Code, s.Verification)
		}
		r.byCode[s.Code] = s
	}
	for _, code := range Scopes {
		if r.byCode[code] == nil {
			return nil, fmt.Errorf("consent: scope registry: scope %q missing", code)
		}
	}
	return &r, nil
}

func validManager(m Manager) bool {
	return m == ManagedByYouth || m == ManagedByGuardian || m == ManagedByJoint || m == NotAllowed
}

// Info returns the registry entry of scope, or fault.Invalid for an unknown
// scope (scopes arrive from requests).
func (r *Registry) Info(scope Scope) (*ScopeInfo, error) {
	s := r.byCode[scope]
	if s == nil {
		return nil, fault.Errorf(fault.Invalid, "unknown consent scope %q", scope)
	}
	return s, nil
}

// WhoManages returns who decides scope for a person of band; joint is true
// where the country's ages row marks joint consent (see Ages.Joint). Unknown
// scopes are NotAllowed: nothing can be granted that the registry does not
// describe.
func (r *Registry) WhoManages(scope Scope, band AgeBand, joint bool) Manager {
	s := r.byCode[scope]
	if s == nil {
		return NotAllowed
	}
	if joint {
		if m, ok := s.WhereJoint[band]; ok {
			return m
		}
	}
	if m, ok := s.ManagedBy[band]; ok {
		return m
	}
	return NotAllowed
}

// GuardianLevel returns the verification a guardian's grant of scope needs
// before it counts.
func (r *Registry) GuardianLevel(scope Scope) Level {
	if s := r.byCode[scope]; s != nil {
		return s.Verification
	}
	return LevelStrong
}

// Text returns the text of scope shown to audience in lang.
func (r *Registry) Text(scope Scope, audience Audience, lang string) (string, error) {
	s, err := r.Info(scope)
	if err != nil {
		return "", err
	}
	if !ValidLanguage(lang) {
		return "", fault.Errorf(fault.Invalid, "unsupported language %q", lang)
	}
	switch audience {
	case ForYouth:
		return s.YouthText[lang], nil
	case ForGuardian:
		return s.GuardianText[lang], nil
	}
	return "", fault.Errorf(fault.Invalid, "unknown audience %q", audience)
}

// TextHash returns the hex sha256 of the exact text of scope shown to
// audience in lang: the "text version" each grant records, so that what a
// person agreed to can be proven after the texts change (GDPR Art. 7(1)).
func (r *Registry) TextHash(scope Scope, audience Audience, lang string) (string, error) {
	if _, err := r.Text(scope, audience, lang); err != nil {
		return "", err
	}
	h := r.byCode[scope].hashes[string(audience)+"/"+lang]
	return hex.EncodeToString(h[:]), nil
}
