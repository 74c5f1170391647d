package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"chorus/policy"
)

// accountRoutes are a person's own settings.
func (a *API) accountRoutes() []route {
	return []route{
		{fiber.MethodPut, "/api/me/language", a.putMyLanguage},
	}
}

// putMyLanguage sets the language of the caller's account: the one their
// e-mails are written in and Chorus opens in after they sign in.
func (a *API) putMyLanguage(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	var in struct {
		Language string `json:"language"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := allowed(cl, policy.AccountEditOwn, policy.Resource{Kind: policy.KindAccount, OwnerID: cl.Account.ID}); err != nil {
		return err
	}
	acc, err := a.people.Identity.SetLanguage(c.UserContext(), cl.Account.ID, in.Language)
	if err != nil {
		return err
	}
	cl.Account = acc
	m, err := a.me(c.UserContext(), cl)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"me": m})
}
