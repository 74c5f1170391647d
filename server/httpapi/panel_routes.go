package httpapi

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"chorus/consent"
	"chorus/fault"
	"chorus/identity"
	"chorus/mail"
	"chorus/mail/compose"
	"chorus/policy"
)

func (a *API) panelRoutes() []route {
	return []route{
		{fiber.MethodGet, "/api/organisations", a.getOrganisations},
		{fiber.MethodPost, "/api/organisations", a.postOrganisation},
		{fiber.MethodGet, "/api/panels", a.getPanels},
		{fiber.MethodPost, "/api/panels", a.postPanel},
		{fiber.MethodGet, "/api/panels/:panelId", a.getPanel},
		{fiber.MethodPatch, "/api/panels/:panelId/settings", a.patchPanelSettings},
		{fiber.MethodPost, "/api/panels/:panelId/groups", a.postGroup},
		{fiber.MethodPost, "/api/panels/:panelId/invitations", a.postInvitation},
		{fiber.MethodPost, "/api/invitations/:id/resend", a.postInvitationResend},
		{fiber.MethodDelete, "/api/invitations/:id", a.deleteInvitation},
		{fiber.MethodGet, "/api/invitations/by-token/:token", a.getInvitationByToken},
		{fiber.MethodPost, "/api/invitations/by-token/:token/accept", a.postInvitationAccept},
		{fiber.MethodGet, "/api/groups/:groupId", a.getGroup},
	}
}

// homeCentre is the Safer Internet Centre a coordinator acts for when a
// request names none: the centre they coordinate as a whole, else the
// centre of their first panel (where the policy tells them what only the
// centre's coordinators may do).
func homeCentre(s policy.Subject) string {
	for _, m := range s.Memberships {
		if m.CentreWide() {
			return m.OrgID
		}
	}
	for _, m := range s.Memberships {
		if m.CentreID != "" {
			return m.CentreID
		}
	}
	return ""
}

func centreResource(id string) policy.Resource {
	return policy.Resource{Kind: policy.KindCentre, CentreID: id}
}

// getOrganisations lists the organisations of the centres the caller may
// see organisations of (organisation.view): each centre and the partners
// it registered. Another centre's are not there.
func (a *API) getOrganisations(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	var centres []string
	for _, m := range cl.Subject.Memberships {
		id := m.CentreID
		if m.CentreWide() {
			id = m.OrgID
		}
		if id != "" && !slices.Contains(centres, id) && policy.Decide(cl.Subject, policy.OrganisationView, centreResource(id)).Allow {
			centres = append(centres, id)
		}
	}
	if len(centres) == 0 {
		return allowed(cl, policy.OrganisationView, centreResource(homeCentre(cl.Subject)))
	}
	kind := identity.OrgKind(c.Query("kind"))
	var lists [][]identity.Organisation
	for _, id := range centres {
		list, err := a.people.Identity.CentreOrganisations(ctx, id)
		if err != nil {
			return err
		}
		lists = append(lists, list)
	}
	// Centres by name, each followed by its partners.
	slices.SortFunc(lists, func(x, y []identity.Organisation) int { return strings.Compare(x[0].Name, y[0].Name) })
	orgs := []identity.Organisation{}
	for _, list := range lists {
		for _, o := range list {
			if kind == "" || o.Kind == kind {
				orgs = append(orgs, o)
			}
		}
	}
	return c.JSON(fiber.Map{"organisations": orgs})
}

func (a *API) postOrganisation(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	var in struct {
		Name     string           `json:"name"`
		Kind     identity.OrgKind `json:"kind"`
		Country  string           `json:"country"`
		CentreID string           `json:"centreId"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if in.CentreID == "" {
		in.CentreID = homeCentre(cl.Subject)
	}
	if err := allowed(cl, policy.OrganisationCreate, centreResource(in.CentreID)); err != nil {
		return err
	}
	if err := a.people.Consent.Ages.ValidateCountry(in.Country); err != nil {
		return err
	}
	o, err := a.people.Identity.CreateOrganisation(c.UserContext(), cl.Account.ID, in.Name, in.Kind, in.Country, in.CentreID)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"organisation": o})
}

// getPanels lists the panels the caller belongs to, and for coordinators of
// a centre every panel of that centre.
func (a *API) getPanels(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	seen := map[string]bool{}
	panels := []identity.Panel{}
	add := func(p identity.Panel) {
		if !seen[p.ID] && policy.Decide(cl.Subject, policy.PanelView, policy.Resource{Kind: policy.KindPanel, PanelID: p.ID, CentreID: p.OrgID}).Allow {
			seen[p.ID] = true
			panels = append(panels, p)
		}
	}
	if org := homeCentre(cl.Subject); org != "" && policy.Decide(cl.Subject, policy.PanelCreate, centreResource(org)).Allow {
		ps, err := a.people.Identity.Panels(ctx, org)
		if err != nil {
			return err
		}
		for _, p := range ps {
			add(p)
		}
	}
	for _, m := range cl.Subject.Memberships {
		if m.PanelID != "" && !seen[m.PanelID] {
			p, err := a.people.Identity.Panel(ctx, m.PanelID)
			if err != nil {
				return err
			}
			add(p)
		}
	}
	return c.JSON(fiber.Map{"panels": panels})
}

func (a *API) postPanel(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	var in struct {
		OrgID     string   `json:"orgId"`
		Name      string   `json:"name"`
		Country   string   `json:"country"`
		Languages []string `json:"languages"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if in.OrgID == "" {
		in.OrgID = homeCentre(cl.Subject)
	}
	if err := allowed(cl, policy.PanelCreate, centreResource(in.OrgID)); err != nil {
		return err
	}
	if err := a.people.Consent.Ages.ValidateCountry(in.Country); err != nil {
		return err
	}
	p, err := a.people.Identity.CreatePanel(c.UserContext(), cl.Account.ID, identity.PanelInput{OrgID: in.OrgID, Name: in.Name, Country: in.Country, Languages: in.Languages})
	if err != nil {
		return err
	}
	// The creator coordinates the new panel.
	if err := a.people.Identity.AddCoordinator(c.UserContext(), cl.Account.ID, p.ID); err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"panel": p})
}

// memberView is a member as another person may see them (rule 4: names
// follow the policy; partners see minors as first name and country, and
// everyone under their pseudonym, never an account id).
type memberView struct {
	AccountID string        `json:"accountId"`
	Name      string        `json:"name"`
	Role      identity.Role `json:"role"`
	GroupID   string        `json:"groupId,omitempty"`
}

func (a *API) memberViews(ctx context.Context, viewer caller, members []identity.Member) ([]memberView, error) {
	out := make([]memberView, 0, len(members))
	for _, m := range members {
		person, err := a.personView(ctx, m)
		if err != nil {
			return nil, err
		}
		out = append(out, memberView{AccountID: a.pseudonymFor(viewer, m.Account.ID), Name: policy.VisibleName(viewer.Subject, person), Role: m.Membership.Role, GroupID: m.Membership.GroupID})
	}
	return out, nil
}

func (a *API) personView(ctx context.Context, m identity.Member) (policy.PersonView, error) {
	cl, err := a.callerFor(ctx, m.Account.ID)
	if err != nil {
		return policy.PersonView{}, err
	}
	return policy.PersonView{
		AccountID:   m.Account.ID,
		DisplayName: m.Account.DisplayName,
		Country:     m.Account.Country,
		Band:        cl.Subject.Band,
		Consents:    cl.Subject.Consents,
		PanelID:     m.Membership.PanelID,
		GroupID:     m.Membership.GroupID,
	}, nil
}

// panelFor loads the panel named in the path and checks that the caller may
// do act on it (a resource of the given kind in that panel).
func (a *API) panelFor(c *fiber.Ctx, act policy.Action, kind policy.Kind) (caller, identity.Panel, error) {
	cl, err := a.signedIn(c)
	if err != nil {
		return caller{}, identity.Panel{}, err
	}
	p, err := seen(a.people.Identity.Panel(c.UserContext(), c.Params("panelId")))
	if err != nil {
		return caller{}, identity.Panel{}, err
	}
	if err := allowed(cl, act, policy.Resource{Kind: kind, PanelID: p.ID, CentreID: p.OrgID}); err != nil {
		return caller{}, identity.Panel{}, err
	}
	return cl, p, nil
}

func (a *API) getPanel(c *fiber.Ctx) error {
	cl, p, err := a.panelFor(c, policy.PanelView, policy.KindPanel)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	groups, err := a.people.Identity.Groups(ctx, p.ID)
	if err != nil {
		return err
	}
	members, err := a.people.Identity.PanelMembers(ctx, p.ID)
	if err != nil {
		return err
	}
	// Each member is listed only to those the policy lets list their group
	// (partners list nobody: they meet youth only through moderated content).
	visible := members[:0:0]
	for _, m := range members {
		if policy.Decide(cl.Subject, policy.MemberList, policy.Resource{Kind: policy.KindGroup, PanelID: p.ID, GroupID: m.Membership.GroupID, CentreID: p.OrgID}).Allow {
			visible = append(visible, m)
		}
	}
	views, err := a.memberViews(ctx, cl, visible)
	if err != nil {
		return err
	}
	out := panelDetail{Panel: p, Groups: groups, Members: views,
		Can: panelAbilities{EditSettings: policy.Decide(cl.Subject, policy.PanelSettingsEdit, policy.Resource{Kind: policy.KindPanel, PanelID: p.ID, CentreID: p.OrgID}).Allow}}
	if policy.Decide(cl.Subject, policy.InvitationCreate, policy.Resource{Kind: policy.KindInvitation, PanelID: p.ID, CentreID: p.OrgID}).Allow {
		invs, err := a.people.Identity.Invitations(ctx, p.ID)
		if err != nil {
			return err
		}
		views := invitationViews(invs)
		out.Invitations = &views
	}
	return c.JSON(out)
}

// panelDetail is a panel as its page shows it.
type panelDetail struct {
	Panel       identity.Panel     `json:"panel"`
	Groups      []identity.Group   `json:"groups"`
	Members     []memberView       `json:"members"` // those the caller may list
	Can         panelAbilities     `json:"can"`
	Invitations *[]invitationViewT `json:"invitations,omitempty"` // only to those who may invite
}

// panelAbilities tells the app which controls to show on a panel's page.
type panelAbilities struct {
	EditSettings bool `json:"editSettings"`
}

func (a *API) postGroup(c *fiber.Ctx) error {
	cl, p, err := a.panelFor(c, policy.GroupCreate, policy.KindGroup)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	g, err := a.people.Identity.CreateGroup(ctx, cl.Account.ID, p.ID, in.Name)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"group": g})
}

func (a *API) postInvitation(c *fiber.Ctx) error {
	cl, p, err := a.panelFor(c, policy.InvitationCreate, policy.KindInvitation)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	var in struct {
		Email    string        `json:"email"`
		Role     identity.Role `json:"role"`
		GroupID  string        `json:"groupId"`
		OrgID    string        `json:"orgId"`
		Language string        `json:"language"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	// Whom the invitation is for, and where, is the policy's to say too
	// (partners never into a group).
	if err := allowed(cl, policy.InvitationCreate, policy.Resource{Kind: policy.KindInvitation, PanelID: p.ID, CentreID: p.OrgID, GroupID: in.GroupID, Role: in.Role}); err != nil {
		return err
	}
	inv, token, err := a.people.Identity.Invite(ctx, cl.Account.ID, identity.InviteInput{Email: in.Email, Role: in.Role, PanelID: p.ID, GroupID: in.GroupID, OrgID: in.OrgID, Language: in.Language})
	if err != nil {
		return err
	}
	if err := a.sendInvitation(ctx, inv, p, token); err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"invitation": invitationView(inv)})
}

func (a *API) sendInvitation(ctx context.Context, inv identity.Invitation, p identity.Panel, token string) error {
	msg, err := invitationMail(inv.Language, inv.Role, p.Name, a.people.PublicURL+"/invite/"+token)
	if err != nil {
		return err
	}
	msg.To, msg.PanelID = inv.Email, p.ID
	return a.people.Mail.Send(ctx, msg)
}

// invitationFor loads an invitation and checks the caller may manage it.
func (a *API) invitationFor(c *fiber.Ctx, act policy.Action) (caller, identity.Invitation, identity.Panel, error) {
	cl, err := a.signedIn(c)
	if err != nil {
		return caller{}, identity.Invitation{}, identity.Panel{}, err
	}
	ctx := c.UserContext()
	inv, err := seen(a.people.Identity.Invitation(ctx, c.Params("id")))
	if err != nil {
		return caller{}, identity.Invitation{}, identity.Panel{}, err
	}
	p, err := a.people.Identity.Panel(ctx, inv.PanelID)
	if err != nil {
		return caller{}, identity.Invitation{}, identity.Panel{}, err
	}
	if err := allowed(cl, act, policy.Resource{Kind: policy.KindInvitation, PanelID: p.ID, CentreID: p.OrgID, GroupID: inv.GroupID, Role: inv.Role}); err != nil {
		return caller{}, identity.Invitation{}, identity.Panel{}, err
	}
	return cl, inv, p, nil
}

func (a *API) postInvitationResend(c *fiber.Ctx) error {
	cl, inv, p, err := a.invitationFor(c, policy.InvitationResend)
	if err != nil {
		return err
	}
	inv, token, err := a.people.Identity.RenewInvitation(c.UserContext(), cl.Account.ID, inv.ID)
	if err != nil {
		return err
	}
	if err := a.sendInvitation(c.UserContext(), inv, p, token); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"invitation": invitationView(inv)})
}

func (a *API) deleteInvitation(c *fiber.Ctx) error {
	cl, inv, _, err := a.invitationFor(c, policy.InvitationRevoke)
	if err != nil {
		return err
	}
	return a.sendNoContent(c, a.people.Identity.RevokeInvitation(c.UserContext(), cl.Account.ID, inv.ID))
}

func (a *API) getInvitationByToken(c *fiber.Ctx) error {
	ctx := c.UserContext()
	inv, err := a.people.Identity.OpenInvitation(ctx, c.Params("token"))
	if err != nil {
		return err
	}
	p, err := a.people.Identity.Panel(ctx, inv.Value.PanelID)
	if err != nil {
		return err
	}
	out := invitationInfo{Role: inv.Value.Role, PanelName: p.Name, Language: inv.Value.Language, NeedsBirthDate: inv.Value.Role.IsYouth(), Email: inv.Value.Email}
	if inv.Value.GroupID != "" {
		if g, err := a.people.Identity.Group(ctx, inv.Value.GroupID); err == nil {
			out.GroupName = g.Name
		}
	}
	return c.JSON(out)
}

// invitationInfo is what the holder of an invitation link learns before
// accepting it.
type invitationInfo struct {
	Role           identity.Role `json:"role"`
	PanelName      string        `json:"panelName"`
	GroupName      string        `json:"groupName,omitempty"`
	Language       string        `json:"language"`
	NeedsBirthDate bool          `json:"needsBirthDate"`
	Email          string        `json:"email"`
}

func (a *API) postInvitationAccept(c *fiber.Ctx) error {
	ctx := c.UserContext()
	var in struct {
		DisplayName string `json:"displayName"`
		Password    string `json:"password"`
		BirthDate   string `json:"birthDate"`
		Country     string `json:"country"`
		Language    string `json:"language"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	inv, err := a.people.Identity.OpenInvitation(ctx, c.Params("token"))
	if err != nil {
		return err
	}
	if inv.Value.Role.IsYouth() {
		if _, err := consent.ValidateYouthBirthDate(in.BirthDate, a.people.Now()); err != nil {
			return err
		}
		if err := a.people.Consent.Ages.ValidateCountry(in.Country); err != nil {
			return err
		}
	} else if in.BirthDate != "" {
		return fault.Errorf(fault.Invalid, "Staff accounts do not need a date of birth.")
	}
	hash, err := hashNewPassword(in.Password, inv.Value.Email, in.DisplayName)
	if err != nil {
		return err
	}
	acc, _, err := a.people.Identity.AcceptInvitation(ctx, identity.AcceptInput{Token: c.Params("token"), DisplayName: in.DisplayName, PasswordHash: hash,
		BirthDate: in.BirthDate, Country: in.Country, Language: in.Language})
	if err != nil {
		return err
	}
	return a.startSession(c, acc.ID, http.StatusCreated)
}

// getGroup is the door to a group's workspace: youth need participate.
func (a *API) getGroup(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	g, err := seen(a.people.Identity.Group(ctx, c.Params("groupId")))
	if err != nil {
		return err
	}
	p, err := a.people.Identity.Panel(ctx, g.PanelID)
	if err != nil {
		return err
	}
	members, err := a.people.Identity.PanelMembers(ctx, p.ID)
	if err != nil {
		return err
	}
	inGroup := members[:0:0]
	for _, m := range members {
		if m.Membership.GroupID == g.ID || m.Membership.GroupID == "" && m.Membership.Role == identity.Moderator {
			inGroup = append(inGroup, m)
		}
	}
	hasModerator, err := a.people.Identity.GroupHasModerator(ctx, g.ID) // rule 1, as every write asks it
	if err != nil {
		return err
	}
	res := policy.Resource{Kind: policy.KindGroup, PanelID: p.ID, GroupID: g.ID, CentreID: p.OrgID, GroupHasModerator: hasModerator}
	if err := allowed(cl, policy.GroupEnterWorkspace, res); err != nil {
		return err
	}
	views, err := a.memberViews(ctx, cl, inGroup)
	if err != nil {
		return err
	}
	watchers, err := a.namedWatchers(ctx, policy.Resource{Kind: policy.KindSpace, PanelID: p.ID, GroupID: g.ID, CentreID: p.OrgID, GroupHasModerator: hasModerator})
	if err != nil {
		return err
	}
	// What the app offers here; the server asks again on every write.
	pledgeRes := policy.Resource{Kind: policy.KindPledge, PanelID: p.ID, GroupID: g.ID, CentreID: p.OrgID, GroupHasModerator: hasModerator}
	can := groupAbilities{StartPledge: policy.Decide(cl.Subject, policy.PledgeCreate, pledgeRes).Allow}
	return c.JSON(groupDetail{Group: g, PanelName: p.Name, PanelLanguages: p.Languages, Members: views, Watchers: watchers,
		HasModerator: hasModerator, Can: can})
}

// groupDetail is a group's workspace as its page shows it.
type groupDetail struct {
	Group          identity.Group `json:"group"`
	PanelName      string         `json:"panelName"`
	PanelLanguages []string       `json:"panelLanguages"` // the main one first
	Members        []memberView   `json:"members"`
	Watchers       []watcherView  `json:"watchers"`
	HasModerator   bool           `json:"hasModerator"` // only then may anyone write here (rule 1)
	Can            groupAbilities `json:"can"`
}

// groupAbilities tells the app which controls to show in a group.
type groupAbilities struct {
	StartPledge bool `json:"startPledge"`
}

// invitationView is an invitation as coordinators see it: never the hash of
// its token.
type invitationViewT struct {
	ID        string                   `json:"id"`
	Email     string                   `json:"email"`
	Role      identity.Role            `json:"role"`
	PanelID   string                   `json:"panelId"`
	GroupID   string                   `json:"groupId,omitempty"`
	OrgID     string                   `json:"orgId,omitempty"`
	Language  string                   `json:"language"`
	State     identity.InvitationState `json:"state"`
	ExpiresAt time.Time                `json:"expiresAt"`
	CreatedAt time.Time                `json:"createdAt"`
}

func invitationView(i identity.Invitation) invitationViewT {
	return invitationViewT{ID: i.ID, Email: i.Email, Role: i.Role, PanelID: i.PanelID, GroupID: i.GroupID, OrgID: i.OrgID,
		Language: i.Language, State: i.State, ExpiresAt: i.ExpiresAt, CreatedAt: i.CreatedAt}
}

func invitationViews(invs []identity.Invitation) []invitationViewT {
	out := make([]invitationViewT, len(invs))
	for i, inv := range invs {
		out[i] = invitationView(inv)
	}
	return out
}

// invitationMail is the invitation in the invitee's language, informal
// for a young person and formal for anyone else.
func invitationMail(lang string, role identity.Role, panel, link string) (mail.Message, error) {
	aud := compose.Adult
	if role.IsYouth() {
		aud = compose.Youth
	}
	return compose.Render("identity.invitation", aud, lang, compose.Vars{Panel: panel, Link: link})
}

// patchPanelSettings changes a panel's safeguarding settings (coordinators).
func (a *API) patchPanelSettings(c *fiber.Ctx) error {
	cl, p, err := a.panelFor(c, policy.PanelSettingsEdit, policy.KindPanel)
	if err != nil {
		return err
	}
	var in struct {
		ModeratorsRequired    *int    `json:"moderatorsRequired"`
		PartnerPostModeration *bool   `json:"partnerPostModeration"`
		ReportsToHide         *int    `json:"reportsToHide"`
		SafeguardingLeadID    *string `json:"safeguardingLeadId"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err = a.people.Identity.UpdateSettings(c.UserContext(), cl.Account.ID, p.ID, identity.SettingsInput{ModeratorsRequired: in.ModeratorsRequired, PartnerPostModeration: in.PartnerPostModeration,
		ReportsToHide: in.ReportsToHide, SafeguardingLeadID: in.SafeguardingLeadID})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"panel": p})
}
