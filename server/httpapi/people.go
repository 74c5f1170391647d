package httpapi

import (
	"chorus/app"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"mime"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"chorus/auth"
	"chorus/consent"
	"chorus/fault"
	"chorus/identity"
	"chorus/policy"
)

// Cookie names. The access and refresh cookies are httpOnly: scripts never
// see them. The CSRF cookie is readable on purpose: the app echoes it in a
// header, which a page on another site cannot do.
const (
	accessCookie  = "chorus_at"
	refreshCookie = "chorus_rt"
	csrfCookie    = "chorus_csrf"
	csrfHeader    = "X-CSRF-Token"
	refreshPath   = "/api/auth"
	maxJSONBytes  = 64 << 10
)

func (a *API) secureCookies() bool { return strings.HasPrefix(a.people.PublicURL, "https://") }

func (a *API) setSessionCookies(c *fiber.Ctx, access string, s auth.Session) {
	c.Cookie(&fiber.Cookie{Name: accessCookie, Value: access, Path: "/", HTTPOnly: true, Secure: a.secureCookies(),
		SameSite: fiber.CookieSameSiteLaxMode, MaxAge: int(auth.AccessTokenTTL.Seconds())})
	c.Cookie(&fiber.Cookie{Name: refreshCookie, Value: s.RefreshToken, Path: refreshPath, HTTPOnly: true, Secure: a.secureCookies(),
		SameSite: fiber.CookieSameSiteStrictMode, Expires: s.RefreshExpiresAt})
	a.ensureCSRFCookie(c)
}

func (a *API) clearSessionCookies(c *fiber.Ctx) {
	for _, ck := range []struct{ name, path string }{{accessCookie, "/"}, {refreshCookie, refreshPath}} {
		c.Cookie(&fiber.Cookie{Name: ck.name, Value: "", Path: ck.path, HTTPOnly: true, Secure: a.secureCookies(), MaxAge: -1,
			Expires: time.Unix(1, 0)})
	}
}

// ensureCSRFCookie gives the browser a CSRF token if it has none.
func (a *API) ensureCSRFCookie(c *fiber.Ctx) {
	if c.Cookies(csrfCookie) != "" {
		return
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/", Secure: a.secureCookies(),
		SameSite: fiber.CookieSameSiteStrictMode})
}

// checkCSRF guards unsafe requests that carry our cookies (double-submit:
// the header must repeat the readable cookie). A request with a Bearer
// token or without our cookies carries no ambient authority to abuse.
func (a *API) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if bearer(c) != "" || (c.Cookies(accessCookie) == "" && c.Cookies(refreshCookie) == "" && c.Cookies(csrfCookie) == "") {
		return c.Next()
	}
	want, got := c.Cookies(csrfCookie), c.Get(csrfHeader)
	if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		return fault.Errorf(fault.Forbidden, "This request was blocked to protect your account. Reload the page and try again.")
	}
	return c.Next()
}

func bearer(c *fiber.Ctx) string {
	h := c.Get(fiber.HeaderAuthorization)
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// caller is who makes a request: their account and the policy subject.
type caller struct {
	Account identity.Account
	Subject policy.Subject
	Session string
}

// signedIn returns the caller, or fault.Unauthorized when the request has no
// valid access token or its session was ended (sign-out takes effect at once).
func (a *API) signedIn(c *fiber.Ctx) (caller, error) {
	if cl, ok := c.Locals("caller").(caller); ok {
		return cl, nil
	}
	token := bearer(c)
	if token == "" {
		token = c.Cookies(accessCookie)
	}
	if token == "" {
		return caller{}, fault.Errorf(fault.Unauthorized, "Please sign in.")
	}
	claims, err := a.people.Tokens.Verify(token)
	if err != nil {
		return caller{}, err
	}
	ctx := c.UserContext()
	if err := a.people.Sessions.SessionActive(ctx, claims.SessionID); err != nil {
		return caller{}, err
	}
	cl, err := a.callerFor(ctx, claims.AccountID)
	if err != nil {
		if fault.Is(err, fault.NotFound) { // erased account with a live token
			return caller{}, fault.Errorf(fault.Unauthorized, "Please sign in.")
		}
		return caller{}, err
	}
	// A suspended account may sign in, but is told why nothing works.
	if err := a.withoutSuspended(ctx, &cl); err != nil {
		return caller{}, err
	}
	cl.Session = claims.SessionID
	c.Locals("caller", cl)
	return cl, nil
}

// callerFor builds the policy subject of an account from what is stored now:
// memberships, age band and the consents held at this moment, so a
// withdrawal counts from the very next request.
// Subjects finds an account as the policy sees it now: memberships, age
// band and the consents in effect (moderation.Authors, for the workflow).
func Subjects(s *app.Services) func(ctx context.Context, accountID string) (policy.Subject, error) {
	return func(ctx context.Context, accountID string) (policy.Subject, error) {
		cl, err := (&API{people: s}).callerFor(ctx, accountID)
		return cl.Subject, err
	}
}

func (a *API) callerFor(ctx context.Context, accountID string) (caller, error) {
	acc, err := a.people.Identity.Account(ctx, accountID)
	if err != nil {
		return caller{}, err
	}
	ms, err := a.people.Identity.Memberships(ctx, accountID)
	if err != nil {
		return caller{}, err
	}
	band, err := a.bandOf(acc)
	if err != nil {
		return caller{}, err
	}
	s := policy.Subject{AccountID: acc.ID, Band: band, Memberships: ms}
	if acc.BirthDate != "" {
		states, err := a.people.Consent.Effective(ctx, acc.ID, band, acc.Country)
		if err != nil {
			return caller{}, err
		}
		for _, scope := range consent.Scopes {
			if states[scope].Held() {
				s.Consents = append(s.Consents, scope)
			}
		}
	}
	return caller{Account: acc, Subject: s}, nil
}

// bandOf: accounts without a date of birth are staff (moderators, partners,
// coordinators), who are adults; youth accounts always carry one.
func (a *API) bandOf(acc identity.Account) (consent.AgeBand, error) {
	if acc.BirthDate == "" {
		return consent.Adult, nil
	}
	birth, err := consent.ParseBirthDate(acc.BirthDate)
	if err != nil {
		return "", fault.Wrap(fault.Internal, err, "stored date of birth is not readable")
	}
	return a.people.Consent.Ages.Band(birth, acc.Country, a.people.Now()), nil
}

// limited counts one event of kind for key on l; a refusal carries the
// wait in Retry-After. A nil l allows everything.
func limited(ctx context.Context, c *fiber.Ctx, l *auth.RateLimit, kind, key string) error {
	if l == nil {
		return nil
	}
	wait, err := l.Take(ctx, kind, key)
	if wait > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds()+0.999)))
	}
	return err
}

// seen passes on what a loader returned, except that "not found" becomes
// the one answer for what does not exist or is not shared with the caller
// (policy.MsgNotFound): a missing panel and another panel's answer alike.
func seen[T any](v T, err error) (T, error) {
	if fault.Is(err, fault.NotFound) {
		return v, policy.NotFound()
	}
	return v, err
}

// allowed asks the policy; every permission decision of the HTTP layer goes
// through here.
func allowed(cl caller, act policy.Action, r policy.Resource) error {
	return policy.Check(cl.Subject, act, r)
}

// decode reads a JSON body into v, refusing unknown fields and trailing data
// so that a typo in a client is a clear error, not a silent default.
func decode(c *fiber.Ctx, v any) error { return decodeUpTo(c, v, maxJSONBytes) }

// decodeUpTo is decode for a body of at most limit bytes.
func decodeUpTo(c *fiber.Ctx, v any, limit int) error {
	// Only JSON: a form on another site can post text/plain or
	// form-encoded bodies without a preflight (login CSRF), never JSON.
	if mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); err != nil || mt != fiber.MIMEApplicationJSON {
		return fault.Errorf(fault.Invalid, "Send this as JSON, with the header Content-Type: application/json.")
	}
	body := c.Body()
	if len(body) > limit {
		return fault.Errorf(fault.TooLarge, "What you sent is too large.")
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fault.Errorf(fault.Invalid, "The request is not valid JSON for this action: %s", jsonProblem(err))
	}
	if dec.More() {
		return fault.Errorf(fault.Invalid, "The request has extra data after the JSON.")
	}
	return nil
}

func jsonProblem(err error) string {
	var ute *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &ute):
		return "field " + ute.Field + " has the wrong type"
	case errors.As(err, &se):
		return "it is not well-formed"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	}
	return "it is empty or malformed"
}

// audienceOf is whose pseudonyms cl sees others under: a partner's
// organisation ("org:<id>"), or "" for everyone who may know account ids
// (youth, staff). Someone with a partner membership and another role is
// not a partner-only reader and keeps seeing ids where that role may.
func audienceOf(s policy.Subject) string {
	org := ""
	for _, m := range s.Memberships {
		if m.Role != identity.Partner {
			return ""
		}
		if org == "" {
			org = m.OrgID
		}
	}
	if org == "" {
		return ""
	}
	return "org:" + org
}

// pseudonymFor names accountID as cl may see it.
func (a *API) pseudonymFor(cl caller, accountID string) string {
	aud := audienceOf(cl.Subject)
	if aud == "" || a.people.Pseudonyms == nil || accountID == cl.Account.ID {
		return accountID
	}
	return a.people.Pseudonyms.For(aud, accountID)
}
