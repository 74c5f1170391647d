package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"chorus/fault"
)

// Feedback rounds over HTTP (issue 12): a coordinator opens a round on a
// published pledge version, invited partner organisations answer each item,
// youth react and ask follow-ups, and after the round the partners report
// progress on their commitments. Who may do what is the policy's (round.*
// actions); what may happen when is package round's.

func (a *API) roundRoutes() []route {
	return []route{
		{fiber.MethodGet, "/api/partner/home", a.roundsNotYet},
		{fiber.MethodGet, "/api/panels/:panelId/rounds", a.roundsNotYet},
		{fiber.MethodPost, "/api/pledges/:id/rounds", a.roundsNotYet},
		{fiber.MethodGet, "/api/rounds/:id", a.roundsNotYet},
		{fiber.MethodGet, "/api/rounds/:id/answers", a.roundsNotYet},
		{fiber.MethodGet, "/api/rounds/:id/items/:itemId/mine", a.roundsNotYet},
		{fiber.MethodPut, "/api/rounds/:id/items/:itemId/draft", a.roundsNotYet},
		{fiber.MethodPost, "/api/rounds/:id/items/:itemId/answer", a.roundsNotYet},
		{fiber.MethodPost, "/api/rounds/:id/extensions", a.roundsNotYet},
		{fiber.MethodPost, "/api/rounds/:id/close", a.roundsNotYet},
		{fiber.MethodPut, "/api/rounds/:id/answers/:answerId/reaction", a.roundsNotYet},
		{fiber.MethodDelete, "/api/rounds/:id/answers/:answerId/reaction", a.roundsNotYet},
		{fiber.MethodPost, "/api/rounds/:id/answers/:answerId/followups", a.roundsNotYet},
		{fiber.MethodPost, "/api/rounds/:id/followups/:followUpId/replies", a.roundsNotYet},
		{fiber.MethodGet, "/api/rounds/:id/matrix", a.roundsNotYet},
		{fiber.MethodGet, "/api/rounds/:id/export.csv", a.roundsNotYet},
		{fiber.MethodGet, "/api/rounds/:id/report", a.roundsNotYet},
		{fiber.MethodGet, "/api/rounds/:id/commitments", a.roundsNotYet},
		{fiber.MethodPost, "/api/rounds/:id/commitments/:commitmentId/updates", a.roundsNotYet},
		{fiber.MethodPost, "/api/rounds/:id/review", a.roundsNotYet},
		{fiber.MethodPut, "/api/rounds/:id/commitments/:commitmentId/rating", a.roundsNotYet},
		{fiber.MethodGet, "/api/rounds/:id/scorecards", a.roundsNotYet},
		{fiber.MethodPost, "/api/rounds/:id/scorecards/:orgId/publish", a.roundsNotYet},
		{fiber.MethodGet, "/api/public/scorecards/:roundId/:orgId", a.roundsNotYet},
	}
}

func (a *API) roundsNotYet(c *fiber.Ctx) error {
	return fault.Errorf(fault.Unavailable, "Feedback rounds are not available on this server.")
}
