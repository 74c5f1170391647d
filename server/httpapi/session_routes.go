package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"chorus/auth"
	"chorus/consent"
	"chorus/fault"
	"chorus/identity"
	"chorus/mail"
	"chorus/mail/compose"
	"chorus/policy"
)

func (a *API) sessionRoutes() []route {
	return []route{
		{fiber.MethodGet, "/api/session", a.getSession},
		{fiber.MethodPost, "/api/setup", a.postSetup},
		{fiber.MethodPost, "/api/auth/login", a.postLogin},
		{fiber.MethodPost, "/api/auth/refresh", a.postRefresh},
		{fiber.MethodPost, "/api/auth/logout", a.postLogout},
		{fiber.MethodPost, "/api/auth/logout-all", a.postLogoutAll},
		{fiber.MethodPost, "/api/auth/token", a.postToken},
		{fiber.MethodPost, "/api/auth/token/refresh", a.postTokenRefresh},
		{fiber.MethodPost, "/api/auth/password-reset", a.postPasswordReset},
		{fiber.MethodPost, "/api/auth/password-reset/confirm", a.postPasswordResetConfirm},
	}
}

// MembershipView is a membership with the names a screen shows.
type MembershipView struct {
	PanelID   string        `json:"panelId,omitempty"`
	PanelName string        `json:"panelName,omitempty"`
	GroupID   string        `json:"groupId,omitempty"`
	GroupName string        `json:"groupName,omitempty"`
	OrgID     string        `json:"orgId,omitempty"`
	Role      identity.Role `json:"role"`
}

// Me is the signed-in person as the app sees them.
type Me struct {
	Account           identity.Account                `json:"account"`
	Band              consent.AgeBand                 `json:"band"`
	Memberships       []MembershipView                `json:"memberships"`
	Consents          map[consent.Scope]consent.State `json:"consents"`
	Guardian          consent.GuardianStatus          `json:"guardian"`
	CanEnterWorkspace bool                            `json:"canEnterWorkspace"`
}

func (a *API) me(ctx context.Context, cl caller) (Me, error) {
	m := Me{Account: cl.Account, Band: cl.Subject.Band, Memberships: []MembershipView{}, Consents: map[consent.Scope]consent.State{}, Guardian: consent.GuardianNone}
	for _, ms := range cl.Subject.Memberships {
		v := MembershipView{PanelID: ms.PanelID, GroupID: ms.GroupID, OrgID: ms.OrgID, Role: ms.Role}
		if ms.PanelID != "" {
			if p, err := a.people.Identity.Panel(ctx, ms.PanelID); err == nil {
				v.PanelName = p.Name
			}
		}
		if ms.GroupID != "" {
			if g, err := a.people.Identity.Group(ctx, ms.GroupID); err == nil {
				v.GroupName = g.Name
			}
		}
		m.Memberships = append(m.Memberships, v)
	}
	if cl.Account.BirthDate != "" {
		states, err := a.people.Consent.Effective(ctx, cl.Account.ID, cl.Subject.Band, cl.Account.Country)
		if err != nil {
			return Me{}, err
		}
		m.Consents = states
		if m.Guardian, err = a.people.Consent.GuardianState(ctx, cl.Account.ID); err != nil {
			return Me{}, err
		}
	}
	m.CanEnterWorkspace = policy.EntersWorkspace(cl.Subject, cl.Account.BirthDate != "")
	return m, nil
}

func (a *API) getSession(c *fiber.Ctx) error {
	a.ensureCSRFCookie(c)
	cl, err := a.signedIn(c)
	if fault.Is(err, fault.Unauthorized) {
		n, err := a.people.Identity.Docs.Count(c.UserContext(), identity.AccountsCollection, nil)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"signedIn": false, "setupNeeded": n == 0})
	}
	if err != nil {
		return err
	}
	m, err := a.me(c.UserContext(), cl)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"signedIn": true, "me": m})
}

// startSession signs accountID in: a new refresh family, an access token,
// and the cookies; it answers with Me.
func (a *API) startSession(c *fiber.Ctx, accountID string, status int) error {
	ctx := c.UserContext()
	s, err := a.people.Sessions.Start(ctx, accountID)
	if err != nil {
		return err
	}
	access, _, err := a.people.Tokens.Issue(accountID, s.ID)
	if err != nil {
		return err
	}
	a.setSessionCookies(c, access, s)
	cl, err := a.callerFor(ctx, accountID)
	if err != nil {
		return err
	}
	m, err := a.me(ctx, cl)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(fiber.Map{"me": m})
}

type setupRequest struct {
	Token       string `json:"token"`
	OrgName     string `json:"orgName"`
	Country     string `json:"country"`
	DisplayName string `json:"displayName"`
	Email       string `json:"email"`
	Password    string `json:"password"`
	Language    string `json:"language"`
}

func (a *API) postSetup(c *fiber.Ctx) error {
	var in setupRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := a.people.Consent.Ages.ValidateCountry(in.Country); err != nil {
		return err
	}
	hash, err := hashNewPassword(in.Password, in.Email, in.DisplayName)
	if err != nil {
		return err
	}
	acc, _, err := a.people.Identity.CompleteSetup(c.UserContext(), identity.SetupInput{Token: in.Token, OrgName: in.OrgName, Country: in.Country,
		DisplayName: in.DisplayName, Email: in.Email, Language: in.Language, PasswordHash: hash})
	if err != nil {
		return err
	}
	return a.startSession(c, acc.ID, http.StatusCreated)
}

func hashNewPassword(password, email, name string) (string, error) {
	if err := auth.CheckPassword(password, email, name); err != nil {
		return "", err
	}
	return auth.HashPassword(password)
}

type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// checkCredentials verifies e-mail and password with throttling per account
// and per address. Unknown e-mails cost as much time as wrong passwords and
// get the same answer, so nobody learns who has an account.
func (a *API) checkCredentials(c *fiber.Ctx, in credentials) (identity.Account, error) {
	ctx := c.UserContext()
	key, _ := identity.CleanEmail(in.Email)
	if key == "" {
		key = in.Email
	}
	if wait, err := a.people.Throttle.Allow(ctx, key, c.IP()); err != nil {
		if wait > 0 {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds()+0.999)))
		}
		return identity.Account{}, err
	}
	wrong := fault.Errorf(fault.Unauthorized, "This e-mail address and password do not match. Check them and try again.")
	acc, hash, err := a.people.Identity.Credentials(ctx, in.Email)
	if fault.Is(err, fault.NotFound) {
		auth.FakeVerify(in.Password)
		_ = a.people.Throttle.Failed(ctx, key, c.IP())
		return identity.Account{}, wrong
	}
	if err != nil {
		return identity.Account{}, err
	}
	ok, err := auth.VerifyPassword(in.Password, hash)
	if err != nil {
		return identity.Account{}, err
	}
	if !ok {
		_ = a.people.Throttle.Failed(ctx, key, c.IP())
		return identity.Account{}, wrong
	}
	_ = a.people.Throttle.Succeeded(ctx, key, c.IP())
	if auth.NeedsRehash(hash) {
		if h, err := auth.HashPassword(in.Password); err == nil {
			_ = a.people.Identity.SetPasswordHash(ctx, acc.ID, h)
		}
	}
	return acc, nil
}

func (a *API) postLogin(c *fiber.Ctx) error {
	var in credentials
	if err := decode(c, &in); err != nil {
		return err
	}
	acc, err := a.checkCredentials(c, in)
	if err != nil {
		return err
	}
	return a.startSession(c, acc.ID, http.StatusOK)
}

func (a *API) postRefresh(c *fiber.Ctx) error {
	token := c.Cookies(refreshCookie)
	if token == "" {
		return fault.Errorf(fault.Unauthorized, "Please sign in.")
	}
	s, err := a.people.Sessions.Rotate(c.UserContext(), token)
	if err != nil {
		a.clearSessionCookies(c)
		return err
	}
	access, _, err := a.people.Tokens.Issue(s.AccountID, s.ID)
	if err != nil {
		return err
	}
	a.setSessionCookies(c, access, s)
	return c.SendStatus(http.StatusNoContent)
}

func (a *API) postLogout(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err == nil {
		ctx := c.UserContext()
		if err := a.people.Sessions.SignOut(ctx, cl.Session); err != nil {
			return err
		}
		// The event makes open sockets of this session close at once.
		if err := a.event(ctx, cl.Account.ID, "auth.signed_out", "account:"+cl.Account.ID); err != nil {
			return err
		}
	}
	a.clearSessionCookies(c)
	return c.SendStatus(http.StatusNoContent)
}

func (a *API) postLogoutAll(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	if err := a.people.Sessions.SignOutEverywhere(c.UserContext(), cl.Account.ID); err != nil {
		return err
	}
	a.clearSessionCookies(c)
	return c.SendStatus(http.StatusNoContent)
}

// tokenResponse is what API clients (not browsers) get instead of cookies.
type tokenResponse struct {
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
	ExpiresIn    int    `json:"expiresIn"`
}

// sendTokens answers an API client with an access token for session s.
func (a *API) sendTokens(c *fiber.Ctx, s auth.Session) error {
	access, _, err := a.people.Tokens.Issue(s.AccountID, s.ID)
	if err != nil {
		return err
	}
	return c.JSON(tokenResponse{AccessToken: access, RefreshToken: s.RefreshToken, ExpiresIn: int(auth.AccessTokenTTL.Seconds())})
}

func (a *API) postToken(c *fiber.Ctx) error {
	var in credentials
	if err := decode(c, &in); err != nil {
		return err
	}
	acc, err := a.checkCredentials(c, in)
	if err != nil {
		return err
	}
	s, err := a.people.Sessions.Start(c.UserContext(), acc.ID)
	if err != nil {
		return err
	}
	return a.sendTokens(c, s)
}

func (a *API) postTokenRefresh(c *fiber.Ctx) error {
	var in struct {
		RefreshToken string `json:"refreshToken"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	s, err := a.people.Sessions.Rotate(c.UserContext(), in.RefreshToken)
	if err != nil {
		return err
	}
	return a.sendTokens(c, s)
}

// postPasswordReset always answers 202, so the answer does not tell whether
// an account exists; the mail goes only to a real account's address. One
// client address asking too often is told to wait; a person gets at most
// auth.MailsPerTarget mails an hour, and beyond that nothing is sent
// (the answer stays 202, so it tells nothing either).
func (a *API) postPasswordReset(c *fiber.Ctx) error {
	var in struct {
		Email string `json:"email"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	if err := limited(ctx, c, a.people.MailPerSource, "reset_from", c.IP()); err != nil {
		return err
	}
	acc, _, err := a.people.Identity.Credentials(ctx, in.Email)
	if err == nil {
		if l := a.people.MailPerTarget; l != nil {
			if _, err := l.Take(ctx, "reset_to", acc.ID); fault.Is(err, fault.RateLimited) {
				return c.SendStatus(http.StatusAccepted) // no Retry-After: it would tell that the account exists
			} else if err != nil {
				return err
			}
		}
		token, err := a.people.Resets.Start(ctx, acc.ID)
		if err != nil {
			return err
		}
		link := a.people.PublicURL + "/reset/" + token
		msg, err := resetMail(acc, link)
		if err != nil {
			return err
		}
		msg.To, msg.AccountID = acc.Email, acc.ID
		msg.ForRecipientOnly = true // whoever reads the link owns the account
		if err := a.people.Mail.Send(ctx, msg); err != nil {
			return err
		}
	} else if !fault.Is(err, fault.NotFound) {
		return err
	}
	return c.SendStatus(http.StatusAccepted)
}

func (a *API) postPasswordResetConfirm(c *fiber.Ctx) error {
	var in struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	// Check the new password before using up the single-use token.
	if len(in.Password) < auth.MinPasswordLength {
		return auth.CheckPassword(in.Password, "", "")
	}
	accountID, err := a.people.Resets.Finish(ctx, in.Token)
	if err != nil {
		return err
	}
	acc, err := a.people.Identity.Account(ctx, accountID)
	if err != nil {
		return err
	}
	hash, err := hashNewPassword(in.Password, acc.Email, acc.DisplayName)
	if err != nil {
		return err
	}
	if err := a.people.Identity.SetPasswordHash(ctx, accountID, hash); err != nil {
		return err
	}
	// A reset means the old password may be known: end every session.
	return a.sendNoContent(c, a.people.Sessions.SignOutEverywhere(ctx, accountID))
}

func (a *API) sendNoContent(c *fiber.Ctx, err error) error {
	if err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

// resetMail is the password-reset mail in the account's language; only
// young people's accounts have a birth date, and they read it informally.
func resetMail(acc identity.Account, link string) (mail.Message, error) {
	aud := compose.Adult
	if acc.BirthDate != "" {
		aud = compose.Youth
	}
	return compose.Render("auth.password_reset", aud, acc.Language, compose.Vars{Link: link})
}
