package httpapi

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"chorus/policy"
)

// The coordinator's views of a round: the matrix, the CSV export and the
// printable report (package round makes them, in the pledge's language).

func (a *API) getRoundMatrix(c *fiber.Ctx) error {
	_, r, err := a.roundFor(c, policy.RoundReport)
	if err != nil {
		return err
	}
	m, err := a.people.Rounds.Matrix(c.UserContext(), r)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (a *API) getRoundCSV(c *fiber.Ctx) error {
	_, r, err := a.roundFor(c, policy.RoundReport)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := a.people.Rounds.WriteCSV(c.UserContext(), &buf, r); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="round-`+r.ID+`.csv"`)
	return c.Send(buf.Bytes())
}

func (a *API) getRoundReport(c *fiber.Ctx) error {
	_, r, err := a.roundFor(c, policy.RoundReport)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := a.people.Rounds.WriteReport(c.UserContext(), &buf, r); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(buf.Bytes())
}
