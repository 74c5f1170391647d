package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"chorus/fault"
)

// Problem is an RFC 9457 problem details body. Type is stable per code so
// that clients can branch on it; Detail is safe to show to people.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Instance  string `json:"instance,omitempty"`
	RequestID string `json:"requestId,omitempty"`
}

// statusOf is the one place where error codes become HTTP statuses.
var statusOf = map[fault.Code]int{
	fault.Invalid:      http.StatusBadRequest,
	fault.Unauthorized: http.StatusUnauthorized,
	fault.Forbidden:    http.StatusForbidden,
	fault.NotFound:     http.StatusNotFound,
	fault.Conflict:     http.StatusConflict,
	fault.TooLarge:     http.StatusRequestEntityTooLarge,
	fault.RateLimited:  http.StatusTooManyRequests,
	fault.Unavailable:  http.StatusServiceUnavailable,
	fault.Internal:     http.StatusInternalServerError,
}

// codeOfStatus turns Fiber's own errors (no route, wrong method, body too
// large) into our codes so they share one problem type.
func codeOfStatus(status int) fault.Code {
	switch status {
	case http.StatusNotFound:
		return fault.NotFound
	case http.StatusMethodNotAllowed:
		return "method_not_allowed"
	case http.StatusRequestEntityTooLarge:
		return fault.TooLarge
	case http.StatusUnauthorized:
		return fault.Unauthorized
	case http.StatusForbidden:
		return fault.Forbidden
	case http.StatusServiceUnavailable:
		return fault.Unavailable
	case http.StatusTooManyRequests:
		return fault.RateLimited
	}
	if status >= 400 && status < 500 {
		return fault.Invalid
	}
	return fault.Internal
}

// errorHandler writes every error as application/problem+json. Internal
// errors are logged with the request id and never described to the client.
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		code := fault.CodeOf(err)
		status := statusOf[code]
		detail := detailFor(c, err)
		c.Set(fiber.HeaderContentLanguage, languageOf(c))
		c.Vary(fiber.HeaderAcceptLanguage)

		var fe *fiber.Error
		if errors.As(err, &fe) {
			status = fe.Code
			code = codeOfStatus(status)
		}
		if status == 0 {
			status = http.StatusInternalServerError
		}
		rid := requestID(c)
		if status >= 500 {
			log.Error("request failed", "requestId", rid, "method", c.Method(), "path", loggedPath(c), "error", err)
		}
		return writeProblem(c, Problem{
			Type:      "/problems/" + string(code),
			Title:     translate(languageOf(c), http.StatusText(status)),
			Status:    status,
			Detail:    detail,
			Instance:  c.Path(),
			RequestID: rid,
		})
	}
}

// fiberDetail explains Fiber's own errors in plain words; Fiber's messages
// ("Cannot GET /x") are not meant for people.
func fiberDetail(status int) string {
	switch status {
	case http.StatusNotFound:
		return "There is nothing at this address."
	case http.StatusMethodNotAllowed:
		return "This address does not accept this kind of request."
	case http.StatusRequestEntityTooLarge:
		return "What you sent is too large."
	}
	if status >= 500 {
		return fault.MessageOf(errors.New("internal"))
	}
	return http.StatusText(status)
}

func writeProblem(c *fiber.Ctx, p Problem) error {
	c.Status(p.Status)
	if err := c.JSON(p); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return nil
}
