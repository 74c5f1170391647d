package httpapi

import (
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"chorus/fault"
	"chorus/readability"
)

// MaxReadabilityText bounds the text of one plain-language check: one
// pledge item's text, with room to spare.
const MaxReadabilityText = 20000

func (a *API) readabilityRoutes() []route {
	return []route{
		{fiber.MethodPost, "/api/readability", a.postReadability},
	}
}

// postReadability scores a text that is being written, for the check beside
// every pledge item. It stores nothing; signing in is required only so the
// endpoint is not a free service for the world.
func (a *API) postReadability(c *fiber.Ctx) error {
	if _, err := a.signedIn(c); err != nil {
		return err
	}
	var in struct {
		Text     string `json:"text"`
		Language string `json:"language"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if utf8.RuneCountInString(in.Text) > MaxReadabilityText {
		return fault.Errorf(fault.TooLarge, "This text is too long to check: at most %d characters.", MaxReadabilityText)
	}
	report, err := readability.Analyze(in.Text, in.Language)
	if err != nil {
		return err
	}
	return c.JSON(report)
}
