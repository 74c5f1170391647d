package policy

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"chorus/consent"
	"chorus/identity"
)

// The matrix test: testdata/matrix.txt lists, by hand, every combination
// that is allowed. TestMatrix asks Decide about every combination of action,
// role, age band, set of consents held, relation and resource flags, and
// fails on any allow the file does not list and any listed allow that is
// denied.

// roleNone is a signed-in account with no membership yet (a new account
// about to accept its first invitation); roleCentre is a coordinator of the
// whole Safer Internet Centre c1 (a membership without a panel).
const (
	roleNone   identity.Role = "none"
	roleCentre identity.Role = "centre_coordinator"
)

var matrixRoles = append([]identity.Role{roleNone, roleCentre}, identity.Roles...)

// Relations of the test resource to the asker, whose one membership is
// panel p1, group g1 of centre c1 (organisation o1 for partners; the whole
// centre c1 for centre coordinators). "same_centre" in matrix.txt stands
// for the first four.
var matrixRelations = []string{"self", "same_group", "same_panel", "other_panel", "other_centre"}

var matrixSameCentre = []string{"self", "same_group", "same_panel", "other_panel"}

// Organisation the test resource is published to: the asker's, another, none.
var matrixOrgs = []string{"o1", "o2", ""}

type matrixLine struct {
	lineNo     int
	action     Action
	never      bool
	roles      []string // "*" allowed
	relations  []string
	bands      []string
	needs      consent.Scope
	ifs        []string
	orgSame    bool
	ownerAdult bool
	ownerHolds consent.Scope
	ownerBelow bool
	// inviteeOutsideGroups: the invitation or membership is not a
	// partner's in a group (invitee=not_partner_in_group).
	inviteeOutsideGroups bool
}

func loadMatrix(t *testing.T) []matrixLine {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "matrix.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	known := map[string]bool{}
	for _, a := range Actions() {
		known[string(a)] = true
	}
	var lines []matrixLine
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		text, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		if !known[fields[0]] {
			t.Fatalf("matrix.txt:%d: unknown action %q", n, fields[0])
		}
		l := matrixLine{lineNo: n, action: Action(fields[0])}
		if len(fields) == 2 && fields[1] == "never" {
			l.never = true
			lines = append(lines, l)
			continue
		}
		if len(fields) < 4 {
			t.Fatalf("matrix.txt:%d: want action roles relations bands [conditions], got %q", n, text)
		}
		l.roles = splitChecked(t, n, fields[1], roleNames())
		l.relations = splitChecked(t, n, strings.ReplaceAll(fields[2], "same_centre", strings.Join(matrixSameCentre, ",")), matrixRelations)
		l.bands = splitChecked(t, n, fields[3], bandNames())
		for _, c := range fields[4:] {
			key, val, _ := strings.Cut(c, "=")
			switch {
			case key == "needs" && slices.Contains(consent.Scopes, consent.Scope(val)):
				l.needs = consent.Scope(val)
			case key == "if" && slices.Contains([]string{"has_moderator", "approved", "invited"}, val):
				l.ifs = append(l.ifs, val)
			case c == "org=same":
				l.orgSame = true
			case c == "owner=adult":
				l.ownerAdult = true
			case c == "owner=not_centre_staff":
				l.ownerBelow = true
			case c == "invitee=not_partner_in_group":
				l.inviteeOutsideGroups = true
			case key == "owner_holds" && slices.Contains(consent.Scopes, consent.Scope(val)):
				l.ownerHolds = consent.Scope(val)
			default:
				t.Fatalf("matrix.txt:%d: unknown condition %q", n, c)
			}
		}
		lines = append(lines, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

func splitChecked(t *testing.T, n int, field string, valid []string) []string {
	t.Helper()
	if field == "*" {
		return []string{"*"}
	}
	parts := strings.Split(field, ",")
	for _, p := range parts {
		if !slices.Contains(valid, p) {
			t.Fatalf("matrix.txt:%d: unknown value %q (want one of %v or *)", n, p, valid)
		}
	}
	return parts
}

func roleNames() []string {
	out := []string{string(roleCentre)}
	for _, r := range identity.Roles {
		out = append(out, string(r))
	}
	return out
}

func bandNames() []string {
	var out []string
	for _, b := range consent.AgeBands {
		out = append(out, string(b))
	}
	return out
}

func has(list []string, v string) bool { return slices.Contains(list, "*") || slices.Contains(list, v) }

// matrixCase is one combination.
type matrixCase struct {
	role     identity.Role
	band     consent.AgeBand
	consents []consent.Scope
	relation string
	s        Subject
	r        Resource
}

func (c matrixCase) String() string {
	return fmt.Sprintf("role=%s band=%s consents=%v relation=%s org=%q moderator=%t approved=%t invited=%t owner_band=%s owner_consents=%v owner_centre_staff=%t invitee=%q group=%q",
		c.role, c.band, c.consents, c.relation, c.r.OrgID, c.r.GroupHasModerator, c.r.Approved, c.r.Invited, c.r.OwnerBand, c.r.OwnerConsents, c.r.OwnerCentreStaff, c.r.Role, c.r.GroupID)
}

// want is what matrix.txt says about c: allowed, and if denied only for a
// missing consent, which scope.
func want(lines []matrixLine, a Action, c matrixCase) (allow bool, missing consent.Scope) {
	for _, l := range lines {
		if l.action != a || l.never {
			continue
		}
		if !has(l.roles, string(c.role)) {
			continue
		}
		if !has(l.relations, c.relation) || !has(l.bands, string(c.band)) {
			continue
		}
		ok := true
		for _, f := range l.ifs {
			switch f {
			case "has_moderator":
				ok = ok && c.r.GroupHasModerator
			case "approved":
				ok = ok && c.r.Approved
			case "invited":
				ok = ok && c.r.Invited
			}
		}
		if l.orgSame {
			ok = ok && c.role == identity.Partner && c.r.OrgID == "o1"
		}
		if l.ownerAdult {
			ok = ok && c.r.OwnerBand == consent.Adult
		}
		if l.ownerHolds != "" {
			ok = ok && slices.Contains(c.r.OwnerConsents, l.ownerHolds)
		}
		if l.ownerBelow {
			ok = ok && !c.r.OwnerCentreStaff
		}
		if l.inviteeOutsideGroups {
			ok = ok && !(c.r.Role == identity.Partner && c.r.GroupID != "")
		}
		if !ok {
			continue
		}
		if l.needs != "" && !slices.Contains(c.consents, l.needs) {
			missing = l.needs
			continue
		}
		return true, ""
	}
	return false, missing
}

// subsets returns all 16 subsets of the consent scopes.
func subsets() [][]consent.Scope {
	var out [][]consent.Scope
	for mask := 0; mask < 1<<len(consent.Scopes); mask++ {
		var set []consent.Scope
		for i, sc := range consent.Scopes {
			if mask&(1<<i) != 0 {
				set = append(set, sc)
			}
		}
		out = append(out, set)
	}
	return out
}

// owner is the band and consents of the person a resource is about.
type owner struct {
	band     consent.AgeBand
	consents []consent.Scope
}

// forEachCase calls fn for every combination for action a.
func forEachCase(a Action, fn func(matrixCase)) {
	nameVisible := []consent.Scope{consent.NameVisibleToPartners}
	for _, role := range matrixRoles {
		for _, band := range consent.AgeBands {
			for _, held := range subsets() {
				s := Subject{AccountID: "me", Band: band, Consents: held}
				switch role {
				case roleNone:
				case roleCentre:
					s.Memberships = []identity.Membership{{OrgID: "c1", Role: identity.Coordinator}}
				default:
					m := identity.Membership{PanelID: "p1", GroupID: "g1", CentreID: "c1", Role: role}
					if role == identity.Partner {
						m.OrgID = "o1"
					}
					s.Memberships = []identity.Membership{m}
				}
				for _, rel := range matrixRelations {
					base := Resource{Kind: a.Kind(), OwnerID: "other", CentreID: "c1", PanelID: "p1", GroupID: "g1"}
					switch rel {
					case "self":
						base.OwnerID = "me"
					case "same_panel":
						base.GroupID = "g2"
					case "other_panel":
						base.PanelID, base.GroupID = "p2", "g3"
					case "other_centre":
						base.CentreID, base.PanelID, base.GroupID = "c2", "p3", "g4"
					}
					if base.Kind == KindCentre {
						base.PanelID, base.GroupID = "", ""
					}
					nFlags := 8
					if base.Kind == KindSanction {
						nFlags = 16 // whether the person sanctioned coordinates the centre matters only here
					}
					// The owner's band and consents decide only about profiles
					// (rule 4); elsewhere the two extremes show that they
					// decide nothing, at a third of the cost.
					owners := []owner{{consent.AgeBands[len(consent.AgeBands)-1], nil}, {consent.Adult, nameVisible}}
					if base.Kind == KindProfile {
						owners = owners[:0]
						for _, b := range consent.AgeBands {
							owners = append(owners, owner{b, nil}, owner{b, nameVisible}, owner{b, []consent.Scope{consent.Participate}})
						}
					}
					// Whom an invitation or membership is for matters only
					// there (partners never in a group); a panel-wide one
					// (no group) is tried too.
					invitees := []identity.Role{""}
					groups := []string{base.GroupID}
					if base.Kind == KindInvitation || base.Kind == KindMembership {
						invitees = []identity.Role{"", identity.Youth, identity.Partner}
						groups = append(groups, "")
					}
					for _, org := range matrixOrgs {
						for flags := 0; flags < nFlags; flags++ {
							for _, o := range owners {
								for _, invitee := range invitees {
									for _, group := range groups {
										r := base
										r.Role, r.GroupID = invitee, group
										r.OrgID = org
										r.GroupHasModerator = flags&1 != 0
										r.Approved = flags&2 != 0
										r.Invited = flags&4 != 0
										r.OwnerCentreStaff = flags&8 != 0
										r.OwnerBand, r.OwnerConsents = o.band, o.consents
										fn(matrixCase{role: role, band: band, consents: held, relation: rel, s: s, r: r})
									}
								}
							}
						}
					}
				}
			}
		}
	}
}

func TestMatrix(t *testing.T) {
	lines := loadMatrix(t)
	var total atomic.Int64
	t.Run("action", func(t *testing.T) {
		for _, a := range Actions() {
			t.Run(string(a), func(t *testing.T) {
				t.Parallel()
				checkMatrix(t, lines, a, &total)
			})
		}
	})
	t.Logf("matrix checked %d combinations over %d actions", total.Load(), len(Actions()))
}

// checkMatrix checks every combination for one action against the table.
func checkMatrix(t *testing.T, lines []matrixLine, a Action, total *atomic.Int64) {
	const show = 5
	checked, bad := 0, 0
	forEachCase(a, func(c matrixCase) {
		checked++
		wantAllow, missing := want(lines, a, c)
		d := Decide(c.s, a, c.r)
		var problem string
		switch {
		case d.Allow && !wantAllow:
			problem = "got allow, want deny"
		case !d.Allow && wantAllow:
			problem = fmt.Sprintf("got deny (%s), want allow", d.Reason)
		case d.Allow && (d.Reason != ReasonAllowed || d.Scope != ""):
			problem = fmt.Sprintf("allowed with reason %q scope %q, want %q and no scope", d.Reason, d.Scope, ReasonAllowed)
		case !d.Allow && missing != "" && (d.Scope != missing || d.Reason != ReasonConsentRequired+":"+string(missing)):
			problem = fmt.Sprintf("denied with reason %q scope %q, want consent_required:%s", d.Reason, d.Scope, missing)
		}
		if problem == "" {
			return
		}
		bad++
		if bad <= show {
			t.Errorf("%s: action=%s %s", problem, a, c)
		}
	})
	if bad > show {
		t.Errorf("... and %d more wrong combinations for %s", bad-show, a)
	}
	total.Add(int64(checked))
}

// actionConstants finds every constant of type Action declared in the
// package's source, so a new action cannot slip past the table.
func actionConstants(t *testing.T) map[string]Action {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Action{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Action" {
					continue
				}
				for i, n := range vs.Names {
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Fatalf("Action constant %s is not a string literal", n.Name)
					}
					out[n.Name] = Action(strings.Trim(lit.Value, `"`))
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("found no Action constants")
	}
	return out
}

func TestEveryActionIsInTheRulesAndTheMatrix(t *testing.T) {
	lines := loadMatrix(t)
	inMatrix := map[Action]bool{}
	for _, l := range lines {
		inMatrix[l.action] = true
	}
	consts := actionConstants(t)
	for name, a := range consts {
		if _, ok := rules[a]; !ok {
			t.Errorf("constant %s (%q) has no rule; got undecidable action, want a row in rules.go", name, a)
		}
		if !inMatrix[a] {
			t.Errorf("constant %s (%q) is not in testdata/matrix.txt; want an allow line or %q", name, a, string(a)+" never")
		}
		if a.Kind() == "" {
			t.Errorf("constant %s (%q) applies to no resource kind", name, a)
		}
	}
	if got, want := len(Actions()), len(consts); got != want {
		t.Errorf("Actions() has %d entries, want %d (one per constant)", got, want)
	}
}

func TestNotSignedInIsDeniedEverything(t *testing.T) {
	for _, a := range Actions() {
		r := Resource{Kind: a.Kind(), PanelID: "p1", GroupID: "g1", OrgID: "o1", GroupHasModerator: true, Approved: true, Invited: true}
		for _, s := range []Subject{{}, {Memberships: []identity.Membership{{PanelID: "p1", GroupID: "g1", OrgID: "o1", Role: identity.Coordinator}}, Band: consent.Adult, Consents: consent.Scopes}} {
			if d := Decide(s, a, r); d.Allow || d.Reason != ReasonNotSignedIn {
				t.Errorf("%s without account: got allow=%t reason=%q, want deny %q", a, d.Allow, d.Reason, ReasonNotSignedIn)
			}
		}
	}
}

func TestUnknownActionAndWrongKindAreDenied(t *testing.T) {
	coord := Subject{AccountID: "me", Band: consent.Adult, Memberships: []identity.Membership{{PanelID: "p1", GroupID: "g1", Role: identity.Coordinator}}}
	if d := Decide(coord, Action("panel.delete_everything"), Resource{Kind: KindPanel, PanelID: "p1"}); d.Allow || d.Reason != ReasonUnknownAction {
		t.Errorf("unknown action: got allow=%t reason=%q, want deny %q", d.Allow, d.Reason, ReasonUnknownAction)
	}
	if d := Decide(coord, PanelSettingsEdit, Resource{Kind: KindPanel, PanelID: "p1"}); !d.Allow {
		t.Fatalf("coordinator editing own panel: got deny %q, want allow", d.Reason)
	}
	if d := Decide(coord, PanelSettingsEdit, Resource{Kind: KindGroup, PanelID: "p1"}); d.Allow || d.Reason != ReasonWrongResource {
		t.Errorf("wrong resource kind: got allow=%t reason=%q, want deny %q", d.Allow, d.Reason, ReasonWrongResource)
	}
}
